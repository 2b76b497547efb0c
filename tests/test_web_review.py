"""The review queue: one suggestion at a time, filters, decisions through decide_pending."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode import schema
from qualcode.project import Project
from tests._projectdata import copy_project
from tests._webdata import INTERVIEW, client, post, text_of


@pytest.fixture
def project(tmp_path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return copy_project(tmp_path, tmp_path_factory)


def _first(project: Path, **filters: object) -> dict[str, object]:
    with Project.open(project) as p:
        return p.pending_suggestions(limit=1, **filters).iloc[0].to_dict()  # type: ignore[arg-type]


def _left(project: Path, **filters: object) -> int:
    with Project.open(project) as p:
        return p.count_pending(**filters)  # type: ignore[arg-type]


def test_review_shows_suggestion_with_question_evidence_and_count(project: Path) -> None:
    first = _first(project)
    r = client(project).get("/review")
    assert r.status_code == 200
    assert f"{_left(project)}</span> open suggestions · this is number 1" in r.text
    assert f'data-suggestion="{first["suggestion_id"]}"' in r.text
    assert f"<strong>{first['question_speaker']}:</strong> {first['question']}" in r.text
    evidence = str(first[schema.EVIDENCE]).split("; ")[0]
    assert f'title="evidence">{evidence}</span>' in r.text
    assert 'data-key="a"' in r.text and 'data-key="r"' in r.text and 'data-key="s"' in r.text


def test_review_filters_code_origin_score_interview(project: Path) -> None:
    c = client(project)
    r = c.get("/review", params={"code": "retain"})
    assert f"{_left(project, code='retain')}</span> open" in r.text
    assert '<span class="name">retain</span>' in r.text
    r = c.get("/review", params={"origin": "model"})
    assert "0</span> open suggestions" in r.text and "Nothing left to review" in r.text
    r = c.get("/review", params={"min": "0.8", "max": "1"})
    left = _left(project, min_score=0.8, max_score=1.0)
    assert 0 < left < _left(project)
    assert f"{left}</span> open" in r.text
    name = "magnus_interviews/Narasumber 3"
    r = c.get("/review", params={"interview": name})
    assert f"{_left(project, interview=name)}</span> open" in r.text
    assert f"{name} · N3" in text_of(r.text)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"code": "nope"}, "no code"),
        ({"origin": "person"}, "origin must be rules or model"),
        ({"min": "high"}, "min score must be a number"),
        ({"i": "x"}, "whole number"),
    ],
)
def test_review_bad_filter_is_400(project: Path, params: dict[str, str], message: str) -> None:
    r = client(project).get("/review", params=params)
    assert r.status_code == 400
    assert message in r.text


def test_review_accept_then_next_reject_as_the_coder(project: Path) -> None:
    c = client(project)
    total = _left(project)
    first = _first(project)
    r = post(c, "/review/decide", {"suggestion_id": first["suggestion_id"], "decision": "accept"})
    assert r.status_code == 200
    assert f"Accepted suggestion {first['suggestion_id']}" in r.text
    assert f"{total - 1}</span> open suggestions" in r.text
    second = _first(project)
    assert f'data-suggestion="{second["suggestion_id"]}"' in r.text  # the next one, in place
    r = post(c, "/review/decide", {"suggestion_id": second["suggestion_id"], "decision": "reject"})
    assert "Rejected" in r.text
    with Project.open(project) as p:
        decided = p.decisions()
        assert decided[["suggestion_id", schema.CODER, "decision"]].values.tolist() == [
            [first["suggestion_id"], "ana", "accepted"],
            [second["suggestion_id"], "ana", "rejected"],
        ]
        assert p.codings(coder="ana")[schema.CODE].tolist() == [first[schema.CODE]]
        assert p.log()["action"].tolist()[-2:] == ["review", "review"]


def test_review_decide_without_htmx_keeps_filters(project: Path) -> None:
    c = client(project)
    first = _first(project, code="retain")
    form = {"suggestion_id": first["suggestion_id"], "decision": "reject", "code": "retain"}
    r = post(c, "/review/decide", {**form, "i": 2}, htmx=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/review?code=retain&i=2"


def test_review_decided_meanwhile_refused_and_nothing_written(project: Path) -> None:
    first = _first(project)
    with Project.open(project) as p:
        p.decide_pending(
            pd.DataFrame({"suggestion_id": [first["suggestion_id"]], "decision": ["reject"]}),
            coder="bo",
        )
        before = len(p.log())
    r = post(
        client(project),
        "/review/decide",
        {"suggestion_id": first["suggestion_id"], "decision": "accept"},
    )
    assert r.status_code == 400
    assert "decided meanwhile (rejected by bo)" in r.text and "reload" in r.text
    with Project.open(project) as p:
        assert len(p.log()) == before
        assert p.codings(coder="ana").empty


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"suggestion_id": 999999, "decision": "accept"}, "not in the project"),
        ({"suggestion_id": "1x", "decision": "accept"}, "whole number"),
        ({"suggestion_id": 1, "decision": "maybe"}, "accept or reject"),
        ({"decision": "accept"}, "the form has no suggestion_id"),
    ],
)
def test_review_bad_decision_is_400(project: Path, form: dict[str, object], message: str) -> None:
    r = post(client(project), "/review/decide", form)
    assert r.status_code == 400
    assert message in r.text


def test_review_position_past_the_end_shows_the_last(project: Path) -> None:
    left = _left(project, interview=INTERVIEW)
    r = client(project).get("/review", params={"interview": INTERVIEW, "i": 10_000})
    assert f"this is number {left}" in r.text
    assert 'data-key="j"' not in r.text and 'data-key="k"' in r.text
