"""Tests for qualcode.coding.human: reading long and wide human codings."""

from __future__ import annotations

import pandas as pd
import pytest

from qualcode.codebook import Code, Codebook, Theme
from qualcode.coding.human import (
    codings_to_wide,
    example_training_data,
    labelled_mask,
    read_codings,
    read_codings_files,
    training_data,
    unknown_codes,
)
from qualcode.errors import CodingsError


@pytest.fixture
def turns():
    return pd.DataFrame(
        {
            "turn_id": ["t1", "t2", "t3", "t4"],
            "interview": ["i1", "i1", "i2", "i2"],
            "position": [1, 2, 1, 2],
            "speaker": ["Q", "A", "Q", "A"],
            "role": ["interviewer", "participant", "interviewer", "participant"],
            "text": ["why", "we keep clients", "how", "new ones"],
        }
    )


@pytest.fixture
def codebook():
    codes = (
        Code(name="retain", theme="crm", examples=("kami jaga klien lama",)),
        Code(name="acquire", theme="crm"),
    )
    return Codebook(themes=(Theme(name="crm", codes=codes),))


def test_read_codings_long_csv(tmp_path, turns, codebook):
    p = tmp_path / "ann.csv"
    p.write_text("turn_id,code\nt2,retain\nt4,acquire\n", encoding="utf-8")
    out = read_codings(p, turns=turns, codebook=codebook)
    assert out[["turn_id", "code", "coder"]].values.tolist() == [
        ["t2", "retain", "ann"],
        ["t4", "acquire", "ann"],
    ]
    assert out["score"].tolist() == [1.0, 1.0]


def test_read_codings_files_joins_the_files_in_order(tmp_path, turns, codebook):
    ann, bob = tmp_path / "ann.csv", tmp_path / "bob.csv"
    ann.write_text("turn_id,code\nt2,retain\n", encoding="utf-8")
    bob.write_text("turn_id,code\nt4,acquire\nt2,retain\n", encoding="utf-8")
    out = read_codings_files([ann, bob], turns=turns, codebook=codebook)
    assert out[["turn_id", "code", "coder"]].values.tolist() == [
        ["t2", "retain", "ann"],
        ["t4", "acquire", "bob"],
        ["t2", "retain", "bob"],
    ]
    assert out.index.tolist() == [0, 1, 2]


def test_unknown_codes_counts_codes_the_codebook_lacks(codebook):
    codings = pd.DataFrame({"turn_id": ["t1", "t2", "t3"], "code": ["x", "retain", "x"]})
    assert unknown_codes(codings, codebook).to_dict() == {"x": 2}
    assert unknown_codes(codings.iloc[[1]], codebook).empty


def test_read_codings_long_keeps_coder_column(tmp_path):
    p = tmp_path / "both.csv"
    p.write_text("turn_id,code,coder\nt2,retain,ann\nt2,retain,bob\n", encoding="utf-8")
    assert read_codings(p)["coder"].tolist() == ["ann", "bob"]


def test_read_codings_wide_xlsx(tmp_path, turns, codebook):
    p = tmp_path / "bob.xlsx"
    pd.DataFrame(
        {
            "turn_id": ["t2", "t4"],
            "text": ["we keep clients", "new ones"],
            "retain": [1, 0],
            "acquire": [0, 1],
            "notes": ["sure", "maybe"],
        }
    ).to_excel(p, index=False)
    out = read_codings(p, turns=turns, codebook=codebook)
    assert out[["turn_id", "code", "coder"]].values.tolist() == [
        ["t2", "retain", "bob"],
        ["t4", "acquire", "bob"],
    ]


def test_read_codings_wide_accepts_marks(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("turn_id,retain,acquire\nt1,x,\nt2,yes,no\nt3,,TRUE\n", encoding="utf-8")
    out = read_codings(p)
    assert out[["turn_id", "code"]].values.tolist() == [
        ["t1", "retain"],
        ["t2", "retain"],
        ["t3", "acquire"],
    ]


def test_read_codings_unknown_turn_ids_list_rows(tmp_path, turns):
    p = tmp_path / "ann.csv"
    p.write_text("turn_id,code\nt2,retain\nzz,retain\nt4,acquire\nyy,acquire\n", encoding="utf-8")
    with pytest.raises(
        CodingsError, match=r"line 3: 2 coding\(s\) name turn ids.*row 3 \('zz'\), row 5 \('yy'\)"
    ) as err:
        read_codings(p, turns=turns)
    assert err.value.path == p and err.value.line == 3


def test_read_codings_unknown_codes_list_rows(tmp_path, codebook):
    p = tmp_path / "ann.csv"
    p.write_text("turn_id,code\nt2,retain\nt4,enhance\n", encoding="utf-8")
    with pytest.raises(
        CodingsError,
        match=r"ann.csv line 3: .*row 3 \('enhance'\).*expected one of retain, acquire",
    ):
        read_codings(p, codebook=codebook)


def test_read_codings_wide_unknown_code_column(tmp_path, codebook):
    p = tmp_path / "ann.csv"
    p.write_text("turn_id,retain,enhance\nt2,1,0\nt4,0,1\n", encoding="utf-8")
    with pytest.raises(
        CodingsError, match="'enhance' looks like a code but is not in the codebook"
    ):
        read_codings(p, codebook=codebook)


def test_read_codings_wide_bad_cell(tmp_path, codebook):
    p = tmp_path / "ann.csv"
    p.write_text("turn_id,retain\nt2,1\nt4,maybe\n", encoding="utf-8")
    with pytest.raises(
        CodingsError, match=r"line 3: code column 'retain' must hold 1.*row 3 \('maybe'\)"
    ):
        read_codings(p, codebook=codebook)


def test_read_codings_neither_shape(tmp_path):
    p = tmp_path / "ann.csv"
    p.write_text("id,code\n1,a\n", encoding="utf-8")
    with pytest.raises(CodingsError, match="no turn_id column"):
        read_codings(p)


def test_labelled_mask_rules(turns):
    codings = pd.DataFrame({"turn_id": ["t2"], "code": ["retain"], "coder": ["ann"]})
    assert labelled_mask(turns, codings, seen="interview").tolist() == [True, True, False, False]
    assert labelled_mask(turns, codings, seen="coded").tolist() == [False, True, False, False]
    assert labelled_mask(turns, codings, seen="all").tolist() == [True] * 4


def test_training_data_and_wide(turns, codebook):
    codings = pd.DataFrame({"turn_id": ["t2"], "code": ["retain"], "coder": ["ann"]})
    labelled, y = training_data(turns, codings, codebook=codebook)
    assert labelled["turn_id"].tolist() == ["t1", "t2"]
    assert y.values.tolist() == [[0, 0], [1, 0]]
    wide = codings_to_wide(codings, turn_ids=["t2", "t4"], codes=["retain", "acquire"])
    assert wide.loc["t2", "retain"] == 1 and wide.loc["t4"].sum() == 0


def test_example_training_data(codebook):
    texts, y = example_training_data(codebook)
    assert texts == ["kami jaga klien lama"]
    assert y.values.tolist() == [[1, 0]]
