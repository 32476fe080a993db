"""Make the live-coding notebooks (notebooks/live/) from the course notebooks.

    python tools/make_live_notebooks.py            # write notebooks/live/*.ipynb
    python tools/make_live_notebooks.py --check    # exit 1 if they differ from what it would write

A code cell whose first line says ``# @live`` becomes a blank in the live version: each
definition keeps its signature, its docstring and the shapes its comments name, and its body
becomes ``raise NotImplementedError(live.BLANK)``; ``# @live name ...`` blanks only the
functions or methods named (e.g. a class's ``train_step``); every blanked definition must
have a docstring saying what goes in and out. A catch-up cell, hidden like a solution (a
Colab form, source hidden in Jupyter), follows each blank: it runs the reference code only
when the blank was left unfilled, then the rest of
the original cell (building the model, printing its summary), so running every cell with
every blank left empty works, and CI runs it that way. Everything else is the course
notebook as it is, so the live version cannot drift from it (tests/test_live.py checks).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workshop_utils.live import BLANK  # noqa: E402 (the catch-up cells test for this text)

NOTEBOOKS, LIVE = ROOT / "notebooks", ROOT / "notebooks" / "live"
MARK = re.compile(r"#.*@live\b([\w ]*)$")
SHAPE = re.compile(r"\(B, [^()]*\)")


def live_names(cell_source: str):
    """None when the cell is not marked; else the names to blank (empty: every definition)."""
    found = MARK.search(cell_source.splitlines()[0]) if cell_source.strip() else None
    return None if found is None else set(found.group(1).split())


def _start(node):
    """The first line of a statement, its decorators included."""
    return min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno])


def _segment(lines, node):
    return "\n".join(lines[_start(node) - 1: node.end_lineno])


def _stub(lines, node, names):
    """The source of ``node`` with the bodies of the definitions to blank replaced."""
    if isinstance(node, ast.ClassDef):
        body_start = node.body[0].lineno
        head = "\n".join(lines[_start(node) - 1: body_start - 1])
        parts = [head]
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.ClassDef)):
                parts.append(_stub(lines, item, names))
            else:
                parts.append(_segment(lines, item))
        return parts[0] + "\n" + "\n\n".join(parts[1:])
    if not isinstance(node, ast.FunctionDef) or (names and node.name not in names):
        return _segment(lines, node)
    first = node.body[0]
    if first.lineno == node.lineno:
        raise SystemExit(f"{node.name}: put the body on its own line to blank it")
    keep_until = first.end_lineno if _is_docstring(first) else first.lineno - 1
    head = "\n".join(lines[_start(node) - 1: keep_until])
    indent = " " * first.col_offset
    body_text = "\n".join(lines[keep_until: node.end_lineno])
    shapes = list(dict.fromkeys(SHAPE.findall(" ".join(c for c in re.findall(r"#.*", body_text)))))
    stub = [head]
    if shapes:
        stub.append(f"{indent}# shapes on the way: " + " -> ".join(shapes))
    stub.append(f'{indent}raise NotImplementedError("{BLANK}")')
    return "\n".join(stub)


def _is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _blanked(node, names):
    """Whether the stub blanks ``node`` (a function named or unrestricted, or a class with such a method)."""
    if isinstance(node, ast.FunctionDef):
        return not names or node.name in names
    if isinstance(node, ast.ClassDef):
        return any(_blanked(item, names) for item in node.body if isinstance(item, ast.FunctionDef))
    return False


def live_cells(source: str):
    """(blank cell source, catch-up cell source) for a cell marked ``# @live``."""
    names = live_names(source)
    tree = ast.parse(source)
    lines = source.splitlines()
    is_definition = [isinstance(node, (ast.FunctionDef, ast.ClassDef)) for node in tree.body]
    definitions = tree.body[: is_definition.index(False) if False in is_definition else len(tree.body)]
    if any(is_definition[len(definitions):]):
        raise SystemExit(f"an @live cell starts with its definitions, statements after them:\n{lines[0]}")
    if not any(_blanked(node, names) for node in definitions):
        raise SystemExit(f"an @live cell blanks nothing:\n{lines[0]}")
    first_code = _start(tree.body[0])
    header = [re.sub(r"\s*#\s*@save\b( \w+)?|\s*#?\s*@live\b[\w ]*", "", line).rstrip() for line in lines[: first_code - 1]]
    rest = tree.body[len(definitions):]
    tail = "\n".join(lines[definitions[-1].end_lineno:]).strip("\n") if rest else ""

    blank = header + ["# Live-code: type each body below (the docstring says what goes in and out)."]
    blank += ["\n\n".join(_stub(lines, node, names) for node in definitions)]

    for node in definitions:  # a blank promises a docstring saying what goes in and out
        for item in [node] + [i for i in getattr(node, "body", []) if isinstance(i, ast.FunctionDef)]:
            if isinstance(item, ast.FunctionDef) and _blanked(item, names) and not _is_docstring(item.body[0]):
                raise SystemExit(f"{item.name} is a blank without a docstring: say what goes in and out\n{lines[0]}")
    catch_up = ["# @title Catch-up for the blank above (hidden: double-click to see the reference code; run the cell either way)",
                "# It runs the reference code only where the blank was left unfilled.",
                "from workshop_utils import live", ""]
    for node in definitions:
        segment = _segment(lines, node)
        if _blanked(node, names):
            catch_up += [f"if live.blank({node.name}):", textwrap.indent(segment, "    "), ""]
    if tail:
        catch_up += [tail]
    return "\n".join(blank).rstrip() + "\n", "\n".join(catch_up).rstrip() + "\n"


