"""The search page: the same hits as qc.search, each codable, all codable as one batch."""

from __future__ import annotations

from pathlib import Path

import pytest

import qualcode as qc
from qualcode import schema
from qualcode.project import Project
from tests._projectdata import copy_project
from tests._webdata import client, post, text_of


@pytest.fixture
def project(tmp_path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return copy_project(tmp_path, tmp_path_factory)


def _hits(project: Path, query: str, **filters: str) -> object:
    with Project.open(project) as p:
        return qc.search(p.turns(), query, **filters)


def test_search_lists_the_same_hits_as_the_library(project: Path) -> None:
    hits = _hits(project, "pertahankan")
    assert len(hits) > 0  # type: ignore[arg-type]
    r = client(project).get("/search", params={"q": "pertahankan"})
    assert r.status_code == 200
    assert f"{len(hits)} hits of “pertahankan”" in r.text  # type: ignore[arg-type]
    for row in hits.itertuples():  # type: ignore[attr-defined]
        assert f'<td class="hit">{row.matched}</td>' in r.text
        assert f'name="span_start" value="{row.span_start}"' in r.text
    exact = _hits(project, "=mempertahankan")
    page = client(project).get("/search", params={"q": "=mempertahankan"}).text
    assert f"{len(exact)} hit" in page  # type: ignore[arg-type]
    assert len(exact) <= len(hits)  # type: ignore[arg-type]


def test_search_filters_by_role(project: Path) -> None:
    hits = _hits(project, "klien", role="participant")
    r = client(project).get("/search", params={"q": "klien", "role": "participant"})
    assert f"{len(hits)} hits" in r.text  # type: ignore[arg-type]
    assert "P · #" not in text_of(r.text)  # no interviewer turns


def test_search_code_one_hit_with_its_span(project: Path) -> None:
    hit = _hits(project, "pertahankan").iloc[0]  # type: ignore[attr-defined]
    c = client(project)
    form = {"turn_id": hit.turn_id, "span_start": hit.span_start, "span_end": hit.span_end}
    r = post(c, "/search/code", {**form, "code": "retain"})
    assert r.status_code == 200 and "Coded retain on this hit" in r.text
    with Project.open(project) as p:
        mine = p.codings(coder="ana")
    assert mine[[schema.TURN_ID, schema.SPAN_START, schema.SPAN_END]].values.tolist() == [
        [hit.turn_id, hit.span_start, hit.span_end]
    ]
    bad = post(c, "/search/code", {**form, "span_end": 10**6, "code": "retain"})
    assert bad.status_code == 400 and "outside the turn" in bad.text


def test_search_code_all_hits_is_one_batch_and_one_undo(project: Path) -> None:
    hits = _hits(project, "klien | client")
    c = client(project)
    r = post(c, "/search/code-all", {"q": "klien | client", "code": "interact"})
    assert r.status_code == 200
    assert f"Coded {len(hits)} of {len(hits)} hits with interact as one change" in r.text  # type: ignore[arg-type]
    with Project.open(project) as p:
        mine = p.codings(coder="ana")
        assert len(mine) == len(hits)  # type: ignore[arg-type]
        assert p.log()["summary"].iloc[-1] == f"{len(hits)} coding(s) by ana"  # type: ignore[arg-type]
        p.undo()
        assert p.codings(coder="ana").empty
    again = post(c, "/search/code-all", {"q": "klien", "code": "nope"})
    assert again.status_code == 400 and "no code" in again.text


def test_search_word_frequencies_per_speaker(project: Path) -> None:
    with Project.open(project) as p:
        table = qc.word_frequencies(p.turns(), by="speaker", top=15)
    r = client(project).get("/search", params={"freq": "speaker"})
    assert r.status_code == 200
    top = table.iloc[0]
    assert f"<th>{top['group']}</th>" in r.text
    assert f'>{top["word"]}</a></td><td class="num">{top["count"]}</td>' in r.text


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"q": "yang dan"}, 400, "only stop words"),
        ({"q": "klien", "role": "boss"}, 400, "role must be one of"),
        ({"freq": "year"}, 400, "by interview, speaker or role"),
        ({"q": "klien", "page": "99"}, 404, "page(s) of hits"),
        ({"q": "klien", "interview": "nobody"}, 400, "no interview"),
    ],
)
def test_search_bad_request_is_4xx(
    project: Path, params: dict[str, str], status: int, message: str
) -> None:
    r = client(project).get("/search", params=params)
    assert r.status_code == status
    assert message in r.text


def test_search_query_is_escaped(project: Path) -> None:
    r = client(project).get("/search", params={"q": '<script>alert(1)</script> " onmouseover="x'})
    assert "<script>alert(1)" not in r.text and '" onmouseover="x' not in r.text
    assert "&lt;script&gt;alert(1)" in r.text
