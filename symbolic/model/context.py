"""Model contexts: from a ``derivation`` block to a network with assumptions."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import sympy

from ..errors import GradproofError, ModelError, NotationError, Span
from ..latex.shorthand import Expansion, expand_shorthand
from .generic_functions import AMBIGUOUS_CALL
from ..latex.parse import parse_latex
from ..latex.text import name_superscripts
from ..notes.math_block import top_level_equals
from ..settings import MAX_DEFINITION_DEPTH, MAX_SIZE_NAMES
from ..verdicts import Verdict
from .index_notation import Grad, Resolver, free_indices, split_symbol
from .offsets import read_origin, read_outside, split_offset_subscript
from .recurrence import immediate_tensors
from .resolvers import DEFAULT_NOTATION, notation
from .gradient_names import declared_gradients
from .dialects import Dialects, read_dialects
from .labels import read_label
from .scalar_names import declared_scalar
from .indexed_products import read_indexed_products
from .matrix_notation import LAYOUTS, read_matrix
from .matrix_names import read_matrix_names
from .matrix_settings import read_cost as _cost
from .matrix_settings import read_prime as _prime
from .matrix_settings import read_star as _star
from .step_copies import step_copies
from .shapes import apply_shapes, declared_shapes, split_shape_lines
from .superscripts import layers_from_block, with_superscript
from .tensors import Definition, Network, Tensor, index_symbol, tensors_in

AssumptionKind = Literal["one-hot", "sum-to-one"]


@dataclass(frozen=True)
class Assumption:
    """A fact about a leaf that claims may rely on."""

    kind: AssumptionKind
    tensor: Tensor
    text: str
    letter: str = "k"  # the index letter the author summed over (sum-to-one)
    axis: int = 0  # the summed index of a matrix: Y_{kn} (0, each column) or Y_{nk} (1, each row)

    def describe(self) -> str:
        if self.kind == "one-hot":
            return f"one-hot {self.tensor.name}"
        if len(self.tensor.ranges) > 1:
            return self.text
        return rf"\sum_{self.letter} {self.tensor.name}_{self.letter} = 1"


@dataclass(frozen=True)
class Context:
    """Everything a claim is checked against: the block's model, and the names that claims
    before it defined (δ_k = o_k - t_k), layered on the model without changing it."""

    network: Network  # the model and, after it, the claim-defined names in scope
    assumptions: list[Assumption] = field(default_factory=list)
    expect: dict[str, Verdict] = field(default_factory=dict)
    span: Span | None = None
    model_definitions: tuple[Definition, ...] = ()  # the block's own definitions
    claim_definitions: tuple[Definition, ...] = ()  # names defined by claims, in order
    notation: str = DEFAULT_NOTATION  # how claims name the model's quantities
    shorthand: str | None = None  # "d": dy_i is the loss's gradient by y_i (latex.shorthand)
    layout: str = "denominator"  # matrix notation: ∂L/∂W has W's shape (numerator: its transpose)
    star: str | None = None  # matrix notation: what '*' between arrays is (matrix_notation.STARS)
    cost: tuple[str, str] | None = None  # cost: {J: m}: the shorthand of a parameter is ∂J (Ng)
    prime: str | None = None  # matrix notation: prime: transpose reads X' as X^T
    dialects: Dialects = Dialects()  # E_n, \sum_x, h_\theta(x^{(i)}), Einstein (model.dialects)

    def read(self, text: str, span: Span) -> sympy.Expr:
        """One term of a claim as an expression over this context's network.

        Raises:
            GradproofError: the LaTeX cannot be parsed, or a name has no meaning here.
        """
        if (product := read_indexed_products(text, span, self)) is not None:
            return product  # (A B)_{mi}: an entry of a product, written out
        written = text
        text, called = self.dialects.text(text, span, set(self.network.index_ranges))
        expansion = self.expand_shorthand(text)
        if expansion is not None:
            text = expansion.text
        try:
            try:
                raw = parse_latex(text, span)
                expr = notation(self.notation, span)(self.network, "claim", span, text).resolve(raw)
                return self.dialects.summed(expr, self.network, span)
            except GradproofError as refused:  # a term index notation cannot read: matrices?
                return read_matrix(self.network, text, span, self.layout, refused.located(span),
                                   self.star, self.prime)
        except GradproofError as err:
            err = err.located(span)
            if called is not None and err.span is not None and err.span.line == span.line \
                    and "\n" not in written and err.span.column > span.column + called:
                err.span = dataclasses.replace(err.span, column=span.column + called)  # at the call
                raise err
            if expansion is not None and expansion.edits and err.span is not None \
                    and err.span.line == span.line and "\n" not in text:
                # the column of the author's text, not of the shorthand written out
                offset = expansion.written_offset(err.span.column - span.column)
                err.span = dataclasses.replace(err.span, column=span.column + offset)
            raise err

    def expand_shorthand(self, text: str) -> Expansion | None:
        """``text`` with the block's upstream-gradient shorthand written out (``dy_i`` is
        ∂L/∂y_i), or None when the block declares none."""
        if not self.shorthand or self.network.loss is None:
            return None
        names = [t.name for t in self.network.tensors.values()]
        losses = None
        if self.cost is not None:  # Ng: dZ (a column per example) is ∂L/∂Z, dW is ∂J/∂W
            cost, batch = self.network.tensors[self.cost[0]], self.cost[1]
            losses = {t.name.split("^", 1)[0]: cost.latex for t in self.network.tensors.values()
                      if batch not in t.ranges}
        return expand_shorthand(text, self.shorthand, self.network.loss.latex, names, losses)

    def with_definition(self, definition: Definition) -> "Context":
        """This context with one more name defined by a claim; this one is unchanged.

        A name defined for the generic layer (``\\delta^l_j = \\partial C/\\partial z^l_j``)
        is defined for every layer of the unrolled network where its right side can be read.
        """
        context = dataclasses.replace(self, network=self.network.with_definition(definition),
                                      claim_definitions=(*self.claim_definitions, definition))
        layers, offset = self.network.layers, definition.tensor.generic_offset
        if layers is None or offset is None:
            return context
        base = definition.tensor.name.split("^", 1)[0]
        for generic in sorted(range(layers.depth + 1), reverse=True):
            number = generic + offset
            tensor = Tensor(with_superscript(base, layers.label(number)), definition.tensor.ranges)
            if not 0 <= number <= layers.depth or tensor.key in context.network.tensors:
                continue
            try:
                raw = parse_latex(definition.source, definition.span)
                expr = Resolver(context.network, "claim", definition.span, definition.source,
                                generic).resolve(raw)
            except GradproofError:
                continue  # the right side names a layer the network does not have
            if not free_indices(expr) <= set(definition.indices):
                continue
            at_layer = Definition(tensor, definition.indices, expr, definition.span, definition.source)
            context = dataclasses.replace(context, network=context.network.with_definition(at_layer),
                                          claim_definitions=(*context.claim_definitions, at_layer))
        return context


_ONE_HOT = re.compile(r"^one[- ]hot\s+\\?([A-Za-z]+(?:_[A-Za-z0-9]+)?)$", re.I)  # y, or the vector y_t
_SUM_TO_ONE = re.compile(r"^\\sum_\{?\s*([A-Za-z])'*(?:=1)?\s*\}?(?:\^\{?\w+\}?)?\s*\\?([A-Za-z]+)_\{?([A-Za-z])?\1"
                         r"([A-Za-z])?\}?\s*=\s*1$")  # \sum_k t_k = 1; \sum_k Y_{kn} = 1: each column of Y


def split_equation(text: str) -> tuple[str, str] | None:
    """Split ``lhs = rhs`` at the first top-level '=' (by the rules that split claim chains)."""
    equals = top_level_equals(text, 0, len(text))
    return (text[:equals[0]], text[equals[0] + 1:]) if equals else None


def lhs_tensor(text: str, span: Span, network: Network, layer: int | None = None,
               in_block: bool = False, names: frozenset[str] = frozenset()
               ) -> tuple[Tensor, tuple[sympy.Symbol, ...]]:
    """Read the left side of a definition: one symbol with distinct index letters.

    In a block line ``layer`` is the generic layer the line is read for (None: a line without
    the generic layer); for a name a claim defines (``layer`` None) a layer superscript is read
    at the claim layer, and the name must be new.
    """
    raw = parse_latex(text, span)
    if not isinstance(raw.expr, sympy.Symbol) or raw.derivatives:
        raise ModelError(f"the left side '{text.strip()}' must be one symbol such as h_j", span,
                         "define one quantity per line: name_{indices} = expression")
    written = split_symbol(raw.expr.name)
    offsets = split_offset_subscript(raw.expr.name)
    written = written if offsets is None else dataclasses.replace(written, tokens=offsets)
    if not in_block and network.layers is not None:
        layer = network.layers.claim_layer
    resolver = Resolver(network, "define", span, text, layer)
    written = read_label(written, network, span, defining=True)  # {h_t}_j is h_{t,j} (t an index)
    mention = resolver.named(written, power=False) if written.sup is not None else written
    letters = mention.tokens
    scalar = declared_scalar(mention, names)  # E_n declared as a name (loss: E_n)
    if scalar is not None:
        return Tensor(scalar, ()), ()
    for tok in letters:
        if tok.startswith("@"):
            raise ModelError(f"{mention.written}: the left side of a definition takes plain index "
                             "letters", span, "write the offset on the right side: h_{t,j} = … h_{t-1,k} …")
        if tok.startswith("#"):
            raise ModelError(f"{mention.written}: define a quantity for all indices, not one entry",
                             span, "use index letters on the left side")
        if tok.rstrip("'") not in network.index_ranges:
            raise NotationError(f"index letter {tok} has no range in this context", span,
                                f"declare it under indices, e.g. {tok.rstrip(chr(39))}: K")
    if len(set(letters)) != len(letters):
        raise ModelError(f"{mention.written} repeats an index on the left side", span,
                         "use a different letter for each index position")
    ranges = tuple(network.index_ranges[t.rstrip("'")] for t in letters)
    offset = None
    if network.layers is not None and written.sup is not None:
        number = network.layers.layer(written.sup, resolver.layer, span, written.written)
        if number is not None and _generic(written.sup, network.layers.letter):
            offset = number - resolver.layer
    tensor = Tensor(mention.name, ranges, generic_offset=offset)
    if not in_block and tensor.key in network.tensors:
        raise NotationError(f"{mention.written} is {tensor} of the model, written another way: a "
                            "claim cannot define it again", span,
                            f"to check the claim, write it as {tensor.latex}")
    return tensor, tuple(index_symbol(t) for t in letters)


def _generic(sup: str, letter: str) -> bool:
    """Whether a layer superscript names the generic layer (``l``, ``(l+1)``), not a fixed one."""
    return re.match(r"[(\[]?" + re.escape(letter) + r"(?![A-Za-z])", sup) is not None


def build_context(data: dict, defines: list[tuple[str, Span]], span: Span) -> Context:
    """Build the network of one ``derivation`` block.

    Raises:
        GradproofError: a definition cannot be read, or the definitions form a cycle.
    """
    indices = {str(k): str(v) for k, v in (data.get("indices") or {}).items()}
    sizes = len(set(indices.values()))
    if sizes > MAX_SIZE_NAMES.value:
        raise ModelError(MAX_SIZE_NAMES.exceeded(sizes), span, "let index letters share size names")
    defines, shape_lines = split_shape_lines(defines)  # W \in \mathbb{R}^{J \times I}: a shape
    dialects, defines = read_dialects(data, indices, defines, span)  # E_n, \sum_x, h_\theta(x), Einstein
    written_in = str(data.get("notation", DEFAULT_NOTATION))
    reader = notation(written_in, span)
    layers = layers_from_block(data.get("layers"), span)
    if layers is not None and {layers.letter, layers.last} & set(indices):
        raise ModelError(f"the layer letters {layers.letter} and {layers.last} cannot also be index "
                         "letters", span, "use other letters for the layers or the indices")
    network = Network(index_ranges=indices, layers=layers, numbered=_numbered(defines),
                      outside=read_outside(data.get("outside"), span),
                      origin=read_origin(data.get("origin"), span))
    lines: list[tuple[Tensor, tuple, str, Span, int | None]] = []
    for text, line_span in defines:
        ambiguous = AMBIGUOUS_CALL.search(text)
        if ambiguous:
            letter = ambiguous.group(1)
            raise ModelError(f"'{letter}(…)' with an expression inside reads as a product, {letter} times "
                             "the parentheses, though it may be meant as a function",
                             line_span.shifted(text[:ambiguous.start()]),
                             f"for a product write {letter} \\cdot (…); for a function name its argument "
                             f"first (u = …, then {letter}(u))")
        parts = split_equation(text)
        if parts is None:
            raise ModelError(f"'{text.strip()}' is not a definition", line_span,
                             "write name_{indices} = expression")
        rhs_span = line_span.shifted(parts[0] + "=")
        for layer in _line_layers(parts[0], line_span, network):
            tensor, idx = lhs_tensor(parts[0], line_span, network, layer, in_block=True,
                                     names=dialects.names)
            clash = next((n for n, line in enumerate(lines) if line[0] == tensor), None)
            if clash is not None:
                if layer is not None and lines[clash][4] is None:
                    continue  # a line for this very layer takes the place of the generic line
                if layer is not None or lines[clash][4] is None:
                    raise ModelError(f"{tensor} is defined twice", line_span,
                                     "remove one of the definitions")
                del lines[clash]
            network.tensors[tensor.key] = tensor
            lines.append((tensor, idx, parts[1], rhs_span, layer))
    for name in dialects.names - {line[0].name for line in lines}:
        leaf = Tensor(name, ())  # w_1 or \theta_0 under names: and defined nowhere: a scalar leaf
        network.tensors.setdefault(leaf.key, leaf)
    definitions: list[Definition] = []
    for tensor, idx, rhs, rhs_span, layer in lines:
        raw = parse_latex(rhs, rhs_span)
        try:
            expr = reader(network, "define", rhs_span, rhs, layer=layer).resolve(raw)
            expr = dialects.summed(expr, network, rhs_span)
        except GradproofError as err:
            raise err.located(rhs_span)
        if expr.has(Grad):
            raise ModelError("a model definition cannot contain a derivative", rhs_span,
                             "define the forward model only; write derivatives as claims")
        extra = free_indices(expr) - set(idx)
        if extra:
            names = ", ".join(sorted(map(str, extra)))
            raise NotationError(f"index {names} is free on the right side of {tensor.name} "
                                f"but not on its left", rhs_span,
                                f"sum over it (\\sum_{sorted(map(str, extra))[0]}) or add it to the left side")
        definitions.append(Definition(tensor, idx, expr, rhs_span, rhs.strip()))
    _check_shapes_of_defined_names(definitions, network)
    both = network.generic_functions & {t.name for t in network.tensors.values()}
    if both:
        letter = sorted(both)[0]
        raise ModelError(f"{letter} is called as a function, {letter}(…), and used as a value in this "
                         "block", span, "use another letter for one of them")
    network.definitions = tuple(_ordered(step_copies(data, definitions, network, span)))  # copies: [W]
    loss_name = str(data.get("loss", "L"))
    loss_name = dialects.loss_name(loss_name)  # loss: E_{n}
    network.loss = next((d.tensor for d in definitions if d.tensor.name == loss_name.lstrip("\\")
                         and not d.tensor.ranges), None)
    # The block reader fills in loss: L, so a missing L is allowed (a block may define no loss);
    # a loss named otherwise must be defined.
    if network.loss is None and definitions and loss_name != "L":
        raise ModelError(f"the loss {loss_name} is not defined here", span,
                         f"define it as a scalar, e.g. {loss_name} = \\frac{{1}}{{2}} \\sum_k (t_k - o_k)^2, "
                         "or set loss: to the name of the loss")
    apply_shapes(network, declared_shapes(data, shape_lines, span))  # shapes: {W: J×I}
    leaves = network.leaves
    network.input = _leaf_named(leaves, str(data.get("input", "x")))
    network.target = _leaf_named(leaves, str(data.get("target", "t")))
    assumptions = [_assumption(text, network, span) for text in data.get("assume") or []]
    for a in assumptions:
        if a.kind == "one-hot" and network.target is None:
            network.target = a.tensor
    network.matrices = read_matrix_names(data.get("matrices"), network, span)  # matrices: {W_1: w_{ij}}
    network.tensors = MappingProxyType(dict(network.tensors))  # the model is complete: frozen
    shorthand = data.get("shorthand")
    if shorthand and any(t.name == shorthand for t in network.tensors.values()):
        raise ModelError(f"shorthand: {shorthand} clashes with the model's own {shorthand}", span,
                         "rename one of them: d y_i would be ambiguous")
    context = Context(network, assumptions, dict(data.get("expect") or {}), span, network.definitions,
                      notation=written_in, shorthand=shorthand, dialects=dialects,
                      layout=_layout(data.get("layout"), span), star=_star(data.get("star"), span),
                      cost=_cost(data.get("cost"), network, span), prime=_prime(data.get("prime"), span))
    for definition in declared_gradients(data, network, span):  # gradients: {\delta: a}
        context = context.with_definition(definition)
    return context


def _layout(layout, span: Span) -> str:
    """The block's ``layout:`` for derivatives in matrix notation (denominator by default)."""
    if layout is None or str(layout).strip() in LAYOUTS:
        return str(layout or LAYOUTS[0]).strip()
    raise ModelError(f"unknown layout {layout!r}", span, f"layout: is one of {', '.join(LAYOUTS)}")


