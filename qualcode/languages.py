"""The languages qualcode writes in, and every user-facing label in each: spelled once here.

The command line's ``--lang`` choices, the codebook's study language (``language: id``) and the
per-language texts of a codebook (``label: {en: ..., id: ...}``) all come from
:data:`LANGUAGES`; a report, chart or appendix without a language asked for is in the
codebook's study language, else :data:`DEFAULT_LANGUAGE`
(:func:`qualcode.codebook_texts.report_language`). The texts of the Word appendix, the HTML
report and the charts (:func:`texts`) and the sheet names and column headers of the report
workbook (:data:`COLUMN_LABELS`, :data:`SHEET_NAMES` and their Indonesian versions) are here too.
"""

from __future__ import annotations

from qualcode.errors import QualcodeError

__all__ = [
    "COLUMN_LABELS",
    "COLUMN_LABELS_ID",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "SHEET_NAMES",
    "SHEET_NAMES_ID",
    "check_language",
    "texts",
]

#: the languages of reports, charts and the Word appendix (ISO 639-1 codes)
LANGUAGES: tuple[str, ...] = ("en", "id")
#: the language used when neither the caller nor the codebook names one
DEFAULT_LANGUAGE = "en"


def check_language(lang: str) -> str:
    """Return ``lang`` if qualcode writes in it.

    Raises
    ------
    QualcodeError
        For another language, naming the ones it knows.
    """
    if lang not in LANGUAGES:
        msg = f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}"
        raise QualcodeError(msg)
    return lang


