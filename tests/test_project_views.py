"""The project's paged reads (views.py) agree with its whole-table reads, after decisions."""

from __future__ import annotations

import pandas as pd
import pytest

from qualcode import schema
from qualcode.project import Project
from tests._projectdata import copy_project, people_codings


@pytest.fixture
def project(tmp_path, tmp_path_factory) -> Project:  # type: ignore[no-untyped-def]
    p = Project.open(copy_project(tmp_path, tmp_path_factory))
    queue = p.pending_suggestions(limit=9)["suggestion_id"].tolist()
    p.decide_pending(
        pd.DataFrame({"suggestion_id": queue[:6], "decision": ["accept", "reject"] * 3}),
        coder="ana",
    )
    # a second person decides one of ana's again (through decide: two decisions, one suggestion)
    p.decide(pd.DataFrame({"suggestion_id": queue[:1], "decision": ["reject"]}), coder="bo")
    p.add_codings(people_codings(p, "bo", n=10), who="bo")
    yield p
    p.close()


def test_views_count_pending_matches_suggestions(project: Project) -> None:
    open_ = project.suggestions()
    assert project.count_pending() == len(open_)
    for code in ("retain", "acquire"):
        assert project.count_pending(code=code) == int((open_[schema.CODE] == code).sum())
    assert project.count_pending(min_score=0.6, max_score=0.9) == int(
        open_[schema.SCORE].between(0.6, 0.9).sum()
    )
    assert project.count_pending(origin="model") == 0
    listed = project.pending_suggestions(limit=10_000)
    assert sorted(listed["suggestion_id"]) == sorted(open_["suggestion_id"])
    interview = str(listed[schema.INTERVIEW].iloc[0])
    mine = listed[listed[schema.INTERVIEW] == interview]
    assert project.count_pending(interview=interview) == len(mine)
    assert project.pending_suggestions(interview=interview, limit=1000)[
        "suggestion_id"
    ].tolist() == sorted(mine["suggestion_id"])


def test_views_code_counts_match_the_tables(project: Project) -> None:
    counts = project.code_counts().set_index(schema.CODE)
    people = project.codings(people=True)[schema.CODE].value_counts()
    pending = project.suggestions()[schema.CODE].value_counts()
    for code in project.codebook().code_names:
        assert counts.loc[code, "people"] == people.get(code, 0)
        assert counts.loc[code, "open"] == pending.get(code, 0)


def test_views_interviews_paged_counts_match(project: Project) -> None:
    whole = project.interviews()
    assert whole.attrs["total"] == len(whole) == 4
    pages = pd.concat([project.interviews(offset=k, limit=2) for k in (0, 2)], ignore_index=True)
    pd.testing.assert_frame_equal(pages, whole, check_like=False)
    people = project.codings(people=True)
    turns = project.turns().set_index(schema.TURN_ID)[schema.INTERVIEW].astype(str)
    per = people[schema.TURN_ID].map(turns).value_counts()
    for row in whole.itertuples():
        assert row.people == per.get(row.interview, 0)
    assert whole["open"].sum() == project.count_pending()


def test_views_states_change_only_with_what_they_follow(project: Project) -> None:
    books, turns = project.codebook_state(), project.turns_state()
    project.code_spans(
        pd.DataFrame(
            {schema.TURN_ID: [project.turns()[schema.TURN_ID].iloc[3]], schema.CODE: ["retain"]}
        ),
        coder="ana",
    )
    assert (project.codebook_state(), project.turns_state()) == (books, turns)
    project.rename_code("retain", "keep")
    assert project.codebook_state() != books
    project.undo()
    assert project.codebook_state() == books
