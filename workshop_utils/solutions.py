"""Reference solutions to the notebooks' exercises, for the catch-up cells.

Each function is what an instructor would live-code; a learner who fell behind runs the
catch-up cell, which calls it, and carries on with the rest of the notebook.
"""

from __future__ import annotations

import keras
from keras import layers


# @save
def improved_digit_classifier():
    """Notebook 01's exercise: a better MNIST classifier than the starting one.

    Changes, each a standard lever: "same" padding (the borders count too), twice the
    filters, a hidden dense layer, and dropout before it (less over-fitting). Measured on
    20,000 digits for 2 epochs: 0.977 test accuracy against the first model's 0.960.
    No batch normalisation: it is a lever too, but this exercise keeps to the ones this
    notebook has shown.
    """
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),  # (B, 14, 14, 32)
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),  # (B, 7, 7, 64)
            layers.Flatten(),  # (B, 3136)
            layers.Dropout(0.3),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="improved_classifier",
    )
