"""The codebook, a code's segments, the overview with its charts and log, and undo."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualcode import schema
from qualcode.project import Project
from tests._projectdata import assert_same_state, copy_project, people_codings, state
from tests._webdata import TURN, client, post, text_of


@pytest.fixture
def project(tmp_path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    path = copy_project(tmp_path, tmp_path_factory)
    with Project.open(path) as p:
        p.add_codings(people_codings(p, "ana", n=12), who="ana")
    return path


def test_codebook_shows_tree_definitions_and_counts(project: Path) -> None:
    with Project.open(project) as p:
        counts = p.code_counts().set_index(schema.CODE)
        book = p.codebook()
    r = client(project).get("/codebook")
    assert r.status_code == 200
    page = text_of(r.text)
    assert book.name in page
    for code in book.codes:
        assert code.display in page
        people, pending = counts.loc[code.name, "people"], counts.loc[code.name, "open"]
        assert f"{people} people's coding" in page
        if pending:
            assert f"{pending} open suggestion" in page
    identify = book.code("identify")
    assert "Include" in page and "Exclude" in page
    assert f"{len(identify.examples)} examples" in page
    assert '/review?code=retain"' in r.text


def test_code_segments_paged_and_linked_to_their_place(project: Path) -> None:
    with Project.open(project) as p:
        turns = p.turns()
        answers = turns[turns[schema.ROLE] == schema.PARTICIPANT].head(45)
        p.code_spans(
            pd.DataFrame(
                {
                    schema.TURN_ID: answers[schema.TURN_ID],
                    schema.CODE: "enhance",
                    schema.SPAN_START: 0,
                    schema.SPAN_END: 2,
                }
            ),
            coder="bo",
        )
        total = int(p.code_segments("enhance", limit=1).attrs["total"])
    c = client(project)
    first = c.get("/codebook/code", params={"name": "enhance"})
    assert first.status_code == 200
    assert f"{total} people's codings · page 1 of 3" in first.text
    assert first.text.count("<blockquote>") == 20
    assert "characters 0–2" in first.text and 'class="hl k' in first.text
    assert f'href="/turn?id={answers[schema.TURN_ID].iloc[0]}"' in first.text
    last = c.get("/codebook/code", params={"name": "enhance", "page": 3})
    assert last.text.count("<blockquote>") == total - 40
    assert c.get("/codebook/code", params={"name": "enhance", "page": 4}).status_code == 404
    assert c.get("/codebook/code", params={"name": "enhance", "page": "0"}).status_code == 400
    assert c.get("/codebook/code", params={"name": "<nope>"}).status_code == 404
    place = c.get(f"/turn?id={answers[schema.TURN_ID].iloc[0]}")
    assert place.status_code == 200 and place.url.path == "/interview"


def test_overview_charts_log_and_memos(project: Path) -> None:
    c = client(project)
    post(c, "/memo", {"about": "project", "text": "first reading done"}, htmx=False)
    r = c.get("/overview")
    assert r.status_code == 200
    assert '<img src="/charts/themes.svg?s=' in r.text
    assert '<img src="/charts/interviews.svg?s=' in r.text
    assert "first reading done" in r.text
    assert "12 coding(s) by ana" in r.text  # the log
    for name in ("themes", "interviews"):
        svg = c.get(f"/charts/{name}.svg")
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.text.lstrip().startswith("<?xml") and "<svg" in svg.text
    assert "Identify" in c.get("/charts/themes.svg").text  # the codebook's labels
    assert c.get("/charts/other.svg").status_code == 404


def test_overview_chart_follows_the_project_state(project: Path) -> None:
    c = client(project)
    before = c.get("/charts/themes.svg").text
    assert c.get("/charts/themes.svg").text == before  # cached: the same drawing
    post(c, "/code", {"turn_id": TURN, "code": "differentiate"})
    assert c.get("/charts/themes.svg").text != before


def test_overview_without_people_codings_says_so(tmp_path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    c = client(copy_project(tmp_path, tmp_path_factory))
    assert "No people's codings yet" in c.get("/overview").text
    assert c.get("/charts/themes.svg").status_code == 404


def test_undo_reverses_the_latest_batch_and_is_logged(project: Path) -> None:
    with Project.open(project) as p:
        before = state(p)
    c = client(project)
    post(c, "/code", {"turn_id": TURN, "code": "customize", "span_start": 0, "span_end": 5})
    page = c.get("/overview").text
    assert "Undo the latest change" in page and "1 coding(s) by ana" in page
    r = post(c, "/undo", {"next": "/overview"}, htmx=False)
    assert r.status_code == 303 and r.headers["location"] == "/overview"
    with Project.open(project) as p:
        assert_same_state(state(p), before)
        log = p.log()
        assert log["action"].iloc[-1] == "undo" and log["who"].iloc[-1] == "ana"
    assert "by batch" in c.get("/overview").text


def test_undo_with_nothing_left_says_so(tmp_path: Path) -> None:
    from qualcode.codebook import Codebook

    path = tmp_path / "empty.qualcode"
    Project.create(path, Codebook.from_code_names(["a"])).close()
    c = client(path)
    assert "Nothing to undo" in c.get("/overview").text
    r = post(c, "/undo", {})
    assert r.status_code == 400 and "nothing to undo" in r.text


def test_state_tells_the_page_about_changes_made_elsewhere(project: Path) -> None:
    c = client(project)
    page = c.get("/codebook")
    with Project.open(project) as p:
        latest = p.state()
    assert f'data-state="{latest}"' in page.text
    assert page.headers["x-qualcode-state"] == str(latest)
    assert c.get("/state").json() == {"state": latest, "who": "ana", "action": "codings"}
    with Project.open(project) as p:  # the command line, a notebook, another browser
        p.add_memo("from elsewhere", author="dewi")
    assert c.get("/state").json() == {"state": latest + 1, "who": "dewi", "action": "memo"}
    r = post(c, "/code", {"turn_id": TURN, "code": "retain"})  # this page's own change
    assert r.headers["x-qualcode-state"] == str(latest + 2)
