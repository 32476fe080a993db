"""Pictures: image grids, loss curves, and a GIF of training."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def to_uint8(images) -> np.ndarray:
    """Images in [-1, 1] (N, H, W) or (N, H, W, C) -> uint8 in [0, 255], same layout."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim not in (3, 4):
        raise ValueError(f"Expected images of shape (N, H, W) or (N, H, W, C), got {images.shape}.")
    if images.size and (images.min() < -1.001 or images.max() > 1.001):
        raise ValueError(
            f"Expected images in [-1, 1], got values in [{images.min():.3g}, {images.max():.3g}]."
        )
    return np.round((images + 1.0) * 127.5).clip(0, 255).astype(np.uint8)


def image_grid(images, columns: int | None = None, padding: int = 1) -> np.ndarray:
    """Tile N images in [-1, 1] into one uint8 picture (H', W') or (H', W', 3), row by row."""
    tiles = to_uint8(images)
    if tiles.ndim == 4 and tiles.shape[-1] == 1:
        tiles = tiles[..., 0]
    count, height, width = tiles.shape[:3]
    if count == 0:
        raise ValueError("Expected at least one image to tile, got none.")
    columns = columns or int(np.ceil(np.sqrt(count)))
    if not isinstance(columns, int) or columns < 1:
        raise ValueError(f"columns must be a positive int, got {columns!r}.")
    rows = int(np.ceil(count / columns))
    grid = np.zeros(
        (rows * (height + padding) + padding, columns * (width + padding) + padding) + tiles.shape[3:],
        dtype=np.uint8,
    )
    for index, tile in enumerate(tiles):
        top = (index // columns) * (height + padding) + padding
        left = (index % columns) * (width + padding) + padding
        grid[top : top + height, left : left + width] = tile
    return grid


def show_images(images, columns: int | None = None, title: str | None = None, ax=None, size: float = 4.0):
    """Draw a grid of images in [-1, 1] on ``ax`` (a new figure when None); returns the axes."""
    import matplotlib.pyplot as plt

    grid = image_grid(images, columns)
    if ax is None:
        aspect = grid.shape[1] / grid.shape[0]
        _, ax = plt.subplots(figsize=(size * aspect, size))
    ax.imshow(grid, cmap="gray" if grid.ndim == 2 else None, vmin=0, vmax=255)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_history(history: dict, ax=None, keys=None, title: str = "Training curves"):
    """Plot each logged series of ``history`` (name -> list of values) against the step; returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    keys = keys or list(history)
    unknown = [key for key in keys if key not in history]
    if unknown:
        raise ValueError(f"No series {unknown} in the history; it has {sorted(history)}.")
    for key in keys:
        ax.plot(np.arange(1, len(history[key]) + 1), history[key], label=key, lw=1.2)
    ax.set_xlabel("step")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")
    return ax


def save_gif(frames, path, seconds_per_frame: float = 0.4) -> Path:
    """Write uint8 frames (each H x W or H x W x 3) as a looping GIF, atomically; returns the path."""
    from PIL import Image

    if len(frames) == 0:
        raise ValueError("Expected at least one frame for the GIF, got none.")
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"Expected a path ending in .gif, got {path}.")
    images = [Image.fromarray(np.asarray(frame, dtype=np.uint8)) for frame in frames]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        images[0].save(
            temporary, format="GIF", save_all=True, append_images=images[1:],
            duration=int(seconds_per_frame * 1000), loop=0,
        )
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
