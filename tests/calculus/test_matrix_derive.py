"""Derived gradients written in matrix and vector notation (``derive --notation matrix``).

The printer is tested on index expressions made by hand (each printed form is also read back
and checked equal to the index expression), and end to end: every parameter of the bundled
derivations is derived through the real CLI, and the printed claim, put under the same
derivation block, is verified by ``check``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy

from symbolic.api import check_text, derive, load
from symbolic.calculus import matrix_derive
from symbolic.calculus.derive import canonical_entry
from symbolic.calculus.matrix_printing import MatrixWriter, NoMatrixForm, product_of
from symbolic.calculus.matrix_terms import SCALAR, Constant, Leaf, Printer, transpose
from symbolic.calculus.printing import to_latex
from symbolic.cli import main
from symbolic.engine.verify import check_identity
from symbolic.errors import GradproofError, Span
from symbolic.model.matrix_notation import letter_of
from symbolic.model.tensors import index_symbol
from symbolic.verdicts import Verdict

ROOT = Path(__file__).resolve().parents[2]
HERE = Span("test", 1, 1)

LAYER = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i W_{ji} x_i
  h_j = g(z_j)
  o_k = \sum_j V_{kj} h_j
  L = \frac{1}{2} \sum_k (o_k - t_k)^2
```
"""

BATCH = r"""```derivation
indices: {j: n, k: n, i: m}
shapes: {D: n×m, A: n×m}
define: |
  Z_{ji} = \sum_k W_{jk} A_{ki} + D_{ji}
  L = \sum_i \sum_j Z_{ji}
```
"""

SOFTMAX = r"""```derivation
indices: {i: K, j: K, k: K}
define: |
  o_j = \frac{e^{a_j}}{\sum_k e^{a_k}}
  q_j = \operatorname{GELU}(a_j)
  L = \frac{1}{2} \sum_k (o_k - t_k)^2
```
"""


def context_of(block: str, tmp_path: Path):
    note = tmp_path / "block.md"
    note.write_text(block, encoding="utf-8")
    return load(note).context(1)


def printed(context, index_latex: str, rows: str | None, cols: str | None) -> str:
    """The matrix LaTeX of an index expression; it must read back equal to the expression."""
    expr = context.read(index_latex, HERE)
    axes = [index_symbol(a) if a else None for a in (rows, cols)]
    latex = Printer(True)(MatrixWriter(context.network).convert(expr, *axes))
    back = context.read(latex, HERE)
    network = context.network  # the reader puts rows at a size's first letter, columns at it primed
    canonical = {a: index_symbol(letter_of(network, network.index_ranges[a.name]) + "'" * n)
                 for n, a in enumerate(axes) if a}
    outcome = check_identity(context.network, [], expr.xreplace(canonical), back)
    assert outcome.verdict == Verdict.VERIFIED, (latex, outcome)
    return latex


@pytest.mark.parametrize("index, rows, cols, matrix", [
    (r"(o_k - t_k) h_j", "k", "j", r"(o - t) h^\top"),  # an outer product: a column times a row
    (r"h_j (o_k - t_k)", "j", "k", r"h (o - t)^\top"),
    (r"\sum_k V_{kj} (o_k - t_k)", "j", None, r"V^\top (o - t)"),  # a transpose, then a product
    (r"g'(z_j) \sum_k V_{kj} (o_k - t_k)", "j", None, r"(V^\top (o - t)) \odot g'(z)"),  # W^T δ ⊙ f'(z)
    (r"x_i g'(z_j) \sum_k V_{kj} (o_k - t_k)", "j", "i", r"((V^\top (o - t)) \odot g'(z)) x^\top"),
    (r"(1 - h_j^2) h_j", "j", None, r"h \odot (1 - h \odot h)"),  # powers are element-wise products
    (r"\sum_k (o_k - t_k)^2", None, None, r"(o - t)^\top (o - t)"),  # an inner product
    (r"\sum_j h_j", None, None, r"\operatorname{sum}(h, axis=0)"),
    (r"\sum_i W_{ji} x_i", None, "j", r"(W x)^\top"),  # a row vector
])
def test_index_expressions_print_as_matrices(tmp_path, index, rows, cols, matrix):
    assert printed(context_of(LAYER, tmp_path), index, rows, cols) == matrix


def test_batch_sums_print_with_one_over_m_and_axis_sums(tmp_path):
    context = context_of(BATCH, tmp_path)
    assert printed(context, r"\frac{1}{m} \sum_i D_{ji} A_{ki}", "j", "k") == r"\frac{1}{m} D A^\top"
    assert printed(context, r"\sum_i D_{ji}", "j", None) == r"\operatorname{sum}(D, axis=1)"
    # a number beside a matrix is no matrix term: multiplied out, and the like terms cancel
    assert printed(context, r"A_{ji} (1 - D_{ji}) - D_{ji} (1 - A_{ji})", "j", "i") == r"A - D"
    assert printed(context, r"A_{ji} (1 - D_{ji}) - 2 D_{ji} (1 - A_{ji})", "j", "i") == \
        r"A + A \odot D - 2 D"  # the signs of a sum inside a sum are kept
    assert printed(context, r"\frac{1}{m} \sum_j D_{ji}", None, "i") == \
        r"\frac{1}{m} \operatorname{sum}(D, axis=0)"


