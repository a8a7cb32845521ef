"""Index dialects of textbooks and course notes (docs/format.md, "Index dialects"): sizes named
as written, a hypothesis called on an example, subscripted scalar names (E_n) and names for
the loss's gradient (gradients: {\\delta: a}); with the planted twins of
tests/planted/index_dialects.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from symbolic import Verdict, check_text
from symbolic.checker import check_file

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "tests" / "planted" / "index_dialects.md"


def claims(text: str) -> dict:
    return {c.label: c for c in check_text(text, "n.md").claims if c.label}


def block(yaml: str) -> str:
    return f"```derivation\n{yaml.strip()}\n```\n\n"


LOGISTIC = block(r"""
indices: {i: m, j: n}
define: |
  h_\theta(x) = \sigma(\sum_j \theta_j x_j)
  J = -\frac{1}{m} \sum_{i=1}^{m} \left[ y^{(i)} \log h_\theta(x^{(i)}) + (1 - y^{(i)}) \log(1 - h_\theta(x^{(i)})) \right]
loss: J
""")

BISHOP = block(r"""
indices: {i: D, j: M, k: K}
define: |
  a_j = \sum_i w_{ji} x_i + b_j
  z_j = h(a_j)
  a_k = \sum_j w_{kj} z_j + b_k
  y_k = a_k
  E_n = \frac{1}{2} \sum_k (y_k - t_k)^2
loss: E_n
gradients: {\delta: a}
""")


# ----------------------------------------------------------------------------- the docs
def _doc_examples() -> list[tuple[str, str]]:
    """(yaml, claims) pairs of the "Index dialects" section of docs/format.md."""
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = text.split("## Index dialects", 1)[1].split("\n## ", 1)[0]
    pairs = re.findall(r"```yaml\n(.*?)```\s*```latex\n(.*?)```", section, re.S)
    return pairs


def test_the_docs_show_the_examples_checked_here():
    assert len(_doc_examples()) >= 2


@pytest.mark.parametrize("yaml, math", _doc_examples())
def test_every_example_of_the_docs_section_holds(yaml, math):
    found = claims(block(yaml) + math)
    assert found and all(c.verdict in (Verdict.PROVED, Verdict.VERIFIED) for c in found.values()), \
        {k: c.message for k, c in found.items()}


def test_the_docs_logistic_gradient_without_its_one_over_m_is_refuted():
    yaml, math = next((y, m) for y, m in _doc_examples() if "h_\\theta" in y)
    wrong = math.replace(r"= \frac{1}{m} \sum", r"= \sum")
    assert wrong != math
    assert claims(block(yaml) + wrong)["logistic"].verdict == Verdict.REFUTED


# ----------------------------------------------------------------------------- sizes as written
def test_a_sum_up_to_a_lowercase_size_is_the_whole_range():
    found = claims(LOGISTIC + r"$$\frac{\partial J}{\partial \theta_j} = \frac{1}{m} \sum_{i=1}^m "
                              r"(h_\theta(x^{(i)}) - y^{(i)}) x^{(i)}_j \tag{a}$$")
    assert found["a"].verdict.holds, found["a"].message


def test_a_sum_up_to_another_size_stays_an_error_that_says_how_to_name_the_size():
    found = claims(LOGISTIC + r"$$\frac{\partial J}{\partial \theta_j} = \frac{1}{m} \sum_{i=1}^{M} "
                              r"(h_\theta(x^{(i)}) - y^{(i)}) x^{(i)}_j \tag{a}$$")["a"]
    assert found.verdict == Verdict.ERROR
    assert found.message == "the sum over i runs from 1 to M, not over all of 1..m"
    assert "indices: {i: M}" in found.hint


def test_a_sum_from_zero_over_a_bias_unit_is_an_error_with_the_bias_hint():
    text = block(r"""
indices: {i: D, j: M}
define: |
  a_j = \sum_{i=0}^{D} w_{ji} x_i
  L = \sum_j a_j^2
