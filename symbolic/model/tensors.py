"""The model in index notation: tensors, definitions and the network they form.

A tensor is identified by its name and the ranges of its index positions, so
``w_{ij}`` (I×J) and ``w_{jk}`` (J×K) are two tensors. Each tensor gets one
SymPy ``IndexedBase`` (or a ``Symbol`` for a scalar); expressions are ordinary
SymPy expressions over ``Indexed`` entries, ``Sum`` with 0-based limits
``(k, 0, K - 1)``, ``KroneckerDelta`` and the opaque functions of
:mod:`symbolic.functions`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, Sequence

import sympy

from ..errors import Span
from .names import GREEK, latex_name  # noqa: F401  (GREEK: re-exported)

if TYPE_CHECKING:
    from .superscripts import Layers


@dataclass(frozen=True)
class Tensor:
    """A named quantity with an index range per position (``()`` for a scalar)."""

    name: str  # as written, without backslash: 'w', 'h', 'delta', 'L', 'w^{l+1}', 'sigma^{2}'
    ranges: tuple[str, ...]  # size names, e.g. ('I', 'J')
    # a name a claim defined for the generic layer l: its layer offset from l (δ^l: 0). Not
    # part of the tensor's identity.
    generic_offset: int | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return f"{self.name}[{','.join(self.ranges)}]" if self.ranges else self.name

    @property
    def base(self):
        """The SymPy object that stands for this tensor (real-valued)."""
        if not self.ranges:
            return sympy.Symbol(self.key, real=True)
        return sympy.IndexedBase(self.key, real=True)

    def entry(self, *indices):
        """``base[indices]``, or the scalar symbol."""
        if not self.ranges:
            return self.base
        return self.base[indices]

    @property
    def latex(self) -> str:
        return latex_name(self.name)

    def __str__(self) -> str:
        if not self.ranges:
            return self.name
        return f"{self.name} ({'×'.join(self.ranges)})"


@dataclass
class Definition:
    """``tensor[indices] = expr``: one line of the model, or a claim-defined name."""

    tensor: Tensor
    indices: tuple[sympy.Symbol, ...]
    expr: sympy.Expr
    span: Span | None = None
    source: str = ""

    @property
    def lhs(self):
        return self.tensor.entry(*self.indices) if self.indices else self.tensor.base


@dataclass
class Network:
    """The ordered definitions of a context and the tensors they mention."""

    index_ranges: dict[str, str]  # index letter -> size name ('k' -> 'K'); primes share the base
    # A context's network is frozen (a tuple and a read-only mapping); builders may use a list
    # and a dict until the network is complete.
    definitions: Sequence[Definition] = field(default_factory=list)
    tensors: Mapping[str, Tensor] = field(default_factory=dict)  # key -> tensor
    loss: Tensor | None = None
    input: Tensor | None = None
    target: Tensor | None = None
    layers: "Layers | None" = None  # a model written for a generic layer, unrolled
    # names the block writes with two or more different bare numbers (W^1, W^2): layers or powers?
    numbered: frozenset[str] = frozenset()
    # letters the block calls as functions without defining them (z_j = h(a_j)): arbitrary
    # differentiable functions (symbolic.model.generic_functions)
    generic_functions: set = field(default_factory=set)
    # index arithmetic (symbolic.model.offsets): what an entry outside its range is, by name
    # ('0': a zero extension, 'initial': a leaf, the initial state h_0)
    outside: Mapping[str, str] = field(default_factory=dict)
    origin: int = 1  # the written index of the first entry (origin: 0 in the block counts from 0)
    # a variant for the diagnosis: derivatives through a recurrence's earlier step (h_{t-1})
    # are cut (truncated backpropagation through time)
    cut_delayed: bool = False
    matrices: Mapping[str, str] = field(default_factory=dict)  # matrix notation's names: W_1 -> 'w[I,J]'

    def defined(self) -> dict[Tensor, Definition]:
        return {d.tensor: d for d in self.definitions}

    def definition_of(self, tensor: Tensor) -> Definition | None:
        for d in self.definitions:
            if d.tensor == tensor:
                return d
        return None

    def with_definition(self, definition: Definition) -> "Network":
        """A new network: this one and one more definition (a name a claim defines)."""
        tensors = {**self.tensors, definition.tensor.key: definition.tensor}
        return dataclasses.replace(self, definitions=(*self.definitions, definition),
                                   tensors=MappingProxyType(tensors))

    def _cached(self, name: str, compute):
        """``compute()``, kept while ``definitions`` and ``tensors`` are the same objects."""
        cached = self.__dict__.get(name)
        if cached is not None and cached[0] is self.definitions and cached[1] is self.tensors:
            return cached[2]
        result = compute()
        self.__dict__[name] = (self.definitions, self.tensors, result)
        return result

    @property
    def leaves(self) -> list[Tensor]:
        """Tensors used by definitions but not defined, in order of first use."""
        return self._cached("_leaves", self._find_leaves)

    def _find_leaves(self) -> list[Tensor]:
        defined = {d.tensor for d in self.definitions}
        seen: list[Tensor] = []
        for d in self.definitions:
            for t in tensors_in(d.expr, self):
                if t not in defined and t not in seen:
                    seen.append(t)
        return seen

    def dependencies(self) -> dict[Tensor, frozenset[Tensor]]:
        """For each defined tensor, every tensor its definition reaches, directly or through
        other definitions."""
        return self._cached("_dependencies", self._find_dependencies)

    def _find_dependencies(self) -> dict[Tensor, frozenset[Tensor]]:
        direct = {d.tensor: tensors_in(d.expr, self) for d in self.definitions}
        closure: dict[Tensor, frozenset[Tensor]] = {}
        for tensor in direct:
            found, stack = set(), [tensor]
            while stack:
                for used in direct.get(stack.pop(), ()):
                    if used not in found:
                        found.add(used)
                        if used in closure:  # already closed: take its reach, no need to walk it
                            found |= closure[used]
                        else:
                            stack.append(used)
            closure[tensor] = frozenset(found)
        return closure

    @property
    def parameters(self) -> list[Tensor]:
        """Leaves that are trained: every leaf but the input and the target."""
        return [t for t in self.leaves if t not in (self.input, self.target)]

    def tensor_of(self, base) -> Tensor:
        name = base.label.name if isinstance(base, sympy.IndexedBase) else str(base)
        return self.tensors[name]

    def size_symbol(self, letter: str) -> sympy.Symbol:
        return sympy.Symbol(self.index_ranges[letter.rstrip("'")], integer=True, positive=True)


def tensors_in(expr: sympy.Expr, network: Network) -> list[Tensor]:
    """Tensors mentioned in ``expr``, in a stable order."""
    found: list[Tensor] = []
    for atom in sympy.preorder_traversal(expr):
        if isinstance(atom, sympy.Indexed):
            key = atom.base.label.name
        elif isinstance(atom, sympy.Symbol):
            key = atom.name
        else:
            continue
        t = network.tensors.get(key)
        if t is not None and t not in found:
            found.append(t)
    return found


def index_symbol(letter: str) -> sympy.Symbol:
    """The SymPy symbol for an index letter such as ``k`` or ``k'``."""
    return sympy.Symbol(letter, integer=True)
