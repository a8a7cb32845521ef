"""Matrix and vector notation: a matrix expression becomes index expressions over the network.

Each value is an index expression with one free index symbol per dimension that is not one:
the rows and the columns. A product sums over a fresh index letter of the shared size, a
transpose swaps rows and columns, ``\\odot`` and sums join entries at the same position, and
element-wise functions apply to the entry. The finished side has canonical free indices:
the rows are the first index letter of their size (``j``), the columns that letter primed
(``j'``), so two sides compare position by position — the transpose of a J×J matrix is a
different claim, and two sides of different shapes never share their free indices.

Derivatives by a vector or a matrix follow the layout the block declares: ``denominator``
(the default: ∂L/∂W has W's shape) or ``numerator`` (its transpose). The engine, the all-sizes
proof and the diagnosis then see ordinary index expressions.
"""

from __future__ import annotations

import dataclasses
import re

import sympy

from ..errors import GradproofError, NotationError, Span
from ..latex import matrix_parse as mp
from ..latex.matrix_parse import matrix_refusal
from ..latex.parse import RawExpr, parse_latex
from .functions import Exp, Log, function_written
from .generic_functions import LETTERS as GENERIC_LETTERS
from .generic_functions import generic_row
from .index_notation import SIZE_PRIMES, Grad, Mention, Resolver, free_indices
from .matrix_columns import ColumnReading
from .matrix_names import hint_for, mentions, named
from .matrix_settings import record_shape, side_shape
from .names import latex_name
from .matrix_values import ArrayArithmetic, Axis, Value
from .shapes import shape_of
from .superscripts import with_superscript
from .tensors import Network, Tensor, index_symbol

LAYOUTS = ("denominator", "numerator")
__all__ = ["LAYOUTS", "MatrixResolver", "Value", "read_matrix"]


