"""Print model expressions back in the author's notation (LaTeX and plain text).

Names print as written: a tensor named ``hat{y}`` is ``\\hat{y}`` in LaTeX and ``ŷ`` in
text, ``beta`` is ``\\beta`` and ``β``, a multi-letter name is ``\\mathrm{net}`` and
``net``. With a :class:`NameOrder` the printers also follow the author's term order:
the terms of a sum, and (when asked) the factors of a product, come in the order in
which their names first occur in the author's text, and a sum starts with a positive
term unless the author wrote a minus there. Only the printed order changes, never
the expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy
from sympy.printing.latex import LatexPrinter, _between_two_numbers_p
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter

from ..model.functions import FUNCTIONS, Opaque
from ..model.names import DECORATED, GREEK_NAMES, latex_name, split_superscript, text_name
from ..model.offsets import written_index
from ..model.tensors import Network

def _size_written(expr: sympy.Sum) -> str | None:
    """``\\sum_n 1`` over a whole range is its size, written as the note writes a size value (N)."""
    if expr.function != 1 or len(expr.limits) != 1:
        return None
    _var, lower, upper = expr.limits[0]
    size = upper + 1
    return str(size) if lower == 0 and isinstance(size, sympy.Symbol) else None


def _indices(indices, origin: int = 1) -> str:
    """Entries (0-based) as the author writes them, counting from ``origin`` (the block's)."""
    parts = []
    for i in indices:
        if isinstance(i, sympy.Integer):
            parts.append(str(int(i) + origin))
        elif i.is_Symbol:
            parts.append(str(i))
        else:  # h_{t-1,k}: index arithmetic; written_index counts from 1, shifted to the origin
            letters = [s for s in i.free_symbols if not s.is_positive]
            parts.append(written_index(i + (origin - 1) * (1 - sum(i.coeff(s) for s in letters))))
    joiner = "," if any(len(p.rstrip("'")) > 1 for p in parts) else ""
    return joiner.join(parts)


# -- the author's order ---------------------------------------------------------------

@dataclass
class NameOrder:
    """Where names first occur in the author's text: ``rank[name]``, and whether a minus sign
    leads the sum there (``negative``). ``products``: order factors too, not only terms."""

    rank: dict[str, int] = field(default_factory=dict)
    negative: set[str] = field(default_factory=set)
    products: bool = False

    def __bool__(self) -> bool:
        return bool(self.rank)


def _spellings(name: str) -> list[str]:
    """Regular expressions for the ways an author writes the name ``name``."""
    name, superscript = split_superscript(name)
    if superscript:
        return [rf"{pattern}\s*{re.escape(superscript)}" for pattern in _spellings(name)]
    m = DECORATED.match(name)
    if m:
        inner = re.escape(m.group(2).strip()).replace(r"\ ", r"\s*")
        return [rf"\\{m.group(1)}\s*\{{\s*{inner}\s*\}}", rf"\\{m.group(1)}\s+{inner}(?![A-Za-z])"]
    if name in GREEK_NAMES:
        return [rf"\\{name}(?![A-Za-z])"]
    word = re.escape(name)
    if len(name) > 1 and name.isalpha():
        return [rf"\\(?:mathrm|text|textrm|operatorname|mathit)\s*\{{\s*{word}\s*\}}"]
    return [rf"(?<![\\A-Za-z]){word}(?![A-Za-z])"]


# what may stand between a leading minus and the name of the term it signs
_LEAD = re.compile(r"(?:\s|\(|\[|\{|\\left\s*[(\[]|\\frac\s*\{|\\sum_\{[^{}]*\}|\\sum_\w)*$")


def _leading_minus(before: str) -> bool:
    """Whether ``before`` ends in a minus that opens a sum (``(-t``, ``= -\\frac{t``), not ``1 - t``."""
    before = _LEAD.sub("", before).rstrip()
    if not before.endswith("-"):
        return False
    rest = before[:-1].rstrip()
    return not rest or rest.endswith(("(", "[", "{", "=", "&"))


def name_order(names, texts, products: bool = False) -> NameOrder:
    """The order of first occurrence of ``names`` in ``texts`` (read one after the other).

    A name found inside a longer one (``y`` in ``\\hat{y}``) does not count there.
    """
    order = NameOrder(products=products)
    found: list[tuple[int, int, str]] = []
    offset = 0
    pending = sorted(set(names), key=len, reverse=True)
    for text in texts:
        masked = text
        hits: list[tuple[int, str]] = []
        for name in pending:
            for pattern in _spellings(name):
                matches = list(re.finditer(pattern, masked))
                for m in matches:
                    masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
                if matches:
                    hits.append((matches[0].start(), name))
                    if _leading_minus(text[:matches[0].start()]):
                        order.negative.add(name)
                    break
        for position, name in sorted(hits):
            found.append((offset + position, len(found), name))
        pending = [n for n in pending if n not in {name for _p, name in hits}]
        offset += len(text) + 1
    for position, _n, name in sorted(found):
        order.rank.setdefault(name, len(order.rank))
    return order


def model_order(network: Network, products: bool = False) -> NameOrder:
    """Names in the order the model's definitions introduce them (each left side, then its right)."""
    return name_order(_names_of(network), _model_texts(network), products)


def claim_order(network: Network, texts) -> NameOrder:
    """Names in the order of the author's ``texts`` (a claim), then of the model; products too."""
    return name_order(_names_of(network), [*texts, *_model_texts(network)], products=True)


def _names_of(network: Network) -> set[str]:
    return {t.name for t in network.tensors.values()}


def _model_texts(network: Network) -> list[str]:
    texts = []
    for d in network.definitions:
        texts += [latex_name(d.tensor.name), d.source or ""]
    return texts


# -- printers -------------------------------------------------------------------------

class _Ordering:
    """The author's order for the terms of sums and the factors of products (a printer mixin)."""

    network: Network | None
    author: NameOrder | None

    def _origin(self) -> int:
        return 1 if self.network is None else self.network.origin

    def _as_ordered_terms(self, expr, order=None):  # the printer's own order, then the author's
        return self._author_terms(list(super()._as_ordered_terms(expr, order=order)))

    def _names(self, expr) -> set[str]:
        names = set()
        if self.network is None:
            return names
        tensors = self.network.tensors
        for atom in expr.atoms(sympy.Symbol):  # an IndexedBase's label is a symbol named by its key
            if str(atom) in tensors:
                names.add(tensors[str(atom)].name)
        return names

    def _rank(self, expr) -> float:
        ranks = [self.author.rank[n] for n in self._names(expr) if n in self.author.rank]
        return min(ranks) if ranks else float("inf")

    def _author_terms(self, terms: list) -> list:
        if not self.author or len(terms) < 2:
            return terms
        # a number keeps SymPy's place (1 - p, |z| + 1); the other terms take the author's order
        named = iter(sorted((t for t in terms if not t.is_Number), key=self._rank))
        terms = [t if t.is_Number else next(named) for t in terms]
        first = terms[0]
        if first.could_extract_minus_sign():
            led = [n for n in self._names(first) if n in self.author.rank]
            written_negative = led and min(led, key=self.author.rank.get) in self.author.negative
            positive = next((t for t in terms if not t.could_extract_minus_sign()), None)
            if positive is not None and not written_negative:
                terms.remove(positive)
                terms.insert(0, positive)
        return terms

    def _author_factors(self, expr):
        """(sign, coefficient, factors in the author's order), or None to print as SymPy does."""
        if not (self.author and self.author.products and expr.is_commutative):
            return None
        coeff, factors = expr.as_coeff_mul()
        if len(factors) < 2 or any(f.is_Pow and f.exp.could_extract_minus_sign() for f in factors):
            return None  # a fraction: SymPy's layout
        if not coeff.is_Rational or coeff.q != 1:
            return None
        # a sum goes last whatever its rank: anywhere else it would need brackets
        ordered = sorted(sympy.Mul(*factors).as_ordered_factors(),
                         key=lambda f: (isinstance(f, sympy.Sum), self._rank(f)))
        return ("-" if coeff < 0 else ""), abs(coeff), ordered


class NotationLatexPrinter(_Ordering, LatexPrinter):
    """LaTeX with tensors as ``w_{jk}``, sums as ``\\sum_{k'}`` and deltas as ``1_{ki}``."""

    def __init__(self, network: Network | None = None, author: NameOrder | None = None):
        super().__init__({"mul_symbol": None})
        self.network = network
        self.author = author

    def _tensor_name(self, base) -> str:
        if self.network is not None and str(base) in self.network.tensors:
            return latex_name(self.network.tensors[str(base)].name)
        return str(base).split("[")[0]

    def _print_Indexed(self, expr):
        return f"{self._tensor_name(expr.base)}_{{{_indices(expr.indices, self._origin())}}}"

    def _print_Symbol(self, expr, style="plain"):
        if self.network is not None and str(expr) in self.network.tensors:
            return latex_name(self.network.tensors[str(expr)].name)
        return str(expr) if "'" in str(expr) else super()._print_Symbol(expr)

    def _helper_print_standard_power(self, expr, template: str) -> str:
        # an entry with a superscript (z^{(1)}_j) is bracketed before its power, as SymPy does
        # for symbols: z^{(1)}_{j}^{2} is a double superscript, no LaTeX
        if isinstance(expr.base, sympy.Indexed):
            base = self._print(expr.base)
            if "^" in base:
                return template % (self.parenthesize_super(base), self._print(expr.exp))
        return super()._helper_print_standard_power(expr, template)

    def _print_KroneckerDelta(self, expr, exp=None):
        # 1_{ki}, never \delta_{ki}: notes often name an error signal \delta_k
        text = f"1_{{{_indices(expr.args, self._origin())}}}"
        return f"{text}^{{{exp}}}" if exp else text

    def _print_Sum(self, expr):
        size = _size_written(expr)
        if size is not None:
            return size
        subs = "".join(rf"\sum_{{{var}}} " for var, _lo, _hi in expr.limits)
        body = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            body = rf"\left({body}\right)"
        return subs + body

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, Opaque):
            return FUNCTIONS[expr.name].to_latex(self._print(expr.args[0]), exp)
        if type(expr).__name__ == "Grad":
            of, wrt = (self._print(a) for a in expr.args)
            return rf"\frac{{\partial {of}}}{{\partial {wrt}}}"
        return super()._print_Function(expr, exp)

    def _print_Mul(self, expr):
        parts = self._author_factors(expr)
        if parts is None:
            return super()._print_Mul(expr)
        sign, coeff, factors = parts
        args = ([coeff] if coeff != 1 else []) + factors
        tex = last = ""
        for i, term in enumerate(args):
            term_tex = self._print(term)
            if self._needs_mul_brackets(term, first=(i == 0), last=(i == len(args) - 1)):
                term_tex = rf"\left({term_tex}\right)"
            if _between_two_numbers_p[0].search(last) and _between_two_numbers_p[1].match(term_tex):
                tex += self._settings["mul_symbol_latex_numbers"]
            elif tex:
                tex += self._settings["mul_symbol_latex"]
            tex += term_tex
            last = term_tex
        return f"- {tex}" if sign else tex


