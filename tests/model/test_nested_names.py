"""Names with a label of their own: ``{b_y}_l`` and ``b_{y_l}`` (the entry l of the vector b_y),
``{h_{t-1}}_l`` (the entry l of the state at step t - 1 when t is an index), ``(\\omega')^l_{m,n}``
(a primed name, not a derivative), ``(\\hat{y}_t - y_t)_l`` (an index on a sum of such vectors),
``Loss`` (a word is one name); and the summation convention kept off a time step."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.errors import LatexError, Span
from symbolic.latex.parse import parse_latex
from symbolic.model.mentions import split_symbol

SPAN = Span("n.md", 1, 1)


def mentions(text: str) -> set[tuple[str, tuple[str, ...]]]:
    expr = parse_latex(text, SPAN).expr
    return {(m.name, tuple(m.tokens)) for m in (split_symbol(s.name) for s in expr.free_symbols)}


@pytest.mark.parametrize("text", [r"{b_y}_l", r"b_{y_l}", r"{b_{y}}_{l}", r"b_{y_{l}}"])
def test_a_labelled_vector_entry_is_one_name_and_one_index(text):
    assert mentions(text) == {("b_y", ("l",))}


def test_an_accented_labelled_name():
    assert mentions(r"\hat{y}_{t_k}") == mentions(r"{\hat{y}_t}_k") == {("hat{y}_t", ("k",))}


def test_an_index_on_a_sum_of_vectors_goes_to_each_name():
    assert mentions(r"(\hat{y}_t - y_t)_l") == {("hat{y}_t", ("l",)), ("y_t", ("l",))}
    assert mentions(r"(a + b)_{i}") == {("a", ("i",)), ("b", ("i",))}


def test_a_primed_name_in_parentheses_is_a_name():
    assert mentions(r"(\omega')^{l+1}_{m,n}") == mentions(r"( \omega' )^{l+1}_{m,n}") \
        == {("omega'^{l+1}", ("m", "n"))}


def test_a_capitalised_word_is_one_name_unless_it_is_text_or_a_call():
    assert mentions(r"\frac{Loss}{2}") == {("Loss", ())}
    assert mentions(r"\text{Cost} + 1") == {("Cost", ())}  # as written, never \text{\mathrm{…}}
    assert mentions(r"x + Wx") == {("x", ()), ("W", ())}  # two letters: still a product


def test_a_subscript_on_a_braced_name_that_is_not_read_is_an_error():
    with pytest.raises(LatexError, match=r"a subscript on a braced name that is not read"):
        parse_latex(r"{h_{t,1}}_j", SPAN)  # the grammar alone drops the _j without a word
    with pytest.raises(LatexError, match=r"a subscript on a braced name that is not read"):
        parse_latex(r"\frac{a_i}{b_j}_k", SPAN)  # a subscript on a fraction's denominator
    assert mentions(r"V_{lm}{b_y}_l") == {("V", ("l", "m")), ("b_y", ("l",))}


# -- in a model ---------------------------------------------------------------------------
SOFTMAX = r"""```derivation
indices: {i: K, k: K, l: K, j: H, m: H}
summation: einstein
define: |
  q_l = V_{lm} h_m + {b_y}_l
  \hat{y}_{t_k} = \frac{e^{q_k}}{\sum_{l} e^{q_l}}
  E_t = - {y_t}_k \log \hat{y}_{t_k}
loss: E_t
assume: [one-hot y_t]
```