class MatrixResolver(ArrayArithmetic, ColumnReading):
    """Reads one term of a claim written in matrix notation (see the module's docstring)."""

    def __init__(self, network: Network, mode: str, span: Span, text: str = "",
                 layer: int | None = None, layout: str = "denominator", star: str | None = None,
                 prime: str | None = None):
        self.network, self.mode, self.span, self.text = network, mode, span, text
        self.layout, self.star, self.prime = layout, star, prime  # prime: 'transpose' where declared
        self.columns: dict[str, tuple[str, sympy.Symbol]] = {}  # sums over examples: letter -> axis
        self.index_reader = Resolver(network, mode, span, text, layer)
        self.count = 1
        self.fractions = 0  # how deep in \frac: a size is a value (\frac{1}{m}) only there

    # -- entry points ------------------------------------------------------------------
    def resolve(self, raw: RawExpr) -> sympy.Expr:
        """A block's define lines are index notation even when its claims are matrices."""
        return self.index_reader.resolve(raw)

    def resolve_text(self, text: str) -> sympy.Expr:
        self.text = text
        self.index_reader.text = text
        value = self.value(mp.parse_matrix(text, self.span, self.star, subscripted(self.network)))
        return canonical(value, self.network)

    # -- helpers -----------------------------------------------------------------------
    def error(self, message: str, node: mp.Node, hint: str = "") -> NotationError:
        return NotationError(message, self.span.shifted(self.text[:node.pos]), hint)

    def fresh(self, size: str) -> sympy.Symbol:
        self.count += 1
        if self.count == SIZE_PRIMES:
            self.count += 1
        return index_symbol(letter_of(self.network, size) + "'" * self.count)

    def axis(self, size: str | None) -> Axis:
        return None if size is None else (size, self.fresh(size))

    # -- the tree ----------------------------------------------------------------------
    def value(self, node: mp.Node, ones_ok: bool = False) -> Value:
        """The value of a node; the vector of ones only where a product or a sum may size it."""
        result = getattr(self, "_" + type(node).__name__.lower())(node)
        if result.ones and not ones_ok:
            raise self.error(r"the length of the vector of ones \mathbf{1} is not determined here", node,
                             r"\mathbf{1} gets its length from a product (dZ \mathbf{1}, \mathbf{1}^T x) "
                             "or a sum with a vector")
        return result

    def _num(self, node: mp.Num) -> Value:
        return Value(node.value)

    def _name(self, node: mp.Name) -> Value:
        column = self.column_of(node)  # dZ^{[l](i)} in a sum over i
        if column is not None:
            return column
        alias = named(self.network, node.base) if node.sup is None else None
        if alias is not None:  # the block's matrices: W_1 for w_{ij}
            return self.leaf(alias, node)
        name = with_superscript(node.base, node.sup) if node.sup else node.base
        mention = Mention(name, [], node.written, node.base, node.sup)
        if node.sup is not None:
            resolved = self.index_reader.named(mention)
            if isinstance(resolved, int):
                inner = self._name(dataclasses.replace(node, sup=None))
                return self._power(mp.Power(mp.Num(0), resolved, pos=node.pos), inner)
            if resolved.tokens:
                raise self.error(f"{node.written} is an entry of {resolved.name}, not a matrix or a vector",
                                 node, "write the claim in index notation")
            mention = resolved
        tensors = [t for t in self.network.tensors.values() if t.name == mention.name]
        if not tensors:
            if mention.name in self.network.index_ranges.values() and self.fractions:
                return Value(self.index_reader.size_value(mention.name))  # \frac{1}{m}
            known = ", ".join(latex_name(n) for n in sorted({t.name for t in self.network.tensors.values()}))
            raise self.error(f"unknown symbol {node.written}", node, f"symbols of this context: {known}")
        if len(tensors) > 1:
            raise self.error(f"{node.written} could mean any of {', '.join(map(str, tensors))}", node,
                             hint_for(self.network, mention.name))
        return self.leaf(tensors[0], node)

    def _applied(self, node: mp.Applied) -> Value:
        """``J(\\beta)``, the model's scalar written with names it depends on, is that scalar.
        Any other name right before a parenthesis is an error: ``S(X W)`` may be a function of
        ``X W`` (a softmax) as well as a product; a product is written ``S \\cdot (X W)``."""
        name = self._name(node.name)
        tensor = next((t for t in self.network.tensors.values() if t.base == name.expr), None)
        reach = self.network.dependencies().get(tensor, ()) if tensor is not None else ()
        argument = node.arg.arg if isinstance(node.arg, mp.Transpose) else node.arg
        if isinstance(argument, mp.Name) and argument.sup is None and \
                any(t.name == argument.base for t in reach):
            return name
        array = self.applied_array(node, name)  # V (o - t), V a leaf; S(X), S defined from X
        if array is not None:
            return array
        raise self.error(f"'{node.name.written}(…)' reads as a product, {node.name.written} times the "
                         "parentheses, though it may be meant as a function (S(XW))", node,
                         f"for a product write {node.name.written} \\cdot (…); a function of the "
                         "model's names is read as the model's scalar (J(\\theta))")

    def leaf(self, tensor: Tensor, node: mp.Node) -> Value:
        shape = shape_of(tensor)
        if shape is None:
            raise self.error(f"{tensor} has {len(tensor.ranges)} indices: not a matrix or a vector",
                             node, "write the claim in index notation")
        rows, cols = self.axis(shape.rows), self.axis(shape.cols)
        indices = [a[1] for a in (rows, cols) if a]
        return Value(tensor.entry(*indices), rows, cols)

    def _transpose(self, node: mp.Transpose) -> Value:
        if node.by_prime:
            self.check_prime(node)
        return self.value(node.arg, ones_ok=True).transposed()

    def _neg(self, node: mp.Neg) -> Value:
        inner = self.value(node.arg, ones_ok=True)
        return dataclasses.replace(inner, expr=-inner.expr)

    def _power(self, node: mp.Power, inner: Value | None = None) -> Value:
        if isinstance(node.arg, mp.Norm):
            return self.norm_squared(node) if node.exponent == 2 else self._norm(node.arg)
        inner = inner if inner is not None else self.value(node.arg)
        if not inner.scalar:
            raise self.error(f"a power of a {inner.shape} array", node,
                             r"write x^T x for a sum of squares, \|x\|^2, or x \odot x element-wise")
        return Value(inner.expr ** node.exponent)

    def _norm(self, node: mp.Norm) -> Value:
        raise self.error("a norm is read only squared", node, r"write \|x\|^2")

    def norm_squared(self, node: mp.Power) -> Value:
        inner = self.value(node.arg.arg)
        expr = inner.expr ** 2
        for axis in (inner.rows, inner.cols):
            if axis:
                expr = sympy.Sum(expr, (axis[1], 0, self.size(axis[0]) - 1))
        return Value(expr)

    def _trace(self, node: mp.Trace) -> Value:
        inner = self.value(node.arg)
        if inner.rows is None or inner.cols is None or inner.rows[0] != inner.cols[0]:
            raise self.error(f"the trace of a {inner.shape} array: it needs a square matrix", node)
        expr = inner.expr.xreplace({inner.cols[1]: inner.rows[1]})
        return Value(sympy.Sum(expr, (inner.rows[1], 0, self.size(inner.rows[0]) - 1)))

    def _operator(self, node: mp.Operator, inner: Value | None = None) -> Value:
        """diag of a vector (a diagonal matrix), softmax of a vector, logsumexp of a vector."""
        inner = inner if inner is not None else self.value(node.arg)
        if node.word.startswith("sum axis="):  # numpy's axis: 0 sums the rows, 1 the columns
            axis = inner.rows if node.word.endswith("0") else inner.cols
            if axis is None:
                raise self.error(f"{node.word.replace(' ', ', ')} of a {inner.shape} array: that axis has "
                                 "length one", node, "axis=0 sums down the rows, axis=1 along the columns")
            total = sympy.Sum(inner.expr, (axis[1], 0, self.size(axis[0]) - 1))
            return Value(total, None if axis is inner.rows else inner.rows,
                         None if axis is inner.cols else inner.cols)
        if inner.cols is not None or inner.rows is None:
            raise self.error(f"{node.word} of a {inner.shape} array: it is read for column vectors",
                             node, f"write \\operatorname{{{node.word}}}(z) of a vector z")
        size, row = inner.rows
        if node.word == "diag":
            cols = self.axis(size)
            return Value(sympy.KroneckerDelta(row, cols[1]) * inner.expr, inner.rows, cols)
        other = self.fresh(size)
        total = sympy.Sum(Exp(inner.expr.xreplace({row: other})), (other, 0, self.size(size) - 1))
        if node.word == "softmax":
            return Value(Exp(inner.expr) / total, inner.rows)
        return Value(Log(total))

    def _frac(self, node: mp.Frac) -> Value:
        self.fractions += 1
        num, den = self.value(node.num), self.value(node.den)
        self.fractions -= 1
        if not den.scalar:
            raise self.error(f"a fraction with a {den.shape} denominator", node.den,
                             "divide by scalars only")
        return dataclasses.replace(num, expr=num.expr / den.expr)

    def _call(self, node: mp.Call) -> Value:
        if node.function == "Sigma":  # Σ'(z): the diagonal matrix of σ'(z), a diagonal Jacobian
            if any(t.name == "Sigma" for t in self.network.tensors.values()):
                raise self.error("\\Sigma' names the model's \\Sigma and the diagonal matrix of "
                                 "\\sigma'(z)", node, "write \\operatorname{diag}(\\sigma'(z))")
            elementwise = self._call(dataclasses.replace(node, function="sigma"))
            return self._operator(mp.Operator("diag", mp.Num(0), pos=node.pos), elementwise)
        row = self.generic(node) if node.function in GENERIC_LETTERS else function_written(node.function)
        if node.power != 1 and any(t.name == with_superscript(node.function, str(node.power))
                                   for t in self.network.tensors.values()):
            raise self.error(f"\\{node.function}^{node.power}(…) may be the power of a call or the block's "
                             f"\\{node.function}^{node.power} times the parentheses", node,
                             f"write \\{node.function}(z) \\odot \\{node.function}(z) for the entries' "
                             f"squares, or \\{node.function}^{node.power} \\cdot (…) for the product")
        inner = self.value(node.arg)
        u = sympy.Dummy("u", real=True)
        applied = row.cls(u)
        for _ in range(node.order):
            applied = applied.diff(u)
        # \tanh^2(z) of a vector: the power of each entry's value, as the function is each entry's
        return dataclasses.replace(inner, expr=applied.xreplace({u: inner.expr}) ** node.power)

    def generic(self, node: mp.Call):
        """The block's arbitrary activation g; ``g^{[l]}`` is read only on a name of layer [l]
        (the block's one g stands for the activation of every layer)."""
        if node.function not in self.network.generic_functions:
            raise self.error(f"{node.function} is no function of this block",
                             node, f"define the activation in the block, e.g. a_j = {node.function}(z_j)")
        if node.layer is not None and not (isinstance(node.arg, mp.Name) and node.arg.sup is not None
                                           and re.sub(r"\([A-Za-z]\)$", "", node.arg.sup) == node.layer):
            raise self.error(f"{node.function}^{{{node.layer}}}, the activation of layer {node.layer}, "
                             "is read only on a quantity of that layer", node,
                             f"write {node.function}^{{{node.layer}}}(Z^{{{node.layer}}})")
        return generic_row(node.function)

    def _derivative(self, node: mp.Derivative) -> Value:
        wrt = self.value(node.wrt)
        if not isinstance(wrt.expr, (sympy.Indexed, sympy.Symbol)) or isinstance(node.wrt, mp.Transpose):
            raise self.error(f"cannot differentiate by '{self.text[node.wrt.pos:].split('}')[0].strip()}'",
                             node.wrt, "differentiate by a vector or a matrix of the model, such as W or x")
        if node.of is None:
            loss = self.network.loss
            if loss is None:
                raise self.error(r"\nabla needs a loss, and the derivation block defines none", node,
                                 "define the loss in the block, or name it with loss:")
            of = Value(loss.base)
        else:
            of = self.value(node.of)
        if of.expr.has(Grad):
            raise self.error("nested derivatives are not supported", node)
        if of.cols is not None and of.rows is not None or wrt.cols is not None and not of.scalar:
            raise self.error(f"the derivative of a {of.shape} array by a {wrt.shape} array is not a "
                             "matrix", node, "differentiate a scalar, or a vector by a vector")
        of_axis = of.rows or of.cols
        expr = Grad(of.expr, wrt.expr)
        if of_axis is None:  # a scalar: the gradient has the variable's shape (denominator layout)
            rows, cols = wrt.rows, wrt.cols
            if self.layout == "numerator":
                rows, cols = cols, rows
            return Value(expr, rows, cols)
        wrt_axis = wrt.rows or wrt.cols  # a Jacobian: numerator layout is (of) × (variable)
        return Value(expr, of_axis, wrt_axis) if self.layout == "numerator" else Value(expr, wrt_axis, of_axis)

    def size(self, size: str) -> sympy.Symbol:
        return self.network.size_symbol(letter_of(self.network, size))


