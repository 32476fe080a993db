# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · A DCGAN that draws digits
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/making-faces-course/making-faces/blob/v0.3.0/notebooks/03_dcgan_mnist.ipynb) · live-coding version, with blanks to type in: [![Open the live-coding version in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/making-faces-course/making-faces/blob/v0.3.0/notebooks/live/03_dcgan_mnist.ipynb)
#
# In notebook 02 we met the GAN game on toy data. Now we play it on images: a
# **generator** $G$ turns random noise $z$ into 28 × 28 pictures, a **discriminator**
# $D$ tries to tell them from real handwritten digits, and each learns from the other.
# By the end of this notebook you will have
#
# 1. built a DCGAN generator and discriminator and seen every tensor shape,
# 2. written the adversarial train step as a `keras.Model`, trained by `fit()`,
# 3. watched it learn (live curves, a sample grid, an animation),
# 4. **measured** how good its digits are, instead of squinting at them,
# 5. walked through its latent space, and
# 6. (going further) told it *which* digit to draw, and timed whether that helps.
#
# **Time:** training is time-boxed: it stops after 9,375 steps or 4 minutes, whichever comes
# first. On a Colab T4 the steps should come first, in 1 to 2 minutes (an estimate: a step
# is 3.5 billion floating-point operations, which a T4 does in about a millisecond, so the
# cost is TensorFlow's overhead per step, assumed 5 to 10 ms; an H200 ran these networks at
# 480 steps a second under Keras's JAX backend, 2026-11-27). About 4 minutes on a laptop CPU
# in `fast` mode (measured: the whole notebook in 4.2 minutes on a 2-core CPU, 2026-11-27,
# with an offline folder of 8,000 digits; all 60,000 make the scoring classifier's one-off
# training longer), seconds in `smoke` mode (CI).

# %% [markdown]
# ## Setup
# On Colab, the first cell installs the course's small helper package, `workshop_utils`
# (Colab already has TensorFlow and Keras). Locally, `pip install -r requirements.txt`
# has done that, and the cell does nothing.

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
import inspect

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers, ops

from workshop_utils import (callbacks, catchup, datasets, live, losses, mnist, models, plotting, replicas, runtime,
                            sampling, scorers, two_players)

mode = runtime.setup(seed=42)

# %% [markdown]
# ### Teaching parameters
# These are the numbers the workshop runs with. Amounts of work are given per run mode:
# `full` on a GPU, `fast` on a laptop CPU, `smoke` for the automated tests. The mode is
# picked from your hardware, or from the `WORKSHOP_MODE` environment variable; the cell
# prints exactly what will run.

# %%
# Teaching parameters: one value for every mode, or one per mode
params = runtime.scaled(
    train_steps={"full": 9_375, "fast": 2_812, "smoke": 8},  # updates of G and D, whatever the data's size
    budget_minutes={"full": 4, "fast": 5, "smoke": 1},  # or fewer steps, if the time runs out first
    max_train_images={"full": 60_000, "fast": 60_000, "smoke": 512},  # at most; fewer if the data has fewer
    eval_samples={"full": 5_000, "fast": 2_000, "smoke": 200},  # digits drawn to score G
    race_seconds={"full": 60, "fast": 60, "smoke": 3},  # the label race: seconds each, at most
    autoencoder_steps={"full": 2_000, "fast": 600, "smoke": 4},  # the L2 autoencoder we compare with
    exercise_steps={"full": 500, "fast": 300, "smoke": 4},  # each run in exercise 1
    batch_size=64,
    latent_dim=64,  # size of the noise vector z
    learning_rate=1e-3,  # DCGAN used 2e-4; this small model, drawn from its average, learns faster at 1e-3 (measured)
    beta_1=0.0,  # Adam's momentum: none (DCGAN used 0.5; measured better here, see the optimizer cell)
    r1_gamma=1.0,  # weight of the R1 penalty that keeps D smooth around real digits
    average_decay=0.995,  # we draw from an average of G's weights: each step keeps 99.5% of it
    mixed_precision={"full": True, "fast": False, "smoke": False},  # float16 maths (GPUs only)
)

# One switch for the hardware: several GPUs (Kaggle's two T4s) get a tf.distribute
# strategy, one device the default (no change); GPUs in full mode compute in float16.
# fit() splits each global batch between the devices.
strategy, global_batch = runtime.devices(params.batch_size, params.mixed_precision)

# %% [markdown]
# ## The data
# Real MNIST: 28 × 28 grey digits. The loader looks in your offline data folder first
# (`WORKSHOP_DATA_DIR`, for classrooms with poor wifi), then downloads with
# `keras.datasets.mnist`. In `smoke` mode it uses generated stand-in digits instead and
# says so.

# %%
# Load the digits: real MNIST, or the procedural stand-in in smoke mode
digits = mnist.load_mnist("procedural" if mode == "smoke" else "auto")
train_images = digits.x_train[: params.max_train_images]  # (N, 28, 28) uint8 in [0, 255]
train_labels = digits.y_train[: params.max_train_images]  # (N,) digits 0-9
print(f"training on {len(train_images):,} digits, {train_images.shape} {train_images.dtype}")
plotting.show_images(datasets.to_unit_range(train_images[:32]), columns=8, title=digits.source);

# %% [markdown]
# The generator will end in `tanh`, whose outputs lie in $[-1, 1]$, so we scale the real
# pixels to the same range. A `tf.data` pipeline shuffles and batches them.

# %%
# A tf.data pipeline: scale to [-1, 1], shuffle, batch
dataset = datasets.image_dataset(train_images, batch_size=global_batch).repeat()  # reshuffled each pass
real_batch = next(iter(dataset))
print(real_batch.shape, float(ops.min(real_batch)), float(ops.max(real_batch)))  # (64, 28, 28, 1) -1.0 1.0

# %% [markdown]
# ## The generator
# $G$ maps a noise vector $z \sim \mathcal N(0, I)$ to an image. The DCGAN recipe
# ([Radford, Metz & Chintala, 2015](https://arxiv.org/abs/1511.06434)) is a handful of choices that made GANs on images
# train reliably:
#
# - **Strided transposed convolutions** grow the image (7 → 14 → 28) and *learn* how to
#   upsample, instead of a fixed resize.
# - **Batch normalisation** after each hidden layer keeps activations well scaled, so the
#   gradients that flow back from $D$ neither vanish nor explode.
# - **ReLU** inside, **tanh** at the output: bounded pixels in $[-1, 1]$, like our data.
# - No pooling; a dense layer projects $z$ to a small 7 × 7 feature map.
#
# One addition to the 2015 recipe: two small dense layers first, a **mapping network** (the
# name comes from StyleGAN, [Karras, Laine & Aila, 2019](https://arxiv.org/abs/1812.04948)). The noise $z$ is one round cloud, but digits come in ten
# separate kinds; a generator that goes straight from the cloud to pixels has to pass
# through in-between shapes (half 4, half 9) wherever one kind meets the next, and a fair
# share of its samples land there. The mapping layers give $G$ room to bend the cloud so
# that fewer do. (What this and two more additions below bought is measured after
# training.)
#
# Our generator is still deliberately small (about 470k weights): on a CPU, more updates
# per second beat a bigger network. (The `# @save models` mark means this definition is also
# saved in `workshop_utils.models`, which is generated from these cells, so later notebooks
# and the benchmarks reuse exactly what you read here.)

# %%
# The generator: z (latent_dim,) -> image (28, 28, 1)  # @save models @live
def build_generator(latent_dim=64, mapping=True):
    """z (latent_dim,) -> a 28 x 28 x 1 image in [-1, 1]; mapping=False leaves out the mapping network."""
    if latent_dim < 1:
        raise ValueError(f"latent_dim is the size of z and must be at least 1, got {latent_dim!r}.")
    mapping_network = [  # (B, 128): two small dense layers that reshape z's round cloud
        layers.Dense(128),
        layers.LeakyReLU(0.2),
        layers.Dense(128),
        layers.LeakyReLU(0.2),
    ] if mapping else []
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            *mapping_network,
            layers.Dense(7 * 7 * 64, use_bias=False),
            layers.BatchNormalization(synchronized=True),  # one set of batch statistics on all GPUs
            layers.ReLU(),
            layers.Reshape((7, 7, 64)),  # (B, 7, 7, 64)
            layers.Conv2DTranspose(32, 4, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(synchronized=True),  # one set of batch statistics on all GPUs
            layers.ReLU(),  # (B, 14, 14, 32)
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh",
                                   dtype="float32"),  # (B, 28, 28, 1); float32 even under mixed precision
        ],
        name="generator",
    )


