"""Pictures: image grids, loss curves, and a GIF of training."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .files import write_or_warn


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


def feature_map_grid(maps, columns: int | None = None) -> np.ndarray:
    """Feature maps (H, W, C) of one image -> one uint8 grid, each channel stretched to full contrast."""
    maps = np.asarray(maps, dtype=np.float32)
    if maps.ndim != 3:
        raise ValueError(f"Expected the feature maps of one image, shape (H, W, C), got {maps.shape}.")
    channels = np.moveaxis(maps, -1, 0)  # (C, H, W)
    low = channels.min(axis=(1, 2), keepdims=True)
    high = channels.max(axis=(1, 2), keepdims=True)
    stretched = 2 * (channels - low) / np.maximum(high - low, 1e-8) - 1  # each in [-1, 1]
    return image_grid(stretched, columns)


def show_images(images, columns: int | None = None, title: str | None = None, ax=None, size: float = 4.0,
                column_titles=None):
    """Draw a grid of images in [-1, 1] on ``ax`` (a new figure when None); returns the axes.

    ``column_titles`` (one per column) are written above the columns."""
    import matplotlib.pyplot as plt

    grid = image_grid(images, columns)
    if ax is None:
        aspect = grid.shape[1] / grid.shape[0]
        _, ax = plt.subplots(figsize=(size * aspect, size))
    ax.imshow(grid, cmap="gray" if grid.ndim == 2 else None, vmin=0, vmax=255)
    ax.set_axis_off()
    if column_titles is not None:
        columns = columns or int(np.ceil(np.sqrt(len(images))))
        if len(column_titles) != columns:
            raise ValueError(f"Expected {columns} column titles, got {len(column_titles)}.")
        step = grid.shape[1] / columns
        for index, text in enumerate(column_titles):
            ax.text((index + 0.5) * step, -2, text, ha="center", va="bottom", fontsize=9)
    if title:
        ax.set_title(title, pad=18 if column_titles is not None else 6)
    return ax


def plot_attribute_bars(names, series: dict, ax=None, title: str | None = None):
    """Horizontal bars, one group per attribute name: ``series`` maps a label to one value
    per name (accuracies, say); returns the axes."""
    import matplotlib.pyplot as plt

    names = list(names)
    for label, values in series.items():
        if len(values) != len(names):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(names)} names.")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.28 * len(names) * max(1, len(series) / 2) + 1))
    height = 0.8 / max(len(series), 1)
    positions = np.arange(len(names))
    for index, (label, values) in enumerate(series.items()):
        ax.barh(positions + index * height, values, height=height, label=label)
    ax.set_yticks(positions + height * (len(series) - 1) / 2, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # beside the bars, never on them
    if title:
        ax.set_title(title)
    return ax


def trailing_mean(values, window: int) -> np.ndarray:
    """The mean of the last ``window`` values at each position (fewer at the start)."""
    values = np.asarray(values, dtype=np.float64)
    sums = np.cumsum(np.concatenate([[0.0], values]))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def plot_history(history: dict, ax=None, keys=None, title: str = "Training curves", window: int | None = None):
    """Plot each logged series of ``history`` (name -> list of values, one per step) against
    the step; with ``window``, each step's value faintly and the mean of the last ``window``
    steps on top. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    keys = keys or list(history)
    unknown = [key for key in keys if key not in history]
    if unknown:
        raise ValueError(f"No series {unknown} in the history; it has {sorted(history)}. "
                         "(Empty: no training step has run yet; run the training cell first.)")
    for key in keys:
        steps = np.arange(1, len(history[key]) + 1)
        if window and window > 1:
            line, = ax.plot(steps, history[key], lw=0.6, alpha=0.25)
            ax.plot(steps, trailing_mean(history[key], window), color=line.get_color(), lw=1.4,
                    label=f"{key} (last {window} steps)")
        else:
            ax.plot(steps, history[key], label=key, lw=1.2)
    ax.set_xlabel("step")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")
    return ax


def gif_bytes(frames, seconds_per_frame: float = 0.4) -> bytes:
    """uint8 frames (each H x W or H x W x 3) as a looping GIF, in memory (for ``IPython.display.Image``)."""
    import io

    from PIL import Image

    if len(frames) == 0:
        raise ValueError("Expected at least one frame for the GIF, got none.")
    images = [Image.fromarray(np.asarray(frame, dtype=np.uint8)) for frame in frames]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(seconds_per_frame * 1000), loop=0)
    return buffer.getvalue()


def save_gif(frames, path, seconds_per_frame: float = 0.4) -> Path | None:
    """Write uint8 frames as a looping GIF, atomically; returns the path, or None (after one
    warning that says why and what to do) when the folder cannot be written."""
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"Expected a path ending in .gif, got {path}.")
    data = gif_bytes(frames, seconds_per_frame)
    written = write_or_warn(path, lambda temporary: temporary.write_bytes(data), "the training GIF",
                            needed=len(data), consequence="It is shown below all the same.")
    return path if written else None


def plot_points(samples, real=None, ax=None, title: str | None = None, limit: float = 3.0):
    """Scatter 2-D generated samples (and real ones, faint, when given); returns the axes."""
    import matplotlib.pyplot as plt

    samples = np.asarray(samples)
    if samples.ndim != 2 or samples.shape[1] != 2:
        raise ValueError(f"Expected 2-D points of shape (N, 2), got {samples.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5, 3.5))
    if real is not None:
        ax.scatter(*np.asarray(real)[:, :2].T, s=2, c="lightgrey", label="real")
    ax.scatter(*samples.T, s=2, c="tab:red", label="generated")
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), aspect="equal")
    if title:
        ax.set_title(title)
    return ax


def plot_decision_surface(discriminator, ax, limit: float = 3.0, resolution: int = 100):
    """Shade a 2-D plane by D's output sigma(l(x)): what the discriminator believes is real."""
    import keras

    axis = np.linspace(-limit, limit, resolution, dtype=np.float32)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)  # (resolution^2, 2)
    belief = keras.ops.convert_to_numpy(keras.ops.sigmoid(discriminator(grid, training=False)))
    image = ax.imshow(belief.reshape(resolution, resolution), extent=(-limit, limit, -limit, limit),
                      origin="lower", cmap="RdBu_r", vmin=0, vmax=1, alpha=0.6)
    return image