""") + r"$$\frac{\partial L}{\partial a_j} = 2 a_j \tag{a}$$"
    found = claims(text)["a"]
    assert found.verdict == Verdict.ERROR
    report = check_text(text, "n.md")
    block_error = [c for c in report.claims if c.label is None][0]
    assert "runs from 0 to D" in block_error.message and "bias" in block_error.hint


# ----------------------------------------------------------------------------- h_theta(x^{(i)})
def test_a_hypothesis_call_inside_a_derivative_is_the_body_at_that_example():
    found = claims(LOGISTIC + r"$$\frac{\partial h_{\theta}(x^{(i)})}{\partial \theta_j} = "
                              r"h_{\theta}(x^{(i)}) (1 - h_{\theta}(x^{(i)})) x_j^{(i)} \tag{a}$$")
    assert found["a"].verdict.holds, found["a"].message


def test_a_hypothesis_call_on_another_argument_is_an_error_at_the_call():
    text = LOGISTIC + r"$$\frac{\partial h_\theta(z)}{\partial \theta_j} = 0 \tag{a}$$"
    found = claims(text)["a"]
    assert found.verdict == Verdict.ERROR
    assert found.message.startswith(r"h_{\theta}(z) calls the block's h_{\theta}(x) on something other than x")
    line = text.splitlines()[found.line - 1]
    assert line[found.column - 1:].startswith(r"h_\theta(z)")


def test_an_unclosed_hypothesis_call_is_an_error():
    found = claims(LOGISTIC + r"$$J = h_\theta(x^{(i)} \tag{a}$$")["a"]
    assert found.verdict == Verdict.ERROR and "never closed" in found.message


def test_the_bound_index_of_the_body_does_not_capture_the_claims_free_index():
    """The body sums over j; the claim's free j is another j: the gradient is (h - y) x_j,
    not (h - y) times a sum over j."""
    found = claims(LOGISTIC + r"$$\frac{\partial J}{\partial \theta_j} = \frac{1}{m} \sum_i "
                              r"(h_\theta(x^{(i)}) - y^{(i)}) \sum_j x^{(i)}_j \tag{a}$$")
    assert found["a"].verdict == Verdict.REFUTED


# ----------------------------------------------------------------------------- E_n and gradients
def test_bishops_errors_are_checked_not_defined():
    found = claims(BISHOP + r"""
$$\delta_k = y_k - t_k \tag{a}$$

$$\delta_k = t_k - y_k \tag{b}$$

$$\delta_j = h'(a_j) \sum_k w_{kj} \delta_k \tag{c}$$
""")
    assert found["a"].verdict == Verdict.PROVED
    assert found["b"].verdict == Verdict.REFUTED
    assert found["c"].verdict == Verdict.PROVED


def test_a_subscripted_loss_is_a_scalar_only_when_declared():
    undeclared = BISHOP.replace("loss: E_n\n", "").replace("gradients: {\\delta: a}\n", "")
    report = check_text(undeclared + r"$$\frac{\partial E_n}{\partial a_k} = y_k - t_k \tag{a}$$", "n.md")
    assert report.claims[0].verdict == Verdict.ERROR
    assert report.claims[0].message.startswith("index letter n has no range")
    named = undeclared.replace("define:", "names: [E_n]\ndefine:")
    found = claims(named + r"$$\frac{\partial E_{n}}{\partial a_k} = y_k - t_k \tag{a}$$")
    assert found["a"].verdict == Verdict.PROVED


def test_a_name_whose_subscript_is_an_index_letter_is_not_a_scalar_name():
    text = block(r"""
indices: {k: K}
names: [E_k]
define: |
  L = \sum_k a_k^2
