"""Sample quality, as formulas: a Frechet distance between feature sets, the Inception
score, class coverage and confidence, and the input checks they share. The trained
classifiers that produce the features and probabilities live in ``scorers``.

A real FID uses ImageNet Inception features, which an offline machine cannot fetch. Our
Frechet distance (FD) uses the features of a small digit classifier trained once on the
same data and cached. It is honest for comparisons *inside this course* (model A vs model
B, early vs late); do not compare it with FID numbers from papers.
"""

from __future__ import annotations

import numpy as np


def frechet_distance(features_a, features_b) -> float:
    """FD = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2).

    The distance between two Gaussians fitted to the feature rows of ``a`` and ``b``
    (each N x d). 0 for identical sets; it grows as means or spreads differ.
    """
    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(
            f"Expected two feature matrices (N, d) with the same d, got {a.shape} and {b.shape}."
        )
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"Need at least 2 rows in each set to fit a covariance, got {len(a)} and {len(b)}.")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("Features contain NaN or Inf; check the images fed to the classifier.")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # Tr((S_a^1/2 S_b S_a^1/2)^1/2) via symmetric eigen-decompositions: stable, no complex parts.
    values, vectors = np.linalg.eigh(cov_a)
    sqrt_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a)
    trace_sqrt = np.sqrt(np.clip(middle, 0, None)).sum()
    distance = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_sqrt
    return float(max(distance, 0.0))


def inception_score(probabilities) -> float:
    """IS = exp(E_x KL(p(y|x) || p(y))), from class probabilities p(y|x) of generated samples (N, classes).

    High when each sample is confidently one class *and* the classes are used evenly: at most
    the number of classes. Named after the Inception network it was first computed with;
    any classifier gives an "Inception-style" score.
    """
    probabilities = _check_probabilities(probabilities)
    marginal = probabilities.mean(0, keepdims=True)  # p(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(probabilities > 0, probabilities * (np.log(probabilities) - np.log(marginal)), 0.0)
    return float(np.exp(kl.sum(1).mean()))


def class_coverage(probabilities) -> float:
    """Effective number of classes drawn: exp(entropy of the predicted-class histogram).

    10.0 when the 10 digits appear equally often, 1.0 when every sample is the same digit.
    """
    probabilities = _check_probabilities(probabilities)
    counts = np.bincount(probabilities.argmax(1), minlength=probabilities.shape[1])
    share = counts[counts > 0] / counts.sum()
    return float(np.exp(-(share * np.log(share)).sum()))


def mean_confidence(probabilities) -> float:
    """Mean over samples of the classifier's top class probability: near 1 for clear digits."""
    return float(_check_probabilities(probabilities).max(1).mean())


def _check_probabilities(probabilities) -> np.ndarray:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or len(probabilities) == 0:
        raise ValueError(f"Expected class probabilities of shape (N, classes), got {probabilities.shape}.")
    if (probabilities < -1e-6).any() or (np.abs(probabilities.sum(1) - 1) > 1e-3).any():
        raise ValueError("Expected rows of class probabilities (non-negative, summing to 1).")
    return probabilities


def check_images(images, name: str = "images") -> np.ndarray:
    """Images as float32 (N, 28, 28, 1) in [-1, 1]; anything else raises a ValueError saying so."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[1:] != (28, 28, 1):
        raise ValueError(f"Expected {name} of shape (N, 28, 28, 1) or (N, 28, 28), got {images.shape}.")
    return _check_unit_range(images, name)


def _check_unit_range(images: np.ndarray, name: str) -> np.ndarray:
    if images.size and (images.min() < -1.001 or images.max() > 1.001):
        raise ValueError(
            f"Expected {name} in [-1, 1], got values in [{images.min():.3g}, {images.max():.3g}]. "
            "Scale uint8 pixels with datasets.to_unit_range."
        )
    return images


# --- Faces and attributes (notebook 04) ----------------------------------------------------


def check_face_images(images, name: str = "images") -> np.ndarray:
    """Images as float32 (N, 64, 64, 3) in [-1, 1]; anything else raises a ValueError saying so."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4 or images.shape[1:] != (64, 64, 3):
        raise ValueError(f"Expected {name} of shape (N, 64, 64, 3), got {images.shape}.")
    return _check_unit_range(images, name)


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


def majority_baseline(attributes) -> np.ndarray:
    """Per attribute, the accuracy of always guessing its most common value."""
    share = check_attributes(attributes).mean(axis=0)
    return np.maximum(share, 1.0 - share)
