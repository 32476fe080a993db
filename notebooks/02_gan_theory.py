# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · GAN theory, seen with your own eyes
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/making-faces-course/making-faces/blob/v0.3.0/notebooks/02_gan_theory.ipynb) · live-coding version, with blanks to type in: [![Open the live-coding version in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/making-faces-course/making-faces/blob/v0.3.0/notebooks/live/02_gan_theory.ipynb)
#
# Before images, toys: on data whose answer we know, every claim of GAN theory can be
# *checked*. In this notebook you will
#
# 0. place GANs on the map of generative models (why learn them at all?),
# 1. write the GAN game down and check its optimal discriminator numerically,
# 2. see why the generator's original loss stalls and the "non-saturating" one does not,
# 3. train GANs on a 1-D Gaussian and on a ring of eight 2-D Gaussians, and **count** the
#    modes they cover, once with a setting that collapses and once with one that does not,
# 4. meet Lipschitz constraints and spectral normalisation,
# 5. condition a GAN on a label, and
# 6. check two evaluation numbers on toys where we know the right answer: the
#    Inception-style score, which papers report, and the Frechet distance, which notebooks
#    03 and 04 use,
# 7. watch the two players circle each other on the smallest GAN there is (the Dirac GAN),
#    predict what happens before you run it, and see the R1 penalty of notebook 03 stop it,
# 8. meet the Wasserstein GAN and its gradient penalty, and diagnose a GAN with a planted
#    fault from its curves alone.
#
# **First, a thought experiment: you are the generator.** You must draw a "7" that passes
# for handwriting, but you have never been shown one. All you get is a critic who looks at
# your drawing beside real 7s and says how sure it is that yours is fake. You would change
# whatever the critic seems to dislike, a bit at a time; the critic, meanwhile, keeps
# studying real 7s and your latest fakes, so the easy tells stop working. Neither of you
# ever writes down what a 7 *is*. Keep this picture in mind: it is the whole training loop,
# and its failure modes (a critic that is too strict or too lax, a forger who finds one
# trick and repeats it) are the ones this notebook measures.
#
# ![A GAN: noise z goes through the generator G to fake images; real and fake images go
# through the discriminator D to a logit; D's loss updates D, and G's loss, passed back
# through D, updates G](https://raw.githubusercontent.com/making-faces-course/making-faces/v0.3.0/img/gan_diagram.png)
#
# **Time:** each training cell takes well under a minute on a CPU (the whole notebook: 1.8
# minutes in `fast` mode, measured on a 2-core CPU, 2026-11-27, counting modes over three seeds).

# %%
# Colab setup: install the workshop package (a fixed release), on Colab only
import sys

REPOSITORY = "https://github.com/making-faces-course/making-faces"
RELEASE = "v0.3.0"  # a git tag, never a branch: everyone in the room runs the same code
WHEEL = ""  # only if GitHub fails: the path of the workshop_utils .whl file your instructor shares
if "google.colab" in sys.modules:
    import importlib.util, shutil, subprocess, time
    from importlib.metadata import version

    if importlib.util.find_spec("tensorflow") is None:  # Colab's TPU runtimes ship JAX, not TensorFlow
        raise SystemExit("This Colab runtime has no TensorFlow (a TPU runtime?). The course runs on a GPU: "
                         "Runtime > Change runtime type > T4 GPU > Save, then run the notebook again.")
    started = time.perf_counter()
    package = WHEEL or f"workshop_utils @ git+{REPOSITORY}@{RELEASE}"  # Colab's TensorFlow, Keras stay
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], capture_output=True, text=True)
    if pip.returncode and WHEEL:
        raise SystemExit(f"Could not install {WHEEL}:\n{pip.stderr.strip()[-600:]}\nWhat to do: check that the file "
                         "is there (Files panel) and keeps its original name, workshop_utils-<version>-py3-none-any.whl "
                         "(a browser's ' (1)' breaks it), then run this cell again.")
    if pip.returncode:
        raise SystemExit(f"Could not install {package}:\n{pip.stderr.strip()[-600:]}\nWhat to do: check the "
                         f"network (and that the tag {RELEASE} exists); if GitHub is blocked or throttled, "
                         "ask your instructor for the workshop_utils .whl file, upload it (Files panel) or "
                         "mount Drive, set WHEEL = '<its path>' in this cell and run it again.")
    print(f"Installed workshop_utils {version('workshop_utils')} ({WHEEL or RELEASE}) in {time.perf_counter() - started:.0f} s")
    if not shutil.which("nvidia-smi") or subprocess.run(["nvidia-smi"], capture_output=True).returncode:
        print("!" * 88 + "\nNO GPU: Runtime > Change runtime type > T4 GPU > Save, then run the notebook again.\n" + "!" * 88)

# %%
# Imports, seeds, and where we are running
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers, ops

from workshop_utils import callbacks, losses, metrics, models, plotting, runtime, sampling, toys

mode = runtime.setup(seed=0)

# %%
# Teaching parameters: one value for every mode, or one per mode
params = runtime.scaled(
    d_star_steps={"full": 2000, "fast": 1500, "smoke": 50},  # training steps for the D* check
    gaussian_steps={"full": 3000, "fast": 2000, "smoke": 40},  # 1-D GAN
    ring_steps={"full": 3000, "fast": 2000, "smoke": 40},  # each 2-D ring GAN
    ring_seeds={"full": 5, "fast": 3, "smoke": 1},  # seeds per setting when counting modes
    dirac_steps=300,  # the Dirac GAN: steps of plain gradient descent (a fraction of a second each)
    wgan_steps={"full": 3000, "fast": 2000, "smoke": 40},  # each Wasserstein ring GAN
    batch_size=256,
    learning_rate=1e-3,
    latent_dim=2,
)