""") + r"$$\frac{\partial L}{\partial a_k} = 2 a_k \tag{a}$$"
    report = check_text(text, "n.md")
    assert report.claims[0].verdict == Verdict.ERROR
    assert "names: 'E_k'" in report.claims[0].message


@pytest.mark.parametrize("gradients, message", [
    (r"{\delta: q}", "gradients: the model has no quantity q"),
    (r"{y: a}", "gradients: y is already a quantity of the model"),
])
def test_a_gradient_name_that_cannot_be_read_is_a_block_error(gradients, message):
    text = BISHOP.replace(r"gradients: {\delta: a}", f"gradients: {gradients}")
    report = check_text(text + r"$$\delta_k = y_k - t_k \tag{a}$$", "n.md")
    assert report.claims[0].verdict == Verdict.ERROR
    assert report.claims[0].message.startswith(message), report.claims[0].message


# ----------------------------------------------------------------------------- planted twins
PLANTED_EXPECTED = {
    "sign_flip": Verdict.REFUTED,
    "other_size": Verdict.ERROR,
    "dropped_sigma_prime": Verdict.REFUTED,
    "missing_half": Verdict.REFUTED,
    "dropped_tanh_derivative": Verdict.REFUTED,
    "wrong_summation_index": Verdict.REFUTED,
    "transposed_weight": Verdict.ERROR,
    "sign_flip_bishop": Verdict.REFUTED,
    "sign_flip_nielsen": Verdict.REFUTED,
    "sign_flip_einstein": Verdict.REFUTED,
    "transposed_einstein": Verdict.ERROR,
    "index_thrice": Verdict.ERROR,
    "sign_flip_word2vec": Verdict.REFUTED,
    "dropped_softmax_word2vec": Verdict.REFUTED,
    "swapped_rows_word2vec": Verdict.REFUTED,
    "wrong_index_word2vec": Verdict.ERROR,  # \hat y_w beside u_o: w is free on one side only
    "dropped_beta_swish": Verdict.REFUTED,
}


def planted() -> dict:
    return {c.label: c for c in check_file(PLANTED).claims if c.label}


def test_every_planted_twin_in_the_index_dialects_is_caught():
    found = planted()
    assert {label: c.verdict for label, c in found.items()} == PLANTED_EXPECTED
    for label, claim in found.items():
        assert not claim.passes
        if claim.verdict == Verdict.REFUTED:
            cex = claim.steps[0].counterexample
            assert cex is not None and float(cex.lhs) != pytest.approx(float(cex.rhs), rel=1e-6)


def test_the_planted_twins_carry_their_diagnosis():
    found = planted()
    for label in ("sign_flip", "sign_flip_bishop", "sign_flip_nielsen", "sign_flip_einstein"):
        cex = found[label].steps[0].counterexample
        assert float(cex.lhs) == pytest.approx(-float(cex.rhs))
    assert r"\sum_{j'} \theta_{j'} x_{ij'}" in found["missing_half"].correct
    assert found["missing_half"].correct.endswith("{m}")
    assert found["sign_flip_bishop"].correct.startswith(r"\frac{\partial E_n}{\partial w_{kj}} =")
    assert "are the indices of w_{jk} swapped?" in found["transposed_weight"].hint
    assert "indices: {i: M}" in found["other_size"].hint
    assert found["index_thrice"].message.startswith("the index l is written 3 times in one product")
    assert found["sign_flip_einstein"].correct.endswith(r"\left(p_{i} - y_{i}\right) h_{j}")


# ----------------------------------------------------------------------------- \sum_x (Nielsen)
NIELSEN = block(r"""
indices: {j: J}
examples: {x: n}
define: |
  z = \sum_j w_j x_j + b
  a = \sigma(z)
  C = -\frac{1}{n} \sum_x \left[y \ln a + (1-y) \ln (1-a) \right]
loss: C
target: y
""")


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial C}{\partial w_j} = \frac{1}{n} \sum_x x_j(\sigma(z)-y)", Verdict.VERIFIED),
    (r"\frac{\partial C}{\partial w_j} = \frac{1}{n} \sum_x x_j(y - \sigma(z))", Verdict.REFUTED),
    # the sum left out: the right side is one input's term, checked for every input
    (r"\frac{\partial C}{\partial b} = \frac{1}{n} (\sigma(z)-y)", Verdict.REFUTED),
    (r"\frac{\partial C}{\partial b} = \sum_x (\sigma(z)-y)", Verdict.REFUTED),
    # outside a sum, z and a are those of a free input x
    (r"\frac{\partial a}{\partial z} = \sigma(z)(1 - \sigma(z))", Verdict.PROVED),
])
def test_a_sum_over_the_training_inputs_reads_the_quantities_of_each_input(claim, verdict):
    found = claims(NIELSEN + f"$${claim} \\tag{{a}}$$\n")["a"]
    assert found.verdict == verdict or (verdict == Verdict.VERIFIED and found.verdict.holds), found.message


def test_the_example_letter_cannot_also_be_an_index_letter():
    text = NIELSEN.replace("indices: {j: J}", "indices: {j: J, x: n}")
    report = check_text(text + r"$$\frac{\partial C}{\partial b} = 0 \tag{a}$$", "n.md")
    assert report.claims[0].verdict == Verdict.ERROR
    assert report.claims[0].message == "examples: x is already an index letter"


def test_an_explicit_example_index_is_kept():
    from symbolic.model.example_sums import Examples
    examples = Examples("x", "n", frozenset({"x", "y", "z"}))
    assert examples.rewrite(r"\sum_x z_{x} + y + x_j + \sum_{x} w_j") == r"\sum_x z_{x} + y_{x} + x_{xj} + \sum_{x} w_j"


# ----------------------------------------------------------------------------- f(z^l_j)
def test_an_arbitrary_activation_of_a_layer_superscripted_argument_is_a_call():
    text = block(r"""
