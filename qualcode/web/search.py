"""Search and word frequencies: keyword-in-context lines, each codable, all codable at once.

Routes
------
``GET /search?q=&role=&interview=&page=``  hits of ``q`` (:class:`qualcode.SearchIndex`: lemma
    match as the keyword rules match, ``=word`` exact), 50 a page
``GET /search?freq=interview|speaker|role``  the most frequent words per group (stop words of
    the codebook's languages left out)
``POST /search/code``      code one hit (its span) for the coder
``POST /search/code-all``  code every hit of the query, as one batch (one undo)

The index of the project's turns is built once and kept while the turns stay the same (coding
does not change them), so a search of 200,000 turns answers in a fraction of a second.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qualcode import schema
from qualcode.project import Project
from qualcode.searchindex import SearchIndex
from qualcode.web.common import (
    Settings,
    WebError,
    back,
    code_one_span,
    codebook_of,
    form_of,
    int_field,
    need_coder,
    open_project,
    page_number,
    render,
    settings_of,
)

__all__ = ["PAGE_HITS", "routes"]

#: hits shown per page
PAGE_HITS = 50
#: words shown per group of the word frequencies, and groups shown at most
TOP_WORDS = 15
MAX_GROUPS = 40
_BY = ("interview", "speaker", "role")
_BUILDING = threading.Lock()  # one index build at a time (the second request waits for it)
_SEARCHING = threading.Lock()  # an index keeps caches of its own: one query at a time


def index_of(request: Request, project: Project) -> SearchIndex:
    """The search index of the project's turns (built once per version of the turns)."""
    return _index(settings_of(request), project)


def _index(settings: Settings, project: Project) -> SearchIndex:
    cache = settings.cache
    book = project.codebook()
    key = (project.turns_state(), tuple(book.languages))
    hit = cache.get("search_index")
    if hit is not None and hit[0] == key:
        return hit[1]  # type: ignore[no-any-return]
    with _BUILDING:
        hit = cache.get("search_index")
        if hit is not None and hit[0] == key:
            return hit[1]  # type: ignore[no-any-return]
        langs = [lang for lang in book.languages if lang in ("id", "en")] or ["id", "en"]
        index = SearchIndex(project.turns(), lang=langs)
        cache["search_index"] = (key, index)
    return index


def warm_index(settings: Settings) -> None:
    """Build the search index ahead of the first search (in a background thread)."""
    with Project.open(settings.project, busy_timeout=settings.busy_timeout) as project:
        _index(settings, project)


def _filters(params: Any) -> dict[str, Any]:
    role = str(params.get("role", "") or "")
    if role and role not in schema.ROLES:
        msg = f"role must be one of {', '.join(schema.ROLES)}, got {role[:20]!r}"
        raise WebError(msg)
    return {"role": role or None, "interview": str(params.get("interview", "") or "") or None}


def _hits(request: Request, project: Project, query: str, filters: dict[str, Any]) -> pd.DataFrame:
    index = index_of(request, project)
    with _SEARCHING:
        return index.search(query, **filters)


def search_page(request: Request) -> Response:
    params = request.query_params
    query = params.get("q", "").strip()
    freq = params.get("freq", "")
    filters = _filters(params)
    page = page_number(params.get("page"))
    if freq and freq not in _BY:
        msg = f"word frequencies are counted by interview, speaker or role, not {freq[:20]!r}"
        raise WebError(msg)
    context: dict[str, Any] = {"query": query, "freq": freq, "filters": filters, "page": page}
    with open_project(request) as project:
        book, keys = codebook_of(request, project)
        context.update(codes=book.codes, keys=keys, roles=schema.ROLES)
        hits = None
        if query:
            hits = _hits(request, project, query, filters)
        groups = None
        if freq:
            index = index_of(request, project)
            with _SEARCHING:
                table = index.word_frequencies(
                    by=freq, top=TOP_WORDS, **{k: v for k, v in filters.items() if v}
                )
            groups = [
                (str(g), part.to_dict("records"))
                for g, part in table.groupby("group", sort=False, observed=True)
            ][:MAX_GROUPS]
    total = 0 if hits is None else len(hits)
    pages = max(1, -(-total // PAGE_HITS))
    if hits is not None and page > pages:
        msg = f"the search has {pages} page(s) of hits, not {page}"
        raise WebError(msg, 404)
    rows = []
    if hits is not None:
        shown = hits.iloc[(page - 1) * PAGE_HITS : page * PAGE_HITS]
        for r in shown.to_dict("records"):
            r["place"] = f"/turn?{urlencode({'id': r[schema.TURN_ID]})}"
            rows.append(r)
    base = {"q": query, **{k: v for k, v in filters.items() if v}}
    context.update(
        rows=rows,
        total=total,
        pages=pages,
        groups=groups,
        page_url=lambda p: f"/search?{urlencode({**base, 'page': p})}",
        here=f"/search?{urlencode({**base, 'page': page})}",
    )
    return render(request, "search.html", **context)


async def code_hit(request: Request) -> Response:
    form = await form_of(request)
    coder = need_coder(request)
    code = form.get("code", "").strip()
    turn_id = form.get("turn_id", "").strip()
    start = int_field(form, "span_start")
    end = int_field(form, "span_end")
    with open_project(request) as project:
        ids = code_one_span(project, turn_id=turn_id, code=code, start=start, end=end, coder=coder)
    message = f"Coded {code} on this hit." if ids else f"You had coded {code} there already."
    if request.headers.get("hx-request"):
        return render(request, "_flash.html", message=message, level="ok")
    return back(request, _next(form))


async def code_all(request: Request) -> Response:
    form = await form_of(request)
    coder = need_coder(request)
    code = form.get("code", "").strip()
    query = form.get("q", "").strip()
    if not query:
        raise WebError("search for something first, then code its hits")
    filters = _filters(form)
    with open_project(request) as project:
        _, keys = codebook_of(request, project)
        if code not in keys:
            msg = f"no code {code!r} in the codebook"
            raise WebError(msg)
        hits = _hits(request, project, query, filters)
        if hits.empty:
            raise WebError(f"no hits of {query!r} to code")
        table = hits[[schema.TURN_ID, schema.SPAN_START, schema.SPAN_END]].assign(
            **{schema.CODE: code}
        )
        ids = project.code_spans(table, coder=coder)
    message = (
        f"Coded {len(ids)} of {len(hits)} hits with {code} as one change "
        f"({len(hits) - len(ids)} were coded already); undo it on the overview."
    )
    if request.headers.get("hx-request"):
        return render(request, "_flash.html", message=message, level="ok")
    return back(request, _next(form))


def _next(form: dict[str, str]) -> str:
    value = form.get("next", "")
    return value if value.startswith("/search") else "/search"


def routes() -> list[Any]:
    """The routes of this page group."""
    return [
        Route("/search", search_page),
        Route("/search/code", code_hit, methods=["POST"]),
        Route("/search/code-all", code_all, methods=["POST"]),
    ]