class NotationStrPrinter(_Ordering, StrPrinter):
    """Plain text: ``h_j*(o_k - t_k)``, ``sum_{k'}(...)``, ``1_{k'k}``, ``ŷ_{k}``."""

    printmethod = "_gradproof_str"  # Indexed's own _sympystr would print the base key

    def __init__(self, network: Network | None = None, author: NameOrder | None = None):
        super().__init__()
        self.network = network
        self.author = author

    def _print_Function(self, expr):
        if isinstance(expr, Opaque):
            return f"{expr.name}({self._print(expr.args[0])})"
        if type(expr).__name__ == "Grad":
            of, wrt = (self._print(a) for a in expr.args)
            return f"d{of}/d{wrt}"
        return super()._print_Function(expr)

    def _print_Symbol(self, expr):
        if self.network is not None and str(expr) in self.network.tensors:
            return text_name(self.network.tensors[str(expr)].name)
        return super()._print_Symbol(expr)

    def _print_Indexed(self, expr):
        name = str(expr.base).split("[")[0]
        if self.network is not None and str(expr.base) in self.network.tensors:
            name = text_name(self.network.tensors[str(expr.base)].name)
        return f"{name}_{{{_indices(expr.indices, self._origin())}}}"

    def _print_KroneckerDelta(self, expr):
        return f"1_{{{_indices(expr.args, self._origin())}}}"

    def _print_Sum(self, expr):
        size = _size_written(expr)
        if size is not None:
            return size
        subs = "".join(f"sum_{{{var}}} " for var, _lo, _hi in expr.limits)
        return f"{subs}({self._print(expr.function)})"

    def _print_Mul(self, expr):
        parts = self._author_factors(expr)
        if parts is None:
            return super()._print_Mul(expr)
        sign, coeff, factors = parts
        prec = precedence(expr)
        args = ([self._print(coeff)] if coeff != 1 else []) + [
            self.parenthesize(f, prec, strict=False) for f in factors]
        return sign + "*".join(args)


def to_latex(expr, network: Network | None = None, author: NameOrder | None = None) -> str:
    return NotationLatexPrinter(network, author).doprint(expr)


def to_text(expr, network: Network | None = None, author: NameOrder | None = None) -> str:
    return NotationStrPrinter(network, author).doprint(expr)
