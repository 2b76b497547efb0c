"""Saying in an output whose codings it shows (:mod:`qualcode.provenance`), in its language.

The Word appendix names its coders in one line ("Codings shown: ana, suggestions not yet
reviewed (made automatically)."), and when suggestions nobody reviewed are among them, its
table and chart captions say so (as do the HTML report's).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from qualcode.provenance import MACHINE, SUGGESTION, coders_shown

__all__ = ["CAPTIONS", "shown_line", "with_suggestion_captions"]

#: the captions that get the "including suggestions" note
CAPTIONS: tuple[str, ...] = ("caption_frequencies", "caption_chart", "caption_attribute")


def shown_line(codings: pd.DataFrame, t: Mapping[str, str]) -> str:
    """One sentence naming the coders of ``codings`` and what their codings are."""
    shown = coders_shown(codings)
    names = []
    for coder, kind in zip(shown["coder"], shown["kind"], strict=True):
        # a reader sees people by name and the machine as what it did ("rules" means nothing)
        key = {MACHINE: "shown_machine", SUGGESTION: "shown_suggestion"}.get(str(kind))
        names.append(t[key] if key else str(coder))
    return t["coders_shown"].format(coders=", ".join(dict.fromkeys(names)) or "-")


def with_suggestion_captions(t: Mapping[str, str], codings: pd.DataFrame) -> dict[str, str]:
    """``t`` with the captions noting suggestions when ``codings`` hold any."""
    out = dict(t)
    if SUGGESTION in set(coders_shown(codings)["kind"]):
        for key in CAPTIONS:
            if key in out:
                out[key] = out[key] + out["includes_suggestions"]
    return out
