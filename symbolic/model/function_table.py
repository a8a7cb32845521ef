"""The elementary functions gradproof knows: one row each.

Adding a function is adding a row here (and a line in docs/format.md). A row's
fields are described on :class:`symbolic.model.elementary.ElementaryFunction`.
Derivatives and forms may use any row's class; forms must bottom out in the
primitives exp, log, erf and abs, whose ``form`` is None. Every identity here
must hold for every real argument in the domain: the exact engine relies on
them to prove claims.
"""

from __future__ import annotations

import mpmath
import sympy

from .elementary import ElementaryFunction, opaque_class

Exp = opaque_class("exp", "Exp")
Log = opaque_class("log", "Log")
Erf = opaque_class("erf", "Erf")
AbsValue = opaque_class("abs", "AbsValue")
Tanh = opaque_class("tanh", "Tanh")
Sigmoid = opaque_class("sigmoid", "Sigmoid")
NormalCdf = opaque_class("normcdf", "NormalCdf")
Softplus = opaque_class("softplus", "Softplus")
Softsign = opaque_class("softsign", "Softsign")
Swish = opaque_class("swish", "Swish")
Gelu = opaque_class("gelu", "Gelu")
Sinh = opaque_class("sinh", "Sinh")
Cosh = opaque_class("cosh", "Cosh")
Sech = opaque_class("sech", "Sech")
Relu = opaque_class("relu", "Relu")
Step = opaque_class("step", "Step")
Sign = opaque_class("sign", "Sign")
IsZero = opaque_class("iszero", "IsZero")

_HALF = sympy.Rational(1, 2)
_UNIT = sympy.Interval.open(-1, 1)
_PROBABILITY = sympy.Interval.open(0, 1)
_POSITIVE = sympy.Interval.open(0, sympy.oo)
_SQRT2 = sympy.sqrt(2)
_AT_LEAST_ONE = sympy.Interval(1, sympy.oo)
_UP_TO_ONE = sympy.Interval.Lopen(0, 1)


