"""Which codings a project's reports and exports show: people's by default, open suggestions
marked with --include-suggestions, one coder with --coder; and the output says whose they are."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from qualcode import schema
from qualcode.cli import main
from qualcode.errors import CodingsError
from qualcode.exchange.refi import read_qdpx
from qualcode.project import Project
from qualcode.provenance import KIND, SUGGESTED_TURNS
from tests._projectdata import template
from tests.conftest import SAMPLE_TXT

ONE = "magnus_interviews/Narasumber 1"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The thesis project: rules suggestions, ana's hand codings, budi accepted one suggestion
    and rejected another, and an adjudicated consensus."""
    folder = tmp_path_factory.mktemp("report-codings")
    path = folder / "study.qualcode"
    shutil.copy(template(tmp_path_factory), path)
    shutil.copy(SAMPLE_TXT, folder / SAMPLE_TXT.name)
    with Project.open(path) as p:
        turns = p.turns()
        answers = turns.loc[
            (turns[schema.INTERVIEW] == ONE) & (turns[schema.ROLE] == schema.PARTICIPANT),
            schema.TURN_ID,
        ].tolist()
        rows = [
            {schema.TURN_ID: t, schema.CODE: "retain", schema.CODER: "ana"} for t in answers[:6]
        ]
        rows += [
            {schema.TURN_ID: t, schema.CODE: "retain", schema.CODER: "budi"} for t in answers[3:8]
        ]
        p.add_codings(pd.DataFrame(rows))
        open_ = p.suggestions()
        accepted, rejected = open_.iloc[0], open_.iloc[1]
        p.decide(
            pd.DataFrame(
                {
                    "suggestion_id": [accepted["suggestion_id"], rejected["suggestion_id"]],
                    "decision": ["accept", "reject"],
                }
            ),
            coder="budi",
        )
        table = p.adjudication_table(coders=["ana", "budi"])
        table["final"] = "coded"
        p.adjudicate(table, coders=["ana", "budi"])
        n_open = len(p.suggestions())
    return {
        "path": path,
        "folder": folder,
        "accepted": (accepted[schema.TURN_ID], accepted[schema.CODE]),
        "rejected": (rejected[schema.TURN_ID], rejected[schema.CODE]),
        "n_open": n_open,
    }


def test_report_codings_people_by_default(study: dict) -> None:
    with Project.open(study["path"]) as p:
        shown = p.report_codings()
        assert set(shown[schema.CODER]) == {"ana", "budi", "consensus"}
        # an accepted suggestion is budi's coding; a rejected one is nobody's
        keys = set(zip(shown[schema.TURN_ID], shown[schema.CODE], strict=True))
        assert study["accepted"] in keys and study["rejected"] not in keys
        with_open = p.report_codings(include_suggestions=True)
        machine = with_open[with_open[schema.CODER].isin(["rules", "model"])]
        assert len(machine) == study["n_open"] and set(machine["status"]) == {"suggested"}
        with pytest.raises(
            CodingsError, match=r"no codings by rules to report.*--include-suggestions"
        ):
            p.report_codings(coder="rules")


