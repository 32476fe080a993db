import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import keras
from workshop_utils import callbacks, datasets, mnist, models, plotting, runtime, scorers


@pytest.fixture(scope="module")
def gan_and_data():
    keras.utils.set_random_seed(0)
    gan = models.GAN(models.build_generator(8), models.build_discriminator())
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4), g_optimizer=keras.optimizers.Adam(2e-4))
    images, labels = mnist.procedural_digits(160, seed=4)
    return gan, images, labels


def test_sample_grid_keeps_a_frame_before_every_n_steps_and_at_the_end(gan_and_data):
    gan, images, _ = gan_and_data
    grid = callbacks.SampleGrid(np.zeros((6, 8), "float32"), columns=3, every=2, show=False)
    gan.fit(datasets.image_dataset(images, batch_size=32), epochs=1, verbose=0, callbacks=[grid])  # 5 steps
    assert len(grid.frames) == 1 + 2 + 1  # before training, after steps 2 and 4, at the end
    assert grid.frames[0].shape == (2 * 29 + 1, 3 * 29 + 1) and grid.frames[0].dtype == np.uint8
    assert not np.array_equal(grid.frames[0], grid.frames[-1])  # training changed the drawing
    with pytest.raises(ValueError, match=r"\(N, latent_dim\)"):
        callbacks.SampleGrid(np.zeros(8))


def test_live_loss_plot_records_every_step(gan_and_data):
    gan, images, _ = gan_and_data
    curves = callbacks.LiveLossPlot(every=2, show=False)
    gan.fit(datasets.image_dataset(images, batch_size=32), epochs=2, verbose=0, callbacks=[curves])
    assert set(curves.history) == {"d_loss", "g_loss", "D(x)", "D(G(z))"}
    assert len(curves.history["d_loss"]) == 10


def test_quality_tracker_scores_and_respects_a_time_budget(gan_and_data, tmp_path, monkeypatch):
    monkeypatch.setenv(runtime.CACHE_ENV_VAR, str(tmp_path))
    gan, images, labels = gan_and_data
    scorer = scorers.digit_scorer(images, labels, epochs=1, verbose=False)
    tracker = callbacks.QualityTracker(scorer, datasets.to_unit_range(images[:50]), every_seconds=0.2,
                                       num_samples=50, budget_seconds=0.5)
    gan.fit(datasets.image_dataset(images, batch_size=32).repeat(), epochs=1, steps_per_epoch=100_000,
            verbose=0, callbacks=[tracker])
    assert 1 <= tracker.step < 100_000  # stopped by the budget, not by running out of steps
    assert tracker.records[-1]["step"] == tracker.step
    assert {"seconds", "step", "fd", "confidence", "coverage"} <= set(tracker.records[0])
    seconds = [r["seconds"] for r in tracker.records]
    assert seconds == sorted(seconds)
    with pytest.raises(ValueError, match="positive"):
        callbacks.QualityTracker(scorer, datasets.to_unit_range(images[:50]), every_seconds=0)


def test_image_grid_tiles_row_by_row():
    images = np.stack([np.full((2, 3), v) for v in (-1.0, 0.0, 1.0)])  # three 2 x 3 tiles
    grid = plotting.image_grid(images, columns=2, padding=1)
    assert grid.shape == (2 * 3 + 1, 2 * 4 + 1)
    assert grid[1, 1] == 0 and grid[1, 5] == 128 and grid[4, 1] == 255
    with pytest.raises(ValueError, match=r"in \[-1, 1\]"):
        plotting.image_grid(images * 3)
    with pytest.raises(ValueError, match="at least one image"):
        plotting.image_grid(np.zeros((0, 4, 4)))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.integers(1, 5))
def test_image_grid_has_room_for_every_image(count, columns):
    grid = plotting.image_grid(np.zeros((count, 4, 5, 1)), columns=columns, padding=1)
    rows = -(-count // columns)
    assert grid.shape == (rows * 5 + 1, columns * 6 + 1)


def test_to_uint8_round_trips_unit_range():
    pixels = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    np.testing.assert_array_equal(plotting.to_uint8(datasets.to_unit_range(pixels))[..., 0], pixels)


def test_save_gif_writes_every_frame_atomically(tmp_path):
    frames = [np.full((10, 10), v, np.uint8) for v in (0, 100, 200)]
    path = plotting.save_gif(frames, tmp_path / "sub" / "train.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 3
    assert [p.name for p in path.parent.iterdir()] == ["train.gif"]
    with pytest.raises(ValueError, match=".gif"):
        plotting.save_gif(frames, tmp_path / "train.png")
    with pytest.raises(ValueError, match="at least one frame"):
        plotting.save_gif([], tmp_path / "empty.gif")


def test_plot_history_draws_each_series_and_rejects_unknown_ones():
    import matplotlib

    matplotlib.use("Agg")
    ax = plotting.plot_history({"a": [1, 2, 3], "b": [3, 2, 1]})
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    with pytest.raises(ValueError, match="No series"):
        plotting.plot_history({"a": [1]}, keys=["c"])
