"""The coding workbench (``qualcode serve``): read, code and review a project in a browser.

A local web app over one project file: server-rendered pages (Jinja2, with the vendored htmx for
partial updates), every change made through the same :class:`~qualcode.project.Project` methods
as the command line (one batch each, logged, undoable), served on 127.0.0.1 with a secret token,
CSRF checks, a Content-Security-Policy and a Host check (:mod:`qualcode.web.security`).
"""

from __future__ import annotations

from qualcode.web.app import build_app

__all__ = ["build_app"]
