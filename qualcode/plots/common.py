"""What every chart shares: the palette, label wrapping, default texts, colours, new axes.

:func:`new_axes` is the one place in qualcode that imports pyplot (inside the function:
importing :mod:`qualcode.plots` does not).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.reports import THEME
from qualcode.schema import CODE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "WRAP",
    "chart_text",
    "code_colors",
    "figure_of",
    "new_axes",
    "require_columns",
    "theme_colors",
    "wrap_label",
]

#: default colours (matplotlib "tab10") for themes and coders without a colour
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
#: characters per line of a wrapped code label
WRAP = 28


def wrap_label(
    label: object, width: int, *, break_long: bool = False, at_slash: bool = False
) -> str:
    """Wrap at spaces; ``at_slash`` also after a slash, ``break_long`` anywhere (and at a slash)."""
    text = str(label)
    slash = at_slash or break_long  # ids such as "file/Narasumber 1"
    if slash:
        text = text.replace("/", "/ ")
    out = textwrap.fill(text, width=width, break_long_words=break_long) or str(label)
    return out.replace("/ ", "/") if slash else out


def chart_text(given: str | None, default: str) -> str:
    """A chart text: the one given (``""`` for none), else the default in the chart's language."""
    return default if given is None else given


def new_axes(figsize: tuple[float, float]) -> Axes:
    """A new pyplot figure of ``figsize`` inches with constrained layout, and its axes."""
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def require_columns(data: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    """Raise a QualcodeError naming the columns ``what`` needs and ``data`` lacks."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        msg = (
            f"{what} needs column(s) {', '.join(missing)}; got {', '.join(map(str, data.columns))}"
        )
        raise QualcodeError(msg)


def code_colors(data: pd.DataFrame, codebook: Codebook | None) -> list[str]:
    """Colour per row: the code's colour, else its theme's, else a palette colour per theme."""
    themes = list(dict.fromkeys(data[THEME]))
    theme_color = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(themes)}
    code_color: dict[str, str] = {}
    if codebook is not None:
        for theme in codebook.themes:
            if theme.color:
                theme_color[theme.name] = theme.color
            for code in theme.codes:
                if code.color:
                    code_color[code.name] = code.color
    codes = data[CODE] if CODE in data.columns else [None] * len(data)
    return [
        code_color.get(str(code), theme_color[theme])
        for theme, code in zip(data[THEME], codes, strict=True)
    ]


def theme_colors(data: pd.DataFrame, codebook: Codebook | None) -> dict[str, str]:
    """Colour per theme: the codebook's, else a palette colour in order of the themes."""
    themes = list(dict.fromkeys(data[THEME]))
    colors = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(themes)}
    if codebook is not None:
        colors.update({t.name: t.color for t in codebook.themes if t.color})
    return colors


def figure_of(ax_or_fig: Any) -> Figure:
    """The top-level figure of an Axes, Figure or SubFigure."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    fig = ax_or_fig.figure if isinstance(ax_or_fig, Axes) else ax_or_fig
    while isinstance(fig, SubFigure):
        fig = fig.figure
    if not isinstance(fig, Figure):
        msg = f"expected a matplotlib Axes or Figure, got {type(ax_or_fig).__name__}"
        raise QualcodeError(msg)
    return fig