"""


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial E_t}{\partial q_l} = (\hat{y}_t - y_t)_l", Verdict.PROVED),
    (r"\frac{\partial E_t}{\partial q_l} = (y_t - \hat{y}_t)_l", Verdict.REFUTED),
    (r"\frac{\partial E_t}{\partial V_{ij}} = ({\hat{y}_t}_i - {y_t}_i) h_j", Verdict.PROVED),
    (r"\frac{\partial E_t}{\partial V_{ij}} = ({y_t}_i - {\hat{y}_t}_i) h_j", Verdict.REFUTED),
    (r"\frac{\partial E_t}{\partial b_{y_i}} = {\hat{y}_t}_i - {y_t}_i", Verdict.PROVED),
    (r"\frac{\partial E_t}{\partial {b_y}_i} = {\hat{y}_t}_i", Verdict.REFUTED),
])
def test_labelled_vectors_in_claims(claim, verdict):
    result = check_text(SOFTMAX + f"$${claim} \\tag{{c}}$$\n", "n.md").claims[-1]
    assert result.verdict == verdict, result.message


def test_a_label_that_mixes_an_index_letter_with_a_name_is_an_error():
    result = check_text(SOFTMAX + r"$$\frac{\partial E_t}{\partial q_l} = {y_{k1}}_l \tag{c}$$" + "\n",
                        "n.md").claims[-1]
    assert result.verdict == Verdict.ERROR
    assert "mixes the index letter k" in result.message


RNN = r"""```derivation
indices: {t: T, i: H, j: H, k: H, l: H, a: D}
summation: einstein except t
define: |
  p_{t_k} = U_{ka} {x_t}_a + W_{kl} {h_{t-1}}_l + {b_h}_k
  h_{t_k} = \tanh(p_{t_k})
  E = \sum_t v_k h_{t_k}
loss: E
outside: {h: initial}
```

"""


@pytest.mark.parametrize("claim, verdict", [
    # t in every factor is one step, never summed; k is summed (the convention)
    (r"\frac{\partial h_{t_l}}{\partial W_{ij}} = \frac{\partial h_{t_l}}{\partial p_{t_k}} "
     r"\frac{\partial p_{t_k}}{\partial W_{ij}}", Verdict.VERIFIED),
    (r"\frac{\partial p_{t_k}}{\partial W_{ij}} = \delta_{ik} {h_{t-1}}_j + W_{kl} "
     r"\frac{\partial {h_{t-1}}_l}{\partial W_{ij}}", Verdict.VERIFIED),
    # the dependence of h_{t-1} on W dropped (truncated BPTT)
    (r"\frac{\partial p_{t_k}}{\partial W_{ij}} = \delta_{ik} {h_{t-1}}_j", Verdict.REFUTED),
    # h_{t,k} and {h_t}_k are one entry
    (r"h_{t,k} = {h_t}_k", Verdict.PROVED),
    (r"h_{t,k} = {h_{t-1}}_k", Verdict.REFUTED),
])
def test_a_time_label_is_the_first_index(claim, verdict):
    result = check_text(RNN + f"$${claim} \\tag{{c}}$$\n", "n.md").claims[-1]
    assert result.verdict in ((verdict,) if verdict != Verdict.PROVED else (Verdict.PROVED, Verdict.VERIFIED)), \
        result.message


def test_without_except_t_a_step_written_in_every_factor_is_an_error():
    text = RNN.replace("summation: einstein except t", "summation: einstein")
    result = check_text(text + r"$$\frac{\partial h_{t_l}}{\partial W_{ij}} = \frac{\partial h_{t_l}}"
                               r"{\partial p_{t_k}} \frac{\partial p_{t_k}}{\partial W_{ij}} \tag{c}$$" + "\n",
                        "n.md").claims[-1]
    assert result.verdict == Verdict.ERROR, result.message


def test_a_summation_convention_with_a_bad_exception_is_an_error():
    text = RNN.replace("summation: einstein except t", "summation: einstein except tt")
    results = check_text(text + r"$$h_{t,k} = {h_t}_k \tag{c}$$" + "\n", "n.md").claims
    assert any("is not a summation convention" in r.message for r in results)


def test_a_superscript_step_back_is_an_index_under_the_convention():
    from symbolic.model.einstein import superscript_indices
    letters = {"t", "l", "i"}
    assert superscript_indices(r"T^{t-1}_{li}", letters) == r"T_{t-1,l,i}"
    assert superscript_indices(r"T^t_{li}", letters) == r"T_{tli}"
    assert superscript_indices(r"e^{t-1}", letters) == r"e^{t-1}"


def test_the_square_of_a_function_of_an_entry_is_not_a_sum():
    text = RNN.replace(r"  E = \sum_t v_k h_{t_k}", "  d_{t_k} = 1 - \\tanh^2(p_{t_k})\n  E = \\sum_t v_k h_{t_k}")
    result = check_text(text + r"$$\frac{\partial h_{t_k}}{\partial p_{t_k}} = d_{t_k} \tag{c}$$" + "\n",
                        "n.md").claims[-1]
    # k written twice on the left is one entry's derivative or a sum: the convention's own error
    assert result.verdict == Verdict.ERROR and "share the index k" in result.message
    defined = check_text(text + r"$$\frac{\partial h_{t_k}}{\partial p_{t_k}} \tag{c}$$" + "\n", "n.md").claims
    assert not any("ambiguous" in r.message for r in defined)  # the define line was read
    squared = RNN.replace(r"  E = \sum_t v_k h_{t_k}", "  E = \\sum_t v_k \\tanh^2(p_{t_k})")
    ok = check_text(squared + r"$$h_{t,k} = {h_t}_k \tag{c}$$" + "\n", "n.md").claims[-1]
    assert ok.verdict in (Verdict.PROVED, Verdict.VERIFIED), ok.message


CONV = r"""```derivation
indices: {i: H, x: H, m: M}
define: |
  z^l_{i} = \sum_m{a^{l-1}_{i+m} (\omega')^l_{m}} + b^l_{i}
  a^l_{i} = \sigma(z^l_{i})
  z^{l+1}_{x} = \sum_m{a^{l}_{x+m} (\omega')^{l+1}_{m}} + b^{l+1}_{x}
  Loss = \sum_x g_{x} z^{l+1}_{x}
loss: Loss
gradients: {\delta: z}
outside: {'a^{l-1}': 0, 'a^{l}': 0, "omega'^{l+1}": 0, 'delta^{l+1}': 0}
```

