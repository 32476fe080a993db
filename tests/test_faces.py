"""Notebook 04's parts: procedural faces, the VAC-GAN builders and train step, the
attribute scorer, checkpoints that resume, the explorer."""

import time

import keras
import numpy as np
import pytest
from keras import layers, ops

from workshop_utils import (callbacks, cartoon_faces, celeba, datasets, face_models, metrics, models, plotting,
    runtime, sampling, scorers, widgets)


# --- Procedural faces -----------------------------------------------------------------------


def test_procedural_faces_are_deterministic_and_balanced():
    images, attributes = cartoon_faces.procedural_faces(300, seed=4)
    again, _ = cartoon_faces.procedural_faces(300, seed=4)
    assert images.shape == (300, 64, 64, 3) and images.dtype == np.uint8
    assert attributes.shape == (300, len(cartoon_faces.FACE_ATTRIBUTES))
    np.testing.assert_array_equal(images, again)
    share = attributes.mean(axis=0)
    assert (share > 0.2).all() and (share < 0.7).all()
    column = cartoon_faces.FACE_ATTRIBUTES.index
    assert not (attributes[:, column("Black_Hair")] & attributes[:, column("Blond_Hair")]).any()


def test_procedural_faces_painted_by_a_pool_are_the_same_faces():
    """The GPU benchmark paints its training faces in parallel; they must be the faces a run here trains on."""
    from multiprocessing.pool import ThreadPool

    images, attributes = cartoon_faces.procedural_faces(600, seed=9)  # three chunks, the last one short
    with ThreadPool(2) as pool:
        pooled, pooled_attributes = cartoon_faces.procedural_faces(600, seed=9, pool=pool)
    np.testing.assert_array_equal(pooled, images)
    np.testing.assert_array_equal(pooled_attributes, attributes)


def test_procedural_face_names_are_celeba_names():
    assert set(cartoon_faces.FACE_ATTRIBUTES) <= set(celeba.CELEBA_ATTRIBUTES) and len(cartoon_faces.FACE_ATTRIBUTES) >= 6


@pytest.mark.parametrize("name", cartoon_faces.FACE_ATTRIBUTES)
def test_each_attribute_changes_the_picture(name):
    """Flip one attribute with everything else (pose, colours) fixed: the face must change."""
    base = np.zeros((1, len(cartoon_faces.FACE_ATTRIBUTES)), np.uint8)
    flipped = base.copy()
    flipped[0, cartoon_faces.FACE_ATTRIBUTES.index(name)] = 1
    without, with_it = cartoon_faces.render_faces(base, seed=3), cartoon_faces.render_faces(flipped, seed=3)
    changed = np.abs(without.astype(int) - with_it.astype(int)).max(axis=-1) > 40
    assert changed.sum() >= 15, f"{name} changes only {changed.sum()} pixels"


def test_render_faces_rejects_bad_attributes():
    with pytest.raises(ValueError, match=r"shape \(N, 8\)"):
        cartoon_faces.render_faces(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="0 or 1"):
        cartoon_faces.render_faces(np.full((2, 8), 2))
    with pytest.raises(ValueError, match="count"):
        cartoon_faces.sample_face_attributes(0)


def test_background_spread_is_small_on_rendered_faces_and_large_where_the_hue_shifts():
    """The top rows hold only background on every face: hats and hair (every attribute on) never
    reach them, so a rendered face's spread is its averaged noise; a left-to-right colour drift
    there, as a GAN's mottled background has, scores several times more."""
    attributes = np.ones((200, len(cartoon_faces.FACE_ATTRIBUTES)), np.uint8)  # hats, long hair, bangs
    attributes[:, cartoon_faces.FACE_ATTRIBUTES.index("Black_Hair")] = 0
    attributes[::2, cartoon_faces.FACE_ATTRIBUTES.index("Male")] = 0
    faces = datasets.to_unit_range(cartoon_faces.render_faces(attributes, seed=5))
    spread = cartoon_faces.background_spread(faces)
    assert spread.shape == (200,) and spread.max() < 2, spread.max()
    mottled = faces.copy()
    mottled[:, :cartoon_faces.BACKGROUND_ROWS, :, 0] += np.linspace(-0.3, 0.3, 64)  # red drifts by 77 levels
    mottled = np.clip(mottled, -1, 1)
    assert (cartoon_faces.background_spread(mottled) > spread + 4).all()
    with pytest.raises(ValueError, match=r"shape \(N, 64, 64, 3\)"):
        cartoon_faces.background_spread(faces[:, :32])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        cartoon_faces.background_spread(faces * 255)


# --- The model --------------------------------------------------------------------------------