# %% [markdown]
# ## 0. Where GANs sit: a map of generative models
# A generative model learns $p_\text{data}$ from samples so that it can draw new ones.
# Ian Goodfellow's taxonomy ([Goodfellow, 2016, NIPS tutorial, figure 9](https://arxiv.org/abs/1701.00160))
# sorts them by how they treat the density $p(x)$:
#
# - **explicit, tractable density**: write $p(x)$ so it can be computed exactly and maximise
#   the likelihood. *Autoregressive* models factor it pixel by pixel
#   ([van den Oord et al., 2016, PixelRNN](https://arxiv.org/abs/1601.06759)); *normalising flows*
#   push noise through invertible maps whose Jacobians are cheap
#   ([Dinh et al., 2017, Real NVP](https://arxiv.org/abs/1605.08803)).
# - **explicit, approximate density**: maximise a bound on the likelihood. The
#   *variational autoencoder* ([Kingma & Welling, 2013](https://arxiv.org/abs/1312.6114)) learns
#   an encoder and a decoder; plain autoencoders compress but do not define $p(x)$.
#   *Diffusion models* ([Ho et al., 2020](https://arxiv.org/abs/2006.11239)) train on a
#   reweighted variational bound: they learn to undo many small noising steps.
# - **implicit density**: never write $p(x)$ down, only *sample* from it. A **GAN** is one:
#   $G$ maps noise to samples, and the only training signal is a second network that tells
#   real from fake.
#
# Why learn GANs, when diffusion models draw today's best images? A GAN draws a sample in
# **one forward pass** (an undistilled diffusion model takes tens to hundreds), it learns its own loss
# (the discriminator), and that adversarial loss lives on inside other systems: the
# decoders of latent-diffusion models are trained with one
# ([Rombach et al., 2022](https://arxiv.org/abs/2112.10752)), and distilled one-step diffusion
# samplers use one ([Sauer et al., 2023](https://arxiv.org/abs/2311.17042)). The price, which this
# notebook measures, is a game that can fail to converge and can drop modes.

# %%
# The map as a tree: how each family treats p(x), with one example each
families = {
    "explicit density,\ntractable": ["autoregressive\n(PixelRNN)", "normalising flow\n(Real NVP)"],
    "explicit density,\napproximate": ["variational\nautoencoder", "diffusion\n(DDPM)"],
    "implicit density\n(samples only)": ["GAN\n(this course)"],
}
figure, ax = plt.subplots(figsize=(11, 3.6))
ax.set_axis_off()
box = dict(boxstyle="round", facecolor="white", edgecolor="grey")
ax.text(0.5, 0.92, "generative models: learn p_data from samples", ha="center", bbox=box)
leaves = [(family, leaf) for family, members in families.items() for leaf in members]
for index, (family, members) in enumerate(families.items()):
    x = (index + 0.5) / len(families)
    ax.annotate(family, (0.5, 0.86), xytext=(x, 0.55), ha="center", va="center", bbox=box,
                arrowprops=dict(arrowstyle="<-", color="grey"))
    for position, leaf in enumerate(members):
        leaf_x = (leaves.index((family, leaf)) + 0.5) / len(leaves)
        highlight = dict(box, facecolor="gold") if "GAN" in leaf else box
        ax.annotate(leaf, (x, 0.47), xytext=(leaf_x, 0.1), ha="center", va="center", bbox=highlight,
                    arrowprops=dict(arrowstyle="<-", color="grey"))
ax.set_title("Goodfellow's (2016) taxonomy, with diffusion added: GANs model p(x) only through samples");

# %% [markdown]
# ## 1. The game, and its optimal discriminator
# A generator $G$ turns noise $z \sim p_z$ into samples with distribution $p_g$; a
# discriminator $D$ outputs the probability that its input is real. They play
#
# $$\min_G \max_D \; V(D, G) = \mathbb E_{x\sim p_\text{data}}[\log D(x)] + \mathbb E_{z\sim p_z}[\log(1 - D(G(z)))].$$
#
# For a *fixed* $G$, maximising the integrand $p_\text{data}(x)\log D(x) + p_g(x)\log(1-D(x))$
# point by point gives the optimal discriminator ([Goodfellow et al., 2014](https://arxiv.org/abs/1406.2661)):
#
# $$D^*(x) = \frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}.$$
#
# Let's check it. Real data: $\mathcal N(2, 0.5^2)$. A fixed "generator": $\mathcal N(0, 1)$.
# We train a small network with exactly $D$'s loss (binary cross-entropy, real = 1,
# fake = 0) and compare it with the formula.

# %%
# Two 1-D distributions with known densities: the data and a fixed "generator"
def gaussian_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


rng = np.random.default_rng(0)
real_1d = rng.normal(2.0, 0.5, (20_000, 1)).astype("float32")
fake_1d = rng.normal(0.0, 1.0, (20_000, 1)).astype("float32")

# %%
# Train D alone on real (label 1) vs fake (label 0): its loss is -V(D, G) for this fixed G
discriminator_1d = toys.build_toy_discriminator(input_dim=1, width=32)
discriminator_1d.compile(optimizer=keras.optimizers.Adam(params.learning_rate),
                         loss=keras.losses.BinaryCrossentropy(from_logits=True))
x_train = np.concatenate([real_1d, fake_1d])
y_train = np.concatenate([np.ones(len(real_1d)), np.zeros(len(fake_1d))]).astype("float32")
discriminator_1d.fit(x_train, y_train, batch_size=params.batch_size, verbose=0,
                     epochs=max(1, params.d_star_steps * params.batch_size // len(x_train)))

# %%
# Compare the trained D(x) with D*(x) = p_data / (p_data + p_g)
xs = np.linspace(-2.5, 4, 300, dtype="float32")[:, None]  # (300, 1)
d_star = gaussian_pdf(xs, 2, 0.5) / (gaussian_pdf(xs, 2, 0.5) + gaussian_pdf(xs, 0, 1))
d_trained = ops.convert_to_numpy(ops.sigmoid(discriminator_1d(xs)))
figure, ax = plt.subplots(figsize=(7, 3))
ax.plot(xs, gaussian_pdf(xs, 2, 0.5), "k:", label="$p_{data}$")
ax.plot(xs, gaussian_pdf(xs, 0, 1), "c:", label="$p_g$")
ax.plot(xs, d_star, "k", lw=3, alpha=0.4, label="$D^*$ (formula)")
ax.plot(xs, d_trained, "r", label="trained $D$")
ax.legend(fontsize="small")
where_data = ((gaussian_pdf(xs, 2, 0.5) + gaussian_pdf(xs, 0, 1)) > 0.05).ravel()
print(f"mean |D - D*| where there is data: {np.abs(d_trained - d_star)[where_data].mean():.3f}")

# %% [markdown]
# Where there is data, the trained $D$ sits on the formula. Plug $D^*$ back into $V$ and
# you get $V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(p_\text{data}\,\|\,p_g)$: with the best
# discriminator, the generator minimises the Jensen-Shannon divergence, which is 0 exactly
# when $p_g = p_\text{data}$.

# %% [markdown]
# ### Exercise 1 · $D^*$ by hand
# Where the two densities are equal, $D^* = 1/2$: the best discriminator cannot tell.
# Find that point for $p_\text{data} = \mathcal N(2, 0.5^2)$ and $p_g = \mathcal N(0, 1)$
# between 0 and 2 (set the two Gaussian densities equal and take logs: a quadratic
# equation), then read the trained $D$ there. Write your $x$ in the next cell.

# %%
# Your answer: the x between 0 and 2 where p_data(x) = p_g(x)
my_crossing = None  # replace with a number

# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)
# log p_data = log p_g:  -2 (x - 2)^2 - log 0.5 = -x^2 / 2   =>   1.5 x^2 - 8 x + 8 - log 2 = 0
roots = np.roots([1.5, -8.0, 8.0 - np.log(2.0)])
crossing = float(roots[(roots > 0) & (roots < 2)][0].real)
at_crossing = float(ops.sigmoid(discriminator_1d(np.array([[crossing]], "float32")))[0, 0])
print(f"p_data = p_g at x = {crossing:.3f}: D* = 0.5 there, the trained D says {at_crossing:.2f}")
if my_crossing is not None:
    print(f"you said {my_crossing}: {'right' if abs(my_crossing - crossing) < 0.01 else 'not quite'}")

# %% [markdown]
# ## 2. Two generator objectives
# The minimax game asks $G$ to minimise $\log(1 - D(G(z)))$. Early in training $G$ is bad,
# $D$ rejects its samples confidently, $D(G(z)) \approx 0$, and there this loss is **flat**:
# its gradient with respect to $D$'s logit is $-D(G(z)) \approx 0$. The **non-saturating**
# loss $-\log D(G(z))$ has the same fixed point, and gradient $-(1 - D(G(z))) \approx -1$
# exactly there. Let's compute both with `tf.GradientTape` on the course's loss functions.

# %%
# The two generator losses and their gradients w.r.t. D's logit, as D(G(z)) goes from 0 to 1
logits = tf.Variable(np.linspace(-7, 7, 200, dtype="float32")[:, None])  # (200, 1)
curves = {}
for name, loss_fn in [("minimax  log(1 - D)", losses.minimax_generator_loss),
                      ("non-saturating  -log D", losses.nonsaturating_generator_loss)]:
    with tf.GradientTape() as tape:
        batch_loss = loss_fn(logits)  # the mean over the 200 samples
    per_sample_gradient = tape.gradient(batch_loss, logits).numpy().ravel() * 200  # undo the mean
    per_sample_loss = np.array([float(loss_fn(logits[i : i + 1])) for i in range(200)])
    curves[name] = (per_sample_loss, per_sample_gradient)
d_of_fake = ops.convert_to_numpy(ops.sigmoid(logits)).ravel()
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3))
for name, (value, gradient) in curves.items():
    left.plot(d_of_fake, value, label=name)
    right.plot(d_of_fake, np.abs(gradient), label=name)
