"""Backpropagation in index notation: derive ∂X/∂Y from a context's definitions.

How it works: the adjoint of a quantity T is collected from the quantities C
that use it, ``∂X/∂T_t = Σ_c ∂X/∂C_c · ∂C_c/∂T_t``, recursively down from X.
Each local derivative ``∂C_c/∂T_t`` differentiates one definition and is then
written in the context's own names (``1 - \\tanh^2 z_j`` becomes ``1 - h_j^2``,
``e^{a_k}/Σ e^{a_k'}`` becomes ``o_k``). Kronecker deltas that multiply a
whole summand collapse their sum; bound indices get the first free primed
letter of their range. The final result is also cancelled and factored with
its sums and functions kept whole (``p(1-p)((1-y)/(1-p) - y/p) x_i`` becomes
``(p - y) x_i``); the simplest form is kept and the others are offered to the
diagnosis, which shows the one nearest the author's claim. The result is
verified by the exact engine before it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..engine.verify import check_identity
from ..errors import NotationError, check_time
from ..model.context import Context
from ..model.functions import Opaque
from ..model.index_notation import Grad, free_indices
from ..model.tensors import Definition, Network, Tensor, index_symbol, tensors_in
from ..verdicts import Verdict
from .index_algebra import (apply_sum_to_one, collapse, expand_sums, free_tensors,
                            merge_sums, rename_bound, replace_pattern)
from .printing import model_order, to_latex, to_text

# Largest formula (in SymPy operations) whose cancelled and factored forms derive tries.
READABLE_FORMS_MAX_OPS = 80


@dataclass
class Derived:
    """A derived gradient with its verification verdict."""

    of: Tensor
    wrt: sympy.Expr  # the entry differentiated by, e.g. w[j, k]
    expr: sympy.Expr
    verdict: Verdict
    of_latex: str
    wrt_latex: str
    latex: str
    text: str
    of_text: str = ""
    wrt_text: str = ""
    forms: tuple = ()  # other readable forms of expr, equal to it as rational functions
    of_expr: sympy.Expr | None = None  # the entry differentiated, e.g. L or o[j]
    matrix: object = None  # its matrix form when asked for (a calculus.matrix_derive.MatrixForm)

    @property
    def claim_latex(self) -> str:
        return rf"\frac{{\partial {self.of_latex}}}{{\partial {self.wrt_latex}}} = {self.latex}"


class Deriver:
    """Index-notation differentiation over one network."""

    def __init__(self, network: Network, assumptions=(), simplify: bool = True):
        self.network = network
        self.definitions = {d.tensor: d for d in network.definitions}
        self.assumptions = list(assumptions)
        self.simplify = simplify  # False: skip the search for a readable form (proofs)
        self._gradients: dict = {}
        self._forms: dict = {}  # the other readable forms of each gradient
        self._uses: dict = {}
        self._reach = network.dependencies()

    # -- local derivatives ----------------------------------------------------------
    def d(self, expr, wrt_tensor: Tensor, wrt_idx: tuple) -> sympy.Expr:
        """Derivative of ``expr`` by the entry wrt_tensor[wrt_idx], one level deep."""
        check_time()
        if isinstance(expr, sympy.Indexed) or (isinstance(expr, sympy.Symbol)
                                               and str(expr) in self.network.tensors):
            tensor = self.network.tensor_of(expr.base if isinstance(expr, sympy.Indexed) else expr)
            if tensor != wrt_tensor:
                return sympy.Integer(0)
            indices = expr.indices if isinstance(expr, sympy.Indexed) else ()
            return sympy.Mul(*[sympy.KroneckerDelta(a, b) for a, b in zip(indices, wrt_idx)])
        if isinstance(expr, (sympy.Number, sympy.KroneckerDelta)):
            return sympy.Integer(0)
        if isinstance(expr, sympy.Sum):
            return sympy.Sum(self.d(expr.function, wrt_tensor, wrt_idx), *expr.limits)
        if isinstance(expr, Opaque):
            inner = self.d(expr.args[0], wrt_tensor, wrt_idx)
            return 0 if inner == 0 else expr.fdiff() * inner
        if isinstance(expr, sympy.Add):
            return sympy.Add(*[self.d(a, wrt_tensor, wrt_idx) for a in expr.args])
        if isinstance(expr, sympy.Mul):
            terms = []
            for pos, factor in enumerate(expr.args):
                df = self.d(factor, wrt_tensor, wrt_idx)
                if df != 0:
                    terms.append(sympy.Mul(*expr.args[:pos], df, *expr.args[pos + 1:]))
            return sympy.Add(*terms)
        if isinstance(expr, sympy.Pow) and not free_tensors(expr.exp, self.network):
            db = self.d(expr.base, wrt_tensor, wrt_idx)
            return 0 if db == 0 else expr.exp * expr.base ** (expr.exp - 1) * db
        raise NotationError(f"cannot differentiate {expr} in index notation")

    # -- adjoints --------------------------------------------------------------------
    def gradient(self, of: Tensor, of_idx: tuple, wrt: Tensor, wrt_idx: tuple) -> sympy.Expr:
        """∂ of[of_idx] / ∂ wrt[wrt_idx], in the network's own names."""
        key = (of, of_idx, wrt, wrt_idx)
        if key not in self._gradients:
            free = set(wrt_idx) | set(of_idx)
            result = self._adjoint(of, of_idx, wrt, wrt_idx, set(free))
            self._gradients[key], self._forms[key] = (self._tidy(result, free, True) if self.simplify
                                                      else (result, []))
        return self._gradients[key]

    def _adjoint(self, of, of_idx, target, t_idx, taken) -> sympy.Expr:
        if target == of:
            return sympy.Mul(*[sympy.KroneckerDelta(a, b) for a, b in zip(of_idx, t_idx)])
        terms = []
        for consumer in self.network.definitions:
            if consumer.tensor == target or target not in self.uses(consumer.tensor):
                continue
            if not (consumer.tensor == of or self.depends(of, consumer.tensor)):
                continue
            c_idx = tuple(self.fresh(r, taken) for r in consumer.tensor.ranges)
            local = self.local(consumer, c_idx, target, t_idx, taken | set(c_idx))
            if local == 0:
                continue
            upstream = self._adjoint(of, of_idx, consumer.tensor, c_idx, taken | set(c_idx))
            if self.simplify:
                upstream = self.tidy(upstream, set(of_idx) | set(c_idx) | set(t_idx), rename=False)
            term = upstream * local
            if c_idx:
                term = sympy.Sum(term, *[(i, 0, self.size(i) - 1) for i in c_idx])
            terms.append(collapse(term))
        return sympy.Add(*terms)

    def local(self, definition: Definition, c_idx, target, t_idx, taken) -> sympy.Expr:
        # bound letters first: g_j = Σ_k U_{jk} h_k at j → k would otherwise capture k
        expr = rename_bound(definition.expr, taken).xreplace(dict(zip(definition.indices, c_idx)))
        return self.named(collapse(self.d(expr, target, t_idx)))

    def uses(self, tensor: Tensor) -> set[Tensor]:
        """The tensors the definition of ``tensor`` mentions directly (memoised)."""
        found = self._uses.get(tensor)
        if found is None:
            d = self.definitions.get(tensor)
            found = self._uses[tensor] = set(tensors_in(d.expr, self.network)) if d else set()
        return found

    def depends(self, tensor: Tensor, on: Tensor) -> bool:
        """Whether the definition of ``tensor`` reaches ``on``, directly or through others."""
        return on in self._reach.get(tensor, ())

    def size(self, index: sympy.Symbol):
        return self.network.size_symbol(str(index))

    def fresh(self, size_name: str, taken: set) -> sympy.Symbol:
        letters = [k for k, v in self.network.index_ranges.items() if v == size_name]
        if not letters:
            raise NotationError(f"no index letter ranges over {size_name}",
                                hint=f"declare one under indices, e.g. n: {size_name}")
        for primes in range(8):
            for letter in letters:
                s = index_symbol(letter + "'" * primes)
                if s not in taken:
                    taken.add(s)
                    return s
        raise NotationError("ran out of index names")

    # -- names ------------------------------------------------------------------------
    def named(self, expr) -> sympy.Expr:
        """Write ``expr`` with the context's defined names where their definitions appear."""
        for d in reversed(self.network.definitions):
            expr = self._name_one(expr, d)
        return expr

    def _name_one(self, expr, d: Definition):
        lhs = d.lhs
        if isinstance(d.expr, Opaque) or isinstance(d.expr, sympy.Indexed):
            return replace_pattern(expr, d.expr, lambda m: lhs.xreplace(m), d.indices)
        numerator, denominator = sympy.fraction(d.expr)
        if denominator != 1 and not (free_indices(denominator) & set(d.indices)) and numerator != 1:
            z = sympy.Dummy("Z")
            out = replace_pattern(expr, denominator, lambda m: z, ())
            out = replace_pattern(out, numerator, lambda m: lhs.xreplace(m) * z, d.indices)
            out = sympy.expand(out) if out.has(z) else out
            if not out.has(z):
                return sympy.factor_terms(out)
        return expr

    def tidy(self, expr, free: set, rename: bool = True) -> sympy.Expr:
        """The simplest of the factored and expanded forms, with Σ t = 1 applied."""
        best, _forms = self._tidy(expr, free, rename)
        return best

    def _tidy(self, expr, free: set, rename: bool) -> tuple[sympy.Expr, list]:
        candidates = [expr, collapse(expand_sums(expr))]
        for a in self.assumptions:
            candidates += [apply_sum_to_one(c, a.tensor, self.network) for c in candidates]
        candidates = [sympy.factor_terms(merge_sums(c)) for c in candidates]
        factored = candidates[0]
        rewritten = rational_forms(factored) if rename else []  # the final result only, not every level
        candidates += rewritten
        ops = [sympy.count_ops(c) for c in candidates]
        # keep the author-like factored form unless another is clearly simpler
        best = next(c for c, n in zip(candidates, ops) if n <= 1.34 * min(ops))
        if not rename:
            return best, []
        # the other forms offered to match an author: the rewritings of the factored form
        forms = []
        for c in [best, factored, *rewritten]:
            c = rename_bound(c, set(free), self.network.index_ranges)
            if c not in forms:
                forms.append(c)
        return forms[0], forms[1:]

    def forms(self, of: Tensor, of_idx: tuple, wrt: Tensor, wrt_idx: tuple) -> list:
        """Other readable forms of :meth:`gradient`'s result (equal as rational functions)."""
        self.gradient(of, of_idx, wrt, wrt_idx)
        return self._forms[(of, of_idx, wrt, wrt_idx)]


