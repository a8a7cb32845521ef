"""Index expressions written back in matrix and vector notation (``h_j (o_k - t_k)`` → ``h (o - t)ᵀ``).

How it works: an expression is converted for the free indices that are its rows and its
columns. A tensor entry is its name, transposed when its indices come in the other order;
a product splits its factors by the free indices they carry — factors of the rows alone
make a column vector, of the columns alone a row, and the two an outer product; a
Kronecker delta between rows and columns makes a diagonal matrix. A sum over a bound
index s is a matrix product: the factors with the rows and s are the left matrix, those
with s and the columns the right one, those with s alone go to either side (every split is
tried and the shortest result kept: ``Σ_k (1_{ki} - o_i) o_k (o_k - t_k)`` becomes
``(diag(o) - o oᵀ)(o - t)``); a sum with nothing on one side is a NumPy axis sum. A factor
that mixes shapes (``1_{ij} - o_i``) is distributed over its product first. Powers of
arrays are element-wise products; functions apply to every entry.

What has no faithful matrix form — a scalar added to every entry, an entry at a fixed
index, a tensor of three indices, an element-wise quotient, a function the matrix reader
does not read — raises :class:`NoMatrixForm` with the reason; nothing is approximated.
"""

from __future__ import annotations

import itertools

import sympy

from ..model.functions import Opaque
from ..model.index_notation import free_indices
from ..model.matrix_names import name_of
from ..model.tensors import Network
from .matrix_terms import (SCALAR, AxisSum, Call, Constant, Diag, Hadamard, Leaf, Node, Plus, Power,
                           Product, Reciprocal, size, transpose)
from .printing import model_order

# functions the matrix reader applies to every entry: the row's name -> (LaTeX, text)
ELEMENTWISE = {"tanh": (r"\tanh", "tanh"), "sigmoid": (r"\sigma", "σ"), "exp": (r"\exp", "exp"),
               "log": (r"\log", "log"), "step": (r"\mathbb{1}", "1")}  # step: 1[z > 0]
MAX_SPLITS = 4  # factors of a bound index alone: beyond this only the simplest splits are tried


class NoMatrixForm(Exception):
    """An index expression that matrix notation cannot write faithfully; the message says why."""


