"""The interviews pages: reading, coding by hand, removing, deciding beside a turn, memos."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.project import Project
from tests._projectdata import copy_project
from tests._webdata import INTERVIEW, TURN, client, post, text_of

HOSTILE_TEXT = '<script>alert(1)</script> and " onmouseover="x'


@pytest.fixture
def project(tmp_path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return copy_project(tmp_path, tmp_path_factory)


def _turn_text(project: Path, turn_id: str = TURN) -> str:
    with Project.open(project) as p:
        return str(p.turn(turn_id)[schema.TEXT])


def test_interviews_list_shows_speakers_turns_and_codings(project: Path) -> None:
    with Project.open(project) as p:
        table = p.interviews()
        pending = p.count_pending(interview=INTERVIEW)
    r = client(project).get("/")
    assert r.status_code == 200
    page = text_of(r.text)
    for row in table.itertuples():
        assert row.interview in page
    assert "P, N1" in page
    assert f">{pending}</a>" in r.text  # open suggestions link to the review queue


def test_interview_page_shows_turns_roles_and_suggestions(project: Path) -> None:
    r = client(project).get("/interview", params={"name": INTERVIEW})
    assert r.status_code == 200
    assert 'class="turn participant"' in r.text and 'class="turn interviewer"' in r.text
    assert 'class="chip suggestion k' in r.text  # machine suggestions, told apart
    assert "Halo, benar dengan mbak Juliana ya?" in r.text
    # the turn's text is the paragraph's whole content: offsets in the page are the table's
    assert f'data-turn="{TURN}">{_turn_text(project)}</p>' in r.text


def test_interview_unknown_and_bad_page_refused(project: Path) -> None:
    c = client(project)
    r = c.get("/interview", params={"name": "nobody"})
    assert r.status_code == 404
    assert "no interview &#39;nobody&#39;" in r.text
    assert c.get("/interview", params={"name": INTERVIEW, "page": "x"}).status_code == 400
    assert c.get("/interview", params={"name": INTERVIEW, "page": "9"}).status_code == 404
    assert c.get("/turn", params={"id": "nope"}).status_code == 404
    assert c.get("/no-such-page").status_code == 404


def _long_project(tmp_path: Path, n: int = 450) -> Path:
    path = tmp_path / "long.qualcode"
    roles = [schema.INTERVIEWER if i % 2 == 0 else schema.PARTICIPANT for i in range(n)]
    turns = pd.DataFrame(
        {
            schema.TURN_ID: [f"long-{i:04d}" for i in range(n)],
            schema.INTERVIEW: "long",
            schema.POSITION: range(1, n + 1),
            schema.SPEAKER: ["P" if r == schema.INTERVIEWER else "N1" for r in roles],
            schema.ROLE: roles,
            schema.TEXT: [f"turn number {i}" for i in range(n)],
            schema.SOURCE: "long.txt",
        }
    )
    with Project.create(path, Codebook.from_code_names(["retain"])) as p:
        p.add_turns(turns)
    return path


def test_interview_long_renders_in_pages(tmp_path: Path) -> None:
    c = client(_long_project(tmp_path))
    first = c.get("/interview", params={"name": "long"})
    assert first.text.count('<article class="turn') == 200
    assert "page 1 of 3" in first.text
    last = c.get("/interview", params={"name": "long", "page": 3})
    assert last.text.count('<article class="turn') == 50
    assert "turn number 449" in last.text and "turn number 399" not in last.text
    place = c.get("/turn", params={"id": "long-0420"}, follow_redirects=False)
    assert place.status_code == 303
    assert place.headers["location"].startswith("/interview?name=long&page=3#t-")
    r = c.get("/interview", params={"name": "long", "turn": "long-0250"})
    assert "page 2 of 3" in r.text


def test_code_span_stored_for_coder_with_span(project: Path) -> None:
    c = client(project)
    r = post(c, "/code", {"turn_id": TURN, "code": "identify", "span_start": 3, "span_end": 10})
    assert r.status_code == 200
    assert "Coded identify on characters 3–10" in r.text
    assert 'hx-swap-oob="true"' in r.text and 'class="hl k' in r.text
    with Project.open(project) as p:
        mine = p.codings(coder="ana")
        assert mine[[schema.TURN_ID, schema.CODE]].values.tolist() == [[TURN, "identify"]]
        assert (mine[schema.SPAN_START].iloc[0], mine[schema.SPAN_END].iloc[0]) == (3, 10)
        assert p.log()["action"].iloc[-1] == "codings"
    again = post(c, "/code", {"turn_id": TURN, "code": "identify", "span_start": 3, "span_end": 10})
    assert "already" in again.text
    with Project.open(project) as p:
        assert len(p.codings(coder="ana")) == 1


def test_code_whole_turn_and_recent_code_shortcut(project: Path) -> None:
    c = client(project)
    r = post(c, "/code", {"turn_id": TURN, "pick": "retain", "code": ""})
    assert "whole turn" in r.text
    with Project.open(project) as p:
        mine = p.codings(coder="ana")
        assert mine[schema.SPAN_START].isna().all() and mine[schema.CODE].tolist() == ["retain"]
    page = c.get("/interview", params={"name": INTERVIEW})
    assert 'data-shortcut="1"' in page.text and ">1 retain</button>" in page.text


def test_code_without_htmx_goes_back_to_the_page(project: Path) -> None:
    c = client(project)
    nxt = "/interview?name=x&page=1"
    r = post(c, "/code", {"turn_id": TURN, "code": "retain", "next": nxt}, htmx=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith(nxt + "#t-")
    evil = post(
        c, "/code", {"turn_id": TURN, "code": "acquire", "next": "//evil.example/"}, htmx=False
    )
    assert evil.headers["location"].startswith("/#t-")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"turn_id": TURN, "code": "identify", "span_start": 0, "span_end": 100000}, "outside"),
        ({"turn_id": TURN, "code": "identify", "span_start": 5, "span_end": 5}, "outside"),
        ({"turn_id": TURN, "code": "identify", "span_start": -1, "span_end": 5}, "outside"),
        ({"turn_id": TURN, "code": "identify", "span_start": "a", "span_end": 5}, "whole number"),
        ({"turn_id": TURN, "code": "identify", "span_start": 1}, "both"),
        ({"turn_id": TURN, "code": "nonsense"}, "no code"),
        ({"turn_id": "no-such-turn", "code": "identify"}, "no turn"),
        ({"turn_id": "", "code": "identify"}, "select words"),
        ({"turn_id": TURN, "code": ""}, "pick a code"),
    ],
)
def test_code_bad_request_is_4xx_and_writes_nothing(
    project: Path, form: dict[str, object], message: str
) -> None:
    c = client(project)
    with Project.open(project) as p:
        before = len(p.log())
    r = post(c, "/code", form)
    assert 400 <= r.status_code < 500
    assert message in r.text
    assert 'class="flash error"' in r.text
    with Project.open(project) as p:
        assert len(p.log()) == before


def test_remove_own_coding_only_and_undo_brings_it_back(project: Path) -> None:
    c = client(project)
    post(c, "/code", {"turn_id": TURN, "code": "identify"})
    with Project.open(project) as p:
        p.code_spans(pd.DataFrame({schema.TURN_ID: [TURN], schema.CODE: ["retain"]}), coder="bo")
        table = p.turn_codings([TURN])
    mine = int(table.loc[table[schema.CODER] == "ana", "coding_id"].iloc[0])
    theirs = int(table.loc[table[schema.CODER] == "bo", "coding_id"].iloc[0])
    machine = int(table.loc[table["kind"] == "suggestion", "coding_id"].iloc[0])
    r = post(c, "/codings/remove", {"coding_id": theirs, "turn_id": TURN})
    assert r.status_code == 400 and "bo&#39;s, not ana&#39;s" in r.text
    r = post(c, "/codings/remove", {"coding_id": machine, "turn_id": TURN})
    assert r.status_code == 400 and "reject it instead" in r.text
    r = post(c, "/codings/remove", {"coding_id": mine, "turn_id": TURN})
    assert r.status_code == 200 and "Removed your coding" in r.text
    with Project.open(project) as p:
        assert p.codings(coder="ana").empty
        assert len(p.codings(coder="bo")) == 1
        p.undo()
        assert p.codings(coder="ana")[schema.CODE].tolist() == ["identify"]
    assert post(c, "/codings/remove", {"coding_id": "x"}).status_code == 400


def test_decide_beside_turn_refused_when_decided_meanwhile(project: Path) -> None:
    c = client(project)
    with Project.open(project) as p:
        sid = int(p.pending_suggestions(limit=1)["suggestion_id"].iloc[0])
        turn = str(p.pending_suggestions(limit=1)[schema.TURN_ID].iloc[0])
    r = post(c, "/decide", {"suggestion_id": sid, "decision": "accept", "turn_id": turn})
    assert r.status_code == 200 and "Accepted" in r.text
    other = client(project, coder="bo")
    r = post(other, "/decide", {"suggestion_id": sid, "decision": "reject", "turn_id": turn})
    assert r.status_code == 400
    assert "decided meanwhile (accepted by ana)" in r.text
    with Project.open(project) as p:
        decided = p.decisions()
        assert decided[["suggestion_id", schema.CODER, "decision"]].values.tolist() == [
            [sid, "ana", "accepted"]
        ]
    assert post(c, "/decide", {"suggestion_id": sid, "decision": "maybe"}).status_code == 400


def test_memo_on_turn_code_and_project(project: Path) -> None:
    c = client(project)
    r = post(c, "/memo", {"about": "turn", "target": TURN, "text": "AE tidak mencari leads"})
    assert r.status_code == 200 and "AE tidak mencari leads" in r.text
    assert (
        post(c, "/memo", {"about": "code", "target": "retain", "text": "kept"}).status_code == 200
    )
    assert post(c, "/memo", {"about": "project", "text": "first pass"}).status_code == 200
    assert post(c, "/memo", {"about": "turn", "target": TURN, "text": "  "}).status_code == 400
    assert post(c, "/memo", {"about": "case", "target": "x", "text": "t"}).status_code == 400
    assert post(c, "/memo", {"about": "code", "target": "nope", "text": "t"}).status_code == 400
    with Project.open(project) as p:
        memos = p.memos()
    assert memos[["about", "target", "author"]].fillna("-").values.tolist() == [
        ["turn", TURN, "ana"],
        ["code", "retain", "ana"],
        ["project", "-", "ana"],
    ]
    page = c.get("/interview", params={"name": INTERVIEW})
    assert "AE tidak mencari leads" in page.text


def test_coder_asked_on_first_visit_and_kept(project: Path) -> None:
    c = client(project, coder=None)
    r = c.get("/interview", params={"name": INTERVIEW}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/coder?next=")
    assert post(c, "/code", {"turn_id": TURN, "code": "retain"}).status_code == 403
    bad = post(c, "/coder", {"name": "rules", "next": "/"}, htmx=False)
    assert bad.status_code == 400 and "machine coders" in bad.text
    ok = post(c, "/coder", {"name": "citra", "next": "/"}, htmx=False)
    assert ok.status_code == 303
    assert "coding as <strong>citra</strong>" in c.get("/").text
    post(c, "/code", {"turn_id": TURN, "code": "retain"})
    with Project.open(project) as p:
        assert p.codings(coder="citra")[schema.CODE].tolist() == ["retain"]


def test_coder_name_in_any_script_is_kept(project: Path) -> None:
    c = client(project, coder=None)
    name = 'Ayu Şekar 李; x="1"'
    assert post(c, "/coder", {"name": name, "next": "/"}, htmx=False).status_code == 303
    assert "coding as <strong>Ayu Şekar 李; x=&#34;1&#34;</strong>" in c.get("/").text
    post(c, "/code", {"turn_id": TURN, "code": "retain"})
    with Project.open(project) as p:
        assert p.codings(coder=name)[schema.CODE].tolist() == ["retain"]


def test_busy_project_says_so_and_writes_nothing(project: Path) -> None:
    c = client(project)
    with Project.open(project) as p:
        before = len(p.log())
    holder = sqlite3.connect(project, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = post(c, "/code", {"turn_id": TURN, "code": "retain"})
        assert r.status_code == 503
        assert "project is busy" in r.text and "Nothing was changed" in r.text
        assert c.get("/interview", params={"name": INTERVIEW}).status_code == 200  # reads go on
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Project.open(project) as p:
        assert len(p.log()) == before
    assert post(c, "/code", {"turn_id": TURN, "code": "retain"}).status_code == 200


def test_changes_made_elsewhere_show_on_reload(project: Path) -> None:
    c = client(project)
    assert "zz-from-the-cli" not in c.get("/interview", params={"name": INTERVIEW}).text
    with Project.open(project) as p:
        p.add_memo("zz-from-the-cli", turn=TURN, author="dewi")
    assert "zz-from-the-cli" in c.get("/interview", params={"name": INTERVIEW}).text


def test_codes_css_one_colour_per_code_from_the_codebook(project: Path) -> None:
    css = client(project).get("/codes.css")
    assert css.headers["content-type"].startswith("text/css")
    with Project.open(project) as p:
        keys = p.code_keys()
    assert f".k{keys['identify']} {{ --code: #2e75b6; }}" in css.text
    assert css.text.count("--code") == len(keys)


def test_escaping_of_turn_text_codes_memos_and_coder(tmp_path: Path) -> None:
    path = tmp_path / "hostile.qualcode"
    codes = ["<b>bold</b>", '" onmouseover="y']
    turns = pd.DataFrame(
        {
            schema.TURN_ID: ["h-1", "h-2"],
            schema.INTERVIEW: ['<img src=x onerror="alert(2)">'] * 2,
            schema.POSITION: [1, 2],
            schema.SPEAKER: ["P", '<i>N"1</i>'],
            schema.ROLE: [schema.INTERVIEWER, schema.PARTICIPANT],
            schema.TEXT: ["Apa?", HOSTILE_TEXT],
            schema.SOURCE: "h.txt",
        }
    )
    with Project.create(path, Codebook.from_code_names(codes)) as p:
        p.add_turns(turns)
        p.add_memo("<script>alert(3)</script>", turn="h-2", author="x")
    c = client(path, coder=None)
    post(c, "/coder", {"name": '<script>alert(4)</script>"', "next": "/"}, htmx=False)
    for code in codes:
        assert (
            post(
                c, "/code", {"turn_id": "h-2", "code": code, "span_start": 0, "span_end": 8}
            ).status_code
            == 200
        )
    pages = [c.get("/").text, c.get("/interview", params={"name": turns[schema.INTERVIEW][0]}).text]
    for html in pages:
        assert "<script>alert" not in html
        assert '" onmouseover="' not in html
        assert "<img src=x" not in html and "<b>bold</b>" not in html and "<i>N" not in html
    assert "&lt;script&gt;</span>alert(1)&lt;/script&gt;" in pages[1]  # 0-8 is coded
    assert "&lt;script&gt;alert(3)" in pages[1] and "&lt;script&gt;alert(4)" in pages[1]
    assert "onmouseover=&#34;x" in pages[1]


def test_interviews_list_in_pages_of_fifty(tmp_path: Path) -> None:
    path = tmp_path / "many.qualcode"
    n = 60
    turns = pd.DataFrame(
        {
            schema.TURN_ID: [f"iv{k:02d}-1" for k in range(n)],
            schema.INTERVIEW: [f"interview {k:02d}" for k in range(n)],
            schema.POSITION: 1,
            schema.SPEAKER: "N1",
            schema.ROLE: schema.PARTICIPANT,
            schema.TEXT: "Kami menjaga klien.",
            schema.SOURCE: [f"f{k:02d}.txt" for k in range(n)],
        }
    )
    with Project.create(path, Codebook.from_code_names(["retain"])) as p:
        p.add_turns(turns)
    c = client(path)
    first = c.get("/")
    assert "60 interviews · page 1 of 2" in first.text
    assert "interview 49" in first.text and "interview 50" not in first.text
    second = c.get("/", params={"page": 2})
    assert second.text.count("/interview?name=") == 10
    assert c.get("/", params={"page": 3}).status_code == 404
