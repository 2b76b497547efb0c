"""Codes by case attribute: coded turns and cases per code (or theme) and attribute value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qualcode.cases import case_attributes, case_of_turns, select_attributes, validate_cases
from qualcode.codebook import Codebook
from qualcode.codingframe import (
    ATTRIBUTE,
    BASE_TURNS,
    CASES,
    CASES_TOTAL,
    CODE_LABEL,
    SHARE,
    THEME,
    THEME_LABEL,
    TURNS,
    VALUE,
    Selection,
    coded_pairs,
    object_values,
    prepare,
    unique,
    with_meta,
)
from qualcode.errors import QualcodeError
from qualcode.schema import CASE, CODE, TURN_ID

__all__ = ["code_attribute_frequencies", "code_attribute_matrix"]


def code_attribute_frequencies(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    cases: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    attributes: Selection = None,
    level: str = "code",
    coder: Selection = None,
    min_score: float | None = None,
) -> pd.DataFrame:
    """Count coded turns and cases per code (or theme) and value of each case attribute.

    The turns counted are those that belong to a case (:func:`qualcode.cases.case_of_turns`:
    with an interview-only join, the participant turns). A case counts for a code when at
    least one of its turns has the code: "2 of 3 cases" with that attribute value.

    Parameters
    ----------
    turns, codings : DataFrame
        The turns and codings tables.
    cases : DataFrame
        A cases table (:func:`qualcode.cases.read_cases`).
    codebook : Codebook, optional
        Order, labels and themes of the codes.
    attributes : str or list of str, optional
        Attributes to count by (default: every attribute, in the table's order).
    level : {"code", "theme"}
        Count codes, or themes (a turn with any code of the theme counts once).
    coder, min_score
        As in :func:`code_frequencies`.

    Returns
    -------
    DataFrame
        One row per attribute, code (or theme) and value: ``attribute``, ``theme``,
        ``theme_label``, [``code``, ``code_label``], ``value``, ``turns`` (coded turns of the
        cases with the value), ``base_turns`` (all their turns), ``share``, ``cases`` (cases
        with the value that have the code at least once) and ``cases_total`` (cases with the
        value). Attributes in the order asked, codes in codebook order, values in order of
        first appearance in the cases table; a case without a value is left out of that
        attribute's counts.

    Raises
    ------
    QualcodeError
        For an unknown attribute or level; :class:`~qualcode.errors.TableError` when a cases
        row matches no turn.

    Examples
    --------
    >>> import pandas as pd
    >>> turns = pd.DataFrame({"turn_id": ["a", "b", "c"], "interview": ["I1", "I1", "I2"],
    ...     "position": [1, 2, 1], "speaker": ["P", "N1", "N2"],
    ...     "role": ["interviewer", "participant", "participant"],
    ...     "text": ["Bagaimana?", "klien lama", "klien baru"]})
    >>> codings = pd.DataFrame({"turn_id": ["b", "c"], "code": ["retain", "retain"]})
    >>> cases = pd.DataFrame({"case": ["Juliana", "Jimmy"], "interview": ["I1", "I2"],
    ...     "gender": ["female", "male"]})
    >>> code_attribute_frequencies(turns, codings, cases)[["value", "turns", "cases"]]
        value  turns  cases
    0  female      1      1
    1    male      1      1
    """
    if level not in ("code", "theme"):
        msg = f"unknown level {level!r}; expected 'code' or 'theme'"
        raise QualcodeError(msg)
    frame = prepare(turns, codings, codebook, coder=coder, min_score=min_score)
    checked = validate_cases(cases)
    chosen = select_attributes(checked, attributes)
    of_turn = case_of_turns(frame.turns, checked)
    member = of_turn.notna().to_numpy()
    base = frame.turns.loc[member, [TURN_ID]].assign(**{CASE: of_turn[member].to_numpy()})
    pairs = coded_pairs(frame, base, level=level).merge(base, on=TURN_ID)
    units = frame.codes if level == "code" else frame.themes
    unit_col = CODE if level == "code" else THEME
    table = case_attributes(checked).set_index(CASE)
    with_turns = set(object_values(base[CASE]))
    names = [c for c in table.index if c in with_turns]
    coded = (
        pd.crosstab(pairs[CODE], pairs[CASE])
        .reindex(index=units, columns=names, fill_value=0)
        .to_numpy(dtype=np.int64)
    )
    base_turns = base[CASE].value_counts().reindex(names).to_numpy(dtype=np.int64)
    frames = []
    for attr in chosen:
        value_of = table.loc[names, attr]
        values = unique(value_of)
        member_of = np.array([[v == value for value in values] for v in object_values(value_of)])
        member_of = member_of.reshape(len(names), len(values)).astype(np.int64)
        n_turns, n_cases = coded @ member_of, (coded > 0).astype(np.int64) @ member_of
        n_base, n_total = base_turns @ member_of, member_of.sum(axis=0)
        frames.append(
            pd.DataFrame(
                {
                    ATTRIBUTE: attr,
                    unit_col: np.repeat(units, len(values)),
                    VALUE: np.tile(values, len(units)),
                    TURNS: n_turns.ravel(),
                    BASE_TURNS: np.tile(n_base, len(units)),
                    CASES: n_cases.ravel(),
                    CASES_TOTAL: np.tile(n_total, len(units)),
                }
            )
        )
    columns = [ATTRIBUTE, unit_col, VALUE, TURNS, BASE_TURNS, CASES, CASES_TOTAL]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    for col in (ATTRIBUTE, unit_col, VALUE):
        out[col] = out[col].astype("string")
    for col in (TURNS, BASE_TURNS, CASES, CASES_TOTAL):
        out[col] = out[col].astype("int64")
    out.insert(
        list(out.columns).index(CASES),
        SHARE,
        (out[TURNS] / out[BASE_TURNS].where(out[BASE_TURNS] > 0)).astype("float64"),
    )
    if level == "code":
        return with_meta(out, frame.meta)
    labels = frame.meta.drop_duplicates(THEME).set_index(THEME)[THEME_LABEL]
    out.insert(2, THEME_LABEL, out[THEME].map(labels).astype("string"))
    return out


def code_attribute_matrix(
    turns: pd.DataFrame,
    codings: pd.DataFrame,
    cases: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    attribute: str,
    value: str = "turns",
    coder: Selection = None,
    min_score: float | None = None,
) -> pd.DataFrame:
    """Tabulate codes (rows, codebook order) against the values of one case attribute.

    Parameters
    ----------
    attribute : str
        The attribute (a column of the cases table).
    value : {"turns", "cases", "share"}
        Coded turns, cases with the code, or the coded share of the cases' turns.
    coder, min_score
        As in :func:`code_frequencies`.

    Returns
    -------
    DataFrame
        Index ``code`` (names), one column per attribute value; ``attrs["labels"]`` maps code
        names to labels and ``attrs["cases_total"]`` each value to its number of cases.
    """
    if value not in (TURNS, CASES, SHARE):
        msg = f"unknown value {value!r}; expected 'turns', 'cases' or 'share'"
        raise QualcodeError(msg)
    freq = code_attribute_frequencies(
        turns, codings, cases, codebook, attributes=[attribute], coder=coder, min_score=min_score
    )
    codes, values = unique(freq[CODE]), unique(freq[VALUE])
    matrix = freq.pivot(index=CODE, columns=VALUE, values=value).reindex(
        index=codes, columns=values
    )
    matrix.columns.name = attribute
    matrix.index = pd.Index(codes, name=CODE, dtype="string")
    matrix.attrs["labels"] = dict(zip(freq[CODE], freq[CODE_LABEL], strict=True))
    matrix.attrs["cases_total"] = dict(zip(freq[VALUE], freq[CASES_TOTAL], strict=True))
    return matrix
