"""Derivation blocks read into contexts: definitions, their positions, the loss and assumptions."""

from __future__ import annotations

import pytest
import sympy

from symbolic.model.context import Context, build_context, split_equation
from symbolic.notes.derivation_block import DerivationBlock
from symbolic.errors import GradproofError, Span
from symbolic.export.document import check_note, render_tex
from symbolic.model.functions import FUNCTIONS, Opaque
from symbolic.model.tensors import Definition, Tensor

ORIGIN = Span("note.md", 3, 1)  # the block's first YAML line is line 3 of the note


def read_block(yaml_text: str) -> DerivationBlock:
    block = DerivationBlock(yaml_text, ORIGIN)
    block.read()
    assert not block.problems, block.problems
    return block


def context_of(yaml_text: str) -> Context:
    block = read_block(yaml_text)
    return build_context(block.data, block.defines, ORIGIN)


def test_each_function_has_one_derivative_read_by_fdiff():
    u = sympy.Symbol("u")
    for name, rule in FUNCTIONS.items():
        assert "fdiff" not in vars(rule.cls), f"{name} defines its derivative a second time"
        f = rule.cls(u)
        assert isinstance(f, Opaque) and f.fdiff() == rule.derivative(f, u)


def test_dependencies_reach_through_definitions_and_follow_new_ones():
    network = context_of("indices: {j: J, k: K}\ndefine: |\n  h_j = \\tanh(w_j x_j)\n"
                         "  a_k = \\sum_j v_{jk} h_j\n  L = \\sum_k a_k\n").network
    names = lambda tensors: sorted(t.name for t in tensors)  # noqa: E731
    reach = network.dependencies()
    assert {t.name: names(found) for t, found in reach.items()} == {
        "h": ["w", "x"], "a": ["h", "v", "w", "x"], "L": ["a", "h", "v", "w", "x"]}
    assert network.dependencies() is reach  # cached
    twice = Tensor("M", ())
    scoped = network.with_definition(Definition(twice, (), 2 * network.loss.base))  # as a claim does
    assert names(scoped.dependencies()[twice]) == ["L", "a", "h", "v", "w", "x"]
    assert twice not in network.dependencies() and "M" not in network.tensors  # the model is unchanged


def test_a_named_loss_that_is_not_defined_is_an_error_that_says_so():
    with pytest.raises(GradproofError) as caught:
        context_of("indices: {k: K}\nloss: E\ndefine: |\n  a_k = w_k x_k\n")
    assert caught.value.message == "the loss E is not defined here"
    assert "E = " in caught.value.hint and "set loss:" in caught.value.hint


def test_a_block_without_a_loss_keeps_the_default_name_free():
    context = context_of("indices: {k: K}\ndefine: |\n  a_k = w_k x_k\n")
    assert context.network.loss is None


def test_sum_to_one_is_described_with_the_authors_letter(tmp_path):
    context = context_of("indices: {c: C}\ndefine: |\n  L = \\sum_c y_c a_c\n"
                         "assume: ['\\sum_c y_c = 1']\n")
    (assumption,) = context.assumptions
    assert assumption.describe() == r"\sum_c y_c = 1"
    note = tmp_path / "note.md"
    note.write_text("# Letters\n\n```derivation\nindices: {c: C}\ndefine: |\n  L = \\sum_c y_c a_c\n"
                    "assume: ['\\sum_c y_c = 1']\n```\n", encoding="utf-8")
    tex = render_tex(check_note(note))
    assert r"Assumptions: $\sum_c y_c = 1$." in tex


def test_each_definition_of_a_quoted_multi_line_item_has_its_own_line():
    block = read_block('indices: {k: K}\ndefine:\n  - "a_k = w_k x_k\n\n      b_k = 2 a_k\n\n'
                       '    L = \\\\sum_k b_k"\n  - c_k = a_k\n')
    assert [(text, span.line, span.column) for text, span in block.defines] == [
        ("a_k = w_k x_k", 5, 6), ("b_k = 2 a_k", 7, 7), (r"L = \sum_k b_k", 9, 5), ("c_k = a_k", 10, 5)]


def test_an_error_in_a_quoted_multi_line_item_is_reported_at_its_line():
    with pytest.raises(GradproofError) as caught:
        context_of("indices: {k: K}\ndefine:\n  - 'a_k = w_k x_k\n\n    b_k = a_k +'\n")
    assert caught.value.span.line == 7


@pytest.mark.parametrize("text, parts", [
    (r"h_j = \tanh(z_j)", ("h_j ", r" \tanh(z_j)")),
    (r"a_k = \sum_{k'=1}^K w_{k'}", ("a_k ", r" \sum_{k'=1}^K w_{k'}")),
    (r"h_j := \tanh(z_j)", None),
    (r"a \leq b", None),
])
def test_definitions_split_at_the_top_level_equals_sign(text, parts):
    assert split_equation(text) == parts


def test_colon_equals_is_not_a_definition():
    with pytest.raises(GradproofError) as caught:
        context_of("indices: {j: J}\ndefine: |\n  h_j := \\tanh(z_j)\n")
    assert caught.value.message == r"'h_j := \tanh(z_j)' is not a definition"
