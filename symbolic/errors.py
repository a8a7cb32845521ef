"""Typed errors: everything that stops gradproof from checking a piece of input.

A refuted claim is never an exception; these mean "could not check". Each
carries the source span it is about and a hint, and is turned into user text
in one place per surface (CLI, pytest, export) through :meth:`one_line`.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator, Literal, get_args

# What went wrong, as the JSON report's ``kind`` of an error record: one per class below.
ErrorKind = Literal["latex", "notation", "model", "notes", "yaml", "input", "usage", "export",
                    "internal"]
ERROR_KINDS: tuple[ErrorKind, ...] = get_args(ErrorKind)


@dataclass(frozen=True)
class Span:
    """A position in a source file: 1-based line and column.

    In a notebook, ``cell`` is the 1-based cell number and the line counts within that cell.
    """

    path: str
    line: int
    column: int
    cell: int | None = None

    def shifted(self, text_before: str) -> "Span":
        """The span reached after reading ``text_before`` from this one."""
        newlines = text_before.count("\n")
        if newlines == 0:
            return replace(self, column=self.column + len(text_before))
        tail = text_before.rsplit("\n", 1)[1]
        return replace(self, line=self.line + newlines, column=len(tail) + 1)

    def __str__(self) -> str:
        return location(self.path, self.line, self.column, self.cell)


def location(path: str, line: int, column: int, cell: int | None = None) -> str:
    """``path:line:col``, or ``nb.ipynb:cell 4:line 2:col 7`` in a notebook."""
    if cell is None:
        return f"{path}:{line}:{column}"
    return f"{path}:cell {cell}:line {line}:col {column}"


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


_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]\s*")


def one_line(text: str) -> str:
    """Messages are one line: the input's own line breaks are never echoed."""
    return _LINE_BREAKS.sub(" ", text).strip()


def internal_error(exc: Exception, span: Span) -> GradproofError:
    """A bug met while checking, as a located error that asks for a report."""
    return GradproofError(f"internal error while checking ({type(exc).__name__}: "
                          f"{one_line(str(exc))[:200]})", span,
                          "this is a gradproof bug; please report it with this note")


# -- the time limit of one claim ---------------------------------------------------------------


class TimeLimitReached(BaseException):
    """A claim ran past its time limit.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the way
    (gradproof's own, latex2sympy2's, SymPy's) can turn it into a wrong answer: only the
    code that set the limit catches it (the checker, per claim and per model block).
    """


class _Limits(threading.local):
    def __init__(self):
        self.deadlines: list[float] = []


_LIMITS = _Limits()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeLimitReached` in the code run inside, once ``seconds`` have passed.

    How it works: the deadline is kept per thread (nested limits keep the earliest), and
    :func:`check_time` raises past it wherever it is called (the hot loops of the engine,
    the derivation and the proof). In the main thread a SIGALRM timer (``setitimer``)
    interrupts any Python code as well, the ANTLR parse and SymPy included, and fires again
    every ``settings.TIME_LIMIT_REPEAT`` seconds in case a library swallowed it; a timer
    that was set before is put back afterwards. In other threads only the cooperative
    checks apply. C code (symengine, GMP) is not interrupted: its inputs are bounded by the
    limits of :mod:`symbolic.settings` instead.
    """
    if seconds is None or seconds <= 0 or seconds == float("inf"):
        yield
        return
    deadlines = _LIMITS.deadlines
    deadline = time.monotonic() + seconds
    if deadlines:
        deadline = min(deadline, deadlines[-1])
    deadlines.append(deadline)
    alarm = _Alarm.arm(deadline) if _can_signal() else None
    try:
        yield
    finally:
        if alarm is not None:
            alarm.disarm()
        deadlines.pop()


def check_time() -> None:
    """Raise :class:`TimeLimitReached` if the innermost time limit has passed."""
    deadlines = _LIMITS.deadlines
    if deadlines and time.monotonic() > deadlines[-1]:
        raise TimeLimitReached()


def time_left() -> float | None:
    """Seconds until the innermost time limit, or None without one."""
    deadlines = _LIMITS.deadlines
    return deadlines[-1] - time.monotonic() if deadlines else None


def _can_signal() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _Alarm:
    """One armed SIGALRM timer, and what it replaced."""

    def __init__(self, handler, timer: tuple[float, float], started: float):
        self.handler, self.timer, self.started = handler, timer, started

    @classmethod
    def arm(cls, deadline: float) -> "_Alarm | None":
        from .settings import TIME_LIMIT_REPEAT

        try:
            handler = signal.signal(signal.SIGALRM, _on_alarm)
        except (ValueError, OSError):  # not the main interpreter, or no signals here
            return None
        timer = signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-3),
                                 TIME_LIMIT_REPEAT)
        return cls(handler, timer, time.monotonic())

    def disarm(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.handler if self.handler is not None else signal.SIG_DFL)
        delay, interval = self.timer
        if delay > 0:  # an outer limit, or someone else's timer (pytest-timeout): put it back
            left = delay - (time.monotonic() - self.started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), interval)


def _on_alarm(signum, frame) -> None:
    deadlines = _LIMITS.deadlines
    if deadlines and time.monotonic() >= deadlines[-1] - 1e-3:
        raise TimeLimitReached()
