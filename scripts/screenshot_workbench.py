"""Take screenshots of every page of the workbench (``qualcode serve``), to look at them.

Builds a project of the thesis sample (keyword-coded, with some people's codings, decisions and
memos), serves it on 127.0.0.1 and photographs each page with Debian's Chromium at 1366x768 and
at 200% zoom (a 683x384 CSS viewport at device scale
factor 2, as a browser zoomed in), into a folder::

    python scripts/screenshot_workbench.py /tmp/workbench-shots [--readme docs/img/workbench.png]

``--readme`` also writes the interview page, scaled down, as the README's picture.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualcode import schema  # noqa: E402
from qualcode.project import Project  # noqa: E402
from qualcode.web.server import Workbench, make_server  # noqa: E402
from qualcode.web.turns import anchor  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARGS += ["--disable-component-update", "--disable-sync", "--no-first-run"]
INTERVIEW = "magnus_interviews/Narasumber 1"


def build_project(folder: Path) -> Path:
    """The sample project: rules suggestions, a person's codings and decisions, memos."""
    transcript = folder / "magnus_interviews.txt"
    shutil.copy(ROOT / "data" / "transcripts" / "magnus_interviews.txt", transcript)
    path = folder / "study.qualcode"
    with Project.create(path, ROOT / "codebooks" / "crm_idic.yaml", who="ana") as p:
        p.add_transcripts([transcript], who="ana")
        p.code(method="rules", who="ana")
        queue = p.pending_suggestions(limit=14)
        decisions = ["accept"] * 10 + ["reject"] * 4
        p.decide_pending(
            pd.DataFrame({"suggestion_id": queue["suggestion_id"], "decision": decisions}),
            coder="ana",
        )
        turns = p.interview_turns(INTERVIEW)
        answers = turns[turns[schema.ROLE] == schema.PARTICIPANT]
        rows = []
        pairs = zip(answers[schema.TURN_ID], answers[schema.TEXT], strict=True)
        for i, (turn_id, text) in enumerate(pairs):
            if i % 3 == 0 and len(text) > 40:
                code = ["identify", "interact", "customize", "retain"][i % 4]
                rows.append((turn_id, code, 0, min(len(text), 38)))
        p.code_spans(
            pd.DataFrame(rows, columns=[schema.TURN_ID, schema.CODE, "span_start", "span_end"]),
            coder="ana",
        )
        p.add_memo(
            "AE tidak mencari klien baru: itu tugas manajemen.",
            turn=answers[schema.TURN_ID].iloc[5],
            author="ana",
        )
        p.add_memo("Retain and enhance overlap in N2's answers.", code="retain", author="ana")
        p.add_memo("First reading of Narasumber 1 done.", author="ana")
    return path


def shoot(out: Path, readme: Path | None) -> list[Path]:
    """Photograph every page; return the files written."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="qualcode-shots-"))
    project = build_project(work)
    bench = Workbench(make_server(project))
    base = bench.served.url().split("/?")[0]
    pages = [
        ("coder", "/coder?next=/"),
        ("interviews", "/"),
        ("interview", "/interview?name=magnus_interviews%2FNarasumber+1"),
        ("review", "/review"),
        ("review-filtered", "/review?code=retain&min=0.5"),
        ("codebook", "/codebook"),
        ("code-segments", "/codebook/code?name=acquire"),
        ("search", "/search?q=klien"),
        ("overview", "/overview"),
        ("error", "/interview?name=nobody"),
    ]
    written: list[Path] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for scale in (1, 2):
                # 200% zoom: half the CSS pixels on the same screen (1366x768 device pixels)
                size = {"width": 1366 // scale, "height": 768 // scale}
                context = browser.new_context(viewport=size, device_scale_factor=scale)
                page = context.new_page()
                page.goto(bench.served.url())  # the token, then the coder's name
                page.fill("input[name=name]", "ana")
                page.click("button[type=submit]")
                for name, url in pages:
                    page.goto(base + url)
                    if name == "interview":  # a selection in the coding bar
                        page.locator("p.text").nth(16).click()
                    target = out / f"{name}@{scale}x.png"
                    page.screenshot(path=str(target))
                    written.append(target)
                context.close()
            if readme is not None:
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                page.goto(bench.served.url())
                page.fill("input[name=name]", "ana")
                page.click("button[type=submit]")
                # from turn 13 on, where the codings begin, just under the header
                page.goto(base + pages[2][1] + "#" + anchor("magnus-interviews-narasumber-1-0013"))
                page.locator("p.text").nth(16).click()
                readme.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(readme), scale="css", type="png")
                written.append(readme)
            browser.close()
    finally:
        bench.stop()
        shutil.rmtree(work, ignore_errors=True)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the screenshots")
    parser.add_argument("--readme", type=Path, help="also write the README's picture here")
    args = parser.parse_args()
    for path in shoot(args.out, args.readme):
        print(path)


if __name__ == "__main__":
    main()
