"""Charts to files: PNG, SVG or PDF, the same chart giving the same bytes, drawn outside pyplot."""

from __future__ import annotations

import io
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.fileio import write_atomic
from qualcode.plots.bars import size_coder_comparison, size_theme_frequencies
from qualcode.plots.common import figure_of
from qualcode.plots.heatmaps import size_heatmap

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["FIGURE_SUFFIXES", "render_chart", "save_figure"]

#: file types :func:`save_figure` writes, by extension
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


#: the figure size of each chart, from its data and options (see :func:`render_chart`)
_SIZES: dict[str, Callable[..., tuple[float, float]]] = {
    "plot_theme_frequencies": size_theme_frequencies,
    "plot_code_interview_heatmap": size_heatmap,
    "plot_cooccurrence": size_heatmap,
    "plot_coder_comparison": size_coder_comparison,
}


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
    fig = figure_of(ax_or_fig)
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
