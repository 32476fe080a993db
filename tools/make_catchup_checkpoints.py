"""Train the catch-up generators of notebooks 03 and 04 (workshop_utils/catchup/).

    WORKSHOP_DATA_DIR=folder/with/mnist.npz python tools/make_catchup_checkpoints.py
    python tools/make_catchup_checkpoints.py faces   # only notebook 04's (no MNIST needed)

Each is trained with its notebook's ``fast`` teaching parameters, read from the notebook's
``runtime.scaled(...)`` cell (so they cannot drift), and saved with
``callbacks.EpochCheckpoint``: the same format and loader as a learner's own checkpoint.
Only the generator is kept (a few MB), since catching up means drawing. The script prints
what each scores; copy those lines into workshop_utils/catchup/README.md.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from workshop_utils import (callbacks, cartoon_faces, catchup, datasets, face_models, mnist, models, sampling,
    scorers)  # noqa: E402
from notebook_settings import teaching_parameters  # noqa: E402


def fast_parameters(prefix: str) -> dict:
    """The ``fast`` values of notebook ``prefix``'s teaching parameters."""
    return teaching_parameters(prefix, "fast")


def save_generator(generator, name: str, epoch: int) -> Path:
    folder = catchup.FOLDER / name
    shutil.rmtree(folder, ignore_errors=True)
    saver = callbacks.EpochCheckpoint(folder, keep=1, verbose=False)
    saver.set_model(generator)
    saver.on_epoch_end(epoch - 1)
    path = saver.checkpoints()[-1][1]
    print(f"  saved {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB)")
    return path


def dcgan(seed: int = 0):
    p = fast_parameters("03")
    digits = mnist.load_mnist("offline")
    train = digits.x_train[: p["max_train_images"]]
    keras.utils.set_random_seed(seed)
    gan = models.R1GAN(models.build_generator(p["latent_dim"]), models.build_discriminator(), r1_gamma=p["r1_gamma"],
                       average_decay=p["average_decay"])
    gan.compile(d_optimizer=keras.optimizers.Adam(p["learning_rate"], beta_1=p["beta_1"]),
                g_optimizer=keras.optimizers.Adam(p["learning_rate"], beta_1=p["beta_1"]))
    began = time.perf_counter()
    gan.fit(datasets.image_dataset(train, batch_size=p["batch_size"]).repeat(), epochs=1,
            steps_per_epoch=p["train_steps"], verbose=0, callbacks=[callbacks.StopOnNaN()])
    print(f"03: {p['train_steps']:,} steps on {len(train):,} real digits in {time.perf_counter() - began:.0f} s")
    scorer = scorers.digit_scorer(digits.x_train, digits.y_train, verbose=False)
    real = datasets.to_unit_range(digits.x_test[: p["eval_samples"]])
    score = scorer.score(sampling.generate_images(gan, p["eval_samples"], seed=1), real)
    print(f"  FD {score['fd']:.2f}, confidence {score['confidence']:.3f}, coverage {score['coverage']:.2f}")
    save_generator(gan.generator_average, "03_generator", 1)  # the generator the notebook draws from


def faces(seed: int = 0):
    p = fast_parameters("04")
    data = cartoon_faces.load_faces(p["images"], verbose=False)
    train, held = data.split(p["held_out"])
    keras.utils.set_random_seed(seed)
    generator = face_models.build_face_generator(p["latent_dim"], len(data.names), widths=tuple(p["g_widths"]))
    discriminator = face_models.build_face_discriminator(len(data.names), widths=tuple(p["d_widths"]))
    gan = face_models.VACGAN(generator, discriminator, class_weight=p["class_weight"], d_steps=p["d_steps"],
                             average_decay=p["average_decay"])
    steps = p["epochs"] * p["steps_per_epoch"]
    d_rate, g_rate = p["d_learning_rate"], p["g_learning_rate"]
    if p["late_decay"]:  # as the notebook
        d_rate = face_models.late_decay(d_rate, steps * p["d_steps"])  # D's only
    gan.compile(d_optimizer=keras.optimizers.Adam(d_rate, beta_1=p["beta_1"], beta_2=0.9),
                g_optimizer=keras.optimizers.Adam(g_rate, beta_1=p["beta_1"], beta_2=0.9),
                jit_compile=p["jit_compile"])  # XLA, as the notebook
    began = time.perf_counter()
    history = gan.fit(datasets.attribute_dataset(train.images, train.attributes, p["batch_size"]).repeat(),
                      epochs=p["epochs"], steps_per_epoch=p["steps_per_epoch"], verbose=0,
                      callbacks=[callbacks.StopOnNaN()])
    print(f"04: {steps:,} steps on {len(train):,} procedural faces in {time.perf_counter() - began:.0f} s")
    print("  last epoch's means: " + ", ".join(f"{name} {values[-1]:.3f}" for name, values in history.history.items()))
    scorer = scorers.attribute_scorer(*cartoon_faces.procedural_faces(10_000, seed=3), data.names,
                                      epochs=p["scorer_epochs"], verbose=False)
    fakes = sampling.generate_images(gan, len(held), held.attributes, seed=1)
    real_features, _ = scorer.features_and_logits(datasets.to_unit_range(held.images))
    print(f"  attribute control (independent classifier): {scorer.accuracy(fakes, held.attributes)['mean']:.3f}, "
          f"realism FD {scorer.realism(fakes, real_features):.0f}, background spread (median) "
          f"{np.median(cartoon_faces.background_spread(fakes)):.1f} levels "
          f"(real: {np.median(cartoon_faces.background_spread(datasets.to_unit_range(held.images))):.1f})")
    save_generator(gan.generator_average, "04_generator_procedural", p["epochs"])  # the generator the notebook draws from


if __name__ == "__main__":
    makers = {"dcgan": dcgan, "faces": faces}
    chosen = sys.argv[1:] or list(makers)
    unknown = sorted(set(chosen) - set(makers))
    if unknown:
        raise SystemExit(f"Unknown catch-up generator(s) {unknown}; choose from {sorted(makers)} (none: both).")
    print(f"keras {keras.__version__}, numpy {np.__version__}")
    for name in chosen:
        makers[name]()