with strategy.scope():  # on several devices, the weights live on each of them
    generator = build_generator(params.latent_dim)
generator.summary()

# %%
# An untrained generator draws noise: 16 z vectors in, 16 images out
z = keras.random.normal((16, params.latent_dim), seed=1)  # (16, latent_dim)
untrained_images = generator(z, training=False)  # (16, 28, 28, 1)
print(untrained_images.shape)
plotting.show_images(untrained_images, columns=8, title="untrained generator", size=2);

# %% [markdown]
# ## The discriminator
# $D$ is an ordinary image classifier with one output: the **logit** $l(x)$, with
# $D(x) = \sigma(l(x))$ the probability that $x$ is real. DCGAN's choices again:
# **strided convolutions** shrink the image (28 → 14 → 7) instead of pooling, and
# **LeakyReLU** lets a little gradient through for negative inputs, so $G$ still gets a
# signal where $D$'s units are "off". We return logits, not probabilities: the losses below
# work on logits, which is numerically safer than taking $\log$ of a sigmoid.
#
# $D$ judges one image at a time, so it cannot see that a generator draws mostly 1s and
# 7s: each one of them may look fine. `MinibatchStdDev` (from ProGAN, [Karras et al., 2018](https://arxiv.org/abs/1710.10196))
# is a tiny custom layer that appends one feature map holding how much the whole batch
# varies. Real batches vary a lot; a batch from a generator that has dropped digits varies
# less, and $D$ can now use that. Writing a Keras layer takes only a `call` method.
# (Without it, the mapping network above bought clearer digits at the cost of variety:
# in one 300-s run, coverage 9.1 of 10 digits.)

# %%
# The discriminator: image (28, 28, 1) -> one logit  # @save models @live
class MinibatchStdDev(layers.Layer):
    """Append one feature map that holds how much the whole batch varies (from ProGAN).

    A generator that draws too few kinds of digit makes batches that vary too little; this
    feature lets D see that, which pushes G back towards all ten digits.
    """

    def call(self, x):
        """Feature maps (B, H, W, C) -> (B, H, W, C + 1): one more channel holding the batch's mean spread."""
        mean = replicas.mean(ops.mean(x, axis=0))  # over the whole batch, on every GPU together
        variance = replicas.mean(ops.mean(ops.square(x), axis=0)) - ops.square(mean)
        spread = ops.mean(ops.sqrt(ops.maximum(variance, 0.0) + 1e-8))  # one number per batch
        return ops.concatenate([x, ops.ones_like(x[..., :1]) * spread], axis=-1)