# --- the Word appendix, the HTML report and the charts --------------------------------------
_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "lang": "en",
        "appendix": "Appendix",
        "contents": "Contents",
        "toc_empty": "(no headings)",
        "codebook": "Codebook",
        "transcripts": "Interview Transcripts",
        "segments": "Coded Segments",
        "frequencies": "Theme Frequencies",
        "table": "Table",
        "figure": "Figure",
        "page": "Page",
        "no": "No",
        "speaker": "Speaker",
        "text": "Text",
        "codes": "Codes",
        "code": "Code",
        "theme": "Theme",
        "definition": "Definition",
        "examples": "Examples",
        "include": "Use when",
        "exclude": "Do not use when",
        "keywords": "Keywords",
        "turns": "Turns",
        "share": "Share of participant turns",
        "interviews": "Interviews",
        "speakers": "Informants",
        "of": "{n} of {total}",
        "all_codes": "{theme} (any code)",
        "caption_codebook": "Codebook: codes, definitions and examples",
        "caption_transcript": "Transcript of {interview}",
        "caption_frequencies": "Participant turns coded with each code and theme",
        "caption_chart": "Coded participant turns per code, grouped by theme",
        "chart_title": "Coded turns per code, grouped by theme",
        "chart_xlabel": "Participant turns coded",
        "chart_legend": "Theme",
        "source": "{who}, {interview}, turn {position}",
        "source_short": "{who}, turn {position}",
        "coded_auto": "coded automatically",
        "coded_by": "coded by {coders}",
        "coder_machine": "automatic ({coder})",
        "coder_suggestion": "suggestion, not yet reviewed ({coder})",
        "coded_suggestion": "suggestion, not yet reviewed",
        "suggested_turns": "Of which only suggested",
        "coders_shown": "Codings shown: {coders}.",
        "shown_machine": "coded automatically",
        "shown_suggestion": "suggestions not yet reviewed (made automatically)",
        "includes_suggestions": " (including suggestions not yet reviewed)",
        "score_header": "Score",
        "score": "score {score}",
        "question": "Question",
        "no_segments": "No coded segments.",
        "other_theme": "Codes not in the codebook",
        "report_title": "Coding report",
        "summary": "Summary",
        "charts": "Charts",
        "coders": "Coders",
        "agreement": "Agreement between coders",
        "all": "All",
        "shown": "shown",
        "interview": "Interview",
        "coder": "Coder",
        "turn": "Turn",
        "heatmap_title": "Coded turns per code and interview",
        "cooc_title": "Codes given to the same turn",
        "coder_title": "Coded turns per code, by coder",
        "attributes": "Codes by Case Attribute",
        "cases": "Cases",
        "case": "Case",
        "caption_cases": "Cases and their attributes",
        "caption_attribute": (
            "Coded turns per code and {attribute} (in brackets: cases with the code, of the "
            "cases with that {attribute})"
        ),
        "value_case": "{value} (1 case)",
        "value_cases": "{value} ({n} cases)",
        "attr_cell": "{turns} ({n} of {total})",
        "chart_xlabel_share": "Share of participant turns",
        "chart_other": "(other)",
        "cbar_turns": "Coded turns",
        "cbar_share": "Share of participant turns",
        "cbar_both": "Turns with both codes",
        "cbar_jaccard": "Jaccard index (both / either)",
        "cooc_diagonal": "Grey diagonal: turns with the code (n)",
        "coder_xlabel": "Turns coded",
        "summary_line": (
            "{interviews} interviews, {turns} turns ({participant} by participants); "
            "{codings} codings by {coders}; codebook {codebook} with {codes} codes."
        ),
    },
    "id": {
        "lang": "id",
        "appendix": "Lampiran",
        "contents": "Daftar Isi",
        "toc_empty": "(tidak ada judul)",
        "codebook": "Buku Kode",
        "transcripts": "Transkrip Wawancara",
        "segments": "Segmen Terkode",
        "frequencies": "Frekuensi Tema",
        "table": "Tabel",
        "figure": "Gambar",
        "page": "Halaman",
        "no": "No",
        "speaker": "Pembicara",
        "text": "Teks",
        "codes": "Kode",
        "code": "Kode",
        "theme": "Tema",
        "definition": "Definisi",
        "examples": "Contoh",
        "include": "Digunakan jika",
        "exclude": "Tidak digunakan jika",
        "keywords": "Kata kunci",
        "turns": "Giliran",
        "share": "Persentase giliran narasumber",
        "interviews": "Wawancara",
        "speakers": "Narasumber",
        "of": "{n} dari {total}",
        "all_codes": "{theme} (semua kode)",
        "caption_codebook": "Buku kode: kode, definisi dan contoh",
        "caption_transcript": "Transkrip wawancara {interview}",
        "caption_frequencies": "Jumlah giliran narasumber yang diberi kode per kode dan tema",
        "caption_chart": "Jumlah giliran narasumber terkode per kode, dikelompokkan menurut tema",
        "chart_title": "Giliran terkode per kode, menurut tema",
        "chart_xlabel": "Jumlah giliran narasumber terkode",
        "chart_legend": "Tema",
        "source": "{who}, {interview}, giliran {position}",
        "source_short": "{who}, giliran {position}",
        "coded_auto": "dikodekan otomatis",
        "coded_by": "dikodekan oleh {coders}",
        "coder_machine": "otomatis ({coder})",
        "coder_suggestion": "saran, belum ditinjau ({coder})",
        "coded_suggestion": "saran, belum ditinjau",
        "suggested_turns": "Di antaranya hanya saran",
        "coders_shown": "Pengodean yang ditampilkan: {coders}.",
        "shown_machine": "dikodekan otomatis",
        "shown_suggestion": "saran otomatis yang belum ditinjau",
        "includes_suggestions": " (termasuk saran yang belum ditinjau)",
        "score_header": "Skor",
        "score": "skor {score}",
        "question": "Pertanyaan",
        "no_segments": "Tidak ada segmen terkode.",
        "other_theme": "Kode di luar buku kode",
        "report_title": "Laporan pengodean",
        "summary": "Ringkasan",
        "charts": "Grafik",
        "coders": "Pengode",
        "agreement": "Kesepakatan antarpengode",
        "all": "Semua",
        "shown": "ditampilkan",
        "interview": "Wawancara",
        "coder": "Pengode",
        "turn": "Giliran",
        "heatmap_title": "Giliran terkode per kode dan wawancara",
        "cooc_title": "Kode yang diberikan pada giliran yang sama",
        "coder_title": "Giliran terkode per kode, menurut pengode",
        "attributes": "Kode menurut Atribut Kasus",
        "cases": "Kasus",
        "case": "Kasus",
        "caption_cases": "Kasus dan atributnya",
        "caption_attribute": (
            "Giliran terkode per kode dan {attribute} (dalam kurung: kasus yang memiliki kode, "
            "dari kasus dengan {attribute} tersebut)"
        ),
        "value_case": "{value} (1 kasus)",
        "value_cases": "{value} ({n} kasus)",
        "attr_cell": "{turns} ({n} dari {total})",
        "chart_xlabel_share": "Persentase giliran narasumber",
        "chart_other": "(lainnya)",
        "cbar_turns": "Giliran terkode",
        "cbar_share": "Persentase giliran narasumber",
        "cbar_both": "Giliran dengan kedua kode",
        "cbar_jaccard": "Indeks Jaccard (keduanya / salah satu)",
        "cooc_diagonal": "Diagonal abu-abu: giliran dengan kode tersebut (n)",
        "coder_xlabel": "Giliran yang dikode",
        "summary_line": (
            "{interviews} wawancara, {turns} giliran ({participant} oleh narasumber); "
            "{codings} kode oleh {coders}; buku kode {codebook} dengan {codes} kode."
        ),
    },
}


