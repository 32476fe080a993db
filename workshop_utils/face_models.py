"""Notebook 04's models: an attribute-conditioned face generator, a spectrally normalised
discriminator with a real/fake head and an attribute head, and the ``keras.Model`` that
trains them (:class:`VACGAN`). First written out in notebook 04's ``# @save`` cells.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers, ops

from . import datasets, losses, replicas



# @save
def build_face_generator(latent_dim=64, num_attributes=40, widths=(256, 128, 64, 32)):
    """[z, attribute vector y] -> a 64 x 64 x 3 face in [-1, 1] that has those attributes."""
    if len(widths) != 4:  # a 4 x 4 start and four doublings make 64 x 64
        raise ValueError(f"widths must hold 4 layer widths (4x4, 8x8, 16x16, 32x32), got {widths!r}.")
    if latent_dim < 1 or num_attributes < 1:
        raise ValueError(f"latent_dim and num_attributes must be at least 1, got {latent_dim!r} and {num_attributes!r}.")
    z = keras.Input((latent_dim,), name="z")
    y = keras.Input((num_attributes,), name="attributes")
    x = layers.Concatenate()([z, y])  # (B, latent_dim + num_attributes)
    x = layers.Dense(4 * 4 * widths[0], use_bias=False)(x)
    x = layers.BatchNormalization(synchronized=True)(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((4, 4, widths[0]))(x)  # (B, 4, 4, widths[0])
    for width in widths[1:]:  # 4 -> 8 -> 16 -> 32
        x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(synchronized=True)(x)
        x = layers.ReLU()(x)
    image = layers.Conv2DTranspose(3, 4, strides=2, padding="same", activation="tanh",
                                   dtype="float32")(x)  # (B, 64, 64, 3), float32 under mixed precision too
    return keras.Model([z, y], image, name="face_generator")


# @save
def build_face_discriminator(num_attributes=40, widths=(64, 128, 256, 256)):
    """A 64 x 64 x 3 image -> [real/fake logit (B, 1), attribute logits (B, num_attributes)].

    One trunk of spectrally normalised strided convolutions, two heads: the second makes
    the discriminator an attribute classifier too.
    """
    if len(widths) != 4:  # four halvings take 64 x 64 to 4 x 4
        raise ValueError(f"widths must hold 4 layer widths (32x32, 16x16, 8x8, 4x4), got {widths!r}.")
    if num_attributes < 1:
        raise ValueError(f"num_attributes must be at least 1 (the classifier head's outputs), got {num_attributes!r}.")
    image = keras.Input((64, 64, 3), name="image")
    x = image
    for width in widths:  # 64 -> 32 -> 16 -> 8 -> 4
        x = layers.SpectralNormalization(layers.Conv2D(width, 4, strides=2, padding="same"))(x)
        x = layers.LeakyReLU(0.1)(x)
    features = layers.Flatten()(x)  # (B, 4 * 4 * widths[-1]): where things are matters (a hat, glasses)
    real_fake = layers.SpectralNormalization(layers.Dense(1, dtype="float32"), dtype="float32",
                                             name="real_fake")(features)  # float32 logits, also under mixed precision
    # Spectral normalisation keeps the trunk's features small; normalising them lets the
    # classifier head reach confident logits quickly (measured: see benchmarks/README.md).
    normalised = layers.LayerNormalization()(features)
    attributes = layers.Dense(num_attributes, dtype="float32", name="attribute_logits")(normalised)
    return keras.Model(image, [real_fake, attributes], name="face_discriminator")


# @save
class VACGAN(keras.Model):
    """A conditional GAN whose discriminator is also a multi-label attribute classifier.

    D learns: real vs fake (hinge loss) + the attributes of real faces (binary cross-entropy).
    G learns: to fool D + to draw faces in which D's classifier head reads the attributes
    that G was asked for.
    """

    def __init__(self, generator, discriminator, class_weight=1.0, d_steps=1, seed=0):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = generator.inputs[0].shape[-1]  # the size of z, as G was built
        self.class_weight = class_weight
        self.d_steps = d_steps
        self.seed_generator = keras.random.SeedGenerator(seed)
        names = ("d_loss", "g_loss", "d_class_loss", "real_attr_acc", "fake_attr_acc")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self.built = True  # G and D arrive built, so a checkpoint can be restored before fit()
        asked, read = generator.inputs[1].shape[-1], discriminator.outputs[1].shape[-1]
        if asked != read:
            raise ValueError(f"G takes {asked} attributes but D's classifier reads {read}; build both for the same list.")

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        if keras.config.dtype_policy().name == "mixed_float16":  # float16 gradients need loss scaling
            d_optimizer, g_optimizer = (keras.optimizers.LossScaleOptimizer(o) for o in (d_optimizer, g_optimizer))
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        # Create the optimizers' moment variables now, so a checkpoint can restore them.
        d_optimizer.build(self.discriminator.trainable_weights)
        g_optimizer.build(self.generator.trainable_weights)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def generate(self, z, attributes, training=False):
        return self.generator([z, attributes], training=training)

    def train_step(self, data):
        real_images, attributes = data  # images: float32 in [-1, 1]; attributes: (B, K) of 0/1
        datasets.require_scaled(real_images)  # uint8 pixels would be 127x too large
        attributes = ops.cast(attributes, "float32")
        batch_size = ops.shape(real_images)[0]

        # 1. Discriminator: hinge loss on real vs fake + BCE on the attributes of *real* faces.
        for _ in range(self.d_steps):
            z = replicas.noise(self.seed_generator, batch_size, self.latent_dim)  # (batch_size, latent_dim)
            with tf.GradientTape() as tape:
                fake_images = self.generate(z, attributes, training=True)
                real_logit, real_attr_logits = self.discriminator(real_images, training=True)
                fake_logit, _ = self.discriminator(fake_images, training=True)
                class_loss = losses.multilabel_bce(attributes, real_attr_logits)
                d_loss = losses.hinge_discriminator_loss(real_logit, fake_logit) + self.class_weight * class_loss
                scaled = self.d_optimizer.scale_loss(replicas.share(d_loss))  # both: no-ops on one device
            grads = tape.gradient(scaled, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        # 2. Generator: fool D, and make D's classifier read the attributes that were asked for.
        z = replicas.noise(self.seed_generator, batch_size, self.latent_dim)
        with tf.GradientTape() as tape:
            fake_images = self.generate(z, attributes, training=True)
            fake_logit, fake_attr_logits = self.discriminator(fake_images, training=True)
            g_loss = (losses.hinge_generator_loss(fake_logit)
                      + self.class_weight * losses.multilabel_bce(attributes, fake_attr_logits))
            scaled = self.g_optimizer.scale_loss(replicas.share(g_loss))
        grads = tape.gradient(scaled, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        def attribute_accuracy(logits):  # share of attributes read correctly
            return ops.mean(ops.cast(ops.equal(ops.cast(logits > 0, "float32"), attributes), "float32"))

        for name, value in [("d_loss", d_loss), ("g_loss", g_loss), ("d_class_loss", class_loss),
                            ("real_attr_acc", attribute_accuracy(real_attr_logits)),
                            ("fake_attr_acc", attribute_accuracy(fake_attr_logits))]:
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}
