"""The benchmarks measure the models the notebooks teach: they read their settings from the
notebooks with the one shared reader (tools/notebook_settings.py), and every configuration
they would train is built and trained for a few steps here."""

import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_settings import assigned, call_keywords, teaching_parameters  # noqa: E402


def benchmark(name):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the scripts only define things unless run as __main__
    return module


def in_mode(value, mode):
    return value[mode] if isinstance(value, dict) else value


def test_mnist_benchmark_trains_notebook_03s_settings():
    taught = teaching_parameters("03")
    settings = benchmark("mnist_quality").NOTEBOOK
    assert settings == {name: taught[name] for name in settings}


def test_faces_benchmark_default_is_notebook_04s_cpu_settings():
    taught = {name: in_mode(value, "fast") for name, value in teaching_parameters("04").items()}
    defaults = {key: value for key, value in benchmark("faces_control").CONFIGS["notebook"].items() if key != "model"}
    names = {"d_lr": "d_learning_rate", "g_lr": "g_learning_rate"}  # the benchmark's shorter keys
    for key, value in defaults.items():
        expected = taught[names.get(key, key)]
        assert (list(value) if isinstance(value, (list, tuple)) else value) == (
            list(expected) if isinstance(expected, (list, tuple)) else expected), key


def test_faces_benchmark_lowers_ds_rate_late_and_keeps_gs_as_the_notebook_does():
    """Notebook 04's `fast` mode lowers D's learning rate to a quarter over the second half of its
    steps and keeps G's (lowering both, or G's alone, measured worse): the benchmark's optimizers too."""
    import pytest

    control = benchmark("faces_control")
    config = control.parse_config("notebook", {})
    gan = control.build(config, 8, seed=0)
    steps = config["epochs"] * config["steps_per_epoch"]
    rates = {}
    for step in (0, steps // 2, steps, 2 * steps):
        for optimizer in (gan.d_optimizer, gan.g_optimizer):
            optimizer.iterations.assign(step)
        rates[step] = [float(gan.d_optimizer.learning_rate), float(gan.g_optimizer.learning_rate)]
    for step in (0, steps // 2):
        assert rates[step] == pytest.approx([config["d_lr"], config["g_lr"]]), step
    for step in (steps, 2 * steps):
        assert rates[step] == pytest.approx([config["d_lr"] / 4, config["g_lr"]]), step


def test_toy_benchmark_runs_notebook_02s_mode_collapse_settings():
    toy = benchmark("toy_modes")
    settings = assigned("02", "settings")
    for taught, ours in [("G 10x faster than D", "collapsing"), ("balanced", "covering")]:
        assert {key: toy.SETTINGS[ours][key] for key in settings[taught]} == settings[taught]
    ring = {k: v for k, v in call_keywords("02", "toys.ring_of_gaussians", having="radius").items() if k != "seed"}
    assert ring == toy.RING
    assert teaching_parameters("02")["batch_size"] == 256 == toy.train_toy.__defaults__[0]


def test_gpu_speed_benchmark_times_notebooks_03_and_04s_full_mode_models():
    speed = benchmark("gpu_speed")
    dcgan = {name: in_mode(value, "full") for name, value in teaching_parameters("03").items()}
    assert speed.DCGAN == {name: dcgan[name] for name in speed.DCGAN}
    faces = {name: in_mode(value, "full") for name, value in teaching_parameters("04").items()}
    assert {name: value for name, value in speed.FACES.items() if name != "num_attributes"} == {
        name: faces[name] for name in speed.FACES if name != "num_attributes"}
    assert speed.FACES["num_attributes"] == 40  # CelebA's, as full mode trains on


def test_the_jax_speed_benchmark_reads_the_notebooks_widths_and_batches():
    """It runs where there is no TensorFlow, so it is checked by reading it: it takes its
    settings from the shared reader, and none of its own."""
    source = (ROOT / "benchmarks" / "gpu_speed_jax.py").read_text()
    assert "from notebook_settings import teaching_parameters" in source
    constants = [node.targets[0].id for node in ast.parse(source).body
                 if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                 and node.targets[0].id.isupper() and isinstance(node.value, ast.Constant)]
    assert set(constants) <= {"FACE_ATTRIBUTES"}, f"literal settings in gpu_speed_jax.py: {constants}"


def test_every_benchmark_configuration_builds_and_trains_a_few_steps():
    """Each model a benchmark would train, built as the benchmark builds it and trained for two
    steps on a few images: a benchmark that cannot build its models fails here, not after
    minutes of training (the tutorial's model once did)."""
    import numpy as np

    from workshop_utils import cartoon_faces, datasets, mnist

    digits, labels = mnist.procedural_digits(64, seed=0)
    quality = benchmark("mnist_quality")
    for name in ("notebook", "conditional", "tutorial"):
        gan, optimizer, _ = quality.build(name)
        gan.compile(d_optimizer=optimizer(), g_optimizer=optimizer())
        data = datasets.image_dataset(digits, labels if name == "conditional" else None, batch_size=16)
        history = gan.fit(data, epochs=1, steps_per_epoch=2, verbose=0)
        assert np.isfinite(history.history["d_loss"][-1]), name
    control = benchmark("faces_control")
    faces, attributes = cartoon_faces.procedural_faces(32, seed=1)
    for name in control.CONFIGS:
        gan = control.build(control.parse_config(name, {}), attributes.shape[1], seed=0)
        history = gan.fit(datasets.attribute_dataset(faces, attributes, batch_size=16), epochs=1, steps_per_epoch=2,
                          verbose=0)
        assert np.isfinite(history.history["d_loss"][-1]), name
    speed = benchmark("gpu_speed")
    for name in ("dcgan", "faces"):
        gan, _, arrays = speed.build(name)
        batch = tuple(np.asarray(a, "float32") for a in arrays(4))
        gan.fit(datasets_like(batch), epochs=1, steps_per_epoch=1, verbose=0)


def datasets_like(arrays):
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(arrays if len(arrays) > 1 else arrays[0]).batch(len(arrays[0]))


def test_the_offline_folder_benchmark_times_a_cached_load(tmp_path):
    """``benchmarks/offline_folder.py`` on a small folder: the cache answers every load, and the
    JPEGs are never listed (a handful of entries, not the folder's files)."""
    import re
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "offline_folder.py"), "--count", "300",
                             "--scratch", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    listed = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) directory entries listed, 300 faces", result.stdout)]
    assert len(listed) == 3 and max(listed) < 20, result.stdout


