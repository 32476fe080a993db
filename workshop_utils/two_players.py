"""What every GAN model of the course shares that is not the game itself: :class:`TwoPlayers`.

A GAN's ``train_step`` (notebooks 03 and 04) is the lesson: draw z, score real and fake
images, compute each player's loss, take a step. Around it sits plumbing that a real run
needs and a learner need not type:

- two optimizers, wrapped for loss scaling when mixed precision is on (float16 gradients
  would round to zero), and built before ``fit`` so a checkpoint can restore their moments;
- :meth:`TwoPlayers.update`: one player's gradient step, right on any number of devices (each
  replica's loss is its share of the global mean, see ``replicas.share``) and in float16
  (the loss scale enters the backward pass; the optimizer divides it back out);
- :meth:`TwoPlayers.noise`: z for this device's slice of the batch (``replicas.noise``);
- :meth:`TwoPlayers.update_average`: with ``average_decay``, a copy of G
  (``self.generator_average``) whose every weight follows G's as an exponential moving
  average; ``update`` calls it after each of G's steps, and the notebooks draw from the copy.

On one device in float32 and without an average, ``update`` does nothing more than the
textbook step: ``tape.gradient(loss, weights)`` then ``optimizer.apply_gradients``.
"""

from __future__ import annotations

import keras
from keras import ops

from . import replicas


class TwoPlayers(keras.Model):
    """A generator and a discriminator, each with its optimizer; subclasses write ``train_step``."""

    def __init__(self, generator, discriminator, seed=0, average_decay=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.built = True  # G and D arrive built (fit() under a strategy checks; a checkpoint loads before fit)
        self.latent_dim = generator.inputs[0].shape[-1]  # the size of z, as G was built
        self.seed_generator = keras.random.SeedGenerator(seed)  # noise z, reproducibly
        if average_decay is not None and not 0.0 <= average_decay < 1.0:
            raise ValueError(f"average_decay is the share of the old average kept each step, in [0, 1) "
                             f"(e.g. 0.995), or None for no average; got {average_decay!r}.")
        self.average_decay = average_decay
        # The generator to draw from: G itself, or a copy whose weights trail G's (update_average).
        # (Named to sort after "generator", so a model without an average saves G under its own name.)
        self.generator_average = generator
        if average_decay is not None:
            self.generator_average = keras.models.clone_model(generator)
            self.generator_average.set_weights(generator.get_weights())
            self.generator_average.trainable = False  # changed only by update_average, never by an optimizer

    def compile(self, d_optimizer, g_optimizer, jit_compile="auto"):
        """Both players' optimizers. ``jit_compile``: XLA for the train step, as ``keras.Model.compile``
        has it: ``"auto"`` (Keras's rule: on with one GPU, off on a CPU or under a ``tf.distribute``
        strategy), ``True`` or ``False``. ``True`` is dropped under a strategy, where Keras leaves XLA off."""
        if jit_compile not in ("auto", True, False):
            raise ValueError(f'jit_compile must be "auto", True or False, got {jit_compile!r}.')
        if jit_compile is True and self.distribute_strategy.num_replicas_in_sync > 1:
            jit_compile = "auto"  # several devices: Keras's own choice (no XLA with tf.distribute)
        super().compile(jit_compile=jit_compile)
        if keras.config.dtype_policy().name == "mixed_float16":  # float16 gradients need loss scaling
            d_optimizer, g_optimizer = (keras.optimizers.LossScaleOptimizer(o) for o in (d_optimizer, g_optimizer))
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        # Create the optimizers' moment variables now, so a checkpoint can restore them.
        d_optimizer.build(self.discriminator.trainable_weights)
        g_optimizer.build(self.generator.trainable_weights)

    def noise(self, batch_size):
        """z of shape (batch_size, latent_dim) for this device's share of the batch."""
        return replicas.noise(self.seed_generator, batch_size, self.latent_dim)

    def update_average(self):
        """After G's step (``update`` calls it): every weight of ``self.generator_average`` (batch-norm statistics too) moves a share
        ``1 - decay`` of the way to G's, ``a <- decay * a + (1 - decay) * w`` (Yazici et al., 2019).

        The decay starts small and grows to ``average_decay`` (``(1 + t) / (10 + t)`` after t steps,
        as ``tf.train.ExponentialMovingAverage`` does), so a short run does not draw from a blend
        with G's random starting weights. Without ``average_decay`` it does nothing.
        """
        if self.generator_average is self.generator:
            return
        steps = ops.cast(self.g_optimizer.iterations, "float32")
        decay = ops.minimum(self.average_decay, (1.0 + steps) / (10.0 + steps))
        for average, weight in zip(self.generator_average.weights, self.generator.weights):
            average.assign(decay * average + (1.0 - decay) * ops.cast(weight, average.dtype))

    def update(self, optimizer, tape, loss, network):
        """One gradient step of ``network``'s weights down ``loss``, which ``tape`` recorded."""
        if len(loss.shape) != 0:
            raise ValueError(f"A player's loss must be one number (the mean over the batch), got shape "
                             f"{tuple(loss.shape)}: wrap it in ops.mean(...).")
        if keras.backend.standardize_dtype(loss.dtype) != "float32":
            raise ValueError(f"A player's loss must be float32, got {loss.dtype}: under mixed precision give "
                             f"the network's last layer dtype=\"float32\", as the course's builders do.")
        weights = network.trainable_weights
        # d(loss * scale / replicas) / d weights, with the loss as the tape recorded it: the scale
        # is 1 or mixed precision's loss scale, and each replica's loss is its share of the mean.
        scale = replicas.share(optimizer.scale_loss(ops.ones((), dtype=loss.dtype)))
        gradients = tape.gradient(loss, weights, output_gradients=scale)
        optimizer.apply_gradients(zip(gradients, weights))
        if network is self.generator:
            self.update_average()  # the copy that generate() draws from follows G's new weights
