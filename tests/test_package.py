"""The package's shape: every module is on the map, small, and imports go one way."""

import ast
import pkgutil
from pathlib import Path

import workshop_utils

PACKAGE = Path(workshop_utils.__file__).parent
MODULES = sorted(info.name for info in pkgutil.iter_modules(workshop_utils.__path__))
# Training and display helpers sit on top; what they use must never import them back.
ON_TOP = {"callbacks", "scorers", "widgets", "solutions", "catchup"}


def package_imports(name):
    """The workshop_utils modules that module `name` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse((PACKAGE / f"{name}.py").read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workshop_utils"):
            found |= {node.module.removeprefix("workshop_utils.")} | {alias.name for alias in node.names}
    return found & set(MODULES)


def test_every_module_is_on_the_map_in_init():
    doc = workshop_utils.__doc__
    missing = [name for name in MODULES if f"\n    {name} " not in doc]
    assert not missing, f"workshop_utils/__init__.py's map does not mention {missing}"


def test_modules_stay_small():
    sizes = {name: len((PACKAGE / f"{name}.py").read_text().splitlines()) for name in MODULES}
    assert max(sizes.values()) <= 350, {name: size for name, size in sizes.items() if size > 350}


def test_imports_go_one_way():
    for name in MODULES:
        imported = package_imports(name)
        if name not in ON_TOP:
            assert not imported & ON_TOP, f"{name} imports {imported & ON_TOP}, which are built on top of it"
        assert name not in imported


def test_no_package_module_imports_a_notebook_benchmark_or_test():
    for name in MODULES:
        source = (PACKAGE / f"{name}.py").read_text()
        for word in ("notebooks", "benchmarks", "tests"):
            assert f"import {word}" not in source and f"from {word}" not in source, (name, word)


DATA = {"datasets", "mnist", "celeba", "celeba_files", "celeba_sources", "cartoon_faces", "downloads"}
MODEL = {"models", "face_models", "losses", "conv_arithmetic", "two_players", "replicas", "toys"}


def test_checks_is_the_bottom_layer_and_no_model_module_imports_a_data_module():
    assert package_imports("checks") == set(), "checks must import nothing of the package"
    for name in MODEL & set(MODULES):
        assert not package_imports(name) & DATA, f"{name} imports {package_imports(name) & DATA}"
    for name in ("datasets", "metrics", "losses", "scorers", "face_models", "sampling"):
        assert "checks" in package_imports(name), f"{name} should take its input checks from checks"


def test_every_celeba_source_is_a_source():
    from workshop_utils import celeba_sources

    for source in celeba_sources.default_sources():
        assert isinstance(source, celeba_sources.Source), type(source).__name__
    import pytest

    from workshop_utils import celeba
    with pytest.raises(ValueError, match="must be celeba_sources.Source objects"):
        celeba.load_celeba(sources=[object()])