left.set(xlabel="D(G(z))", title="generator loss")
right.set(xlabel="D(G(z))", title="|gradient| w.r.t. the logit")
right.axvspan(0, 0.1, color="grey", alpha=0.2, label="early training")
right.legend(fontsize="small");

# %% [markdown]
# ### Exercise 2 · Write the minimax generator loss yourself
# With $D(x) = \sigma(l)$ for a logit $l$, the minimax generator loss
# $\mathbb E[\log(1 - D(G(z)))]$ can be written with `ops.softplus` alone (use
# $\log(1 - \sigma(l)) = -\mathrm{softplus}(l)$). Write it as a function of the fake logits
# (a batch, shape (B, 1)) returning one number, the mean; the hidden cell checks it against
# the course's `losses.minimax_generator_loss` and reads its gradient at $D(G(z)) = 0.01$.

# %%
# Your loss: fake logits (B, 1) -> the mean of log(1 - sigmoid(logits))
my_minimax_generator_loss = None  # replace with a function


# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)
def reference_minimax_generator_loss(fake_logits):
    return -ops.mean(ops.softplus(fake_logits))  # log(1 - sigmoid(l)) = -softplus(l)


if my_minimax_generator_loss is None:  # left empty: use the reference
    my_minimax_generator_loss = reference_minimax_generator_loss
test_logits = tf.constant(np.linspace(-6, 6, 13, dtype="float32")[:, None])  # (13, 1)
print("matches losses.minimax_generator_loss:",
      np.isclose(float(my_minimax_generator_loss(test_logits)), float(losses.minimax_generator_loss(test_logits)), atol=1e-5))
sure_fake = tf.constant([[float(np.log(0.01 / 0.99))]])  # the logit at which D(G(z)) = 0.01
with tf.GradientTape() as tape:
    tape.watch(sure_fake)
    value = my_minimax_generator_loss(sure_fake)
print(f"gradient w.r.t. the logit where D(G(z)) = 0.01: {float(tape.gradient(value, sure_fake)[0, 0]):.4f} (flat: no signal)")

# %% [markdown]
# ## 3. A GAN on a 1-D Gaussian
# Now both players learn. The course's `GAN` class (built in notebook 03, saved in
# `workshop_utils.models`) does not care what it generates: give it a tiny MLP generator
# that maps 2 noise numbers to 1 number, and a tiny MLP discriminator.

# %%
# A GAN whose generator draws single numbers; data: N(2, 0.5^2)
keras.utils.set_random_seed(0)
gaussian_gan = models.GAN(toys.build_toy_generator(params.latent_dim, output_dim=1),
                          toys.build_toy_discriminator(input_dim=1))
gaussian_gan.compile(d_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=0.5),
                     g_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=0.5))
real_stream = tf.data.Dataset.from_tensor_slices(real_1d).shuffle(20_000).repeat().batch(params.batch_size)

