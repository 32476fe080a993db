"""MNIST digits: real ones from an offline file or a download, and a procedural stand-in.

MNIST comes from, in order: the offline folder ``WORKSHOP_DATA_DIR`` (keras' ``mnist.npz``
layout), then ``keras.datasets.mnist`` (a download, cached by Keras). ``procedural_digits``
draws digit-like strokes for smoke runs and tests; a notebook that uses it says so.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import runtime
from .checks import DIGIT_SIZE, is_count
from .datasets import DataUnavailableError
from .downloads import Abandoned, bounded

MNIST_FILE = "mnist.npz"
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")


@dataclass
class Digits:
    """Digit images (uint8, N x 28 x 28, 0 = background) with labels 0-9, and where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    @property
    def is_standin(self) -> bool:
        return self.source.startswith("procedural")

    def __repr__(self) -> str:
        return (
            f"Digits(train={self.x_train.shape}, test={self.x_test.shape}, "
            f"source={self.source!r})"
        )


def read_mnist_npz(path: str | os.PathLike) -> Digits:
    """Read and verify an ``mnist.npz`` in keras' layout; a bad file raises a ValueError saying why."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            names = archive.files
            arrays = {key: archive[key] for key in MNIST_KEYS if key in names}
    except Exception as error:  # not a zip, truncated, corrupt member, ...
        raise ValueError(
            f"{path} is not a readable .npz file ({type(error).__name__}: {error}). "
            "Delete it and place a fresh copy."
        ) from error
    missing = [key for key in MNIST_KEYS if key not in arrays]
    if missing:
        raise ValueError(f"{path} lacks the arrays {missing}; keras' mnist.npz has {list(MNIST_KEYS)}.")
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[1:] != (DIGIT_SIZE, DIGIT_SIZE) or images.dtype != np.uint8:
            raise ValueError(
                f"{path}: x_{split} should be uint8 of shape (N, 28, 28), "
                f"got {images.dtype} {images.shape}."
            )
        if labels.shape != (images.shape[0],) or labels.size and not 0 <= labels.min() <= labels.max() <= 9:
            raise ValueError(f"{path}: y_{split} should hold one label 0-9 per image.")
    return Digits(**arrays, source=f"offline file {path}")


def load_mnist(source: str = "auto", verbose: bool = True) -> Digits:
    """Real MNIST digits: from the offline folder, else a Keras download.

    ``source`` is ``"auto"`` (offline folder, then download), ``"offline"``, ``"keras"``
    or ``"procedural"`` (the generated stand-in, no network). When no source works the
    error lists what was tried and how to place the file by hand.
    """
    sources = ("auto", "offline", "keras", "procedural")
    if source not in sources:
        raise ValueError(f"source must be one of {sources}, got {source!r}.")
    if source == "procedural":
        digits = procedural_standin()
        if verbose:
            print(f"Using the PROCEDURAL stand-in digits (not real MNIST): {digits}")
        return digits

    tried = []
    folder = runtime.data_dir()
    if source in ("auto", "offline"):
        if folder is None:
            tried.append(f"offline folder: {runtime.DATA_DIR_ENV_VAR} is not set")
        elif not (folder / MNIST_FILE).is_file():
            tried.append(f"offline folder: no {MNIST_FILE} in {folder}")
        else:
            try:
                digits = read_mnist_npz(folder / MNIST_FILE)
            except ValueError as error:
                tried.append(f"offline folder: {error}")
            else:
                if verbose:
                    print(f"Loaded real MNIST from the offline folder: {digits}")
                return digits
        if verbose and tried:
            print("  - " + tried[-1])
    if source in ("auto", "keras"):
        try:
            import keras

            with bounded("keras.datasets.mnist download"):  # urllib: no time-out of its own
                (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        except Abandoned as error:
            tried.append(str(error))
            if verbose:
                print("  - " + tried[-1])
        except Exception as error:  # Keras wraps urllib errors in a bare Exception
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            tried.append(f"keras.datasets.mnist download: {first_line}")
            if verbose:
                print("  - " + tried[-1])
        else:
            digits = Digits(x_train, y_train, x_test, y_test, source="keras.datasets.mnist")
            if verbose:
                print(f"Loaded real MNIST with keras.datasets.mnist: {digits}")
            return digits
    raise DataUnavailableError(
        "Could not load MNIST. Tried:\n  - "
        + "\n  - ".join(tried)
        + f"\nWhat to do: download mnist.npz (keras' layout, e.g. from a machine with internet: "
        f"python -c \"import keras; keras.datasets.mnist.load_data()\" then copy "
        f"~/.keras/datasets/mnist.npz), put it in a folder and set {runtime.DATA_DIR_ENV_VAR} to that "
        f"folder. Or set WORKSHOP_MODE=smoke to run on the procedural stand-in digits."
    )


# --- Procedural digits ---------------------------------------------------------------
# Each digit is a few strokes in a unit square (x right, y down), drawn with random pen
# width, rotation, shear, scale and position, then anti-aliased down to 28 x 28.


def _arc(cx, cy, rx, ry, start_deg, end_deg, points=14):
    angles = np.radians(np.linspace(start_deg, end_deg, points))
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles)))


_DIGIT_STROKES = {
    0: [_arc(0.5, 0.5, 0.26, 0.37, 0, 360, 24)],
    1: [[(0.38, 0.26), (0.54, 0.12), (0.54, 0.88)]],
    2: [_arc(0.5, 0.33, 0.25, 0.2, 190, 380) + [(0.26, 0.86), (0.78, 0.86)]],
    3: [_arc(0.48, 0.31, 0.24, 0.18, 200, 450), _arc(0.48, 0.67, 0.27, 0.2, 270, 520)],
    4: [[(0.64, 0.88), (0.64, 0.12), (0.22, 0.64), (0.8, 0.64)]],
    5: [[(0.74, 0.13), (0.33, 0.13), (0.3, 0.45)] + _arc(0.47, 0.64, 0.27, 0.22, 240, 500)],
    6: [[(0.68, 0.12)] + _arc(0.5, 0.66, 0.24, 0.22, 200, 560)],
    7: [[(0.22, 0.14), (0.78, 0.14), (0.42, 0.88)]],
    8: [_arc(0.5, 0.3, 0.2, 0.18, 90, 450), _arc(0.5, 0.68, 0.25, 0.2, -90, 270)],
    9: [_arc(0.5, 0.34, 0.23, 0.21, 0, 360, 20), [(0.73, 0.34), (0.66, 0.88)]],
}


def procedural_digits(count: int, seed: int = 0, size: int = DIGIT_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """``count`` digit-like images (uint8, count x size x size) with balanced labels 0-9.

    Deterministic for a given seed. Not MNIST: a stand-in that needs no network.
    """
    from PIL import Image, ImageDraw

    if not is_count(count) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}.")
    if not isinstance(size, int) or size < 8:
        raise ValueError(f"size must be an int of at least 8 pixels, got {size!r}.")
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    rng.shuffle(labels)
    zoom = 4  # draw big, then shrink: cheap anti-aliasing
    canvas = size * zoom
    images = np.empty((count, size, size), dtype=np.uint8)
    for index, label in enumerate(labels):
        angle = rng.uniform(-0.22, 0.22)
        shear = rng.uniform(-0.25, 0.25)
        scale = rng.uniform(0.62, 0.78) * np.array([rng.uniform(0.8, 1.1), 1.0])
        shift = 0.5 + rng.uniform(-0.05, 0.05, size=2)
        rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        transform = rotation @ np.array([[1.0, shear], [0.0, 1.0]]) * scale
        pen = int(rng.uniform(1.6, 3.0) * zoom)
        image = Image.new("L", (canvas, canvas), 0)
        draw = ImageDraw.Draw(image)
        for stroke in _DIGIT_STROKES[int(label)]:
            points = np.asarray(stroke) + rng.normal(0, 0.015, size=(len(stroke), 2))
            points = (points - 0.5) @ transform.T + shift
            draw.line([tuple(p) for p in points * canvas], fill=255, width=pen, joint="curve")
            for end in (points[0], points[-1]):  # round the stroke ends
                x, y = end * canvas
                draw.ellipse([x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2], fill=255)
        images[index] = np.asarray(image.resize((size, size), Image.Resampling.BOX))
    return images, labels.astype(np.uint8)


def procedural_standin(train: int = 2000, test: int = 500, seed: int = 0) -> Digits:
    """A small offline stand-in for MNIST, in the same layout as :func:`load_mnist` returns."""
    x_train, y_train = procedural_digits(train, seed=seed)
    x_test, y_test = procedural_digits(test, seed=seed + 1)
    return Digits(x_train, y_train, x_test, y_test, source="procedural stand-in")
