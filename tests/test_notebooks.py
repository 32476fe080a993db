"""Notebook hygiene: committed clean, paired with jupytext, and consistent with the package.

The notebooks themselves are *run* by nbval (``pytest`` collects ``notebooks/*.ipynb``).
"""

import ast
import inspect
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from workshop_utils import conv_arithmetic, face_models, models

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SAVED_MODULES = [models, face_models, conv_arithmetic]  # where `# @save` definitions are kept


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
    stray = set(re.findall(r"github\.com/([\w.-]+/[\w.-]+)", readme)) - {url.removeprefix("https://github.com/")}
    assert not stray, f"README names other repositories: {stray}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_definitions_match_the_package(path):
    """A cell whose first line carries `# @save` defines code that also lives in the package, verbatim."""
    saved = 0
    for cell in code_cells(path):
        if "@save" not in cell.source.splitlines()[0]:
            continue
        tree = ast.parse(cell.source)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                owner = next((m for m in SAVED_MODULES if hasattr(m, node.name)), None)
                assert owner is not None, f"{node.name} is marked @save but is in no package module"
                assert ast.get_source_segment(cell.source, node) == inspect.getsource(getattr(owner, node.name)).rstrip(), (
                    f"{node.name} in {path.name} differs from {owner.__name__}.{node.name}; copy one to the other"
                )
                saved += 1
    if path.name.startswith("03"):
        assert saved >= 6
