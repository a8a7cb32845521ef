"""Worked numbers: a step whose two sides are pure numbers.

The written result holds when it is the exact value rounded to the decimals
it was written with; within one unit of its last digit it holds with a
warning; otherwise the step is refuted and the exact value is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import sympy

from .verdicts import Verdict

_NUMBER = re.compile(r"^\s*[-+]?\s*(\d+)(?:\.(\d*))?\s*$")


@dataclass
class ArithmeticOutcome:
    verdict: Verdict
    message: str
    warnings: list[str] = field(default_factory=list)
    exact: str = ""


def decimals_written(text: str) -> int | None:
    """How many decimals a plain number literal was written with, or None."""
    m = _NUMBER.match(text.replace("{", "").replace("}", ""))
    if not m:
        return None
    return len(m.group(2) or "")


def exact_text(value: Fraction, digits: int = 10) -> str:
    """A short exact-or-decimal rendering of a rational value."""
    d = Decimal(value.numerator) / Decimal(value.denominator)
    if value.denominator in (1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 100, 125, 200, 250, 500,
                             1000, 10000, 100000, 1000000) or len(str(d)) <= 14:
        return format(d.normalize(), "f")
    return f"{d:.{digits}g}"


def rounded(value: Fraction, decimals: int) -> Decimal:
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def check_arithmetic(lhs: sympy.Rational, rhs: sympy.Rational, rhs_text: str) -> ArithmeticOutcome:
    """Judge ``lhs = rhs`` where the right side is the author's written result."""
    left = Fraction(int(lhs.p), int(lhs.q))
    right = Fraction(int(rhs.p), int(rhs.q))
    decimals = decimals_written(rhs_text)
    exact = exact_text(left)
    if left == right:
        return ArithmeticOutcome(Verdict.VERIFIED, "exact", exact=exact)
    if decimals is None:
        return ArithmeticOutcome(Verdict.REFUTED, f"the left side is {exact}, the right side "
                                 f"{exact_text(right)}", exact=exact)
    written = Decimal(rhs_text.strip().replace(" ", "").replace("{", "").replace("}", ""))
    expected = rounded(left, decimals)
    unit = Decimal(1).scaleb(-decimals)
    if expected == written:
        return ArithmeticOutcome(Verdict.VERIFIED, f"{exact} rounds to {written}", exact=exact)
    if abs(expected - written) <= unit:
        note = f"{exact} rounds to {expected}, written {written}"
        return ArithmeticOutcome(Verdict.VERIFIED, note, [note], exact=exact)
    return ArithmeticOutcome(Verdict.REFUTED, f"the exact value is {exact} "
                             f"(rounds to {expected}), written {written}", exact=exact)


__all__ = ["ArithmeticOutcome", "check_arithmetic", "decimals_written", "exact_text",
           "ROUND_HALF_EVEN"]
