"""Things that happen *during* ``fit()``: sample grids, live curves, a NaN guard, a time
budget and quality tracking against the clock. Each is a ``keras.callbacks.Callback``.

The sample grid, the curves and the budget can be saved with a checkpoint
(:class:`~workshop_utils.checkpoints.EpochCheckpoint` ``keep_with=...``): each has
``get_state()`` (a dict of arrays) and ``set_state(state)``, so a resumed or finished run
shows its whole history."""

from __future__ import annotations

import math
import time
from pathlib import Path

import keras
import numpy as np

from . import plotting, sampling
from .checkpoints import EpochCheckpoint  # noqa: F401  (callbacks.EpochCheckpoint, as before)


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
                "beta_1 at 0.5 or lower, checking that the images are scaled to [-1, 1]; then rebuild the "
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
        self.labels = sampling.condition_inputs(labels)
        self.columns = columns
        self.show = _in_notebook() if show is None else show
        self.frames = []
        self._handle = None

    def get_state(self) -> dict:
        return {"frames": np.stack(self.frames) if self.frames else np.zeros((0, 1, 1), np.uint8),
                "step": np.int64(getattr(self, "step", 0)), "drawn_at": np.int64(getattr(self, "_drawn_at", -1))}

    def set_state(self, state: dict) -> None:
        self.frames = list(state["frames"])
        self.step = int(state["step"])
        self._drawn_at = int(state.get("drawn_at", self.step))

    def draw(self):
        images = self.model.generate(self.z, self.labels, training=False)
        return plotting.image_grid(keras.ops.convert_to_numpy(images), self.columns)

    def on_train_begin(self, logs=None):
        self.step = getattr(self, "step", 0)  # a resumed run goes on counting
        if not self.frames:
            self.frames.append(self.draw())  # what G draws before any training

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.every and self.step % self.every == 0:
            self._add_frame(f"fixed z after {self.step} steps")

    def on_epoch_end(self, epoch, logs=None):
        if not self.every:
            self._add_frame(f"fixed z after epoch {epoch + 1}")
        elif self.model.stop_training or epoch + 1 >= (self.params or {}).get("epochs", epoch + 2):
            self.on_train_end()  # the last frame now, so a checkpoint saved after this epoch holds it

    def on_train_end(self, logs=None):
        if self.every and self.step != getattr(self, "_drawn_at", -1):
            self._add_frame(f"fixed z after {self.step} steps (end)")

    def _add_frame(self, title):
        self._drawn_at = self.step
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
    """Record what each training step logged, and redraw the curves every ``every`` steps.

    ``fit()`` logs each tracker's mean *since the epoch began* (``keras.metrics.Mean``), which
    flattens late trouble and jumps at every epoch. This callback undoes that mean: with
    m_k the mean after k steps of an epoch, step k's own value is k m_k - (k - 1) m_(k-1). So
    ``history`` holds one value per step, and the plot draws them faintly with the mean of
    the last ``window`` steps on top."""

    def __init__(self, every: int = 50, keys=None, show=None, window: int = 50):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive number of steps, got {every!r}.")
        if not isinstance(window, int) or window < 1:
            raise ValueError(f"window must be a positive number of steps, got {window!r}.")
        self.every = every
        self.keys = keys
        self.window = window
        self.show = _in_notebook() if show is None else show
        self.history = {}
        self.step = 0
        self._means, self._in_epoch = {}, 0
        self._handle = None

    def get_state(self) -> dict:
        return {**{f"history/{name}": np.asarray(values, np.float32) for name, values in self.history.items()},
                "step": np.int64(self.step)}

    def set_state(self, state: dict) -> None:
        self.history = {key.split("/", 1)[1]: [float(v) for v in value]
                        for key, value in state.items() if key.startswith("history/")}
        self.step = int(state["step"])

    def on_epoch_begin(self, epoch, logs=None):
        self._means, self._in_epoch = {}, 0  # fit() resets the trackers at every epoch

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        self._in_epoch += 1
        k = self._in_epoch
        for name, value in (logs or {}).items():
            mean = float(np.asarray(value))
            previous = self._means.get(name, mean)
            self.history.setdefault(name, []).append(k * mean - (k - 1) * previous)
            self._means[name] = mean
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
        plotting.plot_history(self.history, ax=ax, keys=self.keys, window=self.window,
                              title=f"each step (faint) and the mean of the last {self.window} steps")
        self._handle = _show_in_place(figure, self._handle)


class TimeBudget(keras.callbacks.Callback):
    """End ``fit()`` once ``minutes`` of training have passed, so a lesson ends on time on
    any hardware; every later cell works on whatever was reached.

    The clock runs from the start of ``fit()`` to its last step, compiling, drawing grids and
    saving checkpoints included (not what the cell does before or after ``fit``), and adds
    the minutes of earlier runs restored from a checkpoint (``EpochCheckpoint(...,
    keep_with=[budget])``). ``steps`` and ``spent`` (seconds) say what was reached; a run
    whose budget is spent is ``finished``, and ``cut_short`` when the budget ended it before
    the last of the ``planned`` steps (``epochs`` x ``steps_per_epoch`` of ``fit``): a machine
    slower than the budget allowed for."""

    def __init__(self, minutes: float, verbose: bool = True):
        super().__init__()
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not minutes > 0:
            raise ValueError(f"minutes must be a positive number, got {minutes!r}.")
        self.seconds = 60.0 * minutes
        self.verbose = verbose
        self.spent, self.steps = 0.0, 0
        self.planned = None  # epochs x steps_per_epoch of the last fit(), when it knows them
        self._stopped = False

    @property
    def finished(self) -> bool:
        return self.spent >= self.seconds

    @property
    def cut_short(self) -> bool:
        """The budget was spent before the run's last planned step."""
        return bool(self.finished and self.planned and self.steps < self.planned)

    def get_state(self) -> dict:
        return {"spent": np.float64(self.spent), "steps": np.int64(self.steps)}

    def set_state(self, state: dict) -> None:
        self.spent, self.steps = float(state["spent"]), int(state["steps"])

    def on_train_begin(self, logs=None):
        self._last, self._stopped, self._steps_before = time.perf_counter(), False, self.steps
        epochs, steps = (self.params or {}).get("epochs"), (self.params or {}).get("steps")
        self.planned = epochs * steps if epochs and steps else None

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        self.spent += now - self._last
        self._last = now
        self.steps += 1
        if self.finished:
            self.model.stop_training = True
            self._stopped = True

    def on_train_end(self, logs=None):
        if not self.verbose:
            return
        this_run = self.steps - self._steps_before
        if this_run == 0 and self.steps:
            print(f"Nothing trained now: the run loaded had finished ({self.steps:,} steps in "
                  f"{self.spent / 60:.1f} minutes). The cells below show that run.")
        else:
            why = "the time budget is spent" if self._stopped else "the last epoch ended"
            of = f" of its {self.planned:,} planned" if self.cut_short else ""
            print(f"Training stopped after {self.steps:,}{of} steps ({this_run:,} in this run), "
                  f"{self.spent / 60:.1f} of {self.seconds / 60:g} minutes: {why}.")


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
        images = sampling.generate_images(model, self.num_samples, self.labels, seed=self.seed)
        return self.scorer.score(images, real_features=self.real_features)