def test_a_delta_makes_a_diagonal_matrix_and_a_mixed_factor_is_distributed(tmp_path):
    context = context_of(SOFTMAX, tmp_path)
    assert printed(context, r"o_j (1_{ij} - o_i)", "i", "j") == r"\operatorname{diag}(o) - o o^\top"
    assert printed(context, r"\sum_j (1_{ij} - o_i) o_j (o_j - t_j)", "i", None) == \
        r"(\operatorname{diag}(o) - o o^\top) (o - t)"


@pytest.mark.parametrize("index, rows, cols, reason", [
    (r"x_i + \sum_j h_j", "i", None, "ones vector"),  # a scalar on every entry
    (r"h_j x_i + h_j", "j", "i", "ones vector"),  # a vector repeated along the columns
    (r"\frac{1}{h_j}", "j", None, "quotient"),
    (r"1_{ij}", "i", "j", "identity"),
])
def test_what_has_no_matrix_form_says_why(tmp_path, index, rows, cols, reason):
    context = context_of(LAYER.replace("{i: I, j: J, k: K}", "{i: J, j: J, k: K}"), tmp_path) \
        if "1_{ij}" in index else context_of(LAYER, tmp_path)
    expr = context.read(index, HERE)
    with pytest.raises(NoMatrixForm, match=reason):
        MatrixWriter(context.network).convert(expr, *(index_symbol(a) if a else None for a in (rows, cols)))


def test_a_function_the_matrix_reader_does_not_read_is_refused(tmp_path):
    context = context_of(SOFTMAX, tmp_path)
    expr = context.read(r"\operatorname{GELU}(a_j)", HERE)
    with pytest.raises(NoMatrixForm, match="the function gelu applied to every entry is not read"):
        MatrixWriter(context.network).convert(expr, index_symbol("j"), None)


# -- the command ----------------------------------------------------------------------------

def derivation_blocks(path: Path) -> list[str]:
    return re.findall(r"^```derivation\n.*?^```\n", path.read_text(encoding="utf-8"), re.M | re.S)


def round_trip_cases():
    """(note, block number, --of, --wrt) for every parameter derive accepts, plus the Jacobians."""
    cases = []
    for path in sorted((ROOT / "derivations").glob("*.md")) + sorted((ROOT / "docs" / "examples").glob("*.md")):
        for number, context in enumerate(load(path).contexts, 1):
            if context.network.loss is None:
                continue
            for tensor in context.network.parameters:
                wrt = to_latex(canonical_entry(context.network, tensor), context.network)
                cases.append((path.relative_to(ROOT).as_posix(), number, None, wrt))
    cases.append(("docs/examples/softmax_jacobian.md", 1, "o_j", "a_i"))
    return cases


@pytest.mark.parametrize("note, block, of, wrt", round_trip_cases(), ids=str)
def test_the_matrix_form_round_trips_as_a_verified_claim(note, block, of, wrt, capsys):
    argv = ["derive", str(ROOT / note), "--block", str(block), "--wrt", wrt, "--notation", "matrix",
            "--format", "json"] + (["--of", of] if of else [])
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    record = json.loads(out)
    assert record["notation"] == "matrix" and record["index"]["claim"].startswith(r"\frac{\partial")
    claim = record["claim"]
    block_text = derivation_blocks(ROOT / note)[block - 1]
    report = check_text(f"{block_text}\n$${claim} \\tag{{m}}$$\n", "roundtrip.md")
    verdicts = [c.verdict for c in report.claims if c.label == "m"]
    assert verdicts in ([Verdict.VERIFIED], [Verdict.PROVED]), (claim, report.claims)


