"""Shapes of matrices and vectors: declared in a derivation block or read off the model.

A tensor of the index-notation model is a matrix or a vector by its ranges: ``W_{ji}`` with
j over J and i over I is the J×I matrix W, ``x_i`` the column vector of length I, a name
without indices a scalar. A block may also declare shapes, for leaves that no definition
mentions and to state what the definitions imply:

    shapes: {W: J×I, x: I}        (also J \\times I, J x I)
    define: |
      W \\in \\mathbb{R}^{J \\times I}

A declared shape that disagrees with the definitions is an error at the block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ModelError, Span
from ..latex.matrix_parse import MatrixParser
from .tensors import Network, Tensor

_IN_REALS = re.compile(r"^\s*(?P<names>.+?)\s*\\in\s*\\mathbb\s*\{?\s*R\s*\}?\s*"
                       r"(?:\^\s*(?P<dims>\{.*\}|[A-Za-z0-9]))?\s*$")
_TIMES = re.compile(r"\s*(?:×|\\times|\bx\b|\*)\s*")
_LETTERS = "ijklmnpqrsuvabcdefgh"


@dataclass(frozen=True)
class Shape:
    """Rows and columns (None: one); a scalar is 1×1, a column vector N×1."""

    rows: str | None
    cols: str | None

    def __str__(self) -> str:
        return f"{self.rows or 1}×{self.cols or 1}"

    @property
    def scalar(self) -> bool:
        return self.rows is None and self.cols is None

    def transposed(self) -> "Shape":
        return Shape(self.cols, self.rows)


def shape_of(tensor: Tensor) -> Shape | None:
    """A tensor's shape as a matrix: None for three or more indices."""
    ranges = tensor.ranges
    if len(ranges) > 2:
        return None
    return Shape(ranges[0] if ranges else None, ranges[1] if len(ranges) > 1 else None)


def read_sizes(text: str, span: Span) -> tuple[str, ...]:
    """``J×I``, ``J \\times I``, ``J x I``, ``I`` → the size names; ``1`` is a scalar."""
    text = str(text).strip().strip("{}").strip()
    parts = [p.strip() for p in _TIMES.split(text)] if text not in ("", "1") else []
    if len(parts) > 2 or not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|1", p) for p in parts):
        raise ModelError(f"'{text}' is not a shape", span,
                         "write a shape as sizes joined by ×, \\times or x: J×I, or I for a vector")
    if len(parts) == 2 and parts[1] == "1":
        parts = parts[:1]  # N×1: a column vector
    if "1" in parts:
        raise ModelError(f"'{text}': a row vector is declared as a column vector and transposed",
                         span, "declare x: N and write x^T where the row is meant")
    return tuple(parts)


def tensor_name(written: str, span: Span) -> str:
    """The model's name for a written name: ``\\mathbf{W}`` and ``W`` are W."""
    parser = MatrixParser(written.strip(), span)
    try:
        name = parser.name_base()
    except Exception:
        raise ModelError(f"'{written}' is not a name", span, "declare shapes of names such as W or \\mathbf{x}")
    if not parser.is_("end"):
        raise ModelError(f"'{written}' is not a name", span, "declare shapes of names such as W or \\mathbf{x}")
    return name


def split_shape_lines(defines: list[tuple[str, Span]]
                      ) -> tuple[list[tuple[str, Span]], list[tuple[str, tuple[str, ...], Span]]]:
    """The define lines that are definitions, and the shapes ``W \\in \\mathbb{R}^{J \\times I}``."""
    kept, shapes = [], []
    for text, span in defines:
        m = _IN_REALS.match(text)
        if m is None:
            kept.append((text, span))
            continue
        sizes = read_sizes(m.group("dims") or "1", span)
        for written in m.group("names").split(","):
            shapes.append((tensor_name(written, span), sizes, span))
    return kept, shapes


def declared_shapes(data: dict, lines: list[tuple[str, tuple[str, ...], Span]],
                    span: Span) -> list[tuple[str, tuple[str, ...], Span]]:
    """Every declared shape: the ``shapes:`` key's, then the define lines'."""
    found = []
    table = data.get("shapes") or {}
    if not isinstance(table, dict):
        raise ModelError("shapes must map names to shapes", span, "write shapes: {W: J×I, x: I}")
    for written, sizes in table.items():
        found.append((tensor_name(str(written), span), read_sizes(sizes, span), span))
    return found + lines


def apply_shapes(network: Network, shapes: list[tuple[str, tuple[str, ...], Span]]) -> None:
    """Give every declared size an index letter and every declared name a tensor (a leaf if
    no definition mentions it). Raises ModelError when a declaration contradicts the model."""
    for name, sizes, span in shapes:
        for size in sizes:
            if size not in network.index_ranges.values():
                network.index_ranges[_free_letter(network, size)] = size
        same = [t for t in network.tensors.values() if t.name == name]
        if not same:
            tensor = Tensor(name, sizes)
            network.tensors[tensor.key] = tensor
        elif not any(t.ranges == sizes for t in same):
            shown = "×".join(sizes) or "a scalar"
            raise ModelError(f"{name} is declared {shown}, but the definitions use it as "
                             f"{', '.join(map(str, same))}", span,
                             "a matrix W_{ji} with j over J and i over I has the shape J×I")


def _free_letter(network: Network, size: str) -> str:
    used = set(network.index_ranges)
    if network.layers is not None:
        used |= {network.layers.letter, network.layers.last}
    for letter in [size.lower()] + list(_LETTERS):
        if len(letter) == 1 and letter.isalpha() and letter not in used:
            return letter
    raise ModelError(f"no index letter is left for the size {size}", None,
                     "declare the letters under indices")
