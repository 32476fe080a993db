"""Read what the notebooks teach, without running them: the one reader that benchmarks, tools
and tests use, so a setting lives only in its notebook.

    import sys; sys.path.insert(0, "tools")
    from notebook_settings import teaching_parameters
    teaching_parameters("04", "fast")["g_widths"]        # (128, 64, 32, 16)

Pure Python (``ast``), no TensorFlow: it also runs where only JAX is installed.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def notebook_tree(prefix: str) -> ast.Module:
    """The parsed script (``notebooks/<prefix>_*.py``) of notebook ``prefix`` ("01" to "04")."""
    matches = sorted(NOTEBOOKS.glob(f"{prefix}_*.py"))
    if len(matches) != 1:
        raise ValueError(f"Expected one notebook script notebooks/{prefix}_*.py, found {len(matches)}.")
    return ast.parse(matches[0].read_text())


def _literals(tree) -> dict:
    """The notebook's top-level names bound to plain literals (``room = True``)."""
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)}


def _evaluate(node, names, where):
    return eval(compile(ast.Expression(node), where, "eval"), {"__builtins__": {}, "dict": dict}, names)


def teaching_parameters(prefix: str, mode: str | None = None) -> dict:
    """The keyword arguments of notebook ``prefix``'s ``runtime.scaled(...)`` call, as Python
    values (expressions may use the notebook's literal settings, such as 04's ``room = True``).
    With ``mode`` ("full", "fast", "smoke"), each per-mode dict is replaced by that mode's value."""
    tree = notebook_tree(prefix)
    names = _literals(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "runtime.scaled":
            values = {k.arg: _evaluate(k.value, names, f"notebook {prefix}") for k in node.keywords}
            if mode is None:
                return values
            for name, value in values.items():
                if isinstance(value, dict) and set(value) & {"full", "fast", "smoke"} and mode not in value:
                    raise ValueError(f"notebook {prefix}'s {name} has no value for mode {mode!r}: {value}")
            return {name: value[mode] if isinstance(value, dict) and mode in value else value
                    for name, value in values.items()}
    raise ValueError(f"notebook {prefix} has no runtime.scaled(...) cell")


def assigned(prefix: str, name: str):
    """The value of the top-level assignment ``name = ...`` in notebook ``prefix`` (literals, dicts)."""
    tree = notebook_tree(prefix)
    for node in tree.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == name:
            return _evaluate(node.value, _literals(tree), f"notebook {prefix}")
    raise ValueError(f"notebook {prefix} assigns no {name!r} at the top level")


def call_keywords(prefix: str, function: str, having: str) -> dict:
    """The literal keyword arguments of the first call of ``function`` in notebook ``prefix``
    that passes ``having`` (e.g. ``toys.ring_of_gaussians`` with ``radius``)."""
    for node in ast.walk(notebook_tree(prefix)):
        if (isinstance(node, ast.Call) and ast.unparse(node.func) == function
                and any(k.arg == having for k in node.keywords)):
            return {k.arg: ast.literal_eval(k.value) for k in node.keywords}
    raise ValueError(f"notebook {prefix} never calls {function}(..., {having}=...)")
