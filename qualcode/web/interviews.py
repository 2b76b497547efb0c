"""The interviews: the list, one interview turn by turn, coding by hand, removing, memos.

Routes
------
``GET /``                      the interviews with speakers, turns and codings by status
``GET /interview?name=&page=`` one interview, 200 turns a page (``&turn=ID`` opens its page)
``GET /turn?id=``              a turn's place: its interview's page, scrolled to it
``POST /code``                 code a span of a turn (or the whole turn) for the coder
``POST /codings/remove``       remove one of the coder's own codings
``POST /decide``               accept / reject a suggestion shown beside a turn
``POST /memo``                 a memo on a turn, a code or the project
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pandas as pd
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from qualcode import schema
from qualcode.errors import ProjectError
from qualcode.project import Project
from qualcode.web.common import (
    RECENT_COOKIE,
    WebError,
    back,
    code_one_span,
    codebook_of,
    coder_of,
    form_of,
    int_field,
    need_coder,
    open_project,
    page_number,
    render,
    safe_next,
)
from qualcode.web.turns import TurnView, anchor, turn_view

__all__ = ["PAGE_INTERVIEWS", "PAGE_TURNS", "routes"]

#: turns shown per page of an interview (a 2,000-turn interview is 10 pages)
PAGE_TURNS = 200
#: interviews listed per page (their codings are counted for the page only)
PAGE_INTERVIEWS = 50


def _recent(request: Request, keys: dict[str, int]) -> list[str]:
    names = {v: k for k, v in keys.items()}
    raw = request.cookies.get(RECENT_COOKIE, "")
    out = []
    for part in raw.split("."):
        if part.isdigit() and int(part) in names:
            out.append(names[int(part)])
    return list(dict.fromkeys(out))[:9]


def _with_recent(response: Response, request: Request, keys: dict[str, int], code: str) -> None:
    names = [code, *_recent(request, keys)]
    value = ".".join(str(keys[n]) for n in dict.fromkeys(names) if n in keys)
    response.set_cookie(RECENT_COOKIE, value, httponly=True, samesite="strict", max_age=31536000)


def turn_views(
    request: Request,
    project: Project,
    turns: pd.DataFrame,
    *,
    coder: str | None,
    evidence: bool = False,
) -> list[TurnView]:
    """The views of some turns with their codings and memos."""
    book, keys = codebook_of(request, project)
    labels = {c.name: c.display for c in book.codes}
    codings = project.turn_codings(turns[schema.TURN_ID].tolist())
    by_turn: dict[str, list[dict[str, Any]]] = {}
    records: list[dict[str, Any]] = codings.to_dict("records")  # type: ignore[assignment]
    for c in records:
        by_turn.setdefault(str(c[schema.TURN_ID]), []).append(c)
    memos = project.memos()
    memos = memos[memos["about"] == "turn"] if len(memos) else memos
    memo_of: dict[str, list[dict[str, Any]]] = {}
    memo_rows: list[dict[str, Any]] = memos.to_dict("records")  # type: ignore[assignment]
    for m in memo_rows:
        memo_of.setdefault(str(m["target"]), []).append(m)
    rows: list[dict[str, Any]] = turns.to_dict("records")  # type: ignore[assignment]
    return [
        turn_view(
            t,
            by_turn.get(str(t[schema.TURN_ID]), []),
            keys=keys,
            labels=labels,
            coder=coder,
            memos=memo_of.get(str(t[schema.TURN_ID])),
            evidence=evidence,
        )
        for t in rows
    ]


def interviews_page(request: Request) -> Response:
    page = page_number(request.query_params.get("page"))
    with open_project(request) as project:
        table = project.interviews(offset=(page - 1) * PAGE_INTERVIEWS, limit=PAGE_INTERVIEWS)
    total = int(table.attrs["total"])
    pages = max(1, -(-total // PAGE_INTERVIEWS))
    if page > pages:
        msg = f"the project has {pages} page(s) of interviews, not {page}"
        raise WebError(msg, 404)
    return render(
        request,
        "interviews.html",
        interviews=table.to_dict("records"),
        total=total,
        page=page,
        pages=pages,
        page_url=lambda p: f"/?{urlencode({'page': p})}",
    )


def interview_page(request: Request) -> Response:
    name = request.query_params.get("name", "")
    coder = coder_of(request)
    with open_project(request) as project:
        wanted = request.query_params.get("turn")
        if wanted:
            place = project.turn(wanted)
            if place[schema.INTERVIEW] != name:
                msg = f"turn {wanted!r} is not in interview {name!r}"
                raise WebError(msg, 404)
            page = place["index"] // PAGE_TURNS + 1
        else:
            page = page_number(request.query_params.get("page"))
        try:
            turns = project.interview_turns(name, offset=(page - 1) * PAGE_TURNS, limit=PAGE_TURNS)
        except ProjectError as err:
            if "no interview" in str(err):
                raise WebError(str(err), 404) from err
            raise
        total = int(turns.attrs["total"])
        pages = max(1, -(-total // PAGE_TURNS))
        if page > pages:
            msg = f"interview {name!r} has {pages} page(s) of turns, not {page}"
            raise WebError(msg, 404)
        views = turn_views(request, project, turns, coder=coder)
        book, keys = codebook_of(request, project)
    return render(
        request,
        "interview.html",
        name=name,
        turns=views,
        page=page,
        pages=pages,
        total=total,
        first=(page - 1) * PAGE_TURNS + 1,
        codes=book.codes,
        keys=keys,
        recent=_recent(request, keys),
        here=f"/interview?{urlencode({'name': name, 'page': page})}",
        page_url=lambda p: f"/interview?{urlencode({'name': name, 'page': p})}",
    )


def turn_place(request: Request) -> Response:
    turn_id = request.query_params.get("id", "")
    with open_project(request) as project:
        try:
            place = project.turn(turn_id)
        except ProjectError as err:
            if "no turn" in str(err):
                raise WebError(str(err), 404) from err
            raise
    page = place["index"] // PAGE_TURNS + 1
    query = urlencode({"name": place[schema.INTERVIEW], "page": page})
    return RedirectResponse(f"/interview?{query}#{anchor(turn_id)}", status_code=303)


def _turn_fragment(
    request: Request, project: Project, turn_id: str, coder: str, message: str
) -> Response:
    """The answer to an htmx change: a message, and the changed turn swapped in place."""
    turn = project.turn(turn_id)
    view = turn_views(request, project, pd.DataFrame([turn]), coder=coder)[0]
    return render(request, "_changed.html", message=message, level="ok", turn=view)


async def code_turn(request: Request) -> Response:
    form = await form_of(request)
    coder = need_coder(request)
    turn_id = form.get("turn_id", "").strip()
    code = (form.get("pick") or form.get("code") or "").strip()
    if not turn_id:
        raise WebError("select words in a turn (or click a turn) first, then pick a code")
    if not code:
        raise WebError("pick a code first (type its name, or press its number)")
    start = int_field(form, "span_start", required=False)
    end = int_field(form, "span_end", required=False)
    if (start is None) != (end is None):
        raise WebError("a span needs both span_start and span_end (or neither: the whole turn)")
    with open_project(request) as project:
        _, keys = codebook_of(request, project)
        if code not in keys:
            msg = f"no code {code!r} in the codebook"
            raise WebError(msg)
        ids = code_one_span(project, turn_id=turn_id, code=code, start=start, end=end, coder=coder)
        where = "the whole turn" if start is None else f"characters {start}–{end}"
        message = f"Coded {code} on {where}." if ids else f"You had coded {code} there already."
        if request.headers.get("hx-request"):
            response = _turn_fragment(request, project, turn_id, coder, message)
        else:
            response = back(request, safe_next(form.get("next")), fragment=anchor(turn_id))
        _with_recent(response, request, keys, code)
    return response


async def remove_coding(request: Request) -> Response:
    form = await form_of(request)
    coder = need_coder(request)
    coding_id = int(int_field(form, "coding_id") or 0)
    with open_project(request) as project:
        turn_id = project.coding_turn(coding_id) or ""
        project.remove_coding(coding_id, coder=coder)
        if request.headers.get("hx-request") and turn_id:
            return _turn_fragment(request, project, turn_id, coder, "Removed your coding.")
    return back(request, safe_next(form.get("next")), fragment=anchor(turn_id))


async def decide_beside(request: Request) -> Response:
    form = await form_of(request)
    coder = need_coder(request)
    sid = int(int_field(form, "suggestion_id") or 0)
    decision = form.get("decision", "")
    if decision not in ("accept", "reject"):
        msg = f"decision must be accept or reject, got {decision[:20]!r}"
        raise WebError(msg)
    with open_project(request) as project:
        turn_id = project.coding_turn(sid) or ""
        project.decide_pending(
            pd.DataFrame({"suggestion_id": [sid], "decision": [decision]}), coder=coder
        )
        if request.headers.get("hx-request") and turn_id:
            return _turn_fragment(request, project, turn_id, coder, f"{decision.title()}ed.")
    return back(request, safe_next(form.get("next")), fragment=anchor(turn_id))


async def add_memo(request: Request) -> Response:
    form = await form_of(request)
    coder = need_coder(request)
    text = form.get("text", "").strip()
    about = form.get("about", "project")
    target = form.get("target", "").strip() or None
    if not text:
        raise WebError("the memo is empty: write something first")
    if about not in ("project", "turn", "code"):
        msg = f"a memo is about the project, a turn or a code, not {about[:20]!r}"
        raise WebError(msg)
    if about != "project" and not target:
        msg = f"a memo on a {about} needs the {about} it is about"
        raise WebError(msg)
    with open_project(request) as project:
        kwargs = {about: target} if about != "project" else {}
        project.add_memo(text, author=coder, **kwargs)  # type: ignore[arg-type]
        message = f"Memo saved on the {about}."
        if request.headers.get("hx-request"):
            if about == "turn" and target:
                return _turn_fragment(request, project, target, coder, message)
            return render(request, "_flash.html", message=message, level="ok")
    return back(request, safe_next(form.get("next")))


def routes() -> list[Any]:
    """The routes of this page group."""
    from starlette.routing import Route

    return [
        Route("/", interviews_page),
        Route("/interview", interview_page),
        Route("/turn", turn_place),
        Route("/code", code_turn, methods=["POST"]),
        Route("/codings/remove", remove_coding, methods=["POST"]),
        Route("/decide", decide_beside, methods=["POST"]),
        Route("/memo", add_memo, methods=["POST"]),
    ]