# %%
# Train in four rounds and draw p_g against p_data after each
figure, axes = plt.subplots(1, 4, figsize=(14, 2.5), sharey=True)
for round_index, ax in enumerate(axes):
    gaussian_gan.fit(real_stream, epochs=1, steps_per_epoch=params.gaussian_steps // 4, verbose=0)
    gaussian_samples = sampling.generate_images(gaussian_gan, 5000, seed=round_index)
    ax.hist(gaussian_samples.ravel(), bins=60, range=(-2, 5), density=True, color="tab:red", alpha=0.6)
    ax.plot(xs, gaussian_pdf(xs, 2, 0.5), "k")
    ax.set_title(f"after {(round_index + 1) * (params.gaussian_steps // 4)} steps")
print(f"generated mean {gaussian_samples.mean():.2f} (data 2.00), std {gaussian_samples.std():.2f} (data 0.50)")

# %% [markdown]
# ## 4. Mode collapse on a ring of Gaussians
# The classic stress test ([Metz et al., 2016](https://arxiv.org/abs/1611.02163)): eight Gaussians on a circle. Because we
# know where the modes are, we can **count** instead of eyeball:
#
# - a sample is *high quality* if it lies within 3 standard deviations of a mode;
# - a mode is *covered* if it gets at least a quarter of its fair share of those samples.
#
# Two different failures hide behind "few modes covered", and the counts tell them apart:
#
# - **mode collapse**: most samples are good (near *some* mode) but they pile onto a few
#   modes; a high high-quality share, few modes covered;
# - **low quality**: the samples sit *between* modes or off the ring; a low high-quality
#   share, and so few modes covered too, though nothing has collapsed.
#
# We train the same two networks with two pairs of learning rates. In the first, the
# generator learns ten times *faster* than the discriminator: $G$ chases whatever region
# $D$ currently likes best before $D$ has learnt what the data looks like, which can pile
# its samples onto a few modes (collapse), or leave them strewn between the modes (low
# quality). In the second, both learn at the same rate, and $D$'s feedback should keep
# spreading $G$ over all eight. That is the claim; one run can land either way, so after
# the pictures (one seed) we count over several seeds, name each run's failure, and read
# the table, not the picture.

# %%
# The data: a ring of 8 Gaussians, and the two settings we compare
centres = toys.ring_centres(modes=8, radius=2.0)
ring, ring_modes = toys.ring_of_gaussians(50_000, modes=8, radius=2.0, std=0.05, seed=0)
ring_stream = tf.data.Dataset.from_tensor_slices(ring).shuffle(50_000).repeat().batch(params.batch_size)
settings = {"G 10x faster than D": dict(g_learning_rate=5e-3, d_learning_rate=5e-4, spectral_norm=False),
            "balanced": dict(g_learning_rate=1e-3, d_learning_rate=1e-3, spectral_norm=False)}

# %%
# Train a ring GAN in four rounds, drawing its samples over D's belief after each
def train_ring_gan(row, name, g_learning_rate, d_learning_rate, spectral_norm, seed=1):
    """Train one setting; draw four rounds into ``row`` (None: no pictures); count its modes."""
    keras.utils.set_random_seed(seed)
    gan = models.GAN(toys.build_toy_generator(params.latent_dim),
                     toys.build_toy_discriminator(spectral_norm=spectral_norm))
    gan.compile(d_optimizer=keras.optimizers.Adam(d_learning_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(g_learning_rate, beta_1=0.5))
    for round_index, ax in enumerate(row if row is not None else [None] * 4):
        gan.fit(ring_stream, epochs=1, steps_per_epoch=params.ring_steps // 4, verbose=0)
        samples = sampling.generate_images(gan, 2000, seed=round_index)
        if ax is not None:
            plotting.plot_decision_surface(gan.discriminator, ax)
            plotting.plot_points(samples, ring[:2000], ax=ax, title=f"{name}\nstep {(round_index + 1) * (params.ring_steps // 4)}")
    return gan, toys.mode_coverage(samples, centres, std=0.05)


# %%
# Train both settings and count the modes each covers
figure, axes = plt.subplots(2, 4, figsize=(14, 7))
ring_gans, counts = {}, {}
for row, (name, setting) in zip(axes, settings.items()):
    ring_gans[name], counts[name] = train_ring_gan(row, name, **setting)

# %%
# Count, don't eyeball: modes covered and high-quality share for each setting
def failure(count):
    """Name what a ring GAN got wrong: low quality (samples off the modes) is not collapse."""
    if count["high_quality_share"] < 0.5:
        return "low quality: most samples are off every mode"
    if count["modes_covered"] <= 4:
        return "mode collapse: good samples, on few modes"
    return "covers the ring" if count["modes_covered"] == 8 else "covers most modes"


for name, count in counts.items():
    print(f"{name:24} modes covered {count['modes_covered']}/8, high-quality share "
          f"{count['high_quality_share']:.2f}, per mode {count['per_mode'].tolist()}: {failure(count)}")

# %% [markdown]
# ## 5. Lipschitz continuity and spectral normalisation
# A function $f$ is $K$-Lipschitz if $|f(a) - f(b)| \le K\,\|a - b\|$: its output cannot
# change faster than $K$ times its input. A discriminator with a small Lipschitz constant
# cannot become infinitely sharp around the real data, so its gradient tells $G$ which way
# to move even far from the data (the Wasserstein GAN needs this outright).
#
# For a linear layer $x \mapsto Wx$ the constant is the largest singular value
# $\sigma(W)$, and ReLU-like activations are 1-Lipschitz, so a network whose every $W$ has
# $\sigma(W) = 1$ is 1-Lipschitz. **Spectral normalisation** ([Miyato et al., 2018](https://arxiv.org/abs/1802.05957)) uses
# $W / \sigma(W)$, estimating $\sigma(W)$ cheaply by **power iteration**, one step per
# training step. Two caveats keep the guarantee approximate: one power-iteration step
# gives an *estimate* of $\sigma(W)$ (the next cell shows how far off it can be), and for a
# convolution Keras normalises the kernel reshaped to a matrix, whose top singular value
# is not the convolution's operator norm: because every input pixel is reused at several
# kernel positions, the convolution can stretch an input by more than that. So a
# spectrally normalised network is roughly, not exactly, 1-Lipschitz; in practice that
# is enough to keep $D$'s slopes in check. First, power iteration against NumPy's exact SVD:

# %%
# Power iteration vs the exact top singular value of a random 64 x 32 kernel
kernel = np.random.default_rng(0).normal(size=(64, 32))
exact = np.linalg.svd(kernel, compute_uv=False)[0]
for iterations in [1, 5, 20, 100]:
    estimate = toys.power_iteration(kernel, iterations)
    print(f"{iterations:2d} iterations: sigma ~ {estimate:.4f}   (exact {exact:.4f})")

# %% [markdown]
# `keras.layers.SpectralNormalization` wraps a layer and does this: on each call with
# `training=True` (inside `fit()` or a train step) it runs one power-iteration step and
# *overwrites* the layer's kernel with $W / \sigma(W)$; called in inference mode, it leaves
# the kernel alone. One difference from Miyato et al. (2018): there, the gradient flows
# through $W / \sigma(W)$, $\sigma$ included; Keras rewrites the kernel in place before the
# layer runs, so the gradient reaches the normalised kernel as a plain weight and none
# flows through $\sigma$. Both keep $\sigma(W)$ near 1, which is what the next cell checks.

# %%
# keras.layers.SpectralNormalization: the kernel's top singular value before and after
dense = layers.Dense(32)
normalised = layers.SpectralNormalization(dense)
x = np.random.default_rng(1).normal(size=(8, 64)).astype("float32")
normalised(x, training=False)  # builds the layer
print(f"after build (no training call): sigma = {np.linalg.svd(dense.kernel.numpy(), compute_uv=False)[0]:.3f}")
for calls in range(1, 21):
    normalised(x, training=True)  # one power-iteration step, kernel <- W / sigma
    if calls in (1, 2, 5, 20):
        print(f"after {calls:2d} training call(s):   sigma = {np.linalg.svd(dense.kernel.numpy(), compute_uv=False)[0]:.3f}")

# %% [markdown]
# What does it do to the ring? Train the balanced setting again, with every layer of $D$
# spectrally normalised, and compare its decision surface with the plain one above.

# %%
# The balanced ring GAN again, with a spectrally normalised discriminator
figure, row = plt.subplots(1, 4, figsize=(14, 3.5))
name = "balanced + spectral norm"
settings[name] = dict(g_learning_rate=1e-3, d_learning_rate=1e-3, spectral_norm=True)
ring_gans[name], counts[name] = train_ring_gan(row, name, **settings[name])
print(f"{name}: {counts[name]['modes_covered']}/8 modes, high-quality share {counts[name]['high_quality_share']:.2f}")

# %% [markdown]
# The normalised $D$ changes slowly across the plane: it cannot carve sharp islands
# around the modes, so its gradient points $G$ somewhere useful everywhere. But a
# constrained $D$ also learns more slowly, so on a toy this small it may cover fewer
# modes, not more, in the same steps. The pictures are one seed each; now count.

# %%
# Modes covered (and the high-quality share) by each setting over several seeds; seed 1 is pictured
counts_by_seed = {name: [counts[name]] for name in settings}
for seed in range(2, params.ring_seeds + 1):
    for name, setting in settings.items():
        counts_by_seed[name].append(train_ring_gan(None, name, seed=seed, **setting)[1])
modes_by_seed = {name: [c["modes_covered"] for c in found] for name, found in counts_by_seed.items()}
print(f"{'setting':26}" + "".join(f"seed {seed:<9}" for seed in range(1, params.ring_seeds + 1)) + "  mean")
for name, found in counts_by_seed.items():
    print(f"{name:26}" + "".join(f"{c['modes_covered']}/8 {c['high_quality_share']:4.0%}{'':4}" for c in found)
          + f"  {np.mean(modes_by_seed[name]):.1f}")
ranked = sorted(modes_by_seed, key=lambda name: -np.mean(modes_by_seed[name]))
print(f"Over {params.ring_seeds} seed(s), most modes on average: {ranked[0]}; fewest: {ranked[-1]}.")
for name, found in counts_by_seed.items():
    kinds = [failure(c).split(":")[0] for c in found]
    print(f"{name}: " + ", ".join(f"{kinds.count(k)} x {k}" for k in dict.fromkeys(kinds)))

# %% [markdown]
# Read the last lines: they are this run's verdict, each run named by its failure (the
# percentage beside each count is its high-quality share). In the benchmark
# (`benchmarks/toy_modes.py`: 5 seeds of 2,000 steps on a 2-core CPU, 2026-11-24, recorded in
# `benchmarks/README.md`), the generator that outpaces
# $D$ covered 1.2 of 8 modes on average with only 13% of its samples near any mode: mostly
# low quality, not collapse; balanced rates covered 7.8 with 85% near a mode. Single seeds
# disagree, which is why we count over seeds. `benchmarks/toy_modes.py`
# runs more seeds and steps, and `benchmarks/README.md` records what it measured. The
# constraint earns its keep where an unconstrained $D$ grows sharp and unstable: on
# high-dimensional images, with the hinge loss, which is why notebook 04's face
# discriminator uses it. Measure, don't assume, holds for regularisers too.
#
# ## 6. Conditional GANs
# Give both players a label $y$ and the game becomes
#
# $$\min_G \max_D \; \mathbb E_{x, y}[\log D(x, y)] + \mathbb E_{z, y}[\log(1 - D(G(z, y), y))].$$
#
# On the ring, the label is *which mode*: the generator learns eight distributions at once,
# and you choose which one to draw. The `ConditionalGAN` of notebook 03 does this with no
# change to its train step.

# %%
# A conditional toy: G([z, mode]) -> point, D([point, mode]) -> logit  # @live
def build_conditional_toy_generator(latent_dim=2, modes=8):
    """[z (B, latent_dim), mode (B,) int] -> a 2-D point (B, 2): embed the mode, concatenate it to z."""
    z, label = keras.Input((latent_dim,)), keras.Input((), dtype="int32")
    x = layers.Concatenate()([z, layers.Embedding(modes, 8)(label)])  # (B, latent_dim + 8)
    return keras.Model([z, label], toys.build_toy_generator(latent_dim + 8)(x))


def build_conditional_toy_discriminator(modes=8):
    """[point (B, 2), mode (B,) int] -> one logit (B, 1): embed the mode, concatenate it to the point."""
    point, label = keras.Input((2,)), keras.Input((), dtype="int32")
    x = layers.Concatenate()([point, layers.Embedding(modes, 8)(label)])  # (B, 10)
    return keras.Model([point, label], toys.build_toy_discriminator(input_dim=10)(x))


# %%
# Train the conditional toy on (point, mode) pairs
keras.utils.set_random_seed(2)
conditional_toy = models.ConditionalGAN(build_conditional_toy_generator(params.latent_dim),
                                        build_conditional_toy_discriminator(), r1_gamma=0.0)
conditional_toy.compile(d_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=0.5),
                        g_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=0.5))
labelled_ring = tf.data.Dataset.from_tensor_slices((ring, ring_modes.astype("int32"))).shuffle(50_000).repeat()
conditional_toy.fit(labelled_ring.batch(params.batch_size), epochs=1, steps_per_epoch=params.ring_steps, verbose=0);

# %%
# Your turn: pick the modes to draw (change the list and re-run)
chosen_modes = [0, 3, 5]
figure, ax = plt.subplots(figsize=(4, 4))
for chosen in chosen_modes:
    points = sampling.generate_images(conditional_toy, 300, labels=np.full(300, chosen), seed=chosen)
    plotting.plot_points(points, ring[:2000] if chosen == chosen_modes[0] else None, ax=ax)
ax.scatter(*centres[chosen_modes].T, marker="x", c="k", s=80, label="asked for")
ax.set_title("conditional toy: the modes you asked for");

# %% [markdown]
# ## 7. Evaluating GANs on toys where the answer is known
# Two numbers recur in GAN papers. Notebooks 03 and 04 use the second, the Frechet
# distance; in place of the first, notebook 03 reports a confidence and a coverage and
# notebook 04 an attribute-control accuracy, each plainer to read:
#
# - **Inception-style score (IS**, [Salimans et al., 2016](https://arxiv.org/abs/1606.03498)): with a classifier's $p(y \mid x)$,
#   $\mathrm{IS} = \exp\big(\mathbb E_x\, \mathrm{KL}(p(y\mid x)\,\|\,p(y))\big)$. High when each
#   sample is clearly one class *and* all classes appear; at most the number of classes.
# - **Frechet distance (FD**, as in FID, [Heusel et al., 2017](https://arxiv.org/abs/1706.08500)): fit Gaussians to features of real and generated samples;
#   $\lVert\mu_r - \mu_g\rVert^2 + \mathrm{Tr}(\Sigma_r + \Sigma_g - 2(\Sigma_r\Sigma_g)^{1/2})$.
#   0 for the same distribution; it grows as they differ.
#
# On the ring, the perfect classifier is known (the exact posterior over the 8 modes), and
# the "features" can be the points themselves. So: real vs real should give IS near 8 and
# FD near 0; dropping modes should lower IS and raise FD.

# %%
# IS and FD on the ring: real data, then "generators" that drop modes
fresh, fresh_modes = toys.ring_of_gaussians(4000, std=0.05, seed=9)
print(f"{'sample':28}{'IS':>6}{'FD':>8}")
for kept in [8, 7, 4, 1]:
    sample = fresh[fresh_modes < kept]
    score = metrics.inception_score(toys.mixture_posterior(sample, centres, std=0.05))
    distance = metrics.frechet_distance(sample, ring[:4000])
    print(f"{f'ring with {kept} of 8 modes':28}{score:6.2f}{distance:8.3f}")
for name, gan in ring_gans.items():
    sample = sampling.generate_images(gan, 4000, seed=3)
    print(f"{name:28}{metrics.inception_score(toys.mixture_posterior(sample, centres, 0.05)):6.2f}"
          f"{metrics.frechet_distance(sample, ring[:4000]):8.3f}")

# %% [markdown]
# Notice what each number misses. IS never looks at the real data: a generator that draws
# each mode as a *single point* gets a perfect IS. Compare the GAN rows with the mode
# counts of section 4: a generator our count calls collapsed can still score an IS near 8
# and a small FD, because its stray samples are still *nearest* to some mode. FD compares with real data, but only
# through means and covariances. That is why notebook 03 reports FD *and* coverage *and*
# confidence, each with its real-vs-real value beside it.
#
# ## 8. The smallest GAN: two players who circle
# Why do GANs oscillate, and why does notebook 03 add the R1 penalty? The **Dirac GAN**
# ([Mescheder, Geiger & Nowozin, 2018](https://arxiv.org/abs/1801.04406)) answers with two
# numbers. The data is a single point at $x = 0$. The generator is a single number
# $\theta$: every sample it draws is $\theta$. The discriminator is a single number $\psi$:
# its logit is $l(x) = \psi x$. The game's equilibrium is $\theta = 0$ (the generator on
# the data) and $\psi = 0$ (a discriminator that cannot tell). Near it, each player's
# gradient points *around* the equilibrium, not towards it: $D$ tilts $\psi$ to reject
# $\theta$, $G$ moves $\theta$ along that tilt past 0, $D$ tilts the other way, and so on.
#
# The R1 penalty, $\frac{\gamma}{2}\lVert\nabla_x l(x)\rVert^2$ at the real data, is
# $\frac{\gamma}{2}\psi^2$ here: it always pulls $D$'s tilt back towards 0; once $G$ is on
# the data ($\theta = 0$) it is the only force left, and the game can come to rest.
# Below, both players take plain gradient-descent steps with the course's losses, in the
# order `GAN.train_step` takes them ($D$ first, then $G$), and the R1 term is computed
# with a second tape, as in notebook 03.

# %%
# The Dirac GAN: data at 0, G draws theta, D's logit is psi * x; D steps first, then G
def dirac_gan(r1_gamma=0.0, steps=params.dirac_steps, learning_rate=0.1, start=(1.0, 1.0)):
    """Train the two one-number players; return their path, an array (steps + 1, 2) of (theta, psi)."""
    theta = tf.Variable([[start[0]]])  # G: where all its samples land
    psi = tf.Variable([[start[1]]])  # D: the slope of its logit
    real = tf.zeros((1, 1))  # the data: every sample is 0
    path = [start]
    for _ in range(steps):
        with tf.GradientTape() as tape:  # D's step: minimax loss, plus R1 at the real point
            with tf.GradientTape() as slope_tape:
                slope_tape.watch(real)
                real_logit = psi * real
            slope = slope_tape.gradient(real_logit, real)  # d l(x) / d x at x = 0: psi
            d_loss = losses.minimax_discriminator_loss(real_logit, psi * theta) + 0.5 * r1_gamma * ops.sum(slope ** 2)
        psi.assign_sub(learning_rate * tape.gradient(d_loss, psi))
        with tf.GradientTape() as tape:  # G's step: the non-saturating loss
            g_loss = losses.nonsaturating_generator_loss(psi * theta)
        theta.assign_sub(learning_rate * tape.gradient(g_loss, theta))
        path.append((float(theta[0, 0]), float(psi[0, 0])))
    return np.array(path)


def settled(path):
    """Name what a path did: spiralled in to the equilibrium, kept circling, or spiralled out."""
    start, end = np.hypot(*path[0]), np.hypot(*path[-1])
    if end < 1e-3:
        return "settle"
    return "spiral out" if end > start else "keep circling"


# %% [markdown]
# ### Exercise 3 · Predict, then run: do the players settle?
# Before running the next cells, predict what the two players do in 300 steps from
# $(\theta, \psi) = (1, 1)$ **without** R1: do they settle at the equilibrium, keep
# circling it, or spiral out? Write one of the three phrases in the next cell; the
# hidden cell runs both games (without R1, and with $\gamma = 1$), draws their paths on the
# players' vector field, and compares with your prediction.

# %%
# Your prediction for the game without R1: "settle", "keep circling" or "spiral out"
my_prediction = None  # replace with one of the three phrases

# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)
paths = {"no penalty": dirac_gan(r1_gamma=0.0), "R1, gamma = 1": dirac_gan(r1_gamma=1.0)}
grid = np.linspace(-1.5, 1.5, 15)
theta_grid, psi_grid = np.meshgrid(grid, grid)
sigmoid = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
figure, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
for ax, (name, path), gamma in zip(axes, paths.items(), (0.0, 1.0)):
    # the direction each player moves, everywhere: -(d loss / d own parameter)
    ax.quiver(theta_grid, psi_grid, sigmoid(-psi_grid * theta_grid) * psi_grid,
              -(sigmoid(psi_grid * theta_grid) * theta_grid + gamma * psi_grid), color="grey", alpha=0.5)
    ax.plot(*path.T, "r", lw=1.5)
    ax.plot(*path[0], "ko")
    ax.plot(0, 0, "k*", ms=14)
    ax.set(xlabel="theta (G: where its samples land)", title=f"{name}: {settled(path)}")
axes[0].set_ylabel("psi (D: the slope of its logit)")
for name, path in paths.items():
    print(f"{name:14}: distance to the equilibrium {np.hypot(*path[0]):.2f} -> {np.hypot(*path[-1]):.4f} "
          f"after {len(path) - 1} steps: {settled(path)}")
if my_prediction is not None:
    verdict = "right" if my_prediction.strip().lower() == settled(paths["no penalty"]) else "not this time"
    print(f"You predicted {my_prediction!r} without R1: {verdict}.")

# %% [markdown]
# Without a penalty the players orbit the equilibrium: each step points mostly *around* it.
# With the non-saturating generator loss they creep inwards, far too slowly to settle
# (after 300 steps they are still going round); with the minimax generator loss they would,
# in continuous time, orbit for ever. Mescheder et al. show that the unregularised game is
# not locally convergent: at the equilibrium its Jacobian's eigenvalues are purely
# imaginary, a rotation. R1 adds damping: with $\gamma = 1$ (the critically damped value
# in their analysis) the players go straight in and stop; a smaller $\gamma$ spirals in more
# slowly. That is the job R1 does for notebook 03's digit GAN, in two dimensions you can draw.
#
# ## 9. The Wasserstein GAN, and its gradient penalty
# The original GAN's $D$ estimates (up to constants) the Jensen-Shannon divergence, which
# is flat when $p_g$ and $p_\text{data}$ do not overlap: no gradient to say *how far* off
# the fakes are. The **Wasserstein GAN** ([Arjovsky, Chintala & Bottou, 2017](https://arxiv.org/abs/1701.07875))
# uses the earth mover's distance instead: the least total distance to move the fake
# samples onto the real ones, which shrinks smoothly as $G$ improves. By the
# Kantorovich-Rubinstein duality it is
#
# $$W(p_\text{data}, p_g) = \max_{\lVert f\rVert_L \le 1} \; \mathbb E_{x\sim p_\text{data}}[f(x)] - \mathbb E_{z}[f(G(z))],$$
#
# a maximum over **1-Lipschitz** functions $f$. The discriminator becomes a *critic* $f$
# (a score, no sigmoid) that maximises the gap, and $G$ minimises $-\mathbb E[f(G(z))]$:
# `losses.wasserstein_critic_loss` and `losses.wasserstein_generator_loss`. Everything
# rests on the constraint: without it, the critic raises the gap by scaling its scores up
# without bound. Arjovsky et al. clipped the critic's weights; the **gradient penalty**
# ([Gulrajani et al., 2017](https://arxiv.org/abs/1704.00028)) asks instead for a slope of
# 1 where it matters, on random points $\hat x$ between real and fake samples:
# $\lambda\,\mathbb E\big[(\lVert\nabla_{\hat x} f(\hat x)\rVert - 1)^2\big]$, with
# $\lambda = 10$. It is R1's cousin: both penalise $D$'s slope, R1 at real data towards 0,
# the gradient penalty between the distributions towards 1. (Both are per-sample slopes:
# a discriminator that mixes the samples of a batch, like notebook 03's with its
# minibatch-std layer, bends that meaning; Gulrajani et al. advise against batch-coupled critics.)

# %%
# The gradient penalty, as one more term in D's loss (the same hook R1 uses in notebook 03)
class GradientPenaltyGAN(models.GAN):
    """A GAN whose D also pays gp_weight * (|grad f(x_hat)| - 1)^2 at points between real and fake."""

    def __init__(self, generator, discriminator, gp_weight=10.0, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.gp_weight = gp_weight

    def penalty(self, real_images, labels):
        """gp_weight * the batch mean of (|d f / d x_hat| - 1)^2, x_hat between real images and fresh fakes."""
        batch_size = ops.shape(real_images)[0]
        # The hook sees only the real batch, so it draws fresh fakes (one more pass of G;
        # Gulrajani et al. reuse the fakes of the loss).
        fake_images = self.generate(self.noise(batch_size), labels, training=True)
        mix_shape = [batch_size] + [1] * (len(real_images.shape) - 1)  # one mixing weight per sample
        mix = keras.random.uniform(mix_shape, seed=self.seed_generator)
        between = mix * real_images + (1.0 - mix) * fake_images  # x_hat
        with tf.GradientTape() as slope_tape:  # a tape inside train_step's tape, as for R1
            slope_tape.watch(between)
            scores = ops.sum(self.discriminate(between, labels, training=True))
        slopes = slope_tape.gradient(scores, between)
        norms = ops.sqrt(ops.sum(ops.square(ops.reshape(slopes, (batch_size, -1))), axis=1) + 1e-12)
        return self.gp_weight * ops.mean(ops.square(norms - 1.0))


# %%
# Wasserstein GANs on the ring: an unconstrained critic against one with the gradient penalty
def train_wasserstein(gradient_penalty, seed=1):
    keras.utils.set_random_seed(seed)
    model_class = GradientPenaltyGAN if gradient_penalty else models.GAN
    gan = model_class(toys.build_toy_generator(params.latent_dim), toys.build_toy_discriminator(), loss="wasserstein")
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9))
    gan.fit(ring_stream, epochs=1, steps_per_epoch=params.wgan_steps, verbose=0)
    return gan


