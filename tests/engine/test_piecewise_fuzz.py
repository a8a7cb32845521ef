"""Piecewise verdicts against an independent float evaluator: never a wrong verdict.

Random expressions in z_j (a pre-activation of the model) built from ReLU, the step, |u|,
max and min are written both as LaTeX and as a Python function. Each claim ``A = B`` is
either a known identity between two spellings or two unrelated random expressions. A claim
gradproof proves or verifies must agree in floats at every sampled point away from the
kinks; a claim it refutes must disagree somewhere. Undecided and errors are allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbolic import Options, Verdict, check_text

MODEL = r"""```derivation
indices: {i: I, j: J}
define: |
  z_j = \sum_i w_{ji} x_i + b_j
  L = \sum_j z_j
loss: L
```

"""


@dataclass(frozen=True)
class Piece:
    latex: str
    value: Callable[[np.ndarray], np.ndarray]
    kinks: tuple[Callable[[np.ndarray], np.ndarray], ...] = ()  # arguments of piecewise functions


def relu(u):
    return np.maximum(u, 0.0)


def leaf(draw) -> Piece:
    choice = draw(st.sampled_from(["z", "2", "-1", "half"]))
    if choice == "z":
        return Piece("z_j", lambda z: z)
    if choice == "half":
        return Piece(r"\frac{1}{2}", lambda z: 0.5 + 0 * z)
    number = float(choice)
    return Piece(choice if number > 0 else f"({choice})", lambda z, n=number: n + 0 * z)


@st.composite
def pieces(draw, depth: int = 3) -> Piece:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return leaf(draw)
    kind = draw(st.sampled_from(["add", "mul", "relu", "step", "abs", "max", "min", "pos"]))
    a = draw(pieces(depth - 1))
    if kind in ("add", "mul", "max", "min"):
        b = draw(pieces(depth - 1))
        kinks = a.kinks + b.kinks
        if kind == "add":
            return Piece(f"({a.latex} + {b.latex})", lambda z: a.value(z) + b.value(z), kinks)
        if kind == "mul":
            return Piece(f"({a.latex}) ({b.latex})", lambda z: a.value(z) * b.value(z), kinks)
        gap = (lambda z: a.value(z) - b.value(z),)
        if kind == "max":
            return Piece(rf"\max({a.latex}, {b.latex})", lambda z: np.maximum(a.value(z), b.value(z)),
                         kinks + gap)
        return Piece(rf"\min({a.latex}, {b.latex})", lambda z: np.minimum(a.value(z), b.value(z)),
                     kinks + gap)
    kinks = a.kinks + (a.value,)
    if kind == "relu":
        return Piece(rf"\operatorname{{ReLU}}({a.latex})", lambda z: relu(a.value(z)), kinks)
    if kind == "pos":
        return Piece(rf"\left({a.latex}\right)_+", lambda z: relu(a.value(z)), kinks)
    if kind == "step":
        return Piece(rf"\mathbb{{1}}[{a.latex} > 0]", lambda z: (a.value(z) > 0).astype(float), kinks)
    return Piece(rf"\left|{a.latex}\right|", lambda z: np.abs(a.value(z)), kinks)


IDENTITIES = [  # (left, right) as functions of a Piece: equal for every p, even one that is
    # 0 on a whole region (so not 1[p > 0] + 1[p < 0] = 1, false where p = ReLU(z) and z < 0)
    (lambda p: rf"\max(0, {p.latex})", lambda p: rf"{p.latex} \mathbb{{1}}[{p.latex} > 0]"),
    (lambda p: rf"\left|{p.latex}\right|", lambda p: rf"\max({p.latex}, -{p.latex})"),
    (lambda p: rf"\max(0, {p.latex}) + \min(0, {p.latex})", lambda p: p.latex),
    (lambda p: rf"\operatorname{{ReLU}}({p.latex}) - \operatorname{{ReLU}}(-{p.latex})",
     lambda p: p.latex),
]


def floats_agree(left: Piece, right: Piece) -> bool | None:
    """True if both sides agree at all sampled z away from kinks, False if they differ at one,
    None if no sample was away from the kinks."""
    z = np.random.default_rng(3).uniform(-6, 6, 4000)
    away = np.ones_like(z, dtype=bool)
    for kink in left.kinks + right.kinks:  # near a kink: the argument's sign changes close by
        classes = [np.where(np.abs(v) < 1e-12, 0, np.sign(v)) for v in (kink(z - 1e-4), kink(z), kink(z + 1e-4))]
        away &= (classes[0] == classes[1]) & (classes[1] == classes[2])
    if not away.any():
        return None
    return bool(np.allclose(left.value(z)[away], right.value(z)[away], rtol=1e-9, atol=1e-9))


def verdict_of(left: str, right: str):
    report = check_text(MODEL + f"$$ {left} = {right} \\tag{{c}}$$\n", "fuzz.md",
                        Options(timeout=20, diagnose=False))
    [claim] = report.claims
    return claim


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces(), pieces())
def test_random_piecewise_claims_never_get_a_wrong_verdict(left, right):
    claim = verdict_of(left.latex, right.latex)
    truth = floats_agree(left, right)
    if claim.verdict.holds:
        assert truth is not False, (left.latex, right.latex, claim.message)
    elif claim.verdict == Verdict.REFUTED:
        assert truth is not True, (left.latex, right.latex, claim.message)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces(depth=2), st.sampled_from(IDENTITIES))
def test_identities_between_spellings_hold(piece, identity):
    left, right = identity[0](piece), identity[1](piece)
    claim = verdict_of(left, right)
    assert claim.verdict.holds or claim.verdict in (Verdict.UNDECIDED, Verdict.ERROR), \
        (left, right, claim.message)
    assert claim.verdict != Verdict.REFUTED
