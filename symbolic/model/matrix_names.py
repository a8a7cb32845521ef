"""Names for matrix notation where one letter names several arrays: the block's ``matrices:``.

A model may write two arrays with one letter, told apart by their index letters: ``w_{ij}``
(I×J) and ``w_{jk}`` (J×K). In matrix notation a name has one shape, so the block names them:

    matrices:
      W_1: w_{ij}
      W_2: w_{jk}

Each value is an array of the model written with index letters over its sizes, in its own
order; the name then reads as that array with its shape and orientation (W_1 is I×J). A name
the index notation already reads (``b_1`` where b is one vector: its first entry) is refused,
so that naming arrays never changes what a claim means.
"""

from __future__ import annotations

import re

import sympy

from ..errors import GradproofError, ModelError, Span
from ..latex.matrix_parse import MatrixParser
from ..latex.parse import parse_latex
from .index_notation import Resolver
from .names import latex_name
from .tensors import Network, Tensor

_WRITTEN = re.compile(r"\s*(?P<name>\\?[A-Za-z]+(?:\^\{[^{}]*\})?)\s*_\s*"
                      r"(?:\{(?P<group>[^{}]*)\}|(?P<one>[A-Za-z]))\s*")
HINT = "write matrices: {W_1: 'w_{ij}', W_2: 'w_{jk}'}: a new name for each array, mapped to the array " \
       "written with its index letters"


def read_matrix_names(table, network: Network, span: Span) -> dict[str, str]:
    """The block's ``matrices:`` as {name as the matrix reader spells it: tensor key}.

    Raises:
        ModelError: a name is no plain name, is the model's or reads in index notation; a value is
            no array of the model written with index letters over its sizes; an array or a name
            is given twice. Located at the entry where the block reader kept its position.
    """
    if table is None:
        return {}
    if not isinstance(table, dict) or not table:
        raise ModelError("matrices must map new names to arrays of the model", span, HINT)
    spans = getattr(table, "spans", {})
    found: dict[str, str] = {}
    for written, value in table.items():
        at = spans.get(written, span)
        name = matrix_name(str(written), at)
        tensor = tensor_written(str(value), network, at)
        if name in found:
            raise ModelError(f"matrices: the name {written} is given twice", at, "give each array one name")
        twice = next((n for n, key in found.items() if key == tensor.key), None)
        if twice is not None:
            raise ModelError(f"matrices: {value} ({tensor}) is named twice, {shown(twice)} and {written}",
                             at, "give each array one name")
        if any(t.name == name for t in network.tensors.values()):
            raise ModelError(f"matrices: {written} is already a name of the model", at,
                             "choose a new name, such as W_1")
        reading = index_reading(name, network, at)
        if reading is not None:
            raise ModelError(f"matrices: {written} already reads in index notation, as {reading}", at,
                             "choose a name the index notation does not read, such as W_1 for w_{ij}")
        found[name] = tensor.key
    return found


def matrix_name(written: str, span: Span) -> str:
    """``W_1``, ``W_{1}``, ``\\mathbf{W}_1`` → ``W_1``, the matrix reader's spelling of the name."""
    parser = MatrixParser(written.strip(), span)
    try:
        name = parser.name_base()
        if parser.is_("char", "_"):
            parser.take()
            sub, _ = parser.group_text()
            sub = re.sub(r"[{}\s]", "", sub)
            name = f"{name}_{sub}" if re.fullmatch(r"[A-Za-z0-9]+", sub) else ""
        plain = bool(name) and parser.is_("end")
    except GradproofError:
        plain = False
    if not plain:
        raise ModelError(f"matrices: '{written}' is not a name", span,
                         "a name is a letter with an optional subscript: W_1, W, \\mathbf{W}_2")
    return name


def tensor_written(value: str, network: Network, span: Span) -> Tensor:
    """The array ``w_{ij}`` stands for: w with the sizes of i and j, in that order."""
    m = _WRITTEN.fullmatch(value)
    letters = re.findall(r"[A-Za-z]'*", (m.group("group") or m.group("one")) if m else "")
    rest = re.sub(r"[A-Za-z]'*|[\s,]", "", (m.group("group") or "") if m else "")
    if m is None or not letters or rest:
        raise ModelError(f"matrices: '{value}' is not an array written with its index letters", span,
                         "write the array as in the definitions, e.g. w_{ij} or b_j")
    unknown = [c for c in letters if c.rstrip("'") not in network.index_ranges]
    if unknown:
        raise ModelError(f"matrices: the index {unknown[0]} of {value} has no range", span,
                         f"use index letters of the block: {', '.join(network.index_ranges)}")
    if len(set(letters)) < len(letters):
        raise ModelError(f"matrices: {value} repeats an index letter", span,
                         "write one letter per index, e.g. w_{ij}")
    name = m.group("name").lstrip("\\")
    sizes = tuple(network.index_ranges[c.rstrip("'")] for c in letters)
    same = [t for t in network.tensors.values() if t.name == name and t.ranges]
    tensor = next((t for t in same if t.ranges == sizes), None)
    if tensor is None:
        known = ", ".join(map(str, same)) if same else "no array of that name"
        raise ModelError(f"matrices: {value} is {name} ({'×'.join(sizes)}), but the model has {known}",
                         span, "write the array with index letters over its sizes, in its order")
    if len(sizes) > 2:
        raise ModelError(f"matrices: {tensor} has {len(sizes)} indices: not a matrix or a vector", span,
                         "write claims about it in index notation")
    return tensor


