"""The index dialects a derivation block opts into, in one place for the context.

- ``names: [E_n]`` (and a subscripted ``loss: E_n``): scalar names (:mod:`.scalar_names`);
- ``examples: {x: n}``: Nielsen's sum over the training inputs (:mod:`.example_sums`);
- ``summation: einstein``: repeated indices summed, superscript indices (:mod:`.einstein`);
- ``h_\\theta(x) = …`` lines: a function of one example (:mod:`.hypothesis_calls`), and its
  derivative ``h'(x)`` at its own parameter;
- ``\\theta x^{(i)}``, the inner product a block function is built on (:mod:`.hypothesis_products`);
- ``beta`` for ``\\beta`` where the block uses β and not the letters (:mod:`.spelled_greek`).

Each rewrites the text of define lines and claims before they are parsed, or the resolved
expression after; :class:`Dialects` applies them in a fixed order.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..errors import GradproofError, Span
from ..latex.matrix_parse import parse_either
from ..latex.parse import RawExpr
from .einstein import einstein_sums, read_summation, superscript_indices
from .example_sums import Examples, read_examples
from .fixed_indices import FixedIndices, read_fixed
from .gradient_names import gradient_operators, write_operators
from .hypothesis_calls import FunctionDefinition, expand_calls, expand_primes, function_definition
from .hypothesis_products import InnerProduct, inner_products
from .mentions import split_symbol
from .scalar_names import declared_names, declared_scalar
from .spelled_greek import spelled_greek, write_greek
from .vector_rows import VectorRows, read_rows


@dataclass(frozen=True)
class Dialects:
    """What one block declared; the default reads the seed's index notation unchanged."""

    names: frozenset[str] = frozenset()
    examples: Examples | None = None
    summation: str = "explicit"
    functions: tuple[FunctionDefinition, ...] = ()
    greek_words: frozenset[str] = frozenset()  # beta read as \\beta (spelled_greek)
    fixed: FixedIndices | None = None  # fixed: {o: V}: names that carry o (fixed_indices)
    products: tuple[InnerProduct, ...] = ()  # \\theta x^{(i)}: the functions' inner product
    rows: VectorRows | None = None
    operators: tuple[tuple[str, str], ...] = ()  # gradients: {\\Delta_x: x} (gradient_names)
    loss: str = "L"  # u_o, a row of u_{wd}; u_o^\\top v_c (vector_rows)

    def text(self, text: str, span: Span, letters: set[str]) -> tuple[str, int | None]:
        """A claim's (or define line's) text rewritten for the dialects, and the offset of the
        first call of a block function in it (None if there is none).

        Raises:
            NotationError: a call of a block function that cannot be read.
        """
        text = write_operators(text, self.operators, self.loss)
        if self.examples is not None:
            text = self.examples.rewrite(text)
        text = write_greek(text, self.greek_words)
        called = None
        if self.functions:
            text = expand_primes(text, self.functions, span)
            for product in self.products:
                text = product.expand(text)
            text, called = expand_calls(text, self.functions, span)
        if self.summation == "einstein":
            text = superscript_indices(text, letters)
        return self.indexed(text, span), called

    def condition(self, text: str | None) -> str | None:
        """A claim's condition with each fixed member written as a name as its letter
        (``j \\neq y_i`` is ``j \\neq y`` under ``fixed: {i: N, y_i: C}``)."""
        return self.fixed.letters_as_written(text) if text and self.fixed is not None else text

    def indexed(self, text: str, span: Span) -> str:
        """``text`` with the indices the author leaves unwritten added: the fixed letters a
        name carries, and the components of a row written as a vector."""
        if self.fixed is not None:
            text = self.fixed.rewrite(text)
        if self.rows is not None:
            text = self.rows.rewrite(text, span)
        return text

    def parse_written(self, text: str, span: Span) -> RawExpr:
        """``text`` parsed as the dialects read it (``\\Delta_x`` is a gradient, not a new name), a
        term only matrix notation reads as a stand-in (:func:`~symbolic.latex.matrix_parse.parse_either`).

        Raises:
            GradproofError: in the author's words, from the text as written, when the
                rewritten text cannot be parsed either.
        """
        try:
            return parse_either(self.text(text, span, set())[0], span)
        except GradproofError:
            return parse_either(text, span)

    def summed(self, expr, network, span: Span):
        """The resolved expression with the block's summation convention applied."""
        return einstein_sums(expr, network, span, self.summation) if self.summation == "einstein" else expr

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
    greek = spelled_greek([text for text, _span in defines])
    dialects = Dialects(names, examples, summation, tuple(functions), greek,
                        products=inner_products(tuple(functions)),
                        operators=gradient_operators(data, span), loss=str(data.get("loss", "L")))
    letters = set(indices)
    lines = [(dialects.text(text, line_span, letters)[0], line_span) for text, line_span in rest]
    fixed = read_fixed(data, indices, lines, span)  # the letters join indices
    if fixed is not None:
        lines = [(fixed.rewrite(text), line_span) for text, line_span in lines]
    rows = read_rows(indices, lines) if fixed is not None else None  # u_o: the word's vector
    dialects = dataclasses.replace(dialects, fixed=fixed, rows=rows)
    if rows is not None:
        lines = [(rows.rewrite(text, line_span), line_span) for text, line_span in lines]
    return dialects, lines
