"""Agreement between coders: percent agreement, Cohen's kappa and Krippendorff's alpha.

The unit of analysis is the speaker turn. For each code, every coder gives each turn a 1 (coded)
or a 0 (seen and not coded); a turn a coder did not see is missing. Which turns a coder saw:

* ``seen="all"`` (default): every coder saw every unit. The units are the turns of the turns
  table when one is given, else every turn id that anyone coded (so a turn nobody coded is
  invisible without a turns table: pass one to count agreement on "nothing applies").
* ``seen="interview"``: a coder saw the turns of each interview in which they coded at least one
  turn, and nothing else (needs the turns table). Use it when coders split the interviews.

With a turns table, only the participants' turns (and any other turn someone coded) are units
unless ``all_speakers=True``: the interviewer's questions are not what is being coded, and
counting them as agreed "nothing applies" would inflate agreement.

Cohen's kappa is computed per pair of coders over the units both saw; with more than two coders
the table reports the mean over pairs (Light's kappa) and :func:`pairwise_agreement` lists the
pairs. Krippendorff's alpha (nominal) uses all coders and allows missing values. The
``(overall)`` row pools every (turn, code) decision as one binary unit.

One module per job: :mod:`~qualcode.agreement.statistics` (the numbers),
:mod:`~qualcode.agreement.reliability` (the coders x turns x codes array),
:mod:`~qualcode.agreement.tables` (agreement per code and overall, disagreements) and
:mod:`~qualcode.agreement.pairs` (every pair of coders code by code, one counting routine for
the two unit rules: :func:`pairwise_agreement` and the report's :func:`coder_agreement`).
"""

from __future__ import annotations

from qualcode.agreement.pairs import coder_agreement, pairwise_agreement
from qualcode.agreement.reliability import SEEN, Seen, reliability_data
from qualcode.agreement.statistics import (
    alpha_from_counts,
    binary_stats,
    cohen_kappa,
    kappa_interval,
    krippendorff_alpha,
    percent_agreement,
    percent_from_counts,
)
from qualcode.agreement.tables import OVERALL, agreement_table, disagreements
from qualcode.kappa import kappa_from_confusion

__all__ = [
    "OVERALL",
    "SEEN",
    "Seen",
    "agreement_table",
    "alpha_from_counts",
    "binary_stats",
    "coder_agreement",
    "cohen_kappa",
    "disagreements",
    "kappa_from_confusion",
    "kappa_interval",
    "krippendorff_alpha",
    "pairwise_agreement",
    "percent_agreement",
    "percent_from_counts",
    "reliability_data",
]
