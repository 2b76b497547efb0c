"""A second process that draws a report's charts while this one writes the rest.

Why: matplotlib draws on one core, and the charts of a report (each a 300 dpi PNG and an SVG)
are more than half of the time of coding the sample interviews and writing their report. With
:func:`chart_process` started before the coding, the second core imports matplotlib while this
process reads and codes the transcripts, then draws the charts while this one writes the tables
and the Word appendix.

The process is started with ``spawn`` (a fresh interpreter): forking a process that already runs
pyarrow's and the BLAS thread pools can deadlock the child. A chart the process cannot deliver
(it died, or a chart failed there) is drawn again in this process, which then reports any error
itself; the files are written atomically either way.
"""

from __future__ import annotations

import contextlib
import io
import logging
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor

logger = logging.getLogger(__name__)

#: set to ``0`` to draw every chart in the calling process
ENV_VAR = "QUALCODE_CHART_PROCESS"


@contextlib.contextmanager
def chart_process() -> Iterator[Executor | None]:
    """Start the chart process; yield an executor for ``write_outputs(..., executor=)``.

    Yields None (charts drawn in the calling process) on a machine with one core, when
    ``QUALCODE_CHART_PROCESS=0``, or when no process can be started. The process is stopped
    when the block ends.

    Examples
    --------
    >>> with chart_process() as executor:  # doctest: +SKIP
    ...     turns = read_turns(paths)  # matplotlib is imported meanwhile
    ...     write_outputs(turns, codings, codebook, "out", executor=executor)
    """
    if (os.cpu_count() or 1) < 2 or os.environ.get(ENV_VAR, "1") == "0":
        yield None
        return
    try:
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
        )
        pool.submit(int)  # the process starts on the first task: start it now
    except (OSError, RuntimeError) as err:  # no processes here (a sandbox, a frozen app)
        logger.info("charts drawn in this process: %s", err)
        yield None
        return
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _warm_up() -> None:
    """Import matplotlib and draw once (fonts loaded) before the first chart arrives."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    from matplotlib.figure import Figure

    import qualcode.plots  # noqa: F401

    fig = Figure(figsize=(2, 1), layout="constrained")
    ax = fig.add_subplot()
    ax.bar([0, 1], [1, 2])
    ax.set_title("Frekuensi tema")
    fig.savefig(io.BytesIO(), format="png", dpi=300)
    fig.savefig(io.BytesIO(), format="svg")


__all__ = ["ENV_VAR", "chart_process"]
