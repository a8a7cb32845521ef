"""Presentation around an expression, read through: ``\\boxed{X}``, ``\\underbrace{X}_{note}``,
``\\overbrace{X}^{note}`` become X, blanked with spaces so that every offset stays."""

from __future__ import annotations

import re

# Presentation around an expression: \boxed{X}, \underbrace{X}_{note}, \overbrace{X}^{note}.
DECORATION_RE = re.compile(r"\\(boxed|underbrace|overbrace)\s*\{")


def _group_end(text: str, opening: int) -> int:
    """Index just past the brace group that opens at ``opening``, or -1 if it never closes."""
    depth, i = 0, opening
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        depth += char == "{"
        depth -= char == "}"
        if depth == 0:
            return i + 1
        i += 1
    return -1


def unwrap_decorations(text: str) -> str:
    """``\\boxed{X}`` and ``\\underbrace{X}_{note}`` become X, blanked with spaces so every
    offset stays: what the author boxed or annotated is the mathematics; the note under a
    brace (``_{= 1}``) is not."""
    chars = list(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = " "

    for m in DECORATION_RE.finditer(text):
        end = _group_end(text, m.end() - 1)
        if end < 0:
            continue
        blank(m.start(), m.end())
        blank(end - 1, end)
        if m.group(1) != "boxed":
            note = re.compile(r"\s*[_^]\s*").match(text, end)
            if note:
                group = note.end()
                close = _group_end(text, group) if group < len(text) and text[group] == "{" else group + 1
                if close > 0:
                    blank(end, close)
    return "".join(chars)