def letter_of(network: Network, size: str) -> str:
    """The first index letter of a size: the rows' free index (the columns' is it primed)."""
    return next(k for k, v in network.index_ranges.items() if v == size)


def canonical(value: Value, network: Network) -> sympy.Expr:
    """The value with its rows at the size's first letter and its columns at that letter primed."""
    swap = {}
    if value.rows:
        swap[value.rows[1]] = index_symbol(letter_of(network, value.rows[0]))
    if value.cols:
        swap[value.cols[1]] = index_symbol(letter_of(network, value.cols[0]) + "'")
    return value.expr.xreplace(swap)


def read_matrix(network: Network, text: str, span: Span, layout: str,
                index_error: GradproofError, star: str | None = None, prime: str | None = None) -> sympy.Expr:
    """A claim's term that index notation cannot read, read in matrix notation.

    The index reading is tried first, so nothing it reads changes meaning. A term it refuses
    for a bare name of a vector or a matrix, a transpose or a norm, or one with ``\\odot``,
    ``\\circ`` or ``\\top``, is read as a matrix expression. When that fails too, the matrix
    error is raised, unless the term is written in index notation (a sum, an entry) or the
    index error has a better guess (``ak`` for ``a_k``).
    """
    named_here = mentions(network, text)  # W_1 of the block's matrices: never an index reading
    if not (named_here or _looks_matrix(index_error, text)):
        raise index_error
    parsed = False  # a term the matrix grammar parses has only sums over examples in it
    try:
        tree = mp.parse_matrix(text, span, star, subscripted(network))
        parsed = True
        resolver = MatrixResolver(network, "claim", span, text, layout=layout, star=star, prime=prime)
        value = resolver.value(tree)
        expr = canonical(value, network)
        record_shape(expr, value.shape)
        return expr
    except RecursionError:
        raise index_error from None
    except GradproofError as err:
        if not named_here and (_index_written(err, text, parsed) or "did you mean" in (index_error.hint or "")):
            raise index_error from None
        raise err