def index_reading(name: str, network: Network, span: Span) -> str | None:
    """What index notation reads a name as (None: it does not read it)."""
    text = shown(name)
    try:
        expr = Resolver(network, "claim", span, text).resolve(parse_latex(text, span))
    except (GradproofError, RecursionError):
        return None
    entry = next((t for t in network.tensors.values() if isinstance(expr, sympy.Indexed) and t.base == expr.base), None)
    return f"an entry of {entry}" if entry is not None else str(expr)


def shown(name: str) -> str:
    """A name as LaTeX: ``W_10`` → ``W_{10}``."""
    head, _, sub = name.partition("_")
    head = latex_name(head)
    return head if not sub else f"{head}_{sub}" if len(sub) == 1 else f"{head}_{{{sub}}}"


def named(network: Network, name: str) -> Tensor | None:
    """The array a name of ``matrices:`` stands for (None: no such name)."""
    key = getattr(network, "matrices", {}).get(name)
    return None if key is None else network.tensors.get(key)


def name_of(network: Network, tensor: Tensor) -> str:
    """The name matrix notation writes an array with: its ``matrices:`` name, else its own."""
    alias = next((n for n, key in getattr(network, "matrices", {}).items() if key == tensor.key), None)
    return tensor.name if alias is None else shown(alias)


def mentions(network: Network, text: str) -> bool:
    """Whether a term writes a name of the block's ``matrices:`` (``W_1``, ``\\mathbf{W}_{1}``)."""
    for name in getattr(network, "matrices", {}):
        head, _, sub = name.partition("_")
        head = re.escape(latex_name(head))
        pattern = rf"(?:(?<![A-Za-z\\]){head}|\\(?:mathbf|boldsymbol|bm|vec)\s*\{{\s*{head}\s*\}})"
        pattern += rf"\s*_\s*(?:\{{\s*{re.escape(sub)}\s*\}}|{re.escape(sub)}(?![A-Za-z0-9]))" if sub \
            else r"(?![A-Za-z])(?!\s*_)"
        if re.search(pattern, text):
            return True
    return False


def suggestion(network: Network) -> str:
    """A ready-to-paste ``matrices:`` naming every array that shares its letter with another."""
    entries = {shown(n): key for n, key in getattr(network, "matrices", {}).items()}
    taken = {t.name for t in network.tensors.values()} | {n.replace("{", "").replace("}", "") for n in entries}
    arrays = [t for t in network.tensors.values() if t.ranges and len(t.ranges) <= 2]
    first = {t.name: n for n, t in reversed(list(enumerate(arrays)))}  # matrices first, then vectors
    for tensor in sorted(arrays, key=lambda t: (-len(t.ranges), first[t.name])):
        if tensor.key in entries.values() or sum(t.name == tensor.name for t in arrays) < 2:
            continue
        head = tensor.name.upper() if len(tensor.ranges) == 2 and len(tensor.name) == 1 else tensor.name
        number = 1
        while f"{head}_{number}" in taken or index_reading(f"{head}_{number}", network, Span("", 1, 1)):
            number += 1
        taken.add(f"{head}_{number}")
        entries[shown(f"{head}_{number}")] = tensor.key
    return "matrices: {" + ", ".join(f"{n}: {_written(network.tensors[key], network)}"
                                     for n, key in entries.items()) + "}"


def hint_for(network: Network, name: str) -> str:
    """The hint for a letter that names several arrays: the block's names for them, or a ``matrices:``."""
    same = [t for t in network.tensors.values() if t.name == name]
    names = [f"{name_of(network, t)} for {_written(t, network).strip(chr(39))}" for t in same]
    if all(name_of(network, t) != t.name for t in same):
        return "write the block's name for one of them: " + ", ".join(names)
    return "in matrix notation a name has one shape: name the arrays in the block, " + suggestion(network)


def _written(tensor: Tensor, network: Network) -> str:
    """An array with index letters over its sizes (``'w_{ij}'``, quoted for YAML when braced)."""
    letters: list[str] = []
    for size in tensor.ranges:
        letter = next((k for k, v in network.index_ranges.items() if v == size and k not in letters), None)
        letters.append(letter or next(k for k, v in network.index_ranges.items() if v == size) + "'")
    if len(letters) == 1:
        return f"{latex_name(tensor.name)}_{letters[0]}"
    return f"'{latex_name(tensor.name)}_{{{''.join(letters)}}}'"
