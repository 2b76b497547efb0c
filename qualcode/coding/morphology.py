"""Text normalisation, tokenisation and lemma lookup for keyword matching.

Interviews in Indonesian code-switch into English ("client-nya", "di-handle", "klien-klien"),
and Indonesian builds words with prefixes, suffixes and confixes ("mempertahankan",
"dipertahankan", "pertahanan" all share the root "tahan"). Keyword matching therefore works on
normalised tokens and their lemmas:

* :func:`tokenize` finds word tokens with their character offsets. It lowercases, drops the
  clitic ``-nya`` when it stands alone ("client -nya", "client-nya"), folds reduplication
  ("klien-klien", "meeting-meetingnya", "berbeda-beda") into one token spanning both halves, and
  splits other hyphenated words ("nge-brief") into their parts. Punctuation and markup glued to
  words (``*client*``, ``"trust,"``) are not part of a token.
* :class:`Lemmatizer` gives each distinct token a set of *keys*: the token itself, the token
  without a glued ``-nya`` ("kliennya" -> "klien"), and their lemma in every language asked for
  (plus the exact forms prefixed with ``=``, matched by keyword words written ``=word``).
  Lemmas come from the lookup tables of ``spacy-lookups-data`` (the ``lemma_lookup`` tables that
  ``spacy.blank("id")`` / ``spacy.blank("en")`` use), read directly so that coding does not need
  to run a spaCy pipeline. For Indonesian, words the table does not know are passed through a
  small rule-based affix stripper (:func:`strip_affixes`) whose candidate roots are accepted only
  when they are known roots (values of the lookup table, plus any extra roots given, such as the
  words of a codebook's keywords).

Two tokens match when their key sets intersect.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

logger = logging.getLogger(__name__)

__all__ = [
    "CLITIC",
    "EXACT",
    "TOKEN_RE",
    "Lemmatizer",
    "Token",
    "lemma_table",
    "normalize_token",
    "split_hyphenated",
    "strip_affixes",
    "tokenize",
]

#: a word, possibly joined to further words by hyphens ("klien-klien", "nge-brief")
TOKEN_RE = re.compile(r"\w+(?:-\w+)*")

#: clitic written apart from its word ("client -nya", "client-nya")
CLITIC = "nya"

#: marks a keyword word that must match its exact (normalised) form, not its lemma
EXACT = "="

_MIN_STEM = 3


@dataclass(frozen=True)
class Token:
    """A normalised word token and its character offsets in the source text."""

    norm: str
    start: int
    end: int


def split_hyphenated(word: str) -> list[tuple[str, int, int]]:
    """Split a lowercased hyphenated word into (norm, start, end) parts relative to the word."""
    parts: list[tuple[str, int, int]] = []
    pos = 0
    for piece in word.split("-"):
        parts.append((piece, pos, pos + len(piece)))
        pos += len(piece) + 1
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(parts):
        piece, start, end = parts[i]
        if piece == CLITIC:
            # "client-nya": the clitic belongs to the previous part; widen its span
            if out:
                out[-1] = (out[-1][0], out[-1][1], end)
            i += 1
            continue
        if i + 1 < len(parts):
            nxt, _, nxt_end = parts[i + 1]
            if _is_reduplication(piece, nxt):
                out.append((piece, start, nxt_end))
                i += 2
                continue
        out.append((piece, start, end))
        i += 1
    return out


def _is_reduplication(first: str, second: str) -> bool:
    """True for "klien-klien", "meeting-meetingnya", "berbeda-beda", "sendiri-sendiri"."""
    if not first or not second:
        return False
    if second == first or second == first + CLITIC:
        return True
    # partial reduplication of an affixed word: "berbeda-beda", "bermain-main"
    return len(second) >= _MIN_STEM and first.endswith(second)


def normalize_token(word: str) -> str:
    """Return the lowercase form of a single word as used for matching.

    Examples
    --------
    >>> normalize_token("Client")
    'client'
    """
    return word.lower()


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into normalised word tokens with offsets into ``text``.

    Parameters
    ----------
    text : str
        Any text; offsets refer to it unchanged.

    Returns
    -------
    list of Token
        In text order. A standalone clitic ``nya`` ("client -nya") is dropped; reduplicated
        words become one token spanning both halves.

    Examples
    --------
    >>> [t.norm for t in tokenize("Klien-klien *client* -nya, nge-brief")]
    ['klien', 'client', 'nge', 'brief']
    """
    out: list[Token] = []
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        start = m.start()
        low = word.lower()
        if len(low) != len(word):  # rare case-mapping that changes length: keep offsets exact
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in word)
        if "-" not in low:
            if low != CLITIC:
                out.append(Token(low, start, m.end()))
            continue
        for norm, s, e in split_hyphenated(low):
            if norm and norm != CLITIC:
                out.append(Token(norm, start + s, start + e))
    return out


