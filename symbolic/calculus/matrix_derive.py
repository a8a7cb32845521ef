"""A derived gradient in matrix and vector notation, read back and verified before it is shown.

``∂L/∂w_{jk} = h_j (o_k - t_k)`` is written ``\\frac{\\partial L}{\\partial \\mathbf{w}} =
\\mathbf{h} (\\mathbf{o} - \\mathbf{t})^\\top``: in the block's layout (denominator by default:
the gradient has the parameter's shape; ``layout: numerator``: its transpose), with names in
bold when the block's claims write them so. The printed claim is then read back exactly as a
claim of the note would be, and checked by the exact engine; a form that does not read back
or does not verify is never shown. What matrix notation cannot say is an error naming why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import sympy

from ..engine.verify import check_identity
from ..errors import GradproofError, NotationError, Span
from ..model.context import Context
from ..model.matrix_names import name_of, suggestion
from ..model.matrix_settings import claim_shapes
from ..model.names import latex_name, text_name
from ..verdicts import Verdict
from .derive import Derived, entry
from .matrix_printing import MatrixWriter, NoMatrixForm
from .matrix_terms import SCALAR, Constant, Leaf, Node, Plus, Printer, Product, bold_name, layer_brackets

_BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec)\s*\{\s*\\?([A-Za-z]+)")
SPAN = Span("--notation", 1, 1)


@dataclass
class MatrixForm:
    """A gradient in matrix notation, verified as a claim of the block."""

    of_latex: str
    wrt_latex: str
    latex: str
    of_text: str
    wrt_text: str
    text: str
    verdict: Verdict

    @property
    def claim_latex(self) -> str:
        return rf"\frac{{\partial {self.of_latex}}}{{\partial {self.wrt_latex}}} = {self.latex}"

    @property
    def claim_text(self) -> str:
        return f"∂{self.of_text}/∂{self.wrt_text} = {self.text}"


def matrix_form(context: Context, derived: Derived, written: Sequence[str] = ()) -> MatrixForm:
    """``derived`` in matrix notation, read back as a claim and verified.

    Args:
        context: the block ``derived`` was derived in.
        derived: the gradient in index notation.
        written: the block's claims as written (their bold names set the style).

    Raises:
        NotationError: the gradient has no faithful matrix form (the message says why), or
            its matrix form could not be verified.
    """
    form = printed_form(context, derived, written)
    form.verdict = verify(context, form, f"∂{derived.of_text}/∂{derived.wrt_text}")
    return form


def printed_form(context: Context, derived: Derived, written: Sequence[str] = (),
                 sign_inside: bool = False) -> MatrixForm:
    """``derived`` printed in matrix notation, not yet verified (``sign_inside``: a leading
    minus goes into a difference, ``-c Xᵀ (y - p)`` → ``c Xᵀ (p - y)``).

    Raises:
        NotationError: the gradient has no faithful matrix form (the message says why).
    """
    network = context.network
    label = f"∂{derived.of_text}/∂{derived.wrt_text}"
    try:
        rows, cols = axes(context, derived)
        one_shape(network, None, derived)
        try:
            node = MatrixWriter(network).convert(derived.expr, rows, cols)
        except NoMatrixForm:
            if rows is not None or cols is not None:
                raise
            node = None  # a scalar: its index form is also a matrix claim's term
        one_shape(network, node, derived)
        if sign_inside and node is not None:
            node = minus_inside(node)
    except RecursionError:
        raise NotationError(f"{label} is too deeply nested for its matrix form", context.span,
                            "print it in index notation (--notation index)") from None
    except NoMatrixForm as reason:
        raise NotationError(f"{label} has no faithful matrix form: {reason}", context.span,
                            getattr(reason, "hint", None) or "print it in index notation (--notation index)") from None
    bold = uses_bold(written, network)
    brackets = layer_brackets([d.source for d in network.definitions]) if network.layers else ""
    of_tensor, wrt_tensor = derived.of, network.tensor_of(_base(derived.wrt))
    of_name, wrt_name = name_of(network, of_tensor), name_of(network, wrt_tensor)
    form = MatrixForm(bold_name(of_name, bold and bool(of_tensor.ranges), brackets),
                      bold_name(wrt_name, bold and bool(wrt_tensor.ranges), brackets),
                      derived.latex if node is None else Printer(True, bold, brackets)(node),
                      text_name(of_name), text_name(wrt_name),
                      derived.text if node is None else Printer(False)(node), Verdict.UNDECIDED)
    return form


def axes(context: Context, derived: Derived) -> tuple:
    """The free indices of the gradient's rows and columns in the block's layout."""
    network = context.network
    _of, of_idx = entry(network, derived.of_expr)
    _wrt, wrt_idx = entry(network, derived.wrt)
    if len(wrt_idx) > 2 or len(of_idx) > 1:
        raise NoMatrixForm("the derivative of an array by an array of more than two indices "
                           "together is not a matrix")
    if set(of_idx) & set(wrt_idx) or len(set(wrt_idx)) < len(wrt_idx):
        raise NoMatrixForm("an index shared by the quantity and the variable picks a diagonal")
    if of_idx and len(wrt_idx) > 1:
        raise NoMatrixForm("the derivative of a vector by a matrix is not a matrix")
    if of_idx:  # a Jacobian: (variable) × (quantity) in denominator layout
        rows, cols = (wrt_idx[0] if wrt_idx else None), of_idx[0]
    else:
        rows, cols = (tuple(wrt_idx) + (None, None))[:2]
    if context.layout == "numerator":
        rows, cols = cols, rows
    return rows, cols


def one_shape(network, node: Node | None, derived: Derived) -> None:
    """Every name printed must have one shape in the model: the reader refuses ``w`` for two
    (the block's ``matrices:`` names them apart: W_1, W_2)."""
    printed = {name_of(network, derived.of), name_of(network, network.tensor_of(_base(derived.wrt)))}
    for name in sorted(printed | set(leaf_names(node))):
        same = [t for t in network.tensors.values() if t.name == name]
        if len(same) > 1:
            reason = NoMatrixForm(f"{latex_name(name)} names {len(same)} arrays, "
                                  f"{' and '.join(map(str, same))}, and in matrix notation a name has one shape")
            reason.hint = "name the arrays for matrix notation in the block: " + suggestion(network)
            raise reason


def leaf_names(node: Node | None):
    if node is None:
        return
    if isinstance(node, Leaf):
        yield node.name
    for child in [getattr(node, "arg", None), *getattr(node, "factors", ()),
                  *(t for _s, t in getattr(node, "terms", ()))]:
        if child is not None:
            yield from leaf_names(child)


def uses_bold(written: Sequence[str], network) -> bool:
    """Whether the block's claims write vectors and matrices in bold (``\\mathbf{W}``)."""
    arrays = {t.name.split("^")[0] for t in network.tensors.values() if t.ranges}
    return any(m.group(1) in arrays for text in written for m in _BOLD.finditer(text))


def matrix_claim(context: Context, derived: Derived, lhs_latex: str, written: Sequence[str] = (),
                 deadline: float | None = None) -> str:
    """The equation ``lhs_latex = `` ``derived`` in matrix notation, with a claim's own left side
    (``\\nabla_{\\mathbf w} L``, ``dW^{[l]}``): both sides read back as the note would read
    them and checked equal before it is returned.

    Raises:
        NotationError: no faithful matrix form, or one that does not read back or verify.
    """
    form = printed_form(context, derived, written, sign_inside=True)
    verify(context, form, f"∂{derived.of_text}/∂{derived.wrt_text}", lhs_latex, deadline)
    return f"{lhs_latex} = {form.latex}"


def minus_inside(node: Node) -> Node:
    """``-c A (y - p)`` → ``c A (p - y)``: a negative coefficient turns a difference around."""
    if not (isinstance(node, Product) and isinstance(node.factors[0], Constant)
            and node.factors[0].value.could_extract_minus_sign()):
        return node
    factors = list(node.factors)
    at = next((n for n, f in enumerate(factors) if isinstance(f, Plus)
               and {sign for sign, _term in f.terms} == {-1, 1}), None)
    if at is None:
        return node
    flipped = [(-sign, term) for sign, term in factors[at].terms]
    factors[at] = Plus(factors[at].dims, tuple(sorted(flipped, key=lambda t: -t[0])))  # stable
    value = -factors[0].value
    factors = factors[1:] if value == 1 else [Constant(SCALAR, value)] + factors[1:]
    return factors[0] if len(factors) == 1 else Product(node.dims, tuple(factors))


def verify(context: Context, form: MatrixForm, label: str, lhs_latex: str | None = None,
           deadline: float | None = None) -> Verdict:
    """The printed claim read back as the note would read it, and checked exactly
    (``lhs_latex``: the left side as written, instead of ``∂L/∂W``)."""
    try:
        lhs_latex = lhs_latex or rf"\frac{{\partial {form.of_latex}}}{{\partial {form.wrt_latex}}}"
        with claim_shapes():  # read as a claim of its own
            lhs = context.read(lhs_latex, SPAN)
            rhs = context.read(form.latex, SPAN)
            outcome = check_identity(context.network, context.assumptions, lhs, rhs, span=SPAN,
                                     deadline=deadline)
    except GradproofError as err:
        raise NotationError(f"the matrix form of {label}, {form.latex}, does not read back "
                            f"({err.message})", context.span,
                            "print it in index notation (--notation index)") from None
    if outcome.verdict not in (Verdict.VERIFIED, Verdict.PROVED):
        raise NotationError(f"the matrix form of {label}, {form.latex}, could not be verified "
                            f"({outcome.verdict.value})", context.span, "please report this note")
    return outcome.verdict


def _base(expr: sympy.Expr):
    return expr.base if isinstance(expr, sympy.Indexed) else expr
