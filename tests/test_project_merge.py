"""Merging a second coder's work: a .qdpx export of the same study, or a copy of the project.

Two people code the thesis interviews apart, each in their own copy (exported from their own
tool with their own user GUIDs, as NVivo does per export); the second coder's work is merged
into the first's project: interviews matched by text, codings on the same turns under each
coder's name, one batch, and a second merge of the same file changes nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd
import pytest

import qualcode as qc
from qualcode.cli import main
from qualcode.errors import ProjectError
from qualcode.exchange.refi import write_qdpx
from qualcode.exchange.refi.project import export_project_qdpx, merge_qdpx
from tests.conftest import CODEBOOK, ROOT, SAMPLE_TXT

CASES = ROOT / "data" / "cases.csv"
KEY = ["turn_id", "code", "coder", "span_start", "span_end"]


def _coded(coder: str, every: int, shift: int) -> pd.DataFrame:
    """Keyword codings of the sample, given to ``coder``: every ``every``-th one, some with
    another code, so that two coders agree on some turns and not on others."""
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    codings = qc.KeywordCoder(book).code(turns).iloc[::every].copy()
    names = list(book.code_names)
    swap = codings.index % 3 == shift
    codings.loc[swap, "code"] = [
        names[(names.index(c) + 1) % len(names)] for c in codings.loc[swap, "code"]
    ]
    codings["coder"] = coder
    return codings.drop_duplicates(["turn_id", "code"]).reset_index(drop=True)


def _study(path: Path, coder: str, every: int, shift: int) -> qc.Project:
    p = qc.Project.create(path, CODEBOOK, who=coder)
    p.add_transcripts([SAMPLE_TXT], who=coder)
    p.add_codings(_coded(coder, every, shift), who=coder)
    return p


def _rows(table: pd.DataFrame) -> list[tuple[str, ...]]:
    return sorted(map(tuple, table[KEY].astype(str).itertuples(index=False)))


@pytest.fixture
def ana(tmp_path: Path) -> qc.Project:
    return _study(tmp_path / "ana.qualcode", "Ana", 1, 0)


@pytest.fixture
def budi_qdpx(tmp_path: Path) -> Path:
    """Budi's export of his own copy, with his tool's own GUIDs (another namespace)."""
    turns = qc.read_transcript(SAMPLE_TXT)
    out = tmp_path / "budi.qdpx"
    write_qdpx(
        out,
        turns=turns,
        codings=_coded("Budi", 2, 1),
        codebook=qc.read_codebook(CODEBOOK),
        namespace=uuid.uuid4(),
    )
    return out


def test_merge_qdpx_second_coder_lands_on_the_same_turns(ana: qc.Project, budi_qdpx: Path) -> None:
    turns_before = ana.turns()
    mine = ana.codings(people=True)
    result = merge_qdpx(ana, budi_qdpx, who="ana")
    assert set(result.matched) == set(turns_before["interview"].astype(str))
    assert result.added == [] and result.coders == ["Budi"]
    pd.testing.assert_frame_equal(ana.turns(), turns_before)
    after = ana.codings(people=True)
    budi = after[after["coder"] == "Budi"]
    assert _rows(budi) == _rows(_coded("Budi", 2, 1))  # the same turn ids as Ana's project
    assert _rows(after[after["coder"] == "Ana"]) == _rows(mine)
    assert set(budi["turn_id"]) & set(mine["turn_id"])  # both coded some of the same turns
    assert ana.status()["transcripts"] == 1
    assert ana.log()["action"].tolist() == ["init", "add", "codings", "import"]


def test_merge_qdpx_twice_changes_nothing_and_undo_removes_it_whole(
    ana: qc.Project, budi_qdpx: Path
) -> None:
    before = _rows(ana.codings(people=True))
    merge_qdpx(ana, budi_qdpx)
    log = ana.log()
    again = merge_qdpx(ana, budi_qdpx)
    assert not again.changed and again.codings == 0
    pd.testing.assert_frame_equal(ana.log(), log)  # no empty batch either
    ana.undo()
    assert _rows(ana.codings(people=True)) == before


def test_merge_qdpx_matches_coders_by_name_across_exports(ana: qc.Project, tmp_path: Path) -> None:
    """The same person exported twice gets two user GUIDs (NVivo): one coder, nothing doubled."""
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    codings = _coded("Budi", 2, 1)
    first, second = tmp_path / "b1.qdpx", tmp_path / "b2.qdpx"
    write_qdpx(first, turns=turns, codings=codings, codebook=book, namespace=uuid.uuid4())
    write_qdpx(second, turns=turns, codings=codings, codebook=book, namespace=uuid.uuid4())
    assert merge_qdpx(ana, first).codings == len(codings)
    assert not merge_qdpx(ana, second).changed
    assert sorted(ana.codings(people=True)["coder"].unique()) == ["Ana", "Budi"]


def test_merge_qdpx_adds_the_sources_the_project_lacks(tmp_path: Path) -> None:
    turns = qc.read_transcript(SAMPLE_TXT)
    first = turns["interview"].astype(str).iloc[0]
    p = qc.Project.create(tmp_path / "p.qualcode", CODEBOOK)
    p.add_turns(turns[turns["interview"].astype(str) == first].assign(source="first.txt"))
    out = tmp_path / "all.qdpx"
    codings = _coded("Budi", 1, 1)
    write_qdpx(out, turns=turns, codings=codings, codebook=p.codebook())
    result = merge_qdpx(p, out)
    assert list(result.matched) == [first]
    assert len(result.added) == 3
    assert len(p.turns()) == len(turns)
    assert _rows(p.codings(people=True)) == _rows(codings)


def test_cli_import_refuses_a_source_of_the_same_name_with_other_text(
    ana: qc.Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    turns = qc.read_transcript(SAMPLE_TXT)
    turns.loc[5, "text"] = "Teks yang diubah oleh koder kedua."
    out = tmp_path / "edited.qdpx"
    write_qdpx(out, turns=turns, codings=_coded("Budi", 2, 1), codebook=ana.codebook())
    name = str(turns.loc[5, "interview"])
    log = ana.log()
    ana.close()
    assert main(["import", "qdpx", str(out), "--project", str(ana.path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {ana.path}: edited.qdpx: interview {name!r} is in the project")
    assert "--as-new" in err
    p = qc.Project.open(ana.path)
    pd.testing.assert_frame_equal(p.log(), log)
    p.close()
    assert main(["import", "qdpx", str(out), "--project", str(ana.path), "--as-new"]) == 0
    assert "3 interview(s) matched by text; 1 added" in capsys.readouterr().out
    p = qc.Project.open(ana.path)
    assert f"{name} (edited)" in set(p.turns()["interview"].astype(str))
    # now the edited interview is in the project: matched by its text, nothing new
    assert not merge_qdpx(p, out).changed
    turns.loc[5, "text"] = "Diubah lagi."
    write_qdpx(out, turns=turns, codings=_coded("Budi", 2, 1), codebook=p.codebook())
    with pytest.raises(ProjectError, match=r"is in the project already, with other text"):
        merge_qdpx(p, out)


@pytest.fixture
def colleague(tmp_path: Path) -> Path:
    """Budi's copy of the project: his codings, a rejected suggestion, memos and a case."""
    p = _study(tmp_path / "budi.qualcode", "Budi", 2, 1)
    p.code(method="rules", who="Budi")
    sug = p.suggestions()
    anas = set(zip(*(_coded("Ana", 1, 0)[c] for c in ("turn_id", "code")), strict=True))
    free = [(t, c) not in anas for t, c in zip(sug["turn_id"], sug["code"], strict=True)]
    sug = sug[free].iloc[:2]  # suggestions Ana's project will have too
    decisions = pd.DataFrame(
        {"suggestion_id": sug["suggestion_id"], "decision": ["reject", "accept"]}
    )
    p.decide(decisions, coder="Budi")
    turn = p.turns()["turn_id"].iloc[7]
    p.add_memo("Budi: this answer is about retention.", turn=turn, author="Budi")
    p.set_cases(qc.read_cases(CASES), who="Budi")
    p.close()
    return tmp_path / "budi.qualcode"