def test_cli_report_leaves_suggestions_out_by_default(
    study: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "report"
    code, out, err = run(
        capsys, "report", "--project", study["path"], "--out", out_dir, "--lang", "en"
    )
    assert code == 0, err
    assert "Codings shown: ana (" in out and "rules" not in out
    segments = pd.read_csv(out_dir / "tables" / "segments.csv")
    assert set(segments["coder"]) == {"ana", "budi", "consensus"}
    assert set(segments[KIND]) == {"person"}
    frequencies = pd.read_csv(out_dir / "tables" / "code_frequencies.csv")
    assert SUGGESTED_TURNS not in frequencies.columns
    shown = pd.read_csv(out_dir / "tables" / "coders_shown.csv")
    assert shown["coder"].tolist() == ["ana", "budi", "consensus"]


def test_cli_report_include_suggestions_marks_them_everywhere(
    study: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "report"
    code, out, err = run(
        capsys,
        "report", "--project", study["path"], "--out", out_dir, "--include-suggestions",
        "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    assert f"rules ({study['n_open']} suggestions nobody reviewed, marked)" in out
    tables = out_dir / "tables"
    segments = pd.read_csv(tables / "segments.csv")
    assert set(segments.loc[segments["coder"] == "rules", KIND]) == {"suggestion"}
    assert set(segments.loc[segments["coder"] == "ana", KIND]) == {"person"}
    # a count's suggested part: turns only a suggestion puts there
    frequencies = pd.read_csv(tables / "code_frequencies.csv").set_index("code")
    people = pd.read_csv(tables / "segments.csv")
    retain_people = people[(people["code"] == "retain") & (people[KIND] == "person")]
    retain_all = people[people["code"] == "retain"]
    participant = set(retain_all["turn_id"])  # the sample's codings are of participant turns
    expected = len(participant) - len(set(retain_people["turn_id"]))
    assert frequencies.at["retain", SUGGESTED_TURNS] == expected
    for name in ("theme_frequencies", "by_interview", "cooccurrence"):
        assert SUGGESTED_TURNS in pd.read_csv(tables / f"{name}.csv").columns
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "suggestion, not yet reviewed (rules)" in html
    assert "(including suggestions not yet reviewed)" in html  # the chart captions
    assert "<th>suggestion, not yet reviewed (rules)</th>" in html  # the coders' table
    wb = openpyxl.load_workbook(out_dir / "report_tables.xlsx", read_only=True)
    assert wb.sheetnames[0] == "Coders shown"
    first = [tuple(c.value for c in row) for row in wb["Coders shown"].iter_rows()]
    assert ("rules", "suggestion", study["n_open"]) in first
    assert first[0][:2] == ("Coder", "Coded by (person / machine / suggestion)")


def test_cli_export_docx_include_suggestions_quotes_and_captions(
    study: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "appendix.docx"
    code, _, err = run(
        capsys,
        "export", "docx", "--project", study["path"], "--out", path,
        "--include-suggestions", "--lang", "id", "--no-transcripts",
    )  # fmt: skip
    assert code == 0, err
    text = [p.text for p in docx.Document(str(path)).paragraphs]
    assert any(
        t.startswith("Pengodean yang ditampilkan: ana, budi, consensus, saran") for t in text
    )
    assert any("; saran, belum ditinjau)" in t for t in text)  # a quote's citation
    assert any("(termasuk saran yang belum ditinjau)" in t for t in text)  # a caption
    frequencies = docx.Document(str(path)).tables[-1]
    assert "Di antaranya hanya saran" in [c.text for c in frequencies.rows[0].cells]
    assert not any("dikodekan otomatis" in t for t in text)  # not machine codings here


def test_cli_exports_limited_to_the_consensus_coder_say_so(
    study: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "consensus.docx"
    code, out, err = run(
        capsys, "export", "docx", "--project", study["path"], "--out", path,
        "--coder", "consensus", "--no-transcripts", "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    assert "Codings shown: consensus (" in out
    text = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "Codings shown: consensus." in text
    assert not any("coded by ana" in t for t in text) and any(
        "coded by consensus" in t for t in text
    )
    xlsx = tmp_path / "consensus.xlsx"
    assert (
        run(
            capsys,
            "export",
            "xlsx",
            "--project",
            study["path"],
            "--out",
            xlsx,
            "--coder",
            "consensus",
        )[0]
        == 0
    )
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    assert wb.sheetnames[0] == "Pengodean yang ditampilkan"  # the codebook's study language
    first_sheet = wb["Pengodean yang ditampilkan"]
    rows = [tuple(c.value for c in row) for row in first_sheet.iter_rows(min_row=2)]
    assert [r[:2] for r in rows] == [("consensus", "person")]
    qdpx = tmp_path / "consensus.qdpx"
    code, out, err = run(
        capsys, "export", "qdpx", "--project", study["path"], "--out", qdpx, "--coder", "consensus"
    )
    assert code == 0, err
    assert "Codings shown: consensus (" in out
    back = read_qdpx(qdpx)
    assert set(back.codings[schema.CODER]) == {"consensus"}
    assert zipfile.is_zipfile(qdpx)
    code, _, err = run(
        capsys, "export", "xlsx", "--project", study["path"], "--out", xlsx, "--coder", "dewi"
    )
    assert (
        code == 1
        and "no codings by dewi to report; coders with codings: ana, budi, consensus" in err
    )


def test_cli_include_suggestions_needs_a_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "export", "xlsx", "--turns", SAMPLE_TXT, "--codings", SAMPLE_TXT,
        "--codebook", SAMPLE_TXT, "--out", tmp_path / "x.xlsx", "--include-suggestions",
    )  # fmt: skip
    assert code == 1 and "--include-suggestions needs --project" in err


def test_cli_one_shot_report_labels_machine_codings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import CODEBOOK

    out_dir = tmp_path / "out"
    code, _, err = run(
        capsys, "code", SAMPLE_TXT, "--codebook", CODEBOOK, "--out", out_dir, "--report",
        "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    segments = pd.read_csv(out_dir / "tables" / "segments.csv")
    assert set(segments[KIND]) == {"machine"}
    text = [p.text for p in docx.Document(str(out_dir / "appendix.docx")).paragraphs]
    assert "Codings shown: coded automatically." in text
    assert any("; coded automatically)" in t for t in text)