def build_discriminator():
    """A 28 x 28 x 1 image -> one logit l(x); D(x) = sigmoid(l(x)) is P(real)."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 4, strides=2, padding="same"),
            layers.LeakyReLU(0.2),  # (B, 14, 14, 32)
            layers.Conv2D(64, 4, strides=2, padding="same"),
            layers.LeakyReLU(0.2),  # (B, 7, 7, 64)
            MinibatchStdDev(),  # (B, 7, 7, 65)
            layers.Flatten(),
            layers.Dense(1, dtype="float32"),  # (B, 1) logit, float32 even under mixed precision
        ],
        name="discriminator",
    )


with strategy.scope():
    discriminator = build_discriminator()
discriminator.summary()
print("D(untrained G(z)) =", ops.convert_to_numpy(ops.sigmoid(discriminator(untrained_images)))[:4, 0])

# %% [markdown]
# ## The losses
# With real digits $x$ and fakes $G(z)$, the discriminator minimises the binary
# cross-entropy of telling them apart:
#
# $$L_D = -\mathbb E_x[\log D(x)] - \mathbb E_z[\log(1 - D(G(z)))].$$
#
# The generator could minimise the same game value, $\mathbb E_z[\log(1 - D(G(z)))]$
# (the *minimax* loss), but early on $D$ rejects every fake, $D(G(z)) \approx 0$, and that
# loss is flat there: no gradient. DCGAN, like almost everyone, uses the
# **non-saturating** loss instead, which has the same goal and a strong gradient exactly
# when $G$ is losing (notebook 02 plots both):
#
# $$L_G = -\mathbb E_z[\log D(G(z))].$$
#
# Both live in `workshop_utils.losses`, written with logits and `softplus`
# ($\log \sigma(l) = -\mathrm{softplus}(-l)$ and $\log(1 - \sigma(l)) = -\mathrm{softplus}(l)$,
# which never take the log of 0), beside the hinge loss that notebook 04 uses for faces and
# the Wasserstein loss. Write the two yourself first, from $D$'s logits $l$ (a batch of
# shape (B, 1)), each returning the batch mean.

# %%
# The two losses of the game, from D's logits  # @live
def discriminator_loss(real_logits, fake_logits):
    """L_D from real logits (B, 1) and fake logits (B, 1): the batch means of -log D(x) and -log(1 - D(G(z)))."""
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def generator_loss(fake_logits):
    """The non-saturating L_G from fake logits (B, 1): the batch mean of -log D(G(z))."""
    return ops.mean(ops.softplus(-fake_logits))


# %%
# Check them against the package's, and a sanity check: a D that cannot tell (logit 0, D = 0.5) pays 2 log 2
undecided = ops.zeros((8, 1))
print(f"L_D = {float(discriminator_loss(undecided, undecided)):.3f}, L_G = {float(generator_loss(undecided)):.3f}")
same = (live.agrees(discriminator_loss, losses.minimax_discriminator_loss, arguments=2)
        and live.agrees(generator_loss, losses.nonsaturating_generator_loss, arguments=1))
print("yours match workshop_utils.losses, which the GAN below uses" if same else
      "yours differ from workshop_utils.losses: check the signs (D wants l(x) high and l(G(z)) low)")

# %% [markdown]
# ## The train step
# This is the heart of the notebook. A `keras.Model` subclass holds both networks and
# overrides `train_step`, which `fit()` calls once per batch. Each step:
#
# 1. **Discriminator step.** Draw $z$, make fakes, score real and fake images, and move
#    $D$'s weights down the gradient of $L_D$. Only $D$'s weights change.
# 2. **Generator step.** Draw fresh $z$, score $G(z)$ with $D$, and move $G$'s weights
#    down the gradient of $L_G$. The gradient flows *through* $D$, but only $G$ changes.
#
# The losses and $D$'s mean outputs go into `keras.metrics.Mean` trackers, which `fit()`
# shows in its progress bar and resets every epoch. The random $z$ comes from a
# `keras.random.SeedGenerator`, so a run is reproducible. (`generate` and `discriminate`
# are one-liners here; the conditional GAN at the end overrides them to pass labels.
# `penalty` adds nothing yet: it is where the next section adds to $D$'s loss. The
# `self.generator_average` in `generate` is the section after it.)
#
# What is *not* the game lives in the package's `TwoPlayers` base class
# (`workshop_utils/two_players.py`, about 90 lines worth reading once): it stores $G$ and $D$,
# gives each its optimizer in `compile`, and offers two helpers the step calls.
# `self.noise(batch_size)` draws $z$. `self.update(optimizer, tape, loss, network)` is one
# player's move: `tape.gradient(loss, network.trainable_weights)`, then
# `optimizer.apply_gradients`. On one device in float32 it is exactly those two lines; on
# several GPUs it divides each device's loss by the number of devices (the optimizers add
# the devices' gradients up), and with mixed precision it scales the loss so that small
# float16 gradients do not round to zero. The generator's `BatchNormalization(synchronized=True)`
# and `MinibatchStdDev` likewise measure the whole batch across devices.

# %%
# The GAN: a keras.Model whose train_step plays one round of the game  # @save models @live train_step
class GAN(two_players.TwoPlayers):
    """A generator and a discriminator trained against each other by ``fit()``."""

    def __init__(self, generator, discriminator, loss="non_saturating", seed=0, average_decay=None):
        super().__init__(generator, discriminator, seed, average_decay)  # G, D, latent_dim, a noise seed, G's average
        self.d_loss_fn, self.g_loss_fn = losses.get_gan_loss(loss)
        self.trackers = {
            name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "D(x)", "D(G(z))")
        }

    @property
    def metrics(self):  # reset by fit() at the start of every epoch
        return list(self.trackers.values())

    def generate(self, z, labels=None, training=False):
        generator = self.generator if training else self.generator_average  # train G; draw from its average
        return generator(z, training=training)

    def discriminate(self, images, labels=None, training=False):
        return self.discriminator(images, training=training)

    def penalty(self, real_images, labels):
        return 0.0  # nothing added to D's loss here; R1GAN below adds the R1 penalty

    def train_step(self, data):
        """One round of the game on a batch of real images (and labels): D's step, then G's; returns the metrics."""
        real_images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)  # labels: None if unlabelled
        batch_size = ops.shape(real_images)[0]

        # 1. Discriminator step: push l(x) up on real images, l(G(z)) down on fakes.
        z = self.noise(batch_size)  # (batch_size, latent_dim)
        with tf.GradientTape() as tape:
            fake_images = self.generate(z, labels, training=True)
            real_logits = self.discriminate(real_images, labels, training=True)
            fake_logits = self.discriminate(fake_images, labels, training=True)
            d_loss = self.d_loss_fn(real_logits, fake_logits)
            d_total = d_loss + self.penalty(real_images, labels)
        self.update(self.d_optimizer, tape, d_total, self.discriminator)

        # 2. Generator step: fresh noise; change G so that D scores its images as real.
        z = self.noise(batch_size)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminate(self.generate(z, labels, training=True), labels, training=True)
            g_loss = self.g_loss_fn(fake_logits)
        self.update(self.g_optimizer, tape, g_loss, self.generator)

        for name, value in [("d_loss", d_loss), ("g_loss", g_loss),
                            ("D(x)", ops.mean(ops.sigmoid(real_logits))),
                            ("D(G(z))", ops.mean(ops.sigmoid(fake_logits)))]:
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


# %% [markdown]
# ### One addition to step 1: the R1 penalty
# The **R1 penalty** ([Mescheder et al., 2018](https://arxiv.org/abs/1801.04406)): $D$ also pays
# $\frac{\gamma}{2}\,\lVert \nabla_x l(x) \rVert^2$ on real images, the squared slope of its
# score where the real digits are. A $D$ whose score jumps steeply around real images
# gives $G$ erratic gradients, and the game swings from one favourite digit to another;
# a smooth $D$ gives steadier ones. Getting the slope takes a second `GradientTape`
# inside the first: the inner one differentiates $l(x)$ with respect to the *pixels*, and
# the outer one differentiates the penalty with respect to $D$'s weights. That extra
# backward pass costs some steps per second; the figures after training show it pays.
#
# `R1GAN` keeps the whole train step and fills in `penalty`; a plain `GAN` never computes it.

# %%
# The R1 penalty: D's squared slope at real images, added to D's loss  # @save models @live penalty
class R1GAN(GAN):
    """The same game; D also pays (gamma / 2) |d l(x) / d x|^2 on real images (the R1 penalty)."""

    def __init__(self, generator, discriminator, r1_gamma=1.0, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.r1_gamma = r1_gamma

    def penalty(self, real_images, labels):
        """Real images (B, 28, 28, 1) -> (gamma / 2) * the batch mean of |d l(x) / d x|^2 (a scalar)."""
        if not self.r1_gamma:  # gamma 0: the plain game, and nothing computed
            return 0.0
        real_images = ops.convert_to_tensor(real_images)
        with tf.GradientTape() as slope_tape:  # a tape inside train_step's tape
            slope_tape.watch(real_images)
            real_sum = ops.sum(self.discriminate(real_images, labels, training=True))
        slopes = slope_tape.gradient(real_sum, real_images)  # d l(x) / d x, one per pixel
        squared_slope = ops.sum(ops.square(slopes)) / ops.cast(ops.shape(slopes)[0], slopes.dtype)
        return 0.5 * self.r1_gamma * squared_slope


# %% [markdown]
# ### One addition to step 2: draw from an average of G
# Each step moves $G$ a little to beat *this* batch's $D$, so its weights jitter from step
# to step, and so do the digits. So the model keeps a copy of $G$, `self.generator_average`,
# whose every weight trails $G$'s as an exponential moving average: after each of $G$'s
# steps, $\bar w \leftarrow d\,\bar w + (1 - d)\,w$ with $d = 0.995$ (roughly an average over
# the last 200 steps). `generate` draws from that copy whenever it is not training; the copy
# never plays the game ($D$ and the optimizers see only $G$). Its batch-norm statistics are
# averaged too, rather than borrowed from $G$. `self.update(...)` moves the average each time
# it moves $G$, so the train step above needs no extra line; the next cell prints the method
# that does it. This is an old trick for GANs
# ([Yazici et al., 2019](https://arxiv.org/abs/1806.04498); ProGAN, [Karras et al.,
# 2018](https://arxiv.org/abs/1710.10196), draws its pictures this way) and costs a few
# additions per weight per step. In a benchmark of 300 s on a 2-core CPU (three seeds, each
# run scored both ways), the average's digits scored an FD of 3.2 against 5.4 for $G$'s own,
# lower on every seed, with confidence 0.912 against 0.907 (`benchmarks/README.md`). The
# quality figures below are the average's.

# %%
# How the average follows G: TwoPlayers.update calls this after each of G's steps
print(inspect.getsource(two_players.TwoPlayers.update_average))

# %% [markdown]
# ### The optimizer: Adam without momentum
# Adam moves each weight along a running average of its recent gradients; `beta_1` is how
# much of that average it keeps (0.9 by default: momentum). DCGAN ([Radford, Metz & Chintala,
# 2015](https://arxiv.org/abs/1511.06434)) found that 0.9 "resulted in training oscillation
# and instability" and used 0.5. Many later GANs use no momentum, `beta_1 = 0`: ProGAN
# ([Karras et al., 2018](https://arxiv.org/abs/1710.10196), at our learning rate of 1e-3),
# SAGAN ([Zhang et al., 2019](https://arxiv.org/abs/1805.08318)), StyleGAN ([Karras, Laine &
# Aila, 2019](https://arxiv.org/abs/1812.04948)) and BigGAN ([Brock, Donahue & Simonyan,
# 2019](https://arxiv.org/abs/1809.11096)), whose authors write that higher values "crippled
# training". One way to read it: in a game the opponent moves, so a gradient from a few
# steps ago was computed against a $D$ that is no longer there, and momentum keeps pushing
# along it. Without momentum each player answers the opponent in front of it, and the
# average of $G$'s weights smooths the jitter that is left. In a benchmark of 300 s on a
# 2-core CPU (an AMD EPYC, 2026-12-07; three seeds, each run beside the same seed with 0.5), `beta_1 = 0` drew better
# digits on every seed: FD 3.8 against 7.3, confidence 0.914 against 0.885 (medians; `benchmarks/README.md`).

# %%
# One optimizer per network: each player makes its own moves; samples come from G's average
with strategy.scope():
    gan = R1GAN(generator, discriminator, r1_gamma=params.r1_gamma, average_decay=params.average_decay)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=params.beta_1),
        g_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=params.beta_1),
    )

# %% [markdown]
# ## Train, and watch
# Callbacks do everything that happens *during* training:
#
# - `SampleGrid` draws the same 64 noise vectors every 200 steps, so you watch the
#   *same* inputs turn into digits (and keeps the frames for an animation);
# - `LiveLossPlot` redraws the curves as they come in: each step's own losses, faintly,
#   and the mean of the last 50 steps on top;
# - `TimeBudget` ends training when `params.budget_minutes` are spent, even if fewer than
#   `params.train_steps` steps have run (a slow laptop), so the lesson keeps its time, and
#   the training cell says so when it happens;
# - `QualityTracker` scores 1,000 samples every few seconds of training (more below);
# - `StopOnNaN` stops at the first NaN loss and says what to try.
#
# The quality numbers need a digit classifier; the first run trains one (about a minute
# on a CPU, seconds on a GPU) and caches it, later runs load it.

# %%
# A digit classifier to score samples with (trained once, then cached)
scorer = scorers.digit_scorer(digits.x_train, digits.y_train)
real_eval = datasets.to_unit_range(digits.x_test[: params.eval_samples])  # (eval_samples, 28, 28, 1)
print(f"classifier accuracy on real test digits: {scorer.accuracy(real_eval, digits.y_test[: params.eval_samples]):.3f}")

# %%
# Callbacks: fixed-z samples, live curves, FD against the clock, and a NaN guard
fixed_z = np.random.default_rng(0).standard_normal((64, params.latent_dim)).astype("float32")
sample_grid = callbacks.SampleGrid(fixed_z, columns=8, every=200)
live_curves = callbacks.LiveLossPlot(every=200)
budget = callbacks.TimeBudget(params.budget_minutes)
quality = callbacks.QualityTracker(
    scorer, real_eval, every_seconds=params.race_seconds / 6, num_samples=min(1000, params.eval_samples)
)

# %%
# Train: fit() calls GAN.train_step on every batch and shows a progress bar
history = gan.fit(
    dataset, epochs=1, steps_per_epoch=params.train_steps,  # at most: the budget may end it first
    callbacks=[sample_grid, live_curves, quality, budget, callbacks.StopOnNaN()],
)
shared = catchup.save_generator(gan.generator_average, runtime.output_dir("03_dcgan"))  # the G we draw from, to share
if budget.cut_short:
    print(f"Verdict: this machine reached {budget.steps:,} of the {params.train_steps:,} steps this mode plans"
          f" ({budget.steps / params.train_steps:.0%}) in {params.budget_minutes} minutes, so the digits below"
          " are rougher than the ones these notes describe. "
          + ("Set use_trained_generator = True in the next cell to go on with the course's generator,"
             " trained for all of them." if mode != "full" else "Raise budget_minutes and run the notebook again."))

# %%
# Catch-up: training fell behind, or would take too long here? Load the course's trained generator
use_trained_generator = False  # set to True, then run this cell and go on
instructor_generator = ""  # a path or a shared link from your instructor; empty: the course's own
if use_trained_generator:  # the same loader as a checkpoint of your own
    catchup.restore_trained(gan.generator, instructor_generator or "03_generator")
    gan.generator_average.set_weights(gan.generator.get_weights())  # draw from what was loaded

# %% [markdown]
# ### Reading the curves
# A GAN's losses do not fall to zero the way a classifier's do: the two players keep each
# other busy. Healthy training looks like **a tug of war that stays balanced**:
# $D(x)$ a little above 0.5, $D(G(z))$ a little below, and both losses roughly level
# (for comparison, $L_D = 2\ln 2 \approx 1.39$ and $L_G = \ln 2 \approx 0.69$ when $D$ outputs 0.5
# everywhere). The curves show every step faintly and the mean of the last 50 steps on
# top, so trouble late in a run shows as it happens; the cell prints the means of the last
# 200 steps and what they say. Warning signs:
#
# - $L_D \to 0$ and $L_G$ climbing: $D$ wins outright and $G$ gets no useful gradient
#   (try a smaller $D$, a lower $D$ learning rate, or label smoothing).
# - $D(G(z))$ stuck near 1 with the samples all alike: **mode collapse**, $G$ found one
#   image that fools $D$ (notebook 02 shows it on toys).
# - A loss of NaN: `StopOnNaN` stops the run; lower the learning rate.

# %%
# The whole run: losses (left) and D's mean outputs (right), step by step
figure, (left, right) = plt.subplots(1, 2, figsize=(12, 3.5))
plotting.plot_history(live_curves.history, ax=left, keys=["d_loss", "g_loss"], title="losses", window=50)
plotting.plot_history(live_curves.history, ax=right, keys=["D(x)", "D(G(z))"], title="D's outputs", window=50)
right.axhline(0.5, color="grey", ls=":")
late = {key: np.mean(values[-200:]) for key, values in live_curves.history.items()}  # the last 200 steps
verdict = ("D wins outright: G gets little gradient" if late["d_loss"] < 0.3 else
           "D(G(z)) near 1: look at the samples for collapse" if late["D(G(z))"] > 0.8 else
           "a tug of war: neither player wins outright")
print(f"last {min(200, len(live_curves.history['d_loss']))} steps: L_D {late['d_loss']:.2f}, L_G {late['g_loss']:.2f}, "
      f"D(x) {late['D(x)']:.2f}, D(G(z)) {late['D(G(z))']:.2f}: {verdict}")

# %%
# An animation of training: the same 64 z vectors, from noise to digits
from IPython.display import Image, display

gif_path = plotting.save_gif(sample_grid.frames, runtime.output_dir("gifs") / "03_dcgan_training.gif")
if gif_path:  # None when the folder is full or read-only: the warning above says what to do
    print(f"{len(sample_grid.frames)} frames saved to {gif_path}")
display(Image(data=plotting.gif_bytes(sample_grid.frames), format="gif"))

# %% [markdown]
# ## How good are the digits? Measure, don't squint
# A sample grid can look fine while the generator draws only three kinds of digit. So we
# score samples with a digit classifier trained on real MNIST:
#
# - **Frechet distance (FD)**: fit a Gaussian to the classifier's 64 features of the
#   generated digits and another to those of real digits, and measure how far apart they
#   are: $\lVert\mu_g - \mu_r\rVert^2 + \mathrm{Tr}(\Sigma_g + \Sigma_r - 2(\Sigma_g\Sigma_r)^{1/2})$.
#   Lower is better; 0 means the same distribution. This is the recipe of the FID used in
#   papers, but with our own small classifier instead of ImageNet's Inception network, so
#   compare our numbers with each other, never with published FIDs.
# - **Confidence**: the classifier's mean top probability. Clear digits score near 1,
#   smudges near 0.1–0.5.
# - **Coverage**: $\exp$ of the entropy of the predicted-digit histogram, the "effective
#   number of digits drawn": 10 when all ten appear equally, 1 for a collapsed generator.
#
# To read a number you need a scale, so we score real digits against real digits too.

# %%
# Score generated digits, and real digits for scale
generated = sampling.generate_images(gan, params.eval_samples, seed=1)  # (eval_samples, 28, 28, 1)
scores = {
    "generated": scorer.score(generated, real_eval),
    "real (train vs test)": scorer.score(datasets.to_unit_range(digits.x_train[: params.eval_samples]), real_eval),
}
print(f"{'':22}{'FD':>9}{'confidence':>12}{'coverage':>10}")
for name, s in scores.items():
    print(f"{name:22}{s['fd']:9.2f}{s['confidence']:12.3f}{s['coverage']:10.2f}")

# %%
# The quality numbers against training time, from QualityTracker
seconds = [r["seconds"] for r in quality.records]
figure, axes = plt.subplots(1, 3, figsize=(13, 3))
for ax, key in zip(axes, ["fd", "confidence", "coverage"]):
    ax.plot(seconds, [r[key] for r in quality.records], "o-")
    ax.axhline(scores["real (train vs test)"][key], color="grey", ls=":", label="real vs real")
    ax.set(xlabel="training seconds", title=key)
axes[0].set_yscale("log")
axes[0].legend();

# %% [markdown]
# ### What the additions bought
# Our model is the 2015 DCGAN plus a mapping network in $G$, a minibatch feature in $D$
# and the R1 penalty, drawn from an average of $G$'s weights and trained at a learning rate
# five times DCGAN's with no momentum. Each of the first three alone traded one number for another; together
# they cut the share of unsure digits within the same seconds of training, though the extra
# work costs steps. The average, the larger learning rate and Adam without momentum go together:
# larger, fresher steps make a noisier $G$, and the average smooths the noise away (momentum's
# removal was measured with the average in place). The measurements behind that sentence (each addition alone and together,
# over several seeds, with the machine and the date) are in `benchmarks/README.md`; the
# numbers that describe *your* run are the ones printed above.

# %% [markdown]
# ## Why learn a loss at all?
# A GAN's generator is graded by a *learnt* loss: the discriminator. Why not a fixed one,
# such as the squared pixel error of an **autoencoder**, which squeezes each digit through
# a small code and rebuilds it? Because when several images are plausible, the image that
# minimises the squared error is their *average*, and an average of digits is a blur. The
# discriminator instead asks "is this a real digit?", and an average is not one. Train an
# autoencoder whose decoder is our own generator network, with the same noise size as its
# code, and compare its outputs with the GAN's samples.

# %%
# An L2 autoencoder: encoder (B, 28, 28, 1) -> code (B, latent_dim) -> our generator network as decoder
keras.utils.set_random_seed(3)
encoder = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 4, strides=2, padding="same"),
                            layers.LeakyReLU(0.2), layers.Conv2D(64, 4, strides=2, padding="same"),
                            layers.LeakyReLU(0.2), layers.Flatten(), layers.Dense(params.latent_dim)], name="encoder")
autoencoder = keras.Sequential([encoder, build_generator(params.latent_dim)], name="autoencoder")
autoencoder.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
pairs = dataset.map(lambda images: (images, images))  # the input is its own target
autoencoder.fit(pairs, epochs=1, steps_per_epoch=params.autoencoder_steps, verbose=0)
rebuilt = autoencoder.predict(real_eval[:16], verbose=0)  # (16, 28, 28, 1)
figure, axes = plt.subplots(1, 3, figsize=(15, 2.6))
plotting.show_images(real_eval[:16], columns=8, ax=axes[0], title="real test digits")
plotting.show_images(rebuilt, columns=8, ax=axes[1], title="autoencoder (L2 loss): the same digits rebuilt")
plotting.show_images(generated[:16], columns=8, ax=axes[2], title="GAN (learnt loss): new digits");

# %% [markdown]
# The autoencoder was *shown* each digit and still draws soft, smeared strokes: where it is
# unsure, the squared error pays least for grey. The GAN never saw the digits it draws,
# and its strokes are crisp, because a grey smear is exactly what its discriminator learnt
# to reject.
#
# ## A walk through latent space
# $G$ is a smooth function of $z$. Walk in a straight line from one noise vector to
# another and the digit morphs, stroke by stroke. But has $G$ learnt a space of digits, or
# memorised the ones it saw and walks between copies? Counting weights cannot say (8,000
# training digits hold only about 13 times as many numbers as $G$ has weights, 60,000 about
# 100 times, and networks store more than such counts suggest). The check GAN papers show
# (e.g. [Brock, Donahue & Simonyan, 2019](https://arxiv.org/abs/1809.11096), BigGAN's appendix)
# and people
# use: put each generated digit beside its **nearest training digit**, and compare that
# distance with the one from *real* digits $G$ never saw to their nearest training digit.
# A copy sits far closer to its neighbour than a new real digit does. (A blurry sample is far
# from every training digit too, so this check says "not copies", never "good": the scores
# above say that.)

# %%
# Has G memorised? Each generated digit beside its nearest training digit, with the distances
train_pixels = datasets.to_unit_range(train_images).reshape(len(train_images), -1)  # (N, 784) in [-1, 1]


def nearest_training_digit(queries):
    """Index of, and Euclidean pixel distance to, each query's nearest training digit."""
    queries = queries.reshape(len(queries), -1)  # (Q, 784)
    squared = (queries**2).sum(1)[:, None] - 2 * queries @ train_pixels.T + (train_pixels**2).sum(1)[None]
    index = squared.argmin(1)
    return index, np.sqrt(np.maximum(squared[np.arange(len(queries)), index], 0))


