"""What every page of the workbench shares: settings, templates, the project, errors, colours.

The project file is opened for each request and closed after it, so a page always shows what
the command line, a notebook or another browser changed meanwhile. A user's error (an unknown
interview, a span outside the text, a busy project) becomes a page or fragment with the message
and a 4xx status; nothing is written then (each change is one transaction).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

import jinja2
import pandas as pd
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from qualcode import schema
from qualcode.codebook import Codebook
from qualcode.errors import ProjectBusyError, QualcodeError
from qualcode.plots import PALETTE
from qualcode.project import Project
from qualcode.web.security import check_csrf, csrf_token

__all__ = [
    "CODER_COOKIE",
    "Settings",
    "WebError",
    "code_colors",
    "code_one_span",
    "coder_of",
    "form_of",
    "open_project",
    "render",
]

CODER_COOKIE = "qualcode_coder"
RECENT_COOKIE = "qualcode_recent"
_HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
MACHINES = ("rules", "model")
#: the largest number a form or query may give (ids, offsets and pages are far smaller)
MAX_NUMBER = 2**53


@dataclass
class Settings:
    """How one workbench server runs (see :func:`qualcode.web.build_app`)."""

    project: Path
    token: str
    coder: str | None = None
    busy_timeout: float = 5.0
    hosts: frozenset[str] = frozenset()
    frame_ancestors: str = "'none'"
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)


class WebError(QualcodeError):
    """A bad request: shown as a message with a 4xx status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    folder = resources.files("qualcode.web") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["q"] = lambda params: urlencode(
        {k: v for k, v in dict(params).items() if v not in (None, "")}
    )
    return env


def settings_of(request: Request) -> Settings:
    """The server's settings."""
    return request.app.state.settings  # type: ignore[no-any-return]


def coder_of(request: Request) -> str | None:
    """The person coding: ``--coder``, else the name given on the first visit (a cookie)."""
    s = settings_of(request)
    if s.coder:
        return s.coder
    return coder_cookie(request)


def coder_cookie(request: Request) -> str | None:
    """The coder's name kept in the cookie (percent-encoded: any name, in any script)."""
    raw = request.cookies.get(CODER_COOKIE)
    return valid_coder(unquote(raw)) if raw else None


def set_coder_cookie(response: Response, name: str) -> None:
    """Keep the coder's name in this browser for a year."""
    response.set_cookie(
        CODER_COOKIE, quote(name, safe=""), httponly=True, samesite="strict", max_age=31536000
    )


def valid_coder(name: str | None) -> str | None:
    """A coder name as given, stripped, or None if it is not a person's name."""
    name = (name or "").strip()
    if not name or len(name) > 80 or name in MACHINES or not name.isprintable():
        return None
    return name


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page (or fragment) of the workbench."""
    s = settings_of(request)
    context.setdefault("flash", None)
    state = project_state(s)
    body = (
        _env()
        .get_template(template)
        .render(
            request=request,
            coder=coder_of(request),
            fixed_coder=bool(s.coder),
            csrf=s.csrf,
            project_name=s.project.name,
            state=state,
            **context,
        )
    )
    # the page's script compares it with /state to say when someone else changed the project
    return HTMLResponse(body, status_code=status, headers={"x-qualcode-state": str(state)})


def project_state(settings: Settings) -> int:
    """The project's latest batch (0 if the file cannot be read just now)."""
    try:
        with Project.open(settings.project, busy_timeout=settings.busy_timeout) as project:
            return project.state()
    except QualcodeError:
        return 0


def error_response(request: Request, err: QualcodeError) -> HTMLResponse:
    """A user's error as a page (or, for htmx, a fragment) with a 4xx status."""
    status = getattr(err, "status", 400)
    if isinstance(err, ProjectBusyError):
        status = 503
    message = str(err)
    if isinstance(err, ProjectBusyError):
        message += " Nothing was changed; your input is still on the page: try again."
    if request.headers.get("hx-request"):
        return render(request, "_flash.html", status, message=message, level="error")
    return render(request, "error.html", status, message=message)


