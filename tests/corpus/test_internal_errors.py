"""Inputs that once ended in an internal error (issue 15, fuzzing): each is now a verdict or a
located error in one line, fixed where it went wrong. The notes are the reproducers as found."""

from __future__ import annotations

import pytest

from symbolic import Options, check_text
from symbolic.checker import internal_error
from symbolic.errors import Span
from tests.models import LOGISTIC_REGRESSION, TANH_SOFTMAX_NETWORK

SIGMOID = LOGISTIC_REGRESSION

SOFTMAX = TANH_SOFTMAX_NETWORK

REPRODUCERS = {
    # a name that looked like a stand-in letter's placeholder (KeyError)
    "F01": (SIGMOID + "\n$$\\nabla b = \\Xi_{0}$$\n", "unknown symbol Xi_{0}"),
    "F01b": (SIGMOID.replace(r"p = \sigma(a)", r"p = \sigma(a) + \Xi_{1}")
             + "\n$$\\nabla b = p - y$$\n", "unknown symbol Xi_{1}"),
    # an exp tower (mpmath OverflowError)
    "F03": (SIGMOID + "\n$$\\nabla b = p - y + e^{e^{e^{100}}}$$\n", "GRADPROOF_MAX_EXPONENT"),
    # author text used as a regular-expression replacement (re.error: bad escape \l)
    "F05": (SOFTMAX + "\n$$\\nabla b_j = \\s*m_k (o_k - t_k) w_{\\landjk}$$\n", "cannot parse"),
    # a claim definition with an index only on its right side (TypeError)
    "F06": (SOFTMAX + "\n$$\\delta_k = o_{k'} - t_k$$\n\n$$\\nabla b_k = \\delta_k$$\n",
            "index k' is free on the right side of delta but not on its left"),
    # a parse error quoting a line break
    "F08": (SIGMOID + "\n$$\\nabla b = (p\n - y$$\n", "cannot parse '(p - y'"),
    # 400 nested \sigma( (RecursionError)
    "F04": (SIGMOID + "\n$$\\nabla b = " + "\\sigma(" * 400 + "a" + ")" * 400 + "$$\n",
            "GRADPROOF_MAX_NESTING"),
}


def messages(report) -> list[str]:
    return [c.message + (c.hint or "") for c in report.claims]


@pytest.mark.parametrize("name", sorted(REPRODUCERS))
def test_a_reproducer_gives_a_located_one_line_error_not_an_internal_one(name):
    text, expected = REPRODUCERS[name]
    report = check_text(text, "r.md", Options(timeout=10, diagnose=False))
    assert report.claims
    for claim in report.claims:
        assert "internal error" not in claim.message, claim.message
        assert "\n" not in claim.message and "\n" not in (claim.hint or "")
        assert claim.line >= 1 and claim.column >= 1
    assert any(expected in m for m in messages(report)), messages(report)


def test_seven_size_names_are_checked_at_seven_different_sizes():
    # F02: SIZE_ASSIGNMENTS has six sizes per row; the seventh name had none (KeyError: 'G')
    text = ("```derivation\nindices: {a: A, b: B, c: C, d: D, e: E, f: F, g: G}\n"
            "define: |\n  L = \\sum_g x_g^2\n```\n\n$$\\frac{\\partial L}{\\partial x_g} = 2 x_g$$\n"
            "\n$$\\frac{\\partial L}{\\partial x_g} = 3 x_g$$\n")
    right, wrong = check_text(text, "r.md", Options(timeout=20, diagnose=False)).claims
    assert right.verdict.value in ("proved", "verified"), right.message
    assert wrong.verdict.value == "refuted"
    for row in right.steps[0].sizes:
        assert len(set(row.values())) == len(row) == 7  # still all different within a row


def test_a_long_chain_of_definitions_is_refused_at_its_limit_and_a_shorter_one_works():
    # F18: 1,200 chained definitions exhausted Python's stack (RecursionError)
    def name(k: int) -> str:
        return "\\mathrm{q" + format(k, "b").replace("0", "x").replace("1", "y") + "}"

    def chain(n: int) -> str:
        lines = [f"  {name(0)} = b"] + [f"  {name(k)} = \\tanh({name(k - 1)})" for k in range(1, n)]
        return ("```derivation\nindices: {i: I}\ndefine: |\n" + "\n".join(lines)
                + f"\n  L = {name(n - 1)}\n```\n\n$$\\frac{{\\partial L}}{{\\partial b}} = 1$$\n")

    long = check_text(chain(1200), "r.md", Options(timeout=20))
    assert "GRADPROOF_MAX_DEFINITION_DEPTH" in long.claims[0].message
    short = check_text(chain(60), "r.md", Options(timeout=30, diagnose=False))
    assert short.claims[-1].verdict.value in ("refuted", "undecided"), short.claims[-1].message
    assert all("internal" not in c.message and "recursion" not in c.message for c in short.claims)


def test_worked_numbers_longer_than_decimal_precision_are_judged():
    # fuzz case 5252: a 30-digit factor overflowed Decimal's 28 digits (InvalidOperation)
    text = "$$0.5 - 0.479 999999999999999999999999999999\\times 0.01 = 0.495 \\tag{n2}$$\n"
    (record,) = check_text(text, "n.md", Options(timeout=10)).claims
    assert record.verdict.value == "refuted" and "internal" not in record.message


def test_an_internal_error_that_remains_possible_is_located_and_asks_for_a_report():
    err = internal_error(ValueError("broken\nacross lines"), Span("n.md", 3, 4))
    assert err.span == Span("n.md", 3, 4) and "please report" in err.hint
    assert "\n" not in err.message