def critic_slope(critic, points):
    """The mean length of the critic's gradient at ``points``: 1 for a 1-Lipschitz critic at its steepest."""
    points = tf.convert_to_tensor(points)
    with tf.GradientTape() as tape:
        tape.watch(points)
        scores = ops.sum(critic(points))
    return float(ops.mean(ops.sqrt(ops.sum(ops.square(tape.gradient(scores, points)), axis=1))))


figure, axes = plt.subplots(1, 2, figsize=(9, 4.2))
slope = {}
for ax, (name, penalty) in zip(axes, [("no constraint", False), ("gradient penalty", True)]):
    wgan = train_wasserstein(penalty)
    samples = sampling.generate_images(wgan, 2000, seed=4)
    slope[name] = critic_slope(wgan.discriminator, ring[:2000])
    coverage = toys.mode_coverage(samples, centres, std=0.05)
    plotting.plot_points(samples, ring[:2000], ax=ax, title=f"Wasserstein, {name}\n{coverage['modes_covered']}/8 modes, "
                                                         f"critic slope {slope[name]:.3g}")
    print(f"{name:17}: the critic's mean slope at real points {slope[name]:9.3g}; "
          f"{coverage['modes_covered']}/8 modes, high-quality share {coverage['high_quality_share']:.2f}")
