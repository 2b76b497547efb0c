"""The Word appendix: codebook, transcripts, coded segments and theme frequencies.

The document uses Word's own structure so that it drops into a thesis: heading styles
(Heading 1/2/3), a table of contents field that Word updates when the file is opened, page
numbers in the footer (a PAGE field), table styles and captions with SEQ fields, laid out like
the "Transkrip Wawancara" appendix of a thesis (No, speaker, text, codes).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from docx import Document

from qualcode import reports
from qualcode.cases import attribute_names, case_attributes, case_of_turns, validate_cases
from qualcode.codebook import Codebook
from qualcode.codingframe import prepare
from qualcode.errors import QualcodeError
from qualcode.exchange._prepare import (
    CaseLabelsArg,
    PseudonymsArg,
    TitlesArg,
    prepare_inputs,
)
from qualcode.exchange.docx.fields import fill_toc
from qualcode.exchange.docx.sections import (
    attributes_section,
    codebook_section,
    frequency_section,
    setup_document,
    transcripts_section,
)
from qualcode.exchange.docx.segments import segments_section
from qualcode.exchange.docx.tables import Captions
from qualcode.exchange.shown import shown_line, with_suggestion_captions
from qualcode.fileio import write_atomic
from qualcode.languages import texts
from qualcode.provenance import (
    KIND,
    SUGGESTED_TURNS,
    SUGGESTION,
    add_suggested_counts,
    coder_kinds,
    coding_kinds,
)
from qualcode.reports import CODE_LABEL, Selection
from qualcode.schema import CODE, CODER, TURN_ID

__all__ = ["write_docx_appendix"]

logger = logging.getLogger(__name__)


def _codes_of_turns(codings: pd.DataFrame, meta: pd.DataFrame) -> pd.Series:
    """Code labels per turn id, in codebook order, comma-separated."""
    if codings.empty:
        return pd.Series(dtype="string")
    pairs = codings[[TURN_ID, CODE]].drop_duplicates()
    order = {c: i for i, c in enumerate(meta.index)}
    pairs = pairs.assign(_o=pairs[CODE].map(order), _l=pairs[CODE].map(meta[CODE_LABEL]))
    pairs = pairs.sort_values("_o", kind="stable")
    return pairs.groupby(TURN_ID, sort=False)["_l"].agg(", ".join)


def _case_tables(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    cases: pd.DataFrame,
    attributes: Selection,
) -> dict[str, pd.DataFrame]:
    """The cases, code_by_attribute and theme_by_attribute tables of a report."""
    cases = validate_cases(cases)
    out = {"cases": case_attributes(cases)}
    if attribute_names(cases):
        for level in ("code", "theme"):
            out[f"{level}_by_attribute"] = reports.code_attribute_frequencies(
                turns, codings, cases, codebook, attributes=attributes, level=level
            )
    return out


def write_docx_appendix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    path: str | Path,
    *,
    lang: str | None = None,
    coder: Selection = None,
    min_score: float | None = None,
    title: str | None = None,
    transcripts: bool = True,
    segments: bool = True,
    chart: bool = True,
    tables: Mapping[str, pd.DataFrame] | None = None,
    cases: pd.DataFrame | None = None,
    attributes: Selection = None,
    chart_png: bytes | None = None,
    pseudonyms: PseudonymsArg = None,
    titles: TitlesArg = True,
    case_labels: CaseLabelsArg = None,
) -> Path:
    """Write the Word appendix: codebook, transcripts, coded segments and theme frequencies.

    With ``cases`` it ends with the cases and their attributes and, per attribute, a table of
    codes against the attribute's values (coded turns, and cases with the code of the cases
    with the value).

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    codebook : Codebook
        Order, labels, definitions and examples of the codes.
    path : str or Path
        The .docx file to write (folders are created).
    lang : {"en", "id"}, optional
        Language of headings, captions and the codebook's labels and texts ("Lampiran",
        "Transkrip Wawancara", ... for "id"); default: the codebook's study language, else
        English. Texts the codebook lacks in it are taken from its study language, with one
        :class:`~qualcode.codebook.texts.MissingTextWarning`.
    coder : str or list of str, optional
        Whose codings to show (default: all coders; a segment lists who coded it).
    min_score : float, optional
        Leave out codings scored lower.
    title : str, optional
        Document title (default "Appendix" / "Lampiran").
    transcripts, segments, chart : bool, default True
        Include the transcript tables, the coded segments, the theme chart.
    tables : mapping of str to DataFrame, optional
        Tables already built by :func:`qualcode.reports.report_tables` with the same
        ``coder`` and ``min_score`` (``segments``, ``code_frequencies``,
        ``theme_frequencies`` are reused instead of computed again; with ``cases``, also
        ``cases``, ``code_by_attribute`` and ``theme_by_attribute``).
    cases : DataFrame, optional
        A cases table (:func:`qualcode.cases.read_cases`).
    attributes : str or list of str, optional
        The attributes to tabulate (default: all of them).
    chart_png : bytes, optional
        The theme chart as PNG, already drawn (``charts/theme_frequencies.png`` of
        :func:`qualcode.exchange.report.write_report` in the same language); default: drawn
        here at 200 dpi.
    pseudonyms : Pseudonyms or str or Path, optional
        Names to replace (:func:`qualcode.pseudonyms.read_pseudonyms`) in every text written;
        its ``counts`` say how many replacements were made.
    titles : bool or mapping of str to str, default True
        Name interviews by readable titles (:func:`qualcode.titles.interview_titles`; a
        cases table's ``title`` column, or titles by interview id given here); ``False``
        keeps the interview ids.
    case_labels : CaseLabels or str or Path, optional
        Labels of the cases' attributes and values per language
        (:func:`qualcode.case_labels.read_case_labels`).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> write_docx_appendix(turns, codings, codebook, "appendix.docx", lang="id")  # doctest: +SKIP
    PosixPath('appendix.docx')
    """
    p = Path(path)
    if p.suffix.lower() != ".docx":
        msg = f"the Word appendix must be a .docx file, got {p.name!r}"
        raise QualcodeError(msg)
    ready = prepare_inputs(
        turns,
        codings,
        codebook,
        cases=cases,
        lang=lang,
        pseudonyms=pseudonyms,
        titles=titles,
        case_labels=case_labels,
        attributes=attributes,
    )
    turns, codings, codebook, cases = ready.turns, ready.codings, ready.codebook, ready.cases
    attributes = ready.attributes
    t = texts(ready.lang)
    frame = prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    meta = frame.meta
    kept = frame.codings
    t = with_suggestion_captions(t, kept)  # suggestions nobody reviewed are said to be so
    tables = tables or {}
    code_freq = tables.get("code_frequencies")
    if code_freq is None:
        code_freq = reports.code_frequencies(turns, kept, codebook)
    theme_freq = tables.get("theme_frequencies")
    if theme_freq is None:
        theme_freq = reports.theme_frequencies(turns, kept, codebook)
    if SUGGESTED_TURNS not in code_freq.columns and SUGGESTION in coder_kinds(kept).values():
        people = kept[coding_kinds(kept) != SUGGESTION]
        code_freq, theme_freq = code_freq.copy(), theme_freq.copy()
        add_suggested_counts(
            {"code_frequencies": code_freq, "theme_frequencies": theme_freq},
            {
                "code_frequencies": reports.code_frequencies(turns, people, codebook),
                "theme_frequencies": reports.theme_frequencies(turns, people, codebook),
            },
        )

    doc = Document()
    cap = Captions(doc, t)
    toc = setup_document(doc, t, title)
    doc.add_paragraph(shown_line(kept, t))
    codebook_section(doc, codebook, meta, t, cap)
    if transcripts:
        transcripts_section(doc, turns, _codes_of_turns(kept, meta), t, cap)
    if segments:
        seg = tables.get("segments")
        if seg is None:
            seg = reports.coded_segments(turns, kept, codebook)
        if KIND not in seg.columns:  # who made each coding (suggestions are cited as such)
            seg = seg.assign(**{KIND: seg[CODER].astype(str).map(coder_kinds(kept))})
        case_of: dict[str, str] = {}
        if cases is not None:
            found = case_of_turns(turns, validate_cases(cases), unmatched="ignore")
            case_of = {
                str(k): str(v)
                for k, v in zip(turns[TURN_ID], found, strict=True)
                if v is not None and not pd.isna(v)
            }
        segments_section(doc, seg, meta, t, case_of)
    frequency_section(
        doc, code_freq, theme_freq, codebook, t, cap, chart=chart, chart_png=chart_png
    )
    if cases is not None:
        if "cases" not in tables:
            tables = {**tables, **_case_tables(turns, kept, codebook, cases, attributes)}
        attributes_section(doc, tables, t, cap)
    fill_toc(doc, toc, empty=t["toc_empty"])
    write_atomic(p, lambda tmp: doc.save(str(tmp)))
    logger.info("wrote Word appendix %s", p)
    return p
