"""Typed errors: everything that stops gradproof from checking a piece of input.

A refuted claim is never an exception; these mean "could not check". Each
carries the source span it is about and a hint, and is turned into user text
in one place per surface (CLI, pytest, export) through :meth:`one_line`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

# What went wrong, as the JSON report's ``kind`` of an error record: one per class below.
ErrorKind = Literal["latex", "notation", "model", "notes", "yaml", "input", "usage", "export",
                    "internal"]
ERROR_KINDS: tuple[ErrorKind, ...] = get_args(ErrorKind)


@dataclass(frozen=True)
class Span:
    """A position in a source file: 1-based line and column."""

    path: str
    line: int
    column: int

    def shifted(self, text_before: str) -> "Span":
        """The span reached after reading ``text_before`` from this one."""
        newlines = text_before.count("\n")
        if newlines == 0:
            return Span(self.path, self.line, self.column + len(text_before))
        tail = text_before.rsplit("\n", 1)[1]
        return Span(self.path, self.line + newlines, len(tail) + 1)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class GradproofError(Exception):
    """Base class: a problem with the input, located and with a hint.

    Raised as itself only for gradproof's own bugs (kind ``internal``); problems with
    the input are raised as the subclasses, whose ``kind`` names them.
    """

    kind: ErrorKind = "internal"

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint

    def located(self, span: Span) -> "GradproofError":
        """Attach ``span`` if the error does not know its position yet."""
        if self.span is None:
            self.span = span
        return self

    def one_line(self) -> str:
        where = f"{self.span}: " if self.span else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}error: {self.message}{hint}"

    def __str__(self) -> str:
        return self.one_line()


class NotesError(GradproofError):
    """The Markdown of a note cannot be read (an unclosed block, math before any model)."""

    kind: ErrorKind = "notes"


class YamlError(NotesError):
    """The YAML of a derivation block is invalid or does not declare a model."""

    kind: ErrorKind = "yaml"


class InputError(NotesError):
    """A notes file cannot be read at all: missing, a folder, too large, not UTF-8."""

    kind: ErrorKind = "input"


class LatexError(GradproofError):
    """A math fragment cannot be parsed."""

    kind: ErrorKind = "latex"


class NotationError(GradproofError):
    """Symbols, indices or shapes do not fit the declared context."""

    kind: ErrorKind = "notation"


class ModelError(GradproofError):
    """The model definitions are unusable (cycles, unsupported functions)."""

    kind: ErrorKind = "model"


class UsageError(GradproofError):
    """A command was called with arguments that cannot work."""

    kind: ErrorKind = "usage"


class ExportError(GradproofError):
    """Annotated notes cannot be produced (unsafe math, pdflatex failing, an unwritable output)."""

    kind: ErrorKind = "export"