def subscripted(network: Network) -> frozenset[str]:
    """Names the matrix reader reads with their subscript: scalars (E_in) and the block's matrices (W_1)."""
    scalars = {t.name for t in network.tensors.values() if not t.ranges and "_" in t.name}
    return frozenset(scalars | set(network.matrices))


def _index_written(matrix_error: GradproofError, text: str, parsed: bool = False) -> bool:
    """Whether a term is written in index notation: a sum over an index, or an entry."""
    return "\\sum" in text and not parsed or matrix_error.message.startswith("an entry (a name with indices)")


def _looks_matrix(index_error: GradproofError, text: str) -> bool:
    return "needs its indices here" in index_error.message or matrix_refusal(index_error, text)


def written_in_matrices(network: Network, text: str, span: Span) -> bool:
    """Whether a claim's term is read in matrix notation (index notation refuses it)."""
    try:
        Resolver(network, "claim", span, text).resolve(parse_latex(text, span))
        return False
    except GradproofError:
        pass
    try:
        MatrixResolver(network, "claim", span, text).resolve_text(text)
        return True
    except (GradproofError, RecursionError):
        return False


def transposed(expr: sympy.Expr, network: Network) -> sympy.Expr | None:
    """A square side with its rows and columns swapped (None when it is not square)."""
    shape = side_shape(expr, network)
    if shape.rows is None or shape.rows != shape.cols:
        return None
    row = index_symbol(letter_of(network, shape.rows))
    col = index_symbol(letter_of(network, shape.rows) + "'")
    return expr.xreplace({row: col, col: row})


def scale_factors(network: Network, span: Span) -> list[tuple[str, sympy.Expr]]:
    """Constant factors a matrix claim often drops or adds: 1/m for each size m, 2, 1/2, −1."""
    reader = Resolver(network, "claim", span)
    factors = [("-1", sympy.Integer(-1)), ("2", sympy.Integer(2)), ("1/2", sympy.Rational(1, 2))]
    for size in dict.fromkeys(network.index_ranges.values()):
        value = reader.size_value(size)
        factors += [(f"1/{size}", 1 / value), (size, value)]
    return factors
