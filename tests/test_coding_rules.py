"""Tests for the keyword coder: matching rules, codings, explain, transform, sentence unit."""

from __future__ import annotations

import re
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode import KeywordCoder, TableError, schema
from qualcode.codebook import Code, Codebook, Theme, parse_codebook
from qualcode.coding import KeywordCoder as KeywordCoderFromPackage
from qualcode.coding import matcher
from qualcode.coding.morphology import Lemmatizer, strip_affixes, tokenize
from qualcode.coding.prefilter import required_literals
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


# --- the batch matcher: results must not depend on batching, caching or the alphabet -----------


def test_code_multiword_keyword_does_not_span_two_turns() -> None:
    cb = book(Code(name="c", keywords=("social media",)))
    out = coded(cb, "we use social", "media daily", "Social-media here")
    assert out[schema.TURN_ID].tolist() == ["t3"]


def test_code_same_codings_when_split_into_small_batches() -> None:
    cb = book(
        Code(name="a", keywords=("maintain relation", "klien", "social media client")),
        Code(name="b", keywords=("trust",), patterns=(r"\btender\w*",)),
    )
    texts = [
        "We maintain",
        "relation with klien-klien, trust-nya",
        "dari social media -nya client kalau",
        "ikut tendernya lagi",
        "",
        "maintain relation and trust, trust.",
    ] * 3
    whole = coded(cb, *texts)
    with mock.patch.object(matcher, "BATCH_CHARS", 12):
        split = coded(cb, *texts)
    pd.testing.assert_frame_equal(whole, split)
    assert whole[schema.TURN_ID].tolist()[:4] == ["t2", "t2", "t3", "t4"]


def test_code_reuses_vocabulary_across_calls() -> None:
    coder = KeywordCoder(book(Code(name="c", keywords=("trust", "social media"))))
    assert coder.code(turns("no match here")).empty
    again = coder.code(turns("Trusted social media", "no match here"))
    assert again[schema.TURN_ID].tolist() == ["t1"]
    assert again.loc[0, schema.SCORE] == 0.75


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("\u201cTrust\u201d, katanya \U0001f600", "Trust"),  # curly quotes, emoji
        ("\u041a\u043b\u0438\u0435\u043d\u0442 trust", "trust"),  # Cyrillic word first
        ("caf\u00e9 trust-nya", "trust-nya"),  # Latin-1 accent
        ("a\u202dtrust\u202db", "trust"),  # format character whose low byte is "-"
        ("Relationshipnya trust", "trust"),  # long word before
    ],
)
def test_code_finds_keyword_next_to_any_characters(text: str, found: str) -> None:
    out = coded(book(Code(name="c", keywords=("trust",))), text)
    assert len(out) == 1
    assert text[out.loc[0, schema.SPAN_START] : out.loc[0, schema.SPAN_END]] == found


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [
        (
            "\u03c3\u03bf\u03c6\u03af\u03b1",
            "\u0397 \u03a3\u039f\u03a6\u038a\u0391 \u03b5\u03af\u03bd\u03b1\u03b9",
            "\u03a3\u039f\u03a6\u038a\u0391",
        ),
        ("relationship", "long-term relationships-nya", "relationships-nya"),
        ("mempertahankan", "harus dipertahankannya", "dipertahankannya"),
    ],
)
def test_code_matches_non_latin_and_long_words(keyword: str, text: str, found: str) -> None:
    out = coded(book(Code(name="c", keywords=(keyword,))), text)
    assert text[out.loc[0, schema.SPAN_START] : out.loc[0, schema.SPAN_END]] == found


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\btender\w*", {"tender"}),
        (r"\b(?:pitching|tender)\s+ulang\b", {"pitching", "tender"}),
        (r"(abc)?def", {"def"}),
        (r"x{2,}abc", {"abc"}),
        (r"a(?:bcd|efg)h", {"bcd", "efg"}),
        (r"(?i)TENDER", {"tender"}),
        (r"\w+", None),
        (r"ab", None),  # too short to be worth it
        (r"(?=abc)x", None),  # lookarounds are not required text
        (r"(?:abc)*", None),
        (r"abc|\d+", None),  # one alternative has no literal
        (r"caf\u00e9", None),  # not ASCII
    ],
)
def test_required_literals_of_patterns(pattern: str, expected: set[str] | None) -> None:
    got = required_literals(pattern)
    assert (set(got) if got is not None else None) == expected


def test_code_patterns_match_as_re_does_whatever_the_prefilter() -> None:
    patterns = (r"\bstrategi\w*", r"\bthe\b", r"(?:abc)*z")
    texts = [
        "STRATEGINYA kami",
        "\u017ftrategi",  # long s: re.IGNORECASE matches it to "s"
        "the end",
        "nothing",
        "strategic",
        "x z",
        "The the the",
    ] * 2 + ["nothing else"] * 30
    for p in patterns:
        cb = book(Code(name="c", patterns=(p,)))
        got = set(coded(cb, *texts)[schema.TURN_ID])
        want = {f"t{i + 1}" for i, t in enumerate(texts) if re.search(p, t, re.IGNORECASE)}
        assert got == want, p


_pieces = st.sampled_from(
    [
        "klien",
        "Klien-klien",
        "client",
        "-nya",
        "nya",
        "trust",
        "TRUSTED",
        "social",
        "media",
        "maintain",
        "relation",
        "relationships",
        "dipertahankan",
        "ſtrategi",
        "Σοφία",
        "café",
        "a-",
        "--",
        "x_y",
        "pertahanan",
        "zz",
    ]
)
_gaps = st.sampled_from([" ", "  ", ", ", "\n", "(", ")", "-", "\u201c", "\u202d", "*"])
_texts = st.lists(
    st.lists(st.tuples(_pieces, _gaps), max_size=6).map(lambda ws: "".join(a + b for a, b in ws)),
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(texts=_texts, batch=st.sampled_from([5, 40, 1 << 21]))
def test_transform_many_texts_equals_each_text_alone(texts: list[str], batch: int) -> None:
    cb = book(
        Code(name="a", keywords=("klien", "social media", "maintain relation klien")),
        Code(name="b", keywords=("trust", "=trusted", "relationship", "mempertahankan")),
        Code(name="c", keywords=("σοφία", "café"), patterns=(r"\bstrategi\w*", r"zz")),
    )
    coder = KeywordCoder(cb)
    with mock.patch.object(matcher, "BATCH_CHARS", batch):
        together = coder.transform(texts)
    alone = [KeywordCoder(cb).transform([t]) for t in texts]
    expected = np.vstack(alone) if alone else np.zeros((0, 3), dtype=np.int64)
    assert together.tolist() == expected.tolist()
