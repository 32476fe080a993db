"""Generator and discriminator builders, and the ``keras.Model`` that owns the GAN's train step.

These are the reference solutions of notebook 03, first written out there in cells marked
``# @save`` (a test keeps the two copies identical), saved here so benchmarks, tests and
later notebooks reuse them.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from . import losses, replicas
from .datasets import is_count


# @save
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


# @save
class MinibatchStdDev(layers.Layer):
    """Append one feature map that holds how much the whole batch varies (from ProGAN).

    A generator that draws too few kinds of digit makes batches that vary too little; this
    feature lets D see that, which pushes G back towards all ten digits.
    """

    def call(self, x):
        mean = replicas.mean(ops.mean(x, axis=0))  # over the whole batch, on every GPU together
        variance = replicas.mean(ops.mean(ops.square(x), axis=0)) - ops.square(mean)
        spread = ops.mean(ops.sqrt(ops.maximum(variance, 0.0) + 1e-8))  # one number per batch
        return ops.concatenate([x, ops.ones_like(x[..., :1]) * spread], axis=-1)


# @save
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


# @save
class GAN(keras.Model):
    """A generator and a discriminator trained against each other by ``fit()``."""

    def __init__(self, generator, discriminator, loss="non_saturating", seed=0):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.built = True  # G and D arrive built (fit() under a distribution strategy checks)
        self.latent_dim = generator.inputs[0].shape[-1]  # the size of z, as G was built
        self.d_loss_fn, self.g_loss_fn = losses.get_gan_loss(loss)
        self.seed_generator = keras.random.SeedGenerator(seed)  # noise z, reproducibly
        self.trackers = {
            name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "D(x)", "D(G(z))")
        }

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        if keras.config.dtype_policy().name == "mixed_float16":  # float16 gradients need loss scaling
            d_optimizer, g_optimizer = (keras.optimizers.LossScaleOptimizer(o) for o in (d_optimizer, g_optimizer))
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def metrics(self):  # reset by fit() at the start of every epoch
        return list(self.trackers.values())

    def generate(self, z, labels=None, training=False):
        return self.generator(z, training=training)

    def discriminate(self, images, labels=None, training=False):
        return self.discriminator(images, training=training)

    def penalty(self, real_images, labels):
        return 0.0  # nothing added to D's loss here; R1GAN below adds the R1 penalty

    def train_step(self, data):
        real_images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)  # labels: None if unlabelled
        batch_size = ops.shape(real_images)[0]

        # 1. Discriminator step: push l(x) up on real images, l(G(z)) down on fakes.
        z = replicas.noise(self.seed_generator, batch_size, self.latent_dim)  # (batch_size, latent_dim)
        with tf.GradientTape() as tape:
            fake_images = self.generate(z, labels, training=True)
            real_logits = self.discriminate(real_images, labels, training=True)
            fake_logits = self.discriminate(fake_images, labels, training=True)
            d_loss = self.d_loss_fn(real_logits, fake_logits)
            d_total = d_loss + self.penalty(real_images, labels)
            scaled = self.d_optimizer.scale_loss(replicas.share(d_total))  # both: no-ops on one device
        grads = tape.gradient(scaled, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        # 2. Generator step: fresh noise; change G so that D scores its images as real.
        z = replicas.noise(self.seed_generator, batch_size, self.latent_dim)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminate(self.generate(z, labels, training=True), labels, training=True)
            g_loss = self.g_loss_fn(fake_logits)
            scaled = self.g_optimizer.scale_loss(replicas.share(g_loss))
        grads = tape.gradient(scaled, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        for name, value in [("d_loss", d_loss), ("g_loss", g_loss),
                            ("D(x)", ops.mean(ops.sigmoid(real_logits))),
                            ("D(G(z))", ops.mean(ops.sigmoid(fake_logits)))]:
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


# @save
class R1GAN(GAN):
    """The same game; D also pays (gamma / 2) |d l(x) / d x|^2 on real images (the R1 penalty)."""

    def __init__(self, generator, discriminator, r1_gamma=1.0, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.r1_gamma = r1_gamma

    def penalty(self, real_images, labels):
        if not self.r1_gamma:  # gamma 0: the plain game, and nothing computed
            return 0.0
        real_images = ops.convert_to_tensor(real_images)
        with tf.GradientTape() as slope_tape:  # a tape inside train_step's tape
            slope_tape.watch(real_images)
            real_sum = ops.sum(self.discriminate(real_images, labels, training=True))
        slopes = slope_tape.gradient(real_sum, real_images)  # d l(x) / d x, one per pixel
        squared_slope = ops.sum(ops.square(slopes)) / ops.cast(ops.shape(slopes)[0], slopes.dtype)
        return 0.5 * self.r1_gamma * squared_slope


# @save
def build_conditional_generator(latent_dim=64, num_classes=10):
    """[z, digit label] -> a 28 x 28 x 1 image of that digit."""
    z = keras.Input((latent_dim,))
    label = keras.Input((), dtype="int32")
    label_code = layers.Embedding(num_classes, 16)(label)  # (B, 16)
    x = layers.Concatenate()([z, label_code])  # (B, latent_dim + 16)
    image = build_generator(latent_dim + 16, mapping=False)(x)  # the same stack, no mapping network
    return keras.Model([z, label], image, name="conditional_generator")


# @save
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


# @save
class ConditionalGAN(R1GAN):
    """The same train step; G and D are also told which digit each image shows."""

    def generate(self, z, labels=None, training=False):
        return self.generator([z, labels], training=training)

    def discriminate(self, images, labels=None, training=False):
        return self.discriminator([images, labels], training=training)


def condition_inputs(labels):
    """What a conditional model is told, as it takes it: digit labels (N,) as int32, attribute
    vectors (N, K) as float32; None (an unconditional model) stays None."""
    if labels is None:
        return None
    labels = np.asarray(labels)
    return labels.astype(np.int32 if labels.ndim == 1 else np.float32)


def generate_images(model, count, labels=None, seed=0, batch_size=500):
    """``count`` images from a GAN's generator in inference mode, as a NumPy array in [-1, 1]."""
    if not is_count(count) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}.")
    if labels is not None and len(labels) != count:
        raise ValueError(f"Expected {count} labels (one per image), got {len(labels)}.")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((count, model.latent_dim)).astype(np.float32)
    chunks = []
    for start in range(0, count, batch_size):
        chunk_labels = None if labels is None else condition_inputs(labels[start : start + batch_size])
        images = model.generate(z[start : start + batch_size], chunk_labels, training=False)
        chunks.append(keras.ops.convert_to_numpy(images))
    return np.concatenate(chunks)