class MatrixWriter:
    """Converts index expressions over one network into matrix trees (see the module's docstring)."""

    def __init__(self, network: Network):
        self.network = network
        self.rank = model_order(network).rank
        self._memo: dict = {}

    # -- entry point -----------------------------------------------------------------------
    def convert(self, expr: sympy.Expr, rows: sympy.Symbol | None, cols: sympy.Symbol | None) -> Node:
        """``expr`` as an array whose row index is ``rows`` and column index ``cols`` (None: one)."""
        expr = expr.replace(_size_value, lambda total: total.limits[0][2] + 1)  # Σ_i 1 is the size m
        key = (expr, rows, cols)
        if key not in self._memo:
            try:
                self._memo[key] = self._convert(expr, rows, cols)
            except NoMatrixForm as reason:
                self._memo[key] = reason
        found = self._memo[key]
        if isinstance(found, NoMatrixForm):
            raise found
        return found

    def _convert(self, expr, rows, cols) -> Node:
        wanted = {s for s in (rows, cols) if s is not None}
        if free_indices(expr) != wanted:
            raise NoMatrixForm(f"{expr} does not have the indices {', '.join(map(str, wanted)) or 'none'}")
        if rows is None and cols is not None:  # a row vector: the transposed column
            return transpose(self.convert(expr, cols, None))
        dims = (rows is not None, cols is not None)
        if isinstance(expr, sympy.Number) or self.constant(expr):
            return Constant(SCALAR, expr)
        if isinstance(expr, (sympy.Symbol, sympy.Indexed)):
            return self.leaf(expr, rows, cols)
        if isinstance(expr, sympy.KroneckerDelta):
            raise NoMatrixForm("the identity matrix (a Kronecker delta alone) is not read in matrix notation")
        if isinstance(expr, sympy.Add):
            return self.plus(expr, rows, cols, dims)
        if isinstance(expr, sympy.Mul):
            return self.product(expr, rows, cols, dims)
        if isinstance(expr, sympy.Pow):
            return self.power(expr, rows, cols, dims)
        if isinstance(expr, sympy.Sum):
            return self.summation(expr, rows, cols, dims)
        if isinstance(expr, Opaque):
            return self.call(expr, rows, cols, dims)
        raise NoMatrixForm(f"{type(expr).__name__} has no matrix form")

    def constant(self, expr) -> bool:
        """A number or a product of powers of sizes (1/m): printed as a fraction."""
        sizes = set(self.network.index_ranges.values())
        return bool(expr.free_symbols) and all(s.name in sizes and s.is_positive for s in expr.free_symbols) \
            and not expr.has(sympy.Sum, sympy.Indexed, Opaque)

    # -- names -------------------------------------------------------------------------------
    def leaf(self, expr, rows, cols) -> Node:
        base = expr.base if isinstance(expr, sympy.Indexed) else expr
        if str(base.label if isinstance(base, sympy.IndexedBase) else base) not in self.network.tensors:
            raise NoMatrixForm(f"{expr} is not a quantity of the model")
        tensor = self.network.tensor_of(base)
        indices = tuple(expr.indices) if isinstance(expr, sympy.Indexed) else ()
        if any(not i.is_Symbol for i in indices):
            raise NoMatrixForm(f"the entry {expr} at a fixed or shifted index has no matrix form")
        if len(indices) > 2:
            raise NoMatrixForm(f"{tensor} has {len(indices)} indices: not a matrix or a vector")
        if len(set(indices)) < len(indices):
            raise NoMatrixForm(f"the diagonal of {tensor.name} is not read in matrix notation")
        dims = (rows is not None, cols is not None)
        if indices == tuple(s for s in (rows, cols) if s is not None):
            return Leaf(dims, name_of(self.network, tensor))
        if indices == (cols, rows):
            return Leaf(dims, name_of(self.network, tensor), transposed=True)
        raise NoMatrixForm(f"{expr} does not fit rows {rows} and columns {cols}")

    def order_key(self, expr) -> float:
        names = {self.network.tensor_of(a.base).name for a in expr.atoms(sympy.Indexed)
                 if a.base.label.name in self.network.tensors}
        names |= {self.network.tensors[s.name].name for s in expr.atoms(sympy.Symbol)
                  if s.name in self.network.tensors}
        return min((self.rank.get(n, len(self.rank)) for n in names), default=-1)

    # -- sums of terms ---------------------------------------------------------------------------
    def plus(self, expr: sympy.Add, rows, cols, dims) -> Node:
        # its products multiplied out, like terms cancel: A ⊙ (1 - y) - y ⊙ (1 - A) is A - y
        flat = sympy.Add(*[sympy.expand(t, deep=False) for t in expr.args])
        forms = []
        for candidate in dict.fromkeys([expr, flat]):
            try:
                forms.append(self.terms(candidate, rows, cols, dims))
            except NoMatrixForm as reason:
                failure = reason
        if not forms:
            raise failure
        return min(forms, key=size)

    def terms(self, expr, rows, cols, dims) -> Node:
        if not isinstance(expr, sympy.Add):
            return self.convert(expr, rows, cols)
        vector = dims in ((True, False), (False, True))
        terms = []
        for term in sorted(expr.args, key=lambda t: (self.order_key(t), sympy.count_ops(t))):
            sign = -1 if term.could_extract_minus_sign() else 1
            term = -term if sign < 0 else term
            if not free_indices(term) and dims != SCALAR:
                if not (term.is_Number and vector):
                    raise NoMatrixForm(f"{term} added to every entry of an array needs the ones "
                                       "vector, which matrix notation does not read")
                terms.append((sign, Constant(SCALAR, term)))
                continue
            if free_indices(term) != free_indices(expr):
                raise NoMatrixForm(f"{term} repeated along every row or column has no matrix form "
                                   "without the ones vector")
            node = self.convert(term, rows, cols)
            # a sum inside a sum is spliced in: -(y - A ⊙ y) must not print as - y - A ⊙ y
            terms += [(sign * s, t) for s, t in node.terms] if isinstance(node, Plus) else [(sign, node)]
        first_positive = next((n for n, (s, _t) in enumerate(terms) if s > 0), 0)
        terms.insert(0, terms.pop(first_positive))
        return Plus(dims, tuple(terms))

    # -- products ------------------------------------------------------------------------------
    def product(self, expr: sympy.Mul, rows, cols, dims) -> Node:
        try:
            return self.direct_product(expr, rows, cols, dims)
        except NoMatrixForm as reason:
            failure = reason
        # a factor that mixes shapes (1_{ij} - o_i): distribute it over the product
        forms = []
        factors = list(expr.args)
        for n, factor in enumerate(factors):
            if isinstance(factor, sympy.Add):
                rest = sympy.Mul(*factors[:n], *factors[n + 1:])
                distributed = sympy.Add(*[rest * term for term in factor.args])
                try:
                    forms.append(self.convert(distributed, rows, cols))
                except NoMatrixForm:
                    continue
        if not forms:
            raise failure
        return min(forms, key=size)

    def direct_product(self, expr: sympy.Mul, rows, cols, dims) -> Node:
        coeff, factors = expr.as_coeff_mul()
        scalar, row, col, both, deltas = [], [], [], [], []
        for factor in factors:
            free = free_indices(factor)
            if isinstance(factor, sympy.KroneckerDelta) and rows is not None and cols is not None \
                    and set(factor.args) == {rows, cols}:
                deltas.append(factor)
            elif not free:
                scalar.append(factor)
            elif free == {rows}:
                row.append(factor)
            elif free == {cols}:
                col.append(factor)
            else:
                both.append(factor)
        array = None
        if deltas:
            if both:
                raise NoMatrixForm("a Kronecker delta times a matrix has no matrix form")
            on_diagonal = [f.xreplace({cols: rows}) for f in row + col]
            if not on_diagonal:
                raise NoMatrixForm("the identity matrix is not read in matrix notation")
            array = Diag(dims, self.hadamard(on_diagonal, rows))
        elif rows is not None and cols is not None:
            if both:
                core = self.hadamard_nodes([self.convert(f, rows, cols)
                                            for f in sorted(both, key=self.hadamard_key)], dims)
                left = [Diag(dims, self.hadamard(row, rows))] if row else []
                right = [Diag(dims, self.hadamard(col, cols))] if col else []
                array = product_of(dims, left + [core] + right)
            elif row and col:
                array = product_of(dims, [self.hadamard(row, rows),
                                          transpose(self.hadamard(col, cols))])
            else:
                raise NoMatrixForm("a vector repeated along every row or column has no matrix form "
                                   "without the ones vector")
        elif rows is not None:
            array = self.hadamard(row, rows)
        parts = [self.convert(f, None, None) for f in sorted(scalar, key=self.order_key)]
        constants = [p for p in parts if isinstance(p, Constant)]
        others = [p for p in parts if not isinstance(p, Constant)]
        value = coeff * sympy.Mul(*[c.value for c in constants])
        head = [] if value == 1 else [Constant(SCALAR, value)]
        return product_of(dims, head + others + ([array] if array is not None else []))

    def hadamard(self, factors: list, rows) -> Node:
        """The element-wise product of factors with the single free index ``rows`` (a column)."""
        ordered = sorted(factors, key=self.hadamard_key)
        return self.hadamard_nodes([self.convert(f, rows, None) for f in ordered], (True, False))

    def hadamard_key(self, factor) -> tuple:
        """The back-propagated product first, as in (W^T δ) ⊙ σ'(z); then h ⊙ (1 - h)."""
        return not factor.has(sympy.Sum), self.order_key(factor), isinstance(factor, sympy.Add)

    @staticmethod
    def hadamard_nodes(nodes: list, dims) -> Node:
        flat = []
        for node in nodes:
            flat += list(node.factors) if isinstance(node, Hadamard) else [node]
        return flat[0] if len(flat) == 1 else Hadamard(dims, tuple(flat))

    def power(self, expr: sympy.Pow, rows, cols, dims) -> Node:
        base, exponent = expr.args
        if not exponent.is_Integer:
            raise NoMatrixForm(f"the power {exponent} is not read in matrix notation")
        n = int(exponent)
        if dims == SCALAR:
            inner = self.convert(base, None, None)
            raised = inner if abs(n) == 1 else Power(SCALAR, inner, abs(n))
            return Reciprocal(SCALAR, raised) if n < 0 else raised
        if n < 1:
            raise NoMatrixForm("an element-wise quotient of arrays is not read in matrix notation")
        return self.hadamard_nodes([self.convert(base, rows, cols)] * n, dims)

    def call(self, expr: Opaque, rows, cols, dims) -> Node:
        name = expr.name
        if name.startswith("generic "):  # the block's arbitrary activation g and its derivatives
            spelled = name.split(" ", 1)[1]
            latex = text = spelled
        elif name in ELEMENTWISE:
            latex, text = ELEMENTWISE[name]
        else:
            raise NoMatrixForm(f"the function {name} applied to every entry is not read in matrix "
                               "notation")
        return Call(dims, latex, text, self.convert(expr.args[0], rows, cols))

    # -- sums over a bound index -----------------------------------------------------------
    def summation(self, expr: sympy.Sum, rows, cols, dims) -> Node:
        # Σ_a Σ_b f: the sum over a of the sum over b (SymPy would merge a rebuilt nest again)
        body = sympy.Sum(expr.function, *expr.limits[1:]) if len(expr.limits) > 1 else expr.function
        return self.sum_over(expr.limits[0], body, rows, cols, dims)

    def sum_over(self, limit, body, rows, cols, dims) -> Node:
        """Σ_s body over the whole range of s (see the module's docstring)."""
        s, low, high = limit
        if low != 0 or high + 1 != self.network.size_symbol(str(s)):
            raise NoMatrixForm(f"a sum over part of the range of {s} has no matrix form")
        if s not in free_indices(body):
            return self.convert((high + 1) * body, rows, cols)
        if isinstance(body, sympy.Add):
            return self.convert(sympy.Add(*[sympy.Sum(t, (s, low, high)) for t in body.args]), rows, cols)
        factors = sympy.Mul.make_args(body)
        outside = [f for f in factors if s not in free_indices(f)]
        if outside:
            inside = sympy.Mul(*[f for f in factors if s in free_indices(f)])
            return self.convert(sympy.Mul(*outside) * sympy.Sum(inside, (s, low, high)), rows, cols)
        with_rows = [f for f in factors if rows is not None and rows in free_indices(f)]
        with_cols = [f for f in factors if cols is not None and cols in free_indices(f)]
        if set(with_rows) & set(with_cols):
            raise NoMatrixForm(f"a factor with {rows}, {cols} and {s} has no matrix form")
        alone = [f for f in factors if f not in with_rows and f not in with_cols]
        alone = [b for f in alone for b in ([f.base] * int(f.exp) if _small_power(f) else [f])]
        forms = []
        for moved in _splits(alone):
            rest = [f for n, f in enumerate(alone) if n not in moved]
            mine = [alone[n] for n in moved]
            try:
                forms.append(self.contraction(with_rows + mine, rest + with_cols, s, rows, cols, dims))
            except NoMatrixForm as reason:
                failure = reason
        if not forms:
            raise failure
        return min(forms, key=size)

    def contraction(self, left: list, right: list, s, rows, cols, dims) -> Node:
        """Σ_s left(rows, s) right(s, cols) as a matrix product (an axis sum when a side is empty)."""
        if not left and not right:
            raise NoMatrixForm("an empty sum")
        if rows is None and not left:
            left, right = right[:1], right[1:]
        if not right:
            matrix = self.convert(sympy.Mul(*left), rows, s)
            if rows is None:
                return AxisSum(dims, transpose(matrix), 0)
            if isinstance(matrix, Leaf) and matrix.transposed:  # sum(Dᵀ, axis=1) = sum(D, axis=0)ᵀ
                return transpose(AxisSum((False, True), transpose(matrix), 0))
            return AxisSum(dims, matrix, 1)
        first = self.convert(sympy.Mul(*left), rows, s)
        second = self.convert(sympy.Mul(*right), s, cols)
        return product_of(dims, [first, second])


