"""Every row of the elementary-function table is checked against independent references."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

from symbolic.checker import check_text
from symbolic.errors import Span
from symbolic.latex.parse import parse_latex
from symbolic.model.functions import FUNCTIONS, Opaque, function_written
from symbolic.verdicts import Verdict

ROWS = sorted(FUNCTIONS.values(), key=lambda r: r.name)
POINTS = ("-2.3", "-0.7", "0.4", "1.9")


def _real(expr, x):
    """``expr`` (rows' classes over the symbol u) at u = x with the rows' mpmath functions."""
    u = sympy.Symbol("u", real=True)
    if isinstance(expr, Opaque):
        return FUNCTIONS[expr.name].mpmath(_real(expr.args[0], x))
    if expr == u:
        return x
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol) or expr.is_number:
        return mpmath.mpf(str(sympy.N(expr, 50)))
    args = [_real(a, x) for a in expr.args]
    if isinstance(expr, sympy.Add):
        return mpmath.fsum(args)
    if isinstance(expr, sympy.Mul):
        return mpmath.fprod(args)
    if isinstance(expr, sympy.Pow):
        return args[0] ** args[1]
    raise AssertionError(f"cannot evaluate {expr}")


@pytest.mark.parametrize("row", [r for r in ROWS if r.derivative is not None], ids=lambda r: r.name)
def test_derivative_matches_a_central_difference(row):
    u = sympy.Symbol("u", real=True)
    derivative = row.derivative(row.cls(u), u)
    with mpmath.workdps(40):
        for text in POINTS:
            x = mpmath.mpf(text) if row.defined_at(mpmath.mpf(text)) else abs(mpmath.mpf(text))
            numeric = mpmath.diff(row.mpmath, x)  # central differences at high precision
            assert abs(_real(derivative, x) - numeric) < mpmath.mpf(10) ** -25, (row.name, x)


@pytest.mark.parametrize("row", [r for r in ROWS if r.form is not None], ids=lambda r: r.name)
def test_form_in_exp_log_erf_is_the_function(row):
    u = sympy.Symbol("u", real=True)
    with mpmath.workdps(40):
        for text in POINTS:
            x = mpmath.mpf(text)
            assert abs(_real(row.form(u), x) - row.mpmath(x)) < mpmath.mpf(10) ** -30, (row.name, x)


@pytest.mark.parametrize("row", [r for r in ROWS if r.reflect is not None], ids=lambda r: r.name)
def test_reflection_and_value_at_zero(row):
    with mpmath.workdps(40):
        for text in POINTS:
            x = abs(mpmath.mpf(text))
            reflected = row.reflect(sympy.Float(str(row.mpmath(x)), 45), sympy.Float(str(x), 45))
            assert abs(mpmath.mpf(str(sympy.N(reflected, 45))) - row.mpmath(-x)) < mpmath.mpf(10) ** -30
        if row.at_zero is not None:
            assert abs(_real(row.at_zero, mpmath.mpf(0)) - row.mpmath(mpmath.mpf(0))) < mpmath.mpf(10) ** -30


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_numpy_form_agrees_with_mpmath(row):
    from scipy.special import erf as _erf
    xs = np.array([float(t) for t in POINTS] + [-30.0, 30.0])
    if row.domain.inf == 0:
        xs = np.abs(xs)
    values = eval(row.numpy.format(u="xs"), {"np": np, "_erf": _erf, "xs": xs})
    expected = np.array([float(row.mpmath(mpmath.mpf(x))) for x in xs])
    np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_range_facts_hold(row):
    for text in POINTS + ("-20", "20"):
        x = mpmath.mpf(text)
        if not row.defined_at(x):
            continue
        value = row.mpmath(x)
        if row.positive:
            assert value > 0
        if row.nonnegative:
            assert value >= 0
        if row.image.sup.is_finite:
            assert value <= float(row.image.sup)


SPELLINGS = [(row, spelling) for row in ROWS for spelling in row.spellings]


@pytest.mark.parametrize("row, spelling", SPELLINGS, ids=[s for _r, s in SPELLINGS])
def test_every_spelling_parses_to_its_function(row, spelling):
    for argument in ("x", "x + y^2"):
        raw = parse_latex(rf"{spelling}({argument})", Span("t", 1, 1)).expr
        calls = [node for node in sympy.preorder_traversal(raw)
                 if isinstance(node, sympy.Function) and not isinstance(node, sympy.Pow)]
        assert calls, (spelling, raw)
        name = getattr(calls[0].func, "__name__", str(calls[0].func))
        if isinstance(calls[0], (sympy.exp, sympy.log)):
            name = type(calls[0]).__name__
        assert function_written(name) is row, (spelling, name)


def test_every_row_is_reachable_and_named_once():
    assert len({r.name for r in ROWS}) == len(ROWS)
    written = [s for r in ROWS for s in r.spellings]
    assert len(written) == len(set(written))


def _scalar_note(define: str, claim: str) -> str:
    return ("```derivation\nindices: {}\ndefine: |\n  " + define + "\nloss: s\n```\n\n"
            f"$${claim} \\tag{{c}}$$\n")


@pytest.mark.parametrize("define, claim, verdicts", [
    # relations between functions, decided through their exp/log/erf forms
    (r"s = \log(1 + e^{x})", r"\frac{ds}{dx} = \sigma(x)", {Verdict.VERIFIED, Verdict.PROVED}),
    (r"s = \operatorname{softplus}(x)", r"s = \log(1 + e^{x})", {Verdict.VERIFIED, Verdict.PROVED}),
    (r"s = \operatorname{swish}(x)", r"s = x \sigma(x)", {Verdict.VERIFIED, Verdict.PROVED}),
    (r"s = \operatorname{GELU}(x)", r"s = x \Phi(x)", {Verdict.VERIFIED, Verdict.PROVED}),
    (r"s = \sigma(x)", r"s = \frac{1 + \tanh(x/2)}{2}", {Verdict.VERIFIED, Verdict.PROVED}),
    (r"s = \Phi(x)", r"s = \frac{1 + \operatorname{erf}(x/\sqrt{2})}{2}", {Verdict.VERIFIED, Verdict.PROVED}),
    (r"s = \operatorname{GELU}(x)", r"\frac{ds}{dx} = \Phi(x) + \frac{x e^{-x^2/2}}{\sqrt{2\pi}}",
     {Verdict.VERIFIED, Verdict.PROVED}),
    # near misses are refuted, never verified
    (r"s = \log(1 + e^{x})", r"\frac{ds}{dx} = \sigma(2x)", {Verdict.REFUTED}),
    (r"s = \operatorname{swish}(x)", r"s = x \sigma(-x)", {Verdict.REFUTED}),
    (r"s = \operatorname{GELU}(x)", r"s = x \sigma(x)", {Verdict.REFUTED}),
    (r"s = \sigma(x)", r"s = \frac{1 + \tanh(x)}{2}", {Verdict.REFUTED}),
    (r"s = \operatorname{softsign}(x)", r"s = \tanh(x)", {Verdict.REFUTED}),
])
def test_relations_between_functions(define, claim, verdicts):
    [result] = check_text(_scalar_note(define, claim), "note.md").claims
    assert result.verdict in verdicts, result.message
    if result.verdict == Verdict.REFUTED:
        cex = result.steps[0].counterexample
        assert float(cex.lhs) != pytest.approx(float(cex.rhs), rel=1e-6)


def test_compiled_network_with_new_activations_passes_gradcheck(tmp_path, capsys):
    from symbolic.cli import main

    note = tmp_path / "activations.md"
    note.write_text("```derivation\nindices: {i: I, j: J, k: K}\ndefine: |\n"
                    "  z_j = \\sum_i w_{ij} x_i + b_j\n  h_j = \\operatorname{GELU}(z_j)\n"
                    "  g_j = \\operatorname{swish}(h_j) + \\operatorname{softplus}(z_j) "
                    "+ \\operatorname{softsign}(z_j)\n"
                    "  a_k = \\sum_j v_{jk} g_j\n  L = \\frac{1}{2} \\sum_k (a_k - t_k)^2\n```\n")
    code = main(["gradcheck", str(note)])
    out = capsys.readouterr().out
    assert code == 0, out