steeper = slope["no constraint"] / max(slope["gradient penalty"], 1e-9)
print(f"The unconstrained critic is {steeper:.1f}x as steep as the penalised one"
      + (": nothing holds its slope near 1." if steeper > 1 else " in this run (a short run can end either way)."))

# %% [markdown]
# The numbers above are this run's verdict. Without a constraint nothing holds the critic's
# slope near 1 (in the reference rehearsal, 2-core CPU, 2026-11-27: 2.9 without, 1.2 with
# the penalty), so the gap between its scores is not a distance; with the penalty the gap
# between its mean scores on real and fake samples tracks how far apart the distributions
# are. (We measure the slope, not the scores: a critic is only defined up to an added
# constant.) Do not expect the eight modes here: with one critic step per generator step
# (Gulrajani et al. took 5), neither run covered a single mode of this sharp ring in 2,000
# steps in the reference rehearsal, nor at learning rates of 5e-4 and 1e-3 (one mode at
# most, measured the same day). The lesson of this section is the slope.
#
# ## 10. Diagnose a GAN from its curves
# The next cell trains the 1-D Gaussian GAN of section 3 with **one planted fault**. Its code
# is hidden: run it, then read the curves and the histogram as you would for a run of your
# own, before you look.

# %% cellView="form" jupyter={"source_hidden": true}
# @title A 1-D GAN with a planted fault (run it; keep the code hidden until you have diagnosed it)
class PlantedFault(models.GAN):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        honest = self.d_loss_fn
        self.d_loss_fn = lambda real_logits, fake_logits: honest(fake_logits, real_logits)  # the fault


