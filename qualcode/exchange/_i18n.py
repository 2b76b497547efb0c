"""Texts of the Word appendix, the HTML report and the charts in English and Indonesian."""

from __future__ import annotations

from qualcode.errors import QualcodeError

LANGUAGES = ("en", "id")

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
    """Return the texts for ``lang`` ("en" or "id").

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