indices: {i: M, j: M, k: M}
layers: {l: L}
define: |
  z_j^{l} = \sum_{i} w_{ij}^{l} a_i^{l-1} + b_j^{l}
  a_i^l = f(z_i^l)
  C = \frac{1}{2}\sum_k (a_k^{L} - t_k)^2
loss: C
""")
    found = claims(text + r"""
$$\frac{\partial C}{\partial b^l_j} = \sum_k \frac{\partial C}{\partial z_k^{l+1}} w_{jk}^{l+1} f'(z_j^l) \tag{a}$$

$$\frac{\partial C}{\partial b^l_j} = \sum_k \frac{\partial C}{\partial z_k^{l+1}} w_{kj}^{l+1} f'(z_j^l) \tag{b}$$
""")
    assert found["a"].verdict == Verdict.PROVED, found["a"].message
    assert found["b"].verdict == Verdict.REFUTED


@pytest.mark.parametrize("line", [r"a_j = f(z_j^2)", r"a_j = f(z_j + b_j)"])
def test_an_activation_of_a_power_or_a_sum_stays_an_ambiguous_product(line):
    text = block(f"indices: {{j: J}}\ndefine: |\n  {line}\n  L = \\sum_j a_j\n")
    report = check_text(text + r"$$\frac{\partial L}{\partial a_j} = 1 \tag{a}$$", "n.md")
    assert report.claims[0].verdict == Verdict.ERROR
    assert "reads as a product" in report.claims[0].message


# ----------------------------------------------------------------------------- Einstein
EINSTEIN = block(r"""
indices: {i: K, k: K, l: K, j: H, m: H}
summation: einstein
define: |
  q_l = V_{lm} h_m + b_l
  p_k = \frac{e^{q_k}}{\sum_{l} e^{q_l}}
  E = - y_k \log p_k
