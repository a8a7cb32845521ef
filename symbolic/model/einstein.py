"""Einstein's summation convention, opted into with ``summation: einstein`` in the block.

In a product an index letter written twice is summed over its range (``V_{lm} h_m`` is
``\\sum_m V_{lm} h_m``); written once it is free; three or more times is an error at the term,
never a guess. Superscript indices are read as indices in that mode: ``V^{jb}`` is ``V_{jb}``
and ``\\delta^j_m`` is ``\\delta_{jm}`` (upper indices first). The convention applies to each
term of a sum, and to the expression differentiated inside a derivative; an index bound by a
written ``\\sum`` is not counted. A power of an indexed quantity (``x_i^2``, and ``V_{lm} V_{lm}``,
which the parser writes as one) is an error: one entry squared, or a sum? A power of a function
of an entry (``\\tanh^2(p_k)``) squares that entry's value. ``summation: einstein except t``
keeps letters out of the convention: a time step written in every factor of a BPTT product is
one step, never a sum.
"""

from __future__ import annotations

import re
from collections import Counter

import sympy

from ..errors import ModelError, NotationError, Span
from .mentions import Grad
from .tensors import Network

MODES = ("explicit", "einstein")
_HEAD = r"(?<![\\A-Za-z])((?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?)"


class Convention(str):
    """A summation convention's name, with the letters it never sums (``einstein except t``)."""

    unsummed: frozenset[str] = frozenset()


def read_summation(data: dict, span: Span) -> str:
    """The block's ``summation:`` (``explicit`` unless it says ``einstein``); ``einstein except t``
    keeps the letters after ``except`` out of the convention: a time step written in every
    factor (``\\frac{\\partial h_{t,m}}{\\partial p_{t,k}} \\frac{\\partial p_{t,k}}{\\partial W_{ij}}``) is
    one step, not a sum.

    Raises:
        ModelError: any other value.
    """
    written = str(data.get("summation", "explicit")).strip()
    mode, _, rest = written.lower().partition(" except ")
    letters = [x.strip() for x in written.partition(" except ")[2].split(",")] if rest else []
    if mode.strip() not in MODES or (rest and mode.strip() != "einstein") \
            or not all(re.fullmatch(r"[A-Za-z]", x) for x in letters):
        raise ModelError(f"summation: {data.get('summation')} is not a summation convention", span,
                         "write summation: einstein (a repeated index is summed), summation: "
                         "einstein except t (t never summed), or leave it out")
    convention = Convention(mode.strip())
    convention.unsummed = frozenset(letters)
    return convention


def superscript_indices(text: str, letters: set[str]) -> str:
    """``V^{jb}`` as ``V_{jb}`` and ``\\delta^j_m`` as ``\\delta_{jm}``: a superscript made of index
    letters only (each with optional primes), or one letter with an offset (``T^{t-1}_{li}`` is
    ``T_{t-1,l,i}``), on a name, upper indices first. Powers (``x^2``),
    ``e^{…}`` and anything else are left as written."""
    if not letters:
        return text
    one = "(?:" + "|".join(re.escape(x) for x in sorted(letters)) + ")'*"
    pattern = re.compile(_HEAD + rf"\s*\^\s*(\{{\s*(?:{one}\s*)+\}}|\{{\s*{one}\s*[+-]\s*\d+\s*\}}|{one})"
                         r"(\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?")

    def swap(m: re.Match) -> str:
        head, sup, after = m.group(1), m.group(2).strip("{} "), m.group(3)
        if "_" in head:  # z_j^{k}: the lower indices were written first
            name, lower = head.split("_", 1)
            lower = lower.strip().strip("{}")
            if after:
                return m.group(0)  # x_i^j_k: not read, left to the superscript rules
        else:
            name, lower = head, (after.split("_", 1)[1].strip().strip("{}") if after else "")
        if name.strip() in ("e", "\\exp"):
            return m.group(0)
        sup = re.sub(r"\s+", "", sup)
        if re.search(r"[+-]", sup):  # T^{t-1}_{li}: a step back, one position of its own
            rest = lower if "," in lower or not lower else ",".join(re.findall(r"[A-Za-z]'*", lower))
            return f"{name.strip()}_{{{sup}{',' + rest if rest else ''}}}"
        return f"{name.strip()}_{{{sup}{lower}}}"

    return pattern.sub(swap, text)


def einstein_sums(expr, network: Network, span: Span, convention: str = "einstein"):
    """``expr`` with every index written twice in a product summed over its range, except the
    letters the convention keeps out of it (``einstein except t``).

    Raises:
        NotationError: an index written three or more times in one product.
    """
    unsummed = getattr(convention, "unsummed", frozenset())
    return _walk(expr, network, span, frozenset(unsummed))[0]