def test_matrix_notation_keeps_the_blocks_bold_names_and_layout(tmp_path, capsys):
    note = tmp_path / "bold.md"
    note.write_text(LAYER + "\n$$\\frac{\\partial L}{\\partial \\mathbf{V}} = (\\mathbf{o} - \\mathbf{t}) "
                    "\\mathbf{h}^\\top$$\n", encoding="utf-8")
    assert main(["derive", str(note), "--wrt", "V_{kj}", "--notation", "matrix"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [r"\frac{\partial L}{\partial \mathbf{V}} = (\mathbf{o} - \mathbf{t}) \mathbf{h}^\top",
                     "∂L/∂V = (o - t) hᵀ", "(verified: checked exactly before it was shown)"]
    numerator = tmp_path / "numerator.md"
    numerator.write_text(LAYER.replace("define:", "layout: numerator\ndefine:"), encoding="utf-8")
    assert main(["derive", str(numerator), "--wrt", "V_{kj}", "--notation", "matrix",
                 "--format", "latex"]) == 0
    assert capsys.readouterr().out.strip() == r"\frac{\partial L}{\partial V} = h (o - t)^\top"


def test_index_notation_stays_the_default(capsys):
    seed = str(ROOT / "derivations" / "backprop_cross_entropy.md")
    assert main(["derive", seed, "--wrt", "w_{jk}", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["notation"] == "index" and "index" not in record
    assert record["claim"] == r"\frac{\partial L}{\partial w_{jk}} = \left(o_{k} - t_{k}\right) h_{j}"


def test_the_error_docs_cli_md_quotes_is_the_real_one(capsys, monkeypatch, tmp_path):
    """docs/cli.md quotes the one-line error for a name used for two arrays (on standard error), for
    the bundled note without its matrices: line; the key the hint suggests makes it derive."""
    monkeypatch.chdir(tmp_path)
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    quoted = " ".join(re.search(r"the error\ngoes to standard error:\n`(.*?)`\.", text, re.S).group(1).split())
    bundled = (ROOT / "derivations" / "backprop_cross_entropy.md").read_text(encoding="utf-8")
    without = re.sub(r"^matrices:.*\n", "", bundled, flags=re.M)
    assert without != bundled
    Path("net.md").write_text(without, encoding="utf-8")
    assert main(["derive", "net.md", "--wrt", "w_{jk}", "--notation", "matrix"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == quoted
    suggested = re.search(r"(matrices: \{.*\})\)$", err).group(1)
    Path("net.md").write_text(without.replace("assume:", suggested + "\nassume:"), encoding="utf-8")
    assert main(["derive", "net.md", "--wrt", "w_{jk}", "--notation", "matrix", "--format", "latex"]) == 0
    assert capsys.readouterr().out.strip() == r"\frac{\partial L}{\partial W_2} = h (o - t)^\top"


@pytest.mark.parametrize("wrong, message", [
    (lambda node: product_of(node.dims, [Constant(SCALAR, sympy.Integer(-1)), node]), "could not be verified"),
    (transpose, "does not read back"),  # K×J against J×K: the shapes differ
])
def test_a_wrong_matrix_form_is_never_printed(monkeypatch, capsys, wrong, message):
    """The printed form is read back and verified: a wrong one (a sign, a transpose) is an error."""
    class Wrong:
        def __init__(self, network):
            self.writer = MatrixWriter(network)

        def convert(self, expr, rows, cols):
            return wrong(self.writer.convert(expr, rows, cols))

    monkeypatch.setattr(matrix_derive, "MatrixWriter", Wrong)
    note = str(ROOT / "docs" / "examples" / "two_layer_sigmoid.md")
    assert main(["derive", note, "--wrt", "u_{jk}", "--notation", "matrix"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and err.count("\n") == 1


def test_the_api_gives_the_matrix_form_and_refuses_an_unknown_notation():
    note = ROOT / "docs" / "examples" / "logistic_regression.md"
    derived = derive(note, "w_i", notation="matrix")
    assert derived.matrix.claim_latex == r"\frac{\partial L}{\partial w} = (p - y) x"
    assert derived.matrix.claim_text == "∂L/∂w = (p - y) x"
    assert derived.claim_latex == r"\frac{\partial L}{\partial w_{i}} = \left(p - y\right) x_{i}"
    with pytest.raises(GradproofError, match="unknown notation 'tensor'"):
        derive(note, "w_i", notation="tensor")


def test_numbers_of_nested_products_go_in_front():
    """``h (-xᵀ)`` prints ``-h x^\\top``: a number left inside (``h -1 x^\\top``) would read as h - x."""
    h, x = Leaf((True, False), "h"), Leaf((False, True), "x", transposed=True)
    inner = product_of((False, True), [Constant(SCALAR, sympy.Rational(-1, 2)), x])
    outer = product_of((True, True), [h, inner])
    assert Printer(True)(outer) == r"-\frac{1}{2} h x^\top"
    assert Printer(False)(outer) == "-1/2 h xᵀ"


def test_a_vectorised_backward_pass_reads_as_the_course_writes_it(capsys):
    """Ng's two-layer network (a real-world transcription): dW^{[2]} = (A^{[2]} - y) A^{[1]T}."""
    note = str(ROOT / "tests" / "realworld" / "mathse_2827437_two_layer.md")
    assert main(["derive", note, "--wrt", "W^{[2]}_{oj}", "--notation", "matrix", "--format", "latex"]) == 0
    assert capsys.readouterr().out.strip() == \
        r"\frac{\partial L}{\partial W^{[2]}} = (A^{[2]} - y) (A^{[1]})^\top"