def _check_shapes_of_defined_names(definitions: list[Definition], network: Network) -> None:
    """A name the block defines, used in another line with another shape, would be a second,
    unrelated leaf (``h_k`` next to ``h_j = \\tanh(z_j)``; ``a^{l-1}_k`` with k over K next to
    ``a^l_j`` over J): the model would not be the one written. An error at that line."""
    defined = {d.tensor.name: d.tensor for d in definitions}
    for definition in definitions:
        for tensor in tensors_in(definition.expr, network):
            own = defined.get(tensor.name)
            if own is None or own == tensor or tensor in (d.tensor for d in definitions):
                continue
            shape = "×".join(tensor.ranges) or "a scalar"
            raise NotationError(
                f"{tensor.latex} is used with the shape ({shape}) here, but it is defined as {own}: "
                "a second, unrelated quantity of the same name", definition.span,
                "use index letters of the ranges it is defined with"
                + (" (the layers of a generic network share their width)" if network.layers else ""))


def _numbered(defines: list[tuple[str, Span]]) -> frozenset[str]:
    """Names the block writes with two or more different bare numbers as superscripts."""
    numbers: dict[str, set[str]] = {}
    for text, _span in defines:
        for _start, _end, head, _sub, sup, _caret in name_superscripts(text):
            if sup.isdigit():
                numbers.setdefault(head.lstrip("\\"), set()).add(sup)
    return frozenset(base for base, found in numbers.items() if len(found) > 1)