keras.utils.set_random_seed(0)
faulty = PlantedFault(toys.build_toy_generator(params.latent_dim, output_dim=1), toys.build_toy_discriminator(input_dim=1))
faulty.compile(d_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=0.5),
               g_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=0.5))
fault_curves = callbacks.LiveLossPlot(show=False)
faulty.fit(real_stream, epochs=1, steps_per_epoch=params.gaussian_steps, verbose=0, callbacks=[fault_curves])
figure, (left, right) = plt.subplots(1, 2, figsize=(12, 3))
left.hist(sampling.generate_images(faulty, 5000, seed=0).ravel(), bins=60, range=(-4, 6), density=True,
          color="tab:red", alpha=0.6, label="generated")
left.plot(xs, gaussian_pdf(xs, 2, 0.5), "k", label="data")
left.legend(fontsize="small")
left.set_title("samples after training")
for name in ("D(x)", "D(G(z))"):
    right.plot(plotting.trailing_mean(fault_curves.history[name], 50), label=name)
right.axhline(0.5, color="grey", lw=0.8)
right.set(xlabel="step", title="D's mean output on real and on fake (mean of 50 steps)")
right.legend(fontsize="small");

# %% [markdown]
# ### Exercise 4 · Diagnose: what is wrong with this GAN?
# In a healthy GAN, $D(x)$ on real data sits at or above $D(G(z))$ on fakes, and the
# generated histogram drifts towards the data. Read the curves and the histogram above.
# Which fault was planted: **"labels swapped in D's loss"**, **"G never updated"**,
# **"learning rate far too high"** or **"nothing wrong"**? Write it in the next cell.

