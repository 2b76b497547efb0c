"""REFI-QDA files other programs wrote, and a second implementation reading what qualcode writes.

The ``qualitative-coding`` package (a test-only dependency) ships a project exported by NVivo and
its own demo project, and has an independent REFI-QDA reader. The fixtures in
``tests/fixtures/refi/`` are small projects in the shapes QualCoder, ATLAS.ti, MAXQDA and NVivo
for Windows write (byte-order marks, GUIDs in braces and upper case, CRLF counted either way,
``relative://`` sources, codes without ``isCodable``, foreign namespaces, missing users).
"""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

import pandas as pd
import pytest

from qualcode.exchange.refi import read_qdpx, write_qdpx
from tests._refidata import coded_text, sample, validate_qde, zip_fixture

qualitative_coding = pytest.importorskip("qualitative_coding")
QC_FILES = importlib.resources.files("qualitative_coding")
NVIVO = Path(str(QC_FILES / "refi_qda" / "nvivo_project.qdpx"))
DEMO = Path(str(QC_FILES / "demo.qdpx"))


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_read_qdpx_nvivo_export() -> None:
    project = read_qdpx(NVIVO)
    assert project.origin == "NVivo for Mac 15.0.0"
    assert project.users == {
        "1b0b1791-be46-4557-9957-7333544cfaf2": "chrisp",
        "39633935-3331-3962-6632-373436373264": "cp",
    }
    # 262 Code elements: 3 top-level themes (rq1..rq3) and 259 codes, 9 names repeated
    assert [t.name for t in project.codebook.themes] == [
        "rq1_definition",
        "rq2_curriculum_and_instruction",
        "rq3_process",
    ]
    codes = project.codebook.codes
    assert len(codes) == 259
    assert len(set(project.codebook.code_names)) == 259
    assert project.codebook.code("programming").parent == "competencies"
    assert project.codebook.code("cs_as_programming/programming").parent == "cs_as_programming"
    assert project.codebook.code("abstraction").theme == "rq1_definition"
    assert len(project.code_guids) == 262
    assert project.code_guids["abstraction"] == "35626564-6434-3634-6633-363637346261"
    # two sources whose plain text (next to a .docx original) is one empty line: no turns
    assert [len(text) for _, text in project.sources] == [1, 1]
    assert project.turns.empty and project.codings.empty


def test_read_qdpx_qualitative_coding_demo() -> None:
    project = read_qdpx(DEMO)
    assert project.origin == "qc 1.3.2"
    assert project.users == {"39633935-3331-3962-6632-373436373264": "cp"}
    assert [name for name, _ in project.sources] == ["board_2017", "admin-1"]  # bare paths
    assert len(project.codebook.codes) == 259
    counts = project.turns.groupby("interview", observed=True).size().to_dict()
    # one turn per paragraph; in admin-1 the participant's label ("admin-1:") is read too
    assert counts == {"admin-1": 85, "board_2017": 122}
    admin = project.turns[project.turns["interview"] == "admin-1"]
    speakers = admin["speaker"].astype(str).value_counts().to_dict()
    assert speakers == {"admin-1": 55, "Max Bigman": 30}
    assert project.turns.loc[project.turns["interview"] == "board_2017", "speaker"].iloc[0] == (
        "Speaker 1"
    )
    # 158 whole-line selections with 205 codings, all by cp, each inside one turn
    assert len(project.codings) == 205
    assert set(project.codings["coder"]) == {"cp"}
    assert project.codings["code"].nunique() == 77
    assert "computational_thinking" in set(project.codings["code"])
    text = dict(project.sources)["board_2017"]
    lines = text.splitlines()
    # every coding's text is the selected line of the source, less the line break
    first = project.codings.iloc[0]
    got = coded_text(project, first["turn_id"], (first["span_start"], first["span_end"]))
    assert any(_squash(got) == _squash(line) for line in lines)
    for row in project.codings.itertuples():
        got = coded_text(project, row.turn_id, (row.span_start, row.span_end))
        assert got == got.strip() and any(_squash(got) in _squash(line) for line in lines)


