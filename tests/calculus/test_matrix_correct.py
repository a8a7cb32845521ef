"""A refuted claim written in matrix notation gets its correct formula in matrix notation.

The left side is the claim's own (``\\nabla_{\\mathbf w} L``, ``\\frac{\\partial L}{\\partial V}``,
``db^{[l]}``), the right side the derived gradient printed in the block's layout and names, read
back and verified before it is shown; a gradient with no matrix form keeps its index form, and
so does a claim written in index notation. Text, JSON and the exports show the same line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy

from symbolic import Verdict
from symbolic.api import derive
from symbolic.calculus.matrix_derive import minus_inside
from symbolic.calculus.matrix_terms import SCALAR, Constant, Leaf, Plus, Printer, Product
from symbolic.checker import check_file
from symbolic.cli import main

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "tests" / "planted" / "matrix_notation.md"

DROPPED_MEAN = r"\nabla_{\mathbf w} L = \frac{1}{M} \mathbf{X}^\top (\mathbf{p} - \mathbf{y})"
BIAS_MEAN = (r"db^{[l]} = \frac{1}{m} \operatorname{sum}(((W^{[l+1]})^\top (((W^{[L]})^\top "
             r"(g'(Z^{[L]}) \odot Y)) \odot g'(Z^{[l+1]}))) \odot g'(Z^{[l]}), axis=1)")
WEIGHT_MEAN = (r"dW^{[l]} = \frac{1}{m} (((W^{[l+1]})^\top (((W^{[L]})^\top (g'(Z^{[L]}) \odot Y)) "
               r"\odot g'(Z^{[l+1]}))) \odot g'(Z^{[l]})) (A^{[l-1]})^\top")
PLANTED_CORRECT = {
    "dropped": DROPPED_MEAN,
    "batch_dropped": WEIGHT_MEAN,
    "batch_swapped": WEIGHT_MEAN,
    "transpose": (r"\frac{\partial L}{\partial \mathbf{U}} = "
                  r"\mathbf{V}^\top (\mathbf{o} - \mathbf{t}) \mathbf{h}^\top"),
    "ones_dropped": BIAS_MEAN,
    "columns_dropped": BIAS_MEAN,
}

TWO_LAYERS = r"""```derivation
indices: {i: I, j: J, m: J, k: K}
LAYOUT
define: |
  z_j = \sum_i W_{ji} x_i
  h_j = \tanh(z_j)
  g_m = \sum_j U_{mj} h_j
  o_k = \sum_m V_{km} g_m
  L = \frac{1}{2} \sum_k (o_k - t_k)^2
```
"""


@pytest.fixture(scope="module")
def planted() -> dict:
    return {c.label: c for c in check_file(PLANTED).claims}


def block_before(line: int) -> str:
    """The planted file's derivation block that the claim on ``line`` (1-based) belongs to."""
    lines = PLANTED.read_text(encoding="utf-8").splitlines()[:line]
    start = max(n for n, text in enumerate(lines) if text.startswith("```derivation"))
    end = lines.index("```", start + 1)
    return "\n".join(lines[start:end + 1]) + "\n"


def checked(tmp_path: Path, text: str) -> dict:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    return {c.label: c for c in check_file(note).claims}


@pytest.mark.parametrize("label", sorted(PLANTED_CORRECT))
def test_planted_matrix_claims_get_the_correct_formula_in_their_notation(planted, label):
    assert planted[label].verdict == Verdict.REFUTED
    assert planted[label].correct == PLANTED_CORRECT[label]


@pytest.mark.parametrize("label", ["dropped", "transpose", "ones_dropped", "batch_dropped"])
def test_the_correct_formula_is_itself_a_claim_that_holds(planted, tmp_path, label):
    """Written into the note as a claim, the correct line is read and checked: it holds."""
    block = block_before(planted[label].line)
    claims = checked(tmp_path, f"{block}\n$${planted[label].correct} \\tag{{c}}$$\n")
    assert claims["c"].verdict in (Verdict.VERIFIED, Verdict.PROVED), claims["c"].message


def test_a_gradient_without_a_matrix_form_keeps_the_index_form(planted):
    """The softmax batch gradient's derived form has an element-wise quotient: no matrix form."""
    correct = planted["softmax_dropped"].correct
    assert correct.startswith(r"\frac{\partial L}{\partial W_{jc'}} = ")
    assert r"^\top" not in correct and r"\nabla" not in correct