def product_of(dims, nodes: list) -> Node:
    """The product of ``nodes``, nested products flattened and their numbers gathered in front
    (``h (-1 X)`` would print as ``h - X``)."""
    flat = []
    for node in nodes:
        flat += list(node.factors) if isinstance(node, Product) else [node]
    value = sympy.Mul(*[f.value for f in flat if isinstance(f, Constant)])
    flat = ([] if value == 1 else [Constant(SCALAR, value)]) + [f for f in flat if not isinstance(f, Constant)]
    if not flat:
        return Constant(SCALAR, value)
    return flat[0] if len(flat) == 1 else Product(dims, tuple(flat))


def _size_value(expr) -> bool:
    """``Σ_i 1`` over a whole range: how a size written as a value (``\frac{1}{m}``) is read."""
    return isinstance(expr, sympy.Sum) and expr.function == 1 and len(expr.limits) == 1 \
        and expr.limits[0][1] == 0


def _small_power(factor) -> bool:
    return isinstance(factor, sympy.Pow) and factor.exp.is_Integer and 2 <= factor.exp <= 4


def _splits(alone: list):
    """Which factors of the bound index alone join the left matrix: none first, then more."""
    count = len(alone)
    sizes = range(count + 1) if count <= MAX_SPLITS else (0, 1, count)
    for k in sizes:
        yield from itertools.combinations(range(count), k)
