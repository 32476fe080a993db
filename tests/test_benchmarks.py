"""The benchmarks measure the models the notebooks teach: their settings are read from the
notebooks' teaching-parameter cells and compared with the benchmarks' own copies."""

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def benchmark(name):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the scripts only define things unless run as __main__
    return module


def notebook_tree(prefix):
    return ast.parse(next((ROOT / "notebooks").glob(f"{prefix}_*.py")).read_text())


def teaching_parameters(prefix):
    """The keyword arguments of the notebook's `runtime.scaled(...)` call, as Python values."""
    for node in ast.walk(notebook_tree(prefix)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "runtime.scaled":
            return {keyword.arg: ast.literal_eval(keyword.value) for keyword in node.keywords}
    raise AssertionError(f"notebook {prefix} has no runtime.scaled(...) cell")


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


def test_toy_benchmark_runs_notebook_02s_mode_collapse_settings():
    toy = benchmark("toy_modes")
    tree = notebook_tree("02")
    node = next(node for node in ast.walk(tree)
                if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "settings")
    settings = eval(compile(ast.Expression(node.value), "notebook 02", "eval"), {"__builtins__": {}, "dict": dict})
    for taught, ours in [("G 10x faster than D", "collapsing"), ("balanced", "covering")]:
        assert {key: toy.SETTINGS[ours][key] for key in settings[taught]} == settings[taught]
    ring_call = next(node for node in ast.walk(tree) if isinstance(node, ast.Call)
                     and ast.unparse(node.func) == "toys.ring_of_gaussians" and node.keywords
                     and any(k.arg == "radius" for k in node.keywords))
    ring = {k.arg: ast.literal_eval(k.value) for k in ring_call.keywords if k.arg != "seed"}
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