def rational_forms(expr) -> list:
    """``expr`` cancelled and factored as a rational function, sums and functions kept whole.

    Factoring inside a Σ would expand its body (``Σ_k -o_k t_k + …``); each sum and
    each function application is one symbol here. A leading minus moves into a sum
    factor: ``-(y - p) x_i`` becomes ``(p - y) x_i``.
    """
    if sympy.count_ops(expr) > READABLE_FORMS_MAX_OPS:
        return []  # factoring a large formula costs more than the reader gains
    expr = _sum_bodies_simplified(expr)
    opaque = {a: sympy.Dummy() for a in expr.atoms(sympy.Sum, sympy.Function)}
    if not opaque and not any(isinstance(a, sympy.Pow) and a.exp.is_negative
                              for a in sympy.preorder_traversal(expr)):
        return []  # a polynomial: factor_terms has done what can be done
    back = {d: a for a, d in opaque.items()}
    plain = expr.xreplace(opaque)
    forms = []
    for rewrite in (sympy.factor, sympy.cancel):
        try:
            form = _sign_inside(_sign_inside(rewrite(plain)).xreplace(back))
        except (sympy.PolynomialError, sympy.CoercionFailed, NotImplementedError):
            continue
        if form not in forms:
            forms.append(form)
    return forms