# %%
# Your diagnosis: one of the four phrases above
my_diagnosis = None  # replace with e.g. "nothing wrong"

# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)
real_mean, fake_mean = np.mean(fault_curves.history["D(x)"][-50:]), np.mean(fault_curves.history["D(G(z))"][-50:])
print(f"over the last 50 steps: mean D(x) {real_mean:.2f}, mean D(G(z)) {fake_mean:.2f}"
      + (": D scores the fakes as more real than the data" if fake_mean > real_mean else ""))
print("The planted fault: labels swapped in D's loss. PlantedFault passes D's loss the fake logits as if they "
      "were real and the real ones as if they were fake, so D learns to call the data fake (D(x) falls below "
      "0.5) and the fakes real; G, told its samples already look real, is never pulled to the data.")
if my_diagnosis is not None:
    right = my_diagnosis.strip().lower() == "labels swapped in d's loss"
    print(f"You said {my_diagnosis!r}: {'right' if right else 'not this one'}.")

# %% [markdown]
# The signature to remember: $D(x)$ *below* $D(G(z))$ for long stretches. A healthy $D$ may
# lose for a while, but a $D$ that consistently calls the data fake has its labels the wrong
# way round. "G never updated" would show a histogram that never moves from its start;
# "learning rate far too high" shows curves jumping between 0 and 1.
#
# ## Play (optional)
# Train a ring GAN with your own settings. The losses on offer are the two of section 2
# and the **hinge** loss that notebook 04 uses (there $D$ stops pushing a sample once its
# logit is past a margin of 1), and the **Wasserstein** loss of section 9, with or without its
# gradient penalty (the penalty can be added to any of the losses). The shading is
# sigmoid of $D$'s score: a belief for the first two losses, only a picture of the score for
# the hinge and Wasserstein ones (an unconstrained critic turns the whole plane one colour).
# The button needs a live notebook; nothing below is needed for the next notebooks.

# %%
# An explorer: loss, spectral norm, gradient penalty, learning rate -> samples and mode count (click "Run")
import ipywidgets as widgets


def explore(loss="non_saturating", spectral_norm=False, gradient_penalty=False, learning_rate=1e-3, steps=1000):
    keras.utils.set_random_seed(0)
    model_class = GradientPenaltyGAN if gradient_penalty else models.GAN
    gan = model_class(toys.build_toy_generator(), toys.build_toy_discriminator(spectral_norm=spectral_norm), loss=loss)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5))
    gan.fit(ring_stream, epochs=1, steps_per_epoch=steps, verbose=0)
    samples = sampling.generate_images(gan, 2000)
    ax = plotting.plot_points(samples, ring[:2000])
    plotting.plot_decision_surface(gan.discriminator, ax)
    ax.set_title(f"{toys.mode_coverage(samples, centres, 0.05)['modes_covered']}/8 modes covered")
    plt.show()


widgets.interact_manual(explore, loss=["non_saturating", "minimax", "hinge", "wasserstein"], spectral_norm=False,
                        gradient_penalty=False,
                        learning_rate=widgets.FloatLogSlider(value=1e-3, base=10, min=-4, max=-2),
                        steps=widgets.IntSlider(value=1000, min=200, max=4000, step=200));

# %% [markdown]
# ## What you saw
# - $D^*(x) = p_\text{data} / (p_\text{data} + p_g)$ holds for a trained network.
# - The minimax generator loss has no gradient where $G$ most needs one; the
#   non-saturating loss does.
# - Mode collapse is countable, and one seed is not evidence: count modes over seeds,
#   and let the table, not the picture, say which setting covers more.
# - Spectral normalisation bounds how sharply $D$ can change (approximately: see the
#   caveat in section 5) and smooths its surface; on a toy that can cost speed, on images
#   it buys stability (notebook 04 uses it with the hinge loss).
# - IS and FD behave as promised on toys, and each misses something.
# - The two players circle their equilibrium (the Dirac GAN); R1 damps the circling.
# - The Wasserstein critic must be kept Lipschitz; the gradient penalty does it.
# - A GAN's curves can name its faults: $D(x)$ below $D(G(z))$ means labels the wrong way round.
#
# Next, notebook 03 plays the same game on images of digits.