def texts(lang: str) -> dict[str, str]:
    """Return the texts of the Word appendix, the HTML report and the charts in ``lang``.

    Raises
    ------
    QualcodeError
        For another language.
    """
    try:
        return _TEXTS[lang]
    except KeyError:
        msg = f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}"
        raise QualcodeError(msg) from None


# --- the report workbook ------------------------------------------------------------------
#: readable headers for the columns of the report tables (machine names stay in CSV files)
COLUMN_LABELS: dict[str, str] = {
    "theme": "Theme",
    "theme_label": "Theme label",
    "code": "Code",
    "code_label": "Code label",
    "interview": "Interview",
    "position": "Turn no.",
    "turn_id": "Turn id",
    "speaker": "Speaker",
    "role": "Role",
    "coder": "Coder",
    "score": "Score",
    "evidence": "Evidence",
    "question": "Question asked before",
    "question_turn_id": "Question turn id",
    "text": "Text",
    "marked_text": "Text (evidence «marked»)",
    "spans": "Evidence spans (character offsets)",
    "source": "Source file",
    "line": "Line",
    "turns": "Coded turns",
    "base_turns": "Turns counted",
    "share": "Share of turns",
    "interviews": "Interviews with the code",
    "interviews_total": "Interviews",
    "speakers": "Speakers with the code",
    "speakers_total": "Speakers",
    "code_a": "Code A",
    "code_a_label": "Code A label",
    "code_b": "Code B",
    "code_b_label": "Code B label",
    "both": "Turns with both",
    "turns_a": "Turns with A",
    "turns_b": "Turns with B",
    "either": "Turns with either",
    "jaccard": "Jaccard index",
    "coder_a": "Coder A",
    "coder_b": "Coder B",
    "only_a": "Only coder A",
    "only_b": "Only coder B",
    "neither": "Neither coder",
    "agreement": "Percent agreement",
    "kappa": "Cohen's kappa",
    "suggestion_id": "Suggestion",
    "suggested_by": "Suggested by",
    "decision": "Decision (accept / reject)",
    "note": "Note",
    "final": "Final decision (coded / not coded)",
    "kind": "Coded by (person / machine / suggestion)",
    "suggested_turns": "Of which only suggested (not reviewed)",
    "codings": "Codings",
    "setting": "Setting",
    "case": "Case",
    "attribute": "Attribute",
    "value": "Value",
    "cases": "Cases with the code",
    "cases_total": "Cases",
}

