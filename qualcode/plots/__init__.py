"""Charts for reports: theme frequencies, code x interview and co-occurrence heatmaps, coders.

Every chart follows seaborn: ``plot_x(data, *, ax=None, **kwargs) -> Axes``; ``data`` is a table
from :mod:`qualcode.reports`. Without ``ax`` a new pyplot figure sized for the data is made (so
charts show inline in Jupyter); :func:`render_chart` draws on a figure that pyplot never sees,
for files and reports. Nothing here calls ``plt.show()`` or changes the backend.

This is the only package of qualcode that imports pyplot, in one place
(:func:`qualcode.plots.common.new_axes`) and only inside that function: importing
:mod:`qualcode` or :mod:`qualcode.plots` does not. One module per job:
:mod:`~qualcode.plots.common` (palette, wrapping, colours), :mod:`~qualcode.plots.labels`
(tick labels that do not overlap), :mod:`~qualcode.plots.bars`, :mod:`~qualcode.plots.heatmaps`
and :mod:`~qualcode.plots.files` (saving and rendering).
"""

from __future__ import annotations

from qualcode.plots.bars import plot_coder_comparison, plot_theme_frequencies
from qualcode.plots.common import PALETTE, WRAP
from qualcode.plots.files import FIGURE_SUFFIXES, render_chart, save_figure
from qualcode.plots.heatmaps import plot_code_interview_heatmap, plot_cooccurrence
from qualcode.plots.labels import MAX_TICKS, short_names

__all__ = [
    "FIGURE_SUFFIXES",
    "MAX_TICKS",
    "PALETTE",
    "WRAP",
    "plot_code_interview_heatmap",
    "plot_coder_comparison",
    "plot_cooccurrence",
    "plot_theme_frequencies",
    "render_chart",
    "save_figure",
    "short_names",
]
