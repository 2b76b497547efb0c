"""The layout's measures (scripts/check_layout.py): each rule is caught on a small tree, and the
repository's own tree meets them (issue 21, "Done means")."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

SCRIPT = ROOT / "scripts" / "check_layout.py"


def _load():
    spec = importlib.util.spec_from_file_location("check_layout", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_layout"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


layout = _load()


@pytest.fixture(scope="module")
def measured() -> dict[str, list[str]]:
    return layout.check(ROOT)


@pytest.mark.parametrize("measure", layout.MEASURES)
def test_layout_measure_holds_on_the_tree(measured, measure):
    assert measured[measure] == []


def test_layout_script_passes_on_the_repository():
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(ROOT)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout


def test_layout_every_module_has_a_floor():
    for name in layout.read_modules(ROOT):
        assert layout.layer_of(name) is not None, name


def test_layout_floors_name_only_modules_that_exist():
    modules = layout.read_modules(ROOT)
    for _, prefixes in layout.LAYERS:
        for prefix in prefixes:
            assert prefix in modules, prefix


#: Tests of the repository as a whole, not of one module: the package face, the README, this
#: layout, the notebooks, the sample coding sheets of data/ and scripts/.
REPOSITORY_TESTS = {
    "test_init",
    "test_readme",
    "test_layout",
    "test_notebook",
    "test_sample_codings",
}


def test_layout_test_files_mirror_the_package():
    """tests/test_<module>[_<submodule or topic>].py, one style; CLI tests are test_cli_*."""
    package = ROOT / "qualcode"
    tops = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    tops |= {p.parent.name for p in package.glob("*/__init__.py")}
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        if path.stem in REPOSITORY_TESTS:
            continue
        rest = path.stem.removeprefix("test_")
        assert any(rest == top or rest.startswith(top + "_") for top in tops), path.name


def test_layout_lazy_upward_imports_each_have_a_reason():
    for (importer, imported), reason in layout.LAZY_UPWARD.items():
        assert layout.layer_of(importer) < layout.layer_of(imported), (importer, imported)
        assert len(reason.split()) >= 5, (importer, imported)
        assert importer in layout.read_modules(ROOT), importer


# -- each rule, caught on a small tree ---------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"qualcode/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _only(root: Path, measure: str) -> list[str]:
    return layout.check(root, [measure])[measure]


def test_layout_finds_an_import_cycle_also_through_a_function(tmp_path):
    root = _tree(
        tmp_path,
        {
            "qualcode/schema.py": "from qualcode import errors\n",
            "qualcode/errors.py": "def f():\n    from qualcode.schema import X\n",
        },
    )
    assert _only(root, "cycles") == ["qualcode.errors <-> qualcode.schema"]
    (root / "qualcode/errors.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from qualcode.schema import X\n"
    )
    assert _only(root, "cycles") == []


def test_layout_finds_an_upward_import(tmp_path):
    root = _tree(
        tmp_path,
        {
            "qualcode/schema.py": "from qualcode.plots import plot_x\n",
            "qualcode/plots.py": "from qualcode import schema\n",
            "qualcode/cases.py": "def f():\n    from qualcode.project import Project\n",
            "qualcode/project/__init__.py": "",
        },
    )
    problems = _only(root, "layers")
    assert len(problems) == 2
    assert problems == [
        "qualcode.cases:2 imports qualcode.project "
        "(agreement, cases, reports, search -> project, in a function)",
        "qualcode.schema:1 imports qualcode.plots (ground -> plots, module level)",
    ]


def test_layout_finds_a_module_without_a_floor(tmp_path):
    root = _tree(tmp_path, {"qualcode/newthing.py": ""})
    assert _only(root, "layers") == ["qualcode.newthing: has no floor in LAYERS"]


def test_layout_finds_a_big_module(tmp_path):
    big = "x = 1\n" * (layout.MAX_LINES + 1)
    root = _tree(tmp_path, {"qualcode/tables.py": big, "qualcode/fileio.py": "x = 1\n" * 600})
    assert _only(root, "size") == [f"tables.py: {layout.MAX_LINES + 1} lines"]


def test_layout_counts_kappa_functions(tmp_path):
    one = "def kappa(po, pe):\n    return (po - pe) / (1.0 - pe)\n"
    call = "from qualcode.kappa import kappa\ndef mine(a, b):\n    return kappa(a, b)\n"
    root = _tree(tmp_path, {"qualcode/kappa.py": one, "qualcode/agreement.py": call})
    assert _only(root, "kappa") == []
    (root / "qualcode/agreement.py").write_text(
        "def _k(agree, pe):\n    return (agree / 3 - pe[0]) / (1 - pe[0])\n"
    )
    assert _only(root, "kappa") == [
        "qualcode.agreement._k: computes kappa, and so do others",
        "qualcode.kappa.kappa: computes kappa, and so do others",
    ]


def test_layout_finds_table_work_in_the_cli(tmp_path):
    command = (
        "import pandas as pd\n"
        "from qualcode.reports import frequencies\n"
        "def run(table: pd.DataFrame) -> pd.DataFrame:\n"
        "    return frequencies(table)\n"
    )
    root = _tree(
        tmp_path,
        {
            "qualcode/cli/__init__.py": "",
            "qualcode/cli/report_cmd.py": command,
            "qualcode/cli/agree_cmd.py": "import pandas as pd\n"
            "def run(t):\n    return pd.concat([t]).groupby('code').size()\n",
        },
    )
    assert _only(root, "cli") == [
        "qualcode.cli.agree_cmd: calls no library module",
        "qualcode.cli.agree_cmd:3 calls .concat()",
        "qualcode.cli.agree_cmd:3 calls .groupby()",
        "qualcode.cli.agree_cmd:3 uses pd.concat",
    ]


def test_layout_finds_private_names_imported(tmp_path):
    root = _tree(
        tmp_path,
        {
            "qualcode/reports.py": "_values = 1\n__all__ = []\n",
            "qualcode/plots.py": "from qualcode.reports import _values, __all__\n",
            "qualcode/exchange/__init__.py": "",
            "qualcode/exchange/_i18n.py": "",
            "qualcode/exchange/html.py": "from qualcode.exchange._i18n import texts\n",
            "qualcode/cases.py": "from qualcode import reports\nx = reports._values\n",
            "qualcode/agreement.py": "import qualcode.exchange._i18n as t\n",
        },
    )
    assert _only(root, "private") == [
        "qualcode.agreement:1 imports private module qualcode.exchange._i18n",
        "qualcode.cases:2 uses qualcode.reports._values",
        "qualcode.plots:1 imports qualcode.reports._values",
    ]


def test_layout_script_prints_a_table_and_fails_on_a_violation(tmp_path):
    root = _tree(tmp_path, {"qualcode/tables.py": "x = 1\n" * (layout.MAX_LINES + 1)})
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert "qualcode.tables: no __all__" in run.stdout
    assert lines[0].split() == ["measure", "result", "violations"]
    assert [line.split()[:2] for line in lines[1:8]] == [
        ["cycles", "ok"],
        ["layers", "ok"],
        ["size", "FAIL"],
        ["kappa", "FAIL"],
        ["cli", "ok"],
        ["private", "ok"],
        ["public", "FAIL"],
    ]
    (root / "qualcode/tables.py").write_text(
        "__all__ = ['k']\ndef k(a, b):\n    return (a - b) / (1 - b)\n"
    )
    (root / "qualcode/__init__.py").write_text("__all__ = []\n")
    run = subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, check=False)
    assert run.returncode == 0