@contextmanager
def open_project(request: Request) -> Iterator[Project]:
    """The project, opened for this request and closed after it."""
    s = settings_of(request)
    project = Project.open(s.project, busy_timeout=s.busy_timeout)
    try:
        yield project
    finally:
        project.close()


async def form_of(request: Request) -> dict[str, str]:
    """The POSTed form, after the CSRF check (a refusal is a 403)."""
    try:
        form = await request.form()
    except Exception as err:  # malformed bodies: multipart's and Starlette's own errors
        msg = f"the form could not be read ({type(err).__name__}); reload the page"
        raise WebError(msg) from err
    sent = form.get("csrf") or request.headers.get("x-csrf-token")
    if not check_csrf(settings_of(request).token, str(sent) if sent is not None else None):
        msg = "refused: the form's CSRF token is missing or wrong; reload the page"
        raise WebError(msg, 403)
    return {k: v for k, v in form.items() if isinstance(v, str)}


def need_coder(request: Request) -> str:
    """The coder, or an error asking for a name."""
    name = coder_of(request)
    if name is None:
        msg = "say who you are first (the coder's name), then try again"
        raise WebError(msg, 403)
    return name


def int_field(form: dict[str, str], name: str, *, required: bool = True) -> int | None:
    """A whole number from a form (an error naming the field otherwise)."""
    value = form.get(name, "").strip()
    if not value:
        if required:
            msg = f"the form has no {name}"
            raise WebError(msg)
        return None
    try:
        number = int(value)
    except ValueError:
        msg = f"{name} must be a whole number, got {value[:40]!r}"
        raise WebError(msg) from None
    if abs(number) > MAX_NUMBER:
        msg = f"{name} {value[:40]} is too large"
        raise WebError(msg)
    return number


def code_one_span(
    project: Project,
    *,
    turn_id: str,
    code: str,
    start: int | None,
    end: int | None,
    coder: str,
) -> list[int]:
    """Store one person's coding of a turn, or of a span of it (both ends None: the whole turn).

    Returns
    -------
    list of int
        The ids of the stored codings, as :meth:`qualcode.project.Project.code_spans` gives them
        (empty if the coder had coded it there already).
    """
    return project.code_spans(
        pd.DataFrame(
            {
                schema.TURN_ID: [turn_id],
                schema.CODE: [code],
                schema.SPAN_START: [start],
                schema.SPAN_END: [end],
            }
        ),
        coder=coder,
    )


def page_number(value: str | None) -> int:
    """A page number from a query (1 when not given)."""
    if not value:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_NUMBER:
        msg = f"page must be a whole number from 1, got {value[:20]!r}"
        raise WebError(msg)
    return int(value)


def safe_next(value: str | None, default: str = "/") -> str:
    """A same-site path to go back to (never another host)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def back(request: Request, url: str, *, fragment: str = "") -> Response:
    """After a plain (non-htmx) POST: back to the page, as a GET."""
    return RedirectResponse(url + (f"#{fragment}" if fragment else ""), status_code=303)


def code_colors(book: Codebook) -> dict[str, str]:
    """One colour per code, the same on every page: the codebook's, else one of the palette."""
    out: dict[str, str] = {}
    for i, code in enumerate(book.codes):
        given = code.color if code.color and _HEX.fullmatch(code.color) else None
        out[code.name] = given or PALETTE[i % len(PALETTE)]
    return out


def cached(request: Request, key: Any, state: Any, make: Any) -> Any:
    """``make()`` computed once per project state (every change is a new state)."""
    cache = settings_of(request).cache
    hit = cache.get(key)
    if hit is not None and hit[0] == state:
        return hit[1]
    value = make()
    cache[key] = (state, value)
    return value


def codebook_of(request: Request, project: Project) -> tuple[Codebook, dict[str, int]]:
    """The codebook and its code keys, parsed once per project state."""
    return cached(  # type: ignore[no-any-return]
        request,
        "codebook",
        project.codebook_state(),
        lambda: (project.codebook(), project.code_keys()),
    )
