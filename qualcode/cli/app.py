"""The typer application object that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="qualcode",
    help="Qualitative interview analysis: parse transcripts, code them, measure agreement, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No progress bars (they show only on a terminal anyway)."
    ),
) -> None:
    """Qualitative interview analysis: parse transcripts, code them, measure agreement, report."""
    from qualcode.progress import show_progress

    show_progress(False if quiet else None)


def fail(message: str) -> typer.Exit:
    """Print ``Error: message`` to stderr and return the exit to raise (code 1)."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=1)
