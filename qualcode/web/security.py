"""The workbench's safety: the secret token, the Host check, CSRF and the response headers.

* **Token**: a random secret (:func:`new_token`) printed with the URL, as Jupyter does. The first
  request carries it as ``?token=``; the answer sets it as an HttpOnly, SameSite=Strict cookie and
  redirects to the same page without it (so it leaves the address bar and the history). A request
  with neither the cookie nor the query parameter is refused (403).
* **Host**: only ``127.0.0.1:PORT``, ``localhost:PORT`` and ``[::1]:PORT`` (or the host it was
  started on) are served: a page of another site that makes its name resolve to 127.0.0.1 (DNS
  rebinding) sends its own name as Host and is refused (400).
* **CSRF**: every change is a POST carrying a CSRF token (a hidden form field, or the
  ``X-CSRF-Token`` header) derived from the secret; a POST whose ``Origin`` is another site is
  refused before that. :func:`check_csrf` is called by every POST handler on its form.
* **Headers**: a Content-Security-Policy without inline scripts (``default-src 'self'``),
  ``frame-ancestors`` (none, or Jupyter's loopback page for :func:`qualcode.web.workbench`),
  ``X-Content-Type-Options: nosniff``, no referrer to other sites (the token is never sent
  on), no caching.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["TOKEN_COOKIE", "Guard", "check_csrf", "csrf_token", "new_token"]

TOKEN_COOKIE = "qualcode_token"
#: methods served: pages are GET, every change is a POST
_METHODS = {"GET", "HEAD", "POST"}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def new_token() -> str:
    """A fresh secret token (32 random bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


def csrf_token(token: str) -> str:
    """The CSRF token of a server's secret (what forms send back with each change)."""
    return hmac.new(token.encode(), b"qualcode-csrf", hashlib.sha256).hexdigest()


def check_csrf(token: str, sent: str | None) -> bool:
    """Whether ``sent`` is the CSRF token of the secret ``token``."""
    return bool(sent) and hmac.compare_digest(csrf_token(token), str(sent))


@dataclass(frozen=True)
class Guard:
    """ASGI middleware: Host check, token, Origin check, and the security headers.

    Parameters
    ----------
    app : ASGI app
        The workbench.
    token : str
        The secret.
    hosts : set of str
        Accepted Host headers (``host:port``).
    frame_ancestors : str
        The CSP ``frame-ancestors`` value (``'none'`` unless embedded in Jupyter).
    """

    app: ASGIApp
    token: str
    hosts: frozenset[str]
    frame_ancestors: str = "'none'"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "").lower()
        if host not in self.hosts:
            await _plain(send, 400, f"Refused: this server answers only to {self._shown_host()}.")
            return
        if scope["method"] not in _METHODS:
            await _plain(send, 405, "Refused: only GET and POST are served.")
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        cookie = _cookies(headers.get("cookie", "")).get(TOKEN_COOKIE)
        if given:
            if not hmac.compare_digest(given[-1], self.token):
                await _plain(send, 403, "Refused: wrong token. Open the URL qualcode printed.")
                return
            if scope["method"] == "GET":  # set the cookie, then drop the token from the URL
                rest = urlencode([(k, v) for k, v in query if k != "token"])
                location = scope.get("root_path", "") + scope["path"] + (f"?{rest}" if rest else "")
                await self._send_redirect(send, location)
                return
        elif cookie is None or not hmac.compare_digest(cookie, self.token):
            await _plain(
                send,
                403,
                "Refused: this page needs the token. Open the URL that `qualcode serve` printed "
                "(it ends in ?token=...).",
            )
            return
        if scope["method"] == "POST":
            origin = headers.get("origin")
            if origin is not None and origin.split("://", 1)[-1].lower() not in self.hosts:
                await _plain(send, 403, "Refused: a change sent from another site.")
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self._headers()
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _shown_host(self) -> str:
        return " or ".join(sorted(self.hosts)[:2])

    def _headers(self) -> list[tuple[bytes, bytes]]:
        csp = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"form-action 'self'; base-uri 'none'; object-src 'none'; "
            f"frame-ancestors {self.frame_ancestors}"
        )
        out = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"cache-control", b"no-store"),
        ]
        if self.frame_ancestors == "'none'":
            out.append((b"x-frame-options", b"DENY"))
        return out

    async def _send_redirect(self, send: Send, location: str) -> None:
        cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode("latin-1", "replace")),
                    (b"set-cookie", cookie.encode()),
                    (b"content-length", b"0"),
                    *self._headers(),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            out.setdefault(name, value)
    return out


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
