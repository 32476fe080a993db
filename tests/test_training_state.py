"""Time-boxed training and the state that survives it: TimeBudget ends fit() on the clock,
LiveLossPlot records each step's own value (not fit()'s running mean), and EpochCheckpoint
saves the curves, the grids and the time spent beside the weights, so a resumed or finished
run shows its whole history; other settings keep their checkpoints apart; catch-up
generators load from a path or a shared link (served on 127.0.0.1)."""

import http.server
import threading
import time

import keras
import numpy as np
import pytest

from workshop_utils import callbacks, cartoon_faces, catchup, datasets, face_models, models, plotting, runtime


def small_gan(seed=0, widths=(16, 8, 8, 8)):
    keras.utils.set_random_seed(seed)
    generator = face_models.build_face_generator(8, len(cartoon_faces.FACE_ATTRIBUTES), widths=widths)
    discriminator = face_models.build_face_discriminator(len(cartoon_faces.FACE_ATTRIBUTES), widths=(8, 8, 8, 8))
    gan = face_models.VACGAN(generator, discriminator)
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.0), keras.optimizers.Adam(2e-4, beta_1=0.0))
    return gan


@pytest.fixture(scope="module")
def faces():
    images, attributes = cartoon_faces.procedural_faces(64, seed=2)
    return datasets.attribute_dataset(images, attributes, batch_size=16).repeat()


class Slow(keras.callbacks.Callback):
    def __init__(self, pause):
        super().__init__()
        self.pause = pause

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(self.pause)


def test_live_loss_plot_undoes_the_running_mean_of_each_epoch():
    curves = callbacks.LiveLossPlot(every=100, show=False)
    values = [[4.0, 2.0, 0.0], [10.0, 20.0]]  # two epochs of per-step losses
    for epoch in values:
        curves.on_epoch_begin(0)
        for k, _ in enumerate(epoch, 1):
            curves.on_train_batch_end(k - 1, {"loss": np.float32(np.mean(epoch[:k]))})  # what fit() logs
    np.testing.assert_allclose(curves.history["loss"], [4.0, 2.0, 0.0, 10.0, 20.0], atol=1e-5)
    np.testing.assert_allclose(plotting.trailing_mean([4, 2, 0, 10, 20], 2), [4, 3, 1, 5, 15])


def test_a_time_budget_ends_fit_and_counts_the_time_of_a_restored_run(faces, tmp_path, capsys):
    gan = small_gan()
    gan.fit(faces, epochs=1, steps_per_epoch=1, verbose=0)  # compile the step first: the budget is short
    budget = callbacks.TimeBudget(minutes=1.0 / 60)  # one second
    gan.fit(faces, epochs=1000, steps_per_epoch=2, verbose=0, callbacks=[budget, Slow(0.05)])
    assert budget.finished and 1.0 <= budget.spent < 5
    assert 2 <= budget.steps < 2000 and int(gan.d_optimizer.iterations.numpy()) == budget.steps + 1
    assert budget.planned == 2000 and budget.cut_short  # the clock ended it, not the epochs
    assert f"after {budget.steps:,} of its 2,000 planned steps" in capsys.readouterr().out
    roomy = callbacks.TimeBudget(minutes=10)
    gan.fit(faces, epochs=2, steps_per_epoch=2, verbose=0, callbacks=[roomy])
    assert roomy.planned == 4 and roomy.steps == 4 and not roomy.finished and not roomy.cut_short
    printed = capsys.readouterr().out
    assert "after 4 steps (4 in this run)" in printed and "the last epoch ended" in printed
    again = callbacks.TimeBudget(minutes=2.0 / 60)
    again.set_state(budget.get_state())  # as a checkpoint hands it back
    assert not again.finished and again.steps == budget.steps
    with pytest.raises(ValueError, match="positive number"):
        callbacks.TimeBudget(0)


def test_a_finished_run_restores_its_curves_grids_and_budget_and_trains_nothing(faces, tmp_path, capsys):
    def parts():
        z = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
        y = np.zeros((4, len(cartoon_faces.FACE_ATTRIBUTES)), "float32")
        return (callbacks.SampleGrid(z, y, columns=2, every=3, show=False), callbacks.LiveLossPlot(show=False),
                callbacks.TimeBudget(minutes=0.6 / 60, verbose=True))

    grid, curves, budget = parts()
    checkpoint = callbacks.EpochCheckpoint(tmp_path, keep_with=[grid, curves, budget], verbose=False)
    gan = small_gan()
    gan.fit(faces, epochs=1000, steps_per_epoch=4, initial_epoch=checkpoint.restore(gan), verbose=0,
            callbacks=[grid, curves, checkpoint, budget, Slow(0.05)])
    steps = budget.steps
    assert budget.finished and len(curves.history["d_loss"]) == steps

    # a second "Run all": fresh objects, the same folder
    grid2, curves2, budget2 = parts()
    checkpoint2 = callbacks.EpochCheckpoint(tmp_path, keep_with=[grid2, curves2, budget2])
    gan2 = small_gan(seed=1)
    initial = checkpoint2.restore(gan2)
    assert checkpoint2.finished and initial == 1000
    assert "finished run" in capsys.readouterr().out
    gan2.fit(faces, epochs=1000, steps_per_epoch=4, initial_epoch=initial, verbose=0,
             callbacks=[grid2, curves2, checkpoint2, budget2])
    assert int(gan2.d_optimizer.iterations.numpy()) == steps  # nothing more was trained
    assert "Nothing trained now" in capsys.readouterr().out
    assert curves2.history["d_loss"] == pytest.approx(curves.history["d_loss"])
    assert len(grid2.frames) == len(grid.frames) and np.array_equal(grid2.frames[-1], grid.frames[-1])
    plotting.save_gif(grid2.frames, tmp_path / "run.gif")  # the later cells work on the restored run


