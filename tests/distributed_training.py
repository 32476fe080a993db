"""Train notebook 03's DCGAN or notebook 04's VAC-GAN a few steps on one device and under
MirroredStrategy over two logical CPU devices, and print how far their weights end apart.

    python tests/distributed_training.py dcgan|vacgan [--without-share]

Run by tests/test_distribute.py in a fresh process: logical devices must be set up before
TensorFlow starts. SGD, not Adam: Adam hardly notices a loss scaled by the wrong factor.
``--without-share`` leaves out ``replicas.share``, to show the check can fail.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402

from workshop_utils import cartoon_faces, datasets, face_models, models, replicas  # noqa: E402

GLOBAL_BATCH, STEPS = 16, 3


def build(which, jit_compile="auto"):
    keras.utils.set_random_seed(0)
    if which == "dcgan":
        gan = models.R1GAN(models.build_generator(16), models.build_discriminator(), r1_gamma=1.0, average_decay=0.5)
    else:
        gan = face_models.VACGAN(face_models.build_face_generator(16, 8, (16, 8, 8, 8)),
                                 face_models.build_face_discriminator(8, (8, 8, 8, 8)), average_decay=0.5)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.SGD(0.05), jit_compile=jit_compile)
    return gan


def data(which):
    if which == "dcgan":
        images = np.random.default_rng(0).uniform(-1, 1, (GLOBAL_BATCH * STEPS, 28, 28, 1)).astype("float32")
        return tf.data.Dataset.from_tensor_slices(images).batch(GLOBAL_BATCH)
    faces = cartoon_faces.load_faces(GLOBAL_BATCH * STEPS, verbose=False)
    pairs = (datasets.to_unit_range(faces.images), faces.attributes.astype("float32"))
    return tf.data.Dataset.from_tensor_slices(pairs).batch(GLOBAL_BATCH)


def weights(gan):
    return [w.numpy() for w in gan.generator.weights + gan.discriminator.weights + gan.generator_average.weights]


def main(which, without_share):
    if without_share:
        replicas.share = lambda loss: loss
    one = build(which)
    logs_one = one.fit(data(which), epochs=1, steps_per_epoch=STEPS, verbose=0).history
    # On CPUs, collective all-reduce misorders the R1 step's reductions; NCCL (GPUs) and this do not.
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"], cross_device_ops=tf.distribute.ReductionToOneDevice())
    with strategy.scope():
        two = build(which, jit_compile=True)  # as notebook 04's fast mode asks: dropped on several devices
    logs_two = two.fit(data(which), epochs=1, steps_per_epoch=STEPS, verbose=0).history
    moved = max(float(np.abs(a - b).max()) for a, b in zip(weights(one), weights(build(which))))
    apart = max(float(np.abs(a - b).max()) for a, b in zip(weights(one), weights(two)))
    metrics_apart = max(abs(logs_one[name][-1] - logs_two[name][-1]) for name in logs_one)  # losses, D(x), ...
    with tempfile.TemporaryDirectory() as folder:  # saved under the strategy, restored on one device, and back
        two.save_weights(Path(folder) / "two.weights.h5")
        on_one = build(which)
        on_one.load_weights(Path(folder) / "two.weights.h5")
        one.save_weights(Path(folder) / "one.weights.h5")
        with strategy.scope():
            on_two = build(which)
        on_two.load_weights(Path(folder) / "one.weights.h5")
        round_trip = max(max(float(np.abs(a - b).max()) for a, b in zip(weights(two), weights(on_one))),
                         max(float(np.abs(a - b).max()) for a, b in zip(weights(one), weights(on_two))))
    print(json.dumps({"replicas": strategy.num_replicas_in_sync, "moved": moved, "apart": apart,
                      "metrics_apart": metrics_apart, "round_trip": round_trip,
                      "jit_compile": two.jit_compile}))


if __name__ == "__main__":
    main(sys.argv[1], "--without-share" in sys.argv)
