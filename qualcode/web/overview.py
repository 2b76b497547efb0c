"""The overview: the report's charts of the people's codings, the project log, undo, memos.

Routes
------
``GET /overview``                   the charts, what changed (the log), Undo, project memos
``GET /charts/themes.svg``          theme frequencies (:func:`qualcode.plot_theme_frequencies`)
``GET /charts/interviews.svg``      codes by interview (``plot_code_interview_heatmap``)
``POST /undo``                      undo the latest change (in :mod:`qualcode.web.app`)

Charts are drawn outside pyplot (:func:`qualcode.plots.render_chart`), as SVG, once per project
state: a reload after nothing changed costs nothing.
"""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qualcode.project import Project
from qualcode.web.common import WebError, cached, codebook_of, open_project, render

__all__ = ["CHARTS", "routes"]

#: the charts of the overview: file name -> caption
CHARTS = {
    "themes": "Coded turns per code and theme (people's codings)",
    "interviews": "Codes by interview (people's codings)",
}
#: batches of the log shown (the latest)
LOG_ROWS = 30

_DRAWING = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe


def _people_tables(project: Project) -> tuple[Any, Any]:
    turns = project.turns()
    codings = project.codings(people=True)
    return turns, codings


def _draw(request: Request, project: Project, name: str) -> bytes | None:
    from qualcode.plots import (
        plot_code_interview_heatmap,
        plot_theme_frequencies,
        render_chart,
    )
    from qualcode.reports import code_frequencies, code_interview_matrix

    book, _ = codebook_of(request, project)
    turns, codings = cached(
        request, "people_tables", project.state(), lambda: _people_tables(project)
    )
    if codings.empty:
        return None
    with _DRAWING:
        if name == "themes":
            data = code_frequencies(turns, codings, book)
            return render_chart(plot_theme_frequencies, data, format="svg", codebook=book)
        matrix = code_interview_matrix(turns, codings, book)
        return render_chart(plot_code_interview_heatmap, matrix, format="svg", codebook=book)


def chart(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in CHARTS:
        msg = f"no chart {name!r}; the charts are {', '.join(CHARTS)}"
        raise WebError(msg, 404)
    with open_project(request) as project:
        state = project.state()
        svg = cached(request, ("chart", name), state, lambda: _draw(request, project, name))
    if svg is None:
        raise WebError("no people's codings yet: nothing to chart", 404)
    return Response(svg, media_type="image/svg+xml")


def overview_page(request: Request) -> Response:
    with open_project(request) as project:
        state = project.state()
        log = project.log()
        memos = project.memos()
        has_codings = bool(
            cached(request, "has_people", state, lambda: not project.codings(people=True).empty)
        )
    undoable = log[log["undone_by"].isna() & ~log["action"].isin(["init", "undo"])]
    last = undoable.iloc[-1].to_dict() if len(undoable) else None
    shown = log.iloc[::-1].head(LOG_ROWS).to_dict("records")
    for b in shown:
        b["undone_by"] = (
            None if b["undone_by"] is None or b["undone_by"] is pd.NA else int(b["undone_by"])
        )
    project_memos = memos[memos["about"] == "project"].to_dict("records") if len(memos) else []
    return render(
        request,
        "overview.html",
        charts=CHARTS if has_codings else {},
        chart_state=state,
        log=shown,
        n_batches=len(log),
        last=last,
        memos=project_memos,
    )


def routes() -> list[Any]:
    """The routes of this page group."""
    return [Route("/overview", overview_page), Route("/charts/{name}.svg", chart)]