def small_gan(num_attributes=8, latent_dim=8, seed=0, average_decay=None, **compile_options):
    keras.utils.set_random_seed(seed)
    generator = face_models.build_face_generator(latent_dim, num_attributes, widths=(16, 8, 8, 8))
    discriminator = face_models.build_face_discriminator(num_attributes, widths=(8, 8, 8, 8))
    gan = face_models.VACGAN(generator, discriminator, seed=seed, average_decay=average_decay)
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.0), keras.optimizers.Adam(2e-4, beta_1=0.0), **compile_options)
    return gan


def test_face_builders_shapes_and_celeba_heads():
    generator = face_models.build_face_generator(16, 40, widths=(16, 8, 8, 8))
    discriminator = face_models.build_face_discriminator(40, widths=(8, 8, 8, 8))
    z = np.random.default_rng(0).standard_normal((3, 16)).astype("float32")
    images = generator([z, np.ones((3, 40), "float32")])
    assert tuple(images.shape) == (3, 64, 64, 3)
    assert -1 <= float(np.min(images)) and float(np.max(images)) <= 1
    real_fake, attributes = discriminator(images)
    assert tuple(real_fake.shape) == (3, 1) and tuple(attributes.shape) == (3, 40)


def test_modulate_starts_as_the_identity_then_scales_and_shifts_each_map_alike_at_every_pixel():
    rng = np.random.default_rng(0)
    maps, codes = keras.Input((4, 4, 3)), keras.Input((5,))
    model = keras.Model([maps, codes], face_models.modulate(maps, codes))
    x = rng.standard_normal((2, 4, 4, 3)).astype("float32")
    zy = rng.standard_normal((2, 5)).astype("float32")
    np.testing.assert_allclose(model([x, zy]), x, atol=1e-6)  # scale 1 and shift 0 before training
    scale_layer, shift_layer = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    for layer in (scale_layer, shift_layer):
        layer.kernel.assign(rng.standard_normal(layer.kernel.shape).astype("float32"))
    scale = zy @ scale_layer.kernel.numpy() + scale_layer.bias.numpy()  # (2, 3): one per face and map
    shift = zy @ shift_layer.kernel.numpy() + shift_layer.bias.numpy()
    np.testing.assert_allclose(model([x, zy]), x * scale[:, None, None] + shift[:, None, None], rtol=1e-5, atol=1e-5)


def test_each_upsampling_block_has_a_scale_and_a_shift_that_read_z_and_y_and_change_the_face():
    generator = face_models.build_face_generator(8, 5, widths=(16, 8, 8, 8))
    z, y = np.random.default_rng(0).standard_normal((1, 8)).astype("float32"), np.ones((1, 5), "float32")
    dense = [layer for layer in generator.layers if isinstance(layer, layers.Dense)]
    assert len(dense) == 1 + 2 * 3  # the 4 x 4 projection, then a scale and a shift for each of three blocks
    modulations = dense[1:]
    assert all(layer.kernel.shape[0] == 8 + 5 for layer in modulations)  # each reads all of [z, y]
    assert sorted(layer.units for layer in modulations) == [8] * 6  # one per map of its block (widths 8, 8, 8)
    for layer in modulations:  # nudging any one of them changes the picture: every one is wired in
        before = generator([z, y], training=False)
        layer.bias.assign(layer.bias.numpy() + 0.5)
        assert not np.allclose(generator([z, y], training=False), before), layer.name


def test_every_discriminator_convolution_is_spectrally_normalised():
    discriminator = face_models.build_face_discriminator(8, widths=(8, 8, 8, 8))
    convolutions = [layer for layer in discriminator.layers if isinstance(getattr(layer, "layer", layer), layers.Conv2D)]
    assert len(convolutions) == 4
    assert all(isinstance(layer, layers.SpectralNormalization) for layer in convolutions)


def test_train_step_logs_and_learns_the_attributes():
    images, attributes = cartoon_faces.procedural_faces(256, seed=5)
    gan = small_gan()
    dataset = datasets.attribute_dataset(images, attributes, batch_size=32).repeat()
    before = [w.numpy().copy() for w in gan.generator.trainable_weights]
    history = gan.fit(dataset, epochs=3, steps_per_epoch=10, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "d_class_loss", "real_attr_acc", "fake_attr_acc"}
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert history.history["d_class_loss"][-1] < history.history["d_class_loss"][0]  # D's head learns
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(before, gan.generator.trainable_weights))
    assert int(gan.d_optimizer.iterations.numpy()) == 30


