"""``qualcode serve``: the coding workbench in the browser, on a project file."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.app import app
from qualcode.cli.project_cmd import ProjectArg

__all__ = ["serve_command"]


@app.command("serve")
def serve_command(
    project: ProjectArg,
    coder: Annotated[
        str | None,
        typer.Option("--coder", help="Who is coding (asked in the page when not given)."),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: a free one).")] = 8765,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on (default: this machine only)."),
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser; just print the URL.")
    ] = False,
) -> None:
    """Read, code and review the project's interviews in a browser page (stop with Ctrl-C)."""
    from qualcode.web.server import LOOPBACK, make_server

    served = make_server(Path(project), host=host, port=port, coder=coder)
    if host not in LOOPBACK:
        typer.echo(
            f"Warning: listening on {host}: anyone on the network who has the token can read "
            "and change this project. Use --host 127.0.0.1 unless you mean it.",
            err=True,
        )
    url = served.url()
    typer.echo(f"Workbench for {project} (stop with Ctrl-C):\n\n    {url}\n")
    if not no_browser:
        import webbrowser

        webbrowser.open(url)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn has shut down already
        served.run()
    typer.echo("Stopped.")
