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
# # 01 · Deep learning, reviewed by checking it
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/making-faces-course/making-faces/blob/v0.3.0/notebooks/01_deep_learning_review.ipynb) · live-coding version, with blanks to type in: [![Open the live-coding version in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/making-faces-course/making-faces/blob/v0.3.0/notebooks/live/01_deep_learning_review.ipynb)
#
# GANs are two neural networks trained by gradient descent. This notebook makes sure the
# pieces are solid, by computing each one two ways and checking they agree:
#
# 1. **the chain rule**: a tiny network's gradient by hand, by `tf.GradientTape`, and by
#    finite differences;
# 2. **gradient descent**: a learning rate too small, about right, and too large;
# 3. **a convolutional classifier** on MNIST, trained with `fit()`, and what its layers see;
# 4. **convolution and transposed convolution** arithmetic, checked against Keras: the
#    transposed convolution is how a generator grows an image.
#
# **Time:** about a minute on a laptop CPU (`fast` mode: 40-64 s measured on a 2-core CPU,
# 2026-11-23, with the 20,000 digits it trains on; 12 s with an offline folder of only 8,000,
# 2026-11-27).

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
import math

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from workshop_utils import datasets, mnist, plotting, runtime

mode = runtime.setup(seed=0)

# %%
# Teaching parameters: one value for every mode, or one per mode
params = runtime.scaled(
    epochs={"full": 5, "fast": 2, "smoke": 1},
    train_images={"full": 60_000, "fast": 20_000, "smoke": 512},
    batch_size=128,
    gd_steps=30,  # gradient-descent steps in section 2
    ascent_steps={"full": 100, "fast": 60, "smoke": 3},  # gradient-ascent steps per picture in section 3
)

# %% [markdown]
# ## 1. The chain rule, three ways
# A network is a composition of differentiable functions, and its gradient is the chain
# rule applied backwards through it: **backpropagation**. Take the smallest network worth
# the name, one hidden unit:
#
# $$h = \tanh(w_1 x + b_1), \qquad \hat y = w_2 h + b_2, \qquad L = \tfrac12(\hat y - y)^2.$$
#
# Backwards, each step multiplies by one local derivative:
# $\frac{\partial L}{\partial \hat y} = \hat y - y$,
# $\frac{\partial L}{\partial w_2} = (\hat y - y)\,h$,
# $\frac{\partial L}{\partial h} = (\hat y - y)\,w_2$,
# $\frac{\partial L}{\partial w_1} = \frac{\partial L}{\partial h}(1 - h^2)\,x$ (since $\tanh' = 1 - \tanh^2$).

# %%
# The tiny network's gradient by hand (NumPy), following the chain rule backwards
x, y = 1.5, 0.3
w1, b1, w2, b2 = 0.8, -0.2, 1.3, 0.1
h = np.tanh(w1 * x + b1)
y_hat = w2 * h + b2
dL_dyhat = y_hat - y
dL_dh = dL_dyhat * w2
by_hand = {"w1": dL_dh * (1 - h**2) * x, "b1": dL_dh * (1 - h**2), "w2": dL_dyhat * h, "b2": dL_dyhat}

# %%
# The same gradient by tf.GradientTape: TensorFlow records the forward pass and runs it back
weights = {name: tf.Variable(value, dtype=tf.float64) for name, value in zip(["w1", "b1", "w2", "b2"], [w1, b1, w2, b2])}
with tf.GradientTape() as tape:
    loss = 0.5 * (weights["w2"] * tf.tanh(weights["w1"] * x + weights["b1"]) + weights["b2"] - y) ** 2
by_tape = dict(zip(weights, [g.numpy() for g in tape.gradient(loss, list(weights.values()))]))

# %%
# And by finite differences: nudge each weight by +-eps and watch the loss move
def tiny_loss(w1, b1, w2, b2):
    return 0.5 * (w2 * np.tanh(w1 * x + b1) + b2 - y) ** 2


eps = 1e-6
values = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
by_differences = {}
for name in values:
    up, down = dict(values, **{name: values[name] + eps}), dict(values, **{name: values[name] - eps})
    by_differences[name] = (tiny_loss(**up) - tiny_loss(**down)) / (2 * eps)
print(f"{'weight':>6} {'by hand':>12} {'GradientTape':>13} {'finite diff.':>13}")
for name in values:
    print(f"{name:>6} {by_hand[name]:12.8f} {by_tape[name]:13.8f} {by_differences[name]:13.8f}")
assert all(math.isclose(by_hand[n], by_tape[n], rel_tol=1e-9) for n in values)
assert all(math.isclose(by_hand[n], by_differences[n], rel_tol=1e-6) for n in values)

# %% [markdown]
# All three agree to many digits. `GradientTape` is what every train step in this course
# uses, including the GAN's in notebook 03.
#
# ## 2. Gradient descent, and the learning rate
# Gradient descent repeats $\theta \leftarrow \theta - \eta\, \nabla_\theta L$. The
# learning rate $\eta$ is the one number you will tune most. On a small problem, fitting a
# line $y = a x + b$ to noisy points, watch three of them.

# %%
# A small problem: noisy points around y = 3x + 1
rng = np.random.default_rng(0)
x_line = rng.uniform(-1, 1, 100)
y_line = 3 * x_line + 1 + rng.normal(0, 0.3, 100)


def line_loss_and_gradient(a, b):
    error = a * x_line + b - y_line  # (100,)
    return np.mean(error**2), np.array([2 * np.mean(error * x_line), 2 * np.mean(error)])


# %%
# Run gradient descent with three learning rates from the same start, recording the path
paths = {}
for learning_rate in [0.05, 0.5, 1.05]:
    theta, path = np.array([-2.0, -2.0]), []
    for step in range(params.gd_steps):
        loss, gradient = line_loss_and_gradient(*theta)
        path.append((*theta, loss))
        theta = theta - learning_rate * gradient
    paths[learning_rate] = np.array(path)  # (gd_steps, 3): a, b, loss

# %%
# Loss curves (left) and the paths over the loss surface (right)
figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
a_grid, b_grid = np.meshgrid(np.linspace(-3, 8, 100), np.linspace(-3, 5, 100))
surface = np.mean((a_grid[..., None] * x_line + b_grid[..., None] - y_line) ** 2, axis=-1)
right.contour(a_grid, b_grid, surface, levels=np.logspace(-1, 2, 12), cmap="Greys")
for (learning_rate, path), label in zip(paths.items(), ["too small", "about right", "too large"]):
    left.plot(path[:, 2], label=f"lr={learning_rate} ({label})")
    right.plot(path[:, 0], path[:, 1], "o-", ms=3, label=f"lr={learning_rate}")
left.set(yscale="log", xlabel="step", ylabel="loss", title="loss")
right.set(xlabel="a", ylabel="b", title="path of (a, b)", xlim=(-3, 8), ylim=(-3, 5))
left.legend();

# %% [markdown]
# Too small creeps; about right gets there in a few steps; too large overshoots further
# each step and diverges (on this problem any $\eta$ above about 1 does). GAN training is
# the same idea with two players, which is why it is more sensitive still.
#
# ## 3. A convolutional classifier on MNIST
# Convolutions slide one small set of weights over the whole image: few parameters, the
# same detector everywhere. We train a small CNN with `fit()`, which gives a progress bar
# and a history of the curves.

# %%
# Load the digits: real MNIST, or the procedural stand-in in smoke mode
digits = mnist.load_mnist("procedural" if mode == "smoke" else "auto")
x_train = datasets.to_unit_range(digits.x_train[: params.train_images])  # (N, 28, 28, 1) in [-1, 1]
y_train = digits.y_train[: params.train_images]
x_test, y_test = datasets.to_unit_range(digits.x_test), digits.y_test
print(x_train.shape, y_train.shape, x_test.shape)

# %%
# A small CNN: two conv + pool stages, then a dense classifier
classifier = keras.Sequential(
    [
        keras.Input((28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu", name="conv1"),  # (B, 26, 26, 16)
        layers.MaxPooling2D(),  # (B, 13, 13, 16)
        layers.Conv2D(32, 3, activation="relu", name="conv2"),  # (B, 11, 11, 32)
        layers.MaxPooling2D(),  # (B, 5, 5, 32)
        layers.Flatten(),  # (B, 800)
        layers.Dense(10, activation="softmax"),
    ],
    name="classifier",
)
classifier.summary()

# %%
# Train with fit(): progress bar, and a history of loss and accuracy
classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = classifier.fit(x_train, y_train, batch_size=params.batch_size, epochs=params.epochs,
                         validation_split=0.1)
test_loss, test_accuracy = classifier.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy: {test_accuracy:.3f}")

# %%
# Training curves
figure, axes = plt.subplots(1, 2, figsize=(10, 3))
for ax, key in zip(axes, ["loss", "accuracy"]):
    ax.plot(history.history[key], "o-", label="train")
    ax.plot(history.history[f"val_{key}"], "o-", label="validation")
    ax.set(xlabel="epoch", title=key)
axes[0].legend();

# %% [markdown]
# ### What the layers see: pixels, parts, whole
# Feed one digit through and look at each convolution's output channels. The first layer
# responds to edges and strokes at particular orientations; the second to combinations
# of them, parts of digits; the dense layer turns those into a class.

# %%
# Feature maps of one test digit, layer by layer
probe = keras.Model(classifier.inputs[0], [classifier.get_layer("conv1").output, classifier.get_layer("conv2").output])
conv1_maps, conv2_maps = probe(x_test[:1])  # (1, 26, 26, 16), (1, 11, 11, 32)
figure, axes = plt.subplots(1, 3, figsize=(13, 4), gridspec_kw={"width_ratios": [1, 2, 2]})
plotting.show_images(x_test[:1], ax=axes[0], title=f"input (label {y_test[0]})")
axes[1].imshow(plotting.feature_map_grid(conv1_maps[0].numpy(), columns=4), cmap="gray")
axes[2].imshow(plotting.feature_map_grid(conv2_maps[0].numpy(), columns=8), cmap="gray")
for ax, title in zip(axes[1:], ["conv1: 16 maps, 26 x 26", "conv2: 32 maps, 11 x 11"]):
    ax.set_title(title)
    ax.set_axis_off()

# %% [markdown]
# ### What a unit wants to see: activation maximisation
# Feature maps show what a unit does with *one* digit. Turn the question round: which
# image excites a unit most? Start from faint noise and run gradient **ascent** on the
# pixels, not the weights: the same `GradientTape`, differentiating the unit's output with
# respect to the input image ([feature visualisation](https://distill.pub/2017/feature-visualization/),
# Olah, Mordvintsev & Schubert, 2017). It is a generator with no network of its own: the
# classifier's gradient alone shapes the pixels, and notebook 03's generator learns from
# exactly such a gradient, passed back through its discriminator.

# %%
# Gradient ascent on the pixels: eight conv2 channels (top) and the ten classes (bottom)
def maximise(objective, count, steps=params.ascent_steps, rate=0.05):
    """Images (count, 28, 28, 1) in [-1, 1] that raise objective(images) -> (count,), one per row."""
    images = tf.Variable(np.random.default_rng(0).normal(0, 0.1, (count, 28, 28, 1)).astype("float32"))
    for _ in range(steps):
        with tf.GradientTape() as tape:
            score = tf.reduce_sum(objective(images)) - 0.05 * tf.reduce_sum(images**2)  # keep pixels modest
        gradient = tape.gradient(score, images)
        gradient /= tf.math.reduce_std(gradient, axis=(1, 2, 3), keepdims=True) + 1e-8  # one step size per image
        images.assign(tf.clip_by_value(images + rate * gradient, -1.0, 1.0))
    return images.numpy()


# image i climbs channel i's mean activation (conv2), or the log-probability of class i
channel_images = maximise(lambda x: tf.linalg.diag_part(tf.reduce_mean(probe(x)[1], axis=(1, 2))[:, :8]), 8)
class_images = maximise(lambda x: tf.linalg.diag_part(tf.math.log(classifier(x) + 1e-7)), 10)
print("classifier's confidence in each class picture:", np.round(classifier(class_images).numpy().diagonal(), 3))
figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 3.2))
stretched = channel_images / np.abs(channel_images).max(axis=(1, 2, 3), keepdims=True)  # faint: full contrast
plotting.show_images(stretched, columns=8, ax=top, title="what excites conv2's channels 0-7 (contrast stretched)")
plotting.show_images(class_images, columns=10, ax=bottom, title="what the classifier calls 0, 1, ..., 9 most surely");

# %% [markdown]
# The channels want textures: short strokes repeated at one angle. Some class pictures
# hint at their digit (look for a ring in the 0, an upright stroke in the 1); others are
# scribbles that the classifier still calls its digit, with the confidence printed above.
# A classifier learns *which features separate* the ten digits, not what a digit looks
# like. A GAN's discriminator can be pleased by such scribbles too, which is why its
# generator must keep learning against a discriminator that keeps learning.

# %% [markdown]
# ### Exercise 1 · Improve the classifier
# Beat the test accuracy above by changing the model (not the test set!). Levers to try:
# padding `"same"` (so the borders count too), more filters, a hidden dense layer,
# `Dropout` before it. Write your model in the next cell; the cell after it trains it the
# same way. That cell is also the solution, hidden until you ask for it: double-click it
# to see the code. Run it either way: if your cell still says `None`, it uses the solution.

# %%
# Your model here (start from a copy of the classifier above)
my_classifier = None  # replace with keras.Sequential([...])

# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)  # @save solutions
def improved_digit_classifier():
    """Notebook 01's exercise: a better MNIST classifier than the starting one.

    Changes, each a standard lever: "same" padding (the borders count too), twice the
    filters, a hidden dense layer, and dropout before it (less over-fitting). Measured on
    20,000 digits for 2 epochs: 0.977 test accuracy against the first model's 0.960.
    No batch normalisation: it is a lever too, but this exercise keeps to the ones this
    notebook has shown.
    """
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),  # (B, 14, 14, 32)
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),  # (B, 7, 7, 64)
            layers.Flatten(),  # (B, 3136)
            layers.Dropout(0.3),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="improved_classifier",
    )