def _counted(indices, skip: frozenset) -> list[sympy.Symbol]:
    """The index letters the convention counts among ``indices``: not those it keeps out (letters in
    ``skip``), nor the index symbols a written sum around them binds (symbols in ``skip``)."""
    return [i for i in indices if isinstance(i, sympy.Symbol) and i not in skip
            and i.name.rstrip("'") not in skip]


def _walk(expr, network: Network, span: Span, skip: frozenset = frozenset()) -> tuple[object, Counter]:
    if isinstance(expr, sympy.Indexed):
        return expr, Counter(_counted(expr.indices, skip))
    if isinstance(expr, sympy.KroneckerDelta):
        return expr, Counter(_counted(expr.args, skip))
    if isinstance(expr, (sympy.Symbol, sympy.Number)) or not getattr(expr, "args", ()):
        return expr, Counter()
    if isinstance(expr, sympy.Sum):  # \sum_l T_{ml} W_{li}: the written sum is the only sum over l
        bound = frozenset(limit[0] for limit in expr.limits)
        body, counts = _walk(expr.function, network, span, skip | bound)
        return sympy.Sum(body, *expr.limits), counts
    if isinstance(expr, Grad):
        of, counts = _walk(expr.args[0], network, span, skip)
        counts = Counter({i: 1 for i in counts})
        wrt = expr.args[1]
        if isinstance(wrt, sympy.Indexed):
            shared = sorted(str(i) for i in wrt.indices if i in counts)
            if shared:  # ∂p_l/∂q_l: one entry's derivative, or their sum (a divergence)?
                raise NotationError(f"a derivative whose two sides share the index {shared[0]} is "
                                    "ambiguous under the summation convention", span,
                                    "use another letter for one side, with a Kronecker delta if "
                                    "you mean one entry")
            counts.update(_counted(wrt.indices, skip))
        return Grad(of, wrt), counts
    if isinstance(expr, sympy.Add):
        terms = [_walk(a, network, span, skip) for a in expr.args]
        shapes = {frozenset(c) for _term, c in terms if c}
        if len(shapes) > 1:  # a_i + b_j: which index would a factor outside sum over?
            shown = " and ".join(sorted(", ".join(sorted(map(str, s))) for s in shapes))
            raise NotationError(f"the terms of a sum have different free indices ({shown}) under the "
                                "summation convention", span,
                                "give every term the same free indices, or write the sums out")
        counts = Counter()
        for _term, c in terms:
            for index, n in c.items():
                counts[index] = max(counts[index], n)
        return sympy.Add(*(t for t, _c in terms)), counts
    if isinstance(expr, sympy.Mul):
        factors = [_walk(a, network, span, skip) for a in expr.args]
        counts = Counter()
        for _factor, c in factors:
            counts.update(c)
        body = sympy.Mul(*(f for f, _c in factors))
        return _sum_repeated(body, counts, network, span)
    if isinstance(expr, sympy.Pow):
        base, counts = _walk(expr.base, network, span, skip)
        exponent, more = _walk(expr.exp, network, span, skip)
        # \tanh^2(p_k) squares one entry's value; x_k^2 and V_{lm} V_{lm} could be sums
        called = isinstance(expr.base, sympy.Function) and not isinstance(expr.base, Grad)
        if counts and expr.exp.is_integer and abs(expr.exp) >= 2 and not called:
            shown = sorted(map(str, counts))[0]
            raise NotationError(f"a power of a quantity with the index {shown} is ambiguous under the "
                                "summation convention: the square of one entry, or a product that "
                                f"repeats {shown} (summed)", span,
                                "for the sum write it out with \\sum; the square of one entry is "
                                "not read under summation: einstein")
        return sympy.Pow(base, exponent), counts + more
    parts = [_walk(a, network, span, skip) for a in expr.args]
    counts = Counter()
    for _part, c in parts:
        counts.update(c)
    return expr.func(*(p for p, _c in parts)), counts


def _sum_repeated(body, counts: Counter, network: Network, span: Span) -> tuple[object, Counter]:
    thrice = sorted(str(i) for i, n in counts.items() if n > 2)
    if thrice:
        raise NotationError(f"the index {thrice[0]} is written {counts[sympy.Symbol(thrice[0], integer=True)]} "
                            "times in one product: the summation convention sums an index written "
                            "twice", span, rf"write the sum out, e.g. \sum_{{{thrice[0]}}}, and use "
                                           "another letter for the other occurrences")
    repeated = sorted((i for i, n in counts.items() if n == 2), key=str)
    if not repeated:
        return body, counts
    limits = [(i, 0, network.size_symbol(str(i)) - 1) for i in repeated]
    return sympy.Sum(body, *limits), Counter({i: n for i, n in counts.items() if n == 1})
