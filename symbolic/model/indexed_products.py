"""The entry of a product of matrices, ``(T^t W T^{t-1})_{mi}``, written out in index notation.

An index on a parenthesised product of names is plain mathematics: ``(A B C)_{mi}`` is
``\\sum_{k,l} A_{mk} B_{kl} C_{li}``, and ``(A x)_i`` is ``\\sum_k A_{ik} x_k``. Each factor is
a name as the claim's index notation reads it with two indices (one for a vector at the end),
superscripts included (``T^t`` is the block's T at step t under Einstein's convention). The
range of each index between two factors is the one the factor's name is declared with: a name
read with more than one range there is an error, never a guess. Only a product of names is
read, after an operator or at the start of a term (``f(x)_i`` may be the entry of a function's
value); anything else on a bracket keeps the error of :mod:`symbolic.latex.brackets`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import sympy

from ..errors import GradproofError, NotationError, Span
from .tensors import Network

_FACTOR = (r"(?:\\(?:mathbf|boldsymbol|bm)\s*\{\s*(?:\\[A-Za-z]+|[A-Za-z])\s*\}|\\[A-Za-z]+|[A-Za-z])"
           r"(?:\s*\^\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?")
_PRODUCT = re.compile(rf"(\\left\s*\(|\()\s*((?:{_FACTOR}\s*(?:\\[,;]\s*)?)+)(\\right\s*\)|\))"
                      r"\s*_\s*(\{[^{}]*\}|[A-Za-z])")
_AFTER = re.compile(r"(?:^|[-+=(\[{,0-9]|\\cdot|\\,|\\;|\\quad|\\qquad)\s*$")  # what may come before one
_NOT_FACTORS = {"left", "right", "cdot", "times", "odot", "sum", "frac", "partial", "tanh", "sigma",
                "exp", "log", "ln"}
MAX_PRODUCTS = 20  # entries of products written out in one term


@dataclasses.dataclass
class Edit:
    start: int  # in the author's text
    end: int
    length: int  # of what replaced it


def read_indexed_products(text: str, span: Span, context) -> sympy.Expr | None:
    """The term read with its entries of products written out, or None when it has none.

    ``context`` (a :class:`~symbolic.model.context.Context`) reads the written-out term, and each
    factor's entry while its shape is sought. Under ``summation: einstein`` the inner letters are summed
    by the convention (never a letter it keeps out); otherwise by a written ``\\sum``.

    Raises:
        NotationError: at the bracket, for a product whose factors' shapes do not chain.
        GradproofError: from reading the written-out term, at the author's column.
    """
    network, summation = context.network, context.dialects.summation

    def read(term: str) -> sympy.Expr:
        return context.read(term, span)

    edits: list[Edit] = []
    pieces, at = [], 0
    for m in _PRODUCT.finditer(text):
        letters = _subscript(m.group(4), network)
        factors = _factors(m.group(2))
        if letters is None or factors is None or not _AFTER.search(text[:m.start()]):
            continue
        if len(edits) == MAX_PRODUCTS:
            raise NotationError(f"more than {MAX_PRODUCTS} entries of products in one term",
                                span.shifted(text[:m.start()]), "name parts of the expression in the block")
        where = span.shifted(text[:m.start()])
        written = _entry(factors, letters, network, text + " ".join(pieces), where, read, summation)
        pieces += [text[at:m.start()], written]
        edits.append(Edit(m.start(), m.end(), len(written)))
        at = m.end()
    if not edits:
        return None
    rewritten = "".join(pieces) + text[at:]
    try:
        return read(rewritten)
    except GradproofError as err:
        raise _relocated(err, span, text, edits) from None


def _subscript(group: str, network: Network) -> list[str] | None:
    """The index letters of ``_{mi}`` (one or two, each declared), or None."""
    inner = re.sub(r"[\s,]", "", group.strip("{}"))
    letters = re.findall(r"[A-Za-z]'*", inner)
    if "".join(letters) != inner or not 1 <= len(letters) <= 2:
        return None
    return letters if all(x.rstrip("'") in network.index_ranges for x in letters) else None


def _factors(group: str) -> list[str] | None:
    """The names of a product written by juxtaposition, or None when it is anything else."""
    factors = [re.sub(r"\s+", "", f) for f in re.findall(_FACTOR, group)]
    rest = re.sub(_FACTOR, "", group)
    if re.sub(r"\\[,;]|\s", "", rest) or any(f.lstrip("\\").split("^")[0] in _NOT_FACTORS for f in factors):
        return None
    return factors


def _entry(factors: list[str], letters: list[str], network: Network, text: str, where: Span,
           read: Callable[[str], sympy.Expr], summation: str) -> str:
    """``(A B C)_{mi}`` as ``(\\sum_{k} \\sum_{l} A_{mk} B_{kl} C_{li})`` (without the sums under
    Einstein's convention, which sums each inner letter, written twice)."""
    einstein = summation == "einstein"
    taken: set[str] = set(getattr(summation, "unsummed", ())) if einstein else set()
    row = letters[0]
    ranges = network.index_ranges
    written, bound = [], []
    for k, factor in enumerate(factors):
        last = k == len(factors) - 1
        if last and len(letters) == 2:
            columns = [letters[1]]
        elif last:
            columns = []  # (A x)_i: the last factor is a vector
        else:
            sizes = [size for size in dict.fromkeys(ranges.values())
                     if _free(network, size, text, taken)
                     and _reads(read, f"{factor}_{{{row}{_free(network, size, text, taken)}}}")]
            if len(sizes) != 1:
                busy = [size for size in dict.fromkeys(ranges.values()) if not _free(network, size, text, taken)]
                shown = " or ".join(sizes) if sizes else "no declared size"
                left = f" (no index letter of {' or '.join(busy)} is left in the term)" if busy and not sizes else ""
                raise NotationError(f"the columns of {factor} in the product ({' '.join(factors)}) are of "
                                    f"{shown}{left}", where,
                                    "each factor is a name of the block with two indices, its rows the "
                                    "columns of the factor before it" + ("; declare more index letters"
                                                                         if left else ""))
            columns = [_free(network, sizes[0], text, taken)]
            taken.add(columns[0])
            bound.append(columns[0])
        mention = f"{factor}_{{{row}{''.join(columns)}}}"
        if last and not _reads(read, mention):
            raise NotationError(f"{factor} in the product ({' '.join(factors)}) has no entry {mention}", where,
                                "each factor is a name of the block with two indices (the last one "
                                "may be a vector)")
        written.append(mention)
        row = columns[0] if columns else row
    sums = "" if einstein else "".join(f"\\sum_{{{letter}}} " for letter in bound)
    return f"({sums}{' '.join(written)})"


def _reads(read: Callable[[str], sympy.Expr], mention: str) -> bool:
    try:
        read(mention)
        return True
    except (GradproofError, RecursionError):
        return False


def _free(network: Network, size: str, text: str, taken: set[str]) -> str | None:
    """A letter of ``size`` that the term does not use (anywhere outside command names), or None."""
    written = re.sub(r"\\[A-Za-z]+", " ", text)
    return next((letter for letter, of in network.index_ranges.items()
                 if of == size and letter not in taken and letter not in written), None)


def _relocated(err: GradproofError, span: Span, text: str, edits: list[Edit]) -> GradproofError:
    """An error in the written-out term, at the author's column (a bracket, for one inside it)."""
    if err.span is None or err.span.line != span.line or "\n" in text:
        return err
    offset = err.span.column - span.column  # in the written-out term
    shift = 0  # how much longer the written-out term is before this point
    for edit in edits:
        start = edit.start + shift
        if offset < start:
            break
        if offset < start + edit.length:
            offset, shift = edit.start, 0  # inside a product written out: at its bracket
            break
        shift += edit.length - (edit.end - edit.start)
    err.span = dataclasses.replace(err.span, column=span.column + offset - shift)
    return err
