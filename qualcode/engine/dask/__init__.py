"""Run coding and parsing on a Dask cluster (``pip install 'qualcode[dask]'``).

Modules by job: :mod:`~qualcode.engine.dask.cluster` (connecting to a scheduler or starting a
LocalCluster), :mod:`~qualcode.engine.dask.outputs` (the Parquet part files of a run),
:mod:`~qualcode.engine.dask.coding` (coding a turns table partition by partition),
:mod:`~qualcode.engine.dask.parquet` (coding a Parquet turns table the tasks read themselves)
and :mod:`~qualcode.engine.dask.parsing` (reading transcript files in parallel).

A worker holds one partition at a time, so its memory depends on the partition size, not on
the corpus size. The output folder must be reachable by every worker under the same path (the
local disk for a :class:`~distributed.LocalCluster`, a shared file system on a multi-node
cluster).
"""

from __future__ import annotations

from qualcode.engine.dask.cluster import INSTALL_HINT, dask_client, require_dask
from qualcode.engine.dask.coding import DaskRun, code_on_dask, collect_codings
from qualcode.engine.dask.outputs import read_parts
from qualcode.engine.dask.parquet import code_parquet_on_dask
from qualcode.engine.dask.parsing import ParsedTurns, parse_on_dask, parse_to_parquet

__all__ = [
    "INSTALL_HINT",
    "DaskRun",
    "ParsedTurns",
    "code_on_dask",
    "code_parquet_on_dask",
    "collect_codings",
    "dask_client",
    "parse_on_dask",
    "parse_to_parquet",
    "read_parts",
    "require_dask",
]
