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
from dataclasses import dataclass

import sympy

from ..errors import GradproofError, NotationError, Span
from ..latex import matrix_parse as mp
from ..latex.matrix_parse import matrix_refusal
from ..latex.parse import RawExpr, parse_latex
from .functions import Exp, Log, function_written
from .generic_functions import LETTERS as GENERIC_LETTERS
from .generic_functions import generic_row
from .index_notation import SIZE_PRIMES, Grad, Mention, Resolver, free_indices
from .matrix_settings import record_shape, side_shape
from .shapes import Shape, shape_of
from .superscripts import with_superscript
from .tensors import Network, Tensor, index_symbol

LAYOUTS = ("denominator", "numerator")
_AXIS = tuple[str, sympy.Symbol] | None  # (size, free symbol) of a dimension; None: one


@dataclass
class Value:
    """An array as one index expression with free symbols for its rows and columns."""

    expr: sympy.Expr
    rows: _AXIS = None
    cols: _AXIS = None

    @property
    def shape(self) -> Shape:
        return Shape(self.rows[0] if self.rows else None, self.cols[0] if self.cols else None)

    @property
    def scalar(self) -> bool:
        return self.rows is None and self.cols is None

    def at(self, rows: _AXIS, cols: _AXIS) -> sympy.Expr:
        """The entry expression with this value's free symbols renamed to those of ``rows``/``cols``."""
        swap = {}
        if self.rows and rows:
            swap[self.rows[1]] = rows[1]
        if self.cols and cols:
            swap[self.cols[1]] = cols[1]
        return self.expr.xreplace(swap)


