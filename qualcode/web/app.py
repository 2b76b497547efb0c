"""The workbench's ASGI application, built from a project path and options.

>>> from qualcode.web import build_app                       # doctest: +SKIP
>>> app = build_app("study.qualcode", token="...", port=8765)  # doctest: +SKIP

Serve it with uvicorn on 127.0.0.1 (``qualcode serve`` does), or drive it with Starlette's
``TestClient(app, base_url="http://127.0.0.1:8765")`` in tests.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from qualcode.errors import ProjectError, QualcodeError
from qualcode.project import Project
from qualcode.web import codebook_pages, interviews, overview, review, search
from qualcode.web.common import (
    Settings,
    WebError,
    code_colors,
    codebook_of,
    coder_cookie,
    error_response,
    form_of,
    need_coder,
    open_project,
    render,
    safe_next,
    set_coder_cookie,
    valid_coder,
)
from qualcode.web.security import Guard, new_token

__all__ = ["allowed_hosts", "build_app"]

#: paths served before the coder has said who they are
_OPEN_PATHS = ("/coder", "/static/", "/codes.css")


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers the server answers to (loopback names, or the host it binds)."""
    names = {"127.0.0.1", "localhost", "[::1]"}
    if host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::"):
        names.add(host.lower())
    return frozenset(f"{n}:{port}" for n in names)


def build_app(
    project: str | Path,
    *,
    token: str | None = None,
    coder: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
    hosts: frozenset[str] | None = None,
    busy_timeout: float = 5.0,
    embedded: bool = False,
) -> Any:
    """Build the workbench for a project file.

    Parameters
    ----------
    project : path
        The ``.qualcode`` file (opened for each request; checked here once).
    token : str, optional
        The secret every request needs (default: a new random one, in ``app.state.settings``).
    coder : str, optional
        The person coding; when not given, the page asks on the first visit.
    host, port : str, int
        Where the server listens (the Host headers accepted follow from them).
    hosts : set of str, optional
        Accepted Host headers instead (``name:port``).
    busy_timeout : float
        Seconds a change waits for another writer before "project is busy".
    embedded : bool
        Allow framing by a Jupyter page on a loopback address (:func:`qualcode.web.workbench`).

    Returns
    -------
    ASGI app
        The app, wrapped in its security guard (``.app.state.settings`` holds the settings).

    Raises
    ------
    ProjectError
        If the project cannot be opened.
    """
    path = Path(project)
    Project.open(path).close()  # a clear error now rather than on every page
    if coder is not None and valid_coder(coder) is None:
        msg = f"--coder must be a person's name (not empty, rules or model), got {coder!r}"
        raise ProjectError(msg, path=path)
    settings = Settings(
        project=path,
        token=token or new_token(),
        coder=coder,
        busy_timeout=busy_timeout,
        hosts=hosts or allowed_hosts(host, port),
        frame_ancestors="http://localhost:* http://127.0.0.1:*" if embedded else "'none'",
    )
    static = resources.files("qualcode.web") / "static"
    routes = [
        Route("/coder", coder_page, methods=["GET", "POST"]),
        Route("/codes.css", codes_css),
        Route("/undo", undo, methods=["POST"]),
        Route("/state", state),
        *interviews.routes(),
        *review.routes(),
        *codebook_pages.routes(),
        *overview.routes(),
        *search.routes(),
        Mount("/static", StaticFiles(directory=str(static)), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={QualcodeError: _user_error, 404: _not_found, 405: _not_allowed},
    )
    app.state.settings = settings
    app.add_middleware(_CoderGate)
    guard = Guard(app, settings.token, settings.hosts, settings.frame_ancestors)
    return guard


class _CoderGate:
    """Ask for the coder's name before any page (when ``--coder`` was not given)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(_OPEN_PATHS):
            request = Request(scope)
            settings: Settings = scope["app"].state.settings
            named = settings.coder or coder_cookie(request)
            if not named:
                if scope["method"] == "GET":
                    target = scope["path"] + (
                        "?" + scope["query_string"].decode() if scope["query_string"] else ""
                    )
                    response: Response = RedirectResponse(
                        "/coder?" + urlencode({"next": target}), status_code=303
                    )
                else:
                    response = error_response(
                        request, QualcodeError("say who you are first: open /coder")
                    )
                    response.status_code = 403
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def coder_page(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    nxt = request.query_params.get("next", "/")
    if request.method == "POST":
        form = await form_of(request)
        nxt = safe_next(form.get("next"))
        if settings.coder:
            return RedirectResponse(nxt, status_code=303)
        name = valid_coder(form.get("name"))
        if name is None:
            message = (
                "Give your name (up to 80 characters; not rules or model: those are the "
                "machine coders)."
            )
            return render(request, "coder.html", 400, next=nxt, flash=message)
        response = RedirectResponse(nxt, status_code=303)
        set_coder_cookie(response, name)
        return response
    return render(request, "coder.html", next=safe_next(nxt))


def codes_css(request: Request) -> Response:
    """One CSS class per code (by its key), coloured from the codebook: no names in CSS."""
    with open_project(request) as project:
        book, keys = codebook_of(request, project)
    lines = [
        f".k{keys[name]} {{ --code: {color}; }}"
        for name, color in code_colors(book).items()
        if name in keys
    ]
    return Response("\n".join(lines) + "\n", media_type="text/css")


def state(request: Request) -> Response:
    """The latest change (batch, who, what): the pages poll it to see others' changes."""
    with open_project(request) as project:
        log = project.log().tail(1)
    if log.empty:
        return JSONResponse({"state": 0, "who": "", "action": ""})
    last = log.iloc[0]
    return JSONResponse(
        {"state": int(last["batch"]), "who": str(last["who"]), "action": str(last["action"])}
    )


async def undo(request: Request) -> Response:
    form = await form_of(request)
    coder = need_coder(request)
    with open_project(request) as project:
        batch = project.undo(who=coder)
    message = f"Undid “{batch.action}: {batch.summary}” (batch {batch.id}, by {batch.who})."
    if request.headers.get("hx-request"):
        return render(request, "_flash.html", message=message, level="ok")
    nxt = safe_next(form.get("next"), "/overview")
    return RedirectResponse(nxt, status_code=303)


async def _user_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, QualcodeError)
    return error_response(request, exc)


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(request, _status_error("no such page", 404))


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return error_response(request, _status_error("this page does not take that method", 405))


def _status_error(message: str, status: int) -> QualcodeError:
    return WebError(message, status)
