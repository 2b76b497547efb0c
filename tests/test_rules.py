"""Tests for the keyword coder: matching rules, codings, explain, transform, sentence unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode import KeywordCoder, TableError, schema
from qualcode.codebook import Code, Codebook, Theme, parse_codebook
from qualcode.coding import KeywordCoder as KeywordCoderFromPackage
from qualcode.coding.morphology import Lemmatizer, strip_affixes, tokenize
from qualcode.coding.rules import EXPLAIN_COLUMNS, score_from_hits
from qualcode.errors import QualcodeError


def book(*codes: Code, exclusive: bool = False, languages: tuple[str, ...] = ("id", "en")):
    themed = tuple(Code(**{**c.__dict__, "theme": "t"}) for c in codes)
    return Codebook(
        name="test",
        languages=languages,
        themes=(Theme(name="t", exclusive=exclusive, codes=themed),),
    )


def turns(*texts: str, roles: list[str] | None = None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            schema.TURN_ID: [f"t{i + 1}" for i in range(n)],
            schema.INTERVIEW: ["i1"] * n,
            schema.POSITION: list(range(1, n + 1)),
            schema.SPEAKER: ["N1"] * n,
            schema.ROLE: roles or [schema.PARTICIPANT] * n,
            schema.TEXT: list(texts),
        }
    )


def coded(codebook: Codebook, *texts: str, **opts) -> pd.DataFrame:
    return KeywordCoder(codebook, **opts).code(turns(*texts))


def matches(keyword: str, text: str, **opts) -> bool:
    cb = book(Code(name="c", keywords=(keyword,)))
    return not coded(cb, text, **opts).empty


def test_keyword_coder_exported_from_package() -> None:
    assert KeywordCoderFromPackage is KeywordCoder


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("mempertahankan", "klien harus dipertahankan"),
        ("mempertahankan", "pertahanan hubungan"),
        ("mempertahankan", "coba pertahankan dulu"),
        ("dipertahankan", "kita mempertahankan klien"),
        ("kepercayaan", "klien percaya sama kita"),
        ("percaya", "membangun kepercayaan"),
        ("menjaga hubungan", "ngejagain hubungan itu penting"),
        ("perpanjangan", "kontraknya diperpanjang"),
        ("melanjutkan", "proyeknya tidak dilanjutkan"),
    ],
)
def test_code_matches_indonesian_affixed_forms(keyword: str, text: str) -> None:
    assert matches(keyword, text)


@pytest.mark.parametrize(
    ("keyword", "text"),
    [("trust", "they trusted us"), ("client", "two clients"), ("maintain", "maintaining it")],
)
def test_code_matches_english_inflections(keyword: str, text: str) -> None:
    assert matches(keyword, text)


@pytest.mark.parametrize(
    "text",
    ["kliennya senang", "client-nya senang", "client -nya senang", "Klien-klien senang"],
)
def test_code_normalises_nya_and_reduplication(text: str) -> None:
    assert matches("klien", text) or matches("client", text)
    keyword = "client" if "client" in text.lower() else "klien"
    assert matches(keyword, text)


def test_code_multiword_keyword_skips_standalone_nya() -> None:
    assert matches("social media client", "dari social media -nya client kalau")
    assert not matches("social media client", "dari social media dan client")


@pytest.mark.parametrize(
    "text", ["*Trust*, katanya", "(TRUST)", "<i>trust</i>.", '"trust"', "trust!"]
)
def test_code_ignores_case_and_glued_punctuation(text: str) -> None:
    assert matches("trust", text)


@pytest.mark.parametrize("text", ["trustee", "entrusting", "distrust"])
def test_code_matches_whole_words_only(text: str) -> None:
    assert not matches("trust", text)


def test_code_code_switched_turn_uses_every_language() -> None:
    cb = book(Code(name="retain", keywords=("mempertahankan", "trust")))
    text = "Klien dipertahankan karena mereka trusted kita"
    both = coded(cb, text)
    assert both.loc[0, schema.SCORE] == 0.75
    english_only = coded(cb, text, languages=["en"])
    assert english_only.loc[0, schema.EVIDENCE] == "trust"


def test_code_exact_keyword_does_not_match_by_root() -> None:
    # "perpanjangan" and "panjang" share the root; "=perpanjangan" keeps the exact form
    assert matches("perpanjangan", "waktu kerja yang panjang")
    assert not matches("=perpanjangan", "waktu kerja yang panjang")
    assert matches("=perpanjangan project", "dapet Perpanjangan project-nya")


def test_code_patterns_and_exclude_patterns() -> None:
    cb = book(
        Code(
            name="acquire",
            keywords=("pitching",),
            patterns=(r"\btender\w*",),
            exclude_patterns=(r"\bpitching\s+ulang\b",),
        )
    )
    out = coded(cb, "ikut tendernya", "pitching ulang di ujung kontrak", "pitching baru")
    assert out[schema.TURN_ID].tolist() == ["t1", "t3"]
    assert out.loc[0, schema.EVIDENCE] == "tendernya"
    assert (out.loc[0, schema.SPAN_START], out.loc[0, schema.SPAN_END]) == (5, 14)


def test_code_exclusive_theme_keeps_strongest_then_first() -> None:
    a = Code(name="a", keywords=("alpha",))
    b = Code(name="b", keywords=("beta",))
    cb = book(a, b, exclusive=True)
    out = coded(cb, "alpha beta beta", "alpha beta", "beta")
    assert out[[schema.TURN_ID, schema.CODE]].values.tolist() == [
        ["t1", "b"],
        ["t2", "a"],
        ["t3", "b"],
    ]
    free = coded(book(a, b), "alpha beta")
    assert free[schema.CODE].tolist() == ["a", "b"]


def test_code_output_schema_score_evidence_and_first_span() -> None:
    cb = book(Code(name="retain", keywords=("trust", "maintain relation", "maintain")))
    text = "We maintain relation and trust, trust."
    out = coded(cb, text)
    assert list(out.columns) == list(schema.CODING_COLUMNS)
    row = out.iloc[0]
    assert row[schema.CODER] == schema.RULES_CODER
    # "maintain" inside "maintain relation" is not counted again: 3 hits
    assert row[schema.SCORE] == score_from_hits(3) == 0.875
    assert row[schema.EVIDENCE] == "maintain relation; trust"
    assert text[row[schema.SPAN_START] : row[schema.SPAN_END]] == "maintain relation"
    schema.validate_codings(out)


def test_code_participants_only_by_default() -> None:
    cb = book(Code(name="c", keywords=("trust",)))
    t = turns("trust me", "trust you", roles=[schema.INTERVIEWER, schema.PARTICIPANT])
    assert KeywordCoder(cb).code(t)[schema.TURN_ID].tolist() == ["t2"]
    everyone = KeywordCoder(cb, all_speakers=True).code(t)
    assert everyone[schema.TURN_ID].tolist() == ["t1", "t2"]


def test_code_sentence_unit_rows_per_sentence_with_turn_offsets() -> None:
    cb = book(
        Code(name="retain", keywords=("trust",)), Code(name="interact", keywords=("meeting",))
    )
    text = "We had a meeting. Then trust grew. Nothing here. More trust now."
    out = KeywordCoder(cb, unit="sentence").code(turns(text))
    got = [
        (r[schema.CODE], text[r[schema.SPAN_START] : r[schema.SPAN_END]].strip())
        for _, r in out.iterrows()
    ]
    assert got == [
        ("interact", "We had a meeting."),
        ("retain", "Then trust grew."),
        ("retain", "More trust now."),
    ]
    assert set(out[schema.TURN_ID]) == {"t1"}
    whole = KeywordCoder(cb).code(turns(text))
    assert len(whole) == 2


def test_code_sentence_unit_applies_exclusivity_per_sentence() -> None:
    cb = book(
        Code(name="a", keywords=("alpha",)), Code(name="b", keywords=("beta",)), exclusive=True
    )
    out = KeywordCoder(cb, unit="sentence").code(turns("Alpha here. Beta beta there."))
    assert out[schema.CODE].tolist() == ["a", "b"]


def test_explain_lists_every_hit_with_context_and_status() -> None:
    cb = book(
        Code(name="a", keywords=("kepercayaan",), exclude_patterns=(r"\bbukan\b",)),
        Code(name="b", keywords=("trust",)),
    )
    text = "Soal kepercayaan dan trust, itu penting."
    ex = KeywordCoder(cb).explain(turns(text, "bukan kepercayaan"), context=5)
    assert list(ex.columns) == list(EXPLAIN_COLUMNS)
    first = ex.iloc[0]
    assert first["keyword"] == "kepercayaan"
    assert first["matched"] == "kepercayaan"
    assert text[first[schema.SPAN_START] : first[schema.SPAN_END]] == "kepercayaan"
    assert (first["left"], first["right"]) == ("Soal", "dan")
    assert ex["status"].tolist() == ["coded", "coded", "excluded"]


def test_explain_marks_outranked_hits_and_patterns() -> None:
    cb = book(
        Code(name="a", patterns=(r"al+pha",)), Code(name="b", keywords=("beta",)), exclusive=True
    )
    ex = KeywordCoder(cb).explain(turns("beta allpha beta"))
    assert ex[["code", "keyword", "matched", "status"]].values.tolist() == [
        ["a", "/al+pha/", "allpha", "outranked"],
        ["b", "beta", "beta", "coded"],
        ["b", "beta", "beta", "coded"],
    ]


def test_transform_counts_hits_per_code_in_codebook_order() -> None:
    cb = book(
        Code(name="a", keywords=("alpha",)),
        Code(name="b", keywords=("beta gamma",), exclude_patterns=("zzz",)),
    )
    x = KeywordCoder(cb).transform(["alpha alpha beta gamma zzz", "", "gamma beta"])
    assert isinstance(x, np.ndarray)
    assert x.shape == (3, 2)
    assert x.tolist() == [[2, 1], [0, 0], [0, 0]]


def test_code_rejects_unknown_unit_and_bad_turns() -> None:
    cb = book(Code(name="c", keywords=("x",)))
    with pytest.raises(QualcodeError, match="unit must be one of turn, sentence"):
        KeywordCoder(cb, unit="paragraph").code(turns("x"))
    with pytest.raises(TableError, match="missing column"):
        KeywordCoder(cb).code(pd.DataFrame({"text": ["x"]}))


def test_code_empty_turns_gives_empty_codings() -> None:
    cb = book(Code(name="c", keywords=("x",)))
    out = KeywordCoder(cb).code(turns())
    assert out.empty and list(out.columns) == list(schema.CODING_COLUMNS)


def test_code_on_codebook_from_yaml_and_keyword_in_yaml() -> None:
    cb = parse_codebook(
        """
