"""What every dataset shares: the faces record, attribute helpers, scaling and ``tf.data`` pipelines.

One module per dataset sits on top of this one: ``mnist`` (digits), ``celeba`` (CelebA's
faces, with ``celeba_files`` and ``celeba_sources``) and ``cartoon_faces`` (procedural
faces). A new dataset gets a new module that returns the records defined here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import FACE_SIZE, did_you_mean, is_count, require_scaled  # noqa: F401  (datasets.is_count, .require_scaled: as before)


class DataUnavailableError(RuntimeError):
    """No source could provide a dataset; the message says what was tried and what to do."""


@dataclass
class Faces:
    """Faces (uint8, N x 64 x 64 x 3) with 0/1 attributes (uint8, N x K), their names, and
    where they came from."""

    images: np.ndarray
    attributes: np.ndarray
    names: tuple
    source: str

    @property
    def is_standin(self) -> bool:
        return self.source.startswith("procedural")

    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        return f"Faces({len(self)} images of {FACE_SIZE}x{FACE_SIZE}x3, {len(self.names)} attributes, source={self.source!r})"

    def split(self, held_out: int):
        """(train, held_out) Faces: the last ``held_out`` faces are kept for evaluation."""
        if not is_count(held_out) or not 0 < held_out < len(self):
            raise ValueError(f"held_out must be an int between 1 and {len(self) - 1}, got {held_out!r}.")
        cut = len(self) - held_out
        return (Faces(self.images[:cut], self.attributes[:cut], self.names, self.source),
                Faces(self.images[cut:], self.attributes[cut:], self.names, self.source))


def attribute_index(names, name: str) -> int:
    """Position of ``name`` in ``names``; an unknown name gets a "did you mean" in the error."""
    names = tuple(names)
    if name in names:
        return names.index(name)
    raise ValueError(f"Unknown attribute {name!r}.{did_you_mean(name, names, cutoff=0.5)} "
                     f"Known attributes: {', '.join(names)}.")


def attribute_vector(names, on=(), off=(), base=None) -> np.ndarray:
    """A float32 0/1 vector over ``names``: ``base`` (e.g. a real face's attributes; all 0
    when None) with the attributes in ``on`` switched on and those in ``off`` switched off."""
    on, off = ([on] if isinstance(on, str) else on), ([off] if isinstance(off, str) else off)  # one name or many
    vector = np.zeros(len(names), np.float32) if base is None else np.array(base, dtype=np.float32)
    if vector.shape != (len(names),):
        raise ValueError(f"base must hold one 0/1 value per attribute ({len(names)}), got shape {vector.shape}.")
    for name in off:
        vector[attribute_index(names, name)] = 0.0
    for name in on:
        vector[attribute_index(names, name)] = 1.0
    return vector


def attribute_dataset(images, attributes, batch_size: int = 64, shuffle: bool = True, seed: int = 0,
                      autotune: bool = False):
    """A ``tf.data`` pipeline of (float32 image in [-1, 1], float32 0/1 attributes) batches.

    The uint8 arrays stay as they are (NumPy arrays or memory-mapped cache files: all of
    CelebA at 64 x 64 is 2.5 GB as uint8 and would be 10 GB as float32); each batch is
    gathered by index and scaled on the fly. Full batches only. Two batches are prepared
    ahead of the model; ``autotune=True`` lets tf.data tune the pipeline (``finish``).
    """
    import tensorflow as tf

    images = np.asarray(images)  # a memory-mapped cache stays memory-mapped: no copy
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"Expected uint8 images of shape (N, H, W, 3), got {images.dtype} {images.shape}.")
    attributes = np.asarray(attributes)
    if attributes.ndim != 2 or len(attributes) != len(images):
        raise ValueError(f"Expected one attribute vector per image, shape ({len(images)}, K), got {attributes.shape}.")
    if not is_count(batch_size) or not 0 < batch_size <= len(images):
        raise ValueError(f"batch_size must be an int between 1 and the {len(images)} images, got {batch_size!r}.")
    height, width = images.shape[1:3]
    num_attributes = attributes.shape[1]
    attributes = attributes.astype(np.float32)

    def gather(indices):
        indices = np.sort(indices)  # sequential reads from a memory-mapped file
        return images[indices], attributes[indices]

    @tf.autograph.experimental.do_not_convert  # plain TF calls; nothing for AutoGraph to convert
    def load(indices):
        batch_images, batch_attributes = tf.numpy_function(gather, [indices], (tf.uint8, tf.float32))
        batch_images = tf.ensure_shape(batch_images, (batch_size, height, width, 3))
        batch_attributes = tf.ensure_shape(batch_attributes, (batch_size, num_attributes))
        return tf.cast(batch_images, tf.float32) / 127.5 - 1.0, batch_attributes

    indices = tf.data.Dataset.range(len(images))
    if shuffle:
        indices = indices.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return finish(indices.batch(batch_size, drop_remainder=True).map(load), autotune)


# --- Pipelines -------------------------------------------------------------------------


def to_unit_range(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, H, W) or (N, H, W, C) in [0, 255] -> float32 (N, H, W, C) in [-1, 1]."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(
            f"Expected uint8 pixel values in [0, 255], got dtype {images.dtype}. "
            "Pass the raw images, not already-scaled ones."
        )
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"Expected images of shape (N, H, W) or (N, H, W, C), got {images.shape}.")
    return images.astype(np.float32) / 127.5 - 1.0


def image_dataset(images, labels=None, batch_size: int = 128, shuffle: bool = True, seed: int = 0,
                  autotune: bool = False):
    """A ``tf.data`` pipeline of float32 images in [-1, 1] (and labels, when given).

    Batches are full-sized (the remainder is dropped) so every train step sees the same shape.
    Two batches are prepared ahead; ``autotune=True`` lets tf.data tune the pipeline (``finish``).
    """
    import tensorflow as tf

    scaled = to_unit_range(images)
    if not is_count(batch_size) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    if batch_size > len(scaled):
        raise ValueError(
            f"batch_size={batch_size} is larger than the {len(scaled)} images given; "
            "use a smaller batch or more images."
        )
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(scaled),):
            raise ValueError(
                f"Expected one label per image, shape ({len(scaled)},), got {labels.shape}."
            )
        dataset = tf.data.Dataset.from_tensor_slices((scaled, labels.astype(np.int32)))
    else:
        dataset = tf.data.Dataset.from_tensor_slices(scaled)
    if shuffle:
        dataset = dataset.shuffle(len(scaled), seed=seed, reshuffle_each_iteration=True)
    return finish(dataset.batch(batch_size, drop_remainder=True), autotune)


def finish(dataset, autotune: bool = False):
    """Two batches prepared ahead of the model, and tf.data's autotuning off unless asked for.

    With autotuning on, a ``fit()`` that trained for more than about 13 s now and then went on
    waiting at its end until tf.data's tuning thread woke: 20.5 s in all where 13.7 s trained,
    on about 1 in 5 such fits of either pipeline (12 of 58; 2-core CPU, 2026-12-07;
    ``benchmarks/pipeline_stall.py``), and on none of 36 with it off. These pipelines have
    little to tune: gathering 64 of 20,000 faces in memory took 0.2 ms there, so two batches
    ahead keep a GPU fed (a memory-mapped CelebA cache reads from disk: not measured).
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = autotune
    return dataset.prefetch(2).with_options(options)
