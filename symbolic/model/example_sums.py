"""A sum over training examples written with the example itself: Nielsen's ``\\sum_x``.

Nielsen writes the cost of n training inputs as ``C = -\\frac{1}{n} \\sum_x [y \\ln a + …]``: the
summation letter x is the training input, and y, z, a inside the sum are those of input x, with
no index that says so. The block declares it with ``examples: {x: n}``: x is then an index
letter over n examples, and the data — the block's input and target leaves — and every quantity
the block computes from them without summing over the examples are **per example**: each of
their mentions that does not already carry the letter x gets it as its first index (``z`` is
``z_{x}``, ``x_j`` is ``x_{xj}``). Inside ``\\sum_x`` that is the summed example; outside, a free
index x, so ``\\frac{\\partial a}{\\partial z} = \\sigma'(z)`` is checked for every example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ModelError, Span
from ..latex.text import read_group


@dataclass(frozen=True)
class Examples:
    """The example letter, its size, and the names that are per example."""

    letter: str
    size: str
    names: frozenset[str]

    def rewrite(self, text: str) -> str:
        """``text`` with the example letter added to every per-example mention without it."""
        if not self.names:
            return text
        heads = "|".join(re.escape(n) for n in sorted(self.names, key=len, reverse=True))
        pattern = re.compile(rf"(?<![\\A-Za-z])({heads})(?![A-Za-z])")
        out, i = [], 0
        for m in pattern.finditer(text):
            if m.start() < i or _in_subscript(text, m.start()):
                continue
            end = m.end()
            sub = re.match(r"\s*_\s*", text[end:])
            if sub:
                group, after = read_group(text, end + sub.end())
                if re.search(rf"(?<![A-Za-z\\]){re.escape(self.letter)}(?![A-Za-z])", group):
                    continue  # the author wrote the example index
                replacement = f"{m.group(1)}_{{{self.letter}{group}}}"
                end = after
            else:
                replacement = f"{m.group(1)}_{{{self.letter}}}"
            out.append(text[i:m.start()] + replacement)
            i = end
        out.append(text[i:])
        return "".join(out)


def _in_subscript(text: str, at: int) -> bool:
    """Whether position ``at`` is inside a subscript (``\\sum_x``, ``\\sum_{x}``, ``w_{xj}``)."""
    before = text[:at]
    if re.search(r"_\s*$", before):
        return True
    depth = 0
    for k in range(len(before) - 1, -1, -1):
        ch = before[k]
        if ch == "}":
            depth += 1
        elif ch == "{":
            if depth == 0:
                return re.search(r"_\s*$", before[:k]) is not None
            depth -= 1
    return False


def read_examples(data: dict, indices: dict[str, str], defines: list[tuple[str, Span]],
                  span: Span) -> Examples | None:
    """The block's ``examples: {x: n}``, with the names that are per example; None without it.

    Raises:
        ModelError: a malformed declaration, or a letter that is already an index letter.
    """
    declared = data.get("examples")
    if declared is None:
        return None
    if not isinstance(declared, dict) or len(declared) != 1:
        raise ModelError("examples: must map the letter of the sum over examples to their number",
                         span, "write examples: {x: n} for Nielsen's \\sum_x over n inputs x")
    (letter, size), = declared.items()
    letter, size = str(letter), str(size)
    if not re.fullmatch(r"[A-Za-z]", letter) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", size):
        raise ModelError(f"examples: {{{letter}: {size}}} is not a letter and a size name", span,
                         "write examples: {x: n}")
    if letter in indices:
        raise ModelError(f"examples: {letter} is already an index letter", span,
                         "the example letter is declared under examples only")
    data_names = {str(data.get("input", "x")), str(data.get("target", "t"))}
    names = {n.lstrip("\\") for n in data_names}
    summed = re.compile(rf"\\sum\s*_\s*(?:{re.escape(letter)}|\{{\s*{re.escape(letter)}\s*(?:=[^}}]*)?\}})")
    lines = []
    for text, _span in defines:
        left, _, right = text.partition("=")
        head = re.match(r"\s*\\?([A-Za-z]+)", left)
        if head:
            lines.append((head.group(1), right))
    for name in sorted(names):  # a data name the model does not use: its real data is left scalar
        if not any(re.search(rf"(?<![\\A-Za-z]){re.escape(name)}(?![A-Za-z])", right) for _h, right in lines):
            raise ModelError(f"examples: the data of an example are the block's input and target, and "
                             f"{name} is not in the model", span,
                             "name them with input: and target: (Nielsen: target: y), so that every "
                             "per-example quantity gets its example index")
    changed = True
    while changed:  # everything computed from per-example names, without summing over them
        changed = False
        for head, right in lines:
            if head in names or summed.search(right):
                continue
            if any(re.search(rf"(?<![\\A-Za-z]){re.escape(n)}(?![A-Za-z])", right) for n in names):
                names.add(head)
                changed = True
    return Examples(letter, size, frozenset(names))