languages: [id, en]
themes:
  - name: crm
    codes:
      - name: retain
        keywords: [mempertahankan]
"""
    )
    assert not KeywordCoder(cb).code(turns("harus dipertahankan")).empty


def test_tokenize_offsets_and_normalisation() -> None:
    text = "Klien-klien *client* -nya, nge-brief meeting-meetingnya"
    got = [(t.norm, text[t.start : t.end]) for t in tokenize(text)]
    assert got == [
        ("klien", "Klien-klien"),
        ("client", "client"),
        ("nge", "nge"),
        ("brief", "brief"),
        ("meeting", "meeting-meetingnya"),
    ]


def test_lemmatizer_uses_lookup_table_and_affix_stripper() -> None:
    lem = Lemmatizer(["id"])
    assert "tahan" in lem.keys("mempertahankan")  # lookup table
    assert "tahan" in lem.keys("dipertahankan")  # affix stripper
    assert strip_affixes("kebutuhannya", {"butuh"}) == "butuh"
    assert strip_affixes("menyampaikan", {"sampai"}) == "sampai"
    assert strip_affixes("xyzabc", {"tahan"}) is None


words = st.text(alphabet="abcdefg", min_size=1, max_size=8)
separators = st.sampled_from([" ", ", ", ". ", " (", ") ", "\n", " - "])


@settings(max_examples=60, deadline=None)
@given(
    before=st.lists(st.tuples(words, separators), max_size=8),
    after=st.lists(st.tuples(separators, words), max_size=8),
    form=st.sampled_from(["Zorvath", "zorvath", "ZORVATH", "zorvathnya"]),
)
def test_code_finds_inserted_keyword_at_its_offsets(before, after, form) -> None:
    head = "".join(w + s for w, s in before)
    tail = "".join(s + w for s, w in after)
    text = head + form + tail
    cb = book(Code(name="c", keywords=("zorvath",)))
    out = coded(cb, text)
    assert len(out) == 1
    assert (out.loc[0, schema.SPAN_START], out.loc[0, schema.SPAN_END]) == (
        len(head),
        len(head) + len(form),
    )
    assert out.loc[0, schema.EVIDENCE] == "zorvath"