drawn = sampling.generate_images(gan, 64, seed=11)  # (64, 28, 28, 1); 8 of them are shown
drawn_index, drawn_distance = nearest_training_digit(drawn)
_, real_distance = nearest_training_digit(datasets.to_unit_range(digits.x_test[:200]))  # digits G never saw
plotting.show_images(np.concatenate([drawn[:8], train_pixels[drawn_index[:8]].reshape(-1, 28, 28, 1)]), columns=8, size=2.5,
                     title="top: G's digits; bottom: the nearest training digit to each")
print("distance to the nearest training digit, the 8 shown:", np.round(drawn_distance[:8], 1))
print(f"all 64 of G's digits: mean {drawn_distance.mean():.1f} (smallest {drawn_distance.min():.1f}); "
      f"200 real digits G never saw: mean {real_distance.mean():.1f} (smallest {real_distance.min():.1f})")
print("Verdict:", "some of G's digits sit far closer to a training digit than any new real digit: copies?"
      if drawn_distance.min() < 0.5 * real_distance.min() else
      "no digit of G's sits much closer to a training digit than new real digits do: no sign of copying.")

# %%
# Four straight-line walks from z_start to z_end, ten stops each
rng = np.random.default_rng(7)
z_start, z_end = rng.standard_normal((2, 4, 1, params.latent_dim))  # 4 walks
alphas = np.linspace(0, 1, 10)[None, :, None]  # (1, 10, 1)
walks = ((1 - alphas) * z_start + alphas * z_end).reshape(-1, params.latent_dim)  # (40, latent_dim)
plotting.show_images(gan.generate(walks.astype("float32")), columns=10, title="latent interpolation");

