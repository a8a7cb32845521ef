"""The conditions a claim carries, and the relations written between equations: text only.

A condition compares index letters (``i = j``, ``k \\neq l``, joined by commas or ``\\text{and}``);
it is written at the end of a chain, in the prose before a display, as a row of ``cases``,
or before an implication arrow. The relations — ``\\Rightarrow``, ``if … then``, ``:=`` — are
the tokens :mod:`.math_block` cuts a chain at.
"""

from __future__ import annotations

import re

CONDITION_WORDS = r"for(?:\s+(?:all|every|each))?|if|when|where"
TEXT_COMMANDS = r"text|textrm|textit|mathrm|mbox"
_CMP = r"(?<![\w\\])([A-Za-z]'*)\s*(=|\\neq?(?![A-Za-z])|\\not\s*=)\s*([A-Za-z]'*)(?![\w'])"
_BARE_CMP = re.sub(r"\((?!\?)", "(?:", _CMP)
# in the prose an operand may also be a name for one member (y_i of a block's fixed: {y_i: C});
# in a display a subscripted operand is a value (cases: x_k = y), never a condition on indices
_OPERAND = r"[A-Za-z]'*(?:\s*_\s*(?:\{\s*[A-Za-z]\s*\}|[A-Za-z](?![A-Za-z])))?"
_NAMED_CMP = rf"(?<![\w\\])({_OPERAND})\s*(=|\\neq?(?![A-Za-z])|\\not\s*=)\s*({_OPERAND})(?![\w'])"
_JOIN = rf"\s*(?:,|\\(?:{TEXT_COMMANDS})\s*\{{\s*and\s*\}}|\\(?:land|wedge)(?![A-Za-z]))\s*"
_CONDITION = rf"(?P<c>{_BARE_CMP}(?:{_JOIN}{_BARE_CMP})*)"
_BARE_NAMED_CMP = re.sub(r"\((?!\?)", "(?:", _NAMED_CMP)
_PROSE_CONDITION = rf"(?P<c>{_BARE_NAMED_CMP}(?:{_JOIN}{_BARE_NAMED_CMP})*)"
_INTRO = rf"\\(?:{TEXT_COMMANDS})\s*\{{\s*(?:{CONDITION_WORDS})\s*\}}"
CONDITION_FORMS = (  # (pattern, needs a comma or spacing before it)
    (re.compile(rf"\(\s*(?:{_INTRO}\s*)?{_CONDITION}\s*\)$"), False),
    (re.compile(rf"{_INTRO}(?:\s|~|\\[ ,;:]|\\q?quad(?![A-Za-z]))*{_CONDITION}$"), False),
    (re.compile(rf"{_CONDITION}$"), True),
)
COMPARISON_RE = re.compile(_NAMED_CMP)  # what a condition read by one of the forms compares
# A condition stated in the prose right before a display: "If $i = j$,", "for \(i \neq k\):",
# "In the case $i = k$, we have". Only comparisons of index letters (or of a fixed member's name,
# y_i), and only at the very end.
PROSE_CONDITION_RE = re.compile(
    rf"\b(?:if|for|when|where|case)\s+(?:the\s+case\s+)?(?:\$|\\\()\s*{_PROSE_CONDITION}\s*(?:\$|\\\))"
    r"\s*(?:[,;:]?\s*(?:we\s+(?:have|get|obtain|find)|then|this\s+gives|it\s+follows\s+that"
    r"|the\s+(?:gradient|derivative|partial\s+derivative|result)\s+(?:is|becomes|reads)))?"
    r"\s*[,:.;]?\s*$", re.I)
NOT_EQUAL = "\\neq"  # \ne and \not= are written as \neq in normalised conditions
# Between two equations: each side is a claim of its own.
IMPLICATIONS = {"\\Rightarrow", "\\implies", "\\iff", "\\Longrightarrow", "\\Leftrightarrow",
                "\\Longleftrightarrow", "\\therefore"}
# X := E, X \equiv E: a definition of X, not a claim.
DEFINING = {":=", "\\coloneqq", "\\equiv", "\\triangleq"}
_SPACING = r"(?:\s|~|\\[ ,;:!]|\\q?quad(?![A-Za-z]))*"
# "if A, then B" written in the math: A and B are claims of their own.
IF_RE = re.compile(rf"\s*(\\(?:{TEXT_COMMANDS})\s*\{{\s*if\s*\}}|if(?![A-Za-z])){_SPACING}")
THEN_RE = re.compile(rf",?{_SPACING}(?:\\(?:{TEXT_COMMANDS})\s*\{{\s*then\s*\}}"
                     rf"|(?<![A-Za-z\\])then(?![A-Za-z])){_SPACING}")
# A full stop right before a trailing (2) that is not a decimal point: "dz.a.(2)"
LONE_STOP_RE = re.compile(r"[^.\d\\]\.$")
# A side of an implication that only compares index letters: the condition of what follows it
CONDITION_ONLY_RE = re.compile(rf"\s*\(?\s*(?:{_INTRO}\s*)?{_CONDITION}\s*\)?\s*[,.;]?\s*")
# A line of a plain display that goes on with the line before (it starts with an operator).
CONTINUING_RE = re.compile(r"[-+*/=<>]|\\(?:cdot|times|div|pm|mp)(?![A-Za-z])")
CASES_RE = re.compile(r"\\begin\s*\{cases\}(.*)\\end\s*\{cases\}", re.S)
CASE_CONDITION_RE = re.compile(
    rf"{_SPACING},?{_SPACING}(?:(?:{_INTRO}|\b(?:{CONDITION_WORDS})\b){_SPACING})?{_CONDITION}\s*[.,;]?\s*")
OTHERWISE_RE = re.compile(rf"{_SPACING},?{_SPACING}(?:\\(?:{TEXT_COMMANDS})\s*\{{\s*(?:otherwise|else)\s*\}}"
                          r"|otherwise)\s*[.,;]?\s*")


def normal_condition(written: str) -> str:
    """``i=j \\text{ and } k \\ne l`` → ``i = j, k \\neq l``."""
    return ", ".join(f"{a} {'=' if op == '=' else NOT_EQUAL} {b}"
                     for a, op, b in COMPARISON_RE.findall(written))


def negated(condition: str) -> str:
    """``i = k`` → ``i \\neq k`` and back (one comparison)."""
    a, op, b = condition.split(" ")
    return f"{a} {NOT_EQUAL if op == '=' else '='} {b}"
