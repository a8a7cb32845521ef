"""Matrix and vector expressions as a small tree that keeps the order of products, and their
printing as LaTeX the matrix reader reads back (``\\mathbf{h} (\\mathbf{o} - \\mathbf{t})^\\top``)
and as plain text (``h (o - t)ᵀ``).

Each node knows whether it has rows and columns (``dims``), so that a scalar is never
transposed. The tree is built by :mod:`symbolic.calculus.matrix_printing`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from ..model.names import latex_name, split_superscript, text_name

Dims = tuple[bool, bool]  # (has rows, has columns): a scalar is (False, False)
SCALAR: Dims = (False, False)


@dataclass(frozen=True)
class Node:
    dims: Dims

    @property
    def array(self) -> bool:
        return self.dims != SCALAR


@dataclass(frozen=True)
class Leaf(Node):
    """A tensor of the model by its name, perhaps transposed."""

    name: str
    transposed: bool = False


@dataclass(frozen=True)
class Constant(Node):
    """A number or a product of sizes (``\\frac{1}{m}``): a scalar."""

    value: sympy.Expr


@dataclass(frozen=True)
class Call(Node):
    """A function applied to every entry: ``\\sigma(\\mathbf{z})``, ``g'(\\mathbf{Z})``."""

    latex: str
    text: str
    arg: Node


@dataclass(frozen=True)
class Diag(Node):
    """The diagonal matrix of a column vector."""

    arg: Node


@dataclass(frozen=True)
class AxisSum(Node):
    """NumPy's sum along an axis: ``axis=1`` sums each row (a column), ``axis=0`` each column."""

    arg: Node
    axis: int


@dataclass(frozen=True)
class Product(Node):
    """The matrix product of its factors, a scalar coefficient first."""

    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Hadamard(Node):
    """The element-wise product of arrays of one shape."""

    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Plus(Node):
    """A sum of terms of one shape, each with its sign (a number beside a vector: every entry)."""

    terms: tuple[tuple[int, Node], ...]


@dataclass(frozen=True)
class Transposed(Node):
    """The transpose of a compound array."""

    arg: Node


@dataclass(frozen=True)
class Power(Node):
    """A whole-number power of a scalar."""

    arg: Node
    exponent: int


@dataclass(frozen=True)
class Reciprocal(Node):
    """One over a scalar."""

    arg: Node


def transpose(node: Node) -> Node:
    """``node``ᵀ: a name gets its own transpose, a compound is transposed whole (``(o - t)ᵀ``)."""
    if not node.array:
        return node
    dims = (node.dims[1], node.dims[0])
    if isinstance(node, Leaf):
        return Leaf(dims, node.name, not node.transposed)
    if isinstance(node, Diag):
        return node  # symmetric
    if isinstance(node, Transposed):
        return node.arg
    if isinstance(node, Product) and sum(f.array for f in node.factors) == 1:  # c X: c Xᵀ
        return Product(dims, tuple(transpose(f) for f in node.factors))
    return Transposed(dims, node)


def size(node: Node) -> int:
    """How many nodes (a diagonal matrix counts more: (Wᵀ δ) ⊙ σ' reads better than Wᵀ diag(σ') δ):
    the simplest of several equal forms has the fewest."""
    children = [getattr(node, "arg", None)] + list(getattr(node, "factors", ())) + \
        [t for _s, t in getattr(node, "terms", ())]
    return 1 + sum(size(c) for c in children if c is not None) + \
        sum(1 for _s, t in getattr(node, "terms", ()) if _s < 0) + (3 if isinstance(node, Diag) else 0)


# -- printing -----------------------------------------------------------------------------

_BOLD_GREEK = "boldsymbol"


_LAYER = re.compile(r"\^\{[(\[]?([lL](?:[+-]\d+)?|\d+)[)\]]?\}$")


def layer_brackets(texts) -> str:
    """How the author brackets layer superscripts: ``[]`` (W^{[l]}), ``()`` (W^{(l)}) or bare."""
    for text in texts:
        m = re.search(r"\^\s*\{\s*([\[(])\s*[lL0-9]", text or "")
        if m:
            return "[]" if m.group(1) == "[" else "()"
    return ""


def bold_name(name: str, bold: bool, brackets: str = "") -> str:
    """A tensor's name as matrix LaTeX: ``\\mathbf{W}^{[1]}``, ``\\boldsymbol{\\delta}``, ``\\hat{\\mathbf{y}}``;
    a layer superscript in the author's ``brackets``."""
    base, superscript = split_superscript(name)
    layer = _LAYER.match(superscript)
    if layer and brackets:
        superscript = f"^{{{brackets[0]}{layer.group(1)}{brackets[1]}}}"
    plain = latex_name(base)
    if bold:
        m = re.fullmatch(r"\\(hat|tilde|bar)\{(.*)\}", plain)
        if m:
            plain = rf"\{m.group(1)}{{{bold_name(m.group(2), True)}}}"
        elif plain.startswith("\\"):
            plain = rf"\{_BOLD_GREEK}{{{plain}}}"
        else:
            plain = rf"\mathbf{{{plain}}}"
    return plain + superscript