def test_the_train_step_compiled_by_xla_takes_the_same_steps():
    """Notebook 04's fast mode asks for XLA on a CPU (jit_compile=True). From the same weights, batches
    and z, three compiled steps end where three graph steps do (float32 sums in another order aside),
    D and G's average included. (z is fixed here: XLA draws other random numbers from the same seed.)"""
    images, attributes = cartoon_faces.procedural_faces(96, seed=5)
    trained = []
    for jit_compile in (False, True):
        gan = small_gan(average_decay=0.5, jit_compile=jit_compile)
        assert gan.jit_compile is jit_compile
        gan.noise = lambda batch_size: ops.sin(ops.reshape(ops.arange(batch_size * 8, dtype="float32"), (-1, 8)))
        start = [w.numpy().copy() for w in gan.weights]
        gan.fit(datasets.attribute_dataset(images, attributes, batch_size=32, shuffle=False), epochs=1, verbose=0)
        trained.append([w.numpy() for w in gan.weights])
    moved = max(float(np.abs(a - b).max()) for a, b in zip(start, trained[1]))
    apart = max(float(np.abs(a - b).max()) for a, b in zip(*trained))
    assert moved > 1e-3 and apart < 1e-4, (moved, apart)
    with pytest.raises(ValueError, match="jit_compile"):
        small_gan(jit_compile="yes")


def test_two_discriminator_steps_per_generator_step():
    images, attributes = cartoon_faces.procedural_faces(64, seed=5)
    gan = small_gan()
    gan.d_steps = 2
    gan.fit(datasets.attribute_dataset(images, attributes, batch_size=32).repeat(), epochs=1, steps_per_epoch=3,
            verbose=0)
    assert int(gan.d_optimizer.iterations.numpy()) == 6 and int(gan.g_optimizer.iterations.numpy()) == 3


def test_generate_images_takes_attribute_vectors():
    gan = small_gan()
    generated = sampling.generate_images(gan, 5, np.eye(5, 8), seed=1, batch_size=2)
    assert generated.shape == (5, 64, 64, 3)
    np.testing.assert_allclose(generated, sampling.generate_images(gan, 5, np.eye(5, 8), seed=1), atol=1e-5)


# --- Checkpoints --------------------------------------------------------------------------------


