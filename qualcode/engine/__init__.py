"""Where coding runs: in this process (``local``) or on a Dask cluster (``dask``).

:class:`~qualcode.coding.job.CodingJob` is what both engines run: the codebook, the trained model
and the options, applied to one table of turns. The local engine applies it to the whole table;
:mod:`qualcode.engine.dask` (needs ``pip install 'qualcode[dask]'``) splits the table into
partitions of whole interviews (:mod:`qualcode.engine.partition`), sends the job to every worker
once and writes each partition's result to its own Parquet file. Importing this package imports
neither Dask nor scikit-learn.
"""

from __future__ import annotations

ENGINES: tuple[str, ...] = ("local", "dask")

__all__ = ["ENGINES", "check_engine"]


def check_engine(engine: str, **dask_options: object) -> str:
    """Return ``engine`` if it is known and the options given fit it, else raise QualcodeError.

    ``dask_options`` are the Dask-only options as given (``scheduler=None`` when not given).
    """
    from qualcode.errors import QualcodeError

    if engine not in ENGINES:
        msg = f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}"
        raise QualcodeError(msg)
    given = [f"--{k}" for k, v in dask_options.items() if v not in (None, False)]
    if engine == "local" and given:
        msg = f"{' and '.join(given)} need --engine dask"
        raise QualcodeError(msg)
    return engine
