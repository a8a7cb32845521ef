"""Read derivation notes (Markdown, Jupyter notebooks, LaTeX documents) into context blocks
and chains of equalities.

Text only: no LaTeX is parsed here. Each format has its own module that finds the
derivation blocks and the math outside code and comments (:mod:`.markdown`,
:mod:`.notebook`, :mod:`.tex_document`); they all hand what they find to a
:class:`~.document.NoteReader`, which validates derivation blocks, cuts math into chains
at exact file positions, and applies the limits. Files are refused before they are
opened when they are not regular files, and when they are larger than the limit.
"""

from __future__ import annotations

import os
import stat
from typing import Literal

from ..errors import InputError, Span
from .derivation_block import CONTEXT_KEYS
from .document import (BYTES_VARIABLE, ContextSource, Note, NoteReader, Problem, limit)
from .markdown import read_markdown
from .math_block import ChainSource, Term
from .notebook import read_notebook
from .tex_document import read_tex

__all__ = ["CONTEXT_KEYS", "MAX_BYTES", "ChainSource", "ContextSource", "Note", "NoteFormat", "Problem",
           "Term", "note_format", "parse_note", "read_note"]

MAX_BYTES = 8 * 1024 * 1024

NoteFormat = Literal["markdown", "notebook", "tex"]
SUFFIXES: dict[str, NoteFormat] = {".ipynb": "notebook", ".tex": "tex", ".ltx": "tex"}


def note_format(path: str | os.PathLike) -> NoteFormat:
    """How a file is read, by its suffix: ``.ipynb`` notebooks, ``.tex`` documents, else Markdown."""
    return SUFFIXES.get(os.path.splitext(os.fspath(path))[1].lower(), "markdown")


def read_note(path: str | os.PathLike, *, inline: bool = False) -> Note:
    """Read the notes file at ``path`` (Markdown, ``.ipynb`` or ``.tex``, by its suffix).

    Args:
        path: a notes file.
        inline: also read inline math (``$...$``, ``\\(...\\)``) as chains.

    Raises:
        InputError: the file is missing, not a regular file, unreadable, too large or not UTF-8.
    """
    name = os.fspath(path)
    return parse_note(_read_text(name), name, inline=inline, format=note_format(name))


def parse_note(text: str, path: str = "<string>", *, inline: bool = False,
               format: NoteFormat | None = None) -> Note:
    """Read notes from ``text``; every problem becomes a ``Problem`` item, never an exception.

    ``format`` defaults to the one ``path``'s suffix names (Markdown for ``<string>``).
    """
    kind = format or note_format(path)
    if kind == "notebook":
        return Note(path, text, read_notebook(text, path, inline))
    reader = NoteReader(text, path, inline)
    if kind == "tex":
        read_tex(reader)
    else:
        read_markdown(reader)
    return Note(path, text, reader.items())


def _read_text(name: str) -> str:
    """The text of a regular file, refused before opening when it is anything else."""
    start = Span(name, 1, 1)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise InputError(f"no such file: {name}", start, "check the path") from None
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror or error}", start,
                         "check that the file exists and is readable") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{name} is a directory, not a notes file", start, "pass a .md, .ipynb or .tex file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{name} is not a regular file (a pipe, socket or device): it is not read",
                         start, "pass a notes file saved on disk")
    most = limit(BYTES_VARIABLE, MAX_BYTES)
    too_large = InputError(f"{name} is larger than the limit of {_size(most)} for a notes file", start,
                           f"split the notes, or raise the limit with {BYTES_VARIABLE}=<bytes>")
    if info.st_size > most:
        raise too_large
    try:
        # Non-blocking, so a file swapped for a FIFO after the check cannot hang the read.
        handle = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                raise InputError(f"{name} is not a regular file: it is not read", start,
                                 "pass a notes file saved on disk")
            with os.fdopen(handle, "rb", closefd=False) as stream:
                data = stream.read(most + 1)
        finally:
            os.close(handle)
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror or error}", start,
                         "check that the file exists and is readable") from None
    if len(data) > most:
        raise too_large
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", "replace")) + 1
        raise InputError(f"not UTF-8: byte 0x{data[error.start]:02x} at line {line}, column {column}",
                         Span(name, line, column), "save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count % (1024 * 1024) == 0 else f"{count:,} bytes"


