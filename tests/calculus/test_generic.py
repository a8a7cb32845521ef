"""The index-generic proof: it proves true claims for every size and never a false one."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbolic import api
from symbolic.errors import Span
from symbolic.calculus.generic import normal_form, proved
from symbolic.latex.parse import parse_latex
from symbolic.model.index_notation import Resolver
from symbolic.engine.verify import Condition

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cross_entropy():
    return api.load(ROOT / "derivations" / "backprop_cross_entropy.md").contexts[0]


@pytest.fixture(scope="module")
def softmax():
    return api.load(ROOT / "docs" / "examples" / "softmax_jacobian.md").contexts[0]


def expr(context, text):
    span = Span("t", 1, 1)
    return Resolver(context.network, "claim", span, text).resolve(parse_latex(text, span))


@pytest.mark.parametrize("lhs, rhs, expected", [
    (r"\nabla w_{jk}", r"h_j (o_k - t_k)", True),
    (r"\nabla w_{jk}", r"h_j (t_k - o_k)", False),
    (r"\nabla b_j", r"\sum_k (o_k - t_k) w_{jk}", False),
    (r"\nabla b_j", r"(1 - h_j^2) \sum_k (o_k - t_k) w_{jk}", True),
    (r"\nabla b_j", r"\sum_{k'} (o_{k'} - t_{k'}) w_{jk'} (1 + h_j)(1 - h_j)", True),
    (r"\frac{\partial L}{\partial z_j}", r"\frac{\partial L}{\partial h_j} (1 - h_j^2)", True),
])
def test_generic_proof_on_the_cross_entropy_network(cross_entropy, lhs, rhs, expected):
    assert proved(cross_entropy, expr(cross_entropy, lhs), expr(cross_entropy, rhs)) is expected


def test_conditions_restrict_the_generic_proof(softmax):
    lhs = expr(softmax, r"\frac{\partial o_j}{\partial a_i}")
    rhs = expr(softmax, r"o_j (1 - o_j)")
    i, j = sorted(lhs.args[1].indices + lhs.args[0].indices, key=str)[:2]
    assert not proved(softmax, lhs, rhs)
    assert proved(softmax, lhs, rhs, Condition(((i, j, True),)))
    assert not proved(softmax, lhs, rhs, Condition(((i, j, False),)))


def test_normal_form_names_bound_indices_canonically(cross_entropy):
    a = normal_form(cross_entropy, expr(cross_entropy, r"\sum_k w_{jk} o_k"), [])
    b = normal_form(cross_entropy, expr(cross_entropy, r"\sum_{k'} o_{k'} w_{jk'}"), [])
    assert a == b
