"""Does ``fit()`` on notebook 04's face pipeline end when its last step does?

With tf.data's autotuning on, a ``fit()`` that trained for more than about 13 s now and then
went on waiting at its end until tf.data's tuning thread woke (totals of 20.5 s where 13.7 s
trained, 2-core CPU, 2026-12-07). The course's pipelines (``datasets.finish``) now turn it
off. This script times several short ``fit()`` calls of a tiny model on notebook 04's face
pipeline and notebook 03's digit pipeline, as the course builds them and with
``autotune=True``, each step slowed by a sleep so every run trains for the same seconds:

    python benchmarks/pipeline_stall.py --fits 10 --steps 30 --sleep 0.45

Each line prints every fit's wall-clock seconds; the trained seconds are ``steps * sleep`` plus
a little. A figure far above them is time spent waiting, not training.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from workshop_utils import cartoon_faces, datasets  # noqa: E402


class Sleep(keras.callbacks.Callback):
    """Stands in for a real model's step time, so the runs differ only in their pipeline."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(self.seconds)


def tiny_model(shape):
    image = keras.Input(shape)
    model = keras.Model(image, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling2D()(image)))
    model.compile("adam", "mse")
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=10, help="fit() calls per pipeline")
    parser.add_argument("--steps", type=int, default=30, help="steps per fit()")
    parser.add_argument("--sleep", type=float, default=0.45, help="seconds added to every step")
    args = parser.parse_args()

    images, attributes = cartoon_faces.procedural_faces(2_000, seed=1)
    digits = np.random.default_rng(0).integers(0, 256, (8_000, 28, 28), dtype=np.uint8)  # noise will do: only time counts
    pipelines = {}
    for autotune in (False, True):
        how = "autotune on" if autotune else "as the course builds it"
        pipelines[f"faces, {how}"] = (
            datasets.attribute_dataset(images, attributes, 64, autotune=autotune).map(lambda x, y: (x, y[:, :1])),
            (64, 64, 3))
        pipelines[f"digits, {how}"] = (
            datasets.image_dataset(digits, np.zeros(len(digits), int), 64, autotune=autotune), (28, 28, 1))
    print(f"{args.fits} fits of {args.steps} steps, {args.sleep} s a step: about "
          f"{args.steps * args.sleep:.1f} s of training each")
    for name, (pipeline, shape) in pipelines.items():
        model, data = tiny_model(shape), pipeline.repeat()
        seconds = []
        for _ in range(args.fits):
            began = time.perf_counter()
            model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0, callbacks=[Sleep(args.sleep)])
            seconds.append(time.perf_counter() - began)
        slow = sum(s > args.steps * args.sleep + 3 for s in seconds)
        print(f"{name:32s} " + " ".join(f"{s:5.1f}" for s in seconds) + f"  ({slow} of {args.fits} waited 3 s or more)")

if __name__ == "__main__":
    main()
