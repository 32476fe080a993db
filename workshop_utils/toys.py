"""Toy problems where the right answer is known: 1-D Gaussians and a ring of 2-D Gaussians.

On toys we can *count* what a GAN gets right: which modes it covers, and what share of its
samples land close to a real mode. Notebook 02 uses these; ``benchmarks/toy_modes.py``
runs them over several seeds.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers


def ring_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The centres of ``modes`` Gaussians evenly spaced on a circle, shape (modes, 2)."""
    if not isinstance(modes, int) or modes < 1:
        raise ValueError(f"modes must be a positive int, got {modes!r}.")
    angles = 2 * np.pi * np.arange(modes) / modes
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype(np.float32)


def ring_of_gaussians(count: int, modes: int = 8, radius: float = 2.0, std: float = 0.05, seed: int = 0):
    """``count`` points from a mixture of ``modes`` equal Gaussians on a ring; returns (points, mode ids)."""
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}.")
    if std <= 0:
        raise ValueError(f"std must be positive, got {std!r}.")
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, modes, count)
    points = ring_centres(modes, radius)[ids] + rng.normal(0, std, (count, 2))
    return points.astype(np.float32), ids


def mixture_posterior(points, centres, std: float) -> np.ndarray:
    """The exact p(mode | x) for a mixture of equal isotropic Gaussians: a perfect 'classifier' (N, modes)."""
    points = np.asarray(points, dtype=np.float64)
    centres = np.asarray(centres, dtype=np.float64)
    if points.ndim != 2 or centres.ndim != 2 or points.shape[1] != centres.shape[1]:
        raise ValueError(f"Expected points (N, d) and centres (modes, d), got {points.shape} and {centres.shape}.")
    log_density = -np.sum((points[:, None, :] - centres[None]) ** 2, axis=-1) / (2 * std**2)
    log_density -= log_density.max(1, keepdims=True)
    density = np.exp(log_density)
    return density / density.sum(1, keepdims=True)


def mode_coverage(samples, centres, std: float, quality_radius: float = 3.0, min_share: float = 0.25) -> dict:
    """Count what a generator got right on a mixture of Gaussians with known centres.

    A sample is **high quality** if it lies within ``quality_radius`` standard deviations of
    its nearest centre. A mode is **covered** if it received at least ``min_share`` of its
    fair share (count / modes) of high-quality samples. Returns modes covered, the
    high-quality share, and the high-quality count per mode.
    """
    samples = np.asarray(samples, dtype=np.float64)
    centres = np.asarray(centres, dtype=np.float64)
    if samples.ndim != 2 or centres.ndim != 2 or samples.shape[1] != centres.shape[1]:
        raise ValueError(
            f"Expected samples (N, d) and centres (modes, d) with the same d, got {samples.shape} "
            f"and {centres.shape}."
        )
    if len(samples) == 0:
        raise ValueError("Expected at least one sample, got none.")
    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=-1)  # (N, modes)
    nearest = distances.argmin(1)
    good = distances[np.arange(len(samples)), nearest] <= quality_radius * std
    per_mode = np.bincount(nearest[good], minlength=len(centres))
    fair_share = len(samples) / len(centres)
    return {
        "modes_covered": int((per_mode >= min_share * fair_share).sum()),
        "high_quality_share": float(good.mean()),
        "per_mode": per_mode,
    }


def build_toy_generator(latent_dim: int = 2, output_dim: int = 2, width: int = 64, depth: int = 3):
    """An MLP generator z -> a point in ``output_dim`` dimensions."""
    stack = [keras.Input((latent_dim,))]
    for _ in range(depth):
        stack += [layers.Dense(width, activation="relu")]
    stack += [layers.Dense(output_dim)]
    return keras.Sequential(stack, name="toy_generator")


def build_toy_discriminator(input_dim: int = 2, width: int = 64, depth: int = 3, spectral_norm: bool = False):
    """An MLP discriminator: a point -> one logit; each Dense wrapped in spectral normalisation if asked."""
    def dense(units, activation=None):
        layer = layers.Dense(units, activation=activation)
        return layers.SpectralNormalization(layer) if spectral_norm else layer

    stack = [keras.Input((input_dim,))]
    for _ in range(depth):
        stack += [dense(width), layers.LeakyReLU(0.2)]
    stack += [dense(1)]
    return keras.Sequential(stack, name="toy_discriminator")


def power_iteration(matrix, iterations: int = 20, seed: int = 0) -> float:
    """Estimate the largest singular value of ``matrix`` (2-D) by power iteration.

    Repeat v <- W^T u / |W^T u|, u <- W v / |W v|; then sigma ~ u^T W v. This is what
    spectral normalisation runs, one iteration per training step, to divide W by sigma.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"Expected a 2-D matrix, got shape {matrix.shape}; reshape a kernel to (-1, out) first.")
    if not isinstance(iterations, int) or iterations < 1:
        raise ValueError(f"iterations must be a positive int, got {iterations!r}.")
    u = np.random.default_rng(seed).normal(size=matrix.shape[0])
    u /= np.linalg.norm(u)
    for _ in range(iterations):
        v = matrix.T @ u
        v /= np.linalg.norm(v) + 1e-12
        u = matrix @ v
        u /= np.linalg.norm(u) + 1e-12
    return float(u @ matrix @ v)
