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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ModelError, NotationError, Span
from ..latex.text import closing

# h_\theta, h_{\theta}, h_\beta, f: a letter (or command) with an optional one-symbol subscript
_NAME = r"(\\?[A-Za-z]+)\s*(?:_\s*(?:\{\s*(\\?[A-Za-z]+)\s*\}|(\\[A-Za-z]+|[A-Za-z])))?"
_DEFINITION = re.compile(rf"^\s*{_NAME}\s*(?:\\left\s*)?\(\s*(\\?[A-Za-z]+)\s*(?:\\right\s*)?\)\s*$")
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

    @property
    def written(self) -> str:
        return self.head + (f"_{{{self.sub}}}" if self.sub else "")

    def call_pattern(self) -> re.Pattern:
        head = re.escape(self.head)
        if self.sub is None:
            sub = r"(?!\s*_)"
        else:
            s = re.escape(self.sub)
            sub = rf"\s*_\s*(?:\{{\s*{s}\s*\}}|{s}(?![A-Za-z]))"
        return re.compile(rf"(?<![\\A-Za-z]){head}(?![A-Za-z]){sub}\s*(?:\\left\s*)?\(")

    def argument_pattern(self) -> re.Pattern:
        return re.compile(rf"^\s*{re.escape(self.param)}(?![A-Za-z]){_EXAMPLE}\s*(?:\\right\s*)?$")

    def expand(self, argument: str) -> str:
        """The body with the parameter replaced by ``argument`` (as written)."""
        argument = argument.strip()
        argument = re.sub(r"\s*\\right\s*$", "", argument)
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
    return FunctionDefinition(head, sub, param, rhs.strip(), span)


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


def _first_call(text: str, functions) -> tuple[FunctionDefinition, re.Match] | None:
    best = None
    for function in functions:
        m = function.call_pattern().search(text)
        if m is not None and (best is None or m.start() < best[1].start()):
            best = (function, m)
    return best