# %% [markdown]
# ### Latent arithmetic
# Directions in $z$ carry meaning. Draw a few thousand digits, score each one for a
# property (here: how much ink it uses), and subtract the mean $z$ of the lightest tenth
# from the mean $z$ of the heaviest tenth. Adding that *direction* to any $z$ should make
# its digit bolder, subtracting it thinner, while the digit stays the same one.

# %%
# A direction in z for "more ink", added to eight z vectors in five steps
def latent_direction(score, count=2000, seed=11):
    """The mean z of the top tenth of G's digits by score(images) -> (N,), minus that of the bottom tenth."""
    zs = np.random.default_rng(seed).standard_normal((count, params.latent_dim)).astype("float32")
    scores = score(ops.convert_to_numpy(gan.generate(zs)))  # (count,)
    order = np.argsort(scores)
    return zs[order[-count // 10:]].mean(axis=0) - zs[order[: count // 10]].mean(axis=0)


def ink(images):  # (N, 28, 28, 1) in [-1, 1] -> (N,): the share of the image that is stroke
    return (images > 0).mean(axis=(1, 2, 3))


def show_direction(direction, title):
    base_z = np.random.default_rng(12).standard_normal((8, 1, params.latent_dim)).astype("float32")
    steps = np.linspace(-1.5, 1.5, 5, dtype="float32")[None, :, None]  # (1, 5, 1)
    moved = (base_z + steps * direction).reshape(-1, params.latent_dim)  # (40, latent_dim)
    plotting.show_images(gan.generate(moved), columns=5, size=6, title=title,
                         column_titles=[f"t = {t:+.1f}" for t in steps.ravel()])


ink_direction = latent_direction(ink)
show_direction(ink_direction, "z + t * (more ink): each row is one z")

# %% [markdown]
# ### Exercise 1 · Find your own direction
# Write a score for another property, say how *wide* a digit is (the number of pixel
# columns that hold any stroke), and show its direction with `latent_direction` and
# `show_direction`. Does "wider" also change the digit's identity?

# %%
# Your score: images (N, 28, 28, 1) in [-1, 1] -> one number per image, shape (N,)
my_score = None  # replace with a function


# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)
def width(images):  # columns that hold any stroke: a wide 0 or 2 scores high, a 1 low
    return (images > 0).any(axis=(1, 3)).sum(axis=1)


if my_score is None:  # left empty: use the solution's width score
    my_score = width
show_direction(latent_direction(my_score), f"z + t * (more {my_score.__name__})")

# %% [markdown]
# ## Going further: tell the generator which digit to draw
# A **conditional GAN** ([Mirza & Osindero, 2014](https://arxiv.org/abs/1411.1784)) gives both players the label $y$:
# $G(z, y)$ must draw the digit $y$, and $D(x, y)$ judges whether $x$ is a real
# *example of* $y$. The original Making Faces workshop (Sophie Searcy, ODSC East 2019)
# said that labels make learning faster. Let's test that claim with a clock.
#
# - The generator embeds the label into 16 numbers and concatenates them with $z$, then
#   reuses our upsampling stack, without the mapping network: the label already says which
#   digit to draw, so there are no in-between shapes to steer away from (with the
#   mapping layers the labelled model measured far worse: `benchmarks/README.md`).
# - The discriminator is a **projection discriminator** ([Miyato & Koyama, 2018](https://arxiv.org/abs/1802.05637)): the
#   logit gets an extra term, the dot product of the image features $h(x)$ with a learnt
#   vector for the class, $l(x, y) = w^\top h(x) + e_y^\top h(x)$.
# - The train step is *unchanged*: `ConditionalGAN` only overrides `generate` and
#   `discriminate` to pass the labels on.

# %%
# Conditional generator: [z, label] -> image of that digit  # @save models
def build_conditional_generator(latent_dim=64, num_classes=10):
    """[z, digit label] -> a 28 x 28 x 1 image of that digit."""
    z = keras.Input((latent_dim,))
    label = keras.Input((), dtype="int32")
    label_code = layers.Embedding(num_classes, 16)(label)  # (B, 16)
    x = layers.Concatenate()([z, label_code])  # (B, latent_dim + 16)
    image = build_generator(latent_dim + 16, mapping=False)(x)  # the same stack, no mapping network
    return keras.Model([z, label], image, name="conditional_generator")


# %%
# Projection discriminator: [image, label] -> one logit  # @save models
def build_conditional_discriminator(num_classes=10):
    """[image, label] -> one logit: a projection discriminator, l = w.h + embed(y).h."""
    image = keras.Input((28, 28, 1))
    label = keras.Input((), dtype="int32")
    trunk = build_discriminator()
    features = keras.Model(trunk.inputs, trunk.layers[-2].output)(image)  # (B, 3185)
    unconditional = layers.Dense(1, dtype="float32")(features)  # (B, 1)
    class_vector = layers.Embedding(num_classes, features.shape[-1])(label)  # (B, 3185)
    projection = ops.cast(ops.sum(class_vector * features, axis=-1, keepdims=True), "float32")  # (B, 1)
    return keras.Model([image, label], unconditional + projection, name="conditional_discriminator")


# %%
# The conditional GAN: same train step, labels passed on  # @save models
class ConditionalGAN(R1GAN):
    """The same train step; G and D are also told which digit each image shows."""

    def generate(self, z, labels=None, training=False):
        generator = self.generator if training else self.generator_average
        return generator([z, labels], training=training)

    def discriminate(self, images, labels=None, training=False):
        return self.discriminator([images, labels], training=training)


# %% [markdown]
# Now the race. The unconditional GAN above was scored every few seconds of training;
# we train the conditional one for the same number of training seconds (`race_seconds`,
# or fewer if the GAN above trained for less; scoring time is not counted), score it
# the same way, and compare the two at equal seconds.

# %%
# Train the conditional GAN for as many training seconds as the GAN above had, scoring as it goes
race_budget = min(params.race_seconds, quality.records[-1]["seconds"])  # equal seconds for both
print(f"race: {race_budget:.0f} s of training each")
keras.utils.set_random_seed(42)
with strategy.scope():
    cgan = ConditionalGAN(build_conditional_generator(params.latent_dim), build_conditional_discriminator(),
                          r1_gamma=params.r1_gamma, average_decay=params.average_decay)
    cgan.compile(
        d_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=params.beta_1),
        g_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=params.beta_1),
    )
