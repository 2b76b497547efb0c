"""Run the notebooks top to bottom with the current interpreter's kernel."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "01_quickstart.ipynb"
TEACH = ROOT / "notebooks" / "02_teach_the_model.ipynb"
AGREEMENT = ROOT / "notebooks" / "03_agreement.ipynb"
NOTEBOOKS = [NOTEBOOK, TEACH, AGREEMENT]


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells
    assert all(not c.outputs and c.execution_count is None for c in code_cells)


def _run(path, kernel_name, out, monkeypatch) -> list:
    """Execute the notebook at ``path``; return its outputs (none may be an error)."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("QUALCODE_OUT", str(out))
    monkeypatch.setenv("QUALCODE_ROOT", str(ROOT))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    out.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=600,
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    noise = [t for t in stderr if t.strip() and not t.startswith("\r")]
    assert not noise, noise  # nothing on stderr but progress bars (redrawn with "\r")
    return outputs


def _stderr(outputs) -> str:
    return "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stderr")


def _html(outputs) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)


def test_notebook_runs_top_to_bottom(kernel_name, tmp_path, monkeypatch):
    import docx

    out = tmp_path / "out"
    outputs = _run(NOTEBOOK, kernel_name, out, monkeypatch)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # theme chart and heatmap shown inline
    html = _html(outputs)
    for shown in ("Turns: 173 in 4 interview(s)", "Codebook ", "Codings: "):
        assert shown in html  # the rich displays
    assert "writing report" in _stderr(outputs)  # a progress bar in a notebook
    appendix = out / "appendix.docx"
    headings = [
        p.text for p in docx.Document(str(appendix)).paragraphs if p.style.name == "Heading 1"
    ]
    assert headings == [
        "Buku Kode",
        "Transkrip Wawancara",
        "Segmen Terkode",
        "Frekuensi Tema",
        "Kode menurut Atribut Kasus",
    ]
    assert (out / "report.html").exists() and (out / "report_tables.xlsx").exists()
    # the files carry the pseudonyms of data/pseudonyms.csv; the notebook shows the counts
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "'Juliana': 4" in printed and "names never found: []" in printed
    assert "Juliana" not in (out / "report.html").read_text(encoding="utf-8")


def test_agreement_notebook_runs_top_to_bottom(kernel_name, tmp_path, monkeypatch):
    out = tmp_path / "out"
    outputs = _run(AGREEMENT, kernel_name, out, monkeypatch)
    html = _html(outputs)
    assert "Agreement between coder_a, coder_b" in html and "Disagreements (21)" in html
    assert any("image/png" in o.get("data", {}) for o in outputs)  # coder comparison
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Two coders coded all 86 participant turns" in printed
    table = pd.read_csv(out / "agreement_table.csv")
    assert list(table.columns) == [
        "Code",
        "Coded by A",
        "Coded by B",
        "Agreement",
        "Cohen's kappa [95% CI]",
        "Krippendorff's alpha",
    ]
    assert table["Code"].tolist()[-1] == "All codes" and len(table) == 8


def test_teach_notebook_runs_top_to_bottom(kernel_name, tmp_path, monkeypatch):
    import qualcode as qc

    out = tmp_path / "out"
    outputs = _run(TEACH, kernel_name, out, monkeypatch)
    html = _html(outputs)
    assert html.count("Project magnus.qualcode") >= 3  # the project's rich display
    assert "Codings by coder, origin and status" in html and "Latest changes" in html
    assert "Evaluation of hybrid against human codings" in html
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Ana's codings unchanged: True" in printed
    assert "her decisions unchanged: True" in printed
    assert "round 2: kappa of the model minus the rules'" in printed
    assert "undid batch" in printed
    assert (out / "review_ana.xlsx").exists() and (out / "review_ana_2.xlsx").exists()
    with qc.Project.open(out / "magnus.qualcode") as project:
        log = project.log()
        assert log["action"].tolist().count("review") == 3  # decide + two review sheets
        assert log["undone_by"].notna().sum() == 1 and log["action"].iloc[-1] == "undo"
        decisions = project.decisions()
        assert set(decisions["decision"]) == {"accepted", "rejected"}
        interviews = set(project.codings(people=True)["turn_id"].str.rsplit("-", n=1).str[0])
        assert len(interviews) >= 3  # Ana coded at least three interviews by the end


def test_readme_links_every_notebook():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shipped = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert shipped == sorted(p.name for p in NOTEBOOKS)  # every notebook is run by a test
    for name in shipped:
        assert f"](notebooks/{name})" in text, name
