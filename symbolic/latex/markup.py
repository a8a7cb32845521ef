"""Markup authors write inside a term that the grammar does not read, rewritten before parsing.

* ``\\sum_{k \\neq i}`` (``\\ne``, ``\\not=``, ``\\sum_{k=1, k \\neq i}^{K}``): the sum over
  the whole range of k times 1 − δ_{ki}. The factor is a stand-in letter put first in the
  sum's body, so the grammar gives the sum the same body it gives the sum written without
  the exclusion; after the parse the letter becomes ``1 - KroneckerDelta(k, i)`` over the
  index letters as written.
* ``\\sum_k^{ }``: an empty upper limit is no limit.
* ``tanh(x)``, ``ln(x)``, ``exp(x)``, ``sigmoid(x)``, ``softplus(x)``… written without a
  backslash before a parenthesis: the function, not a product of letters.
* ``\\operatorname{sech}^2 z``: a function that the parser cuts out as a call, written
  without parentheses around a one-symbol argument, gets them.

A norm, an implication arrow inside a term, a sum over part of a range and a '.' that is not a
decimal point (the grammar would stop reading at it: ``dz.a`` came out as ``dz``) are errors at
their place that name them. Everything else is left to the grammar.
"""

from __future__ import annotations

import re
from typing import Callable

import sympy

from ..errors import LatexError, Span
from .notation import CALLED
from .text import read_group

_LETTER = r"[A-Za-z]'*"
# \sum_{k \neq i}, \sum_{k=1, k \neq i}: group 2 the summed letter, 3 the excluded one.
_EXCLUDING = re.compile(rf"\\sum\s*_\s*\{{\s*(?:(?P<from>{_LETTER})\s*=\s*1\s*,\s*)?({_LETTER})\s*"
                        rf"(?:\\neq?(?![A-Za-z])|\\not\s*=)\s*({_LETTER})\s*\}}")
_EMPTY_UPPER = re.compile(r"(\\sum\s*_\s*(?:\{[^{}]*\}|[A-Za-z]'*))\s*\^\s*\{\s*\}")
# Function names written as words: only right before a parenthesis, and not inside a word, a
# command or its braces (\text{exp}(x) is read by the notation tables), but e^{exp(x)} is.
_BARE_FUNCTION = re.compile(r"(?<![\\A-Za-z])(tanh|sinh|cosh|sech|exp|ln|log)(?=\s*\()")
_WORD_COMMAND = re.compile(r"\\(?:text|textrm|mathrm|operatorname|mbox)\s*\{\s*$")
# Functions with no command of their own, written as words before a parenthesis: softplus(x).
_BARE_NAMED = re.compile(r"(?<![\\A-Za-z{])(sigmoid|softplus|softsign|swish|relu|ReLU|GELU|gelu)(?=\s*\()")
# A one-symbol argument without parentheses: a letter or a command, with a subscript, then the end
# of the product (an operator, a closing bracket or the end of the term).
# A conditional probability p(o|c): a call of its own (the model stage reads it only where the
# block defines the function, p(w|c) = …), never the grammar's absolute-value bars.
_GIVEN = re.compile(r"(?<![\\A-Za-z])([A-Za-z])\s*\(\s*([A-Za-z]'*)\s*(?:\||\\mid(?![A-Za-z]))\s*"
                    r"([A-Za-z](?:\s*,\s*[A-Za-z])*)\s*\)")
GIVEN_PREFIX = "gradproofgiven"
_SECH = r"\\sech(?![A-Za-z])|\\(?:operatorname|mathrm|text)\s*\{\s*sech\s*\}"
_UNBRACKETED = re.compile(
    rf"({_SECH})(\s*\^\s*(?:\{{[^{{}}]*\}}|[0-9A-Za-z]))?\s*"
    r"((?:[A-Za-z]|\\[A-Za-z]+)(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?)"
    r"(?=\s*(?:$|[-+=)\]}]|\\cdot(?![A-Za-z])|\\right(?![A-Za-z])))")
_SECH_RE = re.compile(_SECH)
_NORM = re.compile(r"(?:\\left\s*)?(?:\\\||\\[lr]?Vert(?![A-Za-z]))")
_RELATION = re.compile(r"\\(?:Rightarrow|implies|iff|Longrightarrow|Leftrightarrow|Longleftrightarrow|"
                       r"equiv|coloneqq|triangleq)(?![A-Za-z])|:=")
# a sum whose subscript restricts the range: \sum_{k \neq i, j}, \sum_{k=1, k \ne i}, \sum_{k \in S}
_PARTIAL_SUM = re.compile(r"\\sum\s*_\s*\{[^{}]*(?:(?:\\neq?|\\not|\\in|\\notin|\\leq?|\\geq?)(?![A-Za-z])"
                          r"|<|>)[^{}]*\}")
# '.' as a decimal point has a digit after it (0.5, .5 after a non-letter); \left. and \right. are
# invisible delimiters; \. is spacing
_STOP = re.compile(r"(?<!\\right)(?<!\\left)(?<!\\)\.(?!\d)|(?<=[A-Za-z}])\.(?=\d)")
_STOP_LABEL = re.compile(r"\.\s*\(\s*([A-Za-z0-9.'*]+)\s*\)\s*$")
_UNREAD = (
    (_NORM, "is a norm, which is not read yet",
     r"write the squared norm as a sum over an index, e.g. \sum_i r_i^2 for \|r\|^2"),
    (_RELATION, "relates two equations; it is read only between whole equations of a display",
     r"write A \Rightarrow B with A and B equations, or X := E on a line of its own"),
    (_PARTIAL_SUM, "sums over part of a range, which is not read",
     r"gradproof reads \sum_k, \sum_{k=1}^{K} and \sum_{k \neq i}"),
)