# --- lemma tables ----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def lemma_table(lang: str) -> dict[str, str]:
    """Return spaCy's ``lemma_lookup`` table for ``lang`` (empty if there is none).

    The table is read from the ``spacy-lookups-data`` package, the same data that
    ``spacy.blank(lang)``'s lookup lemmatizer uses; nothing is downloaded.
    """
    try:
        data = resources.files("spacy_lookups_data") / "data" / f"{lang}_lemma_lookup.json.gz"
        raw = data.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        logger.info("no lemma lookup table for language %r; matching surface forms only", lang)
        return {}
    table: dict[str, str] = json.loads(gzip.decompress(raw))
    return {k.lower(): v.lower() for k, v in table.items()}


@lru_cache(maxsize=8)
def _known_roots(lang: str) -> frozenset[str]:
    return frozenset(lemma_table(lang).values())


# --- Indonesian affix stripping --------------------------------------------------------------

_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_SUFFIXES = ("kan", "an", "i", "in")  # "-in" is the colloquial Jakarta form of "-kan"/"-i"
_VOWELS = frozenset("aeiou")


def _nasal_stems(rest: str) -> Iterator[str]:
    """Yield the stems under the nasal that ``rest`` starts with (meN-/peN- and colloquial ng-/ny-).

    ng-, m- and n- drop, and before a vowel also stand for a lost k, p or t; ny- stands for a
    lost s or c. Nothing for any other start.
    """
    if rest.startswith("ny"):
        r = rest[2:]
        yield "s" + r  # menyampaikan -> sampaikan, nyantai -> santai
        yield "c" + r  # menyicil -> cicil, nyari -> cari
        return
    for nasal, lost in (("ng", "k"), ("m", "p"), ("n", "t")):
        if rest.startswith(nasal):
            r = rest[len(nasal) :]
            yield r  # mengambil -> ambil, membuat -> buat, mendapat -> dapat, ngobrol -> obrol
            if r[:1] in _VOWELS:
                yield lost + r  # mengirim -> kirim, memakai -> pakai, ngopi -> kopi
            return


def _prefix_variants(word: str) -> Iterator[str]:
    """Yield the stems left by removing one prefix (with meN-/peN- recoding) from ``word``."""
    w = word
    for plain in ("di", "ke", "se", "ku", "kau"):
        if w.startswith(plain):
            yield w[len(plain) :]
    for pre in ("ber", "ter", "per"):
        if w.startswith(pre):
            yield w[3:]
    for pre in ("be", "te", "pe"):  # be- before r ("berencana" -> "rencana"), "belajar"
        if w.startswith(pre + "r") or w.startswith(pre + "l"):
            yield w[2:]
    for nasal in ("me", "pe"):
        if not w.startswith(nasal):
            continue
        rest = w[2:]
        if rest[:1] in ("l", "r", "w", "y"):
            yield rest  # melihat -> lihat, merasa -> rasa
        else:
            yield from _nasal_stems(rest)  # mengambil -> ambil, membuat -> buat, menulis -> tulis
    # colloquial Jakarta prefixes: nge-/ng-/ny-
    if w.startswith("nge"):
        yield w[3:]  # ngecek -> cek
    if w.startswith(("ng", "ny")):
        yield from _nasal_stems(w)  # ngobrol -> obrol, ngopi -> kopi, nyantai -> santai


def _suffix_variants(word: str) -> Iterator[str]:
    """Yield ``word`` without inflectional and derivational suffixes, most stripped last."""
    forms = [word]
    for group in (_PARTICLES, _POSSESSIVES, _SUFFIXES):
        new = []
        for f in forms:
            for suf in group:
                if f.endswith(suf) and len(f) - len(suf) >= _MIN_STEM:
                    new.append(f[: -len(suf)])
        forms += new
    yield from forms