if my_classifier is None:  # left empty: the solution above, trained the same way
    my_classifier = improved_digit_classifier()
my_classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
my_classifier.fit(x_train, y_train, batch_size=params.batch_size, epochs=params.epochs, verbose=2)
print(f"test accuracy: {my_classifier.evaluate(x_test, y_test, verbose=0)[1]:.3f} (first model: {test_accuracy:.3f})")

# %% [markdown]
# ## 4. Convolution and transposed convolution: the arithmetic
# A convolution slides a window of width $k$ (the kernel) along an input of length $n$
# (per spatial axis), taking a step of $s$ (the stride) each time, and writes one output
# per position. With `"valid"` padding the window must stay inside the input; with
# `"same"` padding the input is padded with zeros just enough that a window starts at every
# $s$-th input position.
#
# A **transposed convolution** runs that map backwards: each input pixel *stamps* a
# $k \times k$ copy of the kernel, scaled by its value, into the output, with stamps $s$
# apart, and overlapping stamps add up (the picture after the exercise shows one). With
# `"valid"` padding the output is as wide as the stamps reach; with `"same"` it is exactly
# $s$ times the input. One Keras detail: when the kernel is narrower than the stride, the
# stamps leave gaps, and Keras counts the gap after the last stamp too.
#
# **Work out the two sizes yourself** and write them in the cell below (the live-coding
# version leaves the bodies blank): how many positions can a $k$-wide window take, $s$
# apart, inside $n$? How far do $n$ stamps of width $k$, $s$ apart, reach? The next cell
# checks your formulas against real Keras layers. That is how a generator grows 7 × 7 to
# 14 × 14 to 28 × 28.

