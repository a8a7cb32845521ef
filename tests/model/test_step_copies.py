"""Recurrent models: a parameter's copy per time step (copies: [W]), gradient names declared
with their indices (gradients: {'\\gamma_{t,j}^{(k)}': '\\frac{…}{…}'}), and derivatives
written through the entries that use the seed when the forward ones are too large to expand."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text

BLOCK = r"""```derivation
indices: {t: T, k: T, j: H, m: H, i: D}
define: |
  z_{t,j} = \sum_m W_{jm} h_{t-1,m} + \sum_i U_{ji} x_{t,i}
  h_{t,j} = \tanh(z_{t,j})
  J_{t} = \sum_j r_{t,j} h_{t,j}
  J = \sum_t J_{t}
loss: J
outside: {h: initial}
%s```

"""
COPIES = "copies: [W]\n"


def checked(claim: str, extra: str = COPIES):
    return check_text(BLOCK % extra + f"$${claim} \\tag{{c}}$$\n", "n.md").claims[-1]


def errors(claim: str, extra: str) -> str:
    """Every message of the note's records (a block's error is a record of its own)."""
    return " | ".join(c.message for c in check_text(BLOCK % extra + f"$${claim}$$\n", "n.md").claims
                      if c.verdict == Verdict.ERROR)


COPY_CLAIMS = [
    # the dummy-variables trick: the gradient is the sum of the per-step ones, ∂W^{(k)}/∂W = 1
    (r"\frac{\partial J_{t}}{\partial W_{jm}} = \sum_k \frac{\partial J_{t}}{\partial W^{(k)}_{jm}}", Verdict.VERIFIED),
    (r"\frac{\partial W^{(k)}_{jm}}{\partial W_{jm}} = 1", Verdict.VERIFIED),
    # the copy at step k is used by z at step k only
    (r"\frac{\partial z_{k,j}}{\partial W^{(k)}_{jm}} = h_{k-1,m}", Verdict.VERIFIED),
    (r"\frac{\partial J}{\partial W^{(k)}_{jm}} = \sum_t \frac{\partial J}{\partial z_{t,j}} h_{t-1,m}", Verdict.REFUTED),
    # wrong: the sum over the steps dropped; the copy's gradient taken as 0; the last step only
    (r"\frac{\partial J_{t}}{\partial W_{jm}} = \frac{\partial J_{t}}{\partial W^{(k)}_{jm}}", Verdict.REFUTED),
    (r"\frac{\partial W^{(k)}_{jm}}{\partial W_{jm}} = 0", Verdict.REFUTED),
    (r"\frac{\partial J_{t}}{\partial W_{jm}} = \frac{\partial J_{t}}{\partial W^{(t)}_{jm}}", Verdict.REFUTED),
]


@pytest.mark.parametrize("claim, verdict", COPY_CLAIMS)
def test_a_parameter_copy_per_step(claim, verdict):
    result = checked(claim)
    assert result.verdict == verdict, result.message


def test_copies_are_opt_in():
    result = checked(r"\frac{\partial J_{t}}{\partial W_{jm}} = \sum_k \frac{\partial J_{t}}{\partial W^{(k)}_{jm}}", "")
    assert result.verdict == Verdict.ERROR
    assert "no tensor W with indices of shape (T×H×H)" in result.message


@pytest.mark.parametrize("extra, message", [
    ("copies: [h]\n", "copies: h is defined by the model"),
    ("copies: [V]\n", "copies: V is not a quantity of the model"),
    ("copies: {W: t}\n", "copies: must list the parameters"),
    ("copies: [r]\n", "copies: r is defined by the model or has a time index"),
])
def test_copies_of_what_is_not_a_parameter_are_errors(extra, message):
    found = errors(r"\frac{\partial J}{\partial W_{jm}} = 0", extra)
    assert message in found, found


def test_a_parameter_used_outside_one_step_has_no_copies():
    block = BLOCK.replace(r"  J = \sum_t J_{t}", r"  J = \sum_t J_{t} + \sum_j \sum_m W_{jm}^2")
    found = " | ".join(c.message for c in check_text(block % COPIES + "$$J = J$$\n", "n.md").claims)
    assert "W is used in the definition of J, which has no time step" in found, found


GRADIENTS = (COPIES + "gradients:\n"
             "  '\\gamma_{t,j}^{(k)}': '\\frac{\\partial J_{t}}{\\partial h_{k,j}}'\n")


@pytest.mark.parametrize("claim, verdict", [
    # γ at (k, t, j) is ∂J_t/∂h_{k,j}; at k - 1 = 0 the gradient by the initial state h_0
    (r"\frac{\partial J}{\partial h_{k,j}} = \sum_t \gamma_{t,j}^{(k)}", Verdict.VERIFIED),
    (r"\frac{\partial J}{\partial h_{k,j}} = \sum_t \gamma_{k,j}^{(t)}", Verdict.REFUTED),
    # the recursion needs t ≥ k: at t = k - 1, J_t reads h_{k-1} directly
    (r"\sum_m W_{mj} (1 - h_{k,m}^2) \gamma_{t,m}^{(k)} = \gamma_{t,j}^{(k-1)}", Verdict.REFUTED),
    # the step first, then the loss's index: never read the other way round
    (r"\frac{\partial J_{k}}{\partial h_{t,j}} = \gamma_{t,j}^{(k)}", Verdict.REFUTED),
    (r"\frac{\partial J_{t}}{\partial h_{k,j}} = \gamma_{t,j}^{(k)}", Verdict.VERIFIED),
    # a label that is an index, with arithmetic in the superscript: the step first, as for (k)
    (r"\frac{\partial J_{t}}{\partial h_{k-1,j}} = \gamma_{t[j]}^{(k-1)}", Verdict.VERIFIED),
    (r"\frac{\partial J_{t}}{\partial h_{k,j}} = \gamma_{t[j]}^{(k-1)}", Verdict.REFUTED),
])
def test_gradient_names_declared_with_their_indices(claim, verdict):
    result = checked(claim, GRADIENTS)
    assert result.verdict == verdict, result.message


@pytest.mark.parametrize("declared, message", [
    ("'\\gamma_{t[j]}^{(k)}': 'h_{k,j}'", None),  # a quantity's name: the plain form's error
    ("'\\gamma_{t[j]}^{(k)}': '2 \\frac{\\partial J_{t}}{\\partial h^{(k)}_{[j]}}'", "is not one derivative"),
    ("'\\gamma_{[j]}^{(k)}': '\\frac{\\partial J_{t}}{\\partial h^{(k)}_{[j]}}'", "free indices"),
    ("'h_{t[j]}^{(k)}': '\\frac{\\partial J_{t}}{\\partial h^{(k)}_{[j]}}'", "already a quantity"),
])
def test_malformed_gradient_names_are_errors(declared, message):
    found = errors(r"J = J", "gradients: {" + declared + "}\n")
    assert found and (message is None or message in found), found


LSTM = r"""```derivation
indices: {t: T, k: T, i: D, j: D, m: D, p: D}
define: |
  f_{t,i} = \sigma(b_i + \sum_j W_{ij} h_{t-1,j})
  q_{t,i} = \sigma(c_i + \sum_j V_{ij} h_{t-1,j})
  s_{t,i} = f_{t,i} s_{t-1,i} + \tanh(a_i + \sum_j U_{ij} h_{t-1,j})
  h_{t,i} = q_{t,i} \tanh(s_{t,i})
  J_{t} = \sum_j r_{t,j} h_{t,j}
  J = \sum_t J_{t}
loss: J
outside: {h: initial, s: initial}
```

"""


@pytest.mark.parametrize("claim, verdict", [
    # too large to expand with the forward derivatives; equal term by term through s_{k}
    (r"\frac{\partial J_{t}}{\partial f_{k,p}} = \sum_m \frac{\partial J_{t}}{\partial s_{k,m}} "
     r"\frac{\partial s_{k,m}}{\partial f_{k,p}}", Verdict.VERIFIED),
    (r"\frac{\partial J_{t}}{\partial f_{k,p}} = \frac{\partial J_{t}}{\partial s_{k,p}} s_{k-1,p}", Verdict.VERIFIED),
    (r"\frac{\partial J_{t}}{\partial f_{k,p}} = \frac{\partial J_{t}}{\partial s_{k,p}} s_{k,p}", Verdict.REFUTED),
])
def test_large_recurrent_gradients_are_decided(claim, verdict):
    result = check_text(LSTM + f"$${claim}$$\n", "n.md").claims[-1]
    assert result.verdict == verdict, result.message
