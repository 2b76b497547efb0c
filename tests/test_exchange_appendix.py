"""The README's main job as an examiner receives it: its Word appendix rendered to PDF.

The main job runs once, as README.md gives it, through the command line; its appendix is
converted to PDF once by LibreOffice (which shows the fields' stored results, as Word's
protected view and PDF scripts do) and read back with ``pdftotext``.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from qualcode.cli import main

README = ROOT / "README.md"


def main_job_args() -> list[str]:
    """The README's main job command line (after ``pip install . && qualcode``)."""
    lines = [ln for ln in README.read_text(encoding="utf-8").splitlines() if "qualcode code" in ln]
    line = next(ln for ln in lines if ln.startswith("pip install . && qualcode code "))
    return shlex.split(line.split("&& qualcode ", 1)[1])


@pytest.fixture(scope="module")
def main_job(tmp_path_factory, monkeypatch_module) -> Path:
    """Run the main job into a fresh folder; return the folder."""
    args = main_job_args()
    out = tmp_path_factory.mktemp("main_job") / "out"
    args[args.index("--out") + 1] = str(out)
    monkeypatch_module.chdir(ROOT)
    assert main(args) == 0
    return out


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def appendix_pdf(main_job, tmp_path_factory) -> Path:
    """The main job's appendix.docx converted to PDF by LibreOffice (one conversion)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) and poppler (pdftotext) are needed")
    work = tmp_path_factory.mktemp("pdf")
    profile = (work / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(main_job / "appendix.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return work / "appendix.pdf"


def pdf_text(pdf: Path, first: int = 1, last: int | None = None) -> str:
    pages = ["-f", str(first)] + (["-l", str(last)] if last is not None else [])
    done = subprocess.run(
        ["pdftotext", *pages, "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def test_appendix_contents_listed_without_a_field_update(appendix_pdf):
    first = pdf_text(appendix_pdf, 1, 1)
    lines = [ln.strip() for ln in first.splitlines() if ln.strip()]
    assert lines[:3] == ["Lampiran", "Daftar Isi", "Buku Kode"]
    for heading in (
        "Transkrip Wawancara",
        "Segmen Terkode",
        "Frekuensi Tema",
        "Kode menurut Atribut Kasus",
        "Narasumber 2",
        "Retain",
    ):
        assert any(heading in ln for ln in lines), heading
    assert "Update Field" not in first


def test_appendix_table_captions_numbered(appendix_pdf):
    text = pdf_text(appendix_pdf)
    numbers = [int(n) for n in re.findall(r"^\s*Tabel (\d+):", text, flags=re.MULTILINE)]
    assert numbers[:3] == [1, 2, 3]
    assert numbers == sorted(numbers)
    assert re.search(r"^\s*Gambar 1:", text, flags=re.MULTILINE)


def _written_text(path: Path) -> str:
    """The text of a written file: XML parts of .docx/.xlsx, else the file itself."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(
                z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))
            )
    return path.read_text(encoding="utf-8")


def test_main_job_writes_no_listed_name(main_job):
    names = pd.read_csv(ROOT / "data" / "pseudonyms.csv")["name"].tolist()
    assert {"Juliana", "Jimmy", "Vito", "Rickxen"} <= set(names)
    word = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I)
    files = [
        p for p in main_job.rglob("*") if p.suffix in (".docx", ".xlsx", ".csv", ".html", ".svg")
    ]
    assert {p.suffix for p in files} == {".docx", ".xlsx", ".csv", ".html", ".svg"}
    found = {str(p.relative_to(main_job)): word.findall(_written_text(p)) for p in files}
    assert {k: v for k, v in found.items() if v} == {}
    # the pseudonyms are there instead, in turn texts and in the cases' attribute values
    turns = pd.read_csv(main_job / "turns.csv")
    assert turns["text"].str.contains(r"\bSari\b").any()
    cases = pd.read_csv(main_job / "tables" / "cases.csv")
    assert set(cases["nama"]) == {"Sari", "Budi", "Andi"}  # labelled by data/case_labels.csv


def test_main_job_prints_replacements(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = main_job_args()
    args[args.index("--out") + 1] = str(tmp_path / "out")
    args.remove("--report")  # turns.csv and codings.csv only: the names are counted there
    del args[args.index("--cases") : args.index("--cases") + 2]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Juliana -> Sari: 3" in printed and "Vito -> Andi: 7" in printed  # in turn texts
    assert "never found" not in capsys.readouterr().err


def test_appendix_in_the_study_language_with_readable_titles(appendix_pdf):
    text = pdf_text(appendix_pdf)
    assert "Model IDIC" in text and "Tahapan CRM" in text
    assert "IDIC model" not in text and "CRM stages" not in text
    assert "Mengenali klien: AE" in text and "Getting to know" not in text
    assert "magnus_interviews/" not in text
    assert "Wawancara tambahan (22 Mei 2023) - Narasumber 1" in text
    assert "dikodekan otomatis" in text and "skor" not in text
    # the cases' attributes labelled in Indonesian (data/case_labels.csv), values included
    assert "jenis kelamin" in text and "perempuan" in text and "female" not in text


def test_main_job_workbook_in_the_study_language(main_job):
    import openpyxl

    book = openpyxl.load_workbook(main_job / "report_tables.xlsx", read_only=True)
    assert book.sheetnames[:4] == [
        "Pengodean yang ditampilkan",
        "Segmen terkode",
        "Frekuensi kode",
        "Frekuensi tema",
    ]
    headers = [c.value for c in next(book["Frekuensi kode"].iter_rows(max_row=1))]
    assert headers[:5] == ["Tema", "Label tema", "Kode", "Label kode", "Giliran terkode"]
    labels = {r[3] for r in book["Frekuensi kode"].iter_rows(min_row=2, values_only=True)}
    assert "Retain (mempertahankan klien)" in labels
    book.close()


def test_main_job_html_report_in_the_study_language(main_job):
    html = (main_job / "report.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in html
    assert "<th>Skor</th>" in html and "<th>Score</th>" not in html
    assert "otomatis (rules)" in html  # machine codings say so
    assert "Model IDIC" in html and "IDIC model" not in html
    assert "magnus_interviews/" not in html