# %%
# The two size formulas  # @save conv_arithmetic @live
def conv_output_size(size, kernel, stride=1, padding="valid"):
    """The output length of a convolution over ``size`` inputs ("valid" or "same" padding): an int."""
    if padding == "valid":
        return (size - kernel) // stride + 1  # floor((n - k) / s) + 1 window positions
    if padding == "same":
        return math.ceil(size / stride)  # ceil(n / s): one window every s inputs
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")


def conv_transpose_output_size(size, kernel, stride=1, padding="valid"):
    """The output length of a transposed convolution over ``size`` inputs ("valid" or "same"): an int."""
    if padding == "valid":
        return (size - 1) * stride + max(kernel, stride)  # (n - 1) s + k; a kernel narrower than s leaves gaps
    if padding == "same":
        return size * stride  # n s
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")


# %%
# Check the formulas against real Keras layers on a few worked examples
print(f"{'n':>3} {'k':>2} {'s':>2} {'padding':>8} | {'conv':>5} {'Keras':>6} | {'transp.':>7} {'Keras':>6}")
for n, k, s, padding in [(28, 3, 1, "valid"), (28, 4, 2, "same"), (28, 5, 2, "valid"), (7, 4, 2, "same"), (7, 3, 2, "valid"),
                         (7, 1, 2, "valid")]:
    probe_input = np.zeros((1, n, n, 1), "float32")
    keras_conv = layers.Conv2D(1, k, strides=s, padding=padding)(probe_input).shape[1]
    keras_transposed = layers.Conv2DTranspose(1, k, strides=s, padding=padding)(probe_input).shape[1]
    ours, ours_t = conv_output_size(n, k, s, padding), conv_transpose_output_size(n, k, s, padding)
    print(f"{n:3d} {k:2d} {s:2d} {padding:>8} | {ours:5d} {keras_conv:6d} | {ours_t:7d} {keras_transposed:6d}")
    assert (ours, ours_t) == (keras_conv, keras_transposed)

