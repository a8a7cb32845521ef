"""Results in the author's notation: decorated names, their term order, and simple forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy

from symbolic import Verdict, api, check_text
from symbolic.calculus.derive import in_claim_names, nearest_form, rational_forms
from symbolic.calculus.printing import (claim_order, latex_name, model_order, name_order, text_name,
                                        to_latex, to_text)
from symbolic.cli import main
from tests.models import HAT_OUTPUT

ROOT = Path(__file__).resolve().parents[2]
LOGISTIC = ROOT / "docs" / "examples" / "logistic_regression.md"

HAT = HAT_OUTPUT

DECORATED = r"""```derivation
indices: {i: I}
define: |
  \tilde{a} = \sum_i w_i \bar{x}_i + \beta
  \hat{p} = \sigma(\tilde{a})
  \mathcal{L} = -(y \log \hat{p} + (1 - y) \log(1 - \hat{p}))
loss: \mathcal{L}
```
"""


def context_of(tmp_path, text: str):
    path = tmp_path / "note.md"
    path.write_text(text, encoding="utf-8")
    return api.load(path).context()


@pytest.mark.parametrize("name, latex, text", [
    ("hat{y}", r"\hat{y}", "y\u0302"),
    ("tilde{z}", r"\tilde{z}", "z\u0303"),
    ("bar{h}", r"\bar{h}", "h\u0304"),
    ("mathbf{x}", r"\mathbf{x}", "𝐱"),
    ("mathcal{L}", r"\mathcal{L}", "ℒ"),
    ("hat{\\mathbf{y}}", r"\hat{\mathbf{y}}", "𝐲\u0302"),
    ("beta", r"\beta", "β"),
    ("lambda", r"\lambda", "λ"),
    ("sigma^2", r"\sigma^2", "σ^2"),
    ("net", r"\mathrm{net}", "net"),
    ("W^{(2)}", "W^{(2)}", "W^{(2)}"),
    ("w", "w", "w"),
    ("vec{xy}", r"\vec{xy}", r"\vec{xy}"),  # no one-character form: the LaTeX spelling
])
def test_names_print_as_written(name, latex, text):
    assert latex_name(name) == latex
    assert text_name(name) == text


def test_decorated_names_in_a_derived_gradient(tmp_path):
    context = context_of(tmp_path, DECORATED)
    derived = api.derive(tmp_path / "note.md", "w_i")
    assert derived.verdict == Verdict.VERIFIED
    assert derived.claim_latex == (r"\frac{\partial \mathcal{L}}{\partial w_{i}} = "
                                   r"\left(\hat{p} - y\right) \bar{x}_{i}")
    assert derived.text == "(p\u0302 - y)*x\u0304_{i}"
    assert f"∂{derived.of_text}" == "∂ℒ" and context.network.loss.name == "mathcal{L}"


def test_logistic_regression_gradient_is_the_simple_form():
    derived = api.derive(LOGISTIC, "w_i")
    assert derived.verdict == Verdict.VERIFIED
    assert derived.latex == r"\left(p - y\right) x_{i}"
    assert derived.text == "(p - y)*x_{i}"
    assert api.derive(LOGISTIC, "b").latex == "p - y"


def test_derive_command_prints_the_simple_form(capsys):
    assert main(["derive", str(LOGISTIC), "--wrt", "w_i"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [r"\frac{\partial L}{\partial w_{i}} = \left(p - y\right) x_{i}",
                       "∂L/∂w_{i} = (p - y)*x_{i}"]


def test_name_order_follows_the_text_and_skips_names_inside_longer_ones():
    order = name_order({"y", "hat{y}", "t", "h"}, [r"(t_k - \hat{y}_k) h_j", r"y = 1"])
    assert sorted(order.rank, key=order.rank.get) == ["t", "hat{y}", "h", "y"]
    assert order.negative == set()  # the minus of t_k - ŷ_k does not open a sum
    assert name_order({"t", "h"}, [r"= -\frac{t_k}{2} + h_j"]).negative == {"t"}


def test_sums_print_in_the_authors_order_with_a_positive_term_first(tmp_path):
    context = context_of(tmp_path, HAT)
    network = context.network
    y, t = (network.tensors[k] for k in ("hat{y}[K]", "t[K]"))
    k = sympy.Symbol("k", integer=True)
    difference = y.entry(k) - t.entry(k)
    as_written = {
        r"(\hat{y}_k - t_k)": r"\hat{y}_{k} - t_{k}",
        r"(t_k - \hat{y}_k)": r"\hat{y}_{k} - t_{k}",  # t leads, but the author starts with a plus
        r"(-t_k + \hat{y}_k)": r"- t_{k} + \hat{y}_{k}",  # the author led with the minus
    }
    for claim, printed in as_written.items():
        assert to_latex(difference, network, claim_order(network, [claim])) == printed
    assert to_text(difference, network, claim_order(network, [r"-t_k + \hat{y}_k"])) == "-t_{k} + y\u0302_{k}"
    # without the author's text: SymPy's order, names as written
    assert to_latex(t.entry(k) - y.entry(k), network) == r"- \hat{y}_{k} + t_{k}"


def test_products_follow_the_claim_and_a_sum_goes_last(tmp_path):
    context = context_of(tmp_path, HAT)
    network = context.network
    h, y, t = (network.tensors[k] for k in ("h[J]", "hat{y}[K]", "t[K]"))
    j, k = sympy.symbols("j k", integer=True)
    expr = h.entry(j) * (y.entry(k) - t.entry(k))
    assert to_latex(expr, network, claim_order(network, [r"h_j (\hat{y}_k + t_k)"])) == \
        r"h_{j} \left(\hat{y}_{k} - t_{k}\right)"
    assert to_latex(expr, network, claim_order(network, [r"(\hat{y}_k + t_k) h_j"])) == \
        r"\left(\hat{y}_{k} - t_{k}\right) h_{j}"
    assert to_latex(-2 * expr, network, claim_order(network, [r"h_j \hat{y}_k"])) == \
        r"- 2 h_{j} \left(\hat{y}_{k} - t_{k}\right)"
    summed = sympy.Sum(y.entry(k), (k, 0, sympy.Symbol("K") - 1)) * h.entry(j)
    assert to_latex(summed, network, claim_order(network, [r"\sum_k \hat{y}_k h_j"])) == \
        r"h_{j} \sum_{k} \hat{y}_{k}"
    # the model's order (derive) orders sums, never products
    assert to_latex(expr, network, model_order(network)) == r"\left(\hat{y}_{k} - t_{k}\right) h_{j}"


def test_rational_forms_cancel_outside_sums_and_keep_sums_whole():
    p, y, x = sympy.symbols("p y x", real=True)
    messy = p * (1 - p) * ((1 - y) / (1 - p) - y / p) * x
    forms = rational_forms(messy)
    assert (p - y) * x in forms
    assert all(sympy.simplify(f - messy) == 0 for f in forms)
    k = sympy.Symbol("k", integer=True)
    o = sympy.IndexedBase("o")
    summed = sympy.Sum(o[k] * (1 - o[k]), (k, 0, 3))
    assert rational_forms(summed * x) == [summed * x]  # nothing outside the sum to cancel


def test_nearest_form_is_the_one_closest_to_the_claim():
    p, y, x = sympy.symbols("p y x", real=True)
    factored, expanded = (p - y) * x, p * x - x * y
    assert nearest_form([factored, expanded], (y - p) * x) == factored
    assert nearest_form([factored, expanded], x * y + p * x) == expanded


def test_claim_defined_names_come_back():
    delta = "\n$$\\delta_k = \\hat{y}_k - t_k$$\n"
    report = check_text(HAT + delta + "\n$$\\frac{\\partial E}{\\partial w_{kj}} = -\\delta_k h_j$$\n", "n.md")
    refuted = report.claims[-1]
    assert refuted.verdict == Verdict.REFUTED
    assert refuted.correct == r"\frac{\partial E}{\partial w_{kj}} = \delta_{k} h_{j}"
    # a claim that does not use the name gets the model's names
    report = check_text(HAT + delta + "\n$$\\frac{\\partial E}{\\partial w_{kj}} = (t_k - \\hat{y}_k) h_j$$\n", "n.md")
    assert report.claims[-1].correct == r"\frac{\partial E}{\partial w_{kj}} = \left(\hat{y}_{k} - t_{k}\right) h_{j}"


def test_in_claim_names_puts_a_definition_back_with_either_sign(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(HAT + "\n$$\\delta_k = \\hat{y}_k - t_k$$\n\n$$\\nabla w_{kj} = \\delta_k h_j$$\n",
                    encoding="utf-8")
    network = api.load(path).chains[-1].context.network
    [definition] = [d for d in network.definitions if d.tensor.name == "delta"]
    j, k = sympy.symbols("j k", integer=True)
    y, t, h = (network.tensors[key] for key in ("hat{y}[K]", "t[K]", "h[J]"))
    assert in_claim_names((t.entry(k) - y.entry(k)) * h.entry(j), [definition]) == -definition.lhs * h.entry(j)
    assert in_claim_names(y.entry(k) - t.entry(k), [definition]) == definition.lhs


# refuted claims with no correct formula, and why: a definition by the chain (δ), a block's own
# function written with a prime or in Leibniz form (its derivative has no printed form)
NO_CORRECT = {"notation_twins.md": {"softplus_leibniz", "swish_block_prime"},
              "layer_superscripts.md": {"swapped", "dropped", "layer"}}


@pytest.mark.parametrize("planted", ["notation_twins.md", "layer_superscripts.md"])
def test_every_correct_formula_printed_reads_back_and_holds(planted):
    """A refuted claim's '→ correct:' equation, written into the note right after the claim (so
    under the same block), is read by the checker and holds: it is LaTeX the author can paste.
    (An entry with a layer superscript raised to a power once printed as z^{(1)}_{j}^{2}, a double
    superscript.)"""
    text = (Path(__file__).resolve().parents[1] / "planted" / planted).read_text("utf-8")
    report = check_text(text, planted).claims
    refuted = [c for c in report if c.correct]
    # a correct formula that fails to read back is not shown: none may go missing that way
    assert {c.label for c in report if c.verdict == Verdict.REFUTED and not c.correct} == NO_CORRECT[planted]
    lines = text.splitlines()
    for claim in sorted(refuted, key=lambda c: -c.line):
        end = next(n for n in range(claim.line - 1, len(lines)) if lines[n].rstrip().endswith("$$")
                   and (n > claim.line - 1 or lines[n].count("$$") == 2))
        lines.insert(end + 1, f"\n$$ {claim.correct} \\tag{{correct-{claim.label}}}$$\n")
    corrected = {c.label: c for c in check_text("\n".join(lines), planted).claims}
    for claim in refuted:  # and is LaTeX: no second superscript on z^{(1)}_{j}
        assert not re.search(r"\^\{[^{}]*\}_\{[^{}]*\}\^", claim.correct), claim.correct
        result = corrected[f"correct-{claim.label}"]
        assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), (claim.correct, result.message)


def test_derive_on_a_recurrent_model_says_why_it_does_not(capsys):
    note = Path(__file__).resolve().parents[1] / "planted" / "recurrent.md"
    assert main(["derive", str(note), "--wrt", "W_{jk}"]) == 2
    err = capsys.readouterr().err
    assert "derive does not write gradients through a recurrence" in err and "Traceback" not in err
