"""Heatmaps: codes against interviews, and codes against codes (co-occurrence)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.languages import DEFAULT_LANGUAGE, texts
from qualcode.plots.common import WRAP, chart_text, new_axes, wrap_label
from qualcode.plots.labels import (
    fit_column_labels,
    fit_row_labels,
    font_size,
    short_names,
    text_width,
    upright_labels,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_code_interview_heatmap", "plot_cooccurrence", "size_heatmap"]


def _labels_of(matrix: pd.DataFrame, codebook: Codebook | None) -> Mapping[str, str]:
    labels: dict[str, str] = dict(matrix.attrs.get("labels", {}))
    if codebook is not None:
        labels.update({c.name: c.display for c in codebook.codes})
    return labels


def size_heatmap(
    matrix: pd.DataFrame,
    wrap: int = WRAP,
    codebook: Codebook | None = None,
    col_labels: list[str] | None = None,
    **_: Any,
) -> tuple[float, float]:
    """Figure size: room for the row labels, the colour bar and columns wide enough for their
    labels on two lines (up to 12 inches); rows tall enough for their wrapped labels."""
    labels = _labels_of(matrix, codebook)
    rows = [wrap_label(labels.get(str(c), c), wrap) for c in matrix.index]
    if col_labels is None:
        col_labels = short_names([labels.get(str(c), str(c)) for c in matrix.columns])
    size = font_size("x")
    rows_in = max((text_width(r, size) for r in rows), default=0.0) / 72
    cols_in = [text_width(wrap_label(c, 16, break_long=True), size) / 72 for c in col_labels]
    n_cols = len(col_labels)
    widest = 1.2 if n_cols <= 5 else 0.95  # few columns: room for four lines of a long name
    col_in = min(widest, max(0.55, max(cols_in, default=0.0) + 0.15))
    width = rows_in + 1.6 + n_cols * col_in
    if width <= 12.0:  # horizontal labels, up to four lines
        lines = max(
            (wrap_label(c, 16, break_long=True).count("\n") + 1 for c in col_labels), default=1
        )
        labels_in = 0.2 * lines
    else:  # upright labels (see upright_labels)
        labels_in = max((text_width(u, size) for u in upright_labels(col_labels)), default=0.0) / 72
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
    below = fit_column_labels(ax, col_labels, row_labels)
    fit_row_labels(ax, row_labels, below)
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
    lang: str = DEFAULT_LANGUAGE,
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
        ax = new_axes(size_heatmap(matrix, wrap, codebook, names))
    labels = _labels_of(matrix, codebook)
    values = matrix.to_numpy(dtype=float)
    is_share = values.max(initial=0) <= 1.0 and not np.issubdtype(
        matrix.to_numpy().dtype, np.integer
    )
    _heatmap(
        values,
        ax=ax,
        row_labels=[wrap_label(labels.get(str(c), c), wrap) for c in matrix.index],
        col_labels=names,
        cmap=cmap,
        annotate=annotate,
        fmt=".0%" if is_share else "g",
        colorbar_label=chart_text(colorbar_label, t["cbar_share"] if is_share else t["cbar_turns"]),
        **kwargs,
    )
    ax.set_title(chart_text(title, t["heatmap_title"]))
    ax.set_xlabel(chart_text(xlabel, t["interview"]))
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
    lang: str = DEFAULT_LANGUAGE,
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
        ax = new_axes(size_heatmap(matrix, wrap, codebook, col_labels))
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
        row_labels=[wrap_label(labels.get(str(c), c), wrap) for c in matrix.index],
        col_labels=col_labels,
        cmap=cmap,
        annotate=annotate,
        fmt="g" if measure == "count" else ".2f",
        colorbar_label=chart_text(
            colorbar_label, t["cbar_both"] if measure == "count" else t["cbar_jaccard"]
        ),
        cell_texts=diagonal,
        **kwargs,
    )
    ax.set_title(chart_text(title, t["cooc_title"]))
    ax.set_xlabel(chart_text(xlabel, t["cooc_diagonal"] if is_count else ""))
    return ax