#: sheet names for the tables of :func:`qualcode.reports.report_tables`
SHEET_NAMES: dict[str, str] = {
    "coders_shown": "Coders shown",
    "segments": "Coded segments",
    "code_frequencies": "Code frequencies",
    "theme_frequencies": "Theme frequencies",
    "by_interview": "By interview",
    "by_speaker": "By speaker",
    "by_role": "By role",
    "code_by_interview": "Code x interview",
    "cooccurrence": "Co-occurrence",
    "coder_counts": "Coders",
    "coder_agreement": "Coder agreement",
    "cases": "Cases",
    "code_by_attribute": "Code x attribute",
    "theme_by_attribute": "Theme x attribute",
    "adjudication": "Adjudication",
    "about": "About",
}

#: (the review and adjudication sheets, which are read back, keep their English headers)
#: column headers of the report tables in Indonesian
COLUMN_LABELS_ID: dict[str, str] = {
    "theme": "Tema",
    "theme_label": "Label tema",
    "code": "Kode",
    "code_label": "Label kode",
    "interview": "Wawancara",
    "position": "Giliran ke-",
    "turn_id": "Id giliran",
    "speaker": "Pembicara",
    "role": "Peran",
    "coder": "Pengode",
    "kind": "Dikodekan oleh (orang / mesin / saran)",
    "codings": "Pengodean",
    "suggested_turns": "Di antaranya hanya disarankan (belum ditinjau)",
    "score": "Skor",
    "evidence": "Bukti",
    "question": "Pertanyaan sebelumnya",
    "question_turn_id": "Id giliran pertanyaan",
    "text": "Teks",
    "marked_text": "Teks (bukti «ditandai»)",
    "spans": "Rentang bukti (posisi karakter)",
    "source": "Berkas sumber",
    "line": "Baris",
    "turns": "Giliran terkode",
    "base_turns": "Giliran yang dihitung",
    "share": "Persentase giliran",
    "interviews": "Wawancara dengan kode",
    "interviews_total": "Wawancara",
    "speakers": "Pembicara dengan kode",
    "speakers_total": "Pembicara",
    "code_a": "Kode A",
    "code_a_label": "Label kode A",
    "code_b": "Kode B",
    "code_b_label": "Label kode B",
    "both": "Giliran dengan keduanya",
    "turns_a": "Giliran dengan A",
    "turns_b": "Giliran dengan B",
    "either": "Giliran dengan salah satu",
    "jaccard": "Indeks Jaccard",
    "coder_a": "Pengode A",
    "coder_b": "Pengode B",
    "only_a": "Hanya pengode A",
    "only_b": "Hanya pengode B",
    "neither": "Tidak keduanya",
    "agreement": "Persentase kesepakatan",
    "kappa": "Kappa Cohen",
    "case": "Kasus",
    "attribute": "Atribut",
    "value": "Nilai",
    "cases": "Kasus dengan kode",
    "cases_total": "Kasus",
}

#: sheet names of the report tables in Indonesian (at most 31 characters)
SHEET_NAMES_ID: dict[str, str] = {
    "coders_shown": "Pengodean yang ditampilkan",
    "segments": "Segmen terkode",
    "code_frequencies": "Frekuensi kode",
    "theme_frequencies": "Frekuensi tema",
    "by_interview": "Per wawancara",
    "by_speaker": "Per pembicara",
    "by_role": "Per peran",
    "code_by_interview": "Kode x wawancara",
    "cooccurrence": "Kode bersamaan",
    "coder_counts": "Pengode",
    "coder_agreement": "Kesepakatan pengode",
    "cases": "Kasus",
    "code_by_attribute": "Kode x atribut",
    "theme_by_attribute": "Tema x atribut",
}
