"""The typer application object that every command module registers on."""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.core import TyperGroup

__all__ = ["app", "fail", "readable_value_names", "value_name"]

#: typer shows value types as Python's (<bool>, <list[Path]>, <str>); help shows these instead
_VALUE_NAMES = {"path": "PATH", "str": "TEXT", "int": "INTEGER", "float": "NUMBER"}
_LIST_RE = re.compile(r"^<list\[(.+)\]>(?:\.\.\.)?$")


def value_name(shown: str | None) -> str | None:
    """The value name ``--help`` shows for typer's type label ``shown``.

    Nothing for an on/off flag, ``PATH``/``TEXT``/``INTEGER``/``NUMBER``, ``a|b`` for choices,
    ``PATH...`` for several values.

    Examples
    --------
    >>> [value_name(s) for s in ("<bool>", "<list[Path]>", "<path>", "<id|en>", "<list[str]>")]
    [None, 'PATH...', 'PATH', 'id|en', 'TEXT...']
    """
    if shown is None or shown in ("<bool>", "<bool>..."):
        return None
    if not (shown.startswith("<") and ">" in shown):
        return shown  # a metavar the command chose
    many = _LIST_RE.match(shown)
    inner = many.group(1) if many else shown[1 : shown.index(">")]
    name = _VALUE_NAMES.get(inner.lower(), inner if "|" in inner else inner.upper())
    return f"{name}..." if many or shown.endswith("...") else name


def _readable(param: Any) -> Any:
    if not getattr(param, "_qualcode_readable", False):
        shown = param.display_type_rich  # type: ignore[attr-defined]
        option = param.param_type_name == "option"  # repeated, not several values after one flag

        def display(ctx: Any) -> str | None:
            name = value_name(shown(ctx))
            return name.removesuffix("...") if option and name else name

        param.display_type_rich = display  # type: ignore[attr-defined]
        param._qualcode_readable = True  # type: ignore[attr-defined]
    return param


def readable_value_names(command: Any) -> Any:
    """Make ``--help`` of ``command`` (and its subcommands) show readable value names."""
    if getattr(command, "_qualcode_readable", False):
        return command
    for param in command.params:
        _readable(param)
    make_help = command.get_help_option

    def help_option(ctx: Any) -> Any | None:
        option = make_help(ctx)
        return _readable(option) if option is not None else None

    command.get_help_option = help_option  # type: ignore[method-assign]
    command._qualcode_readable = True  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        readable_value_names(sub)
    return command


class _Group(TyperGroup):
    """The root command: its subcommands get readable value names in ``--help``."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any | None:
        cmd = super().get_command(ctx, cmd_name)
        return readable_value_names(cmd) if cmd is not None else None

    def format_help(self, ctx: Any, formatter: Any) -> None:
        readable_value_names(self)
        super().format_help(ctx, formatter)


app = typer.Typer(
    cls=_Group,
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
