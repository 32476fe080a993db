"""The bottom layer: input checks, the image shapes the course works at, and error helpers.

Every other module may import this one, and this one imports nothing of the package: a
model, a dataset and a metric all check their inputs here, so a wrong shape, dtype, range or
name gets the same clear ``ValueError`` wherever it is passed.
"""

from __future__ import annotations

import difflib
import numbers

import numpy as np

DIGIT_SIZE = 28  #: MNIST's digits are 28 x 28, one channel
FACE_SIZE = 64  #: the course's faces (CelebA and procedural) are 64 x 64, three channels
DIGIT_SHAPE = (DIGIT_SIZE, DIGIT_SIZE, 1)
FACE_SHAPE = (FACE_SIZE, FACE_SIZE, 3)


def is_count(value) -> bool:
    """True for a whole number that is not a boolean: 3 or np.int64(3), not True, 3.0 or "3"."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def did_you_mean(name, known, cutoff: float = 0.6) -> str:
    """`` Did you mean 'x'?`` for the known name closest to ``name``; empty when none is close."""
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=cutoff)
    return f" Did you mean {close[0]!r}?" if close else ""


def require_scaled(images, what: str = "real images") -> None:
    """Refuse integer pixels (uint8, 0 to 255) where a model expects float32 in [-1, 1].

    A Keras model silently casts uint8 input to float and trains on values 127 times too
    large, so the train steps check their batches' dtype: known when the step is traced,
    it costs nothing per step."""
    dtype = getattr(images, "dtype", None)
    dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))  # tf.DType or NumPy dtype
    if dtype.kind in "uib":
        raise ValueError(f"The {what} are {dtype.name} pixels (0 to 255?); the model expects float32 in "
                         f"[-1, 1]. Scale them with datasets.to_unit_range, or feed datasets.attribute_dataset.")


def check_unit_range(images: np.ndarray, name: str) -> np.ndarray:
    if images.size and (images.min() < -1.001 or images.max() > 1.001):
        raise ValueError(
            f"Expected {name} in [-1, 1], got values in [{images.min():.3g}, {images.max():.3g}]. "
            "Scale uint8 pixels with datasets.to_unit_range."
        )
    return images


def check_images(images, name: str = "images") -> np.ndarray:
    """Digits as float32 (N, 28, 28, 1) in [-1, 1]; anything else raises a ValueError saying so."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[1:] != DIGIT_SHAPE:
        raise ValueError(f"Expected {name} of shape (N, {DIGIT_SIZE}, {DIGIT_SIZE}, 1) or "
                         f"(N, {DIGIT_SIZE}, {DIGIT_SIZE}), got {images.shape}.")
    return check_unit_range(images, name)


def check_face_images(images, name: str = "images") -> np.ndarray:
    """Faces as float32 (N, 64, 64, 3) in [-1, 1]; anything else raises a ValueError saying so."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4 or images.shape[1:] != FACE_SHAPE:
        raise ValueError(f"Expected {name} of shape (N, {FACE_SIZE}, {FACE_SIZE}, 3), got {images.shape}.")
    return check_unit_range(images, name)


def check_attributes(attributes, count: int | None = None, num_attributes: int | None = None) -> np.ndarray:
    """0/1 attribute vectors as float32 (N, K); anything else raises a ValueError saying so."""
    attributes = np.asarray(attributes)
    if attributes.ndim != 2 or (num_attributes is not None and attributes.shape[1] != num_attributes):
        wanted = f"(N, {num_attributes})" if num_attributes is not None else "(N, attributes)"
        raise ValueError(f"Expected attribute vectors of shape {wanted}, got {attributes.shape}.")
    if count is not None and len(attributes) != count:
        raise ValueError(f"Expected {count} attribute vectors (one per image), got {len(attributes)}.")
    if attributes.size and not np.isin(attributes, (0, 1)).all():
        raise ValueError("Expected attribute values 0 or 1 (CelebA's -1 means 0).")
    return attributes.astype(np.float32)


def check_probabilities(probabilities) -> np.ndarray:
    """Rows of class probabilities as float64 (N, classes); anything else raises a ValueError."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or len(probabilities) == 0:
        raise ValueError(f"Expected class probabilities of shape (N, classes), got {probabilities.shape}.")
    if (probabilities < -1e-6).any() or (np.abs(probabilities.sum(1) - 1) > 1e-3).any():
        raise ValueError("Expected rows of class probabilities (non-negative, summing to 1).")
    return probabilities