def test_qualitative_coding_reads_what_qualcode_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualitative_coding.corpus import QCCorpus
    from qualitative_coding.refi_qda.reader import REFIQDAReader

    turns, codings, codebook = sample()
    turns = turns.copy()
    # qualitative-coding names its corpus files after the sources: no "/" in names
    turns["interview"] = turns["interview"].astype(str).str.replace("/", " - ")
    out = write_qdpx(tmp_path / "magnus.qdpx", turns=turns, codings=codings, codebook=codebook)
    validate_qde(out)
    project_dir = tmp_path / "qc"
    project_dir.mkdir()
    monkeypatch.chdir(project_dir)  # qc creates its project in the working folder
    monkeypatch.setenv("PYTHONBREAKPOINT", "0")  # its reader 1.7.8 has a stray breakpoint()
    reader = REFIQDAReader(str(out))  # validates project.qde against the schema itself
    reader.unpack_project(project_dir)
    corpus = QCCorpus(project_dir / "settings.yaml")
    with corpus.session():
        coded = corpus.get_coded_lines()
        coders = [c.name for c in corpus.get_all_coders()]
    assert coders == ["Rickxen"]
    theirs = []
    for code, coder, line, file_path in coded:
        text = (project_dir / "corpus" / file_path).read_text(encoding="utf-8").splitlines()
        theirs.append((code, coder, Path(file_path).stem, text[line]))
    by_id = turns.set_index("turn_id")
    ours = [
        (
            row.code,
            row.coder,
            by_id.at[row.turn_id, "interview"],
            f"{by_id.at[row.turn_id, 'speaker']}: {by_id.at[row.turn_id, 'text']}",
        )
        for row in codings.itertuples()
    ]
    assert sorted(theirs) == sorted(ours)
    assert len(theirs) == 106


def test_read_qdpx_qualcoder_shape(tmp_path: Path) -> None:
    project = read_qdpx(zip_fixture("qualcoder", tmp_path / "qualcoder.qdpx"))
    assert project.origin == "QualCoder 3.5"
    assert project.turns["speaker"].tolist() == ["Interviewer", "Informant"] * 2
    assert project.turns["role"].tolist() == ["interviewer", "participant"] * 2
    interact = project.codebook.code("interact")
    assert interact.theme == "Relationship" and interact.color == "#9dc3e6"
    assert (interact.description, interact.include, interact.exclude) == (
        "Regular contact with the client.",
        "calls, meetings",
        "pitching",
    )
    assert project.codebook.code("acquire").theme == "codes"  # a top-level code
    got = {
        (r.code, coded_text(project, r.turn_id, (r.span_start, r.span_end)))
        for r in project.codings.itertuples()
    }
    assert got == {
        ("interact", "We call them every week"),
        # a selection with the label selects the whole turn
        ("acquire", "No, management finds new clients; the AE maintains them."),
        ("retain", "No, management finds new clients; the AE maintains them."),
        # a selection across two turns codes both, each with its own span
        ("retain", "every week, and we meet the client for lunch now and then."),
        ("retain", "Do you look"),
    }
    assert set(project.codings["coder"]) == {"Juliana"}
    assert project.cases is not None
    case = project.cases.iloc[0]
    assert (case["case"], case["interview"], case["position"], case["years"]) == (
        "Juliana",
        "interview_juliana.txt",
        "Senior Account Executive",
        "1",
    )


