"""Primes on known functions are their derivatives; every other prime is a located error."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text

MODEL = r"""```derivation
indices: {i: I, j: J}
define: |
  z_j = \sum_i w_{ij} x_i
  h_j = \sigma(z_j)
  g_j = \tanh(z_j)
  L = \sum_j (h_j + g_j)
loss: L
```

"""


def verdict(claim: str):
    (record,) = check_text(MODEL + f"$${claim}$$\n", "n.md").claims
    return record


@pytest.mark.parametrize("claim", [
    r"\sigma'(z_j) = \sigma(z_j)(1 - \sigma(z_j))",
    r"\sigma'(z_j) = h_j (1 - h_j)",
    r"\sigma^{\prime}(z_j) = h_j (1 - h_j)",
    r"\sigma^\prime(z_j) = h_j (1 - h_j)",
    r"\tanh'(z_j) = 1 - g_j^2",
    r"\operatorname{tanh}'(z_j) = 1 - \tanh^2(z_j)",
    r"\sigma''(z_j) = h_j (1 - h_j)(1 - 2 h_j)",
    r"\frac{\partial L}{\partial z_j} = \sigma'(z_j) + \tanh'(z_j)",
    r"\operatorname{ReLU}'(z_j) = \mathbb{1}[z_j > 0]",
    r"\operatorname{softplus}'(z_j) = \sigma(z_j)",
    r"\sigma'\left(z_j\right) = h_j (1 - h_j)",  # \left( as the bracket: still a call
    r"tanh'(z_j) = 1 - g_j^2",  # without its backslash, as tanh(z) is read
    r"\frac{\partial L}{\partial z_j} = \sigma' \left( z_j \right) + \tanh'(z_j)",
])
def test_a_prime_on_a_known_function_is_its_derivative(claim):
    assert verdict(claim).verdict.holds


@pytest.mark.parametrize("claim", [
    r"\sigma'(z_j) = \sigma(z_j)",  # the textbook slip
    r"\tanh'(z_j) = 1 - g_j",  # the square dropped
    r"\frac{\partial L}{\partial z_j} = \sigma'(z_j)",  # a path dropped
    r"\sigma''(z_j) = h_j (1 - h_j)",  # the order of the derivative matters
    r"tanh'(z_j) = 1 - g_j",
])
def test_a_wrong_prime_claim_is_refuted(claim):
    assert verdict(claim).verdict == Verdict.REFUTED


@pytest.mark.parametrize("claim, message", [
    (r"\sigma(z_j)' = h_j", "means a derivative, which is not read yet"),
    (r"h_j' = h_j", "means a derivative, which is not read yet"),
])
def test_other_primes_are_located_errors_never_dropped(claim, message):
    record = verdict(claim)
    assert record.verdict == Verdict.ERROR
    assert message in record.message
    assert record.column == 3 + claim.index("'")


def test_the_column_of_a_later_error_is_exact_after_a_prime_was_read():
    claim = r"\sigma'(z_j) = h_j'"
    record = verdict(claim)
    assert record.verdict == Verdict.ERROR
    assert record.column == 3 + claim.rindex("'")


@pytest.mark.parametrize("claim", [r"h'(z_j) = 1", r"g'(x_i) = 1"])
def test_the_prime_of_a_function_the_model_does_not_define_is_an_error(claim):
    record = verdict(claim)
    assert record.verdict == Verdict.ERROR
    assert "is the derivative of a function gradproof does not know" in record.message


ONE_LEAF = r"""```derivation
indices: {}
define: |
  f = (x^2 + 1)^3
  y = \log(1 + e^{x})
```

