"""Give parsed LaTeX its meaning in a context: tensors, indices, deltas, functions.

latex2sympy2 returns symbols named as written (``w_{jk}``, ``delta_{ki}``).
Here each becomes an entry of the tensor with that name and those index
ranges, a Kronecker delta, a bound or free index, or an error that says what
exists instead.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Literal

import sympy

from ..errors import ModelError, NotationError, Span
from ..latex.limits import check_numbers
from ..latex.markup import GIVEN_PREFIX
from ..latex.notation import WHOLE_RANGE
from ..latex.parse import RawExpr
from ..latex.window_max import window_kind
from .calls import CallReader
from .mentions import Grad, Mention, split_symbol  # noqa: F401  (Grad, split_symbol: re-exported)
from .functions import Exp, Log
from .bounded_sums import bounded_range
from .labels import read_label
from .function_quantities import at_its_argument, check_same_argument, function_named
from .offsets import (OFFSET, check_in_range, inferred_range, offset_index, size_expr,
                      split_offset_subscript, with_time_superscript)
from .names import latex_name
from .scalar_names import canonical
from .superscripts import read_superscript
from .tensors import Network, Tensor, index_symbol, tensors_in


Mode = Literal["define", "claim"]

# A size used as a value is a sum of 1 over its range, bound by the range's letter with this
# many primes (a letter nobody writes, so it never meets an index of the claim).
SIZE_PRIMES = 5


class Resolver(CallReader):
    """Turns raw parsed expressions into model expressions of one network."""

    def __init__(self, network: Network, mode: Mode, span: Span, text: str = "",
                 layer: int | None = None):
        self.network = network
        self.mode = mode
        self.span = span
        self.text = text
        layers = network.layers
        # the generic layer l: the template's layer in a define line, the claim layer in a claim
        self.layer = layer if layer is not None or mode == "define" or layers is None \
            else layers.claim_layer

    # -- entry points -------------------------------------------------------
    def resolve(self, raw: RawExpr) -> sympy.Expr:
        self.raw = raw
        self.text = raw.text or self.text
        self.functions_as_quantities: list[tuple[sympy.Expr, str]] = []  # \partial \sigma
        expr = self._convert(raw.expr)
        for meant, written in self.functions_as_quantities:
            check_same_argument(expr, meant, written, self.span)
        return expr

    # -- symbols --------------------------------------------------------------
    def index(self, token: str) -> sympy.Symbol:
        if token.startswith("#"):
            return sympy.Integer(int(token[1:]) - self.network.origin)  # x_1: the first entry, or x_0
        if token.startswith(OFFSET):  # x_{i+m-1}, h_{t-1,k}: index arithmetic
            return offset_index(token, self.network, self.index)
        letter = token.rstrip("'")
        if token not in self.network.index_ranges and token in self.network.index_ranges.values():
            if self.network.origin != 1:  # counted from 0, h_{T} is past the last entry
                raise NotationError(f"the size {token} as an index is past the last entry when "
                                    "indices count from 0", self.span,
                                    f"write the last entry as {token}-1")
            return size_expr(token) - 1  # h_{T,j}: a size as an index is the last entry
        if letter not in self.network.index_ranges:
            declared = ", ".join(f"{k}: {v}" for k, v in self.network.index_ranges.items())
            raise NotationError(f"index letter {token} has no range in this context", self.span,
                                f"declare it under indices (now {{{declared}}}), e.g. {letter}: K")
        return index_symbol(token)

    def range_of(self, token: str) -> str | None:
        if token.startswith(("#", OFFSET)):
            return None
        return self.network.index_ranges.get(token.rstrip("'"))

    def tensor_for(self, mention: Mention) -> Tensor | None:
        """The declared tensor this mention refers to, or None if no such name exists."""
        ranges = [self.range_of(t) for t in mention.tokens]
        for tok in mention.tokens:
            self.index(tok)  # raises for undeclared letters
        same_name = [t for t in self.network.tensors.values() if t.name == mention.name]
        matches = [t for t in same_name if len(t.ranges) == len(ranges)
                   and all(r is None or r == tr for r, tr in zip(ranges, t.ranges))]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotationError(f"{mention.written} could mean any of "
                                f"{', '.join(map(str, matches))}", self.span,
                                "use index letters instead of numbers to say which")
        if not same_name:
            return None
        if not mention.tokens:
            raise NotationError(f"{mention.name} needs its indices here: it is "
                                f"{', '.join(map(str, same_name))}", self.span,
                                self._glued_hint(mention.name)
                                or f"write {mention.name} with its indices, e.g. "
                                   f"{mention.name}_{{{self._letters_for(same_name[0])}}}")
        if self.mode == "define" and all(r is not None for r in ranges):
            return None  # a new tensor of an existing name (w_{ij} and w_{jk})
        shape = "×".join(r or "?" for r in ranges) or "no indices"
        existing = ", ".join(str(t) for t in same_name)
        hint = f"{mention.name} is declared as {existing}"
        for t in same_name:
            if sorted(t.ranges) == sorted(r or "" for r in ranges) and len(ranges) > 1:
                hint += f"; are the indices of {mention.written} swapped?"
        raise NotationError(f"{mention.written}: no tensor {mention.name} with indices of shape "
                            f"({shape})", self.span, hint)

    def named(self, mention: Mention, power: bool = True) -> Mention | int:
        """The mention with its superscript read (see :func:`superscripts.read_superscript`)."""
        return read_superscript(mention, self.network, self.mode, self.layer, self.span, power)

    def entry(self, mention: Mention) -> sympy.Expr:
        mention = read_label(mention, self.network, self.span)  # {h_{t-1}}_j is h_{t-1,j}
        superscripted = mention.sup is not None  # \delta^{(i)}_k is never a Kronecker delta
        if superscripted:
            resolved = self.named(mention)
            if isinstance(resolved, int):
                check_numbers(sympy.Pow(sympy.Symbol("x"), resolved, evaluate=False), self.span)
                plain = dataclasses.replace(mention, name=mention.base, sup=None)
                return sympy.Pow(self.entry(plain), resolved)
            mention = resolved
        scalar = canonical(mention)  # E_n, a scalar name the block declared (scalar_names)
        if scalar is not None and scalar in self.network.tensors:
            return self.network.tensors[scalar].base
        if mention.name == "delta" and len(mention.tokens) == 2 and not superscripted and not any(
                t.name == "delta" and len(t.ranges) == 2 for t in self.network.tensors.values()):
            a, b = (self.index(t) for t in mention.tokens)
            return sympy.KroneckerDelta(a, b)
        tensor = self.tensor_for(mention)
        if tensor is None and not mention.tokens and mention.name in self.network.index_ranges.values():
            return self.size_value(mention.name)
        if tensor is None:
            tensor = self.unknown(mention)
        indices = [self.index(t) for t in mention.tokens]
        for position, (token, index) in enumerate(zip(mention.tokens, indices)):
            if token.startswith(OFFSET):
                check_in_range(tensor, position, index, self.network, self.span, mention.written)
        return tensor.entry(*indices)

    def size_value(self, size: str) -> sympy.Expr:
        """A size used as a value (``\\frac{1}{N}``): the number of values of its range,
        written as the sum of 1 over it, so every stage treats it as it treats any sum."""
        letter = next(k for k, v in self.network.index_ranges.items() if v == size)
        symbol = index_symbol(letter + "'" * SIZE_PRIMES)
        return sympy.Sum(sympy.Integer(1), (symbol, 0, self.network.size_symbol(letter) - 1))

    def unknown(self, mention: Mention) -> Tensor:
        ranges = tuple(inferred_range(t, self.index(t), mention.name, self.network) if t.startswith(OFFSET)
                       else self.range_of(t) for t in mention.tokens)
        if self.mode == "define" and None not in ranges:
            tensor = Tensor(mention.name, ranges)
            self.network.tensors[tensor.key] = tensor
            return tensor
        if self.mode == "define" and any(t.startswith(OFFSET) for t in mention.tokens):
            raise NotationError(f"{mention.written}: the range of {mention.name} is not known", self.span,
                                f"its positions cover no declared size: mention {mention.name} with "
                                "plain index letters too, or declare the size they cover (indices "
                                "count from 1: x_{i+m-1} with i over I - M + 1 covers 1..I)")
        known = [latex_name(n) for n in sorted({t.name for t in self.network.tensors.values()})]
        raise NotationError(f"unknown symbol {mention.written}", self.span,
                            self._glued_hint(mention.name) or
                            f"symbols of this context: {', '.join(known)}")

    def _letters_for(self, tensor: Tensor) -> str:
        by_range = {}
        for letter, size in self.network.index_ranges.items():
            by_range.setdefault(size, letter)
        return "".join(by_range.get(r, "?") for r in tensor.ranges)

    def _glued_hint(self, name: str) -> str | None:
        for letter in self.network.index_ranges:
            if re.search(rf"(?<![\\A-Za-z_]){re.escape(name)}{letter}(?![A-Za-z_])", self.text):
                return f"'{name}{letter}' is not a symbol here; did you mean {name}_{letter}?"
        return None

    def derivative(self, name: str) -> sympy.Expr:
        source = self.raw.derivatives[name]
        wrt = self._convert(source.wrt.expr)
        if not (isinstance(wrt, sympy.Indexed) or (isinstance(wrt, sympy.Symbol)
                                                    and str(wrt) in self.network.tensors)):
            raise NotationError(f"cannot differentiate by '{source.wrt.text.strip()}'", self.span,
                                "differentiate by one tensor entry such as w_{jk} or a_i")
        if source.of is None:
            loss = self.network.loss
            if loss is None:
                raise NotationError(r"\nabla needs a loss, and the derivation block defines none",
                                    self.span, "define the loss in the block (L = …), or name it "
                                               "with loss: if it is not called L")
            of = loss.base
        elif (function := self._function_numerator(source.of.expr)) is not None:
            of = function
        else:
            saved = self.raw
            self.raw = source.of
            of = self._convert(source.of.expr)
            self.raw = saved
        if of.has(Grad):
            raise NotationError("nested derivatives are not supported", self.span,
                                "write the inner derivative as a named quantity first")
        return Grad(of, wrt)

    def _function_numerator(self, expr) -> sympy.Expr | None:
        """``\\partial \\sigma``: the function at the model's one argument of it, or None when
        the numerator is not a bare function name (see :mod:`.function_quantities`)."""
        if not isinstance(expr, sympy.Symbol):
            return None
        mention = split_symbol(expr.name)
        cls = None if mention.tokens or mention.sup else function_named(mention.name, self.network)
        if cls is None:
            return None
        written = latex_name(mention.name)
        meant = at_its_argument(cls, written, self.network, self.span)
        self.functions_as_quantities.append((meant, written))
        return meant

    # -- expression tree --------------------------------------------------------
    def _convert(self, e):
        if isinstance(e, sympy.Symbol):
            if e.name in self.raw.derivatives:
                return self.derivative(e.name)
            mention, offsets = split_symbol(e.name), split_offset_subscript(e.name)
            mention = mention if offsets is None else dataclasses.replace(mention, tokens=offsets)
            return self.entry(with_time_superscript(  # h^{(t-1)}_j
                mention, self.network, lambda m: read_label(m, self.network, self.span)))
        if e is sympy.E:
            return Exp(sympy.Integer(1))
        if e is sympy.I and "I" in self.network.index_ranges.values():  # the grammar's imaginary unit
            return self.entry(split_symbol("I"))  # is the size I here (\frac{1}{I})
        if isinstance(e, sympy.Number) or e is sympy.pi:  # π: in the normal density (GELU)
            return e
        if isinstance(e, sympy.Sum):
            return self._window(e) if window_kind(e) else self._sum(e)  # \max_{m}: model/calls.py
        if isinstance(e, sympy.KroneckerDelta):  # from \sum_{k \neq i}: index letters as written
            return sympy.KroneckerDelta(*(self.index(str(a)) for a in e.args))
        if isinstance(e, sympy.exp):
            return Exp(self._convert(e.args[0]))
        if isinstance(e, sympy.log):
            if len(e.args) == 2 and e.args[1] is not sympy.E:
                raise ModelError(f"logarithm to base {e.args[1]}", self.span,
                                 r"\log and \ln are natural logarithms; write \ln")
            return Log(self._convert(e.args[0]))
        if isinstance(e, sympy.Pow) and e.base is sympy.E:
            return Exp(self._convert(e.exp))
        if isinstance(e, sympy.Pow):
            base, exponent = (self._convert(a) for a in e.args)
            self._power_not_a_layer(exponent)
            return sympy.Pow(base, exponent)
        if isinstance(e, (sympy.Add, sympy.Mul)):
            return e.func(*[self._convert(a) for a in e.args])
        if isinstance(e, (sympy.Max, sympy.Min, sympy.Abs, sympy.Heaviside, sympy.sign)):
            return self._piecewise(e)
        if isinstance(e, sympy.Function) or isinstance(e, sympy.core.function.AppliedUndef):
            given = re.search(GIVEN_PREFIX + "([A-Za-z])([A-Za-z]*)", str(e.func))
            if given:  # p(o|c) that no p(w|c) = … of the block wrote out
                written = f"{given.group(1)}({e.args[0]}|{','.join(given.group(2))})"
                raise NotationError(f"{written} is a conditional probability, which is read only where "
                                    "the block defines it", self.span,
                                    f"define it in the block, e.g. {given.group(1)}(w|{','.join(given.group(2))}) "
                                    "= \\hat{y}_w, with the letters declared under indices or fixed")
            return self._function(e)
        raise NotationError(f"cannot use '{e}' in a derivation", self.span,
                            "write sums, products, powers, fractions and exp/log/tanh/sigma")

    def _power_not_a_layer(self, exponent) -> None:
        """A superscript naming a quantity the model defines (``\\delta^L`` with L the loss) is
        more likely a layer than a power: an error, never a silent power."""
        defined = {d.tensor for d in self.network.definitions}
        named = [t for t in tensors_in(exponent, self.network) if t in defined]
        if named:
            raise NotationError(f"the superscript {named[0].name} names a quantity of the model: "
                                "a layer superscript is not read yet, and a power by it is "
                                "ambiguous", self.span,
                                f"for a power write e^{{{named[0].name} \\log(…)}}; for a layer, "
                                "name the quantity without the superscript")

    def _sum(self, e: sympy.Sum):
        body = e.function
        limits, conditions = [], []
        for var, lower, upper in e.limits:
            mention = split_symbol(var.name)
            token = mention.name + "'" * sum(t.count("p") for t in mention.tokens)
            if mention.tokens and not all(set(t) <= {"p"} for t in mention.tokens):
                token = var.name
            if not re.fullmatch(r"[A-Za-z]'*", token):
                raise NotationError(f"cannot sum over '{var.name}'", self.span,
                                    r"sum over an index letter: \sum_k or \sum_{k=1}^{K}")
            symbol = self.index(token)
            size = self.network.size_symbol(token)
            try:
                self._whole_range(token, size, lower, upper)
            except NotationError:  # \sum_{m=\max(0, i-K+1)}^{\min(i, M-1)}: part of the range
                part = bounded_range(token, symbol, lower, upper, self.network, self.index, self.span)
                if part is None:
                    raise
                conditions.append(part)
            limits.append((symbol, 0, size - 1))
        return sympy.Sum(sympy.Mul(*conditions, self._convert(body)), *limits)

    def _whole_range(self, token: str, size: sympy.Symbol, lower, upper) -> None:
        """Raise unless the written bounds are the first and the last entry (1 and the size, or
        0 and the size - 1 under origin: 0), or none (the whole range)."""
        unwritten = upper == sympy.Symbol(WHOLE_RANGE)
        origin = self.network.origin
        last = size if origin == 1 else size_expr(str(size)) + origin - 1  # L - W + 1 - 1 is L - W
        plain = [re.sub(r"[{}\s]", "", str(x)) for x in (upper, last)]  # N_{h} is N_h
        if lower == origin and (unwritten or plain[0] == plain[1] or _same_size(upper, last)):
            return
        written_one = re.search(rf"\\sum_\{{\s*{re.escape(token)}\s*=", self.text)
        if unwritten and lower == 1 and not written_one:
            return  # \sum_m: the whole range, whatever the origin (the 1 is the normaliser's)
        shown = split_symbol(upper.name).written if isinstance(upper, sympy.Symbol) else upper
        bounds = f"from {lower}" if unwritten else f"from {lower} to {shown}"
        hint = (rf"write \sum_{{{token}={origin}}}^{{{last}}} or \sum_{{{token}}}: partial sums are "
                "not supported")
        if lower == 0:
            hint += "; a bias unit x_0 = 1 is written as its own term (a bias b_j)"
        elif lower == 1 and isinstance(upper, sympy.Symbol) \
                and plain[0] not in self.network.index_ranges.values():
            hint = (f"if {shown} is the number of values of {token}, name the size as written: "
                    f"indices: {{{token}: {shown}}}; else " + hint)
        raise NotationError(f"the sum over {token} runs {bounds}, not over all of {origin}..{last}",
                            self.span, hint)


def _same_size(upper, last) -> bool:
    """Whether a written bound is the size expression ``last`` (``-M + I`` is ``I - M``)."""
    if not isinstance(upper, sympy.Expr):
        return False

    def plain(e):  # the same names, whatever assumptions their symbols carry (I: the size)
        named = e.xreplace({s: sympy.Symbol(s.name) for s in e.free_symbols})
        return named.xreplace({sympy.I: sympy.Symbol("I")})
    return sympy.expand(plain(upper) - plain(last)) == 0


def free_indices(expr) -> set[sympy.Symbol]:
    """Index symbols of ``expr`` that are not bound by a sum."""
    if isinstance(expr, (sympy.Indexed, sympy.KroneckerDelta)):  # x_{t+1}: t is free (sizes are not)
        return {s for i in (expr.indices if isinstance(expr, sympy.Indexed) else expr.args)
                for s in i.free_symbols if not s.is_positive}
    if isinstance(expr, sympy.Sum):
        bound = {lim[0] for lim in expr.limits}
        return free_indices(expr.function) - bound
    if isinstance(expr, sympy.Symbol):
        return set()
    out: set[sympy.Symbol] = set()
    for arg in expr.args:
        out |= free_indices(arg)
    return out


def derivatives_without_path(network: Network, *sides) -> list[str]:
    """Derivatives in ``sides`` that are 0 because the quantity does not depend on the variable
    at all. A claim that holds only as 0 = 0 is rarely what its author meant, so it is said."""
    reach = network.dependencies()
    found = []
    for grad in {g for side in sides for g in side.atoms(Grad)}:
        of, wrt = (_tensor_or_none(network, a) for a in grad.args)
        if of is None or wrt is None:
            continue  # the derivative of an expression written out: its own dependencies
        if of != wrt and wrt not in reach.get(of, ()):
            found.append(f"{of.latex} does not depend on {wrt.latex} in this model: that derivative is 0")
    return sorted(found)


def _tensor_or_none(network: Network, expr) -> Tensor | None:
    """The tensor an entry or a scalar names, or None for any other expression."""
    if isinstance(expr, sympy.Indexed):
        return network.tensors.get(expr.base.label.name)
    if isinstance(expr, sympy.Symbol):
        return network.tensors.get(expr.name)
    return None