def test_read_qdpx_atlasti_shape(tmp_path: Path) -> None:
    project = read_qdpx(zip_fixture("atlasti", tmp_path / "atlas.qdpx"))
    # field notes without speaker labels: one turn per paragraph, hard wraps joined
    assert project.turns["speaker"].tolist() == ["unknown"] * 3
    assert project.turns["text"].iloc[1] == (
        "The account executives sit with the creative team and talk to clients on video calls "
        "most of the day."
    )
    # foreign-namespace elements (an atl:Code among them) are ignored
    assert project.codebook.code_names == ("interact", "identify")
    assert project.users == {"0a1b2c3d-1111-4222-8333-444455556666": "Rickxen"}
    got = sorted(
        (r.code, r.coder, coded_text(project, r.turn_id, (r.span_start, r.span_end)))
        for r in project.codings.itertuples()
    )
    assert got == [
        (
            "identify",
            "Rickxen",
            "A client brief arrives by email; the AE reads it and schedules a meeting with the "
            "strategist.",
        ),
        ("interact", "Rickxen", "A client brief"),
        ("interact", "Rickxen", "most of the day."),
        ("interact", "Rickxen", "talk to clients on video calls"),
    ]


def test_read_qdpx_maxqda_shape(tmp_path: Path) -> None:
    project = read_qdpx(zip_fixture("maxqda", tmp_path / "maxqda.qdpx"))
    assert project.turns["speaker"].tolist() == ["P", "N2", "P", "N2"]
    # whole-line selections (line end included) code whole turns; codings without a user
    # belong to the project's creating user
    got = {(r.turn_id, r.code, r.coder, r.span_start) for r in project.codings.itertuples()}
    assert got == {
        ("narasumber-2-0002", "interact", "Rickxen", pd.NA),
        ("narasumber-2-0004", "identify", "Rickxen", pd.NA),
    }
    assert [t.name for t in project.codebook.themes] == ["CRM"]
    # a case without a name holds the document's variables
    assert project.cases is not None
    assert project.cases[["case", "interview", "Jabatan"]].values.tolist() == [
        ["Narasumber 2", "Narasumber 2", "Account Manager"]
    ]


def test_read_qdpx_nvivo_windows_shape(tmp_path: Path) -> None:
    project = read_qdpx(zip_fixture("nvivo", tmp_path / "nvivo.qdpx"))
    # NVivo counts CRLF as two characters; the .docx original is not read
    [coding] = project.codings.itertuples()
    assert coded_text(project, coding.turn_id, (coding.span_start, coding.span_end)) == (
        "honest communication when a campaign goes wrong"
    )
    assert project.codebook.code("trust").description == "Trust between AE and client"


def test_read_qdpx_relative_source_beside_the_archive(tmp_path: Path) -> None:
    # ATLAS.ti can leave sources outside the archive, in "<project> Media"
    archive = zip_fixture("atlasti", tmp_path / "field.qdpx")
    import zipfile

    with zipfile.ZipFile(archive) as zf:
        qde, text = zf.read("project.qde"), zf.read("sources/fieldnotes.txt")
    slim = tmp_path / "slim.qdpx"
    with zipfile.ZipFile(slim, "w") as zf:
        zf.writestr("project.qde", qde)
    media = tmp_path / "slim Media"
    media.mkdir()
    (media / "fieldnotes.txt").write_bytes(text)
    project = read_qdpx(slim)
    assert len(project.turns) == 3 and len(project.codings) == 4


def test_read_qdpx_then_write_qdpx_keeps_foreign_guids(tmp_path: Path) -> None:
    first = read_qdpx(zip_fixture("maxqda", tmp_path / "m.qdpx"))
    out = write_qdpx(
        tmp_path / "again.qdpx",
        turns=first.turns,
        codings=first.codings,
        codebook=first.codebook,
        cases=first.cases,
        code_guids=first.code_guids,
    )
    qde = validate_qde(out)
    assert re.search(r'guid="11111111-aaaa-4bbb-8ccc-000000000002" name="interact"', qde)
    again = read_qdpx(out)
    assert again.codings[["turn_id", "code", "coder"]].values.tolist() == (
        first.codings[["turn_id", "code", "coder"]].values.tolist()
    )
    assert again.cases is not None and again.cases["Jabatan"].tolist() == ["Account Manager"]
