"""Charts for reports: theme frequencies, code x interview and co-occurrence heatmaps, coders.

Every chart follows seaborn: ``plot_x(data, *, ax=None, **kwargs) -> Axes``; ``data`` is a table
from :mod:`qualcode.reports`. Without ``ax`` a new pyplot figure sized for the data is made (so
charts show inline in Jupyter); :func:`render_chart` draws on a figure that pyplot never sees,
for files and reports. Nothing here calls ``plt.show()`` or changes the backend.

This is the only module of qualcode that imports pyplot, and only inside functions: importing
:mod:`qualcode` or :mod:`qualcode.plots` does not.
"""

from __future__ import annotations

import functools
import io
import textwrap
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.exchange._i18n import texts
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


def _wrap(label: object, width: int, *, break_long: bool = False, at_slash: bool = False) -> str:
    """Wrap at spaces; ``at_slash`` also after a slash, ``break_long`` anywhere (and at a slash)."""
    text = str(label)
    slash = at_slash or break_long  # ids such as "file/Narasumber 1"
    if slash:
        text = text.replace("/", "/ ")
    out = textwrap.fill(text, width=width, break_long_words=break_long) or str(label)
    return out.replace("/ ", "/") if slash else out


def _text(given: str | None, default: str) -> str:
    """A chart text: the one given (``""`` for none), else the default in the chart's language."""
    return default if given is None else given


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
def _size_theme_frequencies(data: pd.DataFrame, wrap: int = WRAP, **_: Any) -> tuple[float, float]:
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
    lang: str = "en",
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
    ax.set_xlabel(_text(xlabel, t["chart_xlabel_share"] if value == SHARE else t["chart_xlabel"]))
    ax.set_ylabel("")
    ax.set_title(_text(title, t["chart_title"]))
    if by_code:
        from matplotlib.patches import Patch

        # a theme's patch has the colour of its first bar, so the legend matches the bars
        first_color = dict(zip(data[THEME].tolist()[::-1], colors[::-1], strict=True))
        labels = data.drop_duplicates(THEME).set_index(THEME)[THEME_LABEL]
        handles = [
            Patch(color=first_color[th], label=str(labels[th]) or t["chart_other"])
            for th in labels.index
        ]
        legend = _text(legend_title, t["chart_legend"])
        ax.legend(handles=handles, title=legend or None, loc="best", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# --- heatmaps ----------------------------------------------------------------------------
def _labels_of(matrix: pd.DataFrame, codebook: Codebook | None) -> Mapping[str, str]:
    labels: dict[str, str] = dict(matrix.attrs.get("labels", {}))
    if codebook is not None:
        labels.update({c.name: c.display for c in codebook.codes})
    return labels


def short_names(names: Sequence[object]) -> list[str]:
    """Drop the folder part all names share (``magnus_interviews/Narasumber 1``: ``Narasumber 1``).

    Only a prefix ending in ``/`` or ``\\`` is dropped, and only when no name becomes empty.

    Examples
    --------
    >>> short_names(["a/b/Narasumber 1", "a/b/Narasumber 2"])
    ['Narasumber 1', 'Narasumber 2']
    >>> short_names(["Narasumber 1", "Narasumber 2"])
    ['Narasumber 1', 'Narasumber 2']
    """
    text = [str(n) for n in names]
    if not text:
        return text
    prefix = text[0]
    for other in text[1:]:
        while not other.startswith(prefix):
            prefix = prefix[:-1]
    cut = max(prefix.rfind("/"), prefix.rfind("\\")) + 1
    if cut and all(len(t) > cut for t in text):
        return [t[cut:] for t in text]
    return text


def _text_width(text: str, size: float) -> float:
    """Width in points of the widest line of ``text`` in the default font at ``size``."""
    return max((_line_width(line, size) for line in text.split("\n")), default=0.0)


@functools.lru_cache(maxsize=4096)
def _line_width(line: str, size: float) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(size=size)
    return float(text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0])