labelled = datasets.image_dataset(train_images, train_labels, batch_size=global_batch).repeat()
race = callbacks.QualityTracker(scorer, real_eval, every_seconds=params.race_seconds / 6,
                                num_samples=min(1000, params.eval_samples), conditional=True,
                                budget_seconds=race_budget, verbose=True)
cgan.fit(labelled, epochs=1, steps_per_epoch=10**7, verbose=0, callbacks=[race, callbacks.StopOnNaN()]);

# %%
# FD against training seconds: with labels vs without
figure, ax = plt.subplots(figsize=(7, 3.5))
for name, records in [("no labels (GAN)", quality.records), ("labels (ConditionalGAN)", race.records)]:
    ax.plot([r["seconds"] for r in records], [r["fd"] for r in records], "o-", label=name)
ax.axhline(scores["real (train vs test)"]["fd"], color="grey", ls=":", label="real vs real")
ax.set(xlabel="training seconds", ylabel="FD (log scale)", yscale="log", title="Do labels help?")
ax.legend()
plain_at_end = min(quality.records, key=lambda r: abs(r["seconds"] - race.records[-1]["seconds"]))
print(f"FD with labels {race.records[-1]['fd']:.1f} after {race.records[-1]['seconds']:.0f} s of training; "
      f"without labels {plain_at_end['fd']:.1f} after {plain_at_end['seconds']:.0f} s")

