"""Notebook 04's `full`-mode recipe trained on procedural faces on a GPU that has no TensorFlow
(Keras's JAX backend), saving G's weight average at chosen steps for
`benchmarks/faces_control.py --score` to score on any machine.

    KERAS_BACKEND=jax python benchmarks/faces_full_jax.py --seeds 0,1,2 --steps 3000,11000 --out runs/gpu
    python benchmarks/faces_control.py --score runs/gpu          # TensorFlow: the course's own scorer

Why it exists: the GPU machines lent to the course's maintainers carry JAX but no TensorFlow
(see `benchmarks/gpu_speed_jax.py`), so `faces_control.py` cannot train there. This script
trains the same networks (the package's builders at notebook 04's `full` widths) with
notebook 04's `full` settings (batch, latent size, learning rates, Adam's betas, D steps,
class weight, and the weight average G is drawn from, whose decay grows as
``(1 + t) / (10 + t)`` up to ``average_decay`` as ``TwoPlayers.update_average``), on the
training faces `faces_control.py` uses for the same seed (``procedural_faces(20000, seed + 1)``),
shuffled each pass. The step is `gpu_speed_jax.faces_step`'s: D's hinge + attribute loss, then
G's, one ``jax.jit``. It differs from the notebook's step in two ways whose effect on quality
is not measured: it runs in float32 (`full` mode uses mixed precision on a GPU; no loss scale to
port), and spectral normalisation is the textbook one (Miyato et al., 2018, as PyTorch has it):
under JAX's stateless calls the raw kernel W is kept and trained through W / sigma(W), where
Keras under TensorFlow overwrites its kernel with W / sigma at every training call and gives it
the gradient taken there, with none through sigma (the power-iteration vector is kept in both).

Each checkpoint is G's average as float16 arrays in ``generator.weights`` order
(``faces_full_seed{S}_step{N}.npz``, about 6.4 MB at `full` widths): float16 keeps the files
small enough to bring back from a lent machine, and its rounding (about 1 part in 2,000) is
far below what moves the scores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gpu_speed_jax as base  # noqa: E402  (sets up Keras's JAX backend and the package's builders)
from gpu_speed_jax import face_models, jax, jnp, keras, np  # noqa: E402

from workshop_utils import cartoon_faces  # noqa: E402

FULL = base._FACES["full"]
NUM_ATTRIBUTES = len(cartoon_faces.FACE_ATTRIBUTES)


def checkpoint_name(seed, step):
    return f"faces_full_seed{seed}_step{step}.npz"


def save_average(path, average, generator):
    """G's average as float16 arrays in ``generator.weights`` order, written atomically."""
    trainable, rest = average
    by_variable = dict(zip([id(v) for v in generator.trainable_variables], trainable))
    by_variable.update(zip([id(v) for v in generator.non_trainable_variables], rest))
    arrays = {f"w{index:03d}": np.asarray(by_variable[id(v)], dtype=np.float16)
              for index, v in enumerate(generator.weights)}
    partial = path.with_suffix(".partial.npz")
    np.savez_compressed(partial, **arrays)
    partial.replace(path)


def train(seed, images, attributes, stops, out, step_fn=None):
    """Train from scratch on one seed's faces; save G's average at each of ``stops``. Returns the
    jitted step (reused by the next seed: same networks, same compiled code) and a log line per stop."""
    keras.utils.set_random_seed(seed)
    widths = (tuple(FULL["g_widths"]), tuple(FULL["d_widths"]))
    step, state, generator = base.faces_step(widths, learning_rate=(FULL["d_learning_rate"], FULL["g_learning_rate"]),
                                             beta_1=FULL["beta_1"], class_weight=FULL["class_weight"],
                                             average_decay=FULL["average_decay"], latent_dim=FULL["latent_dim"],
                                             num_attributes=NUM_ATTRIBUTES, d_steps=FULL["d_steps"])
    reused = step_fn is not None  # compiled for an earlier seed
    step_fn = step_fn or jax.jit(lambda state, images, attributes, index, key:
                                 step(state, jnp.take(images, index, axis=0).astype("float32") / 127.5 - 1.0,
                                      jnp.take(attributes, index, axis=0).astype("float32"), key))
    images, attributes = jnp.asarray(images), jnp.asarray(attributes)
    batch = FULL["batch_size"]
    rng = np.random.default_rng(seed)
    order = np.empty(0, dtype=np.int32)
    key = jax.random.PRNGKey(seed)
    began, done, lines = time.perf_counter(), 0, []
    for stop in sorted(stops):
        while done < stop:
            if len(order) < batch:  # a new pass over the faces, shuffled; full batches only
                order = rng.permutation(len(images)).astype(np.int32)
            index, order = order[:batch], order[batch:]
            key, sub = jax.random.split(key)
            state, loss = step_fn(state, images, attributes, index, sub)
            done += 1
        loss = float(loss)
        seconds = time.perf_counter() - began
        if not np.isfinite(loss):
            raise FloatingPointError(f"seed {seed}: the loss is {loss} at step {done}")
        save_average(out / checkpoint_name(seed, stop), state[-1], generator)
        lines.append(f"seed {seed}: step {done} after {seconds:.1f} s ({done / seconds:.1f} steps/s"
                     f"{'' if reused else ', compiling included'}), D + G loss {loss:.3f}")
        print(lines[-1], flush=True)
    return step_fn, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--steps", default="3000,11000", help="comma-separated steps at which to save G's average")
    parser.add_argument("--train", type=int, default=20000, help="procedural faces to train on (faces_control's)")
    parser.add_argument("--out", required=True, help="folder for the checkpoints")
    args = parser.parse_args()
    try:
        seeds = [int(seed) for seed in args.seeds.split(",")]
        stops = [int(step) for step in args.steps.split(",")]
    except ValueError:
        parser.error(f"--seeds and --steps take comma-separated whole numbers, e.g. 0,1,2 and 3000,11000; "
                     f"got {args.seeds!r} and {args.steps!r}")
    if min(stops) < 1 or args.train < FULL["batch_size"]:
        parser.error(f"--steps must be positive and --train at least one batch ({FULL['batch_size']} faces); "
                     f"got {args.steps!r} and {args.train}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"JAX {jax.__version__}, Keras {keras.__version__}; devices: "
          f"{', '.join(d.device_kind for d in jax.devices())}; notebook 04 full: {FULL}", flush=True)
    began = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool() as pool:  # spawn: no fork of a JAX process
        data = {seed: cartoon_faces.procedural_faces(args.train, seed + 1, pool=pool) for seed in seeds}
    print(f"{len(seeds)} x {args.train} procedural faces drawn in {time.perf_counter() - began:.1f} s", flush=True)
    step_fn = None
    for seed in seeds:
        step_fn, _ = train(seed, *data[seed], stops, out, step_fn)
    print(f"peak GPU memory {base.peak_memory_gb():.2f} GB", flush=True)


if __name__ == "__main__":
    main()
