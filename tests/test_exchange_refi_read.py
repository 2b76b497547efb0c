"""read_qdpx on small hand-written projects: the less common shapes of the standard."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from qualcode.errors import ExchangeWarning
from qualcode.exchange.refi import read_qdpx

NS = 'xmlns="urn:QDA-XML:project:1.0"'
U = "11111111-1111-4111-8111-111111111111"
S = "22222222-2222-4222-8222-222222222222"
C1 = "33333333-3333-4333-8333-333333333331"
C2 = "33333333-3333-4333-8333-333333333332"
TEXT = "I: How did you start?\nR: By chance, through a friend.\n"


def _project(tmp_path: Path, body: str, sources: dict[str, str] | None = None) -> Path:
    out = tmp_path / "p.qdpx"
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("project.qde", f'<Project {NS} name="t" origin="Test 1.0">{body}</Project>')
        for name, text in (sources or {}).items():
            zf.writestr(name, text)
    return out


def _codebook(parent_codable: str = "true") -> str:
    return (
        f'<CodeBook><Codes><Code guid="{C1}" name="start" isCodable="{parent_codable}">'
        f'<Code guid="{C2}" name="chance" isCodable="true"/></Code></Codes></CodeBook>'
    )


def test_read_qdpx_inline_text_and_whole_source_coding(tmp_path: Path) -> None:
    body = (
        f'<Users><User guid="{U}" name="Ana"/></Users>{_codebook()}<Sources>'
        f'<TextSource guid="{S}" name="story"><PlainTextContent>{TEXT}</PlainTextContent>'
        f'<Coding guid="{U[:-1]}9" creatingUser="{U}"><CodeRef targetGUID="{C2}"/></Coding>'
        "</TextSource></Sources>"
    )
    project = read_qdpx(_project(tmp_path, body))
    assert project.turns["text"].tolist() == ["How did you start?", "By chance, through a friend."]
    # a Coding directly in the source codes every turn of it, whole
    assert project.codings[["turn_id", "code", "coder"]].values.tolist() == [
        ["story-0001", "chance", "Ana"],
        ["story-0002", "chance", "Ana"],
    ]
    assert project.codings["span_start"].isna().all()


def test_read_qdpx_codable_theme_with_codings_is_also_a_code(tmp_path: Path) -> None:
    start = TEXT.index("By chance")
    body = (
        f"{_codebook()}<Sources>"
        f'<TextSource guid="{S}" name="story" plainTextPath="internal://{S}.txt">'
        f'<PlainTextSelection guid="{U[:-1]}8" startPosition="{start}" endPosition="{start + 9}">'
        f'<Coding guid="{U[:-1]}7"><CodeRef targetGUID="{C1}"/></Coding>'
        "</PlainTextSelection></TextSource></Sources>"
    )
    project = read_qdpx(_project(tmp_path, body, {f"sources/{S}.txt": TEXT}))
    assert [t.name for t in project.codebook.themes] == ["start"]
    assert project.codebook.code_names == ("start", "chance")
    [row] = project.codings.itertuples()
    assert (row.turn_id, row.code, row.coder, row.span_start, row.span_end) == (
        "story-0002",
        "start",
        "unknown",  # no users at all
        0,
        9,
    )


def test_read_qdpx_warns_about_what_it_leaves_out(tmp_path: Path) -> None:
    body = (
        f"{_codebook('false')}<Sources>"
        f'<PictureSource guid="{U}" name="photo" path="internal://p.png"/>'
        f'<TextSource guid="{S}" name="story" plainTextPath="internal://{S}.txt">'
        f'<PlainTextSelection guid="{U[:-1]}8" startPosition="0" endPosition="3">'
        f'<Coding guid="{U[:-1]}7"><CodeRef targetGUID="{C2}"/></Coding></PlainTextSelection>'
        f'<PlainTextSelection guid="{U[:-1]}6" startPosition="5" endPosition="12">'
        f'<Coding guid="{U[:-1]}5"><CodeRef targetGUID="{U}"/></Coding></PlainTextSelection>'
        "</TextSource>"
        "</Sources>"
    )
    path = _project(tmp_path, body, {f"sources/{S}.txt": TEXT})
    with pytest.warns(ExchangeWarning) as record:
        project = read_qdpx(path)
    messages = " | ".join(str(w.message) for w in record)
    assert "1 PictureSource element(s) skipped" in messages
    assert "1 selection(s) cover no turn text" in messages  # "I: " is a label, not speech
    assert "1 coding(s) refer to codes not in the codebook" in messages
    assert project.codings.empty
    assert [name for name, _ in project.sources] == ["story"]


def test_read_qdpx_same_source_names_stay_apart(tmp_path: Path) -> None:
    other = S.replace("2", "4")
    body = (
        "<Sources>"
        f'<TextSource guid="{S}" name="Interview" plainTextPath="internal://{S}.txt"/>'
        f'<TextSource guid="{other}" name="Interview" plainTextPath="internal://{other}.txt"/>'
        "</Sources>"
    )
    sources = {f"sources/{S}.txt": TEXT, f"Sources/{other}.txt": TEXT}  # either folder case
    project = read_qdpx(_project(tmp_path, body, sources))
    assert project.turns["interview"].unique().tolist() == ["Interview", "Interview (2)"]
    assert project.turns["turn_id"].is_unique
    assert pd.Series(project.turns["turn_id"]).str.startswith("interview-2-").sum() == 2
