"""Checkpoints that let a run survive a disconnect, a second "Run all" and a changed model:
:class:`EpochCheckpoint`.

After every epoch it saves, each atomically (``files.atomic_path``), the whole training state
(``epoch-NNNNN.weights.h5``: both networks, G's weight average where the model keeps one,
both optimizers' moments and step counters) and
the history of the callbacks given in ``keep_with`` (``epoch-NNNNN.state.npz``: the curves,
the sample grids, the time spent). ``restore(model)`` loads the newest readable checkpoint
and returns the epoch to pass to ``fit(initial_epoch=...)``; when that run had finished (its
time budget spent, or its last epoch done), it returns the last epoch, so ``fit`` trains
nothing and the cells after it show the finished run.

With ``settings`` (the teaching parameters that shape the model: widths, sizes), each
configuration keeps its checkpoints in its own subfolder, so a run with other settings
never loads, nor deletes, another's.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import keras
import numpy as np

from .files import atomic_path, unwritable_message, via_local_disk


def _settings_text(settings) -> str:
    return json.dumps({name: list(v) if isinstance(v, tuple) else v for name, v in sorted(settings.items())},
                      sort_keys=True, default=str)


class EpochCheckpoint(keras.callbacks.Callback):
    """Save the training state after every epoch; ``restore`` it into a model before ``fit``.

    ``keep``: how many checkpoints stay (older ones are deleted after a new one lands).
    ``keep_with``: callbacks whose ``get_state()`` is saved beside the weights and handed
    back to their ``set_state()`` on restore (``SampleGrid``, ``LiveLossPlot``, ``TimeBudget``).
    ``settings``: a dict of the settings that shape the model; each distinct dict gets its own
    subfolder of ``folder`` (with a ``settings.json`` naming them).
    """

    PATTERN = "epoch-*.weights.h5"

    def __init__(self, folder, keep: int = 2, verbose: bool = True, keep_with=(), settings=None):
        super().__init__()
        if not isinstance(keep, int) or keep < 1:
            raise ValueError(f"keep must be a positive int, got {keep!r}.")
        for owner in keep_with:
            if not (hasattr(owner, "get_state") and hasattr(owner, "set_state")):
                raise ValueError(f"keep_with takes callbacks with get_state() and set_state(); "
                                 f"{type(owner).__name__} has neither.")
        names = [type(owner).__name__ for owner in keep_with]
        if len(set(names)) != len(names):
            raise ValueError(f"keep_with holds two callbacks of one kind ({names}); give one of each.")
        self.root = Path(folder)
        self.settings = dict(settings) if settings else None
        if self.settings:
            digest = hashlib.sha1(_settings_text(self.settings).encode()).hexdigest()[:8]
            self.folder = self.root / f"run-{digest}"
        else:
            self.folder = self.root
        self.keep = keep
        self.verbose = verbose
        self.keep_with = list(keep_with)
        self.finished = False
        self.failed_writes = 0  # checkpoints in a row that a full or read-only folder refused

    def checkpoints(self):
        """Finished checkpoints, oldest first, as (epoch, path)."""
        found = []
        for path in self.folder.glob(self.PATTERN):
            number = path.name[len("epoch-"):-len(".weights.h5")]
            if number.isdigit():
                found.append((int(number), path))
        return sorted(found)

    def _state_path(self, epoch: int) -> Path:
        return self.folder / f"epoch-{epoch:05d}.state.npz"

    def clear(self):
        """Delete this configuration's checkpoints: the next run starts from scratch."""
        for _, path in self.checkpoints():
            path.unlink()
        for path in self.folder.glob("epoch-*.state.npz"):  # with any a killed save left alone
            path.unlink()

    def _other_runs(self):
        """Sibling subfolders of other settings that hold checkpoints: {folder name: their settings}."""
        if not self.settings or not self.root.is_dir():
            return {}
        others = {}
        for folder in sorted(self.root.glob("run-*")):
            if folder != self.folder and any(folder.glob(self.PATTERN)):
                try:
                    others[folder.name] = json.loads((folder / "settings.json").read_text())
                except (OSError, ValueError):
                    others[folder.name] = {}
        return others

    def _differences(self, other: dict) -> str:
        mine = json.loads(_settings_text(self.settings))
        changed = [f"{name} {other.get(name)!r} there, {value!r} now" for name, value in mine.items()
                   if other.get(name) != value]
        return "; ".join(changed) or "settings unknown"

    def _load_state(self, epoch):
        path = self._state_path(epoch)
        if not path.is_file():
            return {}
        with np.load(path, allow_pickle=False) as saved:
            return {key: saved[key] for key in saved.files}

    def restore(self, model) -> int:
        """Load the newest readable checkpoint into ``model`` and the callbacks of
        ``keep_with``; return the epoch for ``fit(initial_epoch=...)`` (0 when none). A run
        that had finished returns its last epoch (``finished`` is then True): nothing is left
        to train. Weights in memory that are newer than the checkpoint are replaced by it."""
        self.finished = False
        for epoch, path in reversed(self.checkpoints()):
            try:
                with warnings.catch_warnings():  # Keras warns per layer before it raises; one line says it here
                    warnings.simplefilter("ignore")
                    model.load_weights(path)
            except Exception as error:  # unreadable, or another model's: try the one before
                if self.verbose:
                    reason = (str(error).strip().splitlines() or [""])[0][:120]
                    print(f"Checkpoint {path.name} could not be loaded into this model "
                          f"({type(error).__name__}: {reason}); trying an older one.")
                continue
            state = self._load_state(epoch)
            for owner in self.keep_with:
                prefix = type(owner).__name__ + "/"
                part = {key[len(prefix):]: value for key, value in state.items() if key.startswith(prefix)}
                if part:
                    owner.set_state(part)
            last_epoch = int(state.get("checkpoint/fit_epochs", 0))
            self.finished = bool(last_epoch) and (
                epoch >= last_epoch or any(getattr(owner, "finished", False) for owner in self.keep_with))
            if self.verbose:
                steps = int(state["checkpoint/steps"]) if "checkpoint/steps" in state else None
                after = f"after epoch {epoch}" + (f", {steps:,} steps" if steps is not None else "")
                if self.finished:
                    print(f"Loaded the finished run in {path} ({after}): unless you raised epochs or the "
                          "time budget, nothing is left to train, and the cells below show that run. To train "
                          "again from scratch, set resume to False.")
                else:
                    print(f"Resuming from {path} ({after}).")
            return max(epoch, last_epoch) if self.finished else epoch
        self.set_model(model)  # to read its step counter
        if self.verbose:
            trained = self._steps()
            if trained:  # an interrupted first epoch: nothing saved yet, the weights in memory go on
                print(f"No checkpoint in {self.folder} yet: training goes on from the weights in memory "
                      f"({trained:,} steps trained).")
            else:
                print(f"No checkpoint in {self.folder}: starting from scratch.")
            for name, settings in self._other_runs().items():
                print(f"  (left alone: the checkpoints in {name}, made with other settings: "
                      f"{self._differences(settings)})")
        return 0

    def on_epoch_end(self, epoch, logs=None):
        state = {"checkpoint/fit_epochs": np.int64(self.params.get("epochs", epoch + 1) if self.params else epoch + 1),
                 "checkpoint/steps": np.int64(self._steps())}
        for owner in self.keep_with:
            state.update({f"{type(owner).__name__}/{key}": np.asarray(value)
                          for key, value in owner.get_state().items()})
        number = epoch + 1
        weights = self.folder / f"epoch-{number:05d}.weights.h5"
        try:
            if self.settings and not (self.folder / "settings.json").is_file():
                with atomic_path(self.folder / "settings.json") as temporary:
                    temporary.write_text(_settings_text(self.settings) + "\n")
            with atomic_path(self._state_path(number)) as temporary:
                with open(temporary, "wb") as handle:  # np.savez on a path would append ".npz"
                    np.savez_compressed(handle, **state)  # the grids compress well
            try:
                with atomic_path(weights) as temporary:
                    via_local_disk(self.model.save_weights)(temporary)
            except BaseException:  # interrupted or failed: no state file without its weights
                self._state_path(number).unlink(missing_ok=True)
                raise
        except OSError as error:  # a full or read-only folder: say so once, and train on
            if not self.failed_writes:
                print(unwritable_message(weights, f"checkpoint {weights.name}", error,
                                         needed=3 * 4 * self.model.count_params(),  # weights and Adam's two moments
                                         consequence="Training goes on; a disconnect now loses what was trained "
                                                     "since the last checkpoint."))
            self.failed_writes += 1
            return
        if self.failed_writes and self.verbose:
            print(f"Checkpoint {weights.name} saved again, after {self.failed_writes} that could not be written.")
        self.failed_writes = 0
        for old_epoch, old in self.checkpoints()[:-self.keep]:
            old.unlink(missing_ok=True)
            self._state_path(old_epoch).unlink(missing_ok=True)

    def _steps(self) -> int:
        """The model's training steps so far (its first optimizer's step counter)."""
        for name in ("d_optimizer", "optimizer"):  # a GAN counts its D steps; compile() gives it an unused optimizer too
            optimizer = getattr(self.model, name, None)
            if optimizer is not None and hasattr(optimizer, "iterations"):
                return int(keras.ops.convert_to_numpy(optimizer.iterations))
        return 0
