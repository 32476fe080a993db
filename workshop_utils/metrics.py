"""Sample quality, as formulas: a Frechet distance between feature sets, the Inception
score, class coverage and confidence. Their input checks live in ``checks`` (re-exported
here); the trained classifiers that produce the features and probabilities live in ``scorers``.

A real FID uses ImageNet Inception features, which an offline machine cannot fetch. Our
Frechet distance (FD) uses the features of a small digit classifier trained once on the
same data and cached. It is honest for comparisons *inside this course* (model A vs model
B, early vs late); do not compare it with FID numbers from papers.
"""

from __future__ import annotations

import numpy as np

from .checks import check_attributes, check_face_images, check_images, check_probabilities  # noqa: F401


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
    probabilities = check_probabilities(probabilities)
    marginal = probabilities.mean(0, keepdims=True)  # p(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(probabilities > 0, probabilities * (np.log(probabilities) - np.log(marginal)), 0.0)
    return float(np.exp(kl.sum(1).mean()))


def class_coverage(probabilities) -> float:
    """Effective number of classes drawn: exp(entropy of the predicted-class histogram).

    10.0 when the 10 digits appear equally often, 1.0 when every sample is the same digit.
    """
    probabilities = check_probabilities(probabilities)
    counts = np.bincount(probabilities.argmax(1), minlength=probabilities.shape[1])
    share = counts[counts > 0] / counts.sum()
    return float(np.exp(-(share * np.log(share)).sum()))


def mean_confidence(probabilities) -> float:
    """Mean over samples of the classifier's top class probability: near 1 for clear digits."""
    return float(check_probabilities(probabilities).max(1).mean())


# --- Faces and attributes (notebook 04) ----------------------------------------------------


def majority_baseline(attributes) -> np.ndarray:
    """Per attribute, the accuracy of always guessing its most common value."""
    share = check_attributes(attributes).mean(axis=0)
    return np.maximum(share, 1.0 - share)
