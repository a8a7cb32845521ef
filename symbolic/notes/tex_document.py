r"""LaTeX documents (``.tex``, as written for Overleaf): display math and derivation blocks.

Read as math: ``equation``, ``align``, ``gather``, ``multline``, ``flalign``, ``alignat``,
``eqnarray`` (and their starred forms), ``\[…\]`` and ``$$…$$``; with ``inline``,
``$…$`` and ``\(…\)``. The model comes from a ``derivation`` environment holding the same
YAML as a Markdown derivation block, or from comment lines between ``%! derivation`` and
``%! end`` (each line's first ``%`` is dropped). Comments elsewhere, ``\verb`` and
verbatim-like environments are never math. So that the document still compiles, its
preamble declares the environment as a comment (``\usepackage{verbatim}`` then
``\newenvironment{derivation}{\comment}{\endcomment}``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .math_block import DISPLAY_ENVIRONMENTS

if TYPE_CHECKING:
    from .document import NoteReader

TEX_RE = re.compile(r"""
    (?P<escape>\\[\\$%&#_{}])
  | (?P<verb>\\verb\*?(?P<delimiter>[^A-Za-z\s*]))
  | (?P<begin>\\begin\s*\{(?P<name>[A-Za-z]+\*?)\}(?:\s*\{\d+\})?)
  | (?P<bracket>\\\[) | (?P<paren>\\\() | (?P<dollars>\$\$) | (?P<dollar>\$)
  | (?P<derivation>^[ \t]*%![ \t]*derivation[ \t]*$)
  | (?P<comment>%[^\n]*)
""", re.X | re.M)
DERIVATION_END = re.compile(r"^[ \t]*%![ \t]*end\b.*$", re.M)
COMMENT_LINE = re.compile(r"[ \t]*%")
# Environments whose content is not LaTeX to read.
VERBATIM = {"verbatim", "verbatim*", "Verbatim", "lstlisting", "minted", "comment", "filecontents",
            "filecontents*", "alltt", "tabbing"}
# Top-level display environments (aligned and gathered only live inside one of these).
DISPLAYS = {name: align for name, align in DISPLAY_ENVIRONMENTS.items() if name not in ("aligned", "gathered")}
PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


class _Closers:
    """``text.find(closer, pos)`` that skips escaped closers and remembers misses (stays linear)."""

    def __init__(self, text: str):
        self.text, self.missed = text, {}

    def find(self, closer: str, pos: int, limit: int | None = None) -> int:
        end = len(self.text) if limit is None else limit
        while True:
            if self.missed.get(closer, end + 1) <= pos:
                return -1
            found = self.text.find(closer, pos, end)
            if found < 0:
                if limit is None:
                    self.missed[closer] = pos
                return -1
            backslashes = len(self.text[max(0, found - 8):found]) - len(self.text[max(0, found - 8):found].rstrip("\\"))
            if closer[0] != "\\" and backslashes % 2:
                pos = found + 1  # an escaped \$ does not close
                continue
            return found


def read_tex(reader: NoteReader) -> None:
    """Find the derivation blocks and math of the LaTeX document ``reader.text``."""
    text, closers, pos = reader.text, _Closers(reader.text), 0
    while match := TEX_RE.search(text, pos):
        kind, pos = match.lastgroup, match.end()
        if kind == "verb":
            end = text.find(match.group("delimiter"), pos, reader.line_end(reader.span(pos).line - 1))
            pos = end + 1 if end >= 0 else pos
        elif kind == "derivation":
            pos = _comment_block(reader, match)
        elif kind == "begin":
            pos = _environment(reader, closers, match)
        elif kind in ("bracket", "dollars"):
            closer = "\\]" if kind == "bracket" else "$$"
            close = closers.find(closer, pos)
            if close >= 0:
                reader.math(match.start(), pos, close, close + 2, True, False)
                pos = close + 2
        elif kind in ("paren", "dollar"):
            paragraph = PARAGRAPH_END.search(text, pos)
            closer = "\\)" if kind == "paren" else "$"
            close = closers.find(closer, pos, paragraph.start() if paragraph else None)
            if close >= 0:
                reader.math(match.start(), pos, close, close + len(closer), False, False)
                pos = close + len(closer)


def _environment(reader: NoteReader, closers: _Closers, match: re.Match) -> int:
    name, pos = match.group("name"), match.end()
    if name not in DISPLAYS and name not in VERBATIM and name != "derivation":
        return pos
    closer = f"\\end{{{name}}}"
    close = closers.find(closer, pos)
    if name == "derivation":
        body = reader.line_offset(reader.span(pos).line)  # the YAML starts on the next line
        end = reader.line_offset(reader.span(close).line - 1) if close >= 0 else None
        reader.context(match.start(), body, max(end, body) if end is not None else None,
                       closing="\\end{derivation}")
        return close + len(closer) if close >= 0 else len(reader.text)
    if close < 0:
        return pos
    if name in VERBATIM:
        reader.skip(close + len(closer))
    else:
        reader.math(match.start(), pos, close, close + len(closer), True, DISPLAYS[name])
    return close + len(closer)


def _comment_block(reader: NoteReader, match: re.Match) -> int:
    """``%! derivation`` … ``%! end``: YAML in comment lines, each line's first '%' read as a space."""
    text = reader.text
    start = min(match.end() + 1, len(text))
    end_match = DERIVATION_END.search(text, start)
    end = end_match.start() if end_match else None
    if end is not None:
        lines = text[start:end].split("\n")
        if any(line.strip() and not COMMENT_LINE.match(line) for line in lines):
            end = None  # a line of the document before '%! end': the block never closed
    if end is None:
        reader.context(match.start(), start, None, closing="a line %! end")
        return start
    body = "\n".join(COMMENT_LINE.sub(lambda m: m.group()[:-1] + " ", line, count=1) for line in lines)
    reader.context(match.start(), start, end, body, closing="a line %! end")
    return end_match.end()