def test_checkpoint_resumes_with_optimizer_state_and_step_count(tmp_path):
    images, attributes = cartoon_faces.procedural_faces(128, seed=6)
    dataset = datasets.attribute_dataset(images, attributes, batch_size=16).repeat()

    class Crash(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if int(self.model.d_optimizer.iterations.numpy()) == 7:
                raise KeyboardInterrupt

    first = small_gan()
    checkpoint = callbacks.EpochCheckpoint(tmp_path, verbose=False)
    with pytest.raises(KeyboardInterrupt):
        first.fit(dataset, epochs=3, steps_per_epoch=3, callbacks=[checkpoint, Crash()], verbose=0)
    assert [epoch for epoch, _ in checkpoint.checkpoints()] == [1, 2]
    saved_moments = [v.numpy().copy() for v in first.d_optimizer.variables]

    second = small_gan(seed=1)  # a fresh process would start from different weights
    assert checkpoint.restore(second) == 2
    assert int(second.d_optimizer.iterations.numpy()) == 6 and int(second.g_optimizer.iterations.numpy()) == 6
    # the moments restored are those saved after epoch 2, not the fresh optimizer's zeros
    assert any(np.abs(v.numpy()).sum() > 0 for v in second.d_optimizer.variables[2:])
    second.fit(dataset, epochs=3, steps_per_epoch=3, initial_epoch=2, callbacks=[checkpoint], verbose=0)
    assert int(second.d_optimizer.iterations.numpy()) == 9  # as many steps as an uninterrupted run
    assert [epoch for epoch, _ in checkpoint.checkpoints()] == [2, 3]  # keep=2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary files left behind"
    assert len(saved_moments) == len(second.d_optimizer.variables)


def test_late_decay_holds_the_rate_for_half_the_steps_then_lowers_it_to_a_quarter():
    schedule = face_models.late_decay(1.6e-3, 3000)
    held, middle, last, after = ([float(schedule(step)) for step in steps] for steps in
                                 [(0, 750, 1499, 1500), (2250,), (2999, 3000), (6000,)])
    assert held == pytest.approx([1.6e-3] * 4)
    assert middle == pytest.approx([1.0e-3], rel=1e-3)  # half-way down the cosine: (1 + 1/4) / 2 of the rate
    assert last + after == pytest.approx([4e-4] * 3, rel=1e-3)
    odd = face_models.late_decay(1.0, 7)  # 3 steps held, 4 down
    assert [float(odd(step)) for step in (3, 7)] == pytest.approx([1.0, 0.25])
    with pytest.raises(ValueError, match="at least 2 steps"):
        face_models.late_decay(1e-3, 1)


def test_a_resumed_run_goes_on_down_the_decay_from_the_step_it_reached(tmp_path):
    images, attributes = cartoon_faces.procedural_faces(64, seed=6)
    dataset = datasets.attribute_dataset(images, attributes, batch_size=16).repeat()
    schedule = face_models.late_decay(1e-3, 8)  # held for steps 0-3, then down to 2.5e-4 at step 8
    first = small_gan()
    first.compile(keras.optimizers.Adam(schedule, beta_1=0.0), keras.optimizers.Adam(schedule, beta_1=0.0))
    checkpoint = callbacks.EpochCheckpoint(tmp_path, verbose=False)
    first.fit(dataset, epochs=2, steps_per_epoch=3, callbacks=[checkpoint], verbose=0)
    second = small_gan(seed=1)
    second.compile(keras.optimizers.Adam(schedule, beta_1=0.0), keras.optimizers.Adam(schedule, beta_1=0.0))
    assert float(second.g_optimizer.learning_rate) == pytest.approx(1e-3)  # a fresh run starts at the top
    assert checkpoint.restore(second) == 2
    for optimizer in (second.d_optimizer, second.g_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(float(schedule(6)))
    assert float(schedule(6)) < 1e-3
    second.fit(dataset, epochs=3, steps_per_epoch=3, initial_epoch=2, callbacks=[checkpoint], verbose=0)
    assert float(second.g_optimizer.learning_rate) == pytest.approx(2.5e-4)  # step 9: past the end, a quarter


def test_unreadable_newest_checkpoint_falls_back_to_the_one_before(tmp_path, capsys):
    gan = small_gan()
    checkpoint = callbacks.EpochCheckpoint(tmp_path)
    checkpoint.set_model(gan)
    checkpoint.on_epoch_end(0)
    checkpoint.on_epoch_end(1)
    newest = checkpoint.checkpoints()[-1][1]
    newest.write_bytes(newest.read_bytes()[:500])
    assert checkpoint.restore(small_gan()) == 1
    assert "could not be loaded" in capsys.readouterr().out
    checkpoint.clear()
    assert checkpoint.restore(small_gan()) == 0


def test_output_dir_is_local_off_colab(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = runtime.output_dir("04_faces")
    assert folder.is_dir() and folder.resolve() == (tmp_path / "outputs" / "04_faces").resolve()
    with pytest.raises(ValueError, match="plain folder name"):
        runtime.output_dir("../elsewhere")


# --- Measuring ------------------------------------------------------------------------------------


def test_attribute_scorer_reads_procedural_faces(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path))
    images, attributes = cartoon_faces.procedural_faces(600, seed=7)
    scorer = scorers.attribute_scorer(images[:500], attributes[:500], cartoon_faces.FACE_ATTRIBUTES, epochs=2, verbose=False)
    held = images[500:] / 127.5 - 1
    accuracy = scorer.accuracy(held, attributes[500:])
    assert set(accuracy) == set(cartoon_faces.FACE_ATTRIBUTES) | {"mean"}
    assert accuracy["mean"] > metrics.majority_baseline(attributes[500:]).mean() + 0.05
    # cached: a second call loads the same model instead of training
    again = scorers.attribute_scorer(images[:500], attributes[:500], cartoon_faces.FACE_ATTRIBUTES, epochs=2, verbose=False)
    np.testing.assert_array_equal(again.predict(held), scorer.predict(held))
    with pytest.raises(ValueError, match=r"shape \(N, 64, 64, 3\)"):
        scorer.predict(np.zeros((2, 28, 28, 1)))
    with pytest.raises(ValueError, match="0 or 1"):
        scorer.accuracy(held[:2], np.full((2, 8), 0.5))

    # Realism: real faces sit near the real-vs-real floor; mottled or blank ones far above it.
    real_features, logits = scorer.features_and_logits(held[:50])
    assert real_features.shape == (50, 128) and logits.shape == (50, 8)
    floor = scorer.realism(held[50:], real_features)
    mottled = np.clip(held[50:] + 0.5 * np.random.default_rng(0).normal(size=held[50:].shape), -1, 1)
    assert scorer.realism(mottled, real_features) > 3 * floor
    assert scorer.realism(np.zeros_like(held[50:]), real_features) > 3 * floor
    with pytest.raises(ValueError, match=r"shape \(N, 64, 64, 3\)"):
        scorer.realism(np.zeros((2, 28, 28, 1)), real_features)


def test_majority_baseline():
    np.testing.assert_allclose(metrics.majority_baseline([[1, 0], [1, 0], [0, 0], [1, 1]]), [0.75, 0.75])


def test_attribute_bars_and_column_titles():
    import matplotlib

    matplotlib.use("Agg")
    ax = plotting.plot_attribute_bars(["a", "b"], {"x": [0.5, 1.0], "y": [0.2, 0.3]})
    assert len(ax.patches) == 4
    with pytest.raises(ValueError, match="2 values for 3 names"):
        plotting.plot_attribute_bars(["a", "b", "c"], {"x": [0.5, 1.0]})
    ax = plotting.show_images(np.zeros((4, 8, 8, 3)), columns=2, column_titles=["left", "right"])
    assert [t.get_text() for t in ax.texts] == ["left", "right"]


# --- The explorer ---------------------------------------------------------------------------------


def test_face_explorer_redraws_when_a_toggle_changes():
    calls = []

    def generate(z, y):
        calls.append(y.copy())
        return np.tanh(np.full((1, 64, 64, 3), y.sum() / 4 - 1 + z.mean() * 0, np.float32))

    explorer = widgets.FaceExplorer(generate, cartoon_faces.FACE_ATTRIBUTES, 8, attributes=["Smiling", "Male"], directions=2)
    first = explorer.last_image.copy()
    explorer.toggles["Smiling"].value = True  # what a click does
    assert calls[-1][0, cartoon_faces.FACE_ATTRIBUTES.index("Smiling")] == 1
    assert not np.array_equal(first, explorer.last_image)
    z_before, _ = explorer.inputs()
    explorer.sliders[0].value = 2.0
    z_after, _ = explorer.inputs()
    assert np.isclose(np.linalg.norm(z_after - z_before), 2.0)
    with pytest.raises(ValueError, match="Did you mean 'Smiling'"):
        widgets.FaceExplorer(generate, cartoon_faces.FACE_ATTRIBUTES, 8, attributes=["Smilling"])


# --- A real process, killed mid-epoch -----------------------------------------------------------


def test_a_killed_training_process_resumes_and_ends_with_the_same_step_count(tmp_path):
    import json
    import signal
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).with_name("resumable_training.py")
    folder = tmp_path / "checkpoints"
    command = [sys.executable, str(script), str(folder), "4", "5", "0.1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    checkpoint = callbacks.EpochCheckpoint(folder, verbose=False)
    deadline = time.monotonic() + 120
    while not any(epoch >= 2 for epoch, _ in checkpoint.checkpoints()):  # wait for epoch 2 to be saved
        assert process.poll() is None and time.monotonic() < deadline, "training ended or hung before epoch 2"
        time.sleep(0.05)
    time.sleep(0.25)  # now a few steps into epoch 3
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    saved = [epoch for epoch, _ in checkpoint.checkpoints()]
    assert saved and max(saved) in (2, 3)
    resumed = subprocess.run(command[:-1], capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert report["initial_epoch"] == max(saved)
    assert report["d_steps"] == report["g_steps"] == 4 * 5  # as many as an uninterrupted run


def test_a_save_that_dies_half_way_leaves_the_previous_checkpoint_whole(tmp_path, monkeypatch):
    gan = small_gan()
    checkpoint = callbacks.EpochCheckpoint(tmp_path, verbose=False)
    checkpoint.set_model(gan)
    checkpoint.on_epoch_end(0)

    def dies_half_way(path, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"\x89HDF\r\n half a file")
        raise KeyboardInterrupt  # the kernel was stopped mid-save

    monkeypatch.setattr(gan, "save_weights", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.on_epoch_end(1)
    assert [epoch for epoch, _ in checkpoint.checkpoints()] == [1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epoch-00001.state.npz", "epoch-00001.weights.h5"]
    assert checkpoint.restore(small_gan()) == 1


def test_a_nan_in_the_third_batch_stops_the_face_gan_at_step_three():
    import tensorflow as tf

    images, attributes = cartoon_faces.procedural_faces(48, seed=8)
    scaled = images / 127.5 - 1
    scaled[32:48] = np.nan  # the third batch of 16 is broken
    dataset = tf.data.Dataset.from_tensor_slices((scaled.astype("float32"), attributes.astype("float32"))).batch(16)
    gan = small_gan()
    with pytest.raises(callbacks.NonFiniteLossError, match=r"training step 3 \(.*d_loss=nan") as error:
        gan.fit(dataset, epochs=1, verbose=0, callbacks=[callbacks.StopOnNaN()])
    assert "lower learning rate" in str(error.value)
