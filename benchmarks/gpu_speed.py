"""Steps per second of notebooks 03 and 04's `full`-mode models: float32 against mixed precision,
with and without XLA, on one device against all devices.

    python benchmarks/gpu_speed.py --seconds 30             # every combination, both models
    python benchmarks/gpu_speed.py --models faces --seconds 60

Synthetic batches (the speed of a train step does not depend on what the pixels show), the
notebooks' full-mode widths and batch sizes per device; warm-up steps (tracing, XLA
compilation) are not timed. Mixed precision is only worth measuring on a GPU with float16
units (a T4 has them); on a CPU it is slower and the script says so. Run it wherever a GPU is
lent and copy the table into the README, naming the GPU.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from workshop_utils import face_models, models  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_settings import teaching_parameters  # noqa: E402  (the notebooks' own settings)

# notebook 03 and 04's full-mode settings, read from the notebooks
_DIGITS, _FACES = teaching_parameters("03", "full"), teaching_parameters("04", "full")
DCGAN = {name: _DIGITS[name] for name in ("latent_dim", "batch_size", "learning_rate", "beta_1", "r1_gamma")}
FACES = {name: _FACES[name] for name in ("latent_dim", "batch_size", "g_widths", "d_widths", "d_learning_rate",
                                         "g_learning_rate", "beta_1")}
FACES["num_attributes"] = 40  # CelebA's, as full mode trains on


def build(name):
    if name == "dcgan":
        gan = models.R1GAN(models.build_generator(DCGAN["latent_dim"]), models.build_discriminator(),
                           r1_gamma=DCGAN["r1_gamma"])
        gan.compile(keras.optimizers.Adam(DCGAN["learning_rate"], beta_1=DCGAN["beta_1"]),
                    keras.optimizers.Adam(DCGAN["learning_rate"], beta_1=DCGAN["beta_1"]))
        return gan, DCGAN["batch_size"], lambda n: (np.random.default_rng(0).uniform(-1, 1, (n, 28, 28, 1)),)
    generator = face_models.build_face_generator(FACES["latent_dim"], FACES["num_attributes"], FACES["g_widths"])
    discriminator = face_models.build_face_discriminator(FACES["num_attributes"], FACES["d_widths"])
    gan = face_models.VACGAN(generator, discriminator)
    gan.compile(keras.optimizers.Adam(FACES["d_learning_rate"], beta_1=FACES["beta_1"], beta_2=0.9),
                keras.optimizers.Adam(FACES["g_learning_rate"], beta_1=FACES["beta_1"], beta_2=0.9))
    rng = np.random.default_rng(0)
    return gan, FACES["batch_size"], lambda n: (rng.uniform(-1, 1, (n, 64, 64, 3)),
                                                rng.integers(0, 2, (n, FACES["num_attributes"])))


def steps_per_second(name, precision, xla, strategy, seconds, warmup=20):
    keras.config.set_dtype_policy(precision)
    keras.utils.set_random_seed(0)
    with strategy.scope():
        gan, per_device, arrays = build(name)
    gan.jit_compile = xla
    batch = per_device * strategy.num_replicas_in_sync
    tensors = tuple(a.astype("float32") for a in arrays(batch * 8))
    data = tf.data.Dataset.from_tensor_slices(tensors if len(tensors) > 1 else tensors[0]).repeat().batch(batch)
    data = data.prefetch(tf.data.AUTOTUNE)

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, step, logs=None):
            if step == warmup:
                self.started = time.perf_counter()
            if step > warmup and time.perf_counter() - self.started >= seconds:
                self.steps, self.model.stop_training = step - warmup, True

    clock = Clock()
    gan.fit(data, epochs=1, steps_per_epoch=10**8, verbose=0, callbacks=[clock])
    keras.config.set_dtype_policy("float32")
    return clock.steps / (time.perf_counter() - clock.started), batch


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="dcgan,faces")
    parser.add_argument("--seconds", type=float, default=30, help="timed seconds per combination")
    args = parser.parse_args()
    gpus = tf.config.list_logical_devices("GPU")
    devices = [device.name for device in gpus] or ["/cpu:0"]
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; devices: {', '.join(devices)}")
    if not gpus:
        print("No GPU: figures are for this CPU; mixed precision is slower on a CPU (no float16 units).")
    strategies = {"one device": tf.distribute.get_strategy()}
    if len(gpus) > 1:
        strategies[f"{len(gpus)} GPUs"] = tf.distribute.MirroredStrategy(devices)
    print("\n| model | devices | precision | XLA | global batch | steps/s | images/s |")
    print("|---|---|---|---|---|---|---|")
    for name in args.models.split(","):
        for label, strategy in strategies.items():
            for precision in ("float32", "mixed_float16"):
                for xla in (False, True):
                    rate, batch = steps_per_second(name, precision, xla, strategy, args.seconds)
                    print(f"| {name} | {label} | {precision} | {'on' if xla else 'off'} | {batch} | "
                          f"{rate:.1f} | {rate * batch:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