def _line_layers(lhs: str, span: Span, network: Network) -> list[int | None]:
    """The generic layers a define line is read for: every l whose layer the left side names
    exists (1..depth; layer 0 holds inputs) for a line written for layer l, else [None]."""
    layers = network.layers
    if layers is None:
        return [None]
    raw = parse_latex(lhs, span)
    mention = split_symbol(raw.expr.name) if isinstance(raw.expr, sympy.Symbol) else None
    if mention is None or mention.sup is None or not _generic(mention.sup, layers.letter):
        return [None]
    offset = layers.offset(mention.sup)
    return [v for v in range(layers.depth + 1) if 1 <= v + offset <= layers.depth]


def _leaf_named(leaves: list[Tensor], name: str) -> Tensor | None:
    return next((t for t in leaves if t.name == name.lstrip("\\")), None)


def _assumption(text: str, network: Network, span: Span) -> Assumption:
    text = str(text).strip()
    m = _ONE_HOT.match(text)
    kind: AssumptionKind
    letter = "k"
    if m:
        kind, name = "one-hot", m.group(1)
    else:
        m = _SUM_TO_ONE.match(re.sub(r"\\limits|\s+", lambda x: "" if x.group(0) == "\\limits" else " ", text))
        if not m:
            raise ModelError(f"unknown assumption '{text}'", span,
                             r"write 'one-hot t' or '\sum_k t_k = 1'")
        kind, name, letter = "sum-to-one", m.group(2), m.group(1)
    other = [g for g in (m.groups()[2:] if kind == "sum-to-one" else ()) if g]  # Y_{kn}, Y_{nk}: a matrix
    candidates = [t for t in network.leaves if t.name == name and len(t.ranges) == 1 + len(other)]
    if not candidates:
        raise ModelError(f"assumption '{text}': {name} is not a vector leaf of the model", span,
                         "assumptions are about leaves such as the targets t_k")
    return Assumption(kind, candidates[0], text, letter, axis=1 if kind == "sum-to-one" and m.group(3) else 0)


