"""The review queue: machine suggestions one at a time, decided by key or button.

Routes
------
``GET /review?code=&origin=&min=&max=&interview=&i=``  the ``i``-th open suggestion (from 0) of
    the filtered queue, with the question before it and the evidence highlighted
``POST /review/decide``  accept or reject it (``Project.decide_pending``: a suggestion someone
    decided meanwhile is refused), then show the next one

Keys (``workbench.js``): ``a`` accept, ``r`` reject, ``s`` skip, ``j`` / ``k`` next / previous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qualcode import schema
from qualcode.project import Project
from qualcode.reports import evidence_spans
from qualcode.web.common import (
    MAX_NUMBER,
    WebError,
    back,
    cached,
    codebook_of,
    form_of,
    int_field,
    need_coder,
    open_project,
    render,
)
from qualcode.web.turns import anchor, segments

__all__ = ["Filters", "routes"]

_ORIGINS = ("", "rules", "model")


@dataclass(frozen=True)
class Filters:
    """The queue's filters, as given in the page's form (checked)."""

    code: str = ""
    origin: str = ""
    min: float | None = None
    max: float | None = None
    interview: str = ""

    @classmethod
    def parse(cls, params: Any) -> Filters:
        """Filters from query parameters or a form (an error names a bad one)."""
        origin = str(params.get("origin", "") or "")
        if origin not in _ORIGINS:
            msg = f"origin must be rules or model, got {origin[:20]!r}"
            raise WebError(msg)
        bounds = []
        for name in ("min", "max"):
            value = str(params.get(name, "") or "").strip()
            try:
                bounds.append(float(value) if value else None)
            except ValueError:
                msg = f"the {name} score must be a number such as 0.5, got {value[:20]!r}"
                raise WebError(msg) from None
        return cls(
            code=str(params.get("code", "") or ""),
            origin=origin,
            min=bounds[0],
            max=bounds[1],
            interview=str(params.get("interview", "") or ""),
        )

    def query(self, **extra: Any) -> str:
        """The filters (and ``extra``) as a query string."""
        values = {
            "code": self.code,
            "origin": self.origin,
            "min": "" if self.min is None else f"{self.min:g}",
            "max": "" if self.max is None else f"{self.max:g}",
            "interview": self.interview,
            **extra,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def kwargs(self) -> dict[str, Any]:
        """The filters as :meth:`Project.pending_suggestions` takes them."""
        return {
            "code": self.code or None,
            "origin": self.origin or None,
            "min_score": self.min,
            "max_score": self.max,
            "interview": self.interview or None,
        }


def _index(value: Any) -> int:
    text = str(value or "0").strip()
    if not text.lstrip("-").isdigit():
        msg = f"the queue position must be a whole number, got {text[:20]!r}"
        raise WebError(msg)
    return min(max(int(text), 0), MAX_NUMBER)


def _queue(
    request: Request, project: Project, filters: Filters, i: int, flash: str | None = None
) -> dict[str, Any]:
    """What the queue shows: the ``i``-th suggestion, how many are left, the filter choices."""
    book, keys = codebook_of(request, project)
    if filters.code and filters.code not in keys:
        msg = f"no code {filters.code!r} in the codebook"
        raise WebError(msg)
    left = project.count_pending(**filters.kwargs())
    if i >= left:
        i = max(left - 1, 0)
    row = project.pending_suggestions(**filters.kwargs(), offset=i, limit=1)
    card = None
    if len(row):
        s = row.iloc[0].to_dict()
        text = str(s[schema.TEXT])
        marks = [
            (a, b, f"ev k{keys.get(s[schema.CODE], 0)}", "evidence")
            for a, b in evidence_spans(text, str(s[schema.EVIDENCE] or ""))
        ]
        start, end = s[schema.SPAN_START], s[schema.SPAN_END]
        if not marks and start is not None and not pd.isna(start) and not pd.isna(end):
            marks = [(int(start), int(end), f"ev k{keys.get(s[schema.CODE], 0)}", "evidence")]
        code = book.code(str(s[schema.CODE])) if s[schema.CODE] in book.code_names else None
        card = {
            **s,
            "key": keys.get(str(s[schema.CODE]), 0),
            "label": code.display if code else s[schema.CODE],
            "definition": code.description if code else "",
            "segments": segments(text, marks),
            "place": f"/turn?{urlencode({'id': s[schema.TURN_ID]})}",
            "anchor": anchor(str(s[schema.TURN_ID])),
        }
    interviews = cached(request, "interview_names", project.turns_state(), project.interview_names)
    return {
        "card": card,
        "left": left,
        "i": i,
        "filters": filters,
        "codes": book.codes,
        "interviews": interviews,
        "origins": _ORIGINS[1:],
        "flash": flash,
        "level": "ok",
    }


def review_page(request: Request) -> Response:
    filters = Filters.parse(request.query_params)
    i = _index(request.query_params.get("i"))
    with open_project(request) as project:
        context = _queue(request, project, filters, i)
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "queue":
        return render(request, "_queue.html", **context)
    return render(request, "review.html", **context)


async def decide(request: Request) -> Response:
    form = await form_of(request)
    coder = need_coder(request)
    filters = Filters.parse(form)
    i = _index(form.get("i"))
    decision = form.get("decision", "")
    if decision not in ("accept", "reject"):
        msg = f"decision must be accept or reject, got {decision[:20]!r}"
        raise WebError(msg)
    sid = int_field(form, "suggestion_id")
    with open_project(request) as project:
        project.decide_pending(
            pd.DataFrame({"suggestion_id": [sid], "decision": [decision]}), coder=coder
        )
        done = "Accepted" if decision == "accept" else "Rejected"
        if request.headers.get("hx-request"):
            context = _queue(request, project, filters, i, flash=f"{done} suggestion {sid}.")
            return render(request, "_queue.html", **context)
    return back(request, f"/review?{filters.query(i=i)}")


def routes() -> list[Any]:
    """The routes of this page group."""
    return [Route("/review", review_page), Route("/review/decide", decide, methods=["POST"])]
