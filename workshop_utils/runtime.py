"""Configuration, in one place: where we run, how much work a cell does, seeds, and folders.

Every environment variable the course reads is read here and only here:

- ``WORKSHOP_MODE``: the run mode (below).
- ``WORKSHOP_DATA_DIR``: an offline folder of data files, read before any download.
- ``WORKSHOP_CACHE_DIR``: where preprocessed data and trained scorers are cached (default:
  your Drive's ``making-faces/cache`` on Colab with Drive mounted, else ``~/.cache/making_faces``).
- ``WORKSHOP_OUTPUT_DIR``: where checkpoints and GIFs go (default: your Drive's ``making-faces``
  on Colab with Drive mounted, else ``outputs/`` beside the notebook); the rehearsal sets it.
- ``WORKSHOP_BUDGET_SCALE``: multiplies every ``budget_minutes`` teaching parameter (the
  rehearsal's ``--scale``, for a quick check); printed with the parameters when set.

The run modes:

- ``full``  -- the real workshop settings (a Colab GPU). Default when a GPU is present.
- ``fast``  -- a laptop CPU: less data and fewer steps, the same code path.
- ``smoke`` -- CI: seconds per notebook, generated data, no network. ``pytest`` sets it.

A notebook writes its teaching parameters in a cell, amounts of work given per mode, and
passes them through :func:`scaled`, which prints the values that will actually run.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

MODES = ("full", "fast", "smoke")
MODE_ENV_VAR = "WORKSHOP_MODE"
DATA_DIR_ENV_VAR = "WORKSHOP_DATA_DIR"
CACHE_ENV_VAR = "WORKSHOP_CACHE_DIR"
OUTPUT_ENV_VAR = "WORKSHOP_OUTPUT_DIR"
BUDGET_SCALE_ENV_VAR = "WORKSHOP_BUDGET_SCALE"
DRIVE_FOLDER = "/content/drive/MyDrive"  # where Colab mounts Google Drive

def in_colab() -> bool:
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def in_ci() -> bool:
    """True on a continuous-integration machine (most CI services set ``CI``)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def has_gpu() -> bool:
    """True when TensorFlow can see at least one GPU."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def get_mode() -> str:
    """The run mode: ``WORKSHOP_MODE`` if set, else ``full`` with a GPU and ``fast`` without."""
    value = os.environ.get(MODE_ENV_VAR, "").strip().lower()
    if not value:
        return "full" if has_gpu() else "fast"
    if value not in MODES:
        raise ValueError(
            f"{MODE_ENV_VAR}={value!r} is not a run mode. Expected one of {', '.join(MODES)}: "
            f"'full' on a GPU, 'fast' on a laptop CPU, 'smoke' for the tests. "
            f"Fix it with e.g. os.environ['{MODE_ENV_VAR}'] = 'fast' before importing."
        )
    return value


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow/Keras in one call, so a re-run draws the same numbers."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}.")
    import keras

    keras.utils.set_random_seed(seed)
    # Unseeded keras.random draws come from one global SeedGenerator. Keras 3.11+ drops it in
    # set_random_seed, so it is rebuilt from the new seed; Keras 3.10 (Colab, 2025-07 to
    # 2026-03) keeps the old one, and a re-run would draw different numbers. Drop it here too.
    try:
        from keras.src.backend.common import global_state
    except ImportError:  # a future Keras that moved it also resets it itself
        return
    global_state.set_global_attribute("global_seed_generator", None)


def describe() -> str:
    """One line: where this runs and in which mode."""
    import keras
    import tensorflow as tf

    place = "Colab" if in_colab() else ("CI" if in_ci() else "a local machine")
    device = "GPU (" + tf.config.list_physical_devices("GPU")[0].name + ")" if has_gpu() else "CPU"
    strategy = distribution_strategy()
    spread = (f", {type(strategy).__name__} over {strategy.num_replicas_in_sync} devices"
              if strategy.num_replicas_in_sync > 1 else "")
    return (
        f"Running on {place}, {device}{spread}, mode={get_mode()!r} "
        f"(TensorFlow {tf.__version__}, Keras {keras.__version__})"
    )


@functools.lru_cache(maxsize=None)  # one strategy per process: a TPU is initialised once
def distribution_strategy():
    """The ``tf.distribute`` strategy for where this runs: ``TPUStrategy`` on a Colab or
    Kaggle TPU, ``MirroredStrategy`` over all GPUs when there are several (Kaggle's two
    T4s), else the default strategy (one device: nothing changes). Build and compile models
    under ``strategy.scope()``; each batch of ``strategy.num_replicas_in_sync`` times the
    per-device batch is split between the devices by ``fit``."""
    import tensorflow as tf

    tpu = os.environ.get("COLAB_TPU_ADDR") or ("local" if Path("/dev/accel0").exists() else None)
    if tpu:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu if tpu == "local" else f"grpc://{tpu}")
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy([gpu.name for gpu in gpus])
    return tf.distribute.get_strategy()


def devices(batch_size: int, mixed_precision: bool):
    """The strategy for this hardware and the global batch (``batch_size`` per device), with
    mixed precision set as asked (GPUs only); prints one line saying what was chosen."""
    strategy = distribution_strategy()
    precision = use_mixed_precision(mixed_precision)
    global_batch = batch_size * strategy.num_replicas_in_sync
    print(f"{strategy.num_replicas_in_sync} device(s), {precision}: global batch {global_batch} "
          f"({batch_size} per device)")
    return strategy, global_batch


def use_mixed_precision(enabled: bool) -> str:
    """Set Keras' global dtype policy: ``mixed_float16`` (float16 compute, float32 variables)
    when ``enabled`` and a GPU is present, else ``float32``; returns the policy's name.
    Call it before building models. On a CPU float16 is slower, so it stays off there."""
    import keras

    policy = "mixed_float16" if enabled and has_gpu() else "float32"
    keras.mixed_precision.set_global_policy(policy)
    return policy


def setup(seed: int = 42) -> str:
    """Seed everything, print where we run, and return the run mode."""
    # Keras 3.15 warns on every fit() with a tf.data pipeline that its default shuffle=True
    # is ignored; our pipelines shuffle themselves, so the warning would only confuse.
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed, but will be ignored")
    seed_everything(seed)
    print(describe() + f", seed={seed}")
    return get_mode()


def scaled(mode: str | None = None, **params) -> SimpleNamespace:
    """The teaching parameters for the current run mode, printed as they will run.

    Each parameter is either one value, the same in every mode (a batch size, a learning
    rate), or a dict giving its value per mode, ``{"full": 30, "fast": 5, "smoke": 1}``
    (an amount of work). Returns a namespace, so a notebook reads ``params.epochs``.
    """
    mode = mode or get_mode()
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}.")
    values, full_values, notes = {}, {}, {}
    scale = budget_scale()
    for name, value in params.items():
        if isinstance(value, dict):
            if set(value) != set(MODES):
                raise ValueError(
                    f"{name} must give a value for each mode {list(MODES)}, got keys {sorted(value)}."
                )
            values[name], full_values[name] = value[mode], value["full"]
        else:
            values[name] = full_values[name] = value
        if name.endswith("budget_minutes") and scale != 1 and values[name] is not None:
            values[name] = values[name] * scale
            notes[name] = f"  (x{scale:g}: {BUDGET_SCALE_ENV_VAR})"

    print(f"Parameters for mode {mode!r} (the full-workshop value in brackets where it differs):")
    width = max((len(name) for name in values), default=0)
    for name, value in values.items():
        note = f"  [full: {full_values[name]}]" if full_values[name] != value and name not in notes else ""
        print(f"  {name:<{width}} = {value}{note}{notes.get(name, '')}")
    return SimpleNamespace(mode=mode, **values)


def budget_scale() -> float:
    """``WORKSHOP_BUDGET_SCALE`` as a positive number (1 when unset)."""
    value = os.environ.get(BUDGET_SCALE_ENV_VAR, "").strip()
    if not value:
        return 1.0
    try:
        scale = float(value)
    except ValueError:
        scale = 0.0
    if not scale > 0:
        raise ValueError(f"{BUDGET_SCALE_ENV_VAR}={value!r} must be a positive number (1 leaves the budgets as they are).")
    return scale


def _drive() -> Path | None:
    """The course's folder in Google Drive, when on Colab with Drive mounted; else None."""
    if in_colab() and Path(DRIVE_FOLDER).is_dir():
        return Path(DRIVE_FOLDER) / "making-faces"
    return None


