"""The Dask cluster a run uses: a scheduler given by address, or a LocalCluster started here."""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["CONNECT_TIMEOUT", "INSTALL_HINT", "RETRIES", "dask_client", "n_workers", "require_dask"]

INSTALL_HINT = "pip install 'qualcode[dask]'"
#: times a partition's task is run again after it raised (a killed worker is handled by the
#: scheduler: its tasks run elsewhere, up to ``distributed.scheduler.allowed-failures`` times)
RETRIES = 1
#: how long to try to reach a scheduler given with ``--scheduler``
CONNECT_TIMEOUT = "10s"


def require_dask() -> None:
    """Raise a QualcodeError saying how to install Dask when it is missing."""
    try:
        import dask
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as err:
        msg = (
            f"--engine dask needs Dask and dask.distributed, which are not installed "
            f"({err}); install them with: {INSTALL_HINT}"
        )
        raise QualcodeError(msg) from err


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    *,
    n_workers: int | None = None,
    processes: bool = True,
    dashboard: bool = True,
    notify: Callable[[str], None] | None = None,
) -> Iterator[Client]:
    """Connect to a Dask scheduler, or start a LocalCluster; close what was started.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``). Without it a
        :class:`~distributed.LocalCluster` is started on this machine and closed at the end.
    n_workers : int, optional
        Workers of the LocalCluster (default: one per core); one thread each.
    processes : bool, default True
        LocalCluster workers as processes (False: threads of this process, for tests).
    dashboard : bool, default True
        Start the LocalCluster's dashboard (needs bokeh, part of the ``dask`` extra).
    notify : callable, optional
        Called with a line saying which cluster is used (and its dashboard address).

    Yields
    ------
    distributed.Client

    Raises
    ------
    QualcodeError
        Dask is not installed, or the scheduler cannot be reached.
    """
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as err:
            msg = (
                f"--scheduler {scheduler}: cannot connect to a Dask scheduler there ({err}); "
                "expected the address of a running scheduler, e.g. tcp://host:8786"
            )
            raise QualcodeError(msg) from err
        try:
            if notify is not None:
                n = len(client.scheduler_info().get("workers", {}))
                notify(f"Dask scheduler {scheduler}: {n} worker(s)")
            yield client
        finally:
            client.close()
        return
    env = _worker_env() if processes else {}
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=":0" if dashboard else None,
            env=env,
        ) as cluster,
        Client(cluster) as client,
    ):
        if notify is not None:
            n = len(cluster.workers)
            link = client.dashboard_link if dashboard else None
            where = f"; dashboard {link}" if link else ""
            if link and importlib.util.find_spec("bokeh") is None:
                where += " (it needs bokeh: pip install bokeh)"
            notify(
                f"Started a Dask LocalCluster: {n} worker(s), {cluster.scheduler_address}{where}"
            )
        yield client


def _worker_env() -> dict[str, str]:
    """PYTHONPATH for worker processes: they import the qualcode this process imported."""
    import qualcode

    root = str(Path(qualcode.__file__).resolve().parents[1])
    paths = [root, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    return {"PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def n_workers(client: Client) -> int:
    """The number of workers of ``client``'s cluster (at least 1)."""
    return max(1, len(client.scheduler_info().get("workers", {})))