def rewrite_markup(text: str, span: Span, exclusion: Callable[[str, str], str]) -> str:
    """``text`` with the markup above rewritten; ``exclusion(k, i)`` lends the letter for 1 − δ_{ki}.

    Raises:
        LatexError: at its position, for markup that is not read (see the module's docstring),
            an excluding sum with no body, or a ``\\sech`` whose argument is
            more than one symbol and has no parentheses.
    """
    for m in _SECH_RE.finditer(text):
        if not (_UNBRACKETED.match(text, m.start())
                or re.match(r"\s*(?:\^\s*(?:\{[^{}]*\}|[0-9A-Za-z])\s*)?\(", text[m.end():])):
            raise LatexError(f"'{m.group(0)}' needs its argument in parentheses here",
                             span.shifted(text[:m.start()]),
                             r"write \operatorname{sech}^2(z), or 1 - \tanh^2(z)")
    _check_unread(text, span)
    _check_stops(text, span)
    text = _excluding_sums(text, span, exclusion)
    text = _EMPTY_UPPER.sub(r"\1", text)
    text = _BARE_FUNCTION.sub(lambda m: m.group(0) if _WORD_COMMAND.search(text, 0, m.start())
                              else "\\" + m.group(0), text)
    text = _GIVEN.sub(_conditional, text)
    text = _BARE_NAMED.sub(lambda m: rf"\operatorname{{{m.group(1)}}}", text)
    return _UNBRACKETED.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}({m.group(3)})", text)


def _conditional(m: re.Match) -> str:
    """``p(o|c)`` as a stand-in call of one argument, ``\\operatorname{gradproofgivenpc}(o)``."""
    stand_in = rf"\operatorname{{{GIVEN_PREFIX}{m.group(1)}{re.sub('[^A-Za-z]', '', m.group(3))}}}"
    CALLED.register(stand_in)
    return f"{stand_in}({m.group(2)})"


def _check_unread(text: str, span: Span) -> None:
    """A norm, a relation between equations, or a sum over part of a range: a located error
    naming it, rather than the grammar's words."""
    for pattern, what, hint in _UNREAD:
        for m in pattern.finditer(text):
            if pattern is _PARTIAL_SUM and _EXCLUDING.match(text, m.start()):
                continue
            written = " ".join(m.group(0).split())
            raise LatexError(f"'{written}' {what}", span.shifted(text[:m.start()]), hint)


def _check_stops(text: str, span: Span) -> None:
    """A '.' that is not a decimal point: the grammar stops reading at it (``dz.a`` is read as
    ``dz``), so it is an error, never a dropped rest."""
    for m in _STOP.finditer(text):
        label = _STOP_LABEL.match(text, m.start())
        if label:
            raise LatexError(f"'{label.group(0).strip()}' at the end: a full stop before a label is not read",
                             span.shifted(text[:m.start()]),
                             f"write \\tag{{{label.group(1)}}} for a label, \\cdot for a product")
        before = text[max(0, m.start() - 8):m.start()].split()
        after = text[m.end():m.end() + 8].split()
        shown = (before[-1] if before else "") + "." + (after[0] if after else "")
        raise LatexError(f"the '.' in '{shown}' is not read (it is not a decimal point)",
                         span.shifted(text[:m.start()]), r"write a product with \cdot or a space")


def _excluding_sums(text: str, span: Span, exclusion: Callable[[str, str], str]) -> str:
    out, done = [], 0
    for m in _EXCLUDING.finditer(text):
        summed, excluded = m.group(2), m.group(3)
        written = " ".join(m.group(0).split())
        if m.group("from") not in (None, summed):
            raise LatexError(f"'{written}' starts one letter and excludes a value of another",
                             span.shifted(text[:m.start()]), r"write \sum_{k=1, k \neq i}^{K} or \sum_{k \neq i}")
        if summed == excluded:
            raise LatexError(f"'{written}' excludes the letter it sums over", span.shifted(text[:m.start()]),
                             r"write \sum_{k \neq i} with two different letters")
        end = m.end()
        upper = re.match(r"\s*\^", text[end:])
        if upper:
            _group, end = read_group(text, end + upper.end())
        body = text[end:].lstrip()
        if not body:
            raise LatexError(f"the body of '{written}' is missing", span.shifted(text[:m.start()]),
                             r"write the summand after the sum: \sum_{k \neq i} y_k")
        sign = body[0] if body[0] in "-+" else ""  # \sum_{k \neq i} -p_k y_k: the sign is the body's
        head = rf"\sum_{{{summed}}}" + text[m.end():end]
        out += [text[done:m.start()], head, f" {'-' if sign == '-' else ''}{{{exclusion(summed, excluded)}}} "]
        done = end + (len(text[end:]) - len(body) + 1 if sign else 0)
    out.append(text[done:])
    return "".join(out)


def excluded_factor(summed: str, excluded: str) -> sympy.Expr:
    """1 − δ over the two index letters as written (the resolver gives them their ranges)."""
    return 1 - sympy.KroneckerDelta(sympy.Symbol(summed), sympy.Symbol(excluded))
