"""What the format readers share: the items of a note, and the reader that finds them.

A :class:`NoteReader` holds a note's text at its file offsets, turns offsets into
spans, validates derivation blocks (:mod:`.derivation_block`), cuts math into chains
(:mod:`.math_block`) and applies the limits on one file.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass

from .. import settings
from ..errors import NotesError, Span
from .derivation_block import DerivationBlock
from .math_block import ChainSource, MathBlock

# The environment variables that raise the limits (see settings.py).
BYTES_VARIABLE, CLAIMS_VARIABLE, MATH_VARIABLE = (
    "GRADPROOF_MAX_BYTES", "GRADPROOF_MAX_CLAIMS", "GRADPROOF_MAX_MATH_CHARS")
NEWLINE = re.compile(r"\n")
LONE_CR = re.compile(r"\r(?!\n)")
# Quote markers of the blockquotes a piece of math sits in, at the start of its lines.
QUOTE_MARKERS = re.compile(r"(?m)^(?:[ \t]*>)+")


@dataclass
class ContextSource:
    """One derivation block: its validated YAML and the definitions with their positions."""

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


def limit(variable: str, default: int) -> int:
    """A limit: ``default``, or the positive whole number in the environment ``variable``."""
    value = os.environ.get(variable, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


class NoteReader:
    """What the format readers share: the text, positions, limits and the items found.

    The text is kept at the file's offsets: ``\\r\\n`` becomes `` \\n`` and a lone ``\\r`` a
    space, so every line and column stays where an editor shows it.
    """

    def __init__(self, text: str, path: str, inline: bool, *, cell: int | None = None,
                 claims_left: int | None = None):
        self.text = LONE_CR.sub(" ", text.replace("\r\n", " \n"))
        self.path, self.inline, self.cell = path, inline, cell
        self.line_starts = [0] + [m.end() for m in NEWLINE.finditer(self.text)]
        self.found: list[tuple[int, ContextSource | ChainSource | Problem]] = []
        self.prose_from = 0  # where the prose before the next display begins
        self.claims_limit = limit(CLAIMS_VARIABLE, settings.MAX_CLAIMS_PER_FILE)
        self.claims_left = self.claims_limit if claims_left is None else claims_left
        self.math_limit = limit(MATH_VARIABLE, settings.MAX_MATH_CHARS)
        self.full = False  # the claims limit was reached: nothing more is read

    def items(self) -> list[ContextSource | ChainSource | Problem]:
        self.found.sort(key=lambda pair: pair[0])
        return [item for _, item in self.found]

    def span(self, offset: int) -> Span:
        line = bisect.bisect_right(self.line_starts, offset)
        return Span(self.path, line, offset - self.line_starts[line - 1] + 1, self.cell)

    def problem(self, offset: int, message: str, hint: str) -> None:
        self.found.append((offset, Problem(NotesError(message, self.span(offset), hint))))

    def line_offset(self, line: int) -> int:
        """The offset where 0-based ``line`` begins (the end of the text past the last line)."""
        return self.line_starts[line] if line < len(self.line_starts) else len(self.text)

    def line_end(self, line: int) -> int:
        """The offset of the newline that ends 0-based ``line`` (or of the end of the text)."""
        return self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.text)

    def skip(self, end: int) -> None:
        """Code, comments or a block of another kind end at ``end``: prose starts again after it."""
        self.prose_from = max(self.prose_from, end)

    def math(self, opener: int, start: int, end: int, closer_end: int, display: bool, align: bool,
             quotes: int = 0) -> None:
        """The math in text[start:end], opened at ``opener`` and closed just before ``closer_end``.

        ``quotes`` is how many blockquote markers (``>``) begin its lines: they are blanked out.
        """
        if self.full or not (display or self.inline):
            return
        if display:
            prose = (self.text[self.prose_from:opener], self.prose_from)
            self.prose_from = closer_end
        raw = self.text[start:end]
        if not raw.strip():
            return
        if end - start > self.math_limit:
            self.problem(start, f"this math block has {end - start:,} characters, over the limit of "
                          f"{self.math_limit:,}", f"split it, or raise the limit with {MATH_VARIABLE}=<characters>")
            return
        if quotes and "\n" in raw:
            raw = QUOTE_MARKERS.sub(lambda m: " " * len(m.group()), raw)
        before = len(self.found)
        MathBlock(self, start, end, display, align, self.span(closer_end - 1).line,
                  prose if display else None, raw=raw).read()
        chains = [n for n in range(before, len(self.found)) if isinstance(self.found[n][1], ChainSource)]
        if len(chains) > self.claims_left:
            cut = chains[self.claims_left]
            cut_at = self.found[cut][0]
            kept = [pair for n, pair in enumerate(self.found[before:], before)
                    if n < cut or not isinstance(pair[1], ChainSource)]
            self.found[before:] = kept
            self.problem(cut_at,
                          f"more than {self.claims_limit:,} claims in one file: the rest is not read",
                          f"split the file, or raise the limit with {CLAIMS_VARIABLE}=<claims>")
            self.claims_left, self.full = 0, True
        else:
            self.claims_left -= len(chains)

    def context(self, opener: int, start: int, end: int | None, body: str | None = None,
                closing: str = "a line of ```") -> None:
        """A derivation block opened at ``opener`` whose YAML is text[start:end] (``end`` None: unclosed).

        ``body`` replaces that text when the format hides the YAML in comments; it has the same length.
        """
        self.skip(end if end is not None else len(self.text))
        if end is None:
            self.problem(opener, "the derivation block is not closed", f"end it with {closing}")
            return
        origin = self.span(self.line_offset(self.span(start).line - 1))
        block = DerivationBlock(self.text[start:end] if body is None else body, origin)
        block.read()
        self.found += [(start + offset, Problem(error)) for offset, error in block.problems]
        if not block.problems:
            end_line = self.span(end).line
            self.found.append((opener, ContextSource(block.origin, block.data, block.defines, end_line)))
