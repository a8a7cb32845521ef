"""Greek letters spelled as words in plain-text formulas: ``sigmoid(beta*x)`` for σ(βx).

Authors who write formulas as plain text spell a Greek letter out (``beta``, or
``\\text{beta}``). To the grammar the word is a product of letters, b·e·t·a. The word is read
as the letter only where that is the one meaning: the block's model uses the Greek letter
(``\\beta`` in a define line) and none of the word's letters as a symbol of its own, so the
product would name nothing.
"""

from __future__ import annotations

import re

from ..latex.notation import GREEK_HEADS

_COMMAND = re.compile(r"\\([A-Za-z]+)")
_LETTER = re.compile(r"(?<![\\A-Za-z])([A-Za-z])(?![A-Za-z])")
_WRAPPED = r"\\(?:text|textrm|mathrm|mbox)\s*\{\s*"


def spelled_greek(define_lines: list[str]) -> frozenset[str]:
    """The Greek letters the block's define lines use whose spelled-out word names nothing else."""
    text = " ".join(define_lines)
    commands = {m.group(1) for m in _COMMAND.finditer(text)} & set(GREEK_HEADS)
    letters = {m.group(1) for m in _LETTER.finditer(_COMMAND.sub(" ", text))}
    return frozenset(name for name in commands if len(name) > 1 and not set(name) & letters)


def write_greek(text: str, words: frozenset[str]) -> str:
    """``text`` with each spelled-out word of ``words`` (bare, or in ``\\text{…}``) as its command."""
    if not words:
        return text
    alternatives = "|".join(sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"{_WRAPPED}({alternatives})\s*\}}|(?<![\\A-Za-z])({alternatives})(?![A-Za-z])")

    def replace(m: re.Match) -> str:
        if m.group(2) and _inside_command_braces(text, m.start()):
            return m.group(0)  # \operatorname{beta}: a name of its own
        return "\\" + m.group(1) + " " if m.group(1) else "\\" + m.group(2)

    return pattern.sub(replace, text)


def _inside_command_braces(text: str, at: int) -> bool:
    """Whether ``at`` is right inside the braces of a command other than a spelling wrapper."""
    before = text[:at].rstrip()
    return before.endswith("{") and re.search(r"\\(?:operatorname|mathbf|mathit|boldsymbol|bm)\s*\{$",
                                              before) is not None