def test_generators_saved_on_a_gpu_load_for_scoring_and_a_wrong_file_is_named(tmp_path):
    """``faces_full_jax.py`` (JAX, on a lent GPU) saves G's average as float16 arrays in
    ``generator.weights`` order; ``faces_control.py --score`` rebuilds notebook 04's full-width G
    from them: it draws what the saved weights draw, and a file of other widths gets a clear error."""
    import keras
    import numpy as np
    import pytest

    from workshop_utils import cartoon_faces, face_models

    control = benchmark("faces_control")
    full = teaching_parameters("04", "full")
    keras.utils.set_random_seed(3)
    trained = face_models.build_face_generator(full["latent_dim"], len(cartoon_faces.FACE_ATTRIBUTES),
                                               widths=tuple(full["g_widths"]))
    np.savez(tmp_path / "faces_full_seed0_step10.npz",
             **{f"w{i:03d}": w.numpy().astype(np.float16) for i, w in enumerate(trained.weights)})
    loaded = control.load_saved_generator(tmp_path / "faces_full_seed0_step10.npz")
    z = np.random.default_rng(0).standard_normal((4, full["latent_dim"])).astype("float32")
    y = np.ones((4, len(cartoon_faces.FACE_ATTRIBUTES)), "float32")
    drawn, expected = (np.asarray(g([z, y], training=False)) for g in (loaded, trained))
    assert np.abs(drawn - expected).max() < 0.02  # float16 weights: the same faces to a fraction of a pixel level
    assert np.abs(drawn - expected).max() > 0  # and they were read from the file, not shared

    small = face_models.build_face_generator(full["latent_dim"], len(cartoon_faces.FACE_ATTRIBUTES))
    np.savez(tmp_path / "small.npz", **{f"w{i:03d}": w.numpy() for i, w in enumerate(small.weights)})
    with pytest.raises(ValueError, match="full-width generator"):
        control.load_saved_generator(tmp_path / "small.npz")
    with pytest.raises(SystemExit, match="faces_full_jax.py"):
        control.score_saved(tmp_path / "empty", None)


def test_the_jax_faces_trainer_reads_notebook_04s_full_settings():
    """It runs where there is no TensorFlow, so it is checked by reading it: its recipe comes from
    notebook 04's parameters cell, and its checkpoints' names are the ones --score looks for."""
    source = (ROOT / "benchmarks" / "faces_full_jax.py").read_text()
    tree = ast.parse(source)
    assert 'FULL = base._FACES["full"]' in source  # notebook 04's full mode, via the shared reader
    constants = [node.targets[0].id for node in tree.body if isinstance(node, ast.Assign)
                 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant)]
    assert constants == [], f"literal settings in faces_full_jax.py: {constants}"
    for setting in ("batch_size", "d_learning_rate", "g_learning_rate", "beta_1", "class_weight", "average_decay",
                    "latent_dim", "d_steps", "g_widths", "d_widths"):
        assert f'FULL["{setting}"]' in source, setting
    assert 'f"faces_full_seed{seed}_step{step}.npz"' in source
    seed, step = 2, 11000  # the f-string's names
    assert benchmark("faces_control").SAVED.fullmatch(f"faces_full_seed{seed}_step{step}.npz").groups() == ("2", "11000")
