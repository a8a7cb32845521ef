"""A ``cases`` environment as the last side of a chain: one claim per row, with its condition."""

from __future__ import annotations

import re

from ..errors import Span
from .conditions import CASE_CONDITION_RE, OTHERWISE_RE, negated, normal_condition


def read_cases(block, start: int, end: int) -> list[tuple[str, int, str, Span]] | None | bool:
    """The rows of ``\\begin{cases} value & condition \\\\ … \\end{cases}`` in ``block.clean``
    (text[start:end] is its inside) whose conditions compare index letters: each value, its
    offset, its condition and where that is written; ``otherwise`` is none of the others.

    None when a row is something else (``z & z > 0``): the cases stay in the term, where the
    LaTeX stage reads a piecewise function. False when a problem was reported.
    """
    text = block.clean
    rows, at, depth = [], start, 0
    for m in re.finditer(r"\\\\|\\.|[{}]", text[start:end]):
        depth += {"{": 1, "}": -1}.get(m.group(), 0)
        if m.group() == "\\\\" and depth == 0:
            rows.append((at, start + m.start()))
            at = start + m.end()
    rows.append((at, end))
    read: list[tuple[str, int, str | None, Span]] = []
    for left, right in rows:
        if not text[left:right].strip():
            continue
        amp = top_level_amp(text, left, right)
        if amp is None:
            return None
        value = text[left:amp].rstrip().rstrip(",;")  # "a, & i = k": the comma is punctuation
        offset = left + len(value) - len(value.lstrip())
        written = text[amp + 1:right]
        where = block.reader.span(block.start + amp + 1 + len(written) - len(written.lstrip()))
        if not value.strip():
            return None
        if OTHERWISE_RE.fullmatch(written):
            read.append((value.strip(), offset, None, where))
        elif match := CASE_CONDITION_RE.fullmatch(written):
            read.append((value.strip(), offset, normal_condition(match.group("c")), where))
        else:
            return None  # a condition on values (z > 0): the whole cases is the parser's
    others = [c for _, _, c, _ in read if c is not None]
    out = []
    for value, offset, case, where in read:
        if case is None:
            if len(read) - len(others) > 1 or any(", " in c for c in others) or not others:
                block.reader.problem(block.start + offset, "'otherwise' is read only "
                                     "when every other case has a single comparison",
                                     "write the condition of this case (i \\neq k)")
                return False
            case = ", ".join(negated(c) for c in others)
        out.append((value, offset, case, where))
    return out


def top_level_amp(text: str, start: int, end: int) -> int | None:
    """The offset of the first '&' in text[start:end] outside braces, or None."""
    return next((i for i, char, depth in unescaped(text, start, end) if char == "&" and depth == 0), None)


def unescaped(text: str, start: int, end: int):
    """Each character of text[start:end] that no backslash escapes, with the depth of braces
    open before it: ``(offset, character, depth)``."""
    depth, i = 0, start
    while i < end:
        if text[i] == "\\":
            i += 2
            continue
        yield i, text[i], depth
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