class MatrixResolver:
    """Reads one term of a claim written in matrix notation (see the module's docstring)."""

    def __init__(self, network: Network, mode: str, span: Span, text: str = "",
                 layer: int | None = None, layout: str = "denominator", star: str | None = None):
        self.network, self.mode, self.span, self.text = network, mode, span, text
        self.layout, self.star = layout, star
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
        value = self.value(mp.parse_matrix(text, self.span, self.star))
        return canonical(value, self.network)

    # -- helpers -----------------------------------------------------------------------
    def error(self, message: str, node: mp.Node, hint: str = "") -> NotationError:
        return NotationError(message, self.span.shifted(self.text[:node.pos]), hint)

    def fresh(self, size: str) -> sympy.Symbol:
        self.count += 1
        if self.count == SIZE_PRIMES:
            self.count += 1
        return index_symbol(letter_of(self.network, size) + "'" * self.count)

    def axis(self, size: str | None) -> _AXIS:
        return None if size is None else (size, self.fresh(size))

    # -- the tree ----------------------------------------------------------------------
    def value(self, node: mp.Node) -> Value:
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def _num(self, node: mp.Num) -> Value:
        return Value(node.value)

    def _name(self, node: mp.Name) -> Value:
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
            known = ", ".join(sorted({t.name for t in self.network.tensors.values()}))
            raise self.error(f"unknown symbol {node.written}", node, f"symbols of this context: {known}")
        if len(tensors) > 1:
            raise self.error(f"{node.written} could mean any of {', '.join(map(str, tensors))}", node,
                             "in matrix notation a name must have one shape: rename one of them")
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
        inner = self.value(node.arg)
        return Value(inner.expr, inner.cols, inner.rows)

    def _neg(self, node: mp.Neg) -> Value:
        inner = self.value(node.arg)
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

    def _sum(self, node: mp.Sum) -> Value:
        total: Value | None = None
        values = [self.value(term) for _, term in node.terms]
        vectors = {v.shape for v in values if v.rows is None or v.cols is None} - {Shape(None, None)}
        arrays = {v.shape for v in values if not v.scalar}
        for k, (_, term) in enumerate(node.terms):  # 1 - h: a number on every entry of a vector
            if isinstance(term, mp.Num) and len(vectors) == 1 and arrays == vectors:
                shape = next(iter(vectors))
                values[k] = Value(term.value, self.axis(shape.rows), self.axis(shape.cols))
        for (sign, term), value in zip(node.terms, values):
            if total is None:
                total = dataclasses.replace(value, expr=sign * value.expr)
                continue
            if value.shape != total.shape:
                raise self.error(f"shape mismatch in a sum: {total.shape} and {value.shape}", term,
                                 "both terms of + and - must have one shape")
            total = dataclasses.replace(total, expr=total.expr + sign * value.at(total.rows, total.cols))
        return total

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
        inner = self.value(node.arg)
        u = sympy.Dummy("u", real=True)
        applied = row.cls(u)
        for _ in range(node.order):
            applied = applied.diff(u)
        return dataclasses.replace(inner, expr=applied.xreplace({u: inner.expr}))

    def generic(self, node: mp.Call):
        """The block's arbitrary activation g; ``g^{[l]}`` is read only on a name of layer [l]
        (the block's one g stands for the activation of every layer)."""
        if node.function not in self.network.generic_functions:
            raise self.error(f"{node.function} is no function of this block",
                             node, f"define the activation in the block, e.g. a_j = {node.function}(z_j)")
        if node.layer is not None and not (isinstance(node.arg, mp.Name) and node.arg.sup == node.layer):
            raise self.error(f"{node.function}^{{{node.layer}}}, the activation of layer {node.layer}, "
                             "is read only on a quantity of that layer", node,
                             f"write {node.function}^{{{node.layer}}}(Z^{{{node.layer}}})")
        return generic_row(node.function)

    def _product(self, node: mp.Product) -> Value:
        groups = []
        for group in node.groups:
            values = [(op, self.divisor(f) if op == "/" else self.value(f), f) for op, f in group]
            if len(node.groups) > 1 and sum(not v.scalar for _, v, _ in values) > 1:
                raise self.error("a matrix product next to \\odot without parentheses", node,
                                 r"put parentheses around the product: (W^T \delta) \odot \sigma'(z)")
            result = values[0][1]
            for op, value, factor in values[1:]:
                result = self.divide(result, value, factor) if op == "/" else \
                    self.star_product(result, value, factor) if op == "*" else \
                    self.multiply(result, value, factor)
            groups.append((result, group[0][1]))
        result = groups[0][0]
        for value, factor in groups[1:]:
            if value.shape != result.shape or result.scalar:
                raise self.error(f"shape mismatch in a Hadamard product: {result.shape} ⊙ {value.shape}",
                                 factor, r"\odot multiplies two arrays of one shape entry by entry")
            result = dataclasses.replace(result, expr=result.expr * value.at(result.rows, result.cols))
        return result

    def divisor(self, node: mp.Node) -> Value:
        """What follows a '/': a size is a value there (1/m), as in \\frac."""
        self.fractions += 1
        try:
            return self.value(node)
        finally:
            self.fractions -= 1

    def star_product(self, left: Value, right: Value, node: mp.Node) -> Value:
        """``*`` as the block's ``star:`` says: ``hadamard``, ``product`` (the matrix product), or
        ``by shape`` — whichever of the two the shapes allow, an error when both do."""
        if left.scalar or right.scalar or self.star == "product":
            return self.multiply(left, right, node)
        same = left.shape == right.shape
        if self.star == "by shape" and left.shape.cols == right.shape.rows:
            if same:
                raise self.error(f"'*' between two {left.shape} arrays may be the element-wise or the "
                                 "matrix product", node, r"write \odot or a product by juxtaposition")
            return self.multiply(left, right, node)
        if not same:
            raise self.error(f"shape mismatch in an element-wise product ('*'): {left.shape} and "
                             f"{right.shape}", node, "'*' multiplies two arrays of one shape entry by entry"
                             if self.star == "hadamard" else "'*' is read by the shapes (star: by shape)")
        return dataclasses.replace(left, expr=left.expr * right.at(left.rows, left.cols))

    def divide(self, left: Value, right: Value, node: mp.Node) -> Value:
        if not right.scalar:
            raise self.error(f"division by a {right.shape} array", node, "divide by scalars only")
        return dataclasses.replace(left, expr=left.expr / right.expr)

    def multiply(self, left: Value, right: Value, node: mp.Node) -> Value:
        if left.scalar or right.scalar:
            array = right if left.scalar else left
            return dataclasses.replace(array, expr=left.expr * right.expr)
        inner_l, inner_r = left.cols, right.rows
        if (inner_l[0] if inner_l else None) != (inner_r[0] if inner_r else None):
            raise self.error(f"shape mismatch in a product: {left.shape} times {right.shape}", node,
                             "the columns of the left factor must match the rows of the right one"
                             + ("; for an element-wise product write \\odot"
                                if left.shape == right.shape else ""))
        if inner_l is None:  # an outer product: a column times a row
            return Value(left.expr * right.expr, left.rows, right.cols)
        entry = left.expr * right.at(inner_l, right.cols)
        return Value(sympy.Sum(entry, (inner_l[1], 0, self.size(inner_l[0]) - 1)), left.rows, right.cols)

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
                index_error: GradproofError, star: str | None = None) -> sympy.Expr:
    """A claim's term that index notation cannot read, read in matrix notation.

    The index reading is tried first, so nothing it reads changes meaning. A term it refuses
    for a bare name of a vector or a matrix, a transpose or a norm, or one with ``\\odot``,
    ``\\circ`` or ``\\top``, is read as a matrix expression. When that fails too, the matrix
    error is raised, unless the term is written in index notation (a sum, an entry) or the
    index error has a better guess (``ak`` for ``a_k``).
    """
    if not _looks_matrix(index_error, text):
        raise index_error
    try:
        resolver = MatrixResolver(network, "claim", span, text, layout=layout, star=star)
        value = resolver.value(mp.parse_matrix(text, span, star))
        expr = canonical(value, network)
        record_shape(expr, value.shape)
        return expr
    except RecursionError:
        raise index_error from None
    except GradproofError as err:
        if _index_written(err, text) or "did you mean" in (index_error.hint or ""):
            raise index_error from None
        raise err


def _index_written(matrix_error: GradproofError, text: str) -> bool:
    """Whether a term is written in index notation: a sum over an index, or an entry."""
    return "\\sum" in text or matrix_error.message.startswith("an entry (a name with indices)")


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