def _sum_bodies_simplified(expr):
    r"""``expr`` with the body of each sum in its shortest rational form: the logistic loss's
    ``\sum_i X_{ij} (1 - p_i) (\frac{y_i}{p_i} - \frac{1 - y_i}{1 - p_i}) p_i`` is
    ``\sum_i X_{ij} (y_i - p_i)``."""
    shorter = {}
    for total in expr.atoms(sympy.Sum):
        body = total.function
        best = min([body, *rational_forms(body)], key=sympy.count_ops)
        if best != body:
            shorter[total] = sympy.Sum(best, *total.limits)
    return expr.xreplace(shorter) if shorter else expr


def in_claim_names(expr, definitions) -> sympy.Expr:
    """``expr`` with the names a claim defined for sums (``δ_k = o_k - t_k``) put back, either sign."""
    for d in definitions:
        if isinstance(d.expr, sympy.Add):
            expr = replace_pattern(expr, d.expr, lambda m, d=d: d.lhs.xreplace(m), d.indices)
            expr = replace_pattern(expr, -d.expr, lambda m, d=d: -d.lhs.xreplace(m), d.indices)
    return expr


def nearest_form(forms, claim) -> sympy.Expr:
    """The form closest to the author's ``claim``, the first on a tie.

    Closest: the fewest operations more or fewer than the claim, less the sub-expressions
    it shares with the claim (up to sign).
    """
    def parts(expr) -> set:
        return {-e if e.could_extract_minus_sign() else e for e in sympy.preorder_traversal(expr)
                if not isinstance(e, (sympy.Number, sympy.Symbol, sympy.IndexedBase, sympy.Tuple))}

    written, size = parts(claim), sympy.count_ops(claim)

    def distance(form) -> tuple:
        ops = sympy.count_ops(form)
        return abs(ops - size) - len(parts(form) & written), ops

    return min(forms, key=distance)


