"""Run the notebooks top to bottom with the current interpreter's kernel (one for all three)."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "01_quickstart.ipynb"
TEACH = ROOT / "notebooks" / "02_teach_the_model.ipynb"
AGREEMENT = ROOT / "notebooks" / "03_agreement.ipynb"
NOTEBOOKS = [NOTEBOOK, TEACH, AGREEMENT]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One kernel of this interpreter for the three notebooks (started once: each notebook still
    runs top to bottom in it, writing to one output folder; the files' names differ)."""
    import json
    import os

    from ipykernel.kernelspec import install
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    tmp = tmp_path_factory.mktemp("kernel")
    prefix = tmp / "prefix"
    install(prefix=str(prefix), kernel_name="qualcode-test")
    share = prefix / "share" / "jupyter"
    spec = json.loads((share / "kernels" / "qualcode-test" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    out = tmp / "out"
    out.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(share))
        mp.setenv("JUPYTER_DATA_DIR", str(tmp / "data"))
        env = {
            **os.environ,
            "QUALCODE_OUT": str(out),
            "QUALCODE_ROOT": str(ROOT),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        }
        km = AsyncKernelManager(kernel_name="qualcode-test")
        run_sync(km.start_kernel)(cwd=str(ROOT), env=env)
        try:
            yield km, out
        finally:
            run_sync(km.shutdown_kernel)(now=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells
    assert all(not c.outputs and c.execution_count is None for c in code_cells)


def _run(path, kernel) -> list:
    """Execute the notebook at ``path`` in ``kernel``; return its outputs (none may be an error)."""
    import nbformat
    from nbclient import NotebookClient

    km, _ = kernel
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(ROOT)}})
    try:
        client.execute()
    finally:
        if client.kc is not None:  # the kernel stays for the next notebook, not its client
            client.kc.stop_channels()
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


def test_notebook_runs_top_to_bottom(kernel):
    import docx

    out = kernel[1]
    outputs = _run(NOTEBOOK, kernel)
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


def test_agreement_notebook_runs_top_to_bottom(kernel):
    out = kernel[1]
    outputs = _run(AGREEMENT, kernel)
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


def test_teach_notebook_runs_top_to_bottom(kernel):
    import qualcode as qc

    out = kernel[1]
    outputs = _run(TEACH, kernel)
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