class Printer:
    """LaTeX (``latex=True``) or plain text of a tree; ``bold``: array names in bold."""

    def __init__(self, latex: bool = True, bold: bool = False, brackets: str = ""):
        self.latex, self.bold, self.brackets = latex, bold, brackets
        self.top = r"^\top" if latex else "ᵀ"

    def __call__(self, node: Node) -> str:
        return getattr(self, "_" + type(node).__name__.lower())(node)

    def paren(self, text: str) -> str:
        return f"({text})"

    def _leaf(self, node: Leaf) -> str:
        name = bold_name(node.name, self.bold and node.array, self.brackets) if self.latex else \
            text_name(node.name)
        if not node.transposed:
            return name
        return f"({name}){self.top}" if "^" in name else name + self.top

    def _constant(self, node: Constant) -> str:
        return self.scalar(node.value)

    def scalar(self, value: sympy.Expr) -> str:
        """A positive number or size product: ``2``, ``\\frac{1}{m}`` (a size is a value only in a fraction)."""
        num, den = sympy.fraction(sympy.factor_terms(value))
        if den == 1 and not num.free_symbols:
            return str(num)
        show = (lambda e: sympy.latex(e)) if self.latex else str
        if self.latex:
            return rf"\frac{{{show(num)}}}{{{show(den)}}}"
        return f"{show(num)}/{show(den)}" if den.is_Atom else f"{show(num)}/({show(den)})"

    def _call(self, node: Call) -> str:
        if node.latex == r"\mathbb{1}":  # the step of every entry, ReLU's derivative
            return f"{node.latex if self.latex else node.text}[{self(node.arg)} > 0]"
        return f"{node.latex if self.latex else node.text}({self(node.arg)})"

    def _diag(self, node: Diag) -> str:
        head = r"\operatorname{diag}" if self.latex else "diag"
        return f"{head}({self(node.arg)})"

    def _axissum(self, node: AxisSum) -> str:
        head = r"\operatorname{sum}" if self.latex else "sum"
        return f"{head}({self(node.arg)}, axis={node.axis})"

    def _transposed(self, node: Transposed) -> str:
        inner = self(node.arg)
        return (inner if isinstance(node.arg, (Call, AxisSum, Diag)) else self.paren(inner)) + self.top

    def _power(self, node: Power) -> str:
        inner = self(node.arg)
        if not isinstance(node.arg, (Leaf, Constant)):
            inner = self.paren(inner)
        return f"{inner}^{{{node.exponent}}}" if self.latex else f"{inner}^{node.exponent}"

    def _reciprocal(self, node: Reciprocal) -> str:
        inner = self(node.arg)
        if self.latex:
            return rf"\frac{{1}}{{{inner}}}"
        return f"1/{inner}" if isinstance(node.arg, (Leaf, Constant)) else f"1/({inner})"

    def _plus(self, node: Plus) -> str:
        out = ""
        for n, (sign, term) in enumerate(node.terms):
            text = self.paren(self(term)) if isinstance(term, Plus) else self(term)
            if n == 0:
                out = ("-" if sign < 0 else "") + text
            else:
                out += (" - " if sign < 0 else " + ") + text
        return out

    def _hadamard(self, node: Hadamard) -> str:
        joiner = r" \odot " if self.latex else " ⊙ "
        return joiner.join(self.paren(self(f)) if isinstance(f, (Plus, Product, Hadamard)) else self(f)
                           for f in node.factors)

    def _product(self, node: Product) -> str:
        factors = list(node.factors)
        sign = ""
        if factors and isinstance(factors[0], Constant) and factors[0].value.could_extract_minus_sign():
            value = -factors[0].value
            factors = factors[1:] if value == 1 else [Constant(SCALAR, value)] + factors[1:]
            sign = "-"
        out, previous = "", None
        for factor in factors:
            text = self(factor)
            if isinstance(factor, (Plus, Hadamard, Product)):
                text = self.paren(text)
            if previous is None:
                out = text
            else:
                out += (r" \cdot " if self.latex and _reads_as_call(previous, text) else " ") + text
            previous = factor
        return sign + out


def _reads_as_call(previous: Node, text: str) -> bool:
    """Whether a name then ``text`` would read as the name applied to a parenthesis
    (``p (…)``, ``W (…)``): the matrix reader asks for ``\\cdot`` there."""
    if not (isinstance(previous, Leaf) and not previous.transposed and text.startswith("(")):
        return False
    depth = 0
    for at, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return not text[at + 1:].lstrip().startswith("^")
    return True