def _font_size(axis: str) -> float:
    """Tick label size in points of the ``"x"`` or ``"y"`` axis (rcParams)."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    size = rcParams["xtick.labelsize"] if axis == "x" else rcParams["ytick.labelsize"]
    return float(FontProperties(size=size).get_size_in_points())


def _axes_width_pt(ax: Axes, row_labels: list[str]) -> float:
    """The width the heatmap will have once laid out (points), estimated before drawing.

    With constrained layout the figure keeps room for the row labels and the colour bar; else
    the colour bar takes 15% of the axes (matplotlib's default fraction).
    """
    root = _figure_of(ax)
    width_in = ax.get_position().width * root.get_figwidth()
    if root.get_layout_engine() is not None:
        size = _font_size("y")
        labels_in = max((_text_width(lab, size) for lab in row_labels), default=0.0) / 72
        share = min(1.0, ax.get_position().width / 0.775)  # of the figure's width
        width_in = share * root.get_figwidth() - labels_in - 1.4  # ticks, colour bar, padding
    else:
        width_in *= 0.85
    return max(width_in, 0.5) * 72


def _fit_column_labels(
    ax: Axes, labels: list[str], row_labels: list[str], *, max_lines: int = 4
) -> float:
    """Put ``labels`` under the columns so that no two labels overlap.

    Horizontal labels wrapped to the column width when they fit in ``max_lines`` lines;
    otherwise turned upright (90 degrees, one or two lines) and, when the columns are narrower
    than a label is tall, only every n-th column is labelled.

    Returns the height the labels take (points).
    """
    n = len(labels)
    ax.set_xticks(range(n))
    if not n:
        return 0.0
    size = _font_size("x")
    column = _axes_width_pt(ax, row_labels) / n
    longest = max(len(lab) for lab in labels)
    # a label needs at least a quarter of its one-line width: skip what cannot fit
    fits = max(_text_width(lab, size) for lab in labels) / max_lines <= 0.9 * column
    for break_long in (False, True) if fits else ():  # whole words first
        for width in range(max(longest, 1), 5, -1):
            wrapped = [_wrap(lab, width, break_long=break_long, at_slash=True) for lab in labels]
            if max(w.count("\n") + 1 for w in wrapped) > max_lines:
                break
            if max(_text_width(w, size) for w in wrapped) <= 0.9 * column:
                ax.set_xticks(range(n), wrapped, rotation=0, ha="center")
                return 1.2 * size * max(w.count("\n") + 1 for w in wrapped)
    upright = _upright(labels)
    lines = max(u.count("\n") + 1 for u in upright)
    step = max(1, -(-n // MAX_TICKS), int(np.ceil(1.25 * size * 1.2 * lines / column)))
    shown = [lab if i % step == 0 else "" for i, lab in enumerate(upright)]
    ax.set_xticks(range(n), shown, rotation=90, ha="center", va="top")
    return max(_text_width(u, size) for u in shown)


def _fit_row_labels(ax: Axes, labels: list[str], below_pt: float) -> None:
    """Put ``labels`` beside the rows; rows too low for them get fewer, longer lines, then
    one line ending in "…", and at worst only every n-th row is labelled (no overlap)."""
    n = len(labels)
    size = _font_size("y")
    root = _figure_of(ax)
    height_in = ax.get_position().height * root.get_figheight()
    if root.get_layout_engine() is not None:
        share = min(1.0, ax.get_position().height / 0.77)
        height_in = share * root.get_figheight() - below_pt / 72 - 0.9  # title, axis label
    row = max(height_in, 0.3) * 72 / max(n, 1)

    def fits(labs: list[str]) -> bool:
        return max((lab.count("\n") + 1 for lab in labs), default=1) * 1.25 * size <= row

    if not fits(labels):
        flat = [lab.replace("\n", " ") for lab in labels]
        labels = [_wrap(lab, 45) for lab in flat]
        if not fits(labels):
            labels = [lab if len(lab) <= 40 else lab[:39].rstrip() + "…" for lab in flat]
    step = max(1, int(np.ceil(1.25 * size / row))) if not fits(labels) else 1
    ax.set_yticks(range(n), [lab if i % step == 0 else "" for i, lab in enumerate(labels)])


def _upright(labels: list[str]) -> list[str]:
    """Labels to turn upright: at most two lines of 30 characters (longer ones end in "…")."""
    out = []
    for lab in labels:
        lines = _wrap(lab, 30, break_long=True).split("\n")
        out.append("\n".join(lines[:2]) + ("…" if len(lines) > 2 else ""))
    return out


def _size_heatmap(
    matrix: pd.DataFrame,
    wrap: int = WRAP,
    codebook: Codebook | None = None,
    col_labels: list[str] | None = None,
    **_: Any,
) -> tuple[float, float]:
    """Figure size: room for the row labels, the colour bar and columns wide enough for their
    labels on two lines (up to 12 inches); rows tall enough for their wrapped labels."""
    labels = _labels_of(matrix, codebook)
    rows = [_wrap(labels.get(str(c), c), wrap) for c in matrix.index]
    if col_labels is None:
        col_labels = short_names([labels.get(str(c), str(c)) for c in matrix.columns])
    size = _font_size("x")
    rows_in = max((_text_width(r, size) for r in rows), default=0.0) / 72
    cols_in = [_text_width(_wrap(c, 16, break_long=True), size) / 72 for c in col_labels]
    n_cols = len(col_labels)
    widest = 1.2 if n_cols <= 5 else 0.95  # few columns: room for four lines of a long name
    col_in = min(widest, max(0.55, max(cols_in, default=0.0) + 0.15))
    width = rows_in + 1.6 + n_cols * col_in
    if width <= 12.0:  # horizontal labels, up to four lines
        lines = max((_wrap(c, 16, break_long=True).count("\n") + 1 for c in col_labels), default=1)
        labels_in = 0.2 * lines
    else:  # upright labels (see _upright)
        labels_in = max((_text_width(u, size) for u in _upright(col_labels)), default=0.0) / 72
    row_in = max((max(0.5, 0.17 * (r.count("\n") + 1) + 0.13) for r in rows), default=0.5)
    height = 1.0 + len(rows) * row_in + labels_in  # all rows equal; title, axis label
    return (max(4.5, min(12.0, width)), max(2.5, min(14.0, height)))


def _heatmap(
    values: np.ndarray,
    *,
    ax: Axes,
    row_labels: list[str],
    col_labels: list[str],
    cmap: str,
    annotate: bool | None,
    fmt: str,
    colorbar_label: str,
    cell_texts: dict[tuple[int, int], str] | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw ``values`` (NaN cells grey, written "–"); ``cell_texts`` overrides cell texts."""
    import matplotlib

    colormap = matplotlib.colormaps[cmap].with_extremes(bad="#e6e6e6")
    # "none": an SVG/PDF gets the cells as they are (one pixel each, scaled by the viewer)
    # instead of an image resampled to the page; a PNG is drawn as with "nearest"
    kwargs.setdefault("interpolation", "none")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=colormap, aspect="auto", **kwargs)
    below = _fit_column_labels(ax, col_labels, row_labels)
    _fit_row_labels(ax, row_labels, below)
    cell_texts = cell_texts or {}
    if annotate is None:
        annotate = values.size <= 400
    if annotate and values.size:
        finite = values[np.isfinite(values)]
        low = float(kwargs.get("vmin", finite.min())) if finite.size else 0.0
        top = float(kwargs.get("vmax", finite.max())) if finite.size else 0.0
        mid = (top + low) / 2
        for (i, j), v in np.ndenumerate(values):
            text = cell_texts.get((i, j), "–" if not np.isfinite(v) else format(v, fmt))
            dark = np.isfinite(v) and v > mid and top > low
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                color="white" if dark else ("#555555" if not np.isfinite(v) else "black"),
                fontsize=9,
            )
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
    lang: str = "en",
    title: str | None = None,
    xlabel: str | None = None,
    colorbar_label: str | None = None,
    shorten: bool = True,
    **kwargs: Any,
) -> Axes:
    """Draw a heatmap of codes (rows) against interviews (columns).

    Interview names lose the folder they share (``magnus_interviews/``) and are wrapped, or
    turned upright and thinned out when there are many: labels never overlap.

    Parameters
    ----------
    matrix : DataFrame
        :func:`qualcode.reports.code_interview_matrix` (counts or shares).
    codebook : Codebook, optional
        Code labels (default: ``matrix.attrs["labels"]``, else the code names).
    ax : Axes, optional
        Where to draw (default: a new figure sized for the data).
    annotate : bool, optional
        Write the value in each cell (default: when there are at most 400 cells).
    wrap : int, default 28
        Characters per line of the code labels.
    lang : {"en", "id"}
        Language of the default texts.
    title, xlabel, colorbar_label : str, optional
        Texts (default: in ``lang``; ``""`` for none).
    shorten : bool, default True
        Drop the common folder prefix of the interview names.
    **kwargs
        Passed to :meth:`Axes.imshow`.

    Returns
    -------
    Axes
        The image is ``ax.images[0]``; the cell texts are ``ax.texts``.
    """
    t = texts(lang)
    names = short_names(list(matrix.columns)) if shorten else [str(c) for c in matrix.columns]
    if ax is None:
        ax = _new_axes(_size_heatmap(matrix, wrap, codebook, names))
    labels = _labels_of(matrix, codebook)
    values = matrix.to_numpy(dtype=float)
    is_share = values.max(initial=0) <= 1.0 and not np.issubdtype(
        matrix.to_numpy().dtype, np.integer
    )
    _heatmap(
        values,
        ax=ax,
        row_labels=[_wrap(labels.get(str(c), c), wrap) for c in matrix.index],
        col_labels=names,
        cmap=cmap,
        annotate=annotate,
        fmt=".0%" if is_share else "g",
        colorbar_label=_text(colorbar_label, t["cbar_share"] if is_share else t["cbar_turns"]),
        **kwargs,
    )
    ax.set_title(_text(title, t["heatmap_title"]))
    ax.set_xlabel(_text(xlabel, t["interview"]))
    return ax


