"""An entry of a product of matrices, ``(A B C)_{mi}``, read in index notation; elided series."""

from __future__ import annotations

from pathlib import Path

from symbolic import Verdict
from symbolic.checker import check_text

PRODUCTS = r"""
```derivation
indices: {i: I, j: J, k: K, n: K}
define: |
  C_{ij} = \sum_k A_{ik} B_{kj}
  y_i = \sum_k A_{ik} x_k
  L = \sum_i \sum_j C_{ij}
```
"""


def found(claims: str, block: str = PRODUCTS) -> dict:
    return {c.label: c for c in check_text(block + claims).claims}


def test_an_entry_of_a_product_of_matrices_right_and_wrong():
    claims = found(r"""
$$C_{ij} = (A B)_{ij} \tag{right}$$

$$C_{ij} = 2 (A B)_{ij} - (A\,B)_{ij} \tag{twice}$$

$$y_i = (A x)_i \tag{vector}$$

$$y_i = (A x)_i + (A x)_i \tag{wrong}$$
""")
    assert claims["right"].verdict.holds and claims["twice"].verdict.holds
    assert claims["vector"].verdict.holds
    assert claims["wrong"].verdict == Verdict.REFUTED and claims["wrong"].steps[0].counterexample


def test_factors_whose_shapes_do_not_chain_are_an_error_at_the_bracket():
    claims = found(r"""
$$C_{ij} = (B A)_{ij} \tag{order}$$

$$C_{ij} = f(x)_i \tag{call}$$
""")
    assert claims["order"].verdict == Verdict.ERROR  # B is K×J: no columns after rows of I
    assert claims["order"].message.startswith("the columns of B in the product (B A)")
    assert claims["order"].column == 12
    assert claims["call"].verdict == Verdict.ERROR  # f(x)_i: an entry of a function's value?
    assert "on the bracketed expression" in claims["call"].message


KJO = Path(__file__).resolve().parents[1] / "realworld" / "kjo_rnn_bptt.md"
STEP = r"""
$$
\begin{align}
T^t_{mk} W_{kl} \big( T^{t-1}_{li} {h_{t-2}}_j + T^{t-1}_{ln} W_{np} \frac{\partial {h_{t-2}}_p}{\partial W_{ij}} \big)
&= (T^t W T^{t-1})_{mi} {h_{t-2}}_j + (T^t W T^{t-1}W)_{mk} \frac{\partial {h_{t-2}}_k}{\partial W_{ij}}
\end{align}
\tag{%s}$$
"""


def test_products_of_matrices_at_time_steps_under_einstein_summation():
    text = KJO.read_text()
    start = text.index("```derivation", text.index("We start by writing"))  # the block of (w2)-(w5)
    block = text[start:text.index("We define $p_t")]
    claims = found(STEP % "right" + STEP.replace("(T^t W T^{t-1})", "(T^{t-1} W T^t)") % "swapped", block)
    assert claims["right"].verdict.holds
    assert claims["swapped"].verdict == Verdict.REFUTED  # T^t and T^{t-1} in the other order


def test_an_elided_series_is_an_error_naming_the_dots():
    claims = found(r"""
$$y_i = A_{ik} x_k + \cdots \tag{dots}$$

$$y_i = \sum_k A_{ik} x_k + \ldots \tag{ldots}$$
""")
    assert claims["dots"].verdict == Verdict.ERROR
    assert claims["dots"].message.startswith(r"the elided series '\cdots' is not read")
    assert claims["dots"].column == 22
    assert claims["ldots"].message.startswith(r"the elided series '\ldots' is not read")
