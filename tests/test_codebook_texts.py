"""Codebook texts per language: parsed, written back, chosen for a report, missing ones said."""

from __future__ import annotations

import warnings

import pytest
from conftest import CODEBOOK

import qualcode as qc
from qualcode.codebook import dump_codebook, parse_codebook
from qualcode.codebook.texts import MissingTextWarning, localize_codebook, report_codebook
from qualcode.errors import CodebookError

TWO = """
name: demo
language: id
languages: [id, en]
themes:
  - name: stages
    label: {en: CRM stages, id: Tahapan CRM}
    codes:
      - name: retain
        label:
          en: Retain
          id: Mempertahankan
        description: {en: Keeping clients.}
        keywords: [trust]
"""


def test_codebook_texts_per_language_round_trip():
    book = parse_codebook(TWO)
    assert book.language == "id"
    assert book.themes[0].label == "Tahapan CRM"  # the study language's text
    assert book.code("retain").description == "Keeping clients."  # the only one given
    assert parse_codebook(dump_codebook(book)) == book


def test_localize_codebook_falls_back_and_lists_what_is_missing():
    book = parse_codebook(TWO)
    en, missing = localize_codebook(book, "en")
    assert (en.themes[0].label, en.code("retain").label) == ("CRM stages", "Retain")
    assert missing == []
    ind, missing = localize_codebook(book, "id")
    assert ind.code("retain").label == "Mempertahankan"
    assert ind.code("retain").description == "Keeping clients."
    assert missing == ["code 'retain' description"]


def test_report_codebook_warns_once_and_defaults_to_the_study_language():
    book = parse_codebook(TWO)
    with pytest.warns(MissingTextWarning, match=r"no Indonesian text for 1 text\(s\)") as rec:
        _, lang = report_codebook(book, None)
    assert lang == "id" and len(rec) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert report_codebook(book, "en")[1] == "en"


def test_codebook_text_languages_checked():
    with pytest.raises(CodebookError, match=r"line 7: the label of code 'r' is given in 'fr'"):
        parse_codebook("themes:\n  - name: t\n    codes:\n      - name: r\n        label:\n"
                       "          en: Retain\n          fr: Retenir\n")  # fmt: skip
    with pytest.raises(CodebookError, match=r"line 1: bad study language 'de'"):
        parse_codebook("language: de\nthemes:\n  - name: t\n")


def test_sample_codebook_has_indonesian_for_every_theme_and_code():
    book = qc.read_codebook(CODEBOOK)
    assert book.language == "id"
    ind, missing = localize_codebook(book, "id")
    assert missing == []
    assert [t.label for t in ind.themes] == ["Model IDIC", "Tahapan CRM"]
    for code in ind.codes:
        given = {(f, lang) for f, lang, _ in book.code(code.name).translations}
        assert {(f, "id") for f in ("label", "description", "include", "exclude")} <= given
    en, missing = localize_codebook(book, "en")
    assert missing == [] and en.code("identify").description.startswith("Getting to know")


def test_model_file_keeps_the_codebook_texts_per_language(tmp_path):
    import pandas as pd

    from qualcode.coding.classifier import CodeClassifier, load_model

    book = parse_codebook(TWO)
    x = pd.Series(["saya percaya klien", "klien baru datang", "trust itu penting", "lain"] * 3)
    y = pd.DataFrame({"retain": [1, 0, 1, 0] * 3})
    path = CodeClassifier(codebook=book, random_state=0).fit(x, y).save(tmp_path / "m.qcm")
    loaded = load_model(path).codebook_
    assert loaded == book and loaded.language == "id"
    assert localize_codebook(loaded, "en")[0].themes[0].label == "CRM stages"
