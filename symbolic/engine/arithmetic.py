"""Worked numbers: a step whose two sides are pure numbers.

The written result holds when it is the exact value rounded to the decimals
it was written with; when it is the exact value truncated toward zero at those
decimals (the blog writes -0.4788 as -0.478) it holds with a warning; otherwise
the step is refuted and the exact value is shown. Integers follow the same rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import sympy

from ..verdicts import Verdict

_NUMBER = re.compile(r"^[-+]?(\d+)(?:\.(\d*))?$")  # matched after _clean


@dataclass
class ArithmeticOutcome:
    verdict: Verdict
    message: str
    warnings: list[str] = field(default_factory=list)
    exact: str = ""


def _clean(text: str) -> str:
    """A written number without braces or spaces: ``{- 20.0}`` -> ``-20.0``."""
    return re.sub(r"[{}\s]", "", text)


def decimals_written(text: str) -> int | None:
    """How many decimals a plain number literal was written with, or None."""
    m = _NUMBER.match(_clean(text))
    if not m:
        return None
    return len(m.group(2) or "")


def exact_text(value: Fraction, digits: int = 10) -> str:
    """A short exact-or-decimal rendering of a rational value."""
    with localcontext() as context:  # as many digits as the integer part has, and more
        context.prec = max(28, len(str(abs(value.numerator) // value.denominator)) + 12)
        d = Decimal(value.numerator) / Decimal(value.denominator)
        if value.denominator in (1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 100, 125, 200, 250, 500,
                                 1000, 10000, 100000, 1000000) or len(str(d)) <= 14:
            return format(d.normalize(), "f")
        return f"{d:.{digits}g}"


def rounded(value: Fraction, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    # the default 28 digits cannot hold a long written number to its last decimal
    with localcontext() as context:
        context.prec = len(str(abs(value.numerator) // value.denominator)) + decimals + 10
        d = Decimal(value.numerator) / Decimal(value.denominator)
        return d.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)


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
    written = Decimal(_clean(rhs_text))
    expected = rounded(left, decimals)
    if expected == written:
        return ArithmeticOutcome(Verdict.VERIFIED, f"{exact} rounds to {written}", exact=exact)
    if rounded(left, decimals, ROUND_DOWN) == written:  # truncated toward zero
        note = f"{exact} rounds to {expected}, written {written}"
        return ArithmeticOutcome(Verdict.VERIFIED, note, [note], exact=exact)
    return ArithmeticOutcome(Verdict.REFUTED, f"the exact value is {exact} "
                             f"(rounds to {expected}), written {written}", exact=exact)


__all__ = ["ArithmeticOutcome", "check_arithmetic", "decimals_written", "exact_text", "rebracket"]


# -- re-bracketing: does moving brackets give the written value? ---------------------------

_TOKEN = re.compile(r"\s*(\d+\.\d*|\.\d+|\d+|\\cdot|\\times|\*|/|\+|-|\(|\)|\[|\]|\\left|\\right|\{|\})")
MAX_OPERANDS = 9


def _tokens(text: str) -> list[str] | None:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            return None
        tok = m.group(1)
        pos = m.end()
        if tok in (r"\left", r"\right", "{", "}"):
            continue
        out.append({"[": "(", "]": ")", r"\cdot": "*", r"\times": "*"}.get(tok, tok))
    return out


def _flatten(tokens: list[str]):
    """Operands (innermost bracket groups or numbers, with their value) and operators between them."""
    operands: list[tuple[str, Fraction]] = []
    operators: list[str] = []
    expect_operand = True
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "(":
            close = _matching(tokens, i)
            if close is None:
                return None
            inner = tokens[i + 1:close]
            if "(" not in inner:
                value = _evaluate(inner)
                if value is None:
                    return None
                if not expect_operand:
                    operators.append("*")
                operands.append(("(" + " ".join(inner) + ")", value))
                expect_operand = False
                i = close + 1
                continue
            if not expect_operand:
                operators.append("*")
            expect_operand = True
            i += 1
            continue
        if tok == ")":
            i += 1
            continue
        if tok in "+-*/":
            if expect_operand and tok == "-" and i + 1 < len(tokens) and re.match(r"[\d.]", tokens[i + 1]):
                operands.append(("-" + tokens[i + 1], -Fraction(tokens[i + 1])))
                expect_operand = False
                i += 2
                continue
            operators.append(tok)
            expect_operand = True
            i += 1
            continue
        if not expect_operand:
            operators.append("*")
        operands.append((tok, Fraction(tok)))
        expect_operand = False
        i += 1
    if len(operators) != len(operands) - 1:
        return None
    return operands, operators


def _matching(tokens, start):
    depth = 0
    for k in range(start, len(tokens)):
        if tokens[k] == "(":
            depth += 1
        elif tokens[k] == ")":
            depth -= 1
            if depth == 0:
                return k
    return None


def _apply(op: str, a: Fraction, b: Fraction) -> Fraction | None:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b if b != 0 else None


def _evaluate(tokens: list[str]) -> Fraction | None:
    """Value of a bracket-free token list with the usual precedence."""
    flat = _flatten(tokens) if tokens else None
    if flat is None:
        return None
    values = [v for _t, v in flat[0]]
    ops = list(flat[1])
    k = 0
    while k < len(ops):  # products and quotients first
        if ops[k] in "*/":
            result = _apply(ops[k], values[k], values[k + 1])
            if result is None:
                return None
            values[k:k + 2] = [result]
            ops.pop(k)
        else:
            k += 1
    total = values[0]
    for op, v in zip(ops, values[1:]):
        total = _apply(op, total, v)
    return total


def _trees(operands, operators, lo, hi, memo):
    """All (value, text, spans) for operands[lo..hi] under every bracketing."""
    key = (lo, hi)
    if key in memo:
        return memo[key]
    if lo == hi:
        memo[key] = [(operands[lo][1], operands[lo][0], None)]
        return memo[key]
    out = []
    rank = {"+": 1, "-": 1, "*": 2, "/": 2, None: 3}
    for split in range(lo, hi):
        op = operators[split]
        for lv, lt, lop in _trees(operands, operators, lo, split, memo):
            for rv, rt, rop in _trees(operands, operators, split + 1, hi, memo):
                value = _apply(op, lv, rv)
                if value is None:
                    continue
                left = f"({lt})" if rank[lop] < rank[op] else lt
                tight = rank[rop] < rank[op] or (rank[rop] == rank[op] and op in "-/")
                right = f"({rt})" if tight else rt
                out.append((value, f"{left} {op} {right}", op))
    memo[key] = out
    return out


def rebracket(lhs_text: str, written: str) -> tuple[str, str] | None:
    """A re-bracketing of the printed expression whose value rounds to ``written``.

    Returns (expression, exact value) or None. Bracket groups that contain no
    other brackets stay as they are; everything around them may move.
    """
    decimals = decimals_written(written)
    tokens = _tokens(lhs_text)
    if decimals is None or tokens is None:
        return None
    flat = _flatten(tokens)
    if flat is None or not 2 <= len(flat[0]) <= MAX_OPERANDS:
        return None
    operands, operators = flat
    target = Decimal(_clean(written))
    candidates = [(value, text, spans) for value, text, spans in
                  _trees(operands, operators, 0, len(operands) - 1, {})
                  if rounded(value, decimals) == target]
    if not candidates:
        return None
    value, text, _op = min(candidates, key=lambda c: (c[1].count("("), len(c[1])))
    return text.replace(" * ", " · "), exact_text(value)
