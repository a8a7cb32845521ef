"""An independent float64 judge of a chain: every step at random points and several sizes.

Terms are parsed with gradproof's LaTeX front end (as ``float_reference`` does), but values
come from plain math functions and derivatives from central differences. The terms are the
ones the mutator meant to write, not the ones gradproof's note reader cut out of the display,
so a misread label or condition cannot make both sides agree by accident.
"""

from __future__ import annotations

import enum
import itertools
import math
import random
from dataclasses import dataclass
from functools import lru_cache

import sympy

from tests.float_reference import FloatModel

from . import GradproofError, NoteChecker, Options, Resolver, Span, free_indices, parse_condition, \
    parse_latex, parse_note

# Agreement: well inside finite-difference error (~1e-9 here); disagreement: far outside it.
AGREE = 1e-6
DISAGREE = 1e-3
POINTS = 2  # random leaf points per size assignment


class Truth(str, enum.Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"  # not decided: the mutant is discarded


@dataclass
class Judgement:
    truth: Truth
    reason: str = ""


def size_assignments(names: list[str]) -> list[dict[str, int]]:
    """All sizes 2, all 3, all 4, and two mixed assignments (a different size per range)."""
    mixed = [2, 3, 4, 5, 3, 2]
    rows = [[2] * len(names), [3] * len(names), [4] * len(names), mixed[:len(names)],
            list(reversed(mixed[:len(names)]))]
    unique = list(dict.fromkeys(tuple(r) for r in rows))
    return [dict(zip(names, r)) for r in unique]


@lru_cache(maxsize=64)
def context_of(prefix: str):
    """The context (claim-defined names included) of a note prefix: a block and definitions only.

    Options(claims=False) would skip ``\\delta_k = ...`` (it only reads definitions whose
    name has no backslash), so the prefix is read in full; it holds no claim to check.
    """
    checker = NoteChecker(parse_note(prefix, "<mutant>"), Options(diagnose=False))
    report = checker.run()
    if any(c.verdict.value != "definition" for c in report.claims) or not checker.contexts:
        return None
    return checker.contexts[-1]


def _close(a: float, b: float) -> bool | None:
    """True if equal, False if clearly different, None if borderline."""
    scale = max(1.0, abs(a), abs(b))
    diff = abs(a - b)
    if diff <= AGREE * scale:
        return True
    if diff > DISAGREE * scale:
        return False
    return None


def _leaves(context, sizes: dict[str, int], rng: random.Random) -> dict:
    """Leaf values forced by the assumptions (a one-hot or sum-to-one target)."""
    leaves = {}
    for a in context.assumptions:
        n = sizes[a.tensor.ranges[0]]
        if a.kind == "one-hot":
            c = rng.randrange(n)
            values = [float(m == c) for m in range(n)]
        else:
            raw = [rng.uniform(0.1, 1) for _ in range(n)]
            values = [v / sum(raw) for v in raw]
        for m in range(n):
            leaves[(a.tensor, (m,))] = values[m]
    return leaves


def evaluate(prefix: str, terms: list[str], condition: str | None, seed: int = 0) -> Judgement:
    """Is every step of ``terms[0] = terms[1] = ...`` true in the model of ``prefix``?"""
    context = context_of(prefix)
    if context is None:
        return Judgement(Truth.UNKNOWN, "context does not read")
    network = context.network
    span = Span("<mutant>", 1, 1)
    try:
        parsed = [Resolver(network, "claim", span, t).resolve(parse_latex(t, span)) for t in terms]
        cond = parse_condition(condition, network) if condition else None
    except GradproofError as err:
        return Judgement(Truth.UNKNOWN, f"parse: {err.message}")
    except Exception as exc:  # a front-end crash is gradproof's business, not a verdict here
        return Judgement(Truth.UNKNOWN, f"parse crash: {type(exc).__name__}: {exc}")
    if len(parsed) < 2:
        return Judgement(Truth.UNKNOWN, "not a chain")
    free = sorted(set().union(*(free_indices(p) for p in parsed)), key=str)
    if cond is not None and not cond.letters() <= set(free):
        return Judgement(Truth.UNKNOWN, "the condition names an index that is not free")
    names = list(dict.fromkeys(network.index_ranges.values()))
    rng = random.Random(seed)
    borderline = None
    for sizes in size_assignments(names):
        ranges = [range(sizes[network.index_ranges[str(s).rstrip("'")]]) for s in free]
        for _ in range(POINTS):
            random.seed(rng.random())  # FloatModel draws its leaves from the global generator
            model = FloatModel(network, sizes, _leaves(context, sizes, rng))
            for values in itertools.product(*ranges):
                env = {s: sympy.Integer(v) for s, v in zip(free, values)}
                if cond is not None and not cond.holds(env):
                    continue
                try:
                    vals = [model.eval(p, env) for p in parsed]
                except (ArithmeticError, ValueError) as exc:  # log of a negative, 1/0, overflow
                    return Judgement(Truth.UNKNOWN, f"domain: {type(exc).__name__}: {exc}")
                except Exception as exc:  # a construct the float model does not know
                    return Judgement(Truth.UNKNOWN, f"eval: {type(exc).__name__}: {exc}")
                if not all(math.isfinite(v) for v in vals):
                    return Judgement(Truth.UNKNOWN, "non-finite value")
                for k in range(len(vals) - 1):
                    same = _close(vals[k], vals[k + 1])
                    if same is False:
                        where = ", ".join(f"{s}={v}" for s, v in env.items())
                        return Judgement(Truth.FALSE, f"step {k + 1} differs at {sizes} {where}: "
                                                      f"{vals[k]:.9g} vs {vals[k + 1]:.9g}")
                    if same is None:
                        borderline = f"step {k + 1} borderline: {vals[k]:.12g} vs {vals[k + 1]:.12g}"
    if borderline:
        return Judgement(Truth.UNKNOWN, borderline)
    return Judgement(Truth.TRUE, "every step agrees")
