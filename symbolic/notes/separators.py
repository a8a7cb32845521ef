"""Several equations in one display: where it splits into claims. Text only.

``A = B, \\qquad C = D`` — a comma and a wide space (``\\quad``, ``\\qquad``), ``\\text{and}``,
or ``;`` between two complete equations — is two claims under the display's one label; so are
the rows of an ``array`` that is the whole display (each row with its own '='), like the rows
of ``aligned`` and ``gathered``.

Only separators at the top level (outside braces, brackets, parentheses and environments)
count, and only when every piece has an '=' of its own and none is a condition (``i = j``) or
a value (``x = 0``): ``f(a, b)``, ``\\max(0, z)``, ``w_{j,k}``, ``x_1, \\dots, x_n`` never split.
"""

from __future__ import annotations

import re

from .conditions import CONDITION_ONLY_RE, TEXT_COMMANDS

_WIDE = r"(?:\s|~|\\q?quad(?![A-Za-z])|\\[ ,;:])*"
_AND = rf"\\(?:{TEXT_COMMANDS})\s*\{{\s*and\s*\}}"
SEPARATOR_RE = re.compile(rf"""
    (?P<sep>,\s*\\q?quad(?![A-Za-z]){_WIDE}(?:{_AND}{_WIDE})?
      | ,?{_WIDE}{_AND}{_WIDE}
      | (?<!\\);{_WIDE})
  | (?P<open>\\begin(?![A-Za-z])|[{{(\[]) | (?P<close>\\end(?![A-Za-z])|[}})\]])
  | \\[A-Za-z]+ | \\.
""", re.X | re.S)
# A piece that only sets a value ("x = 0", "t = 1"): a condition on the equation, not a claim.
VALUE_RE = re.compile(r"\s*[A-Za-z]'*\s*=\s*[-+]?\d+(?:\.\d+)?\s*[.,;]?\s*")
ARRAY_BEGIN_RE = re.compile(r"\\begin\s*\{array\}\s*(?:\[[a-z]\]\s*)?\{[^{}]*\}")
ARRAY_END_RE = re.compile(r"\\end\s*\{array\}")
# What may stand around an array that is the whole display.
AROUND_RE = re.compile(r"(?:\s|\\tag\*?\s*\{[^{}]*\}|\\label\s*\{[^{}]*\}|\\(?:nonumber|notag)(?![A-Za-z])"
                       r"|%[^\n]*|[.,;])*")


def _separators(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The top-level separators in text[start:end]; None when its brackets do not pair up."""
    found, depth = [], 0
    for m in SEPARATOR_RE.finditer(text, start, end):
        if m.lastgroup == "open":
            depth += 1
        elif m.lastgroup == "close":
            depth -= 1
            if depth < 0:
                return None
        elif m.lastgroup == "sep" and depth == 0:
            found.append(m.span())
    return found if depth == 0 else None


def _has_equals(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] has an '=' outside braces, brackets and parentheses."""
    depth = 0
    for m in re.finditer(r"\\[A-Za-z]+|\\.|[{(\[]|[})\]]|(?<![<>!:])=", text[start:end]):
        token = m.group()
        depth += token in "{([" and len(token) == 1
        depth -= token in "})]" and len(token) == 1
        if token == "=" and depth == 0:
            return True
    return False


def split_equations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] cut into the equations written side by side in it (one piece if not several)."""
    cuts = _separators(text, start, end)
    if not cuts:
        return [(start, end)]
    bounds = [start] + [x for cut in cuts for x in cut] + [end]
    pieces = [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]
    pieces = [(a, b) for a, b in pieces if text[a:b].strip()]  # a trailing ";" ends the display
    for a, b in pieces:
        if not _has_equals(text, a, b) or CONDITION_ONLY_RE.fullmatch(text, a, b) or VALUE_RE.fullmatch(text, a, b):
            return [(start, end)]
    return pieces


def _rows(body: str) -> list[str]:
    """The rows of an environment's body, split at ``\\\\`` outside braces and inner environments."""
    rows, depth, done = [], 0, 0
    for m in re.finditer(r"\\\\|\\begin(?![A-Za-z])|\\end(?![A-Za-z])|\\.|[{}]", body):
        token = m.group()
        depth += token in ("{", "\\begin")
        depth -= token in ("}", "\\end")
        if token == "\\\\" and depth == 0:
            rows.append(body[done:m.start()])
            done = m.end()
    return rows + [body[done:]]


def unwrap_array(text: str) -> tuple[str, bool]:
    """An ``array`` that is the whole display, each of its rows an equation: its ``\\begin{array}{c}``
    and ``\\end{array}`` blanked with spaces (so offsets stay) and True; otherwise the text and False."""
    begin = ARRAY_BEGIN_RE.search(text)
    if begin is None or not AROUND_RE.fullmatch(text, 0, begin.start()):
        return text, False
    ends = list(ARRAY_END_RE.finditer(text, begin.end()))
    if not ends or not AROUND_RE.fullmatch(text, ends[-1].end()):
        return text, False
    close = ends[-1]
    if len(ARRAY_BEGIN_RE.findall(text, begin.end(), close.start())) != len(ends) - 1:
        return text, False
    rows = [row for row in _rows(text[begin.end():close.start()]) if row.strip()]
    if len(rows) < 2 or not all(_has_equals(row, 0, len(row)) for row in rows):
        return text, False
    blank = lambda m: " " * (m.end() - m.start())  # noqa: E731
    return (text[:begin.start()] + blank(begin) + text[begin.end():close.start()] + blank(close)
            + text[close.end():]), True
