"""Run the quickstart notebook top to bottom with the current interpreter's kernel."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "01_quickstart.ipynb"


@pytest.fixture
def kernel_name(tmp_path, monkeypatch) -> str:
    """Install a kernelspec for this interpreter into a private prefix and point Jupyter at it."""
    import json

    from ipykernel.kernelspec import install

    prefix = tmp_path / "prefix"
    install(prefix=str(prefix), kernel_name="qualcode-test")
    share = prefix / "share" / "jupyter"
    spec = json.loads((share / "kernels" / "qualcode-test" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    monkeypatch.setenv("JUPYTER_PATH", str(share))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    return "qualcode-test"


def test_notebook_is_committed_without_outputs():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells
    assert all(not c.outputs and c.execution_count is None for c in code_cells)


def test_notebook_runs_top_to_bottom(kernel_name, tmp_path, monkeypatch):
    import docx
    import nbformat
    from nbclient import NotebookClient

    out = tmp_path / "out"
    monkeypatch.setenv("QUALCODE_OUT", str(out))
    monkeypatch.setenv("QUALCODE_ROOT", str(ROOT))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=600,
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # theme chart and heatmap shown inline
    appendix = out / "appendix.docx"
    headings = [
        p.text for p in docx.Document(str(appendix)).paragraphs if p.style.name == "Heading 1"
    ]
    assert headings == ["Buku Kode", "Transkrip Wawancara", "Segmen Terkode", "Frekuensi Tema"]
    assert (out / "report.html").exists() and (out / "report_tables.xlsx").exists()