def strip_affixes(
    word: str, roots: frozenset[str] | set[str], table: dict[str, str] | None = None
) -> str | None:
    """Return the Indonesian root of ``word`` by removing affixes, or None.

    Up to three prefixes (``di-``, ``ke-``, ``se-``, ``me(N)-``, ``pe(N)-``, ``be(r)-``,
    ``te(r)-``, ``per-`` and colloquial ``nge-``/``ng-``/``ny-``) and the suffixes ``-kan``,
    ``-an``, ``-i``, ``-in``, possessives ``-nya``/``-ku``/``-mu`` and particles ``-lah``,
    ``-kah``, ``-tah``, ``-pun`` are removed in every combination; a candidate is accepted only
    if it is in ``roots`` (or is a word of ``table``, which then gives its lemma). Among
    accepted candidates the longest wins (the least stripping).

    Examples
    --------
    >>> strip_affixes("dipertahankan", {"tahan"})
    'tahan'
    >>> strip_affixes("ngejagain", {"jaga"})
    'jaga'
    >>> strip_affixes("meeting", {"tahan"}) is None
    True
    """
    table = table or {}
    found: set[str] = set()
    layer = {word}
    seen = {word}
    for _depth in range(4):
        nxt: set[str] = set()
        for form in layer:
            for stem in _suffix_variants(form):
                if stem != word:
                    if stem in roots:
                        found.add(stem)
                    elif stem in table:
                        found.add(table[stem])
                for pre in _prefix_variants(stem):
                    if len(pre) >= _MIN_STEM and pre not in seen:
                        seen.add(pre)
                        nxt.add(pre)
        layer = nxt
        if not layer:
            break
    if not found:
        return None
    return max(found, key=lambda s: (len(s), s))


# --- the lemmatizer -----------------------------------------------------------------------------


class Lemmatizer:
    """Map tokens to their match keys (surface form, ``-nya``-less form, lemmas).

    Parameters
    ----------
    languages : iterable of str
        spaCy language codes; each token is lemmatised in every one of them. ``"id"`` adds the
        affix stripper for words the lookup table does not know.
    extra_roots : iterable of str, optional
        Further words accepted as roots by the affix stripper (for example the words of a
        codebook's keywords, so that "diapproach" finds "approach").

    Examples
    --------
    >>> lem = Lemmatizer(["id", "en"])
    >>> sorted(lem.keys("dipertahankan"))
    ['=dipertahankan', 'dipertahankan', 'tahan']
    >>> "trust" in lem.keys("trusted")
    True
    """

    def __init__(self, languages: Iterable[str], *, extra_roots: Iterable[str] = ()) -> None:
        self.languages = tuple(dict.fromkeys(languages))
        self._tables = {lang: lemma_table(lang) for lang in self.languages}
        self._roots: dict[str, frozenset[str]] = {}
        extra = frozenset(r.lower() for r in extra_roots)
        for lang in self.languages:
            self._roots[lang] = _known_roots(lang) | extra if lang == "id" else frozenset()
        self._cache: dict[str, frozenset[str]] = {}

    def lemma(self, word: str, lang: str) -> str:
        """Return the lemma of a lowercase ``word`` in language ``lang`` (the word if unknown)."""
        table = self._tables.get(lang) or {}
        hit = table.get(word)
        if hit is not None:
            return hit
        if lang == "id":
            roots = self._roots[lang]
            if word in _known_roots(lang):
                return word
            stripped = strip_affixes(word, roots, table)
            if stripped is not None:
                return stripped
        return word

    def keys(self, token: str) -> frozenset[str]:
        """Return the match keys of a normalised token (cached per distinct token)."""
        got = self._cache.get(token)
        if got is not None:
            return got
        bases = [token]
        if token.endswith(CLITIC) and len(token) - len(CLITIC) >= _MIN_STEM:
            bases.append(token[: -len(CLITIC)])
        keys = set(bases)
        for base in bases:
            keys.add(EXACT + base)
            for lang in self.languages:
                keys.add(self.lemma(base, lang))
        out = frozenset(keys)
        self._cache[token] = out
        return out
