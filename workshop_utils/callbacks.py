"""Things that happen *during* ``fit()``: sample grids, live curves, a NaN guard and
quality tracking against the clock. Each is a ``keras.callbacks.Callback``."""

from __future__ import annotations

import math
import time
from pathlib import Path

import keras
import numpy as np

from . import models, plotting
from .files import atomic_path


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ != "TerminalInteractiveShell"


def _show_in_place(figure, handle):
    """Show a figure in the notebook, replacing the one shown through ``handle`` last time."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    if handle is None:
        handle = display(figure, display_id=True)
    else:
        handle.update(figure)
    plt.close(figure)
    return handle


class NonFiniteLossError(FloatingPointError):
    """A loss became NaN or Inf during training."""


class StopOnNaN(keras.callbacks.Callback):
    """Stop at the first NaN/Inf in the logged losses, with a message that says what to try."""

    def on_train_begin(self, logs=None):
        self.step = 0

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        values = {name: float(np.asarray(value)) for name, value in (logs or {}).items()}
        bad = {name: value for name, value in values.items() if not math.isfinite(value)}
        if bad:
            self.model.stop_training = True
            named = ", ".join(f"{name}={value}" for name, value in bad.items())
            raise NonFiniteLossError(
                f"Training hit a non-finite value at training step {self.step} ({named}). "
                "The run was stopped. Try: a lower learning rate (e.g. halve it), Adam's "
                "beta_1=0.5, checking that the images are scaled to [-1, 1]; then rebuild the "
                "models and train again."
            )


class SampleGrid(keras.callbacks.Callback):
    """Draw the generator's images for a fixed set of noise vectors every ``every`` steps
    (after every epoch when ``every`` is None).

    Keeping z fixed shows how the *same* inputs turn into digits as training goes. The
    grids are kept in ``frames`` (uint8) for an animation; in a notebook the latest one is
    shown in place.
    """

    def __init__(self, z, labels=None, columns=None, every=None, show=None):
        super().__init__()
        if every is not None and (not isinstance(every, int) or every < 1):
            raise ValueError(f"every must be a positive number of steps or None, got {every!r}.")
        self.every = every
        self.z = np.asarray(z, dtype=np.float32)
        if self.z.ndim != 2:
            raise ValueError(f"Expected noise z of shape (N, latent_dim), got {self.z.shape}.")
        self.labels = models.condition_inputs(labels)
        self.columns = columns
        self.show = _in_notebook() if show is None else show
        self.frames = []
        self._handle = None

    def draw(self):
        images = self.model.generate(self.z, self.labels, training=False)
        return plotting.image_grid(keras.ops.convert_to_numpy(images), self.columns)

    def on_train_begin(self, logs=None):
        self.step = 0
        if not self.frames:
            self.frames.append(self.draw())  # what G draws before any training

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.every and self.step % self.every == 0:
            self._add_frame(f"fixed z after {self.step} steps")

    def on_epoch_end(self, epoch, logs=None):
        if not self.every:
            self._add_frame(f"fixed z after epoch {epoch + 1}")

    def on_train_end(self, logs=None):
        if self.every and self.step % self.every:
            self._add_frame(f"fixed z after {self.step} steps (end)")

    def _add_frame(self, title):
        self.frames.append(self.draw())
        if self.show:
            self._display(title)

    def _display(self, title):
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(3.5, 3.5))
        ax.imshow(self.frames[-1], cmap="gray", vmin=0, vmax=255)
        ax.set_axis_off()
        ax.set_title(title)
        self._handle = _show_in_place(figure, self._handle)


class LiveLossPlot(keras.callbacks.Callback):
    """Record every logged value after every batch, and redraw the curves every ``every`` batches."""

    def __init__(self, every: int = 50, keys=None, show=None):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive number of steps, got {every!r}.")
        self.every = every
        self.keys = keys
        self.show = _in_notebook() if show is None else show
        self.history = {}
        self.step = 0
        self._handle = None

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(np.asarray(value)))
        if self.show and self.step % self.every == 0:
            self.redraw()

    def on_train_end(self, logs=None):
        if self.show:
            self.redraw()

    def redraw(self):
        import matplotlib.pyplot as plt

        if not self.history:
            return
        figure, ax = plt.subplots(figsize=(7, 3))
        plotting.plot_history(self.history, ax=ax, keys=self.keys, title="Running mean within each epoch")
        self._handle = _show_in_place(figure, self._handle)


class TimedEvaluation(keras.callbacks.Callback):
    """Call ``evaluate(model) -> dict of figures`` every ``every_seconds`` of *training* time
    (the evaluation's own time is not counted), and once at the end.

    ``records`` gets one dict per check: seconds, step and the figures. With
    ``budget_seconds``, training stops once that much training time has passed.
    """

    def __init__(self, evaluate, every_seconds: float, budget_seconds: float | None = None,
                 verbose: bool = False):
        super().__init__()
        if every_seconds <= 0 or (budget_seconds is not None and budget_seconds <= 0):
            raise ValueError("every_seconds and budget_seconds must be positive numbers of seconds.")
        self.evaluate = evaluate
        self.every_seconds = every_seconds
        self.budget_seconds = budget_seconds
        self.verbose = verbose
        self.records = []

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.scoring_seconds = 0.0
        self.step = 0
        self.next_check = self.every_seconds

    def training_seconds(self):
        return time.perf_counter() - self.start - self.scoring_seconds

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.training_seconds() >= self.next_check:
            self.check()
            self.next_check += self.every_seconds
        if self.budget_seconds is not None and self.training_seconds() >= self.budget_seconds:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if not self.records or self.records[-1]["step"] != self.step:
            self.check()

    def check(self):
        began = time.perf_counter()
        seconds = self.training_seconds()
        record = {"seconds": seconds, "step": self.step, **self.evaluate(self.model)}
        self.records.append(record)
        if self.verbose:
            figures = ", ".join(f"{name} {value:.3f}" for name, value in record.items()
                                if name not in ("seconds", "step") and isinstance(value, float))
            print(f"  {seconds:6.1f} s, step {self.step:5d}: {figures}")
        self.scoring_seconds += time.perf_counter() - began


class QualityTracker(TimedEvaluation):
    """Score generated digits every ``every_seconds`` of training time: FD, confidence and
    coverage from a :class:`~workshop_utils.metrics.DigitScorer`. Conditional models are
    given balanced labels 0-9."""

    def __init__(self, scorer, real_images, every_seconds: float, num_samples: int = 1000,
                 conditional: bool = False, seed: int = 0, budget_seconds: float | None = None,
                 verbose: bool = False):
        super().__init__(self._score, every_seconds, budget_seconds, verbose)
        self.scorer = scorer
        self.real_features, _ = scorer.features_and_probabilities(real_images)
        self.num_samples = num_samples
        self.labels = (np.arange(num_samples) % 10).astype(np.int32) if conditional else None
        self.seed = seed

    def _score(self, model):
        images = models.generate_images(model, self.num_samples, self.labels, seed=self.seed)
        return self.scorer.score(images, real_features=self.real_features)


class EpochCheckpoint(keras.callbacks.Callback):
    """Save the whole training state (weights of G and D, both optimizers' moments and step
    counters) at the end of every epoch, atomically, so that a run that dies can resume.

    Each checkpoint is written under a temporary name and renamed to
    ``epoch-NNNNN.weights.h5``, so a kill while saving leaves the previous checkpoint
    whole; older checkpoints are deleted after a new one lands (``keep`` are kept).
    ``restore(model)`` loads the newest readable one and returns the epoch to pass to
    ``fit(initial_epoch=...)``. With ``fit(steps_per_epoch=N)`` on a repeating dataset, a
    resumed run ends after exactly as many steps as an uninterrupted one.
    """

    PATTERN = "epoch-*.weights.h5"

    def __init__(self, folder, keep: int = 2, verbose: bool = True):
        super().__init__()
        if not isinstance(keep, int) or keep < 1:
            raise ValueError(f"keep must be a positive int, got {keep!r}.")
        self.folder = Path(folder)
        self.keep = keep
        self.verbose = verbose

    def checkpoints(self):
        """Finished checkpoints, oldest first, as (epoch, path)."""
        found = []
        for path in self.folder.glob(self.PATTERN):
            number = path.name[len("epoch-"):-len(".weights.h5")]
            if number.isdigit():
                found.append((int(number), path))
        return sorted(found)

    def clear(self):
        """Delete every checkpoint in the folder: the next run starts from scratch."""
        for _, path in self.checkpoints():
            path.unlink()

    def restore(self, model) -> int:
        """Load the newest readable checkpoint into ``model``; return its epoch (0 when none)."""
        for epoch, path in reversed(self.checkpoints()):
            try:
                model.load_weights(path)
            except Exception as error:  # unreadable: try the one before
                if self.verbose:
                    print(f"Checkpoint {path.name} is unreadable ({type(error).__name__}); trying an older one.")
                continue
            if self.verbose:
                print(f"Resuming from {path} (after epoch {epoch}).")
            return epoch
        if self.verbose:
            print(f"No checkpoint in {self.folder}: starting from scratch.")
        return 0

    def on_epoch_end(self, epoch, logs=None):
        with atomic_path(self.folder / f"epoch-{epoch + 1:05d}.weights.h5") as temporary:
            self.model.save_weights(temporary)
        for _, old in self.checkpoints()[:-self.keep]:
            old.unlink(missing_ok=True)
