"""A function of one example the block defines: Ng's hypothesis ``h_\\theta(x^{(i)})``.

Course notes define the hypothesis once as a function of an example and then call it on
examples: ``h_\\theta(x) = \\sigma(\\sum_j \\theta_j x_j)``, used as ``h_\\theta(x^{(i)})`` in the
cost and in every claim. A ``define`` line whose left side is such a call,
``NAME(PARAM)`` with one parameter letter, declares the function; a call
``NAME(PARAM^{(i)})`` (or ``NAME(PARAM)``) anywhere after it — later define lines and claims —
reads as the body with the parameter replaced by the argument, in parentheses:
``h_\\theta(x^{(i)})`` is ``(\\sigma(\\sum_j \\theta_j x^{(i)}_j))``, whose superscript the
superscript rules read as the example index (``x_{ij}``). A call on anything else
(``h_\\theta(z)``, ``h_\\theta(\\theta^T x)``) is an error at the call, never a guess.

A conditional probability is declared the same way, ``p(w|c) = \\hat{y}_w``: its parameter is an
index letter, and a call written with the same condition, ``p(o|c)``, is the body at that
letter (``\\hat{y}_o``); a call with another condition is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ModelError, NotationError, Span
from ..latex.text import closing

# h_\theta, h_{\theta}, h_\beta, f: a letter (or command) with an optional one-symbol subscript
_NAME = r"(\\?[A-Za-z]+)\s*(?:_\s*(?:\{\s*(\\?[A-Za-z]+)\s*\}|(\\[A-Za-z]+|[A-Za-z])))?"
_GIVEN = r"\s*(?:\||\\mid(?![A-Za-z]))\s*"  # the bar of p(o|c)
_DEFINITION = re.compile(rf"^\s*{_NAME}\s*(?:\\left\s*)?\(\s*(\\?[A-Za-z]+)\s*"
                         rf"(?:{_GIVEN}([A-Za-z](?:\s*,\s*[A-Za-z])*)\s*)?(?:\\right\s*)?\)\s*$")
# an example superscript on the argument: x^{(i)}, x^{[i]}, x^{(i)} written x^(i)
_EXAMPLE = r"(?:\s*\^\s*(?:\{\s*[(\[]\s*[A-Za-z]\s*[)\]]\s*\}|[(\[]\s*[A-Za-z]\s*[)\]]))?"
MAX_EXPANSIONS = 200


@dataclass(frozen=True)
class FunctionDefinition:
    """``NAME(PARAM) = BODY`` from a define line."""

    head: str  # 'h'
    sub: str | None  # '\theta', or None
    param: str  # 'x'
    body: str
    span: Span
    given: str | None = None  # 'c' of p(w|c): the written condition, without spaces

    @property
    def written(self) -> str:
        return self.head + (f"_{{{self.sub}}}" if self.sub else "")

    def _head(self) -> str:
        """The function's name as written (``h_\\theta``, ``h_{\\theta}``), as a pattern."""
        head = re.escape(self.head)
        if self.sub is None:
            sub = r"(?!\s*_)"
        else:
            s = re.escape(self.sub)
            sub = rf"\s*_\s*(?:\{{\s*{s}\s*\}}|{s}(?![A-Za-z]))"
        return rf"(?<![\\A-Za-z]){head}(?![A-Za-z]){sub}"

    def call_pattern(self) -> re.Pattern:
        return re.compile(self._head() + r"\s*(?:\\left\s*)?\(")

    def primed_pattern(self) -> re.Pattern:
        """``NAME'(``: one prime between the function's name and its parenthesis."""
        return re.compile(self._head() + r"\s*'(?!')\s*(?:\\left\s*)?\(")

    def argument_pattern(self) -> re.Pattern:
        if self.given is not None:  # p(o|c): any index letter, under the same condition
            given = r"\s*,\s*".join(map(re.escape, self.given.split(",")))
            return re.compile(rf"^\s*([A-Za-z])'*{_GIVEN}{given}\s*(?:\\right\s*)?$")
        return re.compile(rf"^\s*{re.escape(self.param)}(?![A-Za-z]){_EXAMPLE}\s*(?:\\right\s*)?$")

    def expand(self, argument: str) -> str:
        """The body with the parameter replaced by ``argument`` (as written)."""
        argument = argument.strip()
        argument = re.sub(r"\s*\\right\s*$", "", argument)
        if self.given is not None:
            argument = re.split(_GIVEN, argument)[0].strip()
            letter = argument.rstrip("'")
            if letter != self.param and re.search(rf"(?<![\\A-Za-z]){letter}(?![A-Za-z])", self.body):
                raise NotationError(f"{self.written}({argument}|{self.given}): the letter {letter} is "
                                    f"used inside the definition of {self.written}", self.span,
                                    f"call it on a letter its definition does not use")
        parameter = re.compile(rf"(?<![\\A-Za-z]){re.escape(self.param)}(?![A-Za-z])")
        return r"\left(" + parameter.sub(lambda _m: argument, self.body) + r"\right)"


