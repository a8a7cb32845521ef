"""Fixed indices: a model written for one particular member of a range (word2vec's o and c).

Derivations of word2vec write the loss for a particular outside word o and centre word c,
``J = -\\log \\hat y_o`` with ``s_w = u_w^\\top v_c``: o and c are neither summed nor free
indices of a claim, they are one member each of the vocabulary. The block declares them with
``fixed: {o: V, c: V}``: each is an index letter of its range, and every quantity the block
computes from one of them without summing over it *carries* it — ``J`` is ``J_{oc}``,
``\\hat y_w`` is ``\\hat y_{wc}`` — as trailing indices, added to each mention that has only the
indices written on its definition's left side. A claim is then checked at every value of the
fixed letters it reaches, which is what "for a particular o" means: whichever member it is.

A fixed member may be written as a name with a subscript, the label of the example i under
discussion: ``fixed: {i: N, y_i: C}`` makes ``y_i`` (and ``y_{i}``) the fixed letter y of C,
so that ``w_{y_i}`` is ``w_y`` and ``\\sum_{j \\neq y_i}`` excludes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ModelError, Span
from .written_mentions import written_names

_HINT = "write fixed: {o: V, c: V}: a letter for one member of a range, and the range's size"


@dataclass(frozen=True)
class FixedIndices:
    """The fixed letters in their declared order, and what each defined name carries."""

    letters: tuple[str, ...]
    carried: dict  # head key -> (number of indices written on its left side, carried letters)
    written: tuple[tuple[str, str], ...] = ()  # (y, i) of y_i: a fixed letter written as a name

    def rewrite(self, text: str) -> str:
        """``text`` with the carried letters added to each mention written with its left
        side's indices (a mention written otherwise is left as it is, for the model to read)."""
        text = self.letters_as_written(text)
        out, at = [], 0
        for name in written_names(text):
            carried = self.carried.get(name.head)
            tokens = name.tokens
            if carried is None or tokens is None or len(tokens) != carried[0] or name.start < at:
                continue
            out.append(text[at:name.start] + name.with_tokens(tokens + list(carried[1])))
            at = name.end
        out.append(text[at:])
        return "".join(out)

    def as_the_author_writes(self, text: str) -> str:
        """``text`` (printed with every index) as the author writes it: the carried letters left
        out (``J_{oc}`` is ``J``), a fixed letter written as a name as that name (``y`` is ``y_i``).
        The inverse of :meth:`rewrite` on what it wrote; the caller reads the result back."""
        out, at = [], 0
        for name in written_names(text):
            carried, tokens = self.carried.get(name.head), name.tokens
            if name.start < at or not tokens:
                continue
            if carried is not None and len(tokens) == carried[0] + len(carried[1]) \
                    and tuple(tokens[carried[0]:]) == carried[1]:
                tokens = tokens[:carried[0]]
            named = {letter: f"{letter}_{sub}" for letter, sub in self.written}
            tokens = [named.get(t, t) for t in tokens]
            if tokens == name.tokens:
                continue
            shown = name.text_without_sub(text)
            if tokens:  # y_i among the indices: separated by commas, s_{j',y_i}
                shown += "_{" + ("," if any("_" in t for t in tokens) else "").join(tokens) + "}"
            out.append(text[at:name.start] + shown)
            at = name.end
        out.append(text[at:])
        return "".join(out)

    def letters_as_written(self, text: str) -> str:
        """``text`` with each fixed member written as a name (``y_i``) as its letter (``y``)."""
        for letter, sub in self.written:
            text = re.sub(rf"(?<![\\A-Za-z]){letter}\s*_\s*(?:\{{\s*{sub}\s*\}}|{sub}(?![A-Za-z]))"
                          r"(?!\s*[_^'])", letter, text)
        return text


def read_fixed(data: dict, indices: dict[str, str], defines: list[tuple[str, Span]],
               span: Span) -> FixedIndices | None:
    """The block's ``fixed:`` letters (added to ``indices``) and the names that carry them.

    Raises:
        ModelError: a malformed declaration, or a letter that is already an index letter.
    """
    declared = data.get("fixed")
    if declared is None:
        return None
    if not isinstance(declared, dict) or not declared:
        raise ModelError("fixed: must map letters to the sizes of their ranges", span, _HINT)
    letters, written = [], []
    for key, size in declared.items():
        key, size = str(key).strip(), str(size)
        name = re.fullmatch(r"([A-Za-z])_\{?([A-Za-z])\}?", key)
        letter = name.group(1) if name else key
        if not re.fullmatch(r"[A-Za-z]", letter) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", size):
            raise ModelError(f"fixed: {{{key}: {size}}} is not a letter and a size name", span, _HINT)
        if name:
            written.append((letter, name.group(2)))
        if letter in indices:
            raise ModelError(f"fixed: {letter} is already an index letter", span,
                             "a fixed letter is declared under fixed only")
        indices[letter] = size
        letters.append(letter)
    for letter, sub in written:
        if sub not in indices:
            raise ModelError(f"fixed: {letter}_{sub} names a member for each {sub}, and {sub} is no "
                             "index letter", span, f"declare {sub} under fixed or indices too")
    fixed = FixedIndices(tuple(letters), {}, tuple(written))
    lines = [(fixed.letters_as_written(text), line_span) for text, line_span in defines]
    fixed = FixedIndices(tuple(letters), _carried(tuple(letters), lines), tuple(written))
    loss = written_names(str(data.get("loss", "")))
    if len(loss) == 1 and loss[0].head in fixed.carried \
            and len(loss[0].tokens or ()) == fixed.carried[loss[0].head][0]:
        carried = ", ".join(fixed.carried[loss[0].head][1])
        raise ModelError(f"the loss {data['loss']} depends on the fixed {carried}: it is one loss for "
                         "each of their values, and loss: names a single scalar", span,
                         f"leave loss: out and write the derivatives of {data['loss']} with \\partial")
    return fixed


def _carried(letters: tuple[str, ...], defines: list[tuple[str, Span]]) -> dict:
    """Each defined name that reaches a fixed letter not summed over on its line: the number of
    indices its left side writes, and the letters it carries (in the declared order)."""
    lines, written_on_left = [], {}
    for text, _span in defines:
        left, equals, right = text.partition("=")
        heads = written_names(left)
        if not equals or len(heads) != 1 or heads[0].tokens is None:
            continue
        summed = set(re.findall(r"\\(?:sum|prod)\s*_\s*\{?\s*([A-Za-z])", right))
        lines.append((heads[0].head, len(heads[0].tokens), right, summed))
        written_on_left[heads[0].head] = {t.rstrip("'") for t in heads[0].tokens}
    reach: dict[str, set[str]] = {}
    changed = True
    while changed:
        changed = False
        for head, _count, right, summed in lines:
            found = set(reach.get(head, ()))
            for name in written_names(right):
                own = set(name.tokens or ()) | set(re.findall(r"[A-Za-z]", name.sup or ""))
                found |= {t.rstrip("'") for t in own} & set(letters)
                if name.head != head:
                    found |= reach.get(name.head, set())
            found -= summed | written_on_left.get(head, set())
            if found != reach.get(head, set()):
                reach[head] = found
                changed = True
    return {head: (count, tuple(l for l in letters if l in reach.get(head, ())))
            for head, count, _right, _summed in lines if reach.get(head)}
