"""The report's charts: which ones there are, and drawing them here or in a second process.

Drawing the charts (a 300 dpi PNG and an SVG each) is most of the time of writing a report: on
the bundled sample, about 2.5 of the 4.5 s of ``qualcode code ... --report``. Every chart is
independent of the others, so :func:`qualcode.exchange.report.write_outputs` and
:func:`~qualcode.exchange.report.write_report` draw them on two cores:
:meth:`ChartProcess.start` forks a process at the start of the report, which imports
matplotlib while this process builds the report tables; it is then sent all charts but the
first and draws them while this process writes the tables, the first chart and the Word
appendix. This is written here because no library does it: a process pool (concurrent.futures,
multiprocessing.Pool) would start and import in every worker (1.5 s, which eats the gain) and
offers nothing to hand work to a process that is already warming up.

Whatever happens in that process, the report is complete: if it cannot be started (not Linux,
one core, other threads running, which a fork could catch holding a lock), fails, dies or
hangs, this process draws the charts it did not get (and says so in the log). The files are the
same bytes either way (fixed SVG ids, the same matplotlib state inherited by the fork).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.codingframe import object_values
from qualcode.schema import CODE, CODER

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = [
    "CHART_CAPTIONS",
    "Chart",
    "ChartProcess",
    "DrawnChart",
    "draw_charts",
    "report_chart_list",
]

log = logging.getLogger(__name__)

#: the key of each chart's caption in :func:`qualcode.languages.texts`
CHART_CAPTIONS = {
    "theme_frequencies": "chart_title",
    "code_by_interview": "heatmap_title",
    "cooccurrence": "cooc_title",
    "coder_comparison": "coder_title",
}
#: False: never use a second process (draw every chart here)
PARALLEL = True
#: seconds to wait for the chart process before drawing its charts here
TIMEOUT = 600.0


@dataclass(frozen=True)
class DrawnChart:
    """A chart drawn: its SVG (for the HTML report) and the files written (``chart:<name>``)."""

    name: str
    svg: bytes
    files: dict[str, Path] = field(default_factory=dict)

    def file(self, suffix: str) -> Path | None:
        """The file of this chart ending in ``suffix`` (".png"), if one was written."""
        return next((p for p in self.files.values() if p.suffix.lower() == suffix), None)


@dataclass(frozen=True)
class Chart:
    """One chart of the report: ``plot(data, **options)`` of :mod:`qualcode.plots`."""

    name: str
    plot: Callable[..., Any]
    data: pd.DataFrame
    options: Mapping[str, Any]

    def draw(self, out_dir: Path | None, formats: Sequence[str]) -> DrawnChart:
        """Draw the chart; save it in ``out_dir`` as ``<name>.<format>`` for each format."""
        from qualcode import plots

        paths = [out_dir / f"{self.name}.{fmt}" for fmt in formats] if out_dir is not None else []
        svg = plots.render_chart(self.plot, self.data, paths=paths, format="svg", **self.options)
        assert svg is not None  # asked for with format="svg"
        return DrawnChart(self.name, svg, {f"chart:{p.name}": p for p in paths})


def report_chart_list(
    tables: Mapping[str, pd.DataFrame],
    codebook: Codebook,
    *,
    lang: str = "en",
    cooccurrence: str = "count",
) -> list[Chart]:
    """The report's charts, in the order of the report.

    ``theme_frequencies``, ``code_by_interview``, ``cooccurrence`` and, with two or more
    coders, ``coder_comparison``, every text in ``lang``; ``cooccurrence`` ("count" or
    "jaccard") is what the co-occurrence chart's colours show.
    """
    from qualcode import plots
    from qualcode.reports import CODE_LABEL

    by_interview = tables["code_by_interview"]
    matrix = by_interview.set_index(CODE).drop(columns=[CODE_LABEL])
    matrix.attrs["labels"] = dict(zip(by_interview[CODE], by_interview[CODE_LABEL], strict=True))
    cooc = _square_matrix(tables["cooccurrence"], list(matrix.index))
    styled = {"codebook": codebook, "lang": lang}
    charts = [
        Chart(
            "theme_frequencies", plots.plot_theme_frequencies, tables["code_frequencies"], styled
        ),
        Chart("code_by_interview", plots.plot_code_interview_heatmap, matrix, styled),
        Chart("cooccurrence", plots.plot_cooccurrence, cooc, {**styled, "measure": cooccurrence}),
    ]
    counts = tables.get("coder_counts")
    if counts is not None and counts[CODER].nunique() > 1:
        charts.append(
            Chart("coder_comparison", plots.plot_coder_comparison, counts, {"lang": lang})
        )
    return charts


def _square_matrix(pairs: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Rebuild the square count matrix from the long co-occurrence table."""
    m = pd.DataFrame(0, index=pd.Index(codes, name=CODE), columns=codes, dtype="int64")
    names = ["code_a", "code_b", "both", "turns_a", "turns_b"]
    for values in zip(*(object_values(pairs[c]) for c in names), strict=True):
        r = dict(zip(names, values, strict=True))
        m.at[r["code_a"], r["code_b"]] = m.at[r["code_b"], r["code_a"]] = r["both"]
        m.at[r["code_a"], r["code_a"]] = r["turns_a"]
        m.at[r["code_b"], r["code_b"]] = r["turns_b"]
    return m


