"""The package face (qualcode/__init__.py): its names listed once, each importable, lazily."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import pytest
from conftest import ROOT

import qualcode

FACE = ROOT / "qualcode" / "__init__.py"


def _type_checking_imports() -> dict[str, str]:
    """name -> module of the imports in the face's ``if TYPE_CHECKING:`` block."""
    tree = ast.parse(FACE.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module, ast.dump(imp)
                for alias in imp.names:
                    # ``X as X``: re-exported for type checkers of a py.typed package
                    assert alias.asname == alias.name, alias.name
                    assert alias.name not in found, f"{alias.name} imported twice"
                    found[alias.name] = imp.module
    return found


def test_init_type_checking_block_agrees_with_the_lazy_names():
    assert _type_checking_imports() == qualcode._LAZY


def test_init_all_is_every_lazy_name_and_the_version():
    assert qualcode.__all__ == sorted(["__version__", *qualcode._LAZY])
    assert len(set(qualcode.__all__)) == len(qualcode.__all__)
    assert set(qualcode.__all__) <= set(dir(qualcode))


@pytest.mark.parametrize("name", sorted(qualcode._LAZY))
def test_init_every_public_name_imports_from_its_module(name):
    module = importlib.import_module(qualcode._LAZY[name])
    assert getattr(qualcode, name) is getattr(module, name)


def test_init_version_is_spelled_once():
    tomllib = pytest.importorskip("tomllib")
    from qualcode._version import __version__

    assert qualcode.__version__ == __version__
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in config["project"]["dynamic"]
    assert "version" not in config["project"]
    attr = config["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "qualcode._version.__version__"


def test_init_unknown_name_says_so():
    with pytest.raises(AttributeError, match="module 'qualcode' has no attribute 'nothing'"):
        _ = qualcode.nothing


def test_init_import_is_lazy_and_reads_no_files():
    code = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
import qualcode
heavy = ("pandas", "numpy", "sklearn", "spacy", "yaml", "matplotlib")
heavy = [m for m in heavy if m in sys.modules]
assert not heavy, heavy
files = [p for p in opened if not p.endswith((".py", ".pyc"))]
assert not files, files
loaded = sorted(m for m in sys.modules if m.startswith("qualcode"))
assert loaded == ["qualcode", "qualcode._version"], loaded
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