def _jaccard(counts: np.ndarray) -> np.ndarray:
    diag = np.diag(counts)
    either = diag[:, None] + diag[None, :] - counts
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(either > 0, counts / np.where(either > 0, either, 1), np.nan)


def plot_cooccurrence(
    matrix: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    ax: Axes | None = None,
    measure: str | None = None,
    cmap: str = "Purples",
    annotate: bool | None = None,
    wrap: int = WRAP,
    lang: str = "en",
    title: str | None = None,
    xlabel: str | None = None,
    colorbar_label: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw a code x code co-occurrence heatmap; the pairs set the colour scale.

    The diagonal (a code with itself) is grey and not coloured, so that it does not wash
    out the pairs; for counts it shows the turns with the code in brackets.

    Parameters
    ----------
    matrix : DataFrame
        :func:`qualcode.reports.cooccurrence_matrix`: counts (the diagonal is the turns with
        the code) or Jaccard indices.
    measure : {"count", "jaccard"}, optional
        What the colours show (default: what ``matrix`` holds). ``"jaccard"`` on a count
        matrix computes both / either from it.
    codebook, ax, annotate, wrap, lang
        As in :func:`plot_code_interview_heatmap`.
    title, xlabel, colorbar_label : str, optional
        Texts (default: in ``lang``; the x label explains the diagonal; ``""`` for none).
    **kwargs
        Passed to :meth:`Axes.imshow`.

    Returns
    -------
    Axes
        The image is ``ax.images[0]`` (the diagonal masked); the cell texts are ``ax.texts``.

    Raises
    ------
    QualcodeError
        For an unknown measure, or ``"count"`` asked of a Jaccard matrix.
    """
    t = texts(lang)
    is_count = bool(np.issubdtype(matrix.to_numpy().dtype, np.integer))
    if measure is None:
        measure = "count" if is_count else "jaccard"
    if measure not in ("count", "jaccard"):
        msg = f"unknown measure {measure!r}; expected 'count' or 'jaccard'"
        raise QualcodeError(msg)
    if measure == "count" and not is_count:
        msg = (
            "plot_cooccurrence: measure='count' needs a count matrix, got Jaccard indices; "
            "build it with cooccurrence_matrix(..., measure='count')"
        )
        raise QualcodeError(msg)
    labels = _labels_of(matrix, codebook)
    col_labels = [str(labels.get(str(c), c)) for c in matrix.columns]
    if ax is None:
        ax = _new_axes(_size_heatmap(matrix, wrap, codebook, col_labels))
    counts = matrix.to_numpy(dtype=float)
    values = _jaccard(counts) if is_count and measure == "jaccard" else counts.copy()
    n = min(values.shape) if values.ndim == 2 else 0
    diagonal: dict[tuple[int, int], str] = {}
    for i in range(n):
        diagonal[(i, i)] = f"({counts[i, i]:g})" if is_count else ""
        values[i, i] = np.nan
    _heatmap(
        values,
        ax=ax,
        row_labels=[_wrap(labels.get(str(c), c), wrap) for c in matrix.index],
        col_labels=col_labels,
        cmap=cmap,
        annotate=annotate,
        fmt="g" if measure == "count" else ".2f",
        colorbar_label=_text(
            colorbar_label, t["cbar_both"] if measure == "count" else t["cbar_jaccard"]
        ),
        cell_texts=diagonal,
        **kwargs,
    )
    ax.set_title(_text(title, t["cooc_title"]))
    ax.set_xlabel(_text(xlabel, t["cooc_diagonal"] if is_count else ""))
    return ax


# --- coders ------------------------------------------------------------------------------
def _size_coder_comparison(data: pd.DataFrame, wrap: int = WRAP, **_: Any) -> tuple[float, float]:
    n_codes = data[CODE].nunique()
    n_coders = data[CODER].nunique()
    return (7.0, max(2.5, 1.4 + n_codes * (0.2 + 0.25 * n_coders)))


def plot_coder_comparison(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    wrap: int = WRAP,
    lang: str = "en",
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
    ax.set_xlabel(_text(xlabel, t["coder_xlabel"]))
    ax.set_title(_text(title, t["coder_title"]))
    legend = _text(legend_title, t["coder"])
    ax.legend(title=legend or None, loc="best", fontsize=9)
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


#: figures laid out once by :func:`_freeze_layout`: saved as they are (no engine, no trimming)
_LAID_OUT: weakref.WeakSet[Figure] = weakref.WeakSet()


def _save_kwargs(fig: Figure, fmt: str, dpi: int) -> dict[str, Any]:
    """Options of savefig: no timestamps (same chart, same file); trim margins unless the
    figure lays itself out (constrained layout, or laid out by :func:`_freeze_layout`)."""
    kwargs: dict[str, Any] = {}
    if fig.get_layout_engine() is None and fig not in _LAID_OUT:
        kwargs["bbox_inches"] = "tight"
    if fmt == "png":
        # zlib level 1: a third of the time of the default 6, files about a third larger
        kwargs.update(dpi=dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    elif fmt == "svg":
        kwargs["metadata"] = {"Date": None}
    else:
        kwargs["metadata"] = {"CreationDate": None}
    return kwargs


def _savefig(fig: Figure, target: Any, fmt: str, dpi: int) -> None:
    """``fig.savefig`` with fixed SVG element ids (matplotlib salts them with a random uuid
    per process: the same chart gives the same file, in any process) and SVG text kept as
    text: searchable and selectable in the HTML report, editable in Inkscape or Illustrator,
    and a third of the size and half the time of text drawn as glyph outlines. The font is
    DejaVu Sans with the usual sans-serif fallbacks, positioned by anchor (centred labels stay
    centred, right-aligned ones right-aligned, in whatever font the viewer has)."""
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "qualcode", "svg.fonttype": "none"}):
        fig.savefig(target, format=fmt, **_save_kwargs(fig, fmt, dpi))


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
    write_atomic(p, lambda tmp: _savefig(fig, tmp, fmt, dpi))
    return p


def _freeze_layout(fig: Figure) -> None:
    """Lay ``fig`` out once, at its own dpi, and keep that layout for every file saved.

    A figure with a layout engine is drawn twice by each ``savefig``: once to lay it out (at
    the file's dpi: a heatmap's image is resampled to 300 dpi for nothing) and once for real.
    Laid out here and left without an engine, each file is drawn once: a third less time.
    """
    import matplotlib

    fig.draw_without_rendering()
    # None means "the rcParams' engine": with these two off it means no engine at all
    with matplotlib.rc_context(
        {"figure.autolayout": False, "figure.constrained_layout.use": False}
    ):
        fig.set_layout_engine(None)
    _LAID_OUT.add(fig)


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
    figsize = sizer(data, **kwargs) if sizer is not None else (7.0, 4.5)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    plot(data, ax=ax, **kwargs)
    _freeze_layout(fig)
    written = [save_figure(fig, path, dpi=dpi) for path in paths]
    if format is None:
        return None
    for path in written:  # reuse a file of that type rather than drawing again
        if path.suffix.lower() == f".{format}":
            return path.read_bytes()
    buf = io.BytesIO()
    _savefig(fig, buf, format, dpi)
    return buf.getvalue()
