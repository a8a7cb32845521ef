"""The index dialects a derivation block opts into, in one place for the context.

- ``names: [E_n]`` (and a subscripted ``loss: E_n``): scalar names (:mod:`.scalar_names`);
- ``examples: {x: n}``: Nielsen's sum over the training inputs (:mod:`.example_sums`);
- ``summation: einstein``: repeated indices summed, superscript indices (:mod:`.einstein`);
- ``h_\\theta(x) = …`` lines: a function of one example (:mod:`.hypothesis_calls`).

Each rewrites the text of define lines and claims before they are parsed, or the resolved
expression after; :class:`Dialects` applies them in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Span
from .einstein import einstein_sums, read_summation, superscript_indices
from .example_sums import Examples, read_examples
from .hypothesis_calls import FunctionDefinition, expand_calls, function_definition
from .mentions import split_symbol
from .scalar_names import declared_names, declared_scalar


@dataclass(frozen=True)
class Dialects:
    """What one block declared; the default reads the seed's index notation unchanged."""

    names: frozenset[str] = frozenset()
    examples: Examples | None = None
    summation: str = "explicit"
    functions: tuple[FunctionDefinition, ...] = ()

    def text(self, text: str, span: Span, letters: set[str]) -> tuple[str, int | None]:
        """A claim's (or define line's) text rewritten for the dialects, and the offset of the
        first call of a block function in it (None if there is none).

        Raises:
            NotationError: a call of a block function that cannot be read.
        """
        if self.examples is not None:
            text = self.examples.rewrite(text)
        called = None
        if self.functions:
            text, called = expand_calls(text, self.functions, span)
        if self.summation == "einstein":
            text = superscript_indices(text, letters)
        return text, called

    def summed(self, expr, network, span: Span):
        """The resolved expression with the block's summation convention applied."""
        return einstein_sums(expr, network, span) if self.summation == "einstein" else expr

    def loss_name(self, written: str) -> str:
        """The loss's name as the block's definitions name it (``E_{n}`` is ``E_n``)."""
        mention = split_symbol(written.strip().lstrip("\\"))
        return next((n for n in self.names if declared_scalar(mention, frozenset([n]))), written)


def read_dialects(data: dict, indices: dict[str, str], defines: list[tuple[str, Span]],
                  span: Span) -> tuple[Dialects, list[tuple[str, Span]]]:
    """The block's dialects, and its define lines without the function definitions, rewritten.

    ``indices`` gains the example letter of ``examples:``.

    Raises:
        GradproofError: a declaration that cannot be read.
    """
    names = declared_names(data, indices, span)
    examples = read_examples(data, indices, defines, span)
    if examples is not None:  # \sum_x over the training inputs x: x is an index letter too
        indices[examples.letter] = examples.size
    summation = read_summation(data, span)
    functions, rest = [], []
    for text, line_span in defines:
        left, equals, right = text.partition("=")
        function = function_definition(left, right, line_span) if equals else None
        if function is not None:
            functions.append(function)
        else:
            rest.append((text, line_span))
    dialects = Dialects(names, examples, summation, tuple(functions))
    letters = set(indices)
    return dialects, [(dialects.text(text, line_span, letters)[0], line_span) for text, line_span in rest]
