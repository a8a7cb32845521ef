"""Piecewise functions at concrete sizes: a step is checked on every sign region.

ReLU, the unit step (ReLU's derivative almost everywhere), |u| and their kin are
smooth wherever the signs of their arguments are fixed. At one size assignment the
arguments of the piecewise atoms in a step (``z_1``, ``z_2``, … as expressions in the
leaves) split the leaf space into sign regions; on each region every piecewise atom
is one of its branches (``relu(u) = u`` where u > 0, ``0`` where u < 0), so both
sides become rational functions of leaves and smooth atoms again and the ordinary
exact zero test applies. A step holds when its difference is zero on every region
(the sign patterns are enumerated, so regions that cannot occur are covered too); it
is refuted only at a point drawn inside a region where the two sides, computed with
the real functions, differ. Kinks (an argument exactly 0) are a set of measure zero:
the verdict says the step holds except there.
"""

from __future__ import annotations

import functools
import re

from dataclasses import dataclass
from typing import Callable

import sympy

from ..model.functions import FUNCTIONS
from ..settings import MAX_SIGN_REGIONS, RANDOM_SEED, REGION_DRAWS
from .concrete import Concrete
from .exact import Undefined, leaf_draw, real_value

Signs = dict  # argument -> True where it is > 0, False where < 0, None where it is 0
SIGN_BLIND = frozenset({"iszero"})  # piecewise functions with one branch on both sides of 0

KINK_NOTE = ("holds on every sign region of the piecewise functions (not at their kinks, where an argument "
             "is 0: for a max, where two of its entries tie)")


def is_piecewise(function: str) -> bool:
    return FUNCTIONS[function].piecewise is not None


@functools.lru_cache(maxsize=4096)  # asked for every atom on every region
def _oriented(argument: sympy.Expr) -> tuple[sympy.Expr, bool]:
    """The argument up to a constant factor, and whether that factor is negative: ``-z``,
    ``z/2`` and ``z`` share their sign regions."""
    content, primitive = argument.as_content_primitive()
    if content.is_Number and content < 0:
        primitive, content = -primitive, -content
    if primitive.could_extract_minus_sign():
        return -primitive, True
    return primitive, False


def piecewise_arguments(concrete: Concrete, expr: sympy.Expr) -> list[sympy.Expr]:
    """The distinct arguments of the piecewise atoms in ``expr``, inside other atoms too."""
    if not any(is_piecewise(atom.function) for atom in concrete.atoms.values()):
        return []  # the common case, without walking the expression
    found: dict[sympy.Expr, None] = {}
    seen: set = set()

    def visit(e: sympy.Expr) -> None:
        for symbol in sorted(e.free_symbols, key=str):
            atom = concrete.atoms.get(symbol)
            if atom is None or symbol in seen:
                continue
            seen.add(symbol)
            visit(atom.argument)
            if is_piecewise(atom.function):
                found.setdefault(_oriented(atom.argument)[0])

    visit(expr)
    return list(found)


def on_region(concrete: Concrete, expr: sympy.Expr, signs: Signs, memo: dict) -> sympy.Expr:
    """``expr`` on one sign region: each piecewise atom replaced by its branch there (its
    value at 0 where its argument is identically 0 on the region), and each other atom whose
    argument changed lowered again."""
    subs = {}
    for symbol in expr.free_symbols:
        atom = concrete.atoms.get(symbol)
        if atom is None:
            continue
        if symbol not in memo:
            argument = on_region(concrete, atom.argument, signs, memo)
            rule = FUNCTIONS[atom.function]
            if is_piecewise(atom.function):
                key, negated = _oriented(atom.argument)
                sign = signs[key]
                branch = rule.at_zero if sign is None else rule.piecewise(argument, sign != negated)
                memo[symbol] = concrete.lower(branch)
            elif argument != atom.argument:
                memo[symbol] = concrete.atom(atom.function, argument)
            else:
                memo[symbol] = symbol
        if memo[symbol] != symbol:
            subs[symbol] = memo[symbol]
    return expr.xreplace(subs) if subs else expr


@dataclass
class RegionCheck:
    """The regions of one instance on which the difference is not the zero function."""

    arguments: list[sympy.Expr]
    failing: list[Signs]
    too_many: bool = False


def sign_blind(concrete: Concrete) -> set:
    """The arguments whose every piecewise function has one branch on both sides of 0 (the
    mask 1[u = 0] is 0 wherever u is not identically 0): their sign splits nothing."""
    blind, seeing = set(), set()
    for atom in concrete.atoms.values():
        if is_piecewise(atom.function):
            key = _oriented(atom.argument)[0]
            (blind if atom.function in SIGN_BLIND else seeing).add(key)
    return blind - seeing


