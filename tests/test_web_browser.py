"""The workbench in a real browser: Debian's Chromium driven by Playwright, on 127.0.0.1.

One server and one browser for the module. Each test acts as a person would (mouse, keys) and
then checks through ``qc.Project`` that the action arrived exactly once, with the right coder
and span (in code points: the page's text has characters outside the BMP, which JavaScript
counts twice).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from qualcode import schema
from qualcode.project import Project
from qualcode.web.server import Workbench, make_server
from tests._projectdata import copy_project

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
UNICODE_TEXT = "Kami 😀 selalu menjaga klien 𝒳 lama dengan baik."
UNICODE_INTERVIEW = "emoji"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    path = copy_project(tmp_path_factory.mktemp("web-browser"), tmp_path_factory)
    turns = pd.DataFrame(
        {
            schema.TURN_ID: ["emoji-1", "emoji-2"],
            schema.INTERVIEW: UNICODE_INTERVIEW,
            schema.POSITION: [1, 2],
            schema.SPEAKER: ["P", "N9"],
            schema.ROLE: [schema.INTERVIEWER, schema.PARTICIPANT],
            schema.TEXT: ["Bagaimana menjaga klien?", UNICODE_TEXT],
            schema.SOURCE: "emoji.txt",
        }
    )
    with Project.open(path) as p:
        p.add_turns(turns, who="setup")
    return path


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[Workbench]:
    bench = Workbench(make_server(project, coder="ana"))
    yield bench
    bench.stop()
    assert not bench.running


@pytest.fixture(scope="module")
def page(server: Workbench) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    errors: list[str] = []
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        pg = context.new_page()
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(server.served.url())
        pg.errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()
    assert errors == [], errors  # no CSP violations, no script errors


def _word_box(page: Any, turn_id: str, word: str) -> dict[str, float]:
    """The on-screen box of ``word`` in a turn's text."""
    return page.evaluate(  # type: ignore[no-any-return]
        """([turn, word]) => {
            const el = document.querySelector(`p.text[data-turn="${turn}"]`);
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.textContent.indexOf(word);
                if (at >= 0) {
                    const r = document.createRange();
                    r.setStart(node, at); r.setEnd(node, at + word.length);
                    const b = r.getBoundingClientRect();
                    return {x: b.left, y: b.top, w: b.width, h: b.height};
                }
            }
            return null;
        }""",
        [turn_id, word],
    )


def _mine(project: Path) -> pd.DataFrame:
    with Project.open(project) as p:
        table = p.codings(coder="ana")
    return table.sort_values([schema.TURN_ID, schema.CODE, schema.SPAN_START])


def test_browser_select_words_with_the_mouse_and_code_them(page: Any, project: Path) -> None:
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/")
    page.get_by_role("link", name=UNICODE_INTERVIEW).click()
    page.wait_for_selector('p.text[data-turn="emoji-2"]')
    # drag across "menjaga klien": after an emoji, so UTF-16 offsets differ from code points
    a = _word_box(page, "emoji-2", "menjaga")
    b = _word_box(page, "emoji-2", "klien")
    page.mouse.move(a["x"] + 1, a["y"] + a["h"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["w"] - 1, b["y"] + b["h"] / 2, steps=5)
    page.mouse.up()
    start = UNICODE_TEXT.index("menjaga")
    end = UNICODE_TEXT.index("klien") + len("klien")
    assert page.locator("#sel-start").input_value() == str(start)
    assert page.locator("#sel-end").input_value() == str(end)
    page.locator("#code-input").fill("retain")
    page.locator("#code-input").press("Enter")
    page.wait_for_selector("#flash .flash.ok")
    assert "Coded retain" in page.locator("#flash").inner_text()
    highlighted = page.locator('p.text[data-turn="emoji-2"] .hl').inner_text()
    assert highlighted == "menjaga klien"
    mine = _mine(project)
    assert mine[
        [schema.TURN_ID, schema.CODE, schema.SPAN_START, schema.SPAN_END]
    ].values.tolist() == [["emoji-2", "retain", start, end]]


def test_browser_whole_turn_and_a_recent_code_by_its_number(page: Any, project: Path) -> None:
    page.reload()
    # a double click selects one word ("lama", after the second non-BMP character)
    box = _word_box(page, "emoji-2", "lama")
    page.mouse.dblclick(box["x"] + box["w"] / 2, box["y"] + box["h"] / 2)
    start = UNICODE_TEXT.index("lama")
    assert page.locator("#sel-start").input_value() == str(start)
    page.keyboard.press("1")  # the most recent code: retain
    page.wait_for_selector("#flash .flash.ok")
    # click the interviewer's turn (not on a word: its header) to take the whole turn
    page.locator('article[data-turn="emoji-1"] .who .role').click()
    assert page.locator("#sel-start").input_value() == ""
    page.keyboard.press("c")
    page.keyboard.type("interact")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flash >> text=on the whole turn")
    mine = _mine(project)
    rows = mine[[schema.TURN_ID, schema.CODE, schema.SPAN_START, schema.SPAN_END]]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [
        ["emoji-1", "interact", None, None],
        ["emoji-2", "retain", UNICODE_TEXT.index("menjaga"), UNICODE_TEXT.index("klien") + 5],
        ["emoji-2", "retain", start, start + 4],
    ]


def test_browser_review_accept_reject_skip_by_keys_then_undo(page: Any, project: Path) -> None:
    with Project.open(project) as p:
        queue = p.pending_suggestions(limit=3)["suggestion_id"].tolist()
        before = len(p.decisions())
    page.goto(page.url.split("/interview")[0] + "/review")
    card = page.locator("article.card")
    assert card.get_attribute("data-suggestion") == str(queue[0])
    page.keyboard.press("a")
    page.wait_for_selector(f'article.card[data-suggestion="{queue[1]}"]')
    page.keyboard.press("r")
    page.wait_for_selector(f'article.card[data-suggestion="{queue[2]}"]')
    page.keyboard.press("s")
    page.wait_for_selector("text=this is number 2")
    page.keyboard.press("k")  # back to the first open one, then forward again
    page.wait_for_selector("text=this is number 1")
    page.keyboard.press("j")
    page.wait_for_selector("text=this is number 2")
    with Project.open(project) as p:
        decided = p.decisions().iloc[before:]
    assert decided[["suggestion_id", schema.CODER, "decision"]].values.tolist() == [
        [queue[0], "ana", "accepted"],
        [queue[1], "ana", "rejected"],
    ]
    page.get_by_role("link", name="Overview", exact=True).click()
    page.get_by_role("button", name="Undo the latest change").click()
    page.wait_for_selector("text=by batch")
    with Project.open(project) as p:
        decided = p.decisions().iloc[before:]
        assert decided[["suggestion_id", "decision"]].values.tolist() == [[queue[0], "accepted"]]
        assert p.log()["action"].iloc[-1] == "undo"
