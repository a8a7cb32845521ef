"""Fixed indices (``fixed: {o: V, c: V}``) and the rows of a matrix written as vectors (``u_o``).

A model written for one particular member of a range — word2vec's outside word o and centre
word c, the label y_i of the example i — is checked at every value of that member: each name
computed from it carries it as an index. In such a block ``u_o`` is the row o of ``u_{wd}``
and ``u_o^\\top v_c`` the inner product of two rows.
"""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text
from symbolic.errors import Span
from symbolic.model.fixed_indices import read_fixed
from symbolic.model.vector_rows import read_rows

SKIPGRAM = r"""```derivation
indices: {w: V, d: D}
fixed: {o: V, c: V}
define: |
  s_w = \sum_d u_{wd} v_{cd}
  \hat{y}_w = \frac{e^{s_w}}{\sum_{w'} e^{s_{w'}}}
  p(w|c) = \hat{y}_w
  J = -\log \hat{y}_o
```

"""
SPAN = Span("n.md", 1, 1)
HOLDS = (Verdict.PROVED, Verdict.VERIFIED)


def verdict(block: str, display: str):
    record = check_text(block + f"$${display}$$\n", "n.md").claims[-1]
    return record.verdict, record.message


@pytest.mark.parametrize("display, expected", [
    (r"\frac{\partial J}{\partial v_c} = -u_o + \sum_{w=1}^{V} \hat y_w u_w", HOLDS),
    (r"\frac{\partial J}{\partial u_o} = (\hat y_o - 1) v_c", HOLDS),
    (r"\frac{\partial J}{\partial u_w} = \hat y_w v_c, \quad \text{for all}\; w \neq o", HOLDS),
    (r"\hat y_o = \frac{e^{u_o^\top v_c}}{\sum_{w=1}^{V} e^{u_w^\top v_c}}", HOLDS),
    (r"J = -u_o^T v_c + \log \sum_{w} e^{u_w^{T} v_c}", HOLDS),
    (r"\frac{\partial}{\partial v_c} \log p(o|c) = u_o - \sum_{w} p(w|c) u_w", HOLDS),
    # the sign of the outside word's term flipped; the softmax left out of u_o's gradient
    (r"\frac{\partial J}{\partial v_c} = u_o + \sum_{w=1}^{V} \hat y_w u_w", (Verdict.REFUTED,)),
    (r"\frac{\partial J}{\partial u_o} = \hat y_o v_c", (Verdict.REFUTED,)),
    # rows of the two matrices swapped in the inner product
    (r"\hat y_o = \frac{e^{u_c^\top v_o}}{\sum_{w} e^{u_w^\top v_o}}", (Verdict.REFUTED,)),
    # the conditioning word swapped: p(c|o) is not p(o|c)
    (r"\frac{\partial}{\partial v_c} \log p(o|c) = u_o - \sum_{w} p(w|o) u_w", (Verdict.ERROR,)),
])
def test_a_model_for_one_outside_and_one_centre_word(display, expected):
    found, message = verdict(SKIPGRAM, display)
    assert found in expected, message


def test_a_fixed_letter_is_checked_at_every_value():
    found, message = verdict(SKIPGRAM, r"\frac{\partial J}{\partial u_o} = (\hat y_o - 1) v_c")
    assert "V=2, D=3" in message and "V=3, D=4" in message


def test_the_names_that_carry_a_fixed_letter():
    indices = {"w": "V", "d": "D"}
    lines = [(r"s_w = \sum_d u_{wd} v_{cd}", SPAN), (r"\hat{y}_w = \frac{e^{s_w}}{\sum_{w'} e^{s_{w'}}}", SPAN),
             (r"J = -\log \hat{y}_o", SPAN), (r"K = \sum_o J", SPAN)]
    fixed = read_fixed({"fixed": {"o": "V", "c": "V"}}, indices, lines, SPAN)
    assert indices == {"w": "V", "d": "D", "o": "V", "c": "V"}
    # K sums over o: it carries c only
    assert fixed.carried == {"s": (1, ("c",)), "hat{y}": (1, ("c",)), "J": (0, ("o", "c")), "K": (0, ("c",))}
    assert fixed.rewrite(r"\frac{\partial J}{\partial s_w} + \hat y_{w'}") == \
        r"\frac{\partial J_{oc}}{\partial s_{wc}} + \hat y_{w'c}"
    assert fixed.rewrite("s_{wo}") == "s_{wo}"  # written with another number of indices: as written


def test_rows_and_inner_products_are_read_by_shape():
    rows = read_rows({"w": "V", "d": "D", "o": "V"}, [(r"s_w = \sum_d u_{wd} v_{d}", SPAN)])
    assert rows.rewrite(r"u_o^\top u_w", SPAN) == r"\left(\sum_{d''} u_{od''} u_{wd''}\right)"
    assert rows.rewrite(r"2 u_o", SPAN) == "2 u_{od}"
    assert rows.rewrite(r"u_{od} + v_d + u_o^2", SPAN) == r"u_{od} + v_d + u_o^2"  # no row here


def test_rows_of_two_sizes_in_one_term_are_an_error():
    rows = read_rows({"w": "V", "d": "D", "e": "E"}, [(r"s = \sum_w \sum_d \sum_e u_{wd} x_{we}", SPAN)])
    with pytest.raises(Exception) as caught:
        rows.rewrite(r"u_w + x_w", SPAN)
    assert "vectors of different sizes" in str(caught.value)


def test_the_label_of_the_fixed_example_is_a_fixed_letter():
    indices = {"j": "C", "d": "D"}
    lines = [(r"L_i = \sum_{j \neq y_i} \max(0, \sum_d w_{jd} x_{id} - \sum_d w_{y_i d} x_{id} + \Delta)", SPAN)]
    fixed = read_fixed({"fixed": {"i": "N", "y_i": "C"}}, indices, lines, SPAN)
    assert indices["y"] == "C" and fixed.carried == {"L": (1, ("y",))}
    assert fixed.rewrite(r"w_{y_i} + L_i + \sum_{j\neq y_{i}} x_i") == r"w_{y} + L_{iy} + \sum_{j\neq y} x_i"


@pytest.mark.parametrize("block, message", [
    (SKIPGRAM.replace("```\n\n", "loss: J\n```\n\n"), "the loss J depends on the fixed o, c"),
    (SKIPGRAM.replace("fixed: {o: V, c: V}", "fixed: {w: V}"), "fixed: w is already an index letter"),
    (SKIPGRAM.replace("fixed: {o: V, c: V}", "fixed: [o, c]"), "fixed: must map letters"),
    (SKIPGRAM.replace("fixed: {o: V, c: V}", "fixed: {o: V, c: V, y_q: V}"), "q is no index letter"),
])
def test_a_malformed_declaration_is_an_error_at_the_block(block, message):
    record = check_text(block + "$$J = J$$\n", "n.md").claims[0]
    assert record.verdict == Verdict.ERROR and message in record.message, record.message


def test_without_fixed_a_row_is_not_read():
    block = SKIPGRAM.replace("fixed: {o: V, c: V}\n", "").replace("v_{cd}", "v_{d}").replace(
        r"  J = -\log \hat{y}_o" + "\n", "").replace("  p(w|c) = \\hat{y}_w\n", "")
    found, message = verdict(block, r"\frac{\partial s_w}{\partial v_d} = u_w")
    assert found == Verdict.ERROR and "no tensor u with indices of shape (V)" in message