def test_plain_names_a_factor_a_sign_and_an_index_claim(tmp_path):
    claims = checked(tmp_path, TWO_LAYERS.replace("LAYOUT\n", "") + r"""
$$\frac{\partial L}{\partial V} = 2 (o - t) g^\top \tag{twice}$$

$$\frac{\partial L}{\partial V} = (t - o) g^\top \tag{sign}$$

$$\frac{\partial L}{\partial V_{km}} = 2 (o_k - t_k) g_m \tag{index}$$
""")
    assert claims["twice"].correct == r"\frac{\partial L}{\partial V} = (o - t) g^\top"
    assert claims["sign"].correct == r"\frac{\partial L}{\partial V} = (o - t) g^\top"
    assert claims["index"].correct == r"\frac{\partial L}{\partial V_{km}} = \left(o_{k} - t_{k}\right) g_{m}"


def test_numerator_layout_and_a_chain_take_the_derivatives_left_side(tmp_path):
    """In the numerator layout ∂L/∂V is g (o - t)ᵀ; a chain's correct line starts at its derivative."""
    claims = checked(tmp_path, TWO_LAYERS.replace("LAYOUT", "layout: numerator") + r"""
$$\frac{\partial L}{\partial V} = 2 g (o - t)^\top \tag{twice}$$

$$\frac{\partial L}{\partial V} = g (o - t)^\top = 2 g (o - t)^\top \tag{chain}$$
""")
    for label in ("twice", "chain"):
        assert claims[label].correct == r"\frac{\partial L}{\partial V} = g (o - t)^\top"
    assert claims["chain"].steps[0].verdict == Verdict.PROVED


def test_text_and_json_show_the_matrix_formula(capsys):
    assert main(["check", str(PLANTED)]) == 1
    assert f"    → correct: {DROPPED_MEAN}\n" in capsys.readouterr().out
    main(["check", "--format", "json", str(PLANTED)])
    claims = {c["label"]: c for c in json.loads(capsys.readouterr().out)["files"][0]["claims"]}
    assert {label: claims[label]["correct"] for label in PLANTED_CORRECT} == PLANTED_CORRECT


def test_latex_and_markdown_exports_show_the_matrix_formula(tmp_path, capsys):
    note = tmp_path / "matrix_notation.md"
    note.write_text(PLANTED.read_text(encoding="utf-8"), encoding="utf-8")
    for suffix in (".tex", ".md"):
        out = tmp_path / f"exported{suffix}"
        assert main(["export", str(note), "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert re.search(r"Correct:\**\s*(\\\[|\$\$)\s*" + re.escape(DROPPED_MEAN), text), suffix
    capsys.readouterr()


def test_a_negative_coefficient_turns_a_difference_around():
    """``-1/M Xᵀ (y - p)`` prints as ``1/M Xᵀ (p - y)``, ``-(y - p)`` as ``p - y``."""
    column = (True, False)
    x_t = Leaf((True, True), "X", transposed=True)
    y_minus_p = Plus(column, ((1, Leaf(column, "y")), (-1, Leaf(column, "p"))))
    scaled = Product(column, (Constant(SCALAR, -1 / sympy.Symbol("M")), x_t, y_minus_p))
    assert Printer(True)(scaled) == r"-\frac{1}{M} X^\top (y - p)"
    assert Printer(True)(minus_inside(scaled)) == r"\frac{1}{M} X^\top (p - y)"
    negated = Product(column, (Constant(SCALAR, sympy.Integer(-1)), y_minus_p))
    assert Printer(True)(minus_inside(negated)) == "p - y"
    no_difference = Product(column, (Constant(SCALAR, sympy.Integer(-2)), x_t, Leaf(column, "y")))
    assert minus_inside(no_difference) == no_difference


SQUARE = r"""```derivation
indices: {j: N, k: N}
define: |
  g_j = \sum_k U_{jk} h_k
  L = \frac{1}{2} \sum_j (g_j - t_j)^2
```
"""


def test_a_square_matrix_is_derived_at_a_primed_column_index(tmp_path):
    """∂L/∂U_{jj'} for g_j = Σ_k U_{jk} h_k: the definition's bound k is renamed before its j
    becomes the consumer's k (else U_{kk}), so the derived gradient verifies and is shown."""
    note = tmp_path / "square.md"
    note.write_text(SQUARE, encoding="utf-8")
    derived = derive(note, "U_{jj'}")
    assert derived.verdict == Verdict.VERIFIED
    assert derived.latex == r"\left(g_{j} - t_{j}\right) h_{j'}"
    claims = checked(tmp_path, SQUARE + "\n$$\\frac{\\partial L}{\\partial U} = h (g - t)^\\top \\tag{4}$$\n")
    assert claims["4"].correct == r"\frac{\partial L}{\partial U} = (g - t) h^\top"
