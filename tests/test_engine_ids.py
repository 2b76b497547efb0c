"""Hashes of text ids: equal ids hash equal wherever they sit, different ids apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from qualcode import read_transcripts
from qualcode.engine.ids import has_repeats, id_hashes
from tests.conftest import SAMPLE_TXT


def test_equal_ids_hash_equal_in_any_slice_and_chunk() -> None:
    ids = pd.Series(
        ["a-0001", "a-0002", "", "wawancara-ü-0001", "x" * 5000, "a-0001", "a-00010"],
        dtype="string",
    )
    h = id_hashes(ids)
    assert h.dtype == np.uint64
    assert h[0] == h[5]
    assert len(set(h.tolist())) == 6  # only the repeated id shares its hash
    # a slice of a column (an offset into the Arrow buffers) gives the same hashes
    assert (id_hashes(ids.iloc[3:6]) == h[3:6]).all()
    assert (id_hashes(ids.astype(object)) == h).all()  # Python strings: the same bytes


def test_ids_of_the_sample_do_not_collide(tmp_path) -> None:
    turns = read_transcripts([SAMPLE_TXT])
    path = tmp_path / "t.parquet"
    turns.to_parquet(path, row_group_size=50)
    column = pq.read_table(path).to_pandas()["turn_id"]
    h = id_hashes(column)
    assert not has_repeats(h)
    parts = [id_hashes(column.iloc[i : i + 37]) for i in range(0, len(column), 37)]
    assert (np.concatenate(parts) == h).all()
    assert has_repeats(np.concatenate([h, h[:1]]))


def test_a_million_similar_ids_do_not_collide() -> None:
    ids = pd.Series(
        [f"interview-{i:05d}-{j:04d}" for i in range(1000) for j in range(1000)], dtype="string"
    )
    assert not has_repeats(id_hashes(ids))
    assert not has_repeats(np.asarray([], dtype=np.uint64))