def sign_regions(concrete: Concrete, arguments: list[sympy.Expr]):
    """Every sign pattern of ``arguments`` (inner ones first): an argument that is a number on
    the region its inner arguments fix (``relu(z)`` where z < 0) gets that number's sign, or
    None for 0, instead of two branches; a sign-blind argument gets one (arbitrary) sign."""
    signs: Signs = {}
    decided: dict = {}  # an argument's form on the region so far (up to a factor) -> its sign
    blind = sign_blind(concrete)

    def extend(position: int):
        if position == len(arguments):
            yield dict(signs)
            return
        argument = arguments[position]
        resolved = on_region(concrete, argument, signs, {})
        key, negated = (None, False) if resolved.is_number else _oriented(resolved)
        if resolved.is_number:
            choices = ((resolved > 0) if resolved != 0 else None,)
        elif key in decided:  # relu(z) where z > 0 has the sign of z
            choices = (decided[key] != negated,)
        elif argument in blind:  # nothing to decide, and nothing to pass on to other arguments
            choices = (True,)
        else:
            choices = (True, False)
        fresh = key is not None and key not in decided and argument not in blind
        for choice in choices:
            signs[argument] = None if choice is None else bool(choice)
            if fresh:
                decided[key] = bool(choice) != negated
            yield from extend(position + 1)
        del signs[argument]
        if fresh:
            del decided[key]

    yield from extend(0)


def check_regions(concrete: Concrete, difference: sympy.Expr,
                  zero: Callable[[sympy.Expr], bool]) -> RegionCheck | None:
    """None when ``difference`` has no piecewise atom; else the regions where it is not zero."""
    arguments = piecewise_arguments(concrete, difference)
    if not arguments:
        return None
    failing = []
    for count, signs in enumerate(sign_regions(concrete, arguments), 1):
        if count > MAX_SIGN_REGIONS:
            return RegionCheck(arguments, [], too_many=True)
        if not zero(on_region(concrete, difference, signs, {})):
            failing.append(signs)
    return RegionCheck(arguments, failing)


def point_in(concrete: Concrete, signs: Signs, start: Callable[[Callable], dict]):
    """Leaf values (drawn reproducibly) inside the region ``signs``, or None."""
    blind = sign_blind(concrete)
    for attempt in range(REGION_DRAWS):
        draw = leaf_draw(RANDOM_SEED + 7919 + attempt)
        leaves = start(draw)
        memo: dict = {}
        try:
            values = [(real_value(arg, concrete, leaves, draw, memo), positive)
                      for arg, positive in signs.items() if positive is not None and arg not in blind]
        except (Undefined, ZeroDivisionError, ValueError, TypeError):
            continue
        if all(value > 0 if positive else value < 0 for value, positive in values):
            return leaves, draw
    return None


def describe(concrete: Concrete, signs: Signs, difference: sympy.Expr | None = None,
             zero: Callable[[sympy.Expr], bool] | None = None) -> str:
    """``z_{2} > 0, z_{3} < 0``: each argument by the entry it is the value of, if any.

    Given the step's ``difference``, only the arguments that matter are named: those whose
    flipped sign makes the difference zero, else those of the piecewise functions standing
    in the difference itself (not inside another function), else all."""
    blind = sign_blind(concrete)
    shown = [arg for arg, positive in signs.items() if positive is not None and arg not in blind]
    if difference is not None and zero is not None:
        decisive = [a for a in shown if zero(on_region(concrete, difference, {**signs, a: not signs[a]}, {}))]
        direct = {_oriented(concrete.atoms[s].argument)[0] for s in difference.free_symbols
                  if s in concrete.atoms and is_piecewise(concrete.atoms[s].function)}
        shown = decisive or [a for a in shown if a in direct] or shown
    return ", ".join(sign_texts(concrete, signs, shown))


