"""Notebook hygiene: committed clean, paired with jupytext, and consistent with the package.

The notebooks themselves are *run* by nbval (``pytest`` collects ``notebooks/*.ipynb``).
"""

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

import workshop_utils

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def pyproject_value(key):
    # pyproject's `key = "value"` (a regex, so the tests also run on Python 3.10)
    return re.search(rf'^{key} = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)


def repository_url():
    return pyproject_value("Repository")  # [project.urls]


def release():
    return pyproject_value("release")  # [tool.making-faces]: the git tag Colab installs


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    for cell in code_cells(path):
        assert not cell.get("outputs") and cell.get("execution_count") is None, (
            f"{path.name} has outputs; strip them (jupyter nbconvert --clear-output --inplace)"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_and_its_percent_script_are_in_sync(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{path.name} has no jupytext pair; run: jupytext --set-formats ipynb,py:percent {path}"
    assert script.read_text().count("# %%") > 0, f"{script.name} is not in jupytext percent format"
    from_notebook = [(c.cell_type, c.source.strip()) for c in jupytext.read(path).cells]
    from_script = [(c.cell_type, c.source.strip()) for c in jupytext.read(script).cells]
    assert from_notebook == from_script, f"{path.name} and {script.name} differ; run: jupytext --sync {script}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_the_package_only_on_colab(path):
    first = code_cells(path)[0].source
    assert '"google.colab" in sys.modules' in first and "pip" in first and "install" in first
    assert f'REPOSITORY = "{repository_url()}"' in first
    assert f'RELEASE = "{release()}"' in first and "git+{REPOSITORY}@{RELEASE}" in first
    assert "NO GPU" in first, "the setup cell must say, unmissably, when no GPU is attached"


def test_the_release_is_a_tag_not_a_moving_branch():
    assert release() not in ("main", "master", "HEAD") and re.fullmatch(r"v\d+\.\d+\.\d+", release())
    assert release() == "v" + pyproject_value("version"), "the release tag names the package version"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_starts_with_a_comment_saying_what_it_does(path):
    for cell in code_cells(path):
        assert cell.source.lstrip().startswith("#"), f"{path.name}: cell starts without a comment:\n{cell.source[:80]}"


def test_repository_url_is_written_in_one_place():
    url = repository_url()
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        badge = (f"colab.research.google.com/github/{url.removeprefix('https://github.com/')}"
                 f"/blob/{release()}/notebooks/{path.name}")
        assert badge in readme, f"README lacks the Colab badge link for {path.name}"
        assert badge in path.read_text(), f"{path.name} lacks its own Colab badge link"
    credited = {"artificialsoph/making-faces"}  # the original workshop, credited by name and link
    stray = set(re.findall(r"github\.com/([\w.-]+/[\w.-]+)", readme)) - {url.removeprefix("https://github.com/")} - credited
    assert not stray, f"README names other repositories: {stray}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_two_exercises_each_with_a_hidden_solution_that_catches_up(path):
    """An exercise: a markdown heading, a cell for the learner's answer (a name set to None),
    then a solution cell hidden in Colab (a form) and in Jupyter (source hidden) that uses
    the learner's answer when there is one and fills it in when there is not."""
    cells = nbformat.read(path, as_version=4).cells
    exercises = [i for i, cell in enumerate(cells) if cell.cell_type == "markdown" and "### Exercise" in cell.source]
    assert len(exercises) >= 2, f"{path.name} has {len(exercises)} exercises"
    for index in exercises:
        answer, solution = cells[index + 1], cells[index + 2]
        name = re.search(r"^(my_\w+) = None", answer.source, re.M)
        assert answer.cell_type == "code" and name, f"{path.name}: the cell after an exercise sets my_... = None"
        assert solution.metadata.get("cellView") == "form" and solution.metadata.get("jupyter", {}).get("source_hidden")
        assert solution.source.startswith("# @title Solution and catch-up")
        assert f"if {name.group(1)} is None" in solution.source or f"if {name.group(1)} is not None" in solution.source


@pytest.mark.parametrize("prefix", ["02", "03", "04"])
def test_notebooks_02_to_04_each_ask_for_a_prediction_and_a_diagnosis(prefix):
    """A predict-then-run exercise (a prediction written before a short run that decides it) and a
    diagnose exercise (a short run with a planted fault, its code hidden) in each GAN notebook."""
    path = next(p for p in NOTEBOOKS if p.name.startswith(prefix))
    cells = nbformat.read(path, as_version=4).cells
    headings = [line for cell in cells if cell.cell_type == "markdown" for line in cell.source.splitlines()
                if line.startswith("### Exercise")]
    assert any("Predict, then run" in h for h in headings), f"{path.name}: {headings}"
    assert any("Diagnose" in h for h in headings), f"{path.name}: {headings}"
    planted = [cell for cell in cells if cell.cell_type == "code" and "planted fault" in cell.source.splitlines()[0]]
    assert planted and all(cell.metadata.get("cellView") == "form" for cell in planted), "the faulty code stays hidden"


def run_notebook(path, folder):
    """Execute a notebook top to bottom with ``folder`` as its working folder; return its text output."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_runs_top_to_bottom_twice_in_the_same_folder(path, tmp_path):
    """Run all, then Run all again with the same output folder (resume is on), as a learner
    reopening a notebook does. pytest runs the complete notebooks here (the live-coding
    versions run under nbval): an error in any cell of either run fails the test. For
    notebook 04 the second run trains nothing, and every later cell (curves, grid, GIF,
    scores, explorer) shows the finished run's results."""
    first = run_notebook(path, tmp_path)
    second = run_notebook(path, tmp_path)
    if path.name.startswith("04"):
        assert "starting from scratch" in first and "Loaded the finished run" in second
        assert "Nothing trained now" in second
        for pattern in (r"last \d+ steps: D's hinge loss [\d.]+", r"attribute-control accuracy: [\d.]+",
                        r"realism FD [\d.]+", r"\d+ frames saved"):
            assert re.findall(pattern, first) == re.findall(pattern, second) != [], pattern