def _ordered(definitions: list[Definition]) -> list[Definition]:
    """Definitions in dependency order; a cycle is an error naming it."""
    by_tensor = {d.tensor: d for d in definitions}
    state: dict[Tensor, int] = {}
    depth: dict[Tensor, int] = {}  # the longest chain of definitions down to the leaves
    order: list[Definition] = []

    def visit(d: Definition, path: list[Tensor]) -> None:
        mark = state.get(d.tensor)
        if mark == 2:
            return
        if mark == 1:
            cycle = path[path.index(d.tensor):] + [d.tensor]
            raise ModelError("definition cycle: " + " → ".join(t.name for t in cycle), d.span,
                             "each quantity must be computed from earlier ones")
        if len(path) >= MAX_DEFINITION_DEPTH.value:  # deeper would exhaust Python's stack later
            raise ModelError(MAX_DEFINITION_DEPTH.exceeded(), d.span,
                             "define fewer quantities on top of one another")
        state[d.tensor] = 1
        below = 0
        for dep in immediate_tensors(d.expr, d.indices, _NetworkView(by_tensor).tensors):  # h_{t-1}: no cycle
            if dep in by_tensor:
                visit(by_tensor[dep], path + [d.tensor])
                below = max(below, depth[dep])
        depth[d.tensor] = below + 1
        if depth[d.tensor] > MAX_DEFINITION_DEPTH.value:
            raise ModelError(MAX_DEFINITION_DEPTH.exceeded(), d.span,
                             "define fewer quantities on top of one another")
        state[d.tensor] = 2
        order.append(d)

    for d in definitions:
        visit(d, [])
    return order


class _NetworkView:
    """Just enough of a Network for :func:`tensors_in` during ordering."""

    def __init__(self, by_tensor: dict[Tensor, Definition]):
        self.tensors = {t.key: t for t in by_tensor}