# %% [markdown]
# Read the last line the cell printed: the two FDs at (nearly) the same training seconds,
# lower is better. One run can be noisy; `benchmarks/mnist_quality.py` repeats the race over
# seeds, and `benchmarks/README.md` records what it measured, with machine and date.
# Why would labels help? $D$ no longer has to work out *which* digit an image should be,
# only whether it is a good one, and $G$ gets one clear target per sample instead of a
# blur of ten.
#
# Now pick the digit yourself:

# %%
# Your turn: pick a digit (the slider needs a live notebook; the default draws a 7)
import ipywidgets as widgets


def draw_digit(digit=7):
    images = sampling.generate_images(cgan, 16, labels=np.full(16, digit), seed=digit)
    plotting.show_images(images, columns=8, title=f"ConditionalGAN asked for a {digit}", size=2)
    plt.show()


widgets.interact(draw_digit, digit=widgets.IntSlider(value=7, min=0, max=9, description="digit"));

# %% [markdown]
# ## What you built, and what is next
# - A DCGAN is two small convolutional networks and a train step of about thirty lines.
# - `fit()` with callbacks gave progress bars, live curves, samples and a NaN guard for free.
# - The FD, confidence and coverage turn "looks OK" into numbers you can compare.
# - Labels are cheap to add; the race measured what they buy on the clock.
#
# Notebook 04 scales this up to 64 × 64 colour faces, conditions on 40 attributes at once,
# and makes the discriminator a classifier too. One more exercise first.
#
# ### Exercise 2 · Predict, then run: the minimax loss on images
# Notebook 02 showed that the minimax generator loss is flat where $G$ is bad. Two fresh
# GANs are about to train for `params.exercise_steps` steps each, the same networks and
# seed, one with `loss="minimax"` and one with `loss="non_saturating"`. **Before running:
# whose digits will the digit classifier read more confidently?** Write `"minimax"` or
# `"non_saturating"` in the next cell; the hidden cell trains both, scores them, and
# compares with your prediction.