def _sign_inside(expr):
    """``-(y - p) x`` → ``(p - y) x``: a negative product takes its sign into a sum factor."""
    if isinstance(expr, sympy.Mul) and expr.could_extract_minus_sign():
        sums = [f for f in expr.args if isinstance(f, sympy.Add)]
        if sums:
            return (-expr / sums[0]) * (-sums[0])
        for total in (f for f in expr.args if isinstance(f, sympy.Sum)):  # -Σ x (y - p): Σ x (p - y)
            body = _sign_inside(-total.function)
            if not body.could_extract_minus_sign():
                return (-expr / total) * sympy.Sum(body, *total.limits)
    return expr


def derive(context: Context, wrt: sympy.Expr, of=None) -> Derived:
    """Derive ∂of/∂wrt (of defaults to the loss) and verify it.

    Raises:
        NotationError: ``wrt`` or ``of`` is not a tensor entry of the context.
    """
    network = context.network
    of = network.loss.base if of is None else of
    of_tensor, of_idx = entry(network, of)
    wrt_tensor, wrt_idx = entry(network, wrt)
    deriver = Deriver(network, [a for a in context.assumptions])
    result = deriver.gradient(of_tensor, of_idx, wrt_tensor, wrt_idx)
    outcome = check_identity(network, context.assumptions, Grad(of, wrt), result)
    order = model_order(network)
    return Derived(of_tensor, wrt, result, outcome.verdict, to_latex(of, network),
                   to_latex(wrt, network), to_latex(result, network, order),
                   to_text(result, network, order), to_text(of, network), to_text(wrt, network),
                   tuple(deriver.forms(of_tensor, of_idx, wrt_tensor, wrt_idx)), of)


def entry(network: Network, expr) -> tuple[Tensor, tuple]:
    if isinstance(expr, sympy.Indexed):
        return network.tensor_of(expr.base), tuple(expr.indices)
    if isinstance(expr, sympy.Symbol) and str(expr) in network.tensors:
        return network.tensors[str(expr)], ()
    raise NotationError(f"'{expr}' is not one tensor entry", hint="write e.g. w_{jk} or a_k")


def canonical_entry(network: Network, tensor: Tensor) -> sympy.Expr:
    """``tensor`` with the first index letters of its ranges (w_{jk}, b_k)."""
    taken: set = set()
    idx = []
    for r in tensor.ranges:
        letter = next(k for k, v in network.index_ranges.items() if v == r and index_symbol(k) not in taken)
        taken.add(index_symbol(letter))
        idx.append(index_symbol(letter))
    return tensor.entry(*idx) if idx else tensor.base


def derive_parameters(context: Context) -> list[Derived]:
    """The loss gradient of every parameter (leaf that is neither input nor target)."""
    out = []
    for tensor in context.network.parameters:
        try:
            out.append(derive(context, canonical_entry(context.network, tensor)))
        except (NotationError, StopIteration):
            continue
    return out
