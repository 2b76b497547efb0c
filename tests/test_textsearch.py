"""Tests for search: lemma and exact matching, phrases, spans, keyword in context, filters."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qualcode as qc
from qualcode import schema
from qualcode.codebook import Code, Codebook, Theme
from qualcode.coding.morphology import Lemmatizer
from qualcode.coding.tokens import word_tokens
from qualcode.errors import QualcodeError
from qualcode.textsearch import SEARCH_COLUMNS, SearchIndex, parse_query
from qualcode.tokenindex import TokenIndex
from tests.conftest import SAMPLE_TXT


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return qc.read_transcript(SAMPLE_TXT)


@pytest.fixture(scope="module")
def index(turns: pd.DataFrame) -> SearchIndex:
    return SearchIndex(turns)


def forms(hits: pd.DataFrame) -> set[str]:
    return set(hits["matched"].str.lower())


def table(*texts: str) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            schema.TURN_ID: [f"t{i + 1}" for i in range(n)],
            schema.INTERVIEW: "i1",
            schema.POSITION: range(1, n + 1),
            schema.SPEAKER: "N1",
            schema.ROLE: schema.PARTICIPANT,
            schema.TEXT: list(texts),
        }
    )


def rule_spans(turns: pd.DataFrame, keyword: str) -> list[tuple[str, int, int]]:
    """What a codebook keyword written as ``keyword`` finds: (turn_id, start, end) per hit."""
    code = Code(name="c", theme="t", keywords=(keyword,))
    book = Codebook(name="b", languages=("id", "en"), themes=(Theme(name="t", codes=(code,)),))
    explained = qc.KeywordCoder(book, all_speakers=True).explain(turns)
    return sorted(
        zip(
            explained[schema.TURN_ID].astype(str),
            explained[schema.SPAN_START].astype(int),
            explained[schema.SPAN_END].astype(int),
            strict=True,
        )
    )


def hit_spans(hits: pd.DataFrame) -> list[tuple[str, int, int]]:
    return sorted(
        zip(
            hits[schema.TURN_ID].astype(str),
            hits[schema.SPAN_START].astype(int),
            hits[schema.SPAN_END].astype(int),
            strict=True,
        )
    )


# -- matching -----------------------------------------------------------------------------------


def test_search_lemma_finds_affixed_indonesian_forms(index: SearchIndex) -> None:
    assert forms(index.search("klien")) == {"klien", "kliennya"}
    assert forms(index.search("pertahankan")) == {"mempertahankan"}
    assert {"kebutuhan", "dibutuhkan", "butuhkan", "butuh"} <= forms(index.search("butuh"))
    assert {"bekerja", "pekerjaan", "ngerjain"} <= forms(index.search("kerja"))


def test_search_lemma_finds_english_forms(index: SearchIndex) -> None:
    assert {"meeting", "meet", "meeting-meeting", "meetnya"} <= forms(index.search("meeting"))
    assert forms(index.search("approach")) == {"approach", "approaching", "approachnya"}
    # the query word is a root for the affix stripper, as a keyword is: di-handle, menghandle
    assert {"dihandle", "menghandle", "handle-nya"} <= forms(index.search("handle"))


def test_search_exact_form_does_not_match_other_forms(index: SearchIndex) -> None:
    assert len(index.search("=pertahankan")) == 0
    exact = index.search("=mempertahankan")
    assert forms(exact) == {"mempertahankan"}
    assert forms(index.search("=approach")) == {"approach", "approachnya"}  # -nya still counts
    assert "approaching" not in forms(index.search("=approach"))


def test_search_spans_slice_the_hit_from_the_turn_text(
    turns: pd.DataFrame, index: SearchIndex
) -> None:
    hits = index.search("client | klien | account executive")
    text = turns.set_index(schema.TURN_ID)[schema.TEXT]
    assert len(hits) > 100
    for row in hits.itertuples(index=False):
        assert text[row.turn_id][row.span_start : row.span_end] == row.matched


@pytest.mark.parametrize(
    "keyword", ["klien", "pertahankan", "=klien", "handle", "account executive", "kebutuhan"]
)
def test_search_finds_what_a_keyword_rule_finds(turns: pd.DataFrame, keyword: str) -> None:
    assert hit_spans(qc.search(turns, keyword)) == rule_spans(turns, keyword)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_search_spans_are_forms_of_a_word_taken_from_random_turns(
    turns: pd.DataFrame, data: st.DataObject
) -> None:
    rows = data.draw(st.lists(st.integers(0, len(turns) - 1), min_size=1, max_size=12))
    sample = turns.iloc[sorted(set(rows))].reset_index(drop=True)
    words = [w for t in sample[schema.TEXT] for w, _, _ in word_tokens(t)]
    word = data.draw(st.sampled_from(words))
    if word in qc.wordcount.stop_words():
        with pytest.raises(QualcodeError, match="only stop words"):
            qc.search(sample, word)
        return
    hits = qc.search(sample, word)
    assert len(hits) >= 1
    lem = Lemmatizer(["id", "en"], extra_roots=[word])
    wanted = lem.keys(word)
    texts = dict(zip(sample[schema.TURN_ID], sample[schema.TEXT], strict=True))
    for row in hits.itertuples(index=False):
        span = texts[row.turn_id][row.span_start : row.span_end]
        assert span == row.matched
        [(norm, _, _)] = word_tokens(span)
        assert lem.keys(norm) & wanted
    assert hit_spans(hits) == rule_spans(sample, word)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("aK-é’ \n_1İ.ßnya\u0130🙂"), max_size=30)))
def test_tokenindex_tokens_are_word_tokens_of_each_text(texts: list[str]) -> None:
    index = TokenIndex(texts)
    for i, text in enumerate(texts):
        a, b = index.first[i], index.first[i + 1]
        got = [
            (index.vocabulary[n], s, e)
            for n, s, e in zip(
                index.norm[a:b].tolist(),
                index.start[a:b].tolist(),
                index.end[a:b].tolist(),
                strict=True,
            )
        ]
        assert got == word_tokens(text)


def test_search_phrase_matches_consecutive_words_in_order(index: SearchIndex) -> None:
    hits = index.search("account executive")
    assert len(hits) == 6
    assert set(hits["matched"].str.lower()) == {"account executive"}
    assert len(index.search("executive account")) == 0
    small = SearchIndex(table("Kami mempertahankan, hubungan baik.", "hubungan yang dipertahankan"))
    assert small.search("pertahankan hubungan")["matched"].tolist() == ["mempertahankan, hubungan"]


def test_search_alternatives_drop_hits_inside_longer_ones() -> None:
    small = SearchIndex(table("Account executive dan account manager", "an account"))
    hits = small.search('"account executive" | account')
    assert hits["matched"].tolist() == ["Account executive", "account", "account"]
    assert hits[schema.TURN_ID].tolist() == ["t1", "t1", "t2"]


def test_search_keyword_in_context_columns(index: SearchIndex, turns: pd.DataFrame) -> None:
    hits = index.search("pertahankan", context=3)
    assert list(hits.columns) == list(SEARCH_COLUMNS)
    first = hits.iloc[0]
    assert first[schema.INTERVIEW] == "magnus_interviews/Narasumber 1"
    assert first[schema.SPEAKER] == "P"
    assert first["left"] == "oleh AE untuk"
    assert first["right"] == "hubungan dengan klien"
    assert all(len(word_tokens(s)) <= 3 for s in hits["left"].tolist() + hits["right"].tolist())
    bare = index.search("pertahankan", context=0)
    assert set(bare["left"]) == {""} and set(bare["right"]) == {""}


def test_search_context_reaches_the_turn_edges() -> None:
    small = SearchIndex(table("(Klien) kami,\n  baik sekali."))
    row = small.search("klien", context=5).iloc[0]
    assert (row["left"], row["matched"], row["right"]) == ("(", "Klien", ") kami, baik sekali.")


def test_search_filters_by_interview_speaker_and_role(index: SearchIndex) -> None:
    everything = index.search("client")
    part = index.search("client", role="participant")
    assert 0 < len(part) < len(everything)
    assert set(part[schema.ROLE]) == {"participant"}
    n1 = index.search("client", speaker=["N1", "N2"])
    assert set(n1[schema.SPEAKER]) == {"N1", "N2"}
    one = index.search("client", interview="magnus_interviews/Narasumber 2")
    assert set(one[schema.INTERVIEW]) == {"magnus_interviews/Narasumber 2"}
    assert len(one) == (everything[schema.INTERVIEW] == "magnus_interviews/Narasumber 2").sum()


def test_search_unknown_filter_values_are_errors(index: SearchIndex) -> None:
    with pytest.raises(QualcodeError, match="no interview 'Narasumber 9' in the turns"):
        index.search("client", interview="Narasumber 9")
    with pytest.raises(QualcodeError, match="no speaker 'N7'"):
        index.search("client", speaker="N7")
    with pytest.raises(QualcodeError, match="unknown role 'informant'; expected one of"):
        index.search("client", role="informant")


@pytest.mark.parametrize("query", ["", "   ", "?!", '""', " | "])
def test_search_empty_query_is_an_error(index: SearchIndex, query: str) -> None:
    with pytest.raises(QualcodeError, match="empty search query"):
        index.search(query)


@pytest.mark.parametrize("query", ["yang", "dan yang", "=yang", "the", "klien | gitu"])
def test_search_query_of_only_stop_words_is_an_error(index: SearchIndex, query: str) -> None:
    with pytest.raises(QualcodeError, match="has only stop words"):
        index.search(query)


def test_search_phrase_with_a_stop_word_is_allowed(index: SearchIndex) -> None:
    hits = index.search("hubungan dengan klien")
    assert len(hits) >= 1
    assert {m.lower() for m in hits["matched"]} == {"hubungan dengan klien"}


def test_search_bad_context_and_language_are_errors(turns: pd.DataFrame) -> None:
    with pytest.raises(QualcodeError, match="context must be a number of words"):
        qc.search(turns, "klien", context=-1)
    with pytest.raises(QualcodeError, match="unknown language 'xx'"):
        qc.search(turns, "klien", lang="xx")


def test_parse_query_quotes_and_alternatives() -> None:
    assert parse_query('"Account Executive" | =Klien') == [["account", "executive"], ["=klien"]]
    assert parse_query('="klien"') == [["=klien"]]


def test_search_function_keeps_the_index_until_the_table_changes() -> None:
    data = table("Klien kami senang.", "Tidak ada.")
    assert qc.search(data, "klien")[schema.TURN_ID].tolist() == ["t1"]
    data.loc[1, schema.TEXT] = "Kliennya juga."
    assert qc.search(data, "klien")[schema.TURN_ID].tolist() == ["t1", "t2"]
    assert qc.search(data, "klien")["matched"].tolist() == ["Klien", "Kliennya"]


def test_search_empty_table_has_no_hits() -> None:
    hits = qc.search(table(), "klien")
    assert list(hits.columns) == list(SEARCH_COLUMNS)
    assert len(hits) == 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["klien", "client", " ", "  ", "\t", "\n", "\u00a0", "."])).map(
            "".join
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 4),
)
def test_search_context_is_the_words_around_with_spaces_squashed(
    texts: list[str], context: int
) -> None:
    hits = SearchIndex(table(*texts)).search("=klien | =client", context=context)
    by_id = {f"t{i + 1}": t for i, t in enumerate(texts)}
    words = [w for t in texts for w, _, _ in word_tokens(t)]
    assert len(hits) == sum(w in ("klien", "client") for w in words)
    for row in hits.itertuples(index=False):
        text = by_id[row.turn_id]
        tokens = word_tokens(text)
        i = next(k for k, tok in enumerate(tokens) if tok[1] == row.span_start)
        left_from = 0 if i - context <= 0 else tokens[i - context][1]
        right_to = len(text) if i + context >= len(tokens) - 1 else tokens[i + context][2]
        if context == 0:
            assert (row.left, row.right) == ("", "")
            continue
        assert row.left == " ".join(text[left_from : row.span_start].split())
        assert row.right == " ".join(text[row.span_end : right_to].split())


def test_search_function_frees_the_index_with_the_table() -> None:
    import gc
    import weakref

    from qualcode import textsearch

    data = table("Klien kami senang.")
    qc.search(data, "klien")
    held = weakref.ref(textsearch._RECENT[0][3])
    assert held() is not None
    del data
    gc.collect()
    assert held() is None


def test_search_index_returns_a_copy_of_a_kept_result(index: SearchIndex) -> None:
    first = index.search("klien", role="participant")
    first.loc[0, "matched"] = "changed"
    first[schema.SPAN_START] = -1
    again = index.search("klien", role="participant")
    assert "changed" not in set(again["matched"]) and (again[schema.SPAN_START] >= 0).all()
    assert again.equals(index.search("klien", role=["participant"]))


def test_tokenindex_batches_give_the_same_tokens(
    turns: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode import tokenindex

    texts = [*turns[schema.TEXT], "“Klien” — kliennya 🙂 dipertahankan", "", "İstanbul-nya"]
    whole = TokenIndex(texts)
    monkeypatch.setattr(tokenindex, "BATCH_CHARS", 300)  # dozens of batches, some of one text
    batched = TokenIndex(texts)
    assert batched.first.tolist() == whole.first.tolist()
    assert [batched.vocabulary[n] for n in batched.norm] == [
        whole.vocabulary[n] for n in whole.norm
    ]
    assert batched.start.tolist() == whole.start.tolist()
    for i, text in enumerate(texts):
        a, b = batched.first[i], batched.first[i + 1]
        spans = list(zip(batched.start[a:b].tolist(), batched.end[a:b].tolist(), strict=True))
        assert spans == [(s, e) for _, s, e in word_tokens(text)]
