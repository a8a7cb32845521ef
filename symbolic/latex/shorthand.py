"""Upstream-gradient shorthand: ``dy_i``, ``d\\hat{x}_j``, ``d\\sigma^2``, ``dW`` for ∂L/∂(·).

Backward-pass notes (a deep learning course's ``dZ``, ``dW``; batch-norm write-ups' ``dy``,
``d\\hat{x}``) name the gradient of the loss by a quantity with a ``d`` before it. A block
that says ``shorthand: d`` has it read so: ``d`` right before a name of the model, not
inside a word or a command and not the ``d`` of Leibniz's ``\\frac{dL}{dw}`` or ``dL/dw``,
is ``\\frac{\\partial L}{\\partial name}`` with the name's subscript and superscript. Only
names of the model are read this way; any other ``d…`` is left as written (and is then an
unknown symbol, at its place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Expansion:
    """A term with its shorthand written out, and where each rewrite happened."""

    text: str
    edits: tuple[tuple[int, int, int], ...]  # (position in the written text, written length, new length)

    def written_offset(self, offset: int) -> int:
        """The offset in the written text of an offset in :attr:`text`."""
        shift = 0
        for position, written, new in self.edits:
            if offset - shift < position:
                break
            if offset - shift < position + new:
                return position  # inside a rewrite: its start
            shift += new - written
        return offset - shift


_DECORATED = r"\\(?:hat|tilde|bar|mathbf|boldsymbol|mathcal|vec|mathrm)\s*\{[^{}]*\}"
_SCRIPT = r"\s*[_^]\s*(?:\{[^{}]*\}|[A-Za-z0-9])"


def _key(written: str) -> str:
    """A name up to its spelling: ``\\hat{x}`` and ``hat{x}``, ``\\sigma^2`` and ``sigma^{2}``."""
    return re.sub(r"[\\{}\s]", "", written)


def expand_shorthand(text: str, prefix: str, loss: str, names: list[str],
                     losses: dict[str, str] | None = None) -> Expansion:
    """``text`` with ``{prefix}{name}…`` written as ``\\frac{\\partial loss}{\\partial name…}``
    for the model's ``names``; everything else as written. ``losses`` maps a name (without its
    layer) to another scalar its shorthand differentiates (Ng's ``dW`` is ∂J/∂W, J the cost)."""
    known = {_key(n) for n in names}
    command_end = "(?![A-Za-z])" if prefix.startswith("\\") else ""  # \delta h, never \deltah
    layered = {key.split("^", 1)[0] for key in known if "^" in key}  # z^{(2)}: dz^{[l]} is by a layer
    pattern = re.compile(
        rf"(?<![A-Za-z\\{{/]){re.escape(prefix)}{command_end}\s*(?P<name>{_DECORATED}|\\[A-Za-z]+|[A-Za-z]+)"
        rf"(?![A-Za-z])(?P<sup>\s*\^\s*(?:\{{[^{{}}]*\}}|[A-Za-z0-9]))?(?P<scripts>(?:{_SCRIPT})*)")
    out: list[str] = []
    edits: list[tuple[int, int, int]] = []
    position = 0
    for m in pattern.finditer(text):
        name, sup, scripts = m.group("name"), m.group("sup") or "", m.group("scripts")
        if _key(name + sup) in known or _key(name) in layered and re.match(r"\^\s*\{\s*[\[(]", sup.strip()):
            name, sup = name + sup, ""
        elif _key(name) not in known:
            continue
        if _leibniz(text, m.start()) or text[m.end():].lstrip().startswith("/"):
            continue
        of = (losses or {}).get(_key(name).split("^", 1)[0], loss)
        written = rf"\frac{{\partial {of}}}{{\partial {name}{sup}{scripts}}}"
        layer_t = re.fullmatch(r"(\S*\^\{\s*\[[^\]]*\])\s*\^?\s*(?:T|\\top)\s*\}", re.sub(r"\s", "", name))
        if layer_t and not scripts:  # dZ^{[l]T}: the transpose of the gradient by Z^{[l]}
            written = rf"\left(\frac{{\partial {of}}}{{\partial {layer_t.group(1)}}}}}\right)^T"
        out += [text[position:m.start()], written]
        edits.append((m.start(), m.end() - m.start(), len(written)))
        position = m.end()
    return Expansion("".join(out) + text[position:], tuple(edits))


def _leibniz(text: str, start: int) -> bool:
    """Whether the ``d`` at ``start`` is Leibniz's: the first thing in a \\frac's numerator or
    denominator (``\\frac{dL}{dw}``), or after a slash (``dL/dw``)."""
    before = text[:start].rstrip()
    return before.endswith("/") or bool(re.search(r"\\[dt]?frac\s*\{$|\}\s*\{$", before))
