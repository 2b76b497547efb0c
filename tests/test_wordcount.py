"""Tests for word frequencies: groups, stop words, lemmas, shares, options."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

import qualcode as qc
from qualcode import schema
from qualcode.coding.tokens import word_tokens
from qualcode.errors import QualcodeError
from qualcode.wordcount import COLLOQUIAL_ID, FREQUENCY_COLUMNS, stop_words
from tests.conftest import SAMPLE_TXT


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return qc.read_transcript(SAMPLE_TXT)


def count_of(freq: pd.DataFrame, group: str, word: str) -> int:
    row = freq[(freq["group"] == group) & (freq["word"] == word)]
    return int(row["count"].sum())


def test_word_frequencies_counts_per_interview_as_the_tokens_say(turns: pd.DataFrame) -> None:
    freq = qc.word_frequencies(turns, by="interview")
    assert list(freq.columns) == list(FREQUENCY_COLUMNS)
    assert list(dict.fromkeys(freq["group"])) == list(dict.fromkeys(turns[schema.INTERVIEW]))
    first = turns[turns[schema.INTERVIEW] == "magnus_interviews/Narasumber 1"]
    expected = Counter(w for t in first[schema.TEXT] for w, _, _ in word_tokens(t))
    group = "magnus_interviews/Narasumber 1"
    for word in ("client", "klien", "magnus", "maintain"):
        assert count_of(freq, group, word) == expected[word] > 0


def test_word_frequencies_leave_out_stop_words_and_numbers(turns: pd.DataFrame) -> None:
    freq = qc.word_frequencies(turns, by=None)
    words = set(freq["word"])
    assert not words & {"yang", "dan", "itu", "the", "gitu", "sih", "ya", "nggak", "mas", "mbak"}
    assert not any(w.isdigit() for w in words)
    assert "client" in words
    everything = qc.word_frequencies(turns, by=None, stop_words=False)
    assert count_of(everything, "all", "yang") > 50
    assert not any(w.isdigit() for w in everything["word"])


def test_word_frequencies_extra_stop_words(turns: pd.DataFrame) -> None:
    freq = qc.word_frequencies(turns, by=None, extra_stop_words=["Magnus", "ae"])
    assert not {"magnus", "ae"} & set(freq["word"])
    assert {"magnus", "ae"} <= set(qc.word_frequencies(turns, by=None)["word"])


def test_word_frequencies_by_speaker_and_role(turns: pd.DataFrame) -> None:
    by_speaker = qc.word_frequencies(turns, by="speaker")
    assert set(by_speaker["group"]) == {"P", "N1", "N2", "N3", "R"}
    by_role = qc.word_frequencies(turns, by="role")
    assert list(dict.fromkeys(by_role["group"])) == ["interviewer", "participant"]
    total = qc.word_frequencies(turns, by=None)
    merged = by_role.groupby("word")["count"].sum()
    assert merged["client"] == count_of(total, "all", "client")


def test_word_frequencies_shares_and_order(turns: pd.DataFrame) -> None:
    freq = qc.word_frequencies(turns, by="speaker")
    sums = freq.groupby("group")["share"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)
    for _, part in freq.groupby("group", sort=False):
        counts = part["count"].tolist()
        assert counts == sorted(counts, reverse=True)
    top = qc.word_frequencies(turns, by="speaker", top=3)
    assert top.groupby("group").size().max() == 3
    assert top.iloc[0]["word"] == freq.iloc[0]["word"]


def test_word_frequencies_lemmas_join_forms(turns: pd.DataFrame) -> None:
    forms = qc.word_frequencies(turns, by=None)
    lemmas = qc.word_frequencies(turns, by=None, lemmas=True)
    assert count_of(lemmas, "all", "klien") == count_of(forms, "all", "klien") + count_of(
        forms, "all", "kliennya"
    )
    assert "kliennya" not in set(lemmas["word"])
    assert count_of(lemmas, "all", "tahan") >= count_of(forms, "all", "mempertahankan") > 0


def test_word_frequencies_filters(turns: pd.DataFrame) -> None:
    part = qc.word_frequencies(turns, by="speaker", role="participant")
    assert "P" not in set(part["group"])
    one = qc.word_frequencies(turns, by="interview", speaker="N2")
    assert set(one["group"]) == {"magnus_interviews/Narasumber 2"}


def test_word_frequencies_bad_options_are_errors(turns: pd.DataFrame) -> None:
    with pytest.raises(QualcodeError, match="by must be one of interview, speaker, role, all"):
        qc.word_frequencies(turns, by="coder")
    with pytest.raises(QualcodeError, match="top must be a positive number"):
        qc.word_frequencies(turns, top=0)
    with pytest.raises(QualcodeError, match="unknown language 'klingon'"):
        qc.word_frequencies(turns, lang=["id", "klingon"])


def test_stop_words_are_spacy_lists_and_colloquial_indonesian() -> None:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.id.stop_words import STOP_WORDS as ID

    assert stop_words("id") == frozenset(ID) | COLLOQUIAL_ID
    assert stop_words(["en"]) == frozenset(EN)
    assert stop_words("id,en") == frozenset(ID) | frozenset(EN) | COLLOQUIAL_ID
