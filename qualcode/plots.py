"""Charts for reports: theme frequencies, code x interview and co-occurrence heatmaps, coders.

Every chart follows seaborn: ``plot_x(data, *, ax=None, **kwargs) -> Axes``; ``data`` is a table
from :mod:`qualcode.reports`. Without ``ax`` a new pyplot figure sized for the data is made (so
charts show inline in Jupyter); :func:`render_chart` draws on a figure that pyplot never sees,
for files and reports. Nothing here calls ``plt.show()`` or changes the backend.

This is the only module of qualcode that imports pyplot, and only inside functions: importing
:mod:`qualcode` or :mod:`qualcode.plots` does not.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.fileio import write_atomic
from qualcode.reports import CODE_LABEL, SHARE, THEME, THEME_LABEL, TURNS
from qualcode.schema import CODE, CODER

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: file types :func:`save_figure` writes, by extension
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
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
#: at most this many labelled columns on a heatmap (100 interviews: every 3rd is labelled)
MAX_TICKS = 40


def _wrap(label: object, width: int, *, break_long: bool = False) -> str:
    text = str(label)
    if break_long:  # ids such as "file/Narasumber 1": break after a slash, then anywhere
        text = text.replace("/", "/ ")
    return textwrap.fill(text, width=width, break_long_words=break_long) or str(label)


def _new_axes(figsize: tuple[float, float]) -> Axes:
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _require(data: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        msg = (
            f"{what} needs column(s) {', '.join(missing)}; got {', '.join(map(str, data.columns))}"
        )
        raise QualcodeError(msg)


def _colors(data: pd.DataFrame, codebook: Codebook | None) -> list[str]:
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


def _theme_colors(data: pd.DataFrame, codebook: Codebook | None) -> dict[str, str]:
    themes = list(dict.fromkeys(data[THEME]))
    colors = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(themes)}
    if codebook is not None:
        colors.update({t.name: t.color for t in codebook.themes if t.color})
    return colors


# --- theme frequencies -------------------------------------------------------------------
def _size_theme_frequencies(data: pd.DataFrame, wrap: int = WRAP) -> tuple[float, float]:
    label_col = CODE_LABEL if CODE_LABEL in data.columns else THEME_LABEL
    lines = sum(_wrap(x, wrap).count("\n") + 1 for x in data[label_col])
    n_themes = data[THEME].nunique()
    return (7.0, max(2.5, 0.28 * lines + 0.25 * len(data) + 0.3 * n_themes + 1.4))


def plot_theme_frequencies(
    data: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    ax: Axes | None = None,
    value: str = TURNS,
    wrap: int = WRAP,
    title: str | None = "Coded turns per code, grouped by theme",
    xlabel: str | None = None,
    legend_title: str | None = "Theme",
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
    title, xlabel, legend_title : str, optional
        Texts; ``xlabel`` defaults to a description of ``value``.
    show_share : bool, default True
        Write "n (p%)" at the end of each bar rather than just the value.
    **kwargs
        Passed to :meth:`Axes.barh`.

    Returns
    -------
    Axes
        Bars in codebook order (``ax.patches``), one legend entry per theme.
    """
    _require(data, (THEME, THEME_LABEL, value), "plot_theme_frequencies")
    if data.empty:
        msg = "plot_theme_frequencies: the frequency table is empty; nothing to draw"
        raise QualcodeError(msg)
    if ax is None:
        ax = _new_axes(_size_theme_frequencies(data, wrap))
    by_code = CODE_LABEL in data.columns
    label_col = CODE_LABEL if by_code else THEME_LABEL
    colors = (
        _colors(data, codebook)
        if by_code
        else [_theme_colors(data, codebook)[t] for t in data[THEME]]
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
    ax.set_yticks(ys, [_wrap(x, wrap) for x in data[label_col]])
    ax.invert_yaxis()
    if value == SHARE:
        texts = [f"{v:.0%}" for v in values]
    elif show_share and SHARE in data.columns:
        texts = [
            f"{int(v)} ({s:.0%})" if pd.notna(s) else f"{int(v)}"
            for v, s in zip(values, data[SHARE], strict=True)
        ]
    else:
        texts = [f"{v:g}" for v in values]
    ax.bar_label(bars, labels=texts, padding=3, fontsize=9)
    top = float(np.nanmax(values)) if len(values) else 1.0
    ax.set_xlim(0, (top or 1.0) * 1.25)
    if value == SHARE:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    if xlabel is None:
        xlabel = "Share of participant turns" if value == SHARE else "Participant turns coded"
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    if by_code:
        from matplotlib.patches import Patch

        theme_colors = _theme_colors(data, codebook)
        labels = data.drop_duplicates(THEME).set_index(THEME)[THEME_LABEL]
        handles = [
            Patch(color=theme_colors[t], label=str(labels[t]) or "(other)") for t in labels.index
        ]
        ax.legend(handles=handles, title=legend_title, loc="lower right", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# --- heatmaps ----------------------------------------------------------------------------
def _labels_of(matrix: pd.DataFrame, codebook: Codebook | None) -> Mapping[str, str]:
    labels: dict[str, str] = dict(matrix.attrs.get("labels", {}))
    if codebook is not None:
        labels.update({c.name: c.display for c in codebook.codes})
    return labels


def _size_heatmap(matrix: pd.DataFrame, wrap: int = WRAP) -> tuple[float, float]:
    n_rows, n_cols = matrix.shape
    width = min(12.0, 3.5 + 0.7 * n_cols)
    return (width, max(2.5, min(14.0, 1.8 + 0.55 * n_rows)))


def _heatmap(
    matrix: pd.DataFrame,
    *,
    ax: Axes,
    row_labels: list[str],
    col_labels: list[str],
    cmap: str,
    annotate: bool | None,
    fmt: str,
    colorbar_label: str,
    **kwargs: Any,
) -> Axes:
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, aspect="auto", **kwargs)
    step = max(1, -(-len(col_labels) // MAX_TICKS))  # label every step-th column when many
    col_labels = [lab if i % step == 0 else "" for i, lab in enumerate(col_labels)]
    ax.set_xticks(
        range(len(col_labels)),
        col_labels,
        rotation=45 if len(col_labels) > 4 else 0,
        ha="right" if len(col_labels) > 4 else "center",
    )
    ax.set_yticks(range(len(row_labels)), row_labels)
    if annotate is None:
        annotate = values.size <= 400
    if annotate and values.size:
        finite = values[np.isfinite(values)]
        top = float(kwargs.get("vmax", finite.max())) if finite.size else 0.0
        mid = (top + finite.min()) / 2 if finite.size else 0.0
        for (i, j), v in np.ndenumerate(values):
            text = "–" if not np.isfinite(v) else format(v, fmt)
            color = "white" if np.isfinite(v) and v > mid and finite.max() > 0 else "black"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=9)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label, shrink=0.8)
    return ax


def plot_code_interview_heatmap(
    matrix: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    ax: Axes | None = None,
    cmap: str = "Blues",
    annotate: bool | None = None,
    wrap: int = WRAP,
    title: str | None = "Coded turns per code and interview",
    xlabel: str | None = "Interview",
    colorbar_label: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw a heatmap of codes (rows) against interviews (columns).

    Parameters
    ----------
    matrix : DataFrame
        :func:`qualcode.reports.code_interview_matrix` (counts or shares).
    codebook : Codebook, optional
        Code labels (default: ``matrix.attrs["labels"]``, else the code names).
    annotate : bool, optional
        Write the value in each cell (default: when there are at most 400 cells).
    title, xlabel, colorbar_label : str, optional
        Texts.
    **kwargs
        Passed to :meth:`Axes.imshow`.

    Returns
    -------
    Axes
        The image is ``ax.images[0]``; the cell texts are ``ax.texts``.
    """
    if ax is None:
        ax = _new_axes(_size_heatmap(matrix, wrap))
    labels = _labels_of(matrix, codebook)
    is_share = matrix.to_numpy(dtype=float).max(initial=0) <= 1.0 and not np.issubdtype(
        matrix.to_numpy().dtype, np.integer
    )
    _heatmap(
        matrix,
        ax=ax,
        row_labels=[_wrap(labels.get(str(c), c), wrap) for c in matrix.index],
        col_labels=[_wrap(c, 16, break_long=True) for c in matrix.columns],
        cmap=cmap,
        annotate=annotate,
        fmt=".0%" if is_share else "g",
        colorbar_label=colorbar_label
        or ("Share of participant turns" if is_share else "Coded turns"),
        **kwargs,
    )
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    return ax


def plot_cooccurrence(
    matrix: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    ax: Axes | None = None,
    cmap: str = "Purples",
    annotate: bool | None = None,
    wrap: int = WRAP,
    title: str | None = "Codes given to the same turn",
    colorbar_label: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw a code x code co-occurrence heatmap.

    Parameters
    ----------
    matrix : DataFrame
        :func:`qualcode.reports.cooccurrence_matrix` (counts: the diagonal is the turns with
        the code; or Jaccard indices).
    codebook, annotate, wrap, title, colorbar_label, **kwargs
        As in :func:`plot_code_interview_heatmap`.

    Returns
    -------
    Axes
    """
    if ax is None:
        ax = _new_axes(_size_heatmap(matrix, wrap))
    labels = _labels_of(matrix, codebook)
    is_count = np.issubdtype(matrix.to_numpy().dtype, np.integer)
    names = [_wrap(labels.get(str(c), c), wrap) for c in matrix.index]
    values = matrix.to_numpy(dtype=float)
    off_diagonal = values[~np.eye(*values.shape, dtype=bool)] if values.size else values
    finite = off_diagonal[np.isfinite(off_diagonal)]
    if "vmax" not in kwargs and finite.size and finite.max() > 0:
        kwargs["vmax"] = finite.max()  # colours show the pairs; the diagonal saturates
    _heatmap(
        matrix,
        ax=ax,
        row_labels=names,
        col_labels=[_wrap(labels.get(str(c), c), 14) for c in matrix.columns],
        cmap=cmap,
        annotate=annotate,
        fmt="g" if is_count else ".2f",
        colorbar_label=colorbar_label or ("Turns with both codes" if is_count else "Jaccard index"),
        **kwargs,
    )
    if title:
        ax.set_title(title)
    return ax


# --- coders ------------------------------------------------------------------------------
def _size_coder_comparison(data: pd.DataFrame, wrap: int = WRAP) -> tuple[float, float]:
    n_codes = data[CODE].nunique()
    n_coders = data[CODER].nunique()
    return (7.0, max(2.5, 1.6 + n_codes * (0.3 + 0.28 * n_coders)))


def plot_coder_comparison(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    wrap: int = WRAP,
    title: str | None = "Coded turns per code, by coder",
    xlabel: str | None = "Turns coded",
    legend_title: str | None = "Coder",
    **kwargs: Any,
) -> Axes:
    """Draw grouped horizontal bars: for each code, one bar per coder (people, rules, model).

    Parameters
    ----------
    data : DataFrame
        :func:`qualcode.reports.coder_counts`: ``code``, ``code_label``, ``coder``, ``turns``.
    colors : mapping of coder to colour, optional
        Default: palette colours in order of the coders.
    **kwargs
        Passed to :meth:`Axes.barh`.

    Returns
    -------
    Axes
        One bar container per coder (``ax.containers``), in order of appearance.
    """
    _require(data, (CODE, CODE_LABEL, CODER, TURNS), "plot_coder_comparison")
    if ax is None:
        ax = _new_axes(_size_coder_comparison(data, wrap))
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
    ax.set_yticks(base, [_wrap(labels[c], wrap) for c in codes])
    ax.invert_yaxis()
    top = float(table.to_numpy().max(initial=0))
    ax.set_xlim(0, (top or 1.0) * 1.15)
    if xlabel:
        ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    ax.legend(title=legend_title, loc="lower right", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# --- saving ------------------------------------------------------------------------------
_SIZES: dict[str, Callable[..., tuple[float, float]]] = {
    "plot_theme_frequencies": _size_theme_frequencies,
    "plot_code_interview_heatmap": _size_heatmap,
    "plot_cooccurrence": _size_heatmap,
    "plot_coder_comparison": _size_coder_comparison,
}


def _figure_of(ax_or_fig: Any) -> Figure:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    fig = ax_or_fig.figure if isinstance(ax_or_fig, Axes) else ax_or_fig
    while isinstance(fig, SubFigure):
        fig = fig.figure
    if not isinstance(fig, Figure):
        msg = f"expected a matplotlib Axes or Figure, got {type(ax_or_fig).__name__}"
        raise QualcodeError(msg)
    return fig


def _save_kwargs(fig: Figure, fmt: str, dpi: int) -> dict[str, Any]:
    """Options of savefig: no timestamps (same chart, same file); trim margins unless the
    figure already lays itself out (constrained layout), which saves a second draw."""
    kwargs: dict[str, Any] = {}
    if fig.get_layout_engine() is None:
        kwargs["bbox_inches"] = "tight"
    if fmt == "png":
        kwargs.update(dpi=dpi, metadata={"Software": None})
    elif fmt == "svg":
        kwargs["metadata"] = {"Date": None}
    else:
        kwargs["metadata"] = {"CreationDate": None}
    return kwargs


def save_figure(ax_or_fig: Any, path: str | Path, *, dpi: int = 300) -> Path:
    """Save a chart as PNG (``dpi``, default 300), SVG or PDF, chosen by the file extension.

    Parameters
    ----------
    ax_or_fig : Axes or Figure
        The chart.
    path : str or Path
        Output file ending in .png, .svg or .pdf; folders are created.
    dpi : int, default 300
        Resolution of PNG files.

    Returns
    -------
    Path
        The file written.
    """
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if p.suffix.lower() not in FIGURE_SUFFIXES:
        msg = (
            f"cannot save a chart as {p.suffix or 'a file without extension'!r}; "
            f"expected one of {', '.join(FIGURE_SUFFIXES)}"
        )
        raise QualcodeError(msg)
    fig = _figure_of(ax_or_fig)
    write_atomic(p, lambda tmp: fig.savefig(tmp, format=fmt, **_save_kwargs(fig, fmt, dpi)))
    return p


def render_chart(
    plot: Callable[..., Axes],
    data: pd.DataFrame,
    *,
    paths: list[Path] | tuple[Path, ...] = (),
    format: str | None = None,
    dpi: int = 300,
    **kwargs: Any,
) -> bytes | None:
    """Draw ``plot(data, **kwargs)`` on a figure outside pyplot and save or return it.

    Parameters
    ----------
    plot : callable
        One of the ``plot_*`` functions of this module.
    data : DataFrame
        Its data.
    paths : list of Path
        Files to write (PNG/SVG/PDF by extension).
    format : {"png", "svg", "pdf"}, optional
        Also return the chart in this format as bytes.
    dpi : int, default 300
        PNG resolution.

    Returns
    -------
    bytes or None
        The chart in ``format``, if asked for.
    """
    from matplotlib.figure import Figure

    sizer = _SIZES.get(getattr(plot, "__name__", ""))
    figsize = sizer(data) if sizer is not None else (7.0, 4.5)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    plot(data, ax=ax, **kwargs)
    written = [save_figure(fig, path, dpi=dpi) for path in paths]
    if format is None:
        return None
    for path in written:  # reuse a file of that type rather than drawing again
        if path.suffix.lower() == f".{format}":
            return path.read_bytes()
    buf = io.BytesIO()
    fig.savefig(buf, format=format, **_save_kwargs(fig, format, dpi))
    return buf.getvalue()
