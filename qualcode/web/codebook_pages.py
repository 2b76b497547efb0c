"""The codebook and each code's coded segments.

Routes
------
``GET /codebook``                   the code tree: definitions, include / exclude, examples, and
    per code the people's codings and the open suggestions
``GET /codebook/code?name=&page=``  one code's segments (people's codings), 20 a page, each
    linked to its place in the interview
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qualcode import schema
from qualcode.web.common import (
    WebError,
    cached,
    codebook_of,
    open_project,
    page_number,
    render,
)
from qualcode.web.turns import segments

__all__ = ["PAGE_SEGMENTS", "routes"]

#: segments shown per page of a code
PAGE_SEGMENTS = 20


def codebook_page(request: Request) -> Response:
    with open_project(request) as project:
        book, keys = codebook_of(request, project)
        counts = cached(request, "code_counts", project.state(), project.code_counts)
        memos = project.memos()
    by_code = {r.code: (int(r.people), int(r.open)) for r in counts.itertuples()}
    notes: dict[str, list[dict[str, Any]]] = {}
    if len(memos):
        records: list[dict[str, Any]] = memos[memos["about"] == "code"].to_dict("records")  # type: ignore[assignment]
        for m in records:
            notes.setdefault(str(m["target"]), []).append(m)
    themes = []
    for theme in book.themes:
        codes = []
        for code in theme.codes:
            people, pending = by_code.get(code.name, (0, 0))
            codes.append(
                {
                    "code": code,
                    "key": keys.get(code.name, 0),
                    "people": people,
                    "open": pending,
                    "memos": notes.get(code.name, []),
                    "url": f"/codebook/code?{urlencode({'name': code.name})}",
                    "review": f"/review?{urlencode({'code': code.name})}",
                }
            )
        themes.append({"theme": theme, "codes": codes})
    return render(request, "codebook.html", book=book, themes=themes)


def code_page(request: Request) -> Response:
    name = request.query_params.get("name", "")
    page = page_number(request.query_params.get("page"))
    with open_project(request) as project:
        book, keys = codebook_of(request, project)
        if name not in keys:
            msg = f"no code {name!r} in the codebook"
            raise WebError(msg, 404)
        found = project.code_segments(name, offset=(page - 1) * PAGE_SEGMENTS, limit=PAGE_SEGMENTS)
    total = int(found.attrs["total"])
    pages = max(1, -(-total // PAGE_SEGMENTS))
    if page > pages:
        msg = f"code {name!r} has {pages} page(s) of segments, not {page}"
        raise WebError(msg, 404)
    key = keys[name]
    rows = []
    for r in found.to_dict("records"):
        text = str(r[schema.TEXT])
        s0, s1 = r[schema.SPAN_START], r[schema.SPAN_END]
        marks = []
        if s0 is not None and not pd.isna(s0) and s1 is not None and not pd.isna(s1):
            marks = [(int(s0), int(s1), f"hl k{key}", "the coded span")]
        rows.append(
            {
                **r,
                "segments": segments(text, marks),
                "place": f"/turn?{urlencode({'id': r[schema.TURN_ID]})}",
                "span": "whole turn" if not marks else f"characters {int(s0)}–{int(s1)}",
            }
        )
    return render(
        request,
        "code.html",
        code=book.code(name),
        key=key,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        page_url=lambda p: f"/codebook/code?{urlencode({'name': name, 'page': p})}",
    )


def routes() -> list[Any]:
    """The routes of this page group."""
    return [Route("/codebook", codebook_page), Route("/codebook/code", code_page)]
