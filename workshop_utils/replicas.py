"""What a custom train step needs to be right under ``tf.distribute`` (several GPUs, a TPU).

Under a strategy, ``fit`` runs the train step once per replica on its share of the global
batch, and the optimizers *add up* the replicas' gradients. Two helpers make a step give
the same update on any number of replicas as on one device:

- :func:`share` divides a loss (a mean over this replica's examples) by the number of
  replicas, so the summed gradients are those of the mean over the global batch;
- :func:`noise` draws z for the global batch and keeps this replica's slice: every replica
  reads the same mirrored seed, so without slicing they would all draw the *same* z.

On one device both do nothing. ``tests/test_distribute.py`` checks the equality.
"""

from __future__ import annotations

import keras
import tensorflow as tf


def _replicas():
    context = tf.distribute.get_replica_context()
    return (context.num_replicas_in_sync, context.replica_id_in_sync_group) if context is not None else (1, 0)


def share(loss):
    """This replica's share of a loss: ``loss / replicas`` (the loss itself on one device)."""
    count, _ = _replicas()
    return loss if count == 1 else loss / count


def noise(seed_generator, batch_size, latent_dim):
    """z (batch_size, latent_dim) for this replica: its slice of one draw for the whole batch."""
    count, index = _replicas()
    z = keras.random.normal((batch_size * count, latent_dim), seed=seed_generator)
    return z if count == 1 else z[index * batch_size:(index + 1) * batch_size]


def mean(value):
    """The mean of ``value`` over all replicas (itself on one device): for batch statistics."""
    count, _ = _replicas()
    return value if count == 1 else tf.distribute.get_replica_context().all_reduce("mean", value)
