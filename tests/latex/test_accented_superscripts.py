"""A label superscript on an accented name (``\\hat{a}^t_i``, ``\\tilde{c}^{t-1}``) is part of the name.

Numbers, brackets and a transpose on an accented name are not carried: they keep their old
reading (a power) or their error.
"""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.latex.text import name_superscripts

STEP = r"""```derivation
indices: {i: D, k: D}
define: |
  \hat{a}^t_i = \sum_k W_{ik} \tilde{c}^{t-1}_k
  a^t_i = \tanh(\hat{a}^t_i)
  E = \sum_i g_i a^t_i
```

"""


def verdicts(*claims: str, block: str = STEP):
    text = block + "\n".join(f"$${c}$$\n" for c in claims)
    return [c.verdict for c in check_text(text, "n.md").claims]


@pytest.mark.parametrize("written, head, sup", [
    (r"\hat{a}^t_i", r"\hat{a}", "t"),
    (r"\hat{a}_i^{t}", r"\hat{a}", "t"),
    (r"\tilde{c}^{t-1}_k", r"\tilde{c}", "t-1"),
    (r"\bar{\theta}^{l+1}", r"\bar{\theta}", "l+1"),
])
def test_a_label_on_an_accented_name_is_carried(written, head, sup):
    [(_start, _end, found_head, _sub, found_sup, _caret)] = name_superscripts(written)
    assert (found_head, found_sup) == (head, sup)


@pytest.mark.parametrize("written", [
    r"\hat{x}_i^2",  # a power
    r"\hat{y}^{(i)}",  # an example in brackets: its own error, as before
    r"\hat{y}^T",  # a transpose
    r"\hat{g}^t(z)",  # an accented function of a label: not read as a name
])
def test_other_superscripts_on_an_accented_name_are_not_carried(written):
    assert name_superscripts(written) == []


def test_gradients_by_an_accented_labelled_name_hold():
    assert verdicts(r"\frac{\partial E}{\partial \hat{a}^t_i} = g_i (1 - (a^t_i)^2)",
                    r"\frac{\partial E}{\partial \tilde{c}^{t-1}_k} = \sum_i g_i (1 - \tanh^2(\hat{a}^t_i)) W_{ik}") \
        == [Verdict.PROVED, Verdict.PROVED]


def test_the_tanh_taken_twice_is_refuted():
    """a^t is already tanh(\\hat{a}^t): 1 - tanh^2(a^t) is not its derivative."""
    assert verdicts(r"\frac{\partial E}{\partial \hat{a}^t_i} = g_i (1 - \tanh^2(a^t_i))") == [Verdict.REFUTED]


def test_an_accented_name_with_another_label_is_an_error_never_a_power():
    assert verdicts(r"\frac{\partial E}{\partial \hat{a}^s_i} = 0") == [Verdict.ERROR]
    plain = STEP.replace(r"\hat{a}^t_i", r"\hat{a}_i")
    assert verdicts(r"\frac{\partial E}{\partial \hat{a}_i} = g_i \hat{a}^t_i", block=plain) == [Verdict.ERROR]


def test_a_power_of_an_accented_name_is_still_a_power():
    block = r"""```derivation
indices: {i: D}
define: |
  \hat{x}_i = 2 x_i
  L = \sum_i \hat{x}_i^2
```

"""
    assert verdicts(r"\frac{\partial L}{\partial x_i} = 4 \hat{x}_i", block=block) == [Verdict.PROVED]
