"""Trained generators for learners whose training fell behind (notebooks 03 and 04).

Each lives in ``workshop_utils/catchup/NAME/`` as a checkpoint in the same format, and is
loaded by the same code (:meth:`callbacks.EpochCheckpoint.restore`), as a learner's own.
``tools/make_catchup_checkpoints.py`` trains them with the notebooks' ``fast`` settings;
``workshop_utils/catchup/README.md`` records the command, the machine and what they score.
"""

from __future__ import annotations

from pathlib import Path

from .callbacks import EpochCheckpoint

FOLDER = Path(__file__).resolve().parent / "catchup"
TRAINED = {  # name: what it was trained on, for the messages
    "03_generator": "notebook 03's generator (latent_dim 64), fast settings, real MNIST",
    "04_generator_procedural": "notebook 04's generator in fast mode: procedural faces, widths (128, 64, 32, 16)",
}


def restore_trained(model, name: str) -> int:
    """Load the course's trained ``name`` into ``model`` (a generator built as the notebook
    builds it); returns the epoch it was saved after. A model of another shape gets a
    ValueError saying which settings the checkpoint needs."""
    if name not in TRAINED:
        raise ValueError(f"name must be one of {sorted(TRAINED)}, got {name!r}.")
    checkpoint = EpochCheckpoint(FOLDER / name, verbose=False)
    if not checkpoint.checkpoints():
        raise FileNotFoundError(f"No trained checkpoint in {FOLDER / name}: reinstall workshop_utils.")
    epoch = checkpoint.restore(model)
    if epoch == 0:
        raise ValueError(f"The trained checkpoint is {TRAINED[name]}; this model has other shapes. "
                         "Build the model with those settings (WORKSHOP_MODE=fast for notebook 04).")
    print(f"Loaded the course's trained generator: {TRAINED[name]}.")
    return epoch
