"""Size limits on one term, checked before the work they bound.

The time limit interrupts Python code, but not a power that GMP computes or a
polynomial that symengine expands, and not the memory a deep parse takes. So a
term is refused, with a one-line message naming the limit, when its text nests
deeper than :data:`settings.MAX_NESTING` (brackets, braces, ``\\frac``,
``\\sqrt``, calls, runs of signs, ``\\sum``), and, once parsed, when a numeric
exponent is over :data:`settings.MAX_EXPONENT` or a number has more digits than
:data:`settings.MAX_NUMBER_DIGITS`.
"""

from __future__ import annotations

import math
import re

import sympy

from ..errors import LatexError, Span
from ..settings import MAX_EXPONENT, MAX_NESTING, MAX_NUMBER_DIGITS

_OPEN, _CLOSE = "{([", "})]"
# \sum, \prod and the like open a level that lasts to the end of the group they are in
_SCOPED = re.compile(r"\\(?:sum|prod)(?![A-Za-z])")
_SIGN_RUN = re.compile(r"(?:[+\-]\s*){2,}")
_DIGITS = re.compile(r"\d+")
_HINT = "split the expression into named parts"
# latex2sympy2 builds these matrices entry by entry (ones(3000, 3000) takes a minute)
_MATRIX = re.compile(r"\\operatorname\s*\{\s*(eye|zeros|ones)\s*\}")


def check_text_size(text: str, span: Span) -> None:
    """Refuse a term nested too deeply to parse in bounded time and memory.

    Raises:
        LatexError: at the position where the nesting first goes over the limit.
    """
    limit = MAX_NESTING.value
    depth, scoped = 0, [0]  # scoped[-1]: \sum levels opened in the current group
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            m = _SCOPED.match(text, i)
            if m:
                scoped[-1] += 1
                depth += 1
                i = m.end()
            else:
                i += 2  # an escaped character or the first letter of a command
            if depth > limit:
                _too_deep(text, i, span)
            continue
        if ch in _OPEN:
            depth += 1
            scoped.append(0)
        elif ch in _CLOSE and len(scoped) > 1:
            depth -= 1 + scoped.pop()
        elif ch in "+-":
            run = _SIGN_RUN.match(text, i)
            if run:  # each extra sign is one more level of the grammar
                signs = sum(1 for c in run.group(0) if c in "+-")
                if depth + signs - 1 > limit:
                    _too_deep(text, i, span)
                i = run.end()
                continue
        if depth > limit:
            _too_deep(text, i, span)
        i += 1
    matrix = _MATRIX.search(text)
    if matrix:
        raise LatexError(f"\\operatorname{{{matrix.group(1)}}} builds a matrix, which is not an "
                         "index expression", span.shifted(text[:matrix.start()]),
                         "write the entries with index letters, e.g. 1 or \\delta_{ij}")
    for m in _DIGITS.finditer(text):
        if len(m.group(0)) > MAX_NUMBER_DIGITS.value:
            raise LatexError(MAX_NUMBER_DIGITS.exceeded(len(m.group(0))), span.shifted(text[:m.start()]),
                             "write the number with fewer digits")


def _too_deep(text: str, i: int, span: Span) -> None:
    raise LatexError(MAX_NESTING.exceeded(), span.shifted(text[:i]), _HINT)


def check_numbers(expr, span: Span) -> None:
    """Refuse a parsed term whose numbers would be too large to compute with exactly.

    Every exponent that is a number (``x^{123456789}``, ``e^{e^{100}}``) must be at
    most :data:`settings.MAX_EXPONENT` in size, and powers of numbers may not
    produce more than ``MAX_NUMBER_DIGITS`` × ``MAX_EXPONENT`` digits.

    Raises:
        LatexError: naming the limit.
    """
    if isinstance(expr, sympy.Basic):
        _digits(expr, span, {})


def _digits(expr: sympy.Basic, span: Span, memo: dict) -> float:
    """An upper bound of the decimal digits of ``expr``'s value if it is a number, else 0;
    checking every exponent on the way (the tree's depth is bounded by the nesting limit)."""
    found = memo.get(expr)
    if found is not None:
        return found
    if isinstance(expr, sympy.Integer):
        value = float(len(str(abs(int(expr)))))
    elif isinstance(expr, sympy.Rational):
        value = float(max(len(str(abs(int(expr.p)))), len(str(int(expr.q)))))
    elif isinstance(expr, sympy.Float):
        value = 17.0
    elif isinstance(expr, sympy.NumberSymbol):
        value = 1.0
    elif not expr.args:
        value = 0.0
    else:
        parts = [_digits(a, span, memo) for a in expr.args]
        value = 0.0
        if expr.is_number if isinstance(expr, sympy.Expr) else False:
            value = sum(parts) + 1 if isinstance(expr, sympy.Mul) else max(parts) + 1
        exponent = None
        if isinstance(expr, sympy.Pow):
            exponent = expr.exp
        elif isinstance(expr, sympy.exp) or getattr(expr.func, "__name__", "") == "exp":
            exponent = expr.args[0]
        if exponent is not None and isinstance(exponent, sympy.Expr) and not exponent.free_symbols:
            size = _exponent_size(exponent, parts[-1])
            if size > MAX_EXPONENT.value:
                shown = f"about 10^{int(size and math.log10(size))}" if size > 10**6 else f"{size:g}"
                raise LatexError(MAX_EXPONENT.exceeded(shown), span, _HINT)
            if isinstance(expr, sympy.Pow):
                value = parts[0] * max(size, 1.0) + 1
            if value > MAX_NUMBER_DIGITS.value * MAX_EXPONENT.value:
                raise LatexError(MAX_NUMBER_DIGITS.exceeded(f"about {int(value)}"), span, _HINT)
    memo[expr] = value
    return value


def _exponent_size(exponent: sympy.Expr, digits: float) -> float:
    """|exponent|, evaluated only when its own digits are few (inner exponents are checked)."""
    if digits > 30:
        return math.inf
    try:
        value = sympy.N(exponent, 15)
        return float(abs(value)) if value.is_number and value.is_finite is not False else 0.0
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError):
        return 0.0
