"""The names written in a stretch of LaTeX, with their sub- and superscripts, found in the text.

The text-level dialects (fixed indices, rows of a matrix) add index letters to what the author
wrote before anything is parsed. They need each name as written — ``J``, ``\\hat{y}_{w'}``,
``u_o``, ``x^{(i)}_j`` — with the exact stretch of text it covers, and nothing inside a script
group or a command mistaken for one: ``\\sum_{w=1}^{V}`` is no name, the ``w`` of ``u_{wd}`` is an
index of ``u``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..latex.notation import GREEK_HEADS
from ..latex.text import read_group

_DECORATED = re.compile(r"\\(hat|tilde|bar)\s*(?:\{\s*(\\[A-Za-z]+|[A-Za-z])\s*\}|([A-Za-z]))")
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_TOKEN = re.compile(r"([A-Za-z])('*)|(\d)")


@dataclass(frozen=True)
class WrittenName:
    """One name as written: ``head`` (``y``, ``hat{y}``, ``theta``) and its scripts."""

    start: int
    end: int
    head: str  # a key: the letter, the Greek name, or 'hat{y}'
    head_text: str  # as written: 'y', '\\hat{y}', '\\theta'
    sub: str | None  # the subscript without its braces, or None
    sup: str | None  # the superscript group as written (with braces), or None

    @property
    def tokens(self) -> list[str] | None:
        """The subscript's index tokens (``w'``, ``d``, digits), or None when it holds anything
        else (an offset ``t-1``, a word ``softmax-CE``, a nested name ``y_i``)."""
        if self.sub is None:
            return []
        compact = re.sub(r"\s+|\\[,;! ]", "", self.sub)
        if not re.fullmatch(r"(?:[A-Za-z]'*|\d|,)*", compact):
            return None
        return [m.group(1) + m.group(2) if m.group(1) else m.group(3)
                for m in _TOKEN.finditer(compact)]

    def text_without_sub(self, text: str) -> str:
        """This name written without its subscript (its superscript kept)."""
        return self.head_text + (f"^{self.sup}" if self.sup is not None else "")

    def with_tokens(self, tokens: list[str]) -> str:
        """This name written with the subscript ``tokens`` (its superscript kept)."""
        sup = f"^{self.sup}" if self.sup is not None else ""
        return f"{self.head_text}{sup}_{{{''.join(tokens)}}}"


def written_names(text: str, start: int = 0, stop: int | None = None) -> list[WrittenName]:
    """Every name written in ``text`` (between ``start`` and ``stop``), left to right, those
    inside superscripts (``e^{s_w}``) and the scripts of commands (``\\sum_{w'}``) included;
    the subscript of a name holds its indices, never names (see the module's docstring)."""
    stop = len(text) if stop is None else stop
    found, i = [], start
    while i < stop:
        if text[i] in "_^":  # a script of something that is no name (\sum_{w=1}^{V})
            i = _inside_group(text, i + 1, found)
            continue
        head = _head_at(text, i)
        if head is None:
            command = _COMMAND.match(text, i)
            i = command.end() if command else i + 1
            continue
        key, head_text, end = head
        sub = sup = None
        inner: list[WrittenName] = []
        for _ in range(2):
            mark = re.match(r"\s*([_^])", text[end:])
            if not mark:
                break
            group_start = end + mark.end()
            group, after = read_group(text, group_start)
            if mark.group(1) == "_" and sub is None:
                sub = group
            elif mark.group(1) == "^" and sup is None:
                sup = text[group_start:after].strip()
                _inside_group(text, group_start, inner)
            else:
                break
            end = after
        found.append(WrittenName(i, end, key, head_text, sub, sup))
        found.extend(inner)
        i = end
    return found


def _inside_group(text: str, at: int, found: list[WrittenName]) -> int:
    """Add the names inside the script group at ``at`` to ``found``; the group's end."""
    _group, end = read_group(text, at)
    while at < end and text[at].isspace():
        at += 1
    if at < end and text[at] == "{":
        found.extend(written_names(text, at + 1, end - 1))
    return end


def _head_at(text: str, i: int) -> tuple[str, str, int] | None:
    """The name starting at ``i``: (key, as written, end), or None."""
    decorated = _DECORATED.match(text, i)
    if decorated:
        inner = (decorated.group(2) or decorated.group(3)).lstrip("\\")
        return f"{decorated.group(1)}{{{inner}}}", decorated.group(0), decorated.end()
    command = _COMMAND.match(text, i)
    if command:
        name = command.group(1)
        return (name, command.group(0), command.end()) if name in GREEK_HEADS else None
    if not text[i].isalpha() or (i + 1 < len(text) and text[i + 1].isalpha()):
        return None
    if i > 0 and text[i - 1].isalpha() and not (i > 1 and text[i - 2] in "_^"):
        return None  # the end of a word (\log, exp); the a of w^la_k is a name
    return text[i], text[i], i + 1