"""


@pytest.mark.parametrize("claim, holds", [
    (r"f'(x) = 6x(x^2 + 1)^2", True),
    (r"f'(x) = 3(x^2 + 1)^2", False),  # the inner derivative dropped
    (r"y'(x) = \sigma(x)", True),
    (r"y'(x) = \frac{1}{1 + e^{x}}", False),
])
def test_the_prime_of_the_models_function_of_one_leaf_is_its_derivative(claim, holds):
    (record,) = check_text(ONE_LEAF + f"$${claim}$$\n", "n.md").claims
    assert record.verdict.holds is holds, record.message


def test_a_prime_of_a_function_of_several_leaves_is_an_error():
    text = ONE_LEAF.replace("f = (x^2 + 1)^3", "f = (x^2 + c)^3")
    (record,) = check_text(text + "$$f'(x) = 6x(x^2 + c)^2$$\n", "n.md").claims
    assert record.verdict == Verdict.ERROR


QUOTIENT = r"""```derivation
indices: {}
define: |
  u = e^x
  v = e^{-x}
  y = \frac{u - v}{u + v}
```

"""


@pytest.mark.parametrize("claim, holds", [
    (r"u' = e^x", True),
    (r"v' = -e^{-x}", True),
    (r"v' = e^{-x}", False),
    (r"\frac{dy}{dx} = \frac{2(v u' - u v')}{(u + v)^2}", True),
    (r"\frac{dy}{dx} = \frac{v u' - u v'}{(u + v)^2}", False),  # the forum's lost factor 2
])
def test_a_bare_prime_is_the_derivative_by_the_one_variable(claim, holds):
    (record,) = check_text(QUOTIENT + f"$${claim}$$\n", "n.md").claims
    assert record.verdict.holds is holds, record.message
    if not holds:
        assert record.message.startswith("false at x=")


SOFTMAX_HAT = r"""```derivation
indices: {k: K, j: J}
define: |
  \hat{y}_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k y_k \log \hat{y}_k
  s_{kj} = \hat{y}_k w_{kj}
```
"""


@pytest.mark.parametrize("claim, expected", [
    # a primed index on an accented name: once "index letter B has no range"
    (r"\frac{\partial L}{\partial a_k} = \hat{y}_k \sum_{k'} y_{k'} - y_k", Verdict.PROVED),
    (r"\frac{\partial L}{\partial a_k} = \sum_{k'} \hat{y}_{k'} - y_k", Verdict.REFUTED),
    (r"\frac{\partial \hat{y}_{k}}{\partial a_{k'}} = \hat{y}_{k} (1_{kk'} - \hat{y}_{k'})", Verdict.PROVED),
])
def test_a_primed_index_on_an_accented_name(claim, expected):
    report = check_text(SOFTMAX_HAT + f"\n$$ {claim} \\tag{{c}}$$\n")
    assert [c.verdict for c in report.claims] == [expected], report.claims[0].message


def test_two_primed_indices_side_by_side_are_indices_not_a_derivative():
    """In w_{k'j'} the second prime follows the first: j' is a primed index, not j differentiated."""
    report = check_text(SOFTMAX_HAT + "\n$$ \\frac{\\partial s_{kj}}{\\partial w_{k'j'}} = \\hat{y}_k 1_{kk'} 1_{jj'} \\tag{c}$$\n")
    assert [c.verdict for c in report.claims] == [Verdict.PROVED], report.claims[0].message


def test_a_subscripted_name_under_nabla_is_what_it_differentiates_by():
    """\\nabla_{w_{jk}} L: the subscript of \\nabla is no label of a name (b_{y_l} is one)."""
    block = MODEL.replace("  L = \\sum_j (h_j + g_j)", "  L = \\sum_j (h_j + g_j)")
    found = check_text(block + "$$\\nabla_{w_{ij}} L = x_i (h_j (1 - h_j) + 1 - g_j^2) \\tag{a}$$\n"
                       "$$\\nabla_{w_{ij}} L = x_i h_j (1 - h_j) \\tag{b}$$\n", "n.md").claims
    assert [c.verdict for c in found] == [Verdict.PROVED, Verdict.REFUTED], [c.message for c in found]
