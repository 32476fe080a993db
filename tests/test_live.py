"""The live-coding notebooks (notebooks/live/, made by tools/make_live_notebooks.py): they
match the course notebooks they are made from, each blank is a stub with its signature and
a catch-up cell after it, and a blank that was filled in is left alone. (pytest also runs
every live notebook through nbval in smoke mode with every blank left empty, which proves
the catch-up path.)"""

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workshop_utils import live

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_live_notebooks", ROOT / "tools" / "make_live_notebooks.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
SOURCES = sorted((ROOT / "notebooks").glob("*.py"))


def test_the_live_notebooks_are_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_live_notebooks.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_notebook_has_blanks_and_each_is_followed_by_its_catch_up(source):
    cells = nbformat.read(ROOT / "notebooks" / "live" / f"{source.stem}.ipynb", 4).cells
    blanks = [i for i, cell in enumerate(cells) if tool.BLANK in cell.source]
    assert blanks, f"{source.stem} has no live-coding blank"
    for index in blanks:
        stub, catch_up = cells[index].source, cells[index + 1].source
        assert catch_up.startswith("# @title Catch-up for the blank above")
        hidden = cells[index + 1].metadata  # hidden like a solution: the answer is not under the blank
        assert hidden.get("cellView") == "form" and hidden.get("jupyter", {}).get("source_hidden"), source.stem
        for node in ast.walk(ast.parse(stub)):  # every blank says what goes in and out
            if isinstance(node, ast.FunctionDef) and "NotImplementedError" in ast.unparse(node):
                assert ast.get_docstring(node), f"{source.stem}: blank {node.name} has no docstring"
        defined = [n.name for n in ast.parse(stub).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        for name in defined:  # each blanked definition comes back in the catch-up, behind its test
            if f"if live.blank({name}):" in catch_up:
                assert f"def {name}(" in catch_up or f"class {name}(" in catch_up
        assert any(f"if live.blank({name}):" in catch_up for name in defined)


def test_a_stub_keeps_the_signature_docstring_and_shapes_and_runs_only_its_catch_up_when_blank():
    source = '''# Make things  # @live
def make(width, depth=2):
    """(B, width) -> (B, 1)."""
    x = width * depth  # (B, 8)
    return x  # (B, 1)


class Model:
    """A model."""

    scale = 3

    def fit(self, data):
        """data -> data times the scale."""
        return data * self.scale

    def describe(self):
        return "model"


made = make(2)
'''
    stub, catch_up = tool.live_cells(source.replace("@live", "@live make fit"))
    assert stub.startswith("# Make things\n")
    assert 'def make(width, depth=2):\n    """(B, width) -> (B, 1)."""\n    # shapes on the way: (B, 8) -> (B, 1)' in stub
    assert "scale = 3" in stub and 'def describe(self):\n        return "model"' in stub  # only fit is blanked
    assert "made = make(2)" not in stub and catch_up.rstrip().endswith("made = make(2)")

    blank_space = {}
    exec(compile(stub, "stub", "exec"), blank_space)
    assert live.blank(blank_space["make"]) and live.blank(blank_space["Model"])
    with pytest.raises(NotImplementedError, match="live-coding blank"):
        blank_space["make"](2)
    exec(compile(catch_up, "catch-up", "exec"), blank_space)  # left blank: the reference comes in
    assert blank_space["made"] == 4 and not live.blank(blank_space["Model"])

    filled = {}
    exec(compile(stub, "stub", "exec"), filled)
    exec(compile("def make(width, depth=2):\n    return -1\n", "typed in", "exec"), filled)
    exec(compile(catch_up, "catch-up", "exec"), filled)
    assert filled["made"] == -1  # typed in: the catch-up left the learner's version alone


def test_an_unmarked_cell_stays_as_it_is_and_a_cell_with_nothing_to_blank_is_refused():
    assert tool.live_names("# Train the model\nfit()") is None
    assert tool.live_names("# The GAN  # @save @live train_step\nclass GAN: ...") == {"train_step"}
    with pytest.raises(SystemExit, match="blanks nothing"):
        tool.live_cells("# Nothing  # @live\nx = 1\n")
    with pytest.raises(SystemExit, match="blank without a docstring"):
        tool.live_cells("# Undocumented  # @live\ndef f(x):\n    return x\n")


def test_a_typed_loss_is_checked_against_the_package():
    from keras import ops

    from workshop_utils import losses

    assert live.agrees(lambda r, f: ops.mean(ops.softplus(-r)) + ops.mean(ops.softplus(f)),
                       losses.minimax_discriminator_loss, arguments=2)
    assert not live.agrees(lambda f: ops.mean(f), losses.hinge_generator_loss, arguments=1)  # a sign slip