def data_dir() -> Path | None:
    """The offline data folder named by ``WORKSHOP_DATA_DIR``, or None when unset."""
    value = os.environ.get(DATA_DIR_ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where preprocessed data (the CelebA cache) and trained scorers are kept.

    ``WORKSHOP_CACHE_DIR`` when set; on Colab with Drive mounted, a folder in your Drive (a
    disconnected runtime then keeps the CelebA preprocessing); else
    ``~/.cache/making_faces``.
    """
    value = os.environ.get(CACHE_ENV_VAR, "").strip()
    if value:
        return Path(value).expanduser()
    drive = _drive()
    return drive / "cache" if drive else Path.home() / ".cache" / "making_faces"


def output_dir(name: str) -> Path:
    """Where a notebook keeps what should outlive the session (checkpoints, GIFs).

    ``WORKSHOP_OUTPUT_DIR``/<name> when that is set. Else, on Colab with Google Drive mounted
    (``drive.mount('/content/drive')``): a folder in your Drive, which survives a
    disconnected runtime. Elsewhere: ``outputs/<name>`` next to the notebook.
    """
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"name must be a plain folder name, got {name!r}.")
    chosen = os.environ.get(OUTPUT_ENV_VAR, "").strip()
    drive = _drive()
    if chosen:
        folder = Path(chosen).expanduser() / name
    else:
        folder = drive / name if drive else Path("outputs") / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # read-only, full, a file in the way: the lesson goes on in a temporary folder
        import tempfile

        from .files import OUTPUT_SETTING, unwritable_message

        fallback = Path(tempfile.mkdtemp(prefix=f"making_faces-{name}-"))  # this user's own, always writable
        print(unwritable_message(folder, f"the folder {name}", error, setting=OUTPUT_SETTING,
                                 consequence=f"This session writes to {fallback} instead (gone when the runtime ends)."))
        return fallback
    return folder
