"""The model at concrete sizes: values and derivatives as rational functions of atoms.

Every leaf entry is a real symbol; every distinct subterm f(u) of an elementary
function (a row of :mod:`symbolic.model.function_table`) is an *atom*, a symbol
that remembers its function and argument. Values of defined quantities and of
claims are rational functions of leaves and atoms, and derivatives are taken by
the chain rule over the definitions (forward mode, one seed entry at a time)
with each row's derivative, so no transcendental function ever reaches SymPy's
simplifier. An atom is canonical: its row's ``reflect`` turns f(−u) into f(u)
(``exp(-u)`` is ``1/exp(u)``, ``tanh(-u)`` is ``-tanh(u)``), ``at_zero`` gives
f(0), ``log`` of a positive product is a sum of logs (positivity from the rows'
ranges).

Atoms alone cannot see relations *between* functions (softplus′ = σ). For those,
:meth:`Concrete.in_elementary_terms` rewrites every atom into its row's ``form``
over exp, log, erf and abs: an exact identity, so a difference that is zero
after it is zero for real.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import sympy

from ..errors import ModelError, NotationError, check_time
from ..model.functions import FUNCTIONS, Exp, Log, Opaque, Sigmoid, Tanh
from ..model.index_notation import Grad
from ..model.bounded_sums import InRange
from ..model.pooling import WindowMax
from ..model.recurrence import step_back
from ..model.tensors import Network, Tensor
from ..settings import MAX_TERMS

Entry = tuple[Tensor, tuple[int, ...]]


@dataclass(frozen=True)
class Atom:
    """What an atom symbol stands for: ``function(argument)``."""

    function: str
    argument: sympy.Expr


_COMBINED_OPS = 40  # a log's sum argument this small is put over one denominator to split it


class Concrete:
    """One network at one size assignment."""

    def __init__(self, network: Network, sizes: dict[str, int]):
        self.network = network
        self.sizes = sizes
        self.definitions = {d.tensor: d for d in network.definitions}
        self.atoms: dict[sympy.Symbol, Atom] = {}
        self._atom_for: dict[tuple[str, sympy.Expr], sympy.Symbol] = {}
        self.leaves: dict[sympy.Symbol, Entry] = {}
        self._values: dict[Entry, sympy.Expr] = {}
        self._derivatives: dict[tuple[Entry, Entry], sympy.Expr] = {}
        self._upstream = network.dependencies()
        self._limits: dict = {}
        self.terms = 0  # terms produced by sums so far, bounded by settings.MAX_TERMS
        self._active: set[Entry] = set()  # entries being computed (a recurrence reading ahead)
        self._sizes_by_symbol: dict | None = None
        # how a derivative by ``seed`` of a mentioned entry is taken (engine.adjoint swaps in
        # reverse accumulation); None: forward, :meth:`entry_derivative`
        self.entry_rule = None

    # -- structure ----------------------------------------------------------------
    def depends(self, tensor: Tensor, on: Tensor) -> bool:
        return tensor == on or on in self._upstream.get(tensor, ())

    def size(self, size_name: str) -> int:
        return self.sizes[size_name]

    def index_values(self, tensor: Tensor, indices, env) -> tuple[int, ...]:
        values = []
        for position, idx in enumerate(indices):
            if isinstance(idx, sympy.Integer):
                value = int(idx)
            elif idx in env:
                value = int(env[idx])
            else:
                value = int(idx.xreplace(env).xreplace(self._size_subs()))
            bound = self.size(tensor.ranges[position])
            if not 0 <= value < bound and tensor.name not in self.network.outside:
                raise NotationError(f"index {value + 1} of {tensor.name} is outside 1..{bound} "
                                    f"({tensor.ranges[position]} = {bound} while checking)",
                                    hint="use index letters rather than fixed numbers")
            values.append(value)
        return tuple(values)

    def entry_of(self, expr, env) -> Entry:
        if isinstance(expr, sympy.Indexed):
            tensor = self.network.tensors[expr.base.label.name]
            return tensor, self.index_values(tensor, expr.indices, env)
        return self.network.tensors[expr.name], ()

    def leaf(self, entry: Entry) -> sympy.Symbol:
        tensor, idx = entry
        name = tensor.key + ("[" + ",".join(map(str, idx)) + "]" if idx else "")
        symbol = sympy.Symbol(name, real=True)
        self.leaves[symbol] = entry
        return symbol

    # -- atoms ----------------------------------------------------------------------
    def atom(self, function: str, argument: sympy.Expr) -> sympy.Expr:
        """The canonical value of ``function(argument)``."""
        rule = FUNCTIONS[function]
        if argument == 0 and rule.at_zero is not None:
            return self.lower(rule.at_zero)
        if function == "exp":
            coeff, rest = argument.as_coeff_Mul()
            if coeff.is_Integer and coeff > 1:
                return self.atom("exp", rest) ** coeff
            if argument in self.atoms and self.atoms[argument].function == "log":
                return self.atoms[argument].argument
        elif function == "log":
            if argument == 1:
                return sympy.Integer(0)
            split = self._split_log(argument)
            if split is not None:
                return split
        elif function == "abs" and argument.is_Number:
            return abs(argument)
        if rule.reflect is not None and argument.could_extract_minus_sign():
            return self.lower(rule.reflect(self.atom(function, -argument), -argument))
        key = (function, argument)
        symbol = self._atom_for.get(key)
        if symbol is None:
            symbol = sympy.Symbol(f"{function}{len(self.atoms)}", real=True)
            self._atom_for[key] = symbol
            self.atoms[symbol] = Atom(function, argument)
        return symbol

    def lower(self, expr, elementary: bool = False) -> sympy.Expr:
        """``expr`` (built from concrete values and the rows' classes) over atoms.

        With ``elementary``, functions that have a form are written in it first.
        """
        if isinstance(expr, Opaque):
            argument = self.lower(expr.args[0], elementary)
            rule = FUNCTIONS[expr.name]
            if elementary and rule.form is not None:
                return self.lower(rule.form(argument), elementary)
            return self.atom(expr.name, argument)
        if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)) and expr.has(Opaque):
            return expr.func(*[self.lower(a, elementary) for a in expr.args])
        return expr

    def in_elementary_terms(self, expr, memo: dict | None = None) -> sympy.Expr | None:
        """``expr`` with every atom written in exp/log/erf/abs; None if nothing changes.

        ``memo`` (atom -> its form) is shared by the atoms inside atoms: a recurrence unrolled
        nests each step's atoms in the next one's, and rewriting them afresh at every level
        would take time exponential in the number of steps."""
        memo = {} if memo is None else memo
        subs = {s: self._elementary_atom(s, memo) for s in expr.free_symbols if s in self.atoms}
        subs = {s: v for s, v in subs.items() if v != s}
        return expr.xreplace(subs) if subs else None

    def _elementary_atom(self, symbol, memo: dict) -> sympy.Expr:
        if symbol in memo:
            return memo[symbol]
        atom = self.atoms[symbol]
        argument = self.in_elementary_terms(atom.argument, memo)
        argument = atom.argument if argument is None else argument
        rule = FUNCTIONS[atom.function]
        if rule.form is not None:
            value = self.lower(rule.form(argument), elementary=True)
        elif argument != atom.argument:
            value = self.atom(atom.function, argument)
        else:
            value = symbol
        memo[symbol] = value
        return value

    def _positive(self, expr, strict: bool = True) -> bool:
        """Whether ``expr`` is > 0 (``strict``) or ≥ 0 for every value of its symbols."""
        if isinstance(expr, sympy.Symbol) and expr in self.atoms:
            rule = FUNCTIONS[self.atoms[expr].function]
            return rule.positive if strict else rule.nonnegative
        if expr.is_Number:
            return expr > 0 if strict else expr >= 0
        if isinstance(expr, sympy.Pow):
            return self._positive(expr.base, strict)
        if isinstance(expr, sympy.Mul):
            return all(self._positive(a, strict) for a in expr.args)
        if isinstance(expr, sympy.Add):
            return (all(self._positive(a, False) for a in expr.args)
                    and (not strict or any(self._positive(a) for a in expr.args)))
        return False

    def _split_log(self, argument):
        """log of a positive product or power as a sum of logs; log(exp(u)) = u."""
        if isinstance(argument, sympy.Symbol) and argument in self.atoms:
            atom = self.atoms[argument]
            return atom.argument if atom.function == "exp" else None
        if isinstance(argument, sympy.Mul) and self._positive(argument):
            return sympy.Add(*[self.atom("log", f) for f in argument.args])
        if isinstance(argument, sympy.Pow) and self._positive(argument.base):
            return argument.exp * self.atom("log", argument.base)
        if isinstance(argument, sympy.Add) and sympy.count_ops(argument) <= _COMBINED_OPS:
            # log(1 - 1/(1 + e^{-u})): over one denominator, e^{-u} / (1 + e^{-u}), a positive quotient
            combined = sympy.factor(sympy.together(argument))
            if isinstance(combined, (sympy.Mul, sympy.Pow)) and self._positive(combined):
                return self._split_log(combined)
        return None

    # -- values ----------------------------------------------------------------------
    def value(self, expr, env: dict) -> sympy.Expr:
        """``expr`` at these sizes and index values, over leaves and atoms."""
        if isinstance(expr, sympy.Indexed) or (isinstance(expr, sympy.Symbol)
                                               and expr.name in self.network.tensors):
            return self.entry_value(self.entry_of(expr, env))
        if isinstance(expr, (sympy.Number, sympy.NumberSymbol)):
            return expr
        if isinstance(expr, sympy.KroneckerDelta):
            a, b = (int(x.xreplace(env)) for x in expr.args)
            return sympy.Integer(int(a == b))
        if isinstance(expr, InRange):  # a sum's bounds: \sum_{m=\max(0, i-K+1)}^{\min(i, M-1)}
            return expr.at(env, self._size_subs())
        if isinstance(expr, sympy.Sum):
            return self._sum(expr, env, lambda body, e: self.value(body, e))
        if isinstance(expr, WindowMax):  # \max_{m}: the running max of its terms at these sizes
            return self.value(expr.unrolled(self._size_subs()), env)
        if isinstance(expr, Opaque):
            return self.atom(expr.name, self.value(expr.args[0], env))
        if isinstance(expr, Grad):
            of, wrt = expr.args
            return self.derivative(of, env, self.entry_of(wrt, env))
        if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)):
            return expr.func(*[self.value(a, env) for a in expr.args])
        raise NotationError(f"cannot evaluate '{expr}'")

    def entry_names(self) -> dict[sympy.Expr, str]:
        """Values computed so far, each with the entry it is the value of (``z_{2}``)."""
        names = {}
        for symbol, (tensor, idx) in self.leaves.items():
            shown = ",".join(str(i + 1) for i in idx)
            names[symbol] = f"{tensor.latex}_{{{shown}}}" if idx else tensor.latex
        for (tensor, idx), value in self._values.items():
            shown = ",".join(str(i + 1) for i in idx)
            names.setdefault(value, f"{tensor.latex}_{{{shown}}}" if idx else tensor.latex)
        return names

    @contextlib.contextmanager
    def fresh_values(self, tensors) -> Iterator[None]:
        """Inside, the entries of ``tensors`` are computed anew (their values so far set aside);
        after, the values computed inside are dropped and those set aside are back."""
        kept = {e: v for e, v in self._values.items() if e[0] in tensors}
        for entry in kept:
            del self._values[entry]
        try:
            yield
        finally:
            for entry in [e for e in self._values if e[0] in tensors]:
                del self._values[entry]
            self._values.update(kept)

    def entry_value(self, entry: Entry) -> sympy.Expr:
        cached = self._values.get(entry)
        if cached is not None:
            return cached
        tensor, idx = entry
        definition = self.definitions.get(tensor)
        if self.outside(entry):  # declared: a zero extension, or the initial state (a leaf)
            result = sympy.Integer(0) if self.network.outside[tensor.name] == "0" else self.leaf(entry)
        elif definition is None:
            result = self.leaf(entry)
        else:
            if entry in self._active:
                raise ModelError(f"{tensor.latex} at {[i + 1 for i in idx]} depends on itself",
                                 hint="a recurrence reads earlier steps only (h_{t-1}, never h_{t+1})")
            self._active.add(entry)
            env = dict(zip(definition.indices, map(sympy.Integer, idx)))
            try:
                result = self.value(definition.expr, env)
            finally:
                self._active.discard(entry)
        self._values[entry] = result
        return result

    def _sum(self, expr: sympy.Sum, env: dict, term):
        ranges = []
        for var, _lo, hi in expr.limits:
            top = self._limits.get(hi)
            if top is None:
                top = self._limits[hi] = int(hi.xreplace(self._size_subs())) + 1
            ranges.append((var, range(top)))
        self.terms += math.prod(len(r) for _v, r in ranges)
        if self.terms > MAX_TERMS.value:
            raise ModelError(MAX_TERMS.exceeded(), hint="write fewer nested sums, or name inner sums")
        check_time()
        total = []
        for values in itertools.product(*(r for _v, r in ranges)):
            inner = dict(env)
            inner.update({v: sympy.Integer(x) for (v, _r), x in zip(ranges, values)})
            total.append(term(expr.function, inner))
        return sympy.Add(*total)

    def _size_subs(self):
        if self._sizes_by_symbol is None:
            self._sizes_by_symbol = {sympy.Symbol(name, integer=True, positive=True): n
                                     for name, n in self.sizes.items()}
        return self._sizes_by_symbol

    def outside(self, entry: Entry) -> bool:
        """Whether ``entry`` lies outside its tensor's range (declared by ``outside:``)."""
        tensor, idx = entry
        # a gradient name the block declares over a variable with initial states
        # (model.written_gradients) is its derivative there too: it has no outside
        return self.network.outside.get(tensor.name, "derivative") != "derivative" and any(
            not 0 <= v < self.size(r) for v, r in zip(idx, tensor.ranges))

    # -- derivatives ------------------------------------------------------------------
    def derivative(self, expr, env: dict, seed: Entry) -> sympy.Expr:
        """d value(expr) / d seed, with the seed's tensor entries as independent variables."""
        if isinstance(expr, sympy.Indexed) or (isinstance(expr, sympy.Symbol)
                                               and expr.name in self.network.tensors):
            tensor = self.network.tensors[expr.base.label.name if isinstance(expr, sympy.Indexed) else expr.name]
            if tensor != seed[0] and not self.depends(tensor, seed[0]):
                return sympy.Integer(0)  # before its index arithmetic is evaluated (w_{m,n} by a_{p,q})
            entry = self.entry_of(expr, env)
            if self.network.cut_delayed and isinstance(expr, sympy.Indexed) and any(
                    step_back(i) for i in expr.indices):  # truncated BPTT: h_{t-1} held constant
                return sympy.Integer(int(entry == seed))
            return (self.entry_rule or self.entry_derivative)(entry, seed)
        if isinstance(expr, (sympy.Number, sympy.NumberSymbol, sympy.KroneckerDelta, InRange)):
            return sympy.Integer(0)
        if isinstance(expr, sympy.Sum):
            return self._sum(expr, env, lambda body, e: self.derivative(body, e, seed))
        if isinstance(expr, WindowMax):
            return self.derivative(expr.unrolled(self._size_subs()), env, seed)
        if isinstance(expr, Opaque):
            inner = self.derivative(expr.args[0], env, seed)
            if inner == 0:
                return sympy.Integer(0)
            u = self.value(expr.args[0], env)
            f = self.atom(expr.name, u)
            rule = FUNCTIONS[expr.name]
            if rule.derivative is None:
                raise NotationError(f"{rule.name} is not differentiable everywhere")
            local = rule.derivative(f, u)
            return (self.lower(local) if rule.derivative_uses_functions else local) * inner
        if isinstance(expr, sympy.Add):
            return sympy.Add(*[self.derivative(a, env, seed) for a in expr.args])
        if isinstance(expr, sympy.Mul):
            terms = []
            for pos, factor in enumerate(expr.args):
                d = self.derivative(factor, env, seed)
                if d != 0:
                    others = [self.value(a, env) for k, a in enumerate(expr.args) if k != pos]
                    terms.append(sympy.Mul(d, *others))
            return sympy.Add(*terms)
        if isinstance(expr, sympy.Pow):
            base, exponent = expr.args
            if exponent.free_symbols or exponent.has(sympy.Indexed):
                return self.derivative(Exp(exponent * Log(base)), env, seed)
            d = self.derivative(base, env, seed)
            if d == 0:
                return sympy.Integer(0)
            return exponent * self.value(base, env) ** (exponent - 1) * d
        if isinstance(expr, Grad):
            raise NotationError("nested derivatives are not supported",
                                hint="name the inner derivative first")
        raise NotationError(f"cannot differentiate '{expr}'")

    def entry_derivative(self, entry: Entry, seed: Entry) -> sympy.Expr:
        tensor, idx = entry
        seed_tensor, seed_idx = seed
        recurs = tensor in self._upstream.get(tensor, ())  # h_{t+1} reads h_t: recurse
        if self.outside(entry) or (tensor == seed_tensor and (idx == seed_idx or not recurs)):
            return sympy.Integer(int(entry == seed))
        if not self.depends(tensor, seed_tensor) or tensor not in self.definitions:
            return sympy.Integer(0)
        key = (entry, seed)
        cached = self._derivatives.get(key)
        if cached is not None:
            return cached
        definition = self.definitions[tensor]
        env = dict(zip(definition.indices, map(sympy.Integer, idx)))
        result = self.derivative(definition.expr, env, seed)
        self._derivatives[key] = result
        return result


__all__ = ["Atom", "Concrete", "Entry", "Exp", "Log", "Sigmoid", "Tanh"]