def test_cli_merge_a_colleagues_project(
    ana: qc.Project, colleague: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ana.code(method="rules", who="Ana")  # Ana's own suggestions, to carry Budi's rejection onto
    ana.close()
    assert main(["merge", str(ana.path), str(colleague), "--who", "ana"]) == 0
    out = capsys.readouterr().out
    assert "4 interview(s) matched by text" in out and "1 rejection(s) carried" in out
    p = qc.Project.open(ana.path)
    with qc.Project.open(colleague) as theirs:
        assert _rows(p.codings(people=True, coder="Budi")) == _rows(
            theirs.codings(people=True, coder="Budi")
        )
        rejected = theirs.decisions().query("decision == 'rejected'")[["turn_id", "code"]]
        memo = theirs.memos()[["about", "target", "author", "text"]]
    mine = p.decisions().query("coder == 'Budi'")[["turn_id", "code"]]
    assert mine.values.tolist() == rejected.values.tolist()
    assert p.memos()[["about", "target", "author", "text"]].values.tolist() == memo.values.tolist()
    assert sorted(p.cases()["case"].unique()) == ["Narasumber 1", "Narasumber 2", "Narasumber 3"]
    assert p.log()["action"].iloc[-1] == "merge"
    log = p.log()
    p.close()
    assert main(["merge", str(ana.path), str(colleague)]) == 0
    assert capsys.readouterr().out.startswith("Nothing new in")
    p = qc.Project.open(ana.path)
    pd.testing.assert_frame_equal(p.log(), log)
    p.undo()
    assert p.codings(people=True, coder="Budi").empty and p.memos().empty and p.cases().empty
    assert p.decisions().query("coder == 'Budi'").empty


def test_merged_project_agreement_between_the_two_coders(
    ana: qc.Project, budi_qdpx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    merge_qdpx(ana, budi_qdpx)
    ana.close()
    assert main(["agree", "--project", str(ana.path)]) == 0
    out = capsys.readouterr().out
    assert "Ana" in out and "Budi" in out and "kappa" in out


def test_export_qdpx_of_a_merged_project_keeps_both_coders(
    ana: qc.Project, budi_qdpx: Path, tmp_path: Path
) -> None:
    merge_qdpx(ana, budi_qdpx)
    out = export_project_qdpx(ana, tmp_path / "both.qdpx")
    fresh = merge_qdpx(qc.Project.create(tmp_path / "fresh.qualcode", CODEBOOK), out)
    assert sorted(fresh.coders) == ["Ana", "Budi"]


def test_merge_matches_text_that_differs_only_in_spacing(ana: qc.Project, tmp_path: Path) -> None:
    turns = qc.read_transcript(SAMPLE_TXT)
    k = int(turns.index[turns["text"].str.len() > 80][0])
    text = str(turns.at[k, "text"])
    cut = text.find(" ", 40)
    turns.at[k, "text"] = text[:cut] + "   " + text[cut + 1 :]  # a run of spaces
    spaced = str(turns.at[k, "text"])
    codings = pd.DataFrame(
        {
            "turn_id": [turns.at[k, "turn_id"]] * 2,
            "code": ["retain", "interact"],
            "coder": ["Budi", "Budi"],
            "span_start": [0, 0],
            "span_end": [10, cut + 5],  # the second one spans the changed spacing
        }
    )
    out = tmp_path / "spaced.qdpx"
    write_qdpx(out, turns=turns, codings=codings, codebook=ana.codebook())
    result = merge_qdpx(ana, out)
    assert len(result.matched) == 4 and not result.added
    got = ana.codings(people=True, coder="Budi").sort_values("code")
    assert got["turn_id"].tolist() == [turns.at[k, "turn_id"]] * 2
    # each span covers the same words in the project's turn (the runs of spaces read as one)
    mine = str(ana.turns().set_index("turn_id").at[turns.at[k, "turn_id"], "text"])
    assert mine == text
    for row, (a, b) in zip(got.itertuples(), [(0, cut + 5), (0, 10)], strict=True):
        covered = mine[int(row.span_start) : int(row.span_end)]
        assert covered.split() == spaced[a:b].split()


def _nvivo_guids(path: Path) -> None:
    """Rewrite an export's GUIDs as NVivo for Windows writes them: braced, upper case."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    qde = entries["project.qde"].decode("utf-8")
    qde = re.sub(
        r'(guid|GUID|creatingUser)="([0-9a-f-]{36})"',
        lambda m: f'{m.group(1)}="{{{m.group(2).upper()}}}"',
        qde,
    )
    entries["project.qde"] = qde.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


def test_cli_import_two_coders_exports_into_one_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two exports of one study, each by its coder with its own user GUIDs: the first makes
    the project, the second is merged onto the same turns; one undo removes it whole."""
    turns = qc.read_transcript(SAMPLE_TXT)
    book = qc.read_codebook(CODEBOOK)
    exports = {}
    for coder, every, shift in (("Ana", 1, 0), ("Budi", 2, 1)):
        out = tmp_path / f"{coder.lower()}.qdpx"
        codings = _coded(coder, every, shift)
        write_qdpx(out, turns=turns, codings=codings, codebook=book, namespace=uuid.uuid4())
        _nvivo_guids(out)
        exports[coder] = (out, codings)
    project = tmp_path / "study.qualcode"
    assert main(["import", "qdpx", str(exports["Ana"][0]), "--project", str(project)]) == 0
    assert main(["import", "qdpx", str(exports["Budi"][0]), "--project", str(project)]) == 0
    assert "4 interview(s) matched by text; " in capsys.readouterr().out
    p = qc.Project.open(project)
    got = p.codings(people=True)
    assert len(p.turns()) == len(turns) and p.status()["transcripts"] == 1
    for coder, (_, codings) in exports.items():
        assert _rows(got[got["coder"] == coder]) == _rows(codings)
    log = p.log()
    p.close()
    assert main(["import", "qdpx", str(exports["Budi"][0]), "--project", str(project)]) == 0
    assert capsys.readouterr().out.startswith("Nothing new in")
    assert main(["undo", str(project)]) == 0
    p = qc.Project.open(project)
    assert len(p.log()) == len(log) + 1  # the undo, no empty merge batch before it
    assert set(p.codings(people=True)["coder"]) == {"Ana"}


def test_merge_two_interviews_of_the_same_text_keep_their_own_codings(tmp_path: Path) -> None:
    """A study may hold one text twice (a re-interview read back, a copy): each incoming
    interview goes to the project's interview of its name."""
    turns = qc.read_transcript(SAMPLE_TXT)
    first = turns[turns["interview"] == turns["interview"].iloc[0]]
    twice = pd.concat(
        [
            first.assign(interview="A", turn_id="a-" + first["turn_id"].astype(str)),
            first.assign(interview="B", turn_id="b-" + first["turn_id"].astype(str)),
        ],
        ignore_index=True,
    )
    p = qc.Project.create(tmp_path / "p.qualcode", CODEBOOK)
    p.add_turns(twice.assign(source="twice.txt"))
    b_turn = str(twice["turn_id"].iloc[len(first) + 3])
    codings = pd.DataFrame({"turn_id": [b_turn], "code": ["retain"], "coder": ["Budi"]})
    out = tmp_path / "twice.qdpx"
    write_qdpx(out, turns=twice, codings=codings, codebook=p.codebook(), namespace=uuid.uuid4())
    result = merge_qdpx(p, out)
    assert result.matched == {"A": "A", "B": "B"}
    got = p.codings(people=True)
    assert got["turn_id"].tolist() == [p.turns()["turn_id"].iloc[len(first) + 3]]
    assert p.turns().set_index("turn_id").at[got["turn_id"].iloc[0], "interview"] == "B"


def test_import_qdpx_with_suggestions_keeps_them_suggestions(
    ana: qc.Project, tmp_path: Path
) -> None:
    ana.code(method="rules")
    open_before = ana.suggestions()
    out = export_project_qdpx(ana, tmp_path / "all.qdpx", suggestions=True)
    fresh = qc.Project.create(tmp_path / "fresh.qualcode", CODEBOOK)
    result = merge_qdpx(fresh, out)
    assert result.suggestions == len(open_before)
    assert len(fresh.suggestions()) == len(open_before)
    assert set(fresh.codings(people=True)["coder"]) == {"Ana"}
    log = ana.log()
    assert not merge_qdpx(ana, out).changed  # its own export: nothing new
    pd.testing.assert_frame_equal(ana.log(), log)
    pd.testing.assert_frame_equal(ana.suggestions(), open_before)


def test_cli_merge_says_what_it_cannot_merge(
    ana: qc.Project, budi_qdpx: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ana.close()
    path = str(ana.path)
    assert main(["merge", path, str(budi_qdpx)]) == 1
    assert capsys.readouterr().err == (
        f"Error: {budi_qdpx}: a REFI-QDA file, not a qualcode project; merge it with "
        f"`qualcode import qdpx {budi_qdpx} --project {path}`\n"
    )
    assert main(["merge", path, path]) == 1
    assert "this is the project itself" in capsys.readouterr().err
    assert main(["merge", path, str(tmp_path / "missing.qualcode")]) == 1
    assert "missing.qualcode: no such project" in capsys.readouterr().err
    assert qc.Project.open(ana.path).log()["action"].tolist() == ["init", "add", "codings"]
