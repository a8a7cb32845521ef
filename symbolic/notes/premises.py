"""Implications between equations (``A \\Rightarrow B``): what a premise does to the verdicts.

:mod:`.math_block` reads each side of an arrow as a chain of its own and marks the left
side as a premise. A premise is not a claim: the author assumes it. So a premise that does
not hold in the model is undecided, never refuted, and what follows it is refuted only when
the premise holds — a true conclusion makes the implication true whatever the premise is.
"""

from __future__ import annotations

from ..results import ClaimResult
from ..verdicts import Verdict
from .math_block import ChainSource


class Premises:
    """Follows the chains of one note in order, remembering whether the last premise held."""

    def __init__(self) -> None:
        self.given: bool | None = None  # after A in A \Rightarrow B: whether A holds in the model
        self.held: bool | None = None  # whether the chain before held (None: it was no claim)

    def follow(self, chain: ChainSource, record: ClaimResult | None) -> ClaimResult | None:
        """``record`` of ``chain``, made undecided where a refutation would overstep a premise."""
        given, self.given = self.given, None
        if chain.follows and self.held is not None:  # "\Rightarrow B" after the display of its premise
            given = given is not False and self.held
        self.held = None if record is None else record.verdict.holds or record.verdict == Verdict.DEFINITION
        if record is not None and record.verdict == Verdict.REFUTED and (given is False or chain.premise):
            why = ("a premise (the left side of an implication) that does not hold in this model"
                   if chain.premise else
                   "false on its own, but it follows a premise that does not hold in this model")
            record.verdict, record.message = Verdict.UNDECIDED, f"{why}: {record.message}"
        if chain.premise:
            self.given = given is not False and bool(self.held)
        return record