def badge_line(url: str) -> str:
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def live_notebook(path: Path):
    notebook = jupytext.read(path)
    notebook.metadata.pop("jupytext", None)
    cells, blanks = [], 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and live_names(cell.source) is not None:
            blank, catch_up = live_cells(cell.source)
            hidden = nbformat.v4.new_code_cell(catch_up)  # hidden like a solution: the answer is not under the blank
            hidden.metadata = {"cellView": "form", "jupyter": {"source_hidden": True}}
            cells += [nbformat.v4.new_code_cell(blank), hidden]
            blanks += 1
        else:
            cells.append(cell)
    intro = cells[0]
    full = re.search(r"\]\((https://colab\.research\.google\.com/github/[^)]*/notebooks/[^/)]+\.ipynb)\)", intro.source)
    if not full:
        raise SystemExit(f"{path.name}: the first cell has no Colab badge")
    live_url = full.group(1).replace("/notebooks/", "/notebooks/live/")
    intro.source = re.sub(r"^\[!\[Open In Colab\].*$",
                          f"**Live-coding version**: {blanks} cells are blanks to type in, each followed by a "
                          f"catch-up cell that fills it in if it is left empty. {badge_line(live_url)} "
                          f"The complete notebook: {badge_line(full.group(1))}",
                          intro.source, count=1, flags=re.M)
    for index, cell in enumerate(cells):
        cell.pop("id", None)
        cell.id = f"cell-{index}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata = {key: cell.metadata[key] for key in ("cellView", "jupyter", "tags") if key in cell.metadata}
    notebook.cells = cells
    notebook.nbformat_minor = 5
    return notebook, blanks


def main(check: bool) -> int:
    LIVE.mkdir(exist_ok=True)
    stale = []
    for path in sorted(NOTEBOOKS.glob("*.py")):
        notebook, blanks = live_notebook(path)
        target = LIVE / f"{path.stem}.ipynb"
        text = nbformat.writes(notebook) + "\n"
        if check:
            if not target.is_file() or target.read_text() != text:
                stale.append(target.relative_to(ROOT))
        else:
            target.write_text(text)
            print(f"{target.relative_to(ROOT)}: {blanks} blanks")
    if stale:
        print("Out of date (run python tools/make_live_notebooks.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that notebooks/live/ is up to date")
    sys.exit(main(parser.parse_args().check))
