"""Running the workbench: in the foreground (``qualcode serve``) or in a background thread
(:func:`workbench`, for Jupyter).

The socket is bound before the app is built, so that a port of 0 becomes a free port and the
app knows the Host headers to accept (``127.0.0.1:PORT``) before the first request.
"""

from __future__ import annotations

import atexit
import contextlib
import html
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qualcode.errors import QualcodeError
from qualcode.web.app import build_app
from qualcode.web.security import new_token

__all__ = ["LOOPBACK", "Served", "Workbench", "bind", "make_server", "workbench"]

#: host names that only this machine can reach
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one).

    Raises
    ------
    QualcodeError
        If the address cannot be used (port taken, unknown host).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        msg = f"cannot listen on {host}:{port}: {err.strerror or err}; try another --port"
        raise QualcodeError(msg) from err
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class Served:
    """A workbench server bound to a socket: its URL (with the token) and ``run``."""

    def __init__(self, app: Any, sock: socket.socket, host: str, token: str) -> None:
        import uvicorn

        self.app = app
        self.sock = sock
        self.host = host
        self.port = int(sock.getsockname()[1])
        self.token = token
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=3
        )
        self.server = uvicorn.Server(config)

    def url(self, host: str | None = None) -> str:
        """The address to open, with the token (as Jupyter prints it)."""
        name = host or self.host
        if name in ("0.0.0.0", "::"):
            name = "127.0.0.1"
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{self.port}/?token={quote(self.token)}"

    def warm_later(self, delay: float = 2.0) -> None:
        """Build the search index in the background once the first pages are served."""
        from qualcode.web.search import warm_index

        def warm() -> None:
            if not self.server.should_exit:
                with contextlib.suppress(Exception):  # a search builds it (and says why) itself
                    warm_index(self.app.app.state.settings)

        timer = threading.Timer(delay, warm)
        timer.daemon = True
        timer.start()

    def run(self) -> None:
        """Serve until stopped (Ctrl-C, or :meth:`stop` from another thread)."""
        self.server.run(sockets=[self.sock])

    def stop(self) -> None:
        """Ask the server to stop (it finishes the requests under way)."""
        self.server.should_exit = True


def make_server(
    project: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    coder: str | None = None,
    token: str | None = None,
    embedded: bool = False,
) -> Served:
    """Bind ``host:port`` and build the workbench for ``project`` on it (not started yet)."""
    token = token or new_token()
    sock = bind(host, port)
    try:
        actual = int(sock.getsockname()[1])
        app = build_app(
            project, token=token, coder=coder, host=host, port=actual, embedded=embedded
        )
    except BaseException:
        sock.close()
        raise
    served = Served(app, sock, host, token)
    served.warm_later()
    return served


class Workbench:
    """The workbench of a project running in this process (in a background thread).

    Shows itself inline in Jupyter (an IFrame with the token in its URL); :meth:`stop` ends it,
    and it is stopped when the interpreter exits.
    """

    def __init__(self, served: Served, *, height: int = 720) -> None:
        self._served = served
        self.height = height
        self._thread = threading.Thread(target=served.run, name="qualcode-workbench", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not served.server.started and self._thread.is_alive():
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        atexit.register(self.stop)

    @property
    def served(self) -> Served:
        """The server: its port, token and ``url(host)``."""
        return self._served

    @property
    def url(self) -> str:
        """The workbench's address with its token (``localhost``, as Jupyter's own pages)."""
        return self._served.url("localhost")

    @property
    def running(self) -> bool:
        """Whether the server is still serving."""
        return self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server and wait for its thread (at most ``timeout`` seconds)."""
        self._served.stop()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        atexit.unregister(self.stop)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Workbench {state} at {self._served.url('localhost').split('?')[0]}>"

    def _repr_html_(self) -> str:
        url = html.escape(self.url, quote=True)
        return (
            f'<iframe src="{url}" width="100%" height="{int(self.height)}" '
            'style="border:1px solid #ccc" title="qualcode workbench"></iframe>'
            f'<p><a href="{url}" target="_blank" rel="noopener">Open the workbench in a tab</a>'
            " (stop it with <code>.stop()</code>)</p>"
        )


def workbench(
    project: Any, *, coder: str | None = None, port: int = 0, height: int = 720
) -> Workbench:
    """Start the workbench on a project in the background (for Jupyter); show it inline.

    Parameters
    ----------
    project : Project or path
        The project (its file is served; the workbench opens it for each request).
    coder : str, optional
        The person coding (asked on the first visit when not given).
    port : int, default 0
        The loopback port (0: a free one).
    height : int
        The IFrame's height in pixels.

    Returns
    -------
    Workbench
        Displays the page in Jupyter; ``.url``, ``.stop()``.
    """
    path = Path(getattr(project, "path", project))
    served = make_server(path, host="127.0.0.1", port=port, coder=coder, embedded=True)
    return Workbench(served, height=height)