def sign_texts(concrete: Concrete, signs: Signs, shown: list[sympy.Expr]) -> list[str]:
    """``z_{2} > 0`` or ``x_{3} > x_{1}`` for each argument in ``shown``, its sign taken from
    ``signs`` (which fix the arguments inside it too), without repeats."""
    names = concrete.entry_names()
    ordered = _largest_first(names)
    forms = {arg: on_region(concrete, arg, signs, {}) for arg in shown}
    names.update(_atom_names(concrete, names, ordered, [*shown, *forms.values()]))
    parts = []
    for arg in shown:
        positive = signs[arg]
        name, scale = _named(arg, names, ordered)
        compared = _comparison(forms[arg], positive, names, ordered) if scale is None else None
        if compared is not None:  # no entry has this value: the comparison it is on this region
            parts.append(compared)
            continue
        if scale is not None and scale < 0:
            positive = not positive
        parts.append(f"{name} {'>' if positive else '<'} 0")
    return list(dict.fromkeys(parts))  # two arguments can be one comparison on the region


def _comparison(form: sympy.Expr, positive: bool, names: dict, ordered: list) -> str | None:
    """``form > 0`` (or < 0) written as a comparison of its positive and negative terms
    (``x_{3} - x_{1} > 0`` as ``x_{3} > x_{1}``, the way a max's regions are said), or None
    when it is not a difference of terms without a constant."""
    terms = sympy.Add.make_args(form)
    plus = [t for t in terms if not t.could_extract_minus_sign()]
    minus = [-t for t in terms if t.could_extract_minus_sign()]
    if not plus or not minus or any(t.is_Number for t in terms):
        return None
    left, right = (_in_names(sympy.Add(*side), names, ordered) for side in (plus, minus))
    return f"{left} {'>' if positive else '<'} {right}"


def _atom_names(concrete: Concrete, names: dict, ordered: list, shown: list[sympy.Expr]) -> dict:
    """Each atom symbol (``relu0``) in ``shown``, or inside one there, as the call it stands
    for, written with the model's names: ``ReLU(w_2 x)`` — a stand-in symbol never reaches a
    message."""
    needed: set = set()
    pending = [s for e in shown for s in e.free_symbols if s in concrete.atoms]
    while pending:  # only these: writing every atom of a large model is slow
        symbol = pending.pop()
        if symbol not in needed:
            needed.add(symbol)
            pending += [s for s in concrete.atoms[symbol].argument.free_symbols if s in concrete.atoms]
    written: dict = {}
    for symbol in sorted(needed, key=lambda s: int(re.sub(r"\D", "", s.name) or 0)):
        atom = concrete.atoms[symbol]
        inner = _in_names(atom.argument, {**names, **written}, ordered)
        written[symbol] = f"{_function_word(atom.function)}({inner})"
    return written


def _function_word(function: str) -> str:
    """The function as its row writes it, in plain text: ReLU, tanh, sigma (step for 1[·])."""
    row = FUNCTIONS.get(function)
    written = re.fullmatch(r"\\(?:operatorname\{(\w+)\}|([A-Za-z]+))", row.latex) if row else None
    return (written.group(1) or written.group(2)) if written else function


def _named(arg: sympy.Expr, names: dict, ordered: list) -> tuple[str, sympy.Expr | None]:
    """An argument by the entry it is a constant multiple of (``-0.99 z_1``: z_1, −0.99)."""
    if arg in names:
        return names[arg], sympy.Integer(1)
    for value, name in names.items():
        ratio = multiple_of(arg, value)
        if ratio is not None:
            return name, ratio
    return _in_names(arg, names, ordered), None


def multiple_of(arg: sympy.Expr, value: sympy.Expr) -> sympy.Expr | None:
    """The non-zero number c with ``arg = c value`` (``-0.99 z_1`` of z_1: −0.99), or None."""
    if value == 0 or value.free_symbols != arg.free_symbols:
        return None
    ratio = sympy.cancel(arg / value)
    return ratio if ratio.is_Number and ratio != 0 else None


def _largest_first(names: dict) -> list[tuple[sympy.Expr, str]]:
    """The named values that are not symbols, the largest first (so a sum is named before
    the terms inside it)."""
    return sorted(((v, n) for v, n in names.items() if not v.is_Symbol), key=lambda kv: -sympy.count_ops(kv[0]))


def _in_names(arg: sympy.Expr, names: dict, ordered: list) -> str:
    """An argument written with the model's names where its values (``ordered``, see
    :func:`_largest_first`) appear in it, and leaf entries as ``w_{1,2}``: ``-s y + 1``
    rather than the sum that s stands for."""
    shown = arg
    for value, name in ordered:
        if value.free_symbols and value.free_symbols <= shown.free_symbols:
            shown = shown.subs(value, sympy.Symbol(name))
    leaves = {v: sympy.Symbol(n) for v, n in names.items() if v.is_Symbol and v in shown.free_symbols}
    return sympy.sstr(shown.xreplace(leaves)).replace("*", " ")
