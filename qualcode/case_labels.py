"""Labels of case attributes and their values, per language, for report tables.

A cases table's columns are short names (``job_title``) and its values are often codes or
English words (``female``). A label file gives what a reader of the report sees, in each
language: a CSV with the columns ``attribute``, ``value`` and one column per language
(``en``, ``id``). A row with an empty ``value`` labels the attribute itself::

    attribute,value,en,id
    gender,,gender,jenis kelamin
    gender,female,female,perempuan

The command line reads ``case_labels.csv`` from the folder of the cases file when there is one.
Values and attributes without a label keep their own text; a label missing in the language
asked for is taken from the other language's column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualcode.errors import TableError
from qualcode.languages import LANGUAGES, check_language
from qualcode.schema import CASE_JOIN_COLUMNS
from qualcode.tables import read_text_csv

__all__ = ["CASE_LABELS_NAME", "CaseLabels", "find_case_labels", "read_case_labels"]

#: the label file the command line looks for beside a cases file
CASE_LABELS_NAME = "case_labels.csv"
ATTRIBUTE = "attribute"
VALUE = "value"


@dataclass(frozen=True)
class CaseLabels:
    """Labels by (attribute, value) and language; value ``""`` labels the attribute."""

    labels: dict[tuple[str, str], dict[str, str]]
    source: Path | None = None

    def label(self, attribute: str, value: str, lang: str) -> str | None:
        """The label in ``lang`` (else another language's), or None when there is none."""
        given = self.labels.get((attribute, value))
        if not given:
            return None
        if given.get(lang):
            return given[lang]
        return next((text for text in given.values() if text), None)

    def apply(self, cases: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
        """Return ``cases`` with attribute names and values labelled, and the new names.

        The join columns (``case``, ``interview``, ``speaker``, ``title``) are left as
        they are.

        Returns
        -------
        DataFrame
            A copy of ``cases``.
        dict of str to str
            Attribute name -> its label (for every attribute, labelled or not).
        """
        check_language(lang)
        out = cases.copy()
        names: dict[str, str] = {}
        skip = {"case", "title", *CASE_JOIN_COLUMNS}
        for col in [str(c) for c in out.columns if str(c) not in skip]:
            values = out[col].astype("string")
            mapping = {v: self.label(col, v, lang) or v for v in values.dropna().unique().tolist()}
            out[col] = values.map(mapping, na_action="ignore")
            names[col] = self.label(col, "", lang) or col
        taken = list(names.values())
        if len(set(taken)) != len(taken):
            msg = "two attributes would get the same label; give each attribute its own"
            raise TableError(msg, path=self.source)
        return out.rename(columns=names), names


def read_case_labels(path: str | Path) -> CaseLabels:
    """Read a label file (columns ``attribute``, ``value``, then ``en``, ``id``, ...).

    Raises
    ------
    TableError
        If the file is missing or unreadable, has no ``attribute``/``value`` column or no
        language column, or labels the same attribute value twice.
    """
    p = Path(path)
    df = read_text_csv(p, what="case label", expected="expected a CSV")
    df.columns = [str(c).strip() for c in df.columns]
    langs = [c for c in df.columns if c in LANGUAGES]
    if ATTRIBUTE not in df.columns or VALUE not in df.columns or not langs:
        msg = (
            f"expected the columns attribute, value and one per language ({', '.join(LANGUAGES)});"
            f" got {', '.join(df.columns)}"
        )
        raise TableError(msg, path=p, line=1)
    labels: dict[tuple[str, str], dict[str, str]] = {}
    for i, data in enumerate(df.to_dict("records")):
        key = (str(data[ATTRIBUTE]).strip(), str(data[VALUE]).strip())
        if not key[0]:
            raise TableError("empty attribute; every row names one", path=p, line=i + 2)
        if key in labels:
            what = f"value {key[1]!r} of " if key[1] else ""
            msg = f"{what}attribute {key[0]!r} is labelled twice"
            raise TableError(msg, path=p, line=i + 2)
        labels[key] = {lang: str(data[lang]).strip() for lang in langs}
    return CaseLabels(labels, source=p)


def find_case_labels(cases_path: str | Path | None) -> CaseLabels | None:
    """The label file beside a cases file (``case_labels.csv``), if there is one."""
    if cases_path is None:
        return None
    candidate = Path(cases_path).parent / CASE_LABELS_NAME
    return read_case_labels(candidate) if candidate.is_file() else None