# %%
# Your prediction: which loss gives the more confidently read digits after the same steps?
my_prediction = None  # replace with "minimax" or "non_saturating"

# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)
def train_for_exercise(loss, model_class=models.GAN):
    keras.utils.set_random_seed(5)
    model = model_class(build_generator(params.latent_dim), build_discriminator(), loss=loss)
    model.compile(d_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=params.beta_1),
                  g_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=params.beta_1))
    model.fit(dataset, epochs=1, steps_per_epoch=params.exercise_steps, verbose=0)
    return model


exercise_z = np.random.default_rng(3).standard_normal((16, params.latent_dim)).astype("float32")
figure, axes = plt.subplots(1, 2, figsize=(12, 2.6))
confidence = {}
for ax, loss in zip(axes, ["minimax", "non_saturating"]):
    model = train_for_exercise(loss)
    confidence[loss] = scorer.score(sampling.generate_images(model, 500, seed=2), real_eval[:500])["confidence"]
    fakes = model.generate(exercise_z)
    mean_d = float(ops.mean(ops.sigmoid(model.discriminate(fakes))))
    plotting.show_images(fakes, columns=8, ax=ax, title=f"{loss}: confidence {confidence[loss]:.2f}, mean D(G(z)) {mean_d:.2f}")
winner = max(confidence, key=confidence.get)
print(f"after {params.exercise_steps} steps: classifier confidence {confidence['minimax']:.3f} (minimax) against "
      f"{confidence['non_saturating']:.3f} (non-saturating): {winner} reads more confidently in this run")
if my_prediction is not None:
    print(f"You predicted {my_prediction!r}: {'right' if my_prediction.strip().lower() == winner else 'not this time'}.")

# %% [markdown]
# Notebook 02's flat curve says the minimax loss gives $G$ almost no gradient *while $D$
# rejects its images confidently* (mean $D(G(z))$ near 0). Whether that costs anything in a
# few hundred steps depends on how soon $D$ becomes that confident: in the reference
# rehearsal (2-core CPU, `fast` mode, 300 steps at 1e-3 without momentum, 2026-12-07) the two
# tied (0.810 for minimax, 0.808 for non-saturating); with DCGAN's `beta_1 = 0.5` (2026-11-27)
# the non-saturating loss read somewhat more confidently (0.792 against 0.747), and at 5e-4
# the two had tied again (0.721 and 0.729). So the margin is small and moves with the settings: the
# printed line is your run's verdict;
# read the mean $D(G(z))$ in the titles to see whether $D$ ever got confident enough to starve
# the minimax generator.
#
# ### A GAN with a planted fault
# The next cell trains the same DCGAN for `params.exercise_steps` steps with one fault
# planted in its train step. Its code is hidden: run it and read what it shows (the curves,
# and the same 16 $z$ drawn before and after training) as you would read a run of your own.

# %% cellView="form" jupyter={"source_hidden": true}
# @title A DCGAN with a planted fault (run it; keep the code hidden until you have diagnosed it)
class PlantedFault(models.GAN):
    def update(self, optimizer, tape, loss, network):
        if network is not self.generator:  # the fault: G's step is computed, never applied
            super().update(optimizer, tape, loss, network)


keras.utils.set_random_seed(6)
faulty = PlantedFault(build_generator(params.latent_dim), build_discriminator())
faulty.compile(d_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=params.beta_1),
               g_optimizer=keras.optimizers.Adam(params.learning_rate, beta_1=params.beta_1))
before = ops.convert_to_numpy(faulty.generate(exercise_z))
g_weights_before = [ops.convert_to_numpy(w).copy() for w in faulty.generator.trainable_weights]
fault_curves = callbacks.LiveLossPlot(show=False)
faulty.fit(dataset, epochs=1, steps_per_epoch=params.exercise_steps, verbose=0, callbacks=[fault_curves])
after = ops.convert_to_numpy(faulty.generate(exercise_z))
figure, axes = plt.subplots(1, 3, figsize=(15, 2.6))
plotting.show_images(before, columns=8, ax=axes[0], title="the same 16 z, before training")
plotting.show_images(after, columns=8, ax=axes[1], title=f"... after {params.exercise_steps} steps")
for name in ("d_loss", "g_loss"):
    axes[2].plot(plotting.trailing_mean(fault_curves.history[name], 20), label=name)
axes[2].set(xlabel="step", title="losses (mean of 20 steps)")
axes[2].legend(fontsize="small");

# %% [markdown]
# ### Exercise 3 · Diagnose: what is wrong with this DCGAN?
# Compare the two grids and read the curves. Which fault was planted: **"labels swapped in
# D's loss"**, **"G never updated"**, **"D never updated"** or **"nothing wrong"**?

# %%
# Your diagnosis: one of the four phrases above
my_diagnosis = None  # replace with e.g. "nothing wrong"

# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)
moved = max(float(np.abs(ops.convert_to_numpy(new) - old).max())
            for new, old in zip(faulty.generator.trainable_weights, g_weights_before))
print(f"largest change of any of G's weights during training: {moved:.2g}; "
      f"largest pixel change between the two grids: {float(np.abs(after - before).max()):.2g}")
print(f"d_loss over the last 20 steps {np.mean(fault_curves.history['d_loss'][-20:]):.3f}, "
      f"g_loss {np.mean(fault_curves.history['g_loss'][-20:]):.3f}")
print("The planted fault: G never updated. PlantedFault.update skips the generator's step, so G's weights "
      "never move and its samples stay noise (the two grids differ only because batch normalisation's running "
      "statistics still update in G's forward passes), while D learns to reject those fakes: d_loss falls to "
      "0 and g_loss climbs. In a train step you write, the same symptom comes from applying G's gradients to "
      "the wrong weights, or from a tape that did not record G's forward pass.")
if my_diagnosis is not None:
    print(f"You said {my_diagnosis!r}: {'right' if my_diagnosis.strip().lower() == 'g never updated' else 'not this one'}.")