# %% [markdown]
# ### Exercise 2 · Predict, then check
# Before running anything, work out on paper: (a) the output size of
# `Conv2D(8, 5, strides=2, padding="valid")` on a 28 × 28 image, and (b) the size after
# *two* `Conv2DTranspose(8, 4, strides=2, padding="same")` layers in a row, starting from
# 7 × 7. Write your numbers in the next cell; the hidden solution checks them against
# Keras.

# %%
# Your predictions (whole numbers)
my_sizes = None  # replace with {"(a) conv on 28": ..., "(b) two transposed convs from 7": ...}

# %% cellView="form" jupyter={"source_hidden": true}
# @title Solution and catch-up (double-click to show the code; run the cell either way)
answers = {  # the formulas of section 4 ...
    "(a) conv on 28": conv_output_size(28, 5, stride=2, padding="valid"),  # floor((28 - 5) / 2) + 1 = 12
    "(b) two transposed convs from 7": conv_transpose_output_size(conv_transpose_output_size(7, 4, 2, "same"), 4, 2, "same"),
}
keras_answers = {  # ... and real Keras layers
    "(a) conv on 28": layers.Conv2D(8, 5, strides=2, padding="valid")(np.zeros((1, 28, 28, 1), "float32")).shape[1],
    "(b) two transposed convs from 7": layers.Conv2DTranspose(8, 4, strides=2, padding="same")(
        layers.Conv2DTranspose(8, 4, strides=2, padding="same")(np.zeros((1, 7, 7, 1), "float32"))).shape[1],
}
if my_sizes is None:  # no predictions yet: just show the answers
    my_sizes = dict.fromkeys(answers)
