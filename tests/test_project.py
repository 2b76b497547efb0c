"""Tests for the project store (qualcode.project): tables, suggestions, decisions, undo."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import qualcode as qc
from qualcode import schema
from qualcode.errors import CodingsError, ProjectError
from qualcode.project import Project
from qualcode.project.schema import SCHEMA_V1, SCHEMA_VERSION
from tests._projectdata import (
    assert_same_state,
    copy_project,
    people_codings,
    snapshot,
    state,
)
from tests.conftest import CODEBOOK, SAMPLE_TXT


@pytest.fixture
def project(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    p = Project.open(copy_project(tmp_path, tmp_path_factory))
    yield p
    p.close()


def test_project_tables_have_todays_columns(project: Project) -> None:
    turns = project.turns()
    assert list(turns.columns) == list(schema.TURN_COLUMNS)
    pd.testing.assert_frame_equal(turns, qc.read_transcript(SAMPLE_TXT), check_dtype=False)
    codings = project.codings()
    assert list(codings.columns) == list(schema.CODING_COLUMNS)
    rules = qc.KeywordCoder(qc.read_codebook(CODEBOOK)).code(qc.read_transcript(SAMPLE_TXT))
    pd.testing.assert_frame_equal(
        codings.sort_values([schema.TURN_ID, schema.CODE]).reset_index(drop=True),
        rules.sort_values([schema.TURN_ID, schema.CODE]).reset_index(drop=True),
        check_dtype=False,
    )
    assert project.codebook() == qc.read_codebook(CODEBOOK)


def test_project_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "p.qualcode"
    path.write_text("mine")
    with pytest.raises(ProjectError, match="exists already"):
        Project.create(path, CODEBOOK)
    assert path.read_text() == "mine"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such project"),
        (b"hello, this is not sqlite", "not an SQLite database"),
    ],
)
def test_project_open_refuses_what_is_not_a_project(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "p.qualcode"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        Project.open(path)


def test_project_open_refuses_sqlite_without_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE x (a)").connection.commit()
    with pytest.raises(ProjectError, match="without qualcode's tables"):
        Project.open(path)


def test_project_suggestions_wait_for_a_decision(project: Project) -> None:
    suggestions = project.suggestions()
    assert len(suggestions) == len(project.codings())
    assert set(suggestions[schema.CODER]) == {"rules"}
    picked = suggestions.head(4).assign(decision=["accept", "reject", "accept", "reject"])
    result = project.decide(picked[["suggestion_id", "decision"]], coder="ana")
    assert (result["accepted"], result["rejected"]) == (2, 2)
    assert len(project.suggestions()) == len(suggestions) - 4
    ana = project.codings(coder="ana")
    assert len(ana) == 2 and (ana[schema.SCORE] == 1.0).all()
    decisions = project.decisions()
    assert sorted(decisions["decision"]) == ["accepted", "accepted", "rejected", "rejected"]
    # ana's pending list no longer holds what she decided; another coder's still does
    assert len(project.suggestions(coder="ana")) == len(suggestions) - 4
    assert len(project.suggestions(coder="budi")) == len(suggestions)


def test_project_decide_same_again_is_unchanged_and_a_change_of_mind_replaces(
    project: Project,
) -> None:
    sid = int(project.suggestions()["suggestion_id"].iloc[0])
    project.decide(pd.DataFrame({"suggestion_id": [sid], "decision": ["accept"]}), coder="ana")
    again = project.decide(
        pd.DataFrame({"suggestion_id": [sid], "decision": ["accept"]}), coder="ana"
    )
    assert again["unchanged"] == 1
    project.decide(pd.DataFrame({"suggestion_id": [sid], "decision": ["reject"]}), coder="ana")
    decided = project.decisions()
    assert decided["decision"].tolist() == ["rejected"]
    assert project.codings(coder="ana").empty


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        ({"suggestion_id": [1], "decision": ["maybe"]}, "unknown decision 'maybe'"),
        ({"suggestion_id": [1, 1], "decision": ["accept", "reject"]}, "decided twice"),
        ({"suggestion_id": [999_999], "decision": ["accept"]}, "not in the project"),
    ],
)
def test_project_decide_refuses_bad_decisions_and_stores_nothing(
    project: Project, decisions: dict[str, list[object]], message: str
) -> None:
    before = state(project)
    with pytest.raises(ProjectError, match=message):
        project.decide(pd.DataFrame(decisions), coder="ana")
    assert_same_state(before, state(project))


def test_project_decide_needs_a_person(project: Project) -> None:
    with pytest.raises(ProjectError, match="person's name"):
        project.decide(pd.DataFrame({"suggestion_id": [1], "decision": ["accept"]}), coder="rules")


def test_recoding_never_changes_peoples_codings_or_decisions(project: Project) -> None:
    project.add_codings(people_codings(project), who="ana")
    pending = project.suggestions()
    picked = pending.iloc[[0, 1, 2, 5, 8]].assign(
        decision=["accept", "reject", "reject", "accept", "reject"]
    )
    project.decide(picked[["suggestion_id", "decision"]], coder="ana")
    before = snapshot(project)
    rejected = set(
        zip(
            picked.loc[picked["decision"] == "reject", schema.TURN_ID],
            picked.loc[picked["decision"] == "reject", schema.CODE],
            strict=True,
        )
    )
    for method in ("rules", "hybrid", "rules"):
        project.code(method=method)
        after = snapshot(project)
        for key in before:
            pd.testing.assert_frame_equal(before[key], after[key])
        again = project.suggestions()
        pairs = set(zip(again[schema.TURN_ID], again[schema.CODE], strict=True))
        assert not pairs & rejected, "a rejected suggestion was suggested again"
        people = project.codings(people=True)
        assert not pairs & set(zip(people[schema.TURN_ID], people[schema.CODE], strict=True))


def test_recoding_replaces_only_undecided_suggestions(project: Project) -> None:
    first = project.suggestions()
    project.decide(
        first.head(3).assign(decision="accept")[["suggestion_id", "decision"]], coder="ana"
    )
    result = project.code(method="rules")
    assert result["replaced"] == len(first) - 3
    assert result["skipped"] == 3
    assert len(project.suggestions()) == len(first) - 3


def test_add_codings_refuses_unknown_turns_and_machine_coders(project: Project) -> None:
    bad = pd.DataFrame({"turn_id": ["nope-0001"], "code": ["retain"], "coder": ["ana"]})
    with pytest.raises(CodingsError, match=r"turn the project does not have \('nope-0001'"):
        project.add_codings(bad)
    machine = people_codings(project).assign(coder="rules")
    with pytest.raises(CodingsError, match="machine coder"):
        project.add_codings(machine)


def test_add_codings_twice_stores_once(project: Project) -> None:
    codings = people_codings(project)
    assert project.add_codings(codings) == len(codings)
    assert project.add_codings(codings) == 0
    assert len(project.codings(people=True)) == len(codings)


def test_add_transcripts_again_unchanged_does_nothing(project: Project, tmp_path: Path) -> None:
    result = project.add_transcripts([tmp_path / SAMPLE_TXT.name])
    assert result.unchanged == [SAMPLE_TXT.name] and result.batch is None


def _changed_sample(tmp_path: Path) -> Path:
    """The sample with one answer rewritten and a greeting added at the top of interview 1."""
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    old = "N1\t: Magnus sudah berdiri dari tahun 2016, jadi sudah hampir 5 tahun ya berdiri"
    assert old in text
    text = text.replace(old, "N1\t: Magnus berdiri tahun 2016.")
    text = text.replace(
        "P\t: Halo, benar dengan mbak Juliana ya?",
        "P\t: Selamat pagi.\nP\t: Halo, benar dengan mbak Juliana ya?",
        1,
    )
    path = tmp_path / SAMPLE_TXT.name
    path.write_text(text, encoding="utf-8")
    return path


def test_add_changed_transcript_is_refused_without_replace(
    project: Project, tmp_path: Path
) -> None:
    before = state(project)
    with pytest.raises(ProjectError, match=r"changed since it was added.*--replace"):
        project.add_transcripts([_changed_sample(tmp_path)])
    assert_same_state(before, state(project))


def test_replace_keeps_codings_of_unchanged_turns_and_lists_the_rest(
    project: Project, tmp_path: Path
) -> None:
    turns = project.turns()
    changed = turns[turns[schema.TEXT].str.startswith("Magnus sudah berdiri dari tahun 2016")]
    kept_turn = turns[turns[schema.TEXT].str.contains("WIP meeting")].iloc[0]
    project.add_codings(
        pd.DataFrame(
            {
                "turn_id": [changed[schema.TURN_ID].iloc[0], kept_turn[schema.TURN_ID]],
                "code": ["acquire", "interact"],
                "coder": ["ana", "ana"],
            }
        )
    )
    before = state(project)
    result = project.add_transcripts([_changed_sample(tmp_path)], replace=True)
    assert result.replaced == [SAMPLE_TXT.name]
    assert result.dropped[schema.TEXT].tolist() == [changed[schema.TEXT].iloc[0]]
    assert result.dropped[schema.CODER].tolist() == ["ana"]
    new_turns = project.turns()
    assert len(new_turns) == len(turns) + 1
    ana = project.codings(coder="ana").merge(new_turns, on=schema.TURN_ID)
    assert ana[schema.TEXT].tolist() == [kept_turn[schema.TEXT]]
    # the machine suggestions of unchanged turns moved with them
    moved = project.codings(coder="rules").merge(new_turns, on=schema.TURN_ID)
    old_pairs = set(
        zip(
            before["codings"].merge(turns, on=schema.TURN_ID)[schema.TEXT],
            before["codings"][schema.CODE].tolist(),
            strict=False,
        )
    )
    assert set(zip(moved[schema.TEXT], moved[schema.CODE], strict=True)) <= old_pairs | set()
    project.undo()
    assert_same_state(before, state(project))


def test_undo_reverses_each_kind_of_change(project: Project, tmp_path: Path) -> None:
    steps = [
        lambda: project.add_codings(people_codings(project)),
        lambda: project.decide(
            project.suggestions().head(6).assign(decision="reject")[["suggestion_id", "decision"]],
            coder="ana",
        ),
        lambda: project.code(method="rules"),
        lambda: project.rename_code("retain", "keep"),
        lambda: project.merge_codes("keep", "enhance"),
        lambda: project.delete_code("identify", force=True),
        lambda: project.add_memo("Juliana talks about WIP meetings", code="interact"),
        lambda: project.add_transcripts([_changed_sample(tmp_path)], replace=True),
    ]
    states = [state(project)]
    for step in steps:
        step()
        states.append(state(project))
    for k in range(len(steps), 0, -1):
        project.undo()
        assert_same_state(states[k - 1], state(project))
    assert project.undo().action == "code"  # the template's own changes
    assert project.undo().action == "add"
    assert project.turns().empty and project.codings().empty
    with pytest.raises(ProjectError, match="nothing to undo"):
        project.undo()
    undone = project.log()
    assert undone["undone_by"].notna().sum() == len(steps) + 2  # add and code of the template


def test_rename_keeps_codings_and_guid(project: Project) -> None:
    n = len(project.codings(code="retain"))
    guid = project.code_guids()["retain"]
    project.rename_code("retain", "keep")
    assert "keep" in project.codebook().code_names and "retain" not in project.codebook().code_names
    assert len(project.codings(code="keep")) == n
    assert project.code_guids()["keep"] == guid


def test_rename_to_an_existing_name_is_refused(project: Project) -> None:
    with pytest.raises(qc.CodebookError, match="merge them"):
        project.rename_code("retain", "enhance")


def test_merge_moves_codings_without_duplicates(project: Project) -> None:
    both = project.codings()
    retain = set(both.loc[both[schema.CODE] == "retain", schema.TURN_ID])
    enhance = set(both.loc[both[schema.CODE] == "enhance", schema.TURN_ID])
    project.merge_codes("retain", "enhance")
    after = project.codings(code="enhance")
    assert set(after[schema.TURN_ID]) == retain | enhance
    assert not after.duplicated([schema.TURN_ID, schema.CODER]).any()
    assert "retain" not in project.codebook().code_names


def test_delete_code_with_codings_needs_force(project: Project) -> None:
    project.add_codings(people_codings(project))
    with pytest.raises(
        ProjectError, match=r"code 'identify' has \d+ coding\(s\), \d+ of them by people.*--force"
    ):
        project.delete_code("identify")
    project.delete_code("identify", force=True)
    assert "identify" not in project.codebook().code_names
    assert project.codings(code="identify").empty
    project.undo()
    assert len(project.codings(code="identify")) > 0


def test_segments_lists_one_codes_turns_with_the_question(project: Project) -> None:
    seg = project.segments("retain")
    expected = project.codings(code="retain")
    assert sorted(seg[schema.TURN_ID]) == sorted(expected[schema.TURN_ID])
    assert seg["question"].notna().all()
    with pytest.raises(ProjectError, match="no code named 'nope'"):
        project.segments("nope")


def test_status_counts(project: Project) -> None:
    s = project.status()
    assert (s["transcripts"], s["turns"], s["interviews"], s["codes"]) == (1, 173, 4, 7)
    table = s["codings"]
    assert table.loc[table["coder"] == "rules", "codings"].sum() == len(project.codings())


def test_log_records_who_did_what(project: Project) -> None:
    project.add_codings(people_codings(project), who="budi")
    log = project.log()
    assert log["action"].tolist() == ["init", "add", "code", "codings"]
    assert log["who"].tolist()[-1] == "budi"
    assert "12 coding(s) by ana" in log["summary"].iloc[-1]


def _v1_project(path: Path) -> None:
    """A project as the first schema wrote it, with one transcript, turn, code and coding."""
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1)
    con.executescript(
        """
        INSERT INTO meta VALUES ('schema_version', '1'),
            ('project_id', '6f1c7e5e-0d4e-4f57-9d8e-2b8f7f1f0a11'), ('created_at', '2026-01-05');
        INSERT INTO batches(id, at, who, action, summary) VALUES
            (1, '2026-01-05T10:00:00+00:00', 'ana', 'init', 'created');
        INSERT INTO codebook_versions(id, yaml, created_batch) VALUES (1, 'name: old
languages: [id]
themes:
  - name: crm
    codes:
      - name: retain
', 1);
        INSERT INTO codes(id, key, name, guid, created_batch) VALUES (1, 1, 'retain', 'G-1', 1);
        INSERT INTO coders(id, name) VALUES (1, 'ana');
        INSERT INTO transcripts(id, source, path, checksum, encoding, size, created_batch)
            VALUES (1, 'a.txt', 'a.txt', 'abc', 'utf-8', 10, 1);
        INSERT INTO turns(id, transcript, turn_id, interview, position, speaker, role, text,
            source, line, created_batch)
            VALUES (1, 1, 'a-0001', 'a', 1, 'N1', 'participant', 'Kami menjaga klien.',
            'a.txt', 1, 1);
        INSERT INTO codings(id, turn, code, coder, origin, status, score, created_batch)
            VALUES (1, 1, 1, 1, 0, 1, 1.0, 1);
        """
    )
    con.commit()
    con.close()


def test_open_migrates_the_first_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.qualcode"
    _v1_project(path)
    with Project.open(path) as p:
        assert p.codings()[["turn_id", "code", "coder"]].values.tolist() == [
            ["a-0001", "retain", "ana"]
        ]
        assert p.cases().empty and p.memos().empty
        p.add_memo("migrated fine")
        assert p.memos()["text"].tolist() == ["migrated fine"]
    version = (
        sqlite3.connect(path)
        .execute("SELECT value FROM meta WHERE key = 'schema_version'")
        .fetchone()[0]
    )
    assert int(version) == SCHEMA_VERSION


def test_open_refuses_a_newer_schema(tmp_path: Path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    path = copy_project(tmp_path, tmp_path_factory)
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match=r"newer qualcode.*version 99.*upgrade qualcode"):
        Project.open(path)


def test_project_cases_join_and_undo(project: Project) -> None:
    from qualcode.cases import case_of_turns, read_cases
    from tests.conftest import ROOT

    cases = read_cases(ROOT / "data" / "cases.csv")
    project.set_cases(cases, who="ana")
    stored = project.cases()
    assert sorted(stored["case"].unique()) == ["Narasumber 1", "Narasumber 2", "Narasumber 3"]
    assert set(stored.columns) >= {"case", "interview", "speaker", "job_title", "seniority"}
    of = case_of_turns(project.turns(), stored)
    assert of.notna().sum() > 50
    assert project.status()["cases"] == 3
    project.undo()
    assert project.cases().empty
