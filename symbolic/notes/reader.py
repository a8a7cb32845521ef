"""Read Markdown derivation notes into context blocks and chains of equalities.

Text only: no LaTeX is parsed here. The reader finds ```derivation blocks (their
YAML is validated by :mod:`symbolic.derivation_block`) and math blocks outside code;
:mod:`symbolic.math_block` splits each math block into chains ``E0 = E1 = ... = En``
at its top-level ``=`` signs and keeps the exact file position of every term.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass

from ..errors import InputError, NotesError, Span
from .derivation_block import CONTEXT_KEYS, DerivationBlock
from .math_block import DISPLAY_ENVIRONMENTS, ChainSource, MathBlock, Term

__all__ = ["CONTEXT_KEYS", "MAX_BYTES", "ChainSource", "ContextSource", "Note", "Problem", "Term",
           "parse_note", "read_note"]

MAX_BYTES = 8 * 1024 * 1024

FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^\n]*)$", re.M)
PROSE_RE = re.compile(r"\\begin\s*\{([A-Za-z]+\*?)\}|\\\[|\\\(|\\[\\$]|\$\$|\$|`+")
CLOSE_DOLLARS = re.compile(r"(?<!\\)\$\$")
CLOSE_DOLLAR = re.compile(r"(?<!\\)\$(?:\$|(?!\d))")  # '$$' here means the '$' was not math
CLOSE_BRACKET = re.compile(r"\\\]")
CLOSE_PAREN = re.compile(r"\\\)")
NEWLINE = re.compile(r"\n")
PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
ENVIRONMENT_ARGUMENT = re.compile(r"\s*\{\d+\}")


@dataclass
class ContextSource:
    """One ```derivation block: its validated YAML and the definitions with their positions."""

    span: Span
    data: dict
    defines: list[tuple[str, Span]]
    end_line: int


@dataclass
class Problem:
    """Something in the file that could not be read; the checker reports it as an error."""

    error: NotesError


@dataclass
class Note:
    """A derivation file: its text and what was read from it, in file order."""

    path: str
    text: str
    items: list[ContextSource | ChainSource | Problem]


def read_note(path: str | os.PathLike, *, inline: bool = False) -> Note:
    """Read the notes file at ``path``.

    Args:
        path: a Markdown file.
        inline: also read inline math (``$...$``, ``\\(...\\)``) as chains.

    Raises:
        InputError: the file is missing, unreadable, too large or not UTF-8.
    """
    name = os.fspath(path)
    start = Span(name, 1, 1)
    if os.path.isdir(name):
        raise InputError(f"{name} is a directory, not a notes file", start, "pass a .md file")
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"no such file: {name}", start, "check the path") from None
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror or error}", start,
                         "check that the file exists and is readable") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MiB", start,
                         "split the notes into smaller files")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", "replace")) + 1
        raise InputError(f"not UTF-8: byte 0x{data[error.start]:02x} at line {line}, column {column}",
                         Span(name, line, column), "save the file as UTF-8") from None
    return parse_note(text.removeprefix("\ufeff"), name, inline=inline)


def parse_note(text: str, path: str = "<string>", *, inline: bool = False) -> Note:
    """Read notes from ``text``; every problem becomes a ``Problem`` item, never an exception."""
    return Note(path, text, _Reader(text, path, inline).read())


class _Reader:
    """One pass over a notes text, collecting items keyed by their offset."""

    def __init__(self, text: str, path: str, inline: bool):
        # CRLF files keep their line and column numbers when '\r\n' becomes ' \n'.
        self.text = text.replace("\r\n", " \n")
        self.path = path
        self.inline = inline
        self.line_starts = [0] + [m.end() for m in NEWLINE.finditer(self.text)]
        self.found: list[tuple[int, ContextSource | ChainSource | Problem]] = []
        self.searches: dict = {}
        self.prose_from = 0  # where the prose before the next display begins

    def read(self) -> list:
        """Split the text at fenced code blocks and read each piece."""
        prose, fences = 0, FENCE_RE.finditer(self.text)
        for fence in fences:
            marker, info = fence.group(1), fence.group(2)
            if marker[0] == "`" and "`" in info:
                continue
            self._read_prose(prose, fence.start())
            close = next((c for c in fences if c.group(1)[0] == marker[0]
                          and len(c.group(1)) >= len(marker) and not c.group(2).strip()), None)
            if info.split()[:1] == ["derivation"]:
                self._read_context(fence.start(), min(fence.end() + 1, len(self.text)), close)
            prose = close.end() if close else len(self.text)
        self._read_prose(prose, len(self.text))
        self.found.sort(key=lambda pair: pair[0])
        return [item for _, item in self.found]

    def _span(self, offset: int) -> Span:
        line = bisect.bisect_right(self.line_starts, offset)
        return Span(self.path, line, offset - self.line_starts[line - 1] + 1)

    def _problem(self, offset: int, message: str, hint: str) -> None:
        self.found.append((offset, Problem(NotesError(message, self._span(offset), hint))))

    def _search(self, pattern: re.Pattern, pos: int, end: int):
        """``pattern.search(text, pos, end)``, reusing the previous answer so scanning stays linear."""
        previous = self.searches.get((pattern, end))
        if previous and previous[0] <= pos and (previous[1] is None or previous[1].start() >= pos):
            return previous[1]
        match = pattern.search(self.text, pos, end)
        self.searches[(pattern, end)] = (pos, match)
        return match

    def _read_prose(self, pos: int, end: int) -> None:
        """Find math outside code spans in text[pos:end]."""
        self.prose_from = pos
        while match := PROSE_RE.search(self.text, pos, end):
            token, pos = match.group(), match.end()
            self.token_start = match.start()
            if token[0] == "`":
                close = self._search(re.compile(rf"(?<!`){token}(?!`)"), pos, end)
                pos = close.end() if close else pos
            elif token == "$$":
                pos = self._math(pos, CLOSE_DOLLARS, end, True, False)
            elif token == "\\[":
                pos = self._math(pos, CLOSE_BRACKET, end, True, False)
            elif token == "\\(":
                paragraph = self._search(PARAGRAPH_END, pos, end)
                pos = self._math(pos, CLOSE_PAREN, paragraph.start() if paragraph else end, False, False)
            elif token == "$" and pos < end and not self.text[pos].isspace():
                newline = self._search(NEWLINE, pos, end)
                pos = self._math(pos, CLOSE_DOLLAR, newline.start() if newline else end, False, False)
            elif match.group(1) in DISPLAY_ENVIRONMENTS:
                close = re.compile(rf"\\end\s*\{{{re.escape(match.group(1))}\}}")
                argument = ENVIRONMENT_ARGUMENT.match(self.text, pos, end)  # alignat's column count
                pos = self._math(argument.end() if argument else pos, close, end, True,
                                 DISPLAY_ENVIRONMENTS[match.group(1)])

    def _math(self, start: int, closer: re.Pattern, limit: int, display: bool, align: bool) -> int:
        """Read the math from ``start`` to ``closer``; return where prose resumes."""
        close = self._search(closer, start, limit)
        if close is None or (closer is CLOSE_DOLLAR and close.group() == "$$"):
            return start
        if (display or self.inline) and self.text[start:close.start()].strip():
            prose = (self.text[self.prose_from:self.token_start], self.prose_from) if display else None
            MathBlock(self, start, close.start(), display, align, self._span(close.end() - 1).line,
                      prose).read()
        if display:
            self.prose_from = close.end()
        return close.end()

    def _read_context(self, fence: int, start: int, close) -> None:
        if close is None:
            self._problem(fence, "the derivation block is not closed", "end it with a line of ```")
            return
        block = DerivationBlock(self.text[start:close.start()], Span(self.path, self._span(start).line, 1))
        block.read()
        self.found += [(start + offset, Problem(error)) for offset, error in block.problems]
        if not block.problems:
            end_line = self._span(close.start()).line
            self.found.append((fence, ContextSource(block.origin, block.data, block.defines, end_line)))
