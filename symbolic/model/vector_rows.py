"""Rows of a matrix written as vectors: ``u_o`` for the row o of ``u_{wd}``, ``u_o^\\top v_c``.

Derivations that keep one vector per word (word2vec's ``u_w``, ``v_c``) or per class write the
row of a matrix with its first index only, and their inner product with a transpose. The block
writes the matrix with all its indices (``s_w = \\sum_d u_{wd} v_{cd}``); in a claim a name with
one index fewer than the block gives it is that row — a vector over the last index — where
nothing else can be meant: the block writes the name with one shape only, the written indices
match its leading positions, and it has no shape with just the written indices.

- ``a^\\top b`` (``^T``, ``^{\\top}``, ``^\\intercal``) of two rows over the same range is their
  inner product, ``\\left(\\sum_{d'} a_{…d'} b_{…d'}\\right)``;
- any other row is the vector itself: it gets the range's letter as its last index (``u_o``
  is ``u_{od}``), so a claim that states a vector (``\\frac{\\partial J}{\\partial v_c} = -u_o + …``)
  is checked at every component d.

Rows over two different ranges in one term, or a row with any other superscript, are left as
written, for the model stage to refuse at their place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import NotationError, Span
from .written_mentions import WrittenName, written_names

_TRANSPOSE = re.compile(r"\{?\s*(?:T|\\top|\\intercal|\\mathsf\s*\{\s*T\s*\})\s*\}?")
_BETWEEN = re.compile(r"(?:\s|\\[,;:! ]|\\cdot(?![A-Za-z]))*")


@dataclass(frozen=True)
class VectorRows:
    """The shapes the block writes each name with, and its index letters' ranges."""

    shapes: dict  # head key -> set of range tuples
    ranges: dict  # index letter -> size

    def row_range(self, name: WrittenName) -> str | None:
        """The range of the components when ``name`` is a row of a matrix of the block, else None."""
        shapes = self.shapes.get(name.head)
        tokens = name.tokens
        if not shapes or not tokens or len(shapes) != 1:
            return None
        (shape,) = shapes
        written = [self.ranges.get(t.rstrip("'")) for t in tokens]
        if len(shape) != len(tokens) + 1 or None in written or list(shape[:-1]) != written:
            return None
        return shape[-1]

    def rewrite(self, text: str, span: Span) -> str:
        """``text`` with inner products of rows and rows as vectors written in indices.

        Raises:
            NotationError: rows over two different ranges in one term.
        """
        names = written_names(text)
        out, at, k, components = [], 0, 0, set()
        while k < len(names):
            name = names[k]
            size = self.row_range(name) if name.start >= at else None
            if size is None:
                k += 1
                continue
            following = next((n for n in names[k + 1:] if n.start >= name.end), None)
            if name.sup is not None and _TRANSPOSE.fullmatch(name.sup) and following is not None:
                if following.sup is None and self.row_range(following) == size \
                        and _BETWEEN.fullmatch(text[name.end:following.start]):
                    letter = self._unused(size, text)
                    inner = (rf"\left(\sum_{{{letter}}} {name.head_text}_{{{''.join(name.tokens + [letter])}}} "
                             rf"{following.head_text}_{{{''.join(following.tokens + [letter])}}}\right)")
                    out.append(text[at:name.start] + inner)
                    at = following.end
                    k = names.index(following) + 1
                    continue
            if name.sup is None:
                components.add(size)
                out.append(text[at:name.start] + name.with_tokens(name.tokens + [self.letter(size, text)]))
                at = name.end
            k += 1
        if len(components) > 1:
            raise NotationError(f"this term has rows of {' and '.join(sorted(components))} entries: "
                                "vectors of different sizes", span,
                                "write the term in index notation, with the index of each vector")
        out.append(text[at:])
        return "".join(out)

    def letter(self, size: str, text: str) -> str:
        """The letter of a vector's components: the range's first letter, primed past any use."""
        base = next(letter for letter, s in self.ranges.items() if s == size)
        primes = 0
        while _used(base + "'" * primes, text):
            primes += 1
        return base + "'" * primes

    def _unused(self, size: str, text: str) -> str:
        """A summation letter of the range that neither ``text`` nor the components use."""
        letter = self.letter(size, text) + "''"
        while _used(letter, text):
            letter += "'"
        return letter


def _used(letter: str, text: str) -> bool:
    """Whether an index letter (with exactly these primes) is written in ``text``."""
    return re.search(rf"(?<![\\A-Za-z]){re.escape(letter)}(?!['A-Za-z])", text) is not None


def read_rows(indices: dict[str, str], defines: list[tuple[str, Span]]) -> VectorRows | None:
    """The shapes of the names the define lines write with two or more index letters."""
    shapes: dict[str, set] = {}
    for text, _span in defines:
        for name in written_names(text):
            tokens = name.tokens
            if not tokens or any(t.rstrip("'") not in indices for t in tokens):
                continue
            shapes.setdefault(name.head, set()).add(tuple(indices[t.rstrip("'")] for t in tokens))
    matrices = {head: found for head, found in shapes.items() if max(map(len, found)) >= 2}
    return VectorRows(matrices, dict(indices)) if matrices else None