def test_an_interrupted_run_resumes_from_its_last_checkpoint_with_matching_curves(faces, tmp_path):
    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if int(self.model.d_optimizer.iterations.numpy()) == 7:
                raise KeyboardInterrupt  # Kernel > Interrupt, mid-epoch 2

    curves, budget = callbacks.LiveLossPlot(show=False), callbacks.TimeBudget(minutes=10)
    checkpoint = callbacks.EpochCheckpoint(tmp_path, keep_with=[curves, budget], verbose=False)
    gan = small_gan()
    with pytest.raises(KeyboardInterrupt):
        gan.fit(faces, epochs=3, steps_per_epoch=4, verbose=0, callbacks=[curves, budget, checkpoint, Interrupt()])
    assert len(curves.history["d_loss"]) == 7
    # the training cell run again: it restores first, so curves, budget and weights agree
    initial = checkpoint.restore(gan)
    assert initial == 1 and budget.steps == 4 and len(curves.history["d_loss"]) == 4
    gan.fit(faces, epochs=3, steps_per_epoch=4, initial_epoch=initial, verbose=0, callbacks=[curves, budget, checkpoint])
    assert int(gan.d_optimizer.iterations.numpy()) == budget.steps == len(curves.history["d_loss"]) == 12


def test_other_settings_keep_their_checkpoints_apart_and_are_named(faces, tmp_path, capsys):
    narrow = callbacks.EpochCheckpoint(tmp_path, settings={"g_widths": (16, 8, 8, 8)}, verbose=False)
    gan = small_gan()
    gan.fit(faces, epochs=2, steps_per_epoch=2, verbose=0, callbacks=[narrow])
    wide = callbacks.EpochCheckpoint(tmp_path, settings={"g_widths": (32, 8, 8, 8)}, keep=1)
    wider_gan = small_gan(widths=(32, 8, 8, 8))
    assert wide.restore(wider_gan) == 0
    out = capsys.readouterr().out
    assert "starting from scratch" in out and "g_widths [16, 8, 8, 8] there, [32, 8, 8, 8] now" in out
    assert "could not be loaded" not in out  # the other model's files were never tried
    wider_gan.fit(faces, epochs=3, steps_per_epoch=1, verbose=0, callbacks=[wide])
    assert [e for e, _ in narrow.checkpoints()] == [1, 2]  # keep=1 of the wide run deleted none of them
    assert [e for e, _ in wide.checkpoints()] == [3]


class Files(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        status, body = self.server.routes.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    httpd.routes = {}
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_the_instructors_generator_loads_from_a_path_or_a_link_and_bad_links_say_why(tmp_path, server, monkeypatch):
    monkeypatch.setenv(runtime.CACHE_ENV_VAR, str(tmp_path / "cache"))
    instructor = models.build_generator(16)
    instructor.save_weights(tmp_path / "generator.weights.h5")
    learner = models.build_generator(16)
    assert catchup.restore_trained(learner, str(tmp_path / "generator.weights.h5")) == 1
    np.testing.assert_array_equal(learner.get_weights()[0], instructor.get_weights()[0])

    server.routes["/gen.weights.h5"] = (200, (tmp_path / "generator.weights.h5").read_bytes())
    server.routes["/page"] = (200, b"<!DOCTYPE html><html>Sign in to continue</html>")
    linked = models.build_generator(16)
    catchup.restore_trained(linked, f"{server.url}/gen.weights.h5")
    np.testing.assert_array_equal(linked.get_weights()[0], instructor.get_weights()[0])
    with pytest.raises(ValueError, match="Anyone with the link"):
        catchup.restore_trained(models.build_generator(16), f"{server.url}/page")
    with pytest.raises(ValueError, match="HTTP 404"):
        catchup.restore_trained(models.build_generator(16), f"{server.url}/missing")
    with pytest.raises(ValueError, match="cannot reach"):
        catchup.restore_trained(models.build_generator(16), "http://127.0.0.1:9/generator.weights.h5")
    with pytest.raises(ValueError, match="other shapes.*train it again with this version"):
        catchup.restore_trained(models.build_generator(32), f"{server.url}/gen.weights.h5")
    with pytest.raises(ValueError, match="names no file"):
        catchup.restore_trained(learner, "https://drive.google.com/drive/my-drive")
    assert not [p for p in (tmp_path / "cache").rglob(".*")], "a failed download left a partial file"
    run = tmp_path / "run"  # a training run stopped before its generator was saved
    gan = small_gan()
    gan.fit(datasets.attribute_dataset(*cartoon_faces.procedural_faces(32, seed=3), batch_size=16), epochs=1,
            steps_per_epoch=1, verbose=0, callbacks=[callbacks.EpochCheckpoint(run, verbose=False,
                                                                              keep_with=[callbacks.TimeBudget(1)])])
    with pytest.raises(ValueError, match="whole GAN, not a generator file"):
        catchup.restore_trained(small_gan().generator, str(run))
    catchup.save_generator(gan.generator, run)  # the end of the training cell
    assert catchup.restore_trained(small_gan(seed=2).generator, str(run)) == 1
    assert catchup._drive_download_url("https://drive.google.com/file/d/1AbCdEfGhIjK/view?usp=sharing").endswith(
        "id=1AbCdEfGhIjK&export=download&confirm=t")
