"""Helpers of the workbench tests: a client with the token, forms with the CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from qualcode.web import build_app
from qualcode.web.security import csrf_token

TOKEN = "test-token-0123456789"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
CSRF = csrf_token(TOKEN)
#: a turn of Narasumber 1 with suggestions (the question before it is turn 16)
TURN = "magnus-interviews-narasumber-1-0017"
INTERVIEW = "magnus_interviews/Narasumber 1"


def client(
    project: Path, *, coder: str | None = "ana", login: bool = True, **options
) -> TestClient:  # type: ignore[no-untyped-def]
    """A test client of the workbench on ``project`` (logged in with the token)."""
    app = build_app(project, token=TOKEN, port=PORT, coder=coder, busy_timeout=0.2, **options)
    c = TestClient(app, base_url=BASE, raise_server_exceptions=True)
    if login:
        r = c.get(f"/?token={TOKEN}", follow_redirects=False)
        assert r.status_code == 303
    return c


def post(  # type: ignore[no-untyped-def]
    c: TestClient, url: str, data: dict[str, object], *, htmx: bool = True, headers=None
):
    """POST a form with the CSRF token (as htmx does, unless ``htmx`` is False)."""
    sent = {"hx-request": "true"} if htmx else {}
    sent.update(headers or {})
    return c.post(url, data={"csrf": CSRF, **data}, headers=sent, follow_redirects=False)


def text_of(html: str) -> str:
    """The visible text of some HTML (tags dropped)."""
    return re.sub(r"<[^>]+>", "", html)
