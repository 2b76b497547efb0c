"""Part files of a table written by workers, and their concatenation into one Parquet file.

The Dask parse writes one part per group of transcripts on the workers (:func:`write_part`);
the driver streams them into the output as they arrive (:class:`PartConcatenator`). Parts are
Arrow IPC files: writing one costs a sixth of the CPU of Parquet, and the driver maps it
without decoding. The concatenation is done at the Arrow level (the label columns' dictionary
indices widened to one type, then written as row groups) rather than through pandas: no pandas
objects are made for the rows, and only one part is in memory at a time.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from types import TracebackType

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from qualcode import schema
from qualcode.fileio import (
    make_parent,
    output_error,
    remove_quietly,
    temporary_name,
    write_atomic,
)

__all__ = ["PART_SUFFIX", "PartConcatenator", "part_name", "write_part"]

PART_SUFFIX = ".arrow"
#: Parquet options of the concatenated file: dictionary pages for the label columns only (the
#: writer's attempt on turn ids and texts is wasted: they are unique) and no statistics for
#: the texts (a min/max of free text serves no query); a third less CPU than the defaults
_WRITE_OPTIONS = {
    "use_dictionary": list(schema.LABEL_COLUMNS),
    "write_statistics": [c for c in schema.TURN_COLUMNS if c != schema.TEXT],
}


def part_name(index: int) -> str:
    """The file name of part ``index``."""
    return f"part-{index:05d}{PART_SUFFIX}"


def write_part(table: pd.DataFrame, path: Path) -> Path:
    """Write ``table`` as an Arrow IPC file through a temporary file renamed into place."""
    data = pa.Table.from_pandas(table, preserve_index=False)

    def write(tmp: Path) -> None:
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, data.schema) as writer:
            writer.write_table(data)

    return write_atomic(path, write)


def _target_schema(first: pa.Schema) -> pa.Schema:
    """``first`` with every dictionary column on int32 indices: a pandas categorical becomes
    int8 or int16 indices by its number of categories, which differs from part to part."""
    fields = []
    for field in first:
        if pa.types.is_dictionary(field.type) and field.name in schema.LABEL_COLUMNS:
            field = field.with_type(pa.dictionary(pa.int32(), field.type.value_type))
        fields.append(field)
    return pa.schema(fields, metadata=first.metadata)


class PartConcatenator:
    """Write part files, handed over in any order, into ``path`` in the order of their number.

    Parts ``0 .. n-1`` are given with :meth:`add` as they become ready; each is written as soon
    as every part before it is, then deleted. :meth:`close` renames the finished file into place
    (a failure before leaves ``path`` as it was). Use as a context manager: leaving the block with
    an error removes the unfinished file.
    """

    def __init__(self, path: str | Path, n_parts: int) -> None:
        self.path = make_parent(path)
        if self.path.is_dir():
            raise output_error(OSError(errno.EISDIR, "Is a directory", str(self.path)), self.path)
        self.n_parts = n_parts
        self._tmp = temporary_name(self.path)
        self._waiting: dict[int, Path] = {}
        self._next = 0
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self.rows = 0

    def add(self, index: int, part: str | Path) -> None:
        """Part ``index`` is complete at ``part``; write it and any parts waiting behind it."""
        self._waiting[index] = Path(part)
        while self._next in self._waiting:
            self._write(self._waiting.pop(self._next))
            self._next += 1

    def _write(self, part: Path) -> None:
        with pa.memory_map(str(part)) as source:
            table = pa.ipc.open_file(source).read_all()
            try:
                if self._writer is None:
                    self._schema = _target_schema(table.schema)
                    self._writer = pq.ParquetWriter(self._tmp, self._schema, **_WRITE_OPTIONS)
                self._writer.write_table(table.cast(self._schema))
            except OSError as err:
                raise output_error(err, self.path) from err
            self.rows += table.num_rows
            del table  # the mapping closes only when nothing refers to it
        part.unlink()

    def close(self, empty: pa.Schema | None = None) -> Path:
        """Finish the file and rename it to ``path``; ``empty`` is the schema when no part came."""
        if self._next != self.n_parts:
            msg = f"{self.path}: {self.n_parts - self._next} part(s) missing"
            raise RuntimeError(msg)
        if self._writer is None:
            if empty is None:
                msg = f"{self.path}: no parts and no schema to write"
                raise RuntimeError(msg)
            pq.write_table(empty.empty_table(), self._tmp, **_WRITE_OPTIONS)
        else:
            self._writer.close()
            self._writer = None
        try:
            os.replace(self._tmp, self.path)
        except OSError as err:
            raise output_error(err, self.path) from err
        return self.path

    def abort(self) -> None:
        """Remove the unfinished file (``path`` is left as it was)."""
        if self._writer is not None:
            try:
                self._writer.close()
            finally:
                self._writer = None
        remove_quietly(self._tmp)

    def __enter__(self) -> PartConcatenator:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.abort()
