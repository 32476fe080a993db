"""One source for what is taught: the package modules holding the notebooks' ``# @save``
definitions, and the Colab setup cell in every notebook, are written by
``tools/make_package.py``; these tests fail when a copy differs from what the tool would write
(a saved cell edited without running the tool, or a generated file edited by hand)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def tool():
    spec = importlib.util.spec_from_file_location("make_package", ROOT / "tools" / "make_package.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generated_module_is_what_the_tool_writes():
    make = tool()
    modules = make.saved_modules()
    assert set(modules) == {"conv_arithmetic", "solutions", "models", "face_models"}
    for module, (path, saved) in modules.items():
        text = (ROOT / "workshop_utils" / f"{module}.py").read_text()
        assert text.startswith('"""') and make.GENERATED in text.split('"""')[1], f"{module}.py is not marked generated"
        assert text == make.module_text(module, path, saved), (
            f"workshop_utils/{module}.py differs from the # @save {module} cells of {path.name}: edit the notebook "
            f"cell, then run python tools/make_package.py (never the generated file)")


def test_the_setup_cell_is_one_source_in_every_notebook():
    make = tool()
    cell = make.setup_cell()
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.py")):
        assert make.with_setup_cell(path, cell) == path.read_text(), f"{path.name}'s setup cell is not tools/colab_setup_cell.py"


def test_the_check_mode_names_a_hand_edit_and_a_forgotten_regeneration(tmp_path):
    """The tool's own check, on a copy of the repository: editing a generated module by hand,
    or a saved cell without regenerating, is reported and fails."""
    import shutil

    copy = tmp_path / "repo"
    for part in ("tools", "notebooks", "workshop_utils"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("live", "outputs", "__pycache__", "catchup"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    check = [sys.executable, str(copy / "tools" / "make_package.py"), "--check"]
    assert subprocess.run(check, capture_output=True, text=True).returncode == 0
    generated = copy / "workshop_utils" / "conv_arithmetic.py"
    generated.write_text(generated.read_text().replace("// stride + 1", "// stride + 2"))  # a hand edit
    result = subprocess.run(check, capture_output=True, text=True)
    assert result.returncode == 1 and "workshop_utils/conv_arithmetic.py" in result.stdout
    shutil.copy(ROOT / "workshop_utils" / "conv_arithmetic.py", generated)
    notebook = copy / "notebooks" / "03_dcgan_mnist.py"
    notebook.write_text(notebook.read_text().replace("return 0.0  # nothing added", "return 0.5  # nothing added"))
    result = subprocess.run(check, capture_output=True, text=True)
    assert result.returncode == 1 and "workshop_utils/models.py" in result.stdout


@pytest.mark.parametrize("bad, words", [
    ("# The GAN  # @save", "must name its module"),
    ("# The GAN  # @save nowhere", "unknown module 'nowhere'"),
])
def test_a_saved_cell_must_name_a_known_module(tmp_path, monkeypatch, bad, words):
    make = tool()
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "09_x.py").write_text(f"# %%\n{bad}\ndef f():\n    return 1\n")
    monkeypatch.setattr(make, "NOTEBOOKS", notebooks)
    with pytest.raises(SystemExit, match=words):
        make.saved_modules()


def test_the_setup_cell_says_what_to_do_when_pip_fails_and_installs_a_shared_wheel(monkeypatch, capsys):
    """On Colab (faked here): a failed install from GitHub (throttled, a missing tag) ends the cell
    with one message that names the fallback; with WHEEL set, that file is what pip installs."""
    import subprocess
    import types

    cell = tool().setup_cell()
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        failed = "pip" in command and "git+" in command[-1]
        return subprocess.CompletedProcess(command, 1 if failed else 0, stdout="",
                                           stderr="fatal: unable to access github.com: 429 Too Many Requests")

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr("importlib.metadata.version", lambda name: "9.9.9")
    with pytest.raises(SystemExit) as stopped:
        exec(compile(cell, "setup cell", "exec"), {})
    message = str(stopped.value)
    assert "429 Too Many Requests" in message and "set WHEEL = '<its path>'" in message and "the tag v" in message
    with_wheel = cell.replace('WHEEL = ""', 'WHEEL = "/content/workshop_utils-0.3.0-py3-none-any.whl"')
    exec(compile(with_wheel, "setup cell", "exec"), {})
    assert [c for c in calls if "pip" in c][-1][-1] == "/content/workshop_utils-0.3.0-py3-none-any.whl"
    assert "Installed workshop_utils 9.9.9 (/content/workshop_utils-0.3.0-py3-none-any.whl)" in capsys.readouterr().out
