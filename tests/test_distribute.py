"""The train steps under tf.distribute: a few steps under MirroredStrategy over two logical CPU
devices end where the same steps on one device end (same seed, same global batch), for the
DCGAN and the VAC-GAN; weights saved under the strategy load on one device. Each check runs
tests/distributed_training.py in a fresh process (logical devices must exist before
TensorFlow starts)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "distributed_training.py"
# float32 sums in another order (1e-7 after each step), and now and then a ReLU whose input lies
# within that rounding of 0 (most likely) takes the other branch on one side: notebook 04's modulated
# generator measured 1.2e-7 after two steps and 6.6e-5 after three. A wrong loss scale moves
# weights by ~1e-2 here.
TOLERANCE = 2e-4


def run(*arguments):
    result = subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("model", ["dcgan", "vacgan"])
def test_two_replicas_train_as_one_device_does(model):
    figures = run(model)
    assert figures["replicas"] == 2
    assert figures["moved"] > 1e-2, "training barely moved the weights: the comparison would prove nothing"
    assert figures["apart"] < TOLERANCE, figures
    assert figures["metrics_apart"] < 1e-4, figures  # the progress bar's losses, aggregated over replicas
    assert figures["round_trip"] == 0.0  # saved under the strategy, loaded on one device, and back
    assert figures["jit_compile"] is False  # XLA asked for, left off under tf.distribute (as Keras's "auto")


def test_without_the_loss_share_two_replicas_drift_apart():
    """The check can fail: summing two replicas' full-batch gradients doubles every SGD step."""
    assert run("dcgan", "--without-share")["apart"] > 1e-3


@pytest.fixture
def mixed_precision():
    import keras

    keras.config.set_dtype_policy("mixed_float16")
    yield
    keras.config.set_dtype_policy("float32")


def test_mixed_precision_trains_with_finite_losses_float32_outputs_and_loss_scaling(mixed_precision):
    """Under mixed_float16 (full mode on a GPU; here forced on the CPU): float16 maths inside,
    float32 variables and outputs, both players' optimizers scale the loss, the R1 slope and
    every loss stay finite."""
    import keras
    import numpy as np
    import tensorflow as tf

    from workshop_utils import cartoon_faces, datasets, face_models, models

    keras.utils.set_random_seed(0)
    gan = models.R1GAN(models.build_generator(16), models.build_discriminator(), r1_gamma=1.0)
    gan.compile(keras.optimizers.Adam(5e-4), keras.optimizers.Adam(5e-4))
    digits = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    history = gan.fit(tf.data.Dataset.from_tensor_slices(digits).batch(16), epochs=1, verbose=0).history
    faces = cartoon_faces.load_faces(32, verbose=False)
    vac = face_models.VACGAN(face_models.build_face_generator(16, 8, (16, 8, 8, 8)),
                             face_models.build_face_discriminator(8, (8, 8, 8, 8)))
    vac.compile(keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4))
    history.update(vac.fit(datasets.attribute_dataset(faces.images, faces.attributes, 8), epochs=1, verbose=0).history)
    assert all(np.isfinite(values[-1]) for values in history.values()), history
    for model in (gan, vac):
        assert isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
        assert isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
        assert {w.dtype for w in model.generator.trainable_weights} == {"float32"}
    assert gan.generator.layers[1].compute_dtype == "float16"
    outputs = [gan.generator(np.zeros((2, 16), "float32")), gan.discriminator(digits[:2]),
               *vac.discriminator(np.zeros((2, 64, 64, 3), "float32"))]
    assert {keras.backend.standardize_dtype(out.dtype) for out in outputs} == {"float32"}
    assert float(gan.penalty(tf.constant(digits[:8]), None)) >= 0  # the R1 slope: finite


def test_a_players_update_says_what_is_wrong_with_a_float16_or_unreduced_loss():
    """A blank filled in without ops.mean, or a last layer left in float16 under mixed
    precision: one ValueError that says what to change (not a dtype error deep in TensorFlow)."""
    import keras
    import pytest
    import tensorflow as tf

    from workshop_utils import face_models

    gan = face_models.VACGAN(face_models.build_face_generator(8, 3, widths=(8, 8, 8, 8)),
                             face_models.build_face_discriminator(3, widths=(8, 8, 8, 8)))
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    weight = gan.discriminator.trainable_weights[0]
    with tf.GradientTape() as tape:
        per_sample = tf.reduce_sum(weight) * tf.ones((4,))
    with pytest.raises(ValueError, match="must be one number"):
        gan.update(gan.d_optimizer, tape, per_sample, gan.discriminator)
    with tf.GradientTape() as tape:
        half = tf.cast(tf.reduce_sum(weight), "float16")
    with pytest.raises(ValueError, match='dtype="float32"'):
        gan.update(gan.d_optimizer, tape, half, gan.discriminator)