for question, guess in my_sizes.items():
    verdict = "no prediction yet" if guess is None else "right" if guess == answers[question] else "not quite"
    print(f"{question}: formula {answers[question]}, Keras {keras_answers[question]}; you said {guess} ({verdict})")

# %%
# A picture: a transposed convolution (3 x 3 kernel of ones, stride 2) grows 2 x 2 into 5 x 5
small = np.array([[1.0, 2.0], [3.0, 4.0]], "float32").reshape(1, 2, 2, 1)
grow = layers.Conv2DTranspose(1, 3, strides=2, padding="valid", use_bias=False, kernel_initializer="ones")
grown = grow(small).numpy()[0, :, :, 0]  # (5, 5)
figure, axes = plt.subplots(1, 2, figsize=(8, 3.5))
for ax, image, title in [(axes[0], small[0, :, :, 0], "input 2 x 2"), (axes[1], grown, "output 5 x 5")]:
    ax.imshow(image, cmap="viridis")
    for (row, col), value in np.ndenumerate(image):
        ax.text(col, row, f"{value:g}", ha="center", va="center", color="w")
    ax.set_title(title)
    ax.set_axis_off()

# %% [markdown]
# Each input pixel stamped a 3 × 3 block of its own value; where stamps overlap (the
# middle row and column) they add: $1 + 2 = 3$, $1 + 2 + 3 + 4 = 10$. Uneven overlap is
# also where the "checkerboard" artefacts of some generators come from
# ([Odena, Dumoulin & Olah, 2016](https://distill.pub/2016/deconv-checkerboard/)); a kernel size divisible by the stride, like the 4 × 4, stride 2 of notebook 03,
# overlaps evenly.
#
# ## What you checked
# - Backprop is the chain rule; `GradientTape` computes it exactly (finite differences
#   only approximate it).
# - The learning rate decides between crawling, converging and diverging.
# - A CNN's first layer responds to strokes at particular orientations (you saw its
#   feature maps), and what its units respond to most can be drawn by gradient ascent.
# - Convolutions shrink images by their stride; transposed convolutions grow them.
#
# Next, notebook 02: two networks, one game.
