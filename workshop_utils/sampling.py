"""Drawing samples from any of the course's GANs: :func:`generate_images`, in batches, in
inference mode, as NumPy; conditional models get their labels or attribute vectors as they
take them (:func:`condition_inputs`)."""

from __future__ import annotations

import keras
import numpy as np

from .checks import is_count


class Drawing:
    """Any generator network as a model :func:`generate_images` can draw from: e.g. a GAN's
    trained ``generator`` rather than the weight average its ``generate`` uses."""

    def __init__(self, generator, latent_dim):
        self.generator, self.latent_dim = generator, latent_dim

    def generate(self, z, labels=None, training=False):
        return self.generator(z if labels is None else [z, labels], training=training)


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
