"""Primes on known functions: ``\\sigma'(z)``, ``\\tanh'(z)``, ``\\operatorname{ReLU}'(z)``.

The grammar drops a prime (``\\sigma'(z)`` comes out as σ·z), so primes are read here,
before it runs. A prime (``'``, ``''``, ``^{\\prime}``, ``^\\prime``) written between a
function the notation knows and its parenthesised argument is that function's derivative
of that order, evaluated at the argument. The function is rewritten as a stand-in call,
``\\operatorname{\\x00…}``, registered with :data:`notation.CALLED` like any function; the
model stage (:func:`primed_function`) turns it into the row's derivative. Any other prime
is left to :func:`text.check_primes`, which makes it a located error: ``h'(a_j)`` for a
function the model does not define, ``y'``, ``(h_j)'``.
"""

from __future__ import annotations

import re

from .notation import CALLED, NATIVE

# A function command, then primes, then "(": \sigma', \tanh'', \operatorname{GELU}^{\prime}.
_PRIMED = (r"(?P<command>\\(?:operatorname|mathrm|text)\s*\{\s*[A-Za-z]+\s*\}|\\[A-Za-z]+)"
           r"\s*(?P<primes>'+|\^\s*\{\s*(?:\\prime\s*)+\}|\^\s*\\prime(?![A-Za-z]))(?=\s*(?:\(|\\left\s*\())")

# A single letter or a word, then primes, then "(": f'(x), g''(z), swish'(x) -- a function the
# model may define (a word of two letters is more likely a product, ab'(x)).
_PRIMED_LETTER = r"(?<![\\A-Za-z_^])(?<![_^]\{)(?<![_^]\{\s)(?P<letter>[A-Za-z]|[A-Za-z]{3,})\s*(?P<letter_primes>'+)(?=\s*(?:\(|\\left\s*\())"
# A single letter with primes and no argument: u', y'' -- by the one variable of the model.
_PRIMED_BARE = r"(?<![\\A-Za-z_^{'])(?P<bare>[A-Za-z])(?P<bare_primes>'+)(?!\s*(?:[(_^{]|\\left\s*\())"
GENERIC = "?"  # marks a letter's spelling in PRIMED: the model stage decides what it is
BARE = GENERIC * 2  # the same, written without an argument
_ANY_PRIMED = re.compile(f"{_PRIMED}|{_PRIMED_LETTER}|{_PRIMED_BARE}")

# stand-in spelling -> (the function's spelling, the order of the derivative)
PRIMED: dict[str, tuple[str, int]] = {}


def _known(command: str) -> str | None:
    """The spelling of a function the notation reads, for a command as written."""
    compact = re.sub(r"\s+", "", command)
    if compact.lstrip("\\") in CALLED:
        return CALLED[compact.lstrip("\\")]
    if compact in NATIVE:
        return compact
    inner = re.match(r"\\(?:operatorname|mathrm|text)\{([A-Za-z]+)\}$", compact)
    if inner and "\\" + inner.group(1) in NATIVE:
        return "\\" + inner.group(1)
    return None


def read_primes(text: str) -> tuple[str, str]:
    """``text`` with each prime on a function written as a stand-in call, and ``text`` with
    those primes blanked (same length: the checks that run on it keep exact columns).

    A function of the table (``\\sigma'``) becomes its derivative; a single letter
    (``f'(x)``) is left to the model stage, which reads it as the derivative of the model's f
    by its one leaf, or says it does not know f."""
    masked = list(text)

    def replace(m: re.Match) -> str:
        if m.group("letter"):
            word = m.group("letter")  # tanh'(x) without its backslash is \tanh', as tanh(x) is \tanh
            known = "\\" + word if len(word) > 2 and "\\" + word in NATIVE else None
            spelling, primes = known or GENERIC + word, m.group("letter_primes")
        elif m.group("bare"):
            spelling, primes = BARE + m.group("bare"), m.group("bare_primes")
        else:
            spelling, primes = _known(m.group("command")), m.group("primes")
            if spelling is None:
                return m.group(0)  # not a function the notation knows: check_primes says so
        order = primes.count("'") + primes.count("\\prime")
        stand_in = rf"\operatorname{{{_stand_in_name(spelling, order)}}}"
        PRIMED[stand_in] = (spelling, order)
        CALLED.register(stand_in)
        group = "letter_primes" if m.group("letter") else "bare_primes" if m.group("bare") else "primes"
        start, end = m.span(group)
        masked[start:end] = " " * (end - start)
        return f"{stand_in}({m.group('bare')})" if m.group("bare") else stand_in

    return _ANY_PRIMED.sub(replace, text), "".join(masked)


def _stand_in_name(spelling: str, order: int) -> str:
    """Letters only (the grammar reads them inside \\operatorname), unlike anything written."""
    letters = re.sub(r"[^A-Za-z]", "", spelling)
    kind = "bare" if spelling.startswith(BARE) else "generic" if spelling.startswith(GENERIC) else ""
    return f"gradproofprime{'x' * order}{kind}{letters}"


def primed_function(name: str) -> tuple[str, int] | None:
    """For a parsed call's name: the primed function's spelling and the order, if it is one."""
    return PRIMED.get(name)
