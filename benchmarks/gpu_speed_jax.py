"""Steps per second of notebooks 03 and 04's `full`-mode train steps on a GPU that has no
TensorFlow: the same Keras 3 layers, run by Keras's JAX backend.

    KERAS_BACKEND=jax python benchmarks/gpu_speed_jax.py --seconds 10
    KERAS_BACKEND=jax python benchmarks/gpu_speed_jax.py --models faces --widths fast

Why it exists: the GPU machines lent to the course's maintainers carry JAX and PyTorch but
no TensorFlow, and TensorFlow's GPU wheels (about 2 GB with their CUDA libraries) cannot be
brought to them. `benchmarks/gpu_speed.py` (TensorFlow, `fit`) is the one to run on Colab;
this script measures what a GPU makes of the same networks meanwhile. The generator and
discriminator are the package's own builders (``face_models``, ``models``); the train step is
the notebooks' written for JAX (``jax.value_and_grad`` and Keras's ``stateless_call``, one
``jax.jit`` for the whole step): for the faces, D's hinge + attribute loss, then G's, then G's weight
average, with notebook 04's `full` learning rates (the average was added on 2026-11-28; the README's
figures of 2026-11-27 were timed without it); for the
digits, the non-saturating loss with the R1 penalty (a gradient of a gradient, as in
``models.R1GAN``). The figures are therefore a GPU's speed for the course's models, not
TensorFlow's: TensorFlow's ``fit`` adds its own overhead per step (most visible on small
models), so treat them as an upper bound for the notebooks, and time the notebooks
themselves (the rehearsal, `tools/rehearse.py`) wherever TensorFlow has a GPU.

Differences from the notebooks' steps, none of which changes the work a step does: the batch
is one fixed, device-resident array (no input pipeline), mixed precision runs without loss
scaling, and spectral normalisation's rewritten kernel is not kept between steps (JAX's
stateless calls return only non-trainable state; the power iteration's vector is kept).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
import types
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # so the peak memory read is the models' own
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

STUB = importlib.util.find_spec("tensorflow") is None
if STUB:
    # The package's model modules import TensorFlow for their own train steps (tf.GradientTape,
    # tf.distribute), which this script replaces; the builders it uses need only Keras. A stand-in
    # module lets them import, and is removed again so that Keras still sees no TensorFlow.
    sys.modules["tensorflow"] = types.ModuleType("tensorflow")
from workshop_utils import face_models, losses, models, replicas  # noqa: E402

if STUB:
    del sys.modules["tensorflow"]

replicas.mean = lambda value: value  # one device: the batch statistic is this device's own


class OneDeviceBatchNormalization(keras.layers.BatchNormalization):
    """Batch normalisation without ``synchronized`` (TensorFlow-only; on one device it changes nothing)."""

    def __init__(self, synchronized=False, **kwargs):
        super().__init__(**kwargs)


keras.layers.BatchNormalization = OneDeviceBatchNormalization  # the builders look it up when called

# The notebooks' settings per mode, read from notebook 03's and 04's parameters cells.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_settings import teaching_parameters  # noqa: E402

_FACES = {mode: teaching_parameters("04", mode) for mode in ("full", "fast")}
_DIGITS = teaching_parameters("03", "full")
FACE_WIDTHS = {mode: (tuple(p["g_widths"]), tuple(p["d_widths"])) for mode, p in _FACES.items()}
FACE_BATCH = _FACES["full"]["batch_size"]
FACE_LATENT = _FACES["full"]["latent_dim"]
FACE_ATTRIBUTES = 40  # CelebA's
DIGIT_BATCH = _DIGITS["batch_size"]
DIGIT_LATENT = _DIGITS["latent_dim"]
DIGIT_R1 = _DIGITS["r1_gamma"]


def _state(model):
    return [v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables]


def faces_step(widths, learning_rate=2e-4, beta_1=0.0, class_weight=1.0, average_decay=None,
               latent_dim=FACE_LATENT, num_attributes=FACE_ATTRIBUTES, d_steps=1):
    """A jitted VAC-GAN step (notebook 04's ``VACGAN.train_step``), its initial state and G.

    ``learning_rate``: one rate, or (D's, G's). With ``average_decay``, the state's last item is G's
    weight average (trainable, then the rest), updated after G's step as
    ``TwoPlayers.update_average``: ``a <- d a + (1 - d) w``, ``d = min(average_decay, (1 + t) / (10 + t))``
    after G's t-th step.
    """
    g_widths, d_widths = widths
    d_rate, g_rate = learning_rate if isinstance(learning_rate, (tuple, list)) else (learning_rate, learning_rate)
    generator = face_models.build_face_generator(latent_dim, num_attributes, g_widths)
    discriminator = face_models.build_face_discriminator(num_attributes, d_widths)
    d_opt = keras.optimizers.Adam(d_rate, beta_1=beta_1, beta_2=0.9)
    g_opt = keras.optimizers.Adam(g_rate, beta_1=beta_1, beta_2=0.9)
    d_opt.build(discriminator.trainable_variables)
    g_opt.build(generator.trainable_variables)

    def d_loss(d_train, d_rest, g_train, g_rest, real, attributes, z):
        fake, g_rest = generator.stateless_call(g_train, g_rest, [z, attributes], training=True)
        (real_logit, real_attr), d_rest = discriminator.stateless_call(d_train, d_rest, real, training=True)
        (fake_logit, _), d_rest = discriminator.stateless_call(d_train, d_rest, fake, training=True)
        loss = (losses.hinge_discriminator_loss(real_logit, fake_logit)
                + class_weight * losses.multilabel_bce(attributes, real_attr))
        return loss, (d_rest, g_rest)

    def g_loss(g_train, g_rest, d_train, d_rest, attributes, z):
        fake, g_rest = generator.stateless_call(g_train, g_rest, [z, attributes], training=True)
        (fake_logit, fake_attr), d_rest = discriminator.stateless_call(d_train, d_rest, fake, training=True)
        loss = losses.hinge_generator_loss(fake_logit) + class_weight * losses.multilabel_bce(attributes, fake_attr)
        return loss, (g_rest, d_rest)

    @jax.jit
    def step(state, real, attributes, key):
        d_train, d_rest, g_train, g_rest, d_slots, g_slots, g_steps, average = state
        keys = jax.random.split(key, d_steps + 1)
        for index in range(d_steps):
            z = jax.random.normal(keys[index], (real.shape[0], latent_dim))
            (loss_d, (d_rest, g_rest)), grads = jax.value_and_grad(d_loss, has_aux=True)(
                d_train, d_rest, g_train, g_rest, real, attributes, z)
            d_train, d_slots = d_opt.stateless_apply(d_slots, grads, d_train)
        z = jax.random.normal(keys[-1], (real.shape[0], latent_dim))
        (loss_g, (g_rest, d_rest)), grads = jax.value_and_grad(g_loss, has_aux=True)(
            g_train, g_rest, d_train, d_rest, attributes, z)
        g_train, g_slots = g_opt.stateless_apply(g_slots, grads, g_train)
        g_steps = g_steps + 1
        if average is not None:
            decay = jnp.minimum(average_decay, (1.0 + g_steps) / (10.0 + g_steps))
            average = jax.tree.map(lambda a, w: decay * a + (1.0 - decay) * w.astype(a.dtype), average, (g_train, g_rest))
        return (d_train, d_rest, g_train, g_rest, d_slots, g_slots, g_steps, average), loss_d + loss_g

    g_state = _state(generator)
    average = None if average_decay is None else jax.tree.map(jnp.array, g_state)  # a copy: starts at G
    state = (*_state(discriminator), *g_state, [v.value for v in d_opt.variables],
             [v.value for v in g_opt.variables], jnp.zeros((), "float32"), average)
    return step, state, generator


def digits_step(learning_rate=5e-4):
    """A jitted R1 GAN step (notebook 03's DCGAN) and its initial state."""
    generator = models.build_generator(DIGIT_LATENT)
    discriminator = models.build_discriminator()
    d_opt = keras.optimizers.Adam(learning_rate, beta_1=0.5)
    g_opt = keras.optimizers.Adam(learning_rate, beta_1=0.5)
    d_opt.build(discriminator.trainable_variables)
    g_opt.build(generator.trainable_variables)
    d_loss_fn, g_loss_fn = losses.get_gan_loss("non_saturating")

    def d_loss(d_train, d_rest, g_train, g_rest, real, z):
        fake, g_rest = generator.stateless_call(g_train, g_rest, z, training=True)
        real_logit, d_rest = discriminator.stateless_call(d_train, d_rest, real, training=True)
        fake_logit, d_rest = discriminator.stateless_call(d_train, d_rest, fake, training=True)

        def real_sum(images):
            return jnp.sum(discriminator.stateless_call(d_train, d_rest, images, training=True)[0])

        slopes = jax.grad(real_sum)(real)  # d l(x) / d x, as R1GAN.penalty
        penalty = 0.5 * DIGIT_R1 * jnp.sum(jnp.square(slopes)) / real.shape[0]
        return d_loss_fn(real_logit, fake_logit) + penalty, (d_rest, g_rest)

    def g_loss(g_train, g_rest, d_train, d_rest, z):
        fake, g_rest = generator.stateless_call(g_train, g_rest, z, training=True)
        fake_logit, d_rest = discriminator.stateless_call(d_train, d_rest, fake, training=True)
        return g_loss_fn(fake_logit), (g_rest, d_rest)

    @jax.jit
    def step(state, real, key):
        d_train, d_rest, g_train, g_rest, d_slots, g_slots = state
        key_d, key_g = jax.random.split(key)
        z = jax.random.normal(key_d, (real.shape[0], DIGIT_LATENT))
        (loss_d, (d_rest, g_rest)), grads = jax.value_and_grad(d_loss, has_aux=True)(
            d_train, d_rest, g_train, g_rest, real, z)
        d_train, d_slots = d_opt.stateless_apply(d_slots, grads, d_train)
        z = jax.random.normal(key_g, (real.shape[0], DIGIT_LATENT))
        (loss_g, (g_rest, d_rest)), grads = jax.value_and_grad(g_loss, has_aux=True)(g_train, g_rest, d_train, d_rest, z)
        g_train, g_slots = g_opt.stateless_apply(g_slots, grads, g_train)
        return (d_train, d_rest, g_train, g_rest, d_slots, g_slots), loss_d + loss_g

    batch = (jnp.asarray(np.random.default_rng(0).uniform(-1, 1, (DIGIT_BATCH, 28, 28, 1)), "float32"),)
    state = (*_state(discriminator), *_state(generator), [v.value for v in d_opt.variables],
             [v.value for v in g_opt.variables])
    return step, state, batch


def steps_per_second(name, precision, seconds, widths="full", warmup=10):
    """(steps a second, batch, compile seconds) of one model in one precision."""
    keras.config.set_dtype_policy(precision)
    keras.utils.set_random_seed(0)
    if name == "faces":  # notebook 04's full settings, weight average included
        full = _FACES["full"]
        step, state, _ = faces_step(FACE_WIDTHS[widths], (full["d_learning_rate"], full["g_learning_rate"]),
                                    full["beta_1"], full["class_weight"], full["average_decay"],
                                    d_steps=full["d_steps"])
        rng = np.random.default_rng(0)
        batch = (jnp.asarray(rng.uniform(-1, 1, (FACE_BATCH, 64, 64, 3)), "float32"),
                 jnp.asarray(rng.integers(0, 2, (FACE_BATCH, FACE_ATTRIBUTES)), "float32"))
    else:
        step, state, batch = digits_step()
    keras.config.set_dtype_policy("float32")
    key = jax.random.PRNGKey(0)
    began = time.perf_counter()
    for _ in range(warmup):  # the first call compiles
        key, sub = jax.random.split(key)
        state, loss = step(state, *batch, sub)
    loss.block_until_ready()
    compile_seconds = time.perf_counter() - began
    if not np.isfinite(float(loss)):
        raise FloatingPointError(f"{name} {precision}: the loss is {float(loss)} after {warmup} steps")
    steps, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        for _ in range(20):  # queue 20 steps, then wait: the host never starves the device
            key, sub = jax.random.split(key)
            state, loss = step(state, *batch, sub)
        loss.block_until_ready()
        steps += 20
    return steps / (time.perf_counter() - began), batch[0].shape[0], compile_seconds


def peak_memory_gb():
    """The device's peak memory in use so far (GB), where the backend reports it."""
    stats = jax.devices()[0].memory_stats() or {}
    return stats.get("peak_bytes_in_use", float("nan")) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="faces,dcgan")
    parser.add_argument("--widths", default="full", choices=sorted(FACE_WIDTHS), help="the faces' widths")
    parser.add_argument("--precisions", default="float32,mixed_float16")
    parser.add_argument("--seconds", type=float, default=10, help="timed seconds per combination")
    args = parser.parse_args()
    devices = jax.devices()
    print(f"JAX {jax.__version__}, Keras {keras.__version__} ({keras.backend.backend()} backend); "
          f"devices: {', '.join(d.device_kind for d in devices)}")
    print("\n| model | widths | precision | batch | steps/s | images/s | compile s | peak memory so far (GB) |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.models.split(","):
        for precision in args.precisions.split(","):
            rate, batch, compiled = steps_per_second(name, precision, args.seconds, args.widths)
            widths = args.widths if name == "faces" else "full"
            print(f"| {name} | {widths} | {precision} | {batch} | {rate:.1f} | {rate * batch:,.0f} | {compiled:.0f} | "
                  f"{peak_memory_gb():.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