"""


@pytest.mark.parametrize("claim, verdict", [
    (r"\delta^l_{i} = \sum_x \delta^{l+1}_{x} (\omega')^{l+1}_{i-x} \sigma'(z^l_{i})", Verdict.VERIFIED),
    (r"\delta^l_{i} = \sum_x \delta^{l+1}_{x} (\omega')^{l+1}_{x-i} \sigma'(z^l_{i})", Verdict.REFUTED),
    (r"\frac{\partial Loss}{\partial (\omega')^l_{m}} = \sum_i \delta^l_{i} a^{l-1}_{i+m}", Verdict.VERIFIED),
    (r"\frac{\partial Loss}{\partial (\omega')^l_{m}} = \sum_i \delta^l_{i} a^{l-1}_{i}", Verdict.REFUTED),
])
def test_a_primed_kernel_and_layer_errors_named_by_gradients(claim, verdict):
    result = check_text(CONV + f"$${claim} \\tag{{c}}$$\n", "n.md").claims[-1]
    assert result.verdict == verdict, result.message


def test_a_label_inside_a_subscript_names_only_a_vector_the_model_has():
    # w_{y_i} is the row y_i of w in a hinge loss, never a new vector w_y read without a word
    block = r"""```derivation
indices: {i: N}
define: |
  s_i = w_{y_i} x_i
  L = \sum_i s_i
```

"""
    results = check_text(block, "n.md").claims
    assert any("a subscript inside a subscript" in r.message for r in results), results
    known = SOFTMAX + r"$$\frac{\partial E_t}{\partial b_{y_i}} = {\hat{y}_t}_i - {y_t}_i \tag{c}$$" + "\n"
    assert check_text(known, "n.md").claims[-1].verdict == Verdict.PROVED  # b_y is the block's