def function_definition(lhs: str, rhs: str, span: Span) -> FunctionDefinition | None:
    """The function a define line declares (``h_\\theta(x) = …``), or None for a quantity."""
    m = _DEFINITION.match(lhs)
    if m is None:
        return None
    head, sub, param = m.group(1), m.group(2) or m.group(3), m.group(4)
    if param == head:
        raise ModelError(f"{lhs.strip()}: the parameter has the function's own name", span,
                         "name the parameter after the example, e.g. h_\\theta(x) = …")
    given = re.sub(r"\s+", "", m.group(5)) if m.group(5) else None
    return FunctionDefinition(head, sub, param, rhs.strip(), span, given)


def expand_calls(text: str, functions: tuple[FunctionDefinition, ...], span: Span
                 ) -> tuple[str, int | None]:
    """``text`` with every call of a block-defined function written out, and the offset in
    ``text`` of the first call (None when there is none).

    Raises:
        NotationError: a call on an argument that is not the parameter (with an example
            superscript), or one whose parenthesis is never closed.
    """
    first = None
    for _ in range(MAX_EXPANSIONS):
        found = _first_call(text, functions)
        if found is None:
            return text, first
        function, m = found
        start, open_at = m.start(), m.end() - 1
        close = closing(text, open_at, "(", ")")
        written = text[start:m.end()].strip()
        if close < 0:
            raise NotationError(f"the call {written}… is never closed", span.shifted(text[:start]),
                                f"write {function.written}({function.param}^{{(i)}})")
        argument = text[open_at + 1:close]
        if not function.argument_pattern().match(argument) and function.given is not None:
            raise NotationError(f"{function.written}({argument.strip()}) calls the block's "
                                f"{function.written}({function.param}|{function.given}) on something "
                                f"other than an index letter given {function.given}",
                                span.shifted(text[:start]),
                                f"call it as {function.written}(o|{function.given}) with an index letter")
        if not function.argument_pattern().match(argument):
            raise NotationError(f"{function.written}({argument.strip()}) calls the block's "
                                f"{function.written}({function.param}) on something other than "
                                f"{function.param} or an example {function.param}^{{(i)}}",
                                span.shifted(text[:start]),
                                f"call it as {function.written}({function.param}^{{(i)}}), or write "
                                "the expression out")
        first = start if first is None else min(first, start)
        text = text[:start] + " " + function.expand(argument) + " " + text[close + 1:]
    raise NotationError("too many calls of the block's functions in one expression", span,
                        "split the expression into named parts")


def expand_primes(text: str, functions: tuple[FunctionDefinition, ...], span: Span) -> str:
    """``text`` with each first derivative of a block function at its own parameter,
    ``swish'(x)``, written as the derivative of the call by the parameter,
    ``\\frac{d \\, (swish(x))}{d \\, x}``, which :func:`expand_calls` then writes out.

    Only a call on the parameter itself is read (the derivative by that variable); a prime on
    a call of anything else is left as written, for the prime checks to refuse at its column.
    """
    for function in functions:
        pattern = function.primed_pattern()
        at = 0
        while (m := pattern.search(text, at)) is not None:
            open_at = m.end() - 1
            close = closing(text, open_at, "(", ")")
            argument = text[open_at + 1:close].strip() if close > 0 else ""
            if argument != function.param:
                at = m.end()
                continue
            call = f"{function.written}({argument})"
            replacement = rf"\frac{{d \, ({call})}}{{d \, {argument}}}"
            text = text[:m.start()] + replacement + text[close + 1:]
            at = m.start() + len(replacement)
    return text


def _first_call(text: str, functions) -> tuple[FunctionDefinition, re.Match] | None:
    best = None
    for function in functions:
        m = function.call_pattern().search(text)
        if m is not None and (best is None or m.start() < best[1].start()):
            best = (function, m)
    return best