def _is_zero(x):
    """1 where x is 0 up to the rounding of the working precision (the two sides of an
    equality computed along different paths), else 0."""
    return mpmath.mpf(1) if abs(x) <= mpmath.mpf(2) ** (-(mpmath.mp.prec // 2)) else mpmath.mpf(0)


def _gaussian(u):
    """The standard normal density φ(u) = e^{−u²/2}/√(2π)."""
    return Exp(-u**2 / 2) / sympy.sqrt(2 * sympy.pi)


def _ops(*names: str) -> tuple[str, ...]:
    """The usual operator-name spellings of each name."""
    return tuple(rf"\{wrapper}{{{name}}}" for name in names
                 for wrapper in ("operatorname", "mathrm", "text"))


ROWS: tuple[ElementaryFunction, ...] = (
    ElementaryFunction(
        "exp", Exp, (r"\exp",), r"\exp",
        derivative=lambda f, u: f, form=None,
        mpmath=mpmath.exp, numpy="np.exp({u})",
        image=_POSITIVE, reflect=lambda f, v: 1 / f, at_zero=sympy.Integer(1), printed="power"),
    ElementaryFunction(
        "log", Log, (r"\log", r"\ln"), r"\log",
        derivative=lambda f, u: 1 / u, form=None,
        mpmath=mpmath.log, numpy="np.log({u})", domain=_POSITIVE),
    ElementaryFunction(
        "erf", Erf, _ops("erf"), r"\operatorname{erf}",
        derivative=lambda f, u: 2 * Exp(-u**2) / sympy.sqrt(sympy.pi), form=None,
        mpmath=mpmath.erf, numpy="_erf({u})",
        image=_UNIT, reflect=lambda f, v: -f, at_zero=sympy.Integer(0)),
    ElementaryFunction(  # never written by authors (|x| is rejected); softsign needs it
        "abs", AbsValue, (), r"\operatorname{abs}",
        derivative=lambda f, u: u / f, form=None,  # sign(u), for u != 0
        mpmath=mpmath.fabs, numpy="np.abs({u})",
        image=sympy.Interval(0, sympy.oo), reflect=lambda f, v: f, at_zero=sympy.Integer(0),
        printed="bars", piecewise=lambda u, positive: u if positive else -u),
    ElementaryFunction(  # max(0, u); its derivative is the step, everywhere but at 0
        "relu", Relu, _ops("ReLU", "relu"), r"\operatorname{ReLU}",
        derivative=lambda f, u: Step(u), form=None,
        mpmath=lambda x: x if x > 0 else mpmath.mpf(0), numpy="np.maximum({u}, 0.0)",
        image=sympy.Interval(0, sympy.oo), at_zero=sympy.Integer(0),
        piecewise=lambda u, positive: u if positive else sympy.Integer(0)),
    ElementaryFunction(  # the unit step 1[u > 0] (Heaviside), taken as 0 at u = 0 as ReLU' is
        "step", Step, _ops("step"), r"\mathbb{1}",
        derivative=lambda f, u: sympy.Integer(0), form=None,
        mpmath=lambda x: mpmath.mpf(1) if x > 0 else mpmath.mpf(0),
        numpy="np.heaviside({u}, 0.0)",
        image=sympy.Interval(0, 1), at_zero=sympy.Integer(0), printed="indicator",
        piecewise=lambda u, positive: sympy.Integer(1 if positive else 0)),
    ElementaryFunction(  # sign(u) = ±1 (0 at 0); its derivative is 0 everywhere but at 0
        "sign", Sign, _ops("sign", "sgn") + (r"\sgn",), r"\operatorname{sign}",
        derivative=lambda f, u: sympy.Integer(0), form=None,
        mpmath=lambda x: mpmath.mpf(mpmath.sign(x)), numpy="np.sign({u})",
        image=sympy.Interval(-1, 1), reflect=lambda f, v: -f, at_zero=sympy.Integer(0),
        piecewise=lambda u, positive: sympy.Integer(1 if positive else -1)),
    ElementaryFunction(  # 1[u = 0]: the mask 1[x_k = y_i] of a max; 0 almost everywhere
        "iszero", IsZero, _ops("iszero"), r"\operatorname{iszero}",
        derivative=lambda f, u: sympy.Integer(0), form=None,
        mpmath=_is_zero, numpy="np.where(np.abs({u}) <= 1e-12, 1.0, 0.0)",
        image=sympy.Interval(0, 1), reflect=lambda f, v: f, at_zero=sympy.Integer(1),
        piecewise=lambda u, positive: sympy.Integer(0)),
    ElementaryFunction(
        "tanh", Tanh, (r"\tanh",) + _ops("tanh"), r"\tanh",
        derivative=lambda f, u: 1 - f**2,
        form=lambda u: (Exp(2 * u) - 1) / (Exp(2 * u) + 1),
        mpmath=mpmath.tanh, numpy="np.tanh({u})",
        image=_UNIT, reflect=lambda f, v: -f, at_zero=sympy.Integer(0), swap_with="sigmoid"),
    ElementaryFunction(
        "sigmoid", Sigmoid, (r"\sigma",) + _ops("sigmoid", "sigm", "sigma"), r"\sigma",
        derivative=lambda f, u: f * (1 - f),
        form=lambda u: 1 / (1 + Exp(-u)),
        mpmath=lambda x: 1 / (1 + mpmath.exp(-x)), numpy="(0.5 + 0.5 * np.tanh(0.5 * {u}))",
        image=_PROBABILITY, reflect=lambda f, v: 1 - f, at_zero=_HALF, swap_with="tanh"),
    ElementaryFunction(
        "normcdf", NormalCdf, (r"\Phi",), r"\Phi",
        derivative=lambda f, u: _gaussian(u),
        form=lambda u: (1 + Erf(u / _SQRT2)) / 2,
        mpmath=mpmath.ncdf, numpy="(0.5 + 0.5 * _erf(0.7071067811865476 * {u}))",
        image=_PROBABILITY, reflect=lambda f, v: 1 - f, at_zero=_HALF),
    ElementaryFunction(
        "softplus", Softplus, _ops("softplus"), r"\operatorname{softplus}",
        derivative=lambda f, u: Sigmoid(u),
        form=lambda u: Log(1 + Exp(u)),
        mpmath=lambda x: mpmath.log1p(mpmath.exp(x)), numpy="np.logaddexp(0.0, {u})",
        image=_POSITIVE, reflect=lambda f, v: f - v, at_zero=Log(2)),
    ElementaryFunction(
        "softsign", Softsign, _ops("softsign"), r"\operatorname{softsign}",
        derivative=lambda f, u: 1 / (1 + AbsValue(u))**2,
        form=lambda u: u / (1 + AbsValue(u)),
        mpmath=lambda x: x / (1 + abs(x)), numpy="({u} / (1.0 + np.abs({u})))",
        image=_UNIT, reflect=lambda f, v: -f, at_zero=sympy.Integer(0)),
    ElementaryFunction(
        "swish", Swish, _ops("swish", "SiLU", "silu"), r"\operatorname{swish}",
        derivative=lambda f, u: Sigmoid(u) + f * (1 - Sigmoid(u)),
        form=lambda u: u * Sigmoid(u),
        mpmath=lambda x: x / (1 + mpmath.exp(-x)), numpy="({u} * (0.5 + 0.5 * np.tanh(0.5 * {u})))",
        reflect=lambda f, v: f - v, at_zero=sympy.Integer(0)),
    ElementaryFunction(
        "gelu", Gelu, _ops("GELU", "gelu"), r"\operatorname{GELU}",
        derivative=lambda f, u: NormalCdf(u) + u * _gaussian(u),
        form=lambda u: u * NormalCdf(u),
        mpmath=lambda x: x * mpmath.ncdf(x),
        numpy="({u} * (0.5 + 0.5 * _erf(0.7071067811865476 * {u})))",
        reflect=lambda f, v: f - v, at_zero=sympy.Integer(0)),
    ElementaryFunction(
        "sinh", Sinh, (r"\sinh",) + _ops("sinh"), r"\sinh",
        derivative=lambda f, u: Cosh(u),
        form=lambda u: (Exp(u) - Exp(-u)) / 2,
        mpmath=mpmath.sinh, numpy="np.sinh({u})",
        reflect=lambda f, v: -f, at_zero=sympy.Integer(0)),
    ElementaryFunction(
        "cosh", Cosh, (r"\cosh",) + _ops("cosh"), r"\cosh",
        derivative=lambda f, u: Sinh(u),
        form=lambda u: (Exp(u) + Exp(-u)) / 2,
        mpmath=mpmath.cosh, numpy="np.cosh({u})",
        image=_AT_LEAST_ONE, reflect=lambda f, v: f, at_zero=sympy.Integer(1)),
    ElementaryFunction(
        "sech", Sech, (r"\sech",) + _ops("sech"), r"\operatorname{sech}",
        derivative=lambda f, u: -f * Tanh(u),
        form=lambda u: 2 / (Exp(u) + Exp(-u)),
        mpmath=mpmath.sech, numpy="(1.0 / np.cosh({u}))",
        image=_UP_TO_ONE, reflect=lambda f, v: f, at_zero=sympy.Integer(1)),
)

# Functions gradproof does not take as written, with how to write them instead.
UNSUPPORTED_HINTS = {
    "softmax": r"write o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}",
}
