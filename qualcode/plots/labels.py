"""Tick labels that never overlap: measured in the chart's font, wrapped, thinned or turned."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from qualcode.plots.common import figure_of, wrap_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "MAX_TICKS",
    "fit_column_labels",
    "fit_row_labels",
    "font_size",
    "short_names",
    "text_width",
    "upright_labels",
]

#: at most this many labelled columns on a heatmap (100 interviews: every 3rd is labelled)
MAX_TICKS = 40


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


def text_width(text: str, size: float) -> float:
    """Width in points of the widest line of ``text`` in the default font at ``size``."""
    return max((_line_width(line, size) for line in text.split("\n")), default=0.0)


@functools.lru_cache(maxsize=4096)
def _line_width(line: str, size: float) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(size=size)
    return float(text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0])


def font_size(axis: str) -> float:
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
    root = figure_of(ax)
    width_in = ax.get_position().width * root.get_figwidth()
    if root.get_layout_engine() is not None:
        size = font_size("y")
        labels_in = max((text_width(lab, size) for lab in row_labels), default=0.0) / 72
        share = min(1.0, ax.get_position().width / 0.775)  # of the figure's width
        width_in = share * root.get_figwidth() - labels_in - 1.4  # ticks, colour bar, padding
    else:
        width_in *= 0.85
    return max(width_in, 0.5) * 72


def fit_column_labels(
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
    size = font_size("x")
    column = _axes_width_pt(ax, row_labels) / n
    longest = max(len(lab) for lab in labels)
    # a label needs at least a quarter of its one-line width: skip what cannot fit
    fits = max(text_width(lab, size) for lab in labels) / max_lines <= 0.9 * column
    for break_long in (False, True) if fits else ():  # whole words first
        for width in range(max(longest, 1), 5, -1):
            wrapped = [
                wrap_label(lab, width, break_long=break_long, at_slash=True) for lab in labels
            ]
            if max(w.count("\n") + 1 for w in wrapped) > max_lines:
                break
            if max(text_width(w, size) for w in wrapped) <= 0.9 * column:
                ax.set_xticks(range(n), wrapped, rotation=0, ha="center")
                return 1.2 * size * max(w.count("\n") + 1 for w in wrapped)
    upright = upright_labels(labels)
    lines = max(u.count("\n") + 1 for u in upright)
    step = max(1, -(-n // MAX_TICKS), int(np.ceil(1.25 * size * 1.2 * lines / column)))
    shown = [lab if i % step == 0 else "" for i, lab in enumerate(upright)]
    ax.set_xticks(range(n), shown, rotation=90, ha="center", va="top")
    return max(text_width(u, size) for u in shown)


def fit_row_labels(ax: Axes, labels: list[str], below_pt: float) -> None:
    """Put ``labels`` beside the rows; rows too low for them get fewer, longer lines, then
    one line ending in "…", and at worst only every n-th row is labelled (no overlap)."""
    n = len(labels)
    size = font_size("y")
    root = figure_of(ax)
    height_in = ax.get_position().height * root.get_figheight()
    if root.get_layout_engine() is not None:
        share = min(1.0, ax.get_position().height / 0.77)
        height_in = share * root.get_figheight() - below_pt / 72 - 0.9  # title, axis label
    row = max(height_in, 0.3) * 72 / max(n, 1)

    def fits(labs: list[str]) -> bool:
        return max((lab.count("\n") + 1 for lab in labs), default=1) * 1.25 * size <= row

    if not fits(labels):
        flat = [lab.replace("\n", " ") for lab in labels]
        labels = [wrap_label(lab, 45) for lab in flat]
        if not fits(labels):
            labels = [lab if len(lab) <= 40 else lab[:39].rstrip() + "…" for lab in flat]
    step = max(1, int(np.ceil(1.25 * size / row))) if not fits(labels) else 1
    ax.set_yticks(range(n), [lab if i % step == 0 else "" for i, lab in enumerate(labels)])


def upright_labels(labels: list[str]) -> list[str]:
    """Labels to turn upright: at most two lines of 30 characters (longer ones end in "…")."""
    out = []
    for lab in labels:
        lines = wrap_label(lab, 30, break_long=True).split("\n")
        out.append("\n".join(lines[:2]) + ("…" if len(lines) > 2 else ""))
    return out