def draw_charts(
    charts: Sequence[Chart], out_dir: Path | None, formats: Sequence[str]
) -> dict[str, DrawnChart]:
    """Draw ``charts`` here, in order; return them by name."""
    return {c.name: c.draw(out_dir, formats) for c in charts}


def _can_fork() -> bool:
    if not PARALLEL or not sys.platform.startswith("linux"):
        return False  # macOS: fork is unsafe with its system libraries; Windows has none
    if threading.active_count() > 1:
        return False  # a thread of ours could hold a lock (stderr, logging) at the fork
    return len(os.sched_getaffinity(0)) > 1


class ChartProcess:
    """A forked process that draws charts while this one goes on.

    :meth:`start` forks it (or returns None when it cannot be used); it imports matplotlib at
    once. :meth:`draw` sends it the charts to draw, :meth:`collect` waits for them and returns
    those it drew (none if it failed: the caller draws what is missing), :meth:`close` ends it.
    """

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self._process = process
        self._conn = conn
        self._sent: list[str] = []

    @classmethod
    def start(cls) -> ChartProcess | None:
        """Fork the chart process, or return None if a second process is not worth it or safe."""
        if not _can_fork():
            return None
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        ours, theirs = ctx.Pipe()
        process = ctx.Process(target=_serve, args=(theirs,), name="qualcode-charts", daemon=True)
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about fork when any thread exists, BLAS's own included;
                # the child runs only matplotlib and qualcode code (see _can_fork)
                warnings.simplefilter("ignore", DeprecationWarning)
                process.start()
        except OSError as err:  # no memory or process left for a fork
            log.info("cannot start the chart process (%s): drawing the charts here", err)
            ours.close()
            return None
        finally:
            theirs.close()
        return cls(process, ours)

    def draw(self, charts: Sequence[Chart], out_dir: Path | None, formats: Sequence[str]) -> None:
        """Send ``charts`` to the process to draw (and save in ``out_dir`` in ``formats``)."""
        try:
            self._conn.send((list(charts), out_dir, tuple(formats)))
        except (OSError, ValueError) as err:  # the process is gone
            log.info("the chart process cannot take charts (%s): drawing them here", err)
            return
        self._sent = [c.name for c in charts]

    def collect(self, timeout: float | None = None) -> dict[str, DrawnChart]:
        """The charts the process drew; {} (logged) if it failed, died or took ``timeout`` s."""
        if not self._sent:
            return {}
        limit = time.monotonic() + (TIMEOUT if timeout is None else timeout)
        try:
            while not self._conn.poll(0.2):
                if not self._process.is_alive():
                    break
                if time.monotonic() > limit:
                    log.warning("the chart process took too long: drawing its charts here")
                    return {}
            status, result = self._conn.recv()
        except (EOFError, OSError) as err:
            code = self._process.exitcode
            log.warning("the chart process ended (%s, exit %s): drawing its charts here", err, code)
            return {}
        if status != "ok":
            log.warning("the chart process failed (%s): drawing its charts here", result)
            return {}
        drawn: dict[str, DrawnChart] = result
        return drawn

    def close(self) -> None:
        """End the process (at once if it is still drawing)."""
        try:
            if self._process.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    self._conn.send(None)
                self._process.join(0.5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(5)
        finally:
            self._conn.close()

    def __enter__(self) -> ChartProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(conn: Connection) -> None:
    """The chart process: import matplotlib, then draw what is sent and send back the result."""
    try:
        # imported while the parent builds the tables: the import is a third of the first chart
        import matplotlib.backends.backend_agg
        import matplotlib.backends.backend_svg
        import matplotlib.figure  # noqa: F401

        job = conn.recv()
        if job is None:
            return
        charts, out_dir, formats = job
        conn.send(("ok", draw_charts(charts, out_dir, formats)))
    except EOFError:
        return  # the parent went away or closed
    except BaseException as err:
        with contextlib.suppress(OSError, ValueError):
            conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()
