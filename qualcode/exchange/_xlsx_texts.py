"""Sheet names and column headers of the report workbook in Indonesian.

The English ones are :data:`qualcode.exchange.xlsx.COLUMN_LABELS` and ``SHEET_NAMES``; a
header or sheet missing here is written in English. Review and adjudication sheets, which are
read back, keep their English headers.
"""

from __future__ import annotations

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