loss: E
assume: [one-hot y]
""")


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial E}{\partial V_{ij}} = (p_i - y_i) h_j", Verdict.PROVED),
    (r"\frac{\partial E}{\partial h_m} = (p_l - y_l) V_{lm}", Verdict.PROVED),
    # m written three times (once in p_m - y_m, twice in V_{mm}): an error, not a guess
    (r"\frac{\partial E}{\partial h_m} = (p_m - y_m) V_{mm}", Verdict.ERROR),
    (r"\frac{\partial E}{\partial q_l} = \frac{\partial E}{\partial p_k} \frac{\partial p_k}{\partial q_l}", Verdict.PROVED),
    # ∂p_l/∂q_l: one entry's derivative, or the sum over l? an error
    (r"\frac{\partial E}{\partial q_l} = \frac{\partial E}{\partial p_l} \frac{\partial p_l}{\partial q_l}", Verdict.ERROR),
    (r"\frac{\partial q_l}{\partial V^{ij}} = \delta^i_l h^j", Verdict.PROVED),
    (r"\frac{\partial E}{\partial b_l} = (p_l - y_l)^2", Verdict.ERROR),
    # a written sum over a repeated letter is its one sum, never summed again by the convention
    (r"\frac{\partial E}{\partial h_m} = \sum_l (p_l - y_l) V_{lm}", Verdict.PROVED),
    (r"\frac{\partial E}{\partial h_m} = \sum_l (y_l - p_l) V_{lm}", Verdict.REFUTED),
])
def test_a_repeated_index_is_summed_under_the_summation_convention(claim, verdict):
    found = claims(EINSTEIN + f"$${claim} \\tag{{a}}$$\n")["a"]
    assert found.verdict == verdict, found.message


def test_without_the_convention_a_repeated_index_is_not_summed():
    explicit = EINSTEIN.replace("summation: einstein\n", "").replace(
        r"q_l = V_{lm} h_m + b_l", r"q_l = \sum_m V_{lm} h_m + b_l").replace(
        r"E = - y_k \log p_k", r"E = - \sum_k y_k \log p_k")
    found = claims(explicit + r"$$\frac{\partial E}{\partial h_m} = (p_l - y_l) V_{lm} \tag{a}$$")["a"]
    assert found.verdict != Verdict.PROVED and found.verdict != Verdict.VERIFIED


def test_a_summation_convention_that_is_not_einstein_is_a_block_error():
    report = check_text(EINSTEIN.replace("summation: einstein", "summation: implicit")
                        + r"$$E = E \tag{a}$$", "n.md")
    assert report.claims[0].verdict == Verdict.ERROR
    assert report.claims[0].message == "summation: implicit is not a summation convention"


def test_superscript_indices_are_lower_indices_upper_first():
    from symbolic.model.einstein import superscript_indices
    letters = {"i", "j", "l", "m"}
    assert superscript_indices(r"V^{jm} + \delta^i_l + h^j + x_i^2 + e^{l} + z_j^{m}", letters) == \
        r"V_{jm} + \delta_{il} + h_{j} + x_i^2 + e^{l} + z_{mj}"


def test_a_sum_over_examples_needs_its_data_named():
    """Without target: y, y would be one scalar for every input: a model the author did not write."""
    report = check_text(NIELSEN.replace("target: y\n", "") + r"$$\frac{\partial C}{\partial b} = 0 \tag{a}$$", "n.md")
    assert report.claims[0].verdict == Verdict.ERROR
    assert report.claims[0].message.startswith("examples: the data of an example are the block's input "
                                               "and target, and t is not in the model")


def test_an_unclosed_parenthesis_is_named_at_its_place():
    """Numerade's \\log(h_{\\theta}(x^{(i)}) leaves the \\log( open: the error says so, there."""
    text = LOGISTIC + r"$$\frac{\partial \log(h_{\theta}(x^{(i)})}{\partial \theta_j} = x_j^{(i)} \tag{a}$$"
    found = claims(text)["a"]
    assert found.verdict == Verdict.ERROR
    assert found.message.startswith("cannot parse '") and found.message.endswith("': a '(' is never closed")
    line = text.splitlines()[found.line - 1]
    assert line[found.column - 1:].startswith(r"(h_{\theta}(x^{(i)})}")


def test_a_parse_error_with_balanced_parentheses_keeps_its_message():
    found = claims(LOGISTIC + r"$$J = \left( y^{(i)} \right. + \tag{a}$$")["a"]
    assert found.verdict == Verdict.ERROR and "is never closed" not in found.message


def test_terms_with_different_free_indices_are_an_error_under_the_convention():
    """c_i (a_i + b_j) would sum the b_j term over i too: never read, an error."""
    found = claims(EINSTEIN + r"$$\frac{\partial E}{\partial b_i} = (p_i - y_i) + (p_l - y_l) h_j \tag{a}$$"
                   + "\n" + r"$$\frac{\partial E}{\partial b_i} = p_i - y_i + h_m (p_i + h_m) \tag{b}$$")
    assert found["a"].verdict == Verdict.ERROR
    assert "different free indices" in found["a"].message
    assert found["b"].verdict == Verdict.ERROR


def test_numbered_scalar_names_are_leaves_when_listed():
    from symbolic import Verdict, check_text
    note = r"""```derivation
indices: {}
names: [w_1, w_2]
define: |
  R = \tanh(w_1 \tanh(w_2 x))
  C = \frac{1}{2}(R - y)^2
loss: C
```

$$\frac{dC}{dw_2} = (R - y)(1 - R^2) w_1 (1 - \tanh^2(w_2 x)) x \tag{a}$$

$$\frac{dC}{dw_2} = (R - y)(1 - R^2) (1 - \tanh^2(w_2 x)) x \tag{b}$$
"""
    claims = {c.label: c for c in check_text(note, "note.md").claims}
    assert claims["a"].verdict in (Verdict.PROVED, Verdict.VERIFIED), claims["a"].message
    assert claims["b"].verdict == Verdict.REFUTED
    unlisted = note.replace("names: [w_1, w_2]\n", "")
    assert check_text(unlisted, "note.md").claims[0].verdict == Verdict.ERROR
