"""Progress bars for long operations, and the one policy deciding when they show.

A bar shows when progress is on: forced by :func:`show_progress` (a context manager, or a
call that sets it for the session, as ``qualcode --quiet`` does), else by the environment
variable ``QUALCODE_PROGRESS`` (``1``/``0``), else only when someone is watching: stderr is a
terminal, or the code runs in a Jupyter kernel. Bars are tqdm's: the notebook widget when
ipywidgets is installed in a kernel, else text on stderr (in a kernel, text bars do not nest: a
bar opened inside another does not show). Nothing is imported from tqdm until a bar is shown.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sized
from typing import Any, TypeVar

__all__ = ["ProgressBar", "progress", "progress_bar", "progress_enabled", "show_progress"]

T = TypeVar("T")

#: environment variable that turns progress on ("1") or off ("0")
ENV = "QUALCODE_PROGRESS"

_forced: list[bool | None] = [None]
#: bars open now (a text bar inside another cannot redraw in a notebook)
_open: list[int] = [0]


def _in_kernel() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def progress_enabled() -> bool:
    """Return whether progress bars show now (see the module docstring for the policy)."""
    if _forced[0] is not None:
        return _forced[0]
    env = os.environ.get(ENV, "").strip().lower()
    if env in ("1", "true", "yes", "on"):
        return True
    if env in ("0", "false", "no", "off"):
        return False
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) or _in_kernel()


class show_progress:
    """Turn progress bars on (``True``), off (``False``) or back to automatic (``None``).

    Called alone it sets the policy for the rest of the session; used as a context manager
    it sets it for the block and then restores what was there.

    Examples
    --------
    >>> with show_progress(False):
    ...     progress_enabled()
    False
    """

    def __init__(self, enabled: bool | None = True) -> None:
        self._previous = _forced[0]
        _forced[0] = enabled

    def __enter__(self) -> show_progress:
        return self

    def __exit__(self, *exc: object) -> None:
        _forced[0] = self._previous


class ProgressBar:
    """A bar to ``update(n)`` by hand; does nothing when progress is off.

    Use as a context manager so that the bar closes.
    """

    def __init__(self, *, total: int | None, desc: str, unit: str = "it") -> None:
        self._bar: Any = None
        if progress_enabled() and not (_open[0] and _text_in_kernel()):
            self._bar = _tqdm()(total=total, desc=desc, unit=unit, leave=False, file=sys.stderr)
            _open[0] += 1

    @property
    def active(self) -> bool:
        """Whether a bar is shown."""
        return self._bar is not None

    def update(self, n: int = 1) -> None:
        """Advance the bar by ``n``."""
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            _open[0] -= 1

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress_bar(*, total: int | None, desc: str, unit: str = "it") -> ProgressBar:
    """Return a :class:`ProgressBar` (inactive when progress is off)."""
    return ProgressBar(total=total, desc=desc, unit=unit)


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str, unit: str = "it"
) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar when progress is on.

    Parameters
    ----------
    items : iterable
        What to iterate over.
    total : int, optional
        Number of items (default: ``len(items)`` when it has one).
    desc : str
        What is going on, e.g. "reading transcripts".
    unit : str
        What an item is, e.g. "file".
    """
    if total is None and isinstance(items, Sized):
        total = len(items)
    with ProgressBar(total=total, desc=desc, unit=unit) as bar:
        for item in items:
            yield item
            bar.update(1)


def _has_widgets() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _text_in_kernel() -> bool:
    """Whether bars are text in a Jupyter kernel: there a bar inside another (training inside
    cross-validation) is not shown, since its cursor moves print as stray lines."""
    return _in_kernel() and not _has_widgets()


def _tqdm() -> Any:
    """tqdm's notebook bar in a kernel with ipywidgets, else its text bar (no warning).

    tqdm's monitor thread is turned off: it only retunes how often a stalled bar redraws, and a
    thread that lives for the rest of the process stops the report from drawing its charts in
    a forked process (:mod:`qualcode.exchange.charts` forks only a single-threaded process).
    """
    if _in_kernel() and _has_widgets():
        from tqdm.notebook import tqdm as notebook_tqdm

        notebook_tqdm.monitor_interval = 0
        return notebook_tqdm
    from tqdm.std import tqdm as std_tqdm

    std_tqdm.monitor_interval = 0
    return std_tqdm
