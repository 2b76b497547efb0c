"""Bar charts: coded turns per code grouped by theme, and codes compared across coders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.languages import DEFAULT_LANGUAGE, texts
from qualcode.plots.common import (
    PALETTE,
    WRAP,
    chart_text,
    code_colors,
    new_axes,
    require_columns,
    theme_colors,
    wrap_label,
)
from qualcode.reports import CODE_LABEL, SHARE, THEME, THEME_LABEL, TURNS
from qualcode.schema import CODE, CODER

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "plot_coder_comparison",
    "plot_theme_frequencies",
    "size_coder_comparison",
    "size_theme_frequencies",
]


# --- theme frequencies -------------------------------------------------------------------
def size_theme_frequencies(data: pd.DataFrame, wrap: int = WRAP, **_: Any) -> tuple[float, float]:
    """Figure size (inches) for :func:`plot_theme_frequencies` of ``data``."""
    label_col = CODE_LABEL if CODE_LABEL in data.columns else THEME_LABEL
    lines = sum(wrap_label(x, wrap).count("\n") + 1 for x in data[label_col])
    n_themes = data[THEME].nunique()
    return (7.0, max(2.5, 0.28 * lines + 0.25 * len(data) + 0.3 * n_themes + 1.4))


def plot_theme_frequencies(
    data: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    ax: Axes | None = None,
    value: str = TURNS,
    wrap: int = WRAP,
    lang: str = DEFAULT_LANGUAGE,
    title: str | None = None,
    xlabel: str | None = None,
    legend_title: str | None = None,
    show_share: bool = True,
    **kwargs: Any,
) -> Axes:
    """Draw horizontal bars of coded turns per code, grouped by theme, in codebook order.

    Parameters
    ----------
    data : DataFrame
        :func:`qualcode.reports.code_frequencies` (``by=None``) or
        :func:`~qualcode.reports.theme_frequencies`: columns ``theme``, ``theme_label``,
        [``code``, ``code_label``], ``turns`` and ``share``.
    codebook : Codebook, optional
        Colours: a code's own colour, else its theme's (default: one palette colour per theme).
    ax : Axes, optional
        Where to draw (default: a new figure sized for the data).
    value : {"turns", "share"}
        Bar length: coded turns or share of participant turns.
    wrap : int, default 28
        Characters per line of the wrapped code labels.
    lang : {"en", "id"}
        Language of the default texts.
    title, xlabel, legend_title : str, optional
        Texts (default: in ``lang``; ``xlabel`` describes ``value``; ``""`` for none).
    show_share : bool, default True
        Write "n (p%)" at the end of each bar rather than just the value.
    **kwargs
        Passed to :meth:`Axes.barh`.

    Returns
    -------
    Axes
        Bars in codebook order (``ax.patches``), one legend entry per theme.
    """
    t = texts(lang)
    require_columns(data, (THEME, THEME_LABEL, value), "plot_theme_frequencies")
    if data.empty:
        msg = "plot_theme_frequencies: the frequency table is empty; nothing to draw"
        raise QualcodeError(msg)
    if ax is None:
        ax = new_axes(size_theme_frequencies(data, wrap))
    by_code = CODE_LABEL in data.columns
    label_col = CODE_LABEL if by_code else THEME_LABEL
    colors = (
        code_colors(data, codebook)
        if by_code
        else [theme_colors(data, codebook)[t] for t in data[THEME]]
    )
    # y positions: a gap between themes; first code at the top
    ys, y, prev = [], 0.0, None
    for theme in data[THEME]:
        if prev is not None and theme != prev:
            y += 0.6
        ys.append(y)
        y += 1.0
        prev = theme
    values = data[value].astype(float).to_numpy()
    bars = ax.barh(ys, values, color=colors, height=0.8, **kwargs)
    ax.set_yticks(ys, [wrap_label(x, wrap) for x in data[label_col]])
    ax.invert_yaxis()
    if value == SHARE:
        bar_texts = [f"{v:.0%}" for v in values]
    elif show_share and SHARE in data.columns:
        bar_texts = [
            f"{int(v)} ({s:.0%})" if pd.notna(s) else f"{int(v)}"
            for v, s in zip(values, data[SHARE], strict=True)
        ]
    else:
        bar_texts = [f"{v:g}" for v in values]
    ax.bar_label(bars, labels=bar_texts, padding=3, fontsize=9)
    top = float(np.nanmax(values)) if len(values) else 1.0
    ax.set_xlim(0, (top or 1.0) * 1.25)
    if value == SHARE:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(
        chart_text(xlabel, t["chart_xlabel_share"] if value == SHARE else t["chart_xlabel"])
    )
    ax.set_ylabel("")
    ax.set_title(chart_text(title, t["chart_title"]))
    if by_code:
        from matplotlib.patches import Patch

        # a theme's patch has the colour of its first bar, so the legend matches the bars
        first_color = dict(zip(data[THEME].tolist()[::-1], colors[::-1], strict=True))
        labels = data.drop_duplicates(THEME).set_index(THEME)[THEME_LABEL]
        handles = [
            Patch(color=first_color[th], label=str(labels[th]) or t["chart_other"])
            for th in labels.index
        ]
        legend = chart_text(legend_title, t["chart_legend"])
        ax.legend(handles=handles, title=legend or None, loc="best", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# --- coders ------------------------------------------------------------------------------
def size_coder_comparison(data: pd.DataFrame, wrap: int = WRAP, **_: Any) -> tuple[float, float]:
    """Figure size (inches) for :func:`plot_coder_comparison` of ``data``."""
    n_codes = data[CODE].nunique()
    n_coders = data[CODER].nunique()
    return (7.0, max(2.5, 1.4 + n_codes * (0.2 + 0.25 * n_coders)))


def plot_coder_comparison(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    wrap: int = WRAP,
    lang: str = DEFAULT_LANGUAGE,
    title: str | None = None,
    xlabel: str | None = None,
    legend_title: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw grouped horizontal bars: for each code, one bar per coder (people, rules, model).

    Parameters
    ----------
    data : DataFrame
        :func:`qualcode.reports.coder_counts`: ``code``, ``code_label``, ``coder``, ``turns``.
    ax : Axes, optional
        Where to draw (default: a new figure sized for the data).
    colors : mapping of coder to colour, optional
        Default: palette colours in order of the coders.
    wrap : int, default 28
        Characters per line of the code labels.
    lang : {"en", "id"}
        Language of the default texts.
    title, xlabel, legend_title : str, optional
        Texts (default: in ``lang``; ``""`` for none).
    **kwargs
        Passed to :meth:`Axes.barh`.

    Returns
    -------
    Axes
        One bar container per coder (``ax.containers``), in order of appearance.
    """
    t = texts(lang)
    require_columns(data, (CODE, CODE_LABEL, CODER, TURNS), "plot_coder_comparison")
    if ax is None:
        ax = new_axes(size_coder_comparison(data, wrap))
    codes = list(dict.fromkeys(data[CODE]))
    coders = list(dict.fromkeys(data[CODER]))
    colors = dict(colors or {})
    for i, coder in enumerate(coders):
        colors.setdefault(coder, PALETTE[i % len(PALETTE)])
    height = 0.8 / max(1, len(coders))
    labels = data.drop_duplicates(CODE).set_index(CODE)[CODE_LABEL]
    table = data.pivot_table(index=CODE, columns=CODER, values=TURNS, aggfunc="sum")
    table = table.reindex(index=codes, columns=coders).fillna(0)
    base = np.arange(len(codes), dtype=float)
    for i, coder in enumerate(coders):
        ys = base - 0.4 + height * (i + 0.5)
        vals = table[coder].to_numpy(dtype=float)
        bars = ax.barh(ys, vals, height=height, color=colors[coder], label=coder, **kwargs)
        ax.bar_label(bars, labels=[f"{v:g}" for v in vals], padding=2, fontsize=8)
    ax.set_yticks(base, [wrap_label(labels[c], wrap) for c in codes])
    ax.invert_yaxis()
    top = float(table.to_numpy().max(initial=0))
    ax.set_xlim(0, (top or 1.0) * 1.15)
    ax.set_xlabel(chart_text(xlabel, t["coder_xlabel"]))
    ax.set_title(chart_text(title, t["coder_title"]))
    legend = chart_text(legend_title, t["coder"])
    ax.legend(title=legend or None, loc="best", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
