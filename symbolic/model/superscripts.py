"""What a superscript on a name means: a layer, an example index, part of a name, or a power.

The LaTeX stage carries every superscript that is a label or a whole number into the
symbol's name (``z^{l+1}_k``, ``W^{(2)}_{kj}``, ``\\sigma^2_j``, ``x^{(i)}``); here it is
read in its context, by these rules, in order:

1. ``(i)``/``[i]`` with ``i`` an index letter of the block is the example index: ``x^{(i)}_j``
   is ``x_{ij}``, ``y^{(i)}`` is ``y_i``. A bare index letter (``x^i``) is an error.
2. In a block with ``layers: {l: L}``, ``l``, ``l+1``, ``l-1``, ``L``, ``L-1`` and a layer
   number in brackets (``(2)``, ``[2]``) are layers of the unrolled network.
3. A name the model declares with that superscript (``\\sigma^2_j = …``, ``W^{(2)}_{kj}``,
   ``z^l_j`` in a block without layers) is that name.
4. A whole number without brackets on a name that no superscripted name shares
   (``x_i^2`` with ``x`` a plain quantity) is a power.
5. Anything else is an error at its place: a bracketed number or a label never becomes a
   power, and a number on a name that has layers (``a^2_j`` beside ``a^{(1)}_j``), or that the
   block writes with several numbers (``W^1_{ij}`` and ``W^2_{jk}``), is ambiguous.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ..errors import ModelError, NotationError, Span
from ..latex.notation import SUPERSCRIPT_CODE, SUPERSCRIPT_MARK

_DECODE = {v: k for k, v in SUPERSCRIPT_CODE.items()}
_LABEL = re.compile(r"^(?P<open>[(\[]?)(?P<letter>\\ell|[A-Za-z])(?:(?P<sign>[+-])(?P<offset>\d+))?"
                    r"(?P<close>[)\]]?)$")
_NUMBER = re.compile(r"^(?P<open>[(\[]?)(?P<number>\d+)(?P<close>[)\]]?)$")

# Layers in the unrolled network: claims are read at l = 2, which has a layer and the inputs
# below it and two layers above, so that l + 1 is not the last layer L.
DEFAULT_DEPTH = 4


def decode(sub: str) -> tuple[str, str | None]:
    """Split a symbol's subscript into the subscript as written and the carried superscript."""
    depth = 0
    for pos, ch in enumerate(sub):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == SUPERSCRIPT_MARK and depth == 0:
            return sub[:pos], "".join(_DECODE.get(c, c) for c in sub[pos + 1:])
    return sub, None


def with_superscript(base: str, sup: str) -> str:
    """The name of a quantity written with a superscript: ``z^{l+1}``, ``W^{(2)}``."""
    return f"{base}^{{{sup}}}"


def bracketed(sup: str) -> bool:
    return sup[:1] in "([" and sup[-1:] in ")]"


@dataclass(frozen=True)
class Layers:
    """``layers: {l: L}``: the model is written for a generic layer ``l`` (and the last layer
    ``L``); it is unrolled into ``depth`` layers, and claims are read at ``claim_layer``, a
    layer with layers on both sides (layer 0 holds the inputs ``a^{l-1}`` of layer 1)."""

    letter: str = "l"
    last: str = "L"
    depth: int = DEFAULT_DEPTH

    @property
    def claim_layer(self) -> int:
        return (self.depth + 1) // 2

    def layer(self, sup: str, current: int | None, span: Span | None, written: str) -> int | None:
        """The layer number ``sup`` names with the generic layer at ``current``; None if ``sup``
        is not a layer label.

        Raises:
            ModelError: a generic label where no generic layer is meant, or a layer that the
                unrolled network does not have.
        """
        m = _LABEL.match(sup)
        if m and bool(m.group("open")) == bool(m.group("close")) \
                and m.group("letter") in (self.letter, self.last):
            offset = int(m.group("offset") or 0) * (-1 if m.group("sign") == "-" else 1)
            if m.group("letter") == self.last:
                number = self.depth + offset
            elif current is None:
                raise ModelError(f"{written}: the generic layer {self.letter} in a line for a "
                                 "concrete layer", span, f"write the line for layer {self.letter}, "
                                 "or name the concrete layer")
            else:
                number = current + offset
        else:
            m = _NUMBER.match(sup)
            if not (m and m.group("open") and m.group("close")):
                return None
            number = int(m.group("number"))
        if not 0 <= number <= self.depth:
            raise ModelError(f"{written}: layer {number} is outside the unrolled network "
                             f"(layers 0..{self.depth}, {self.letter} = {self.claim_layer} in claims, "
                             f"{self.last} = {self.depth})", span,
                             f"claims are read at {self.letter} = {self.claim_layer}: they may reach from "
                             f"{self.letter}-{self.claim_layer} to {self.letter}+{self.depth - self.claim_layer}")
        return number

    def offset(self, sup: str) -> int:
        """The offset from the generic layer of a label such as ``l+1`` (``l``: 0)."""
        m = _LABEL.match(sup)
        return int(m.group("offset") or 0) * (-1 if m.group("sign") == "-" else 1) if m else 0

    def label(self, number: int) -> str:
        """The superscript of layer ``number`` in names: ``L`` for the last, relative to the
        claim layer next to it (``l``, ``l+1``, ``l-1``), so that a claim's ``z^{l+1}`` or
        ``\\delta^L`` names it as written; others by number, ``(0)``."""
        offset = number - self.claim_layer
        if number == self.depth:
            return self.last
        if abs(offset) <= 1:
            return self.letter + (f"{offset:+d}" if offset else "")
        return f"({number})"

    def describe(self) -> str:
        return (f"{self.letter} = {self.claim_layer} of {self.depth} layers "
                f"({self.last} = {self.depth})")


def layers_from_block(value, span: Span | None) -> Layers | None:
    """Read ``layers: {l: L}`` (the generic layer letter and the name of the last layer).

    Raises:
        ModelError: the value is not one such pair.
    """
    if value is None:
        return None
    hint = "write layers: {l: L} — the letter of a generic layer and the name of the last one"
    if not isinstance(value, dict) or len(value) != 1:
        raise ModelError("layers must name one generic layer letter and the last layer", span, hint)
    ((letter, last),) = value.items()
    letter, last = str(letter).strip(), str(last).strip()
    if not re.fullmatch(r"\\ell|[A-Za-z]", letter) or not re.fullmatch(r"[A-Za-z]", last) or letter == last:
        raise ModelError(f"layers: {{{letter}: {last}}} is not a layer letter and a last layer",
                         span, hint)
    return Layers(letter, last)


def read_superscript(mention, network, mode: str, layer: int | None, span: Span | None,
                     power: bool = True):
    """A mention (:class:`~symbolic.model.index_notation.Mention`) with its superscript read by
    the rules above: the mention of a named quantity, or the exponent when the superscript is a
    power (only if ``power``; a left side is always a name), in ``network`` (a
    :class:`~symbolic.model.tensors.Network`). ``layer`` is the generic layer.

    Raises:
        NotationError: the superscript is ambiguous or names nothing here.
    """
    sup, base, tokens, written = mention.sup, mention.base, mention.tokens, mention.written
    if sup is None:
        return mention
    layers = network.layers
    layer_letters = (layers.letter, layers.last) if layers else ()
    inner = sup[1:-1] if bracketed(sup) else None
    if inner in network.index_ranges and inner not in layer_letters:
        return dataclasses.replace(mention, name=base, tokens=[inner, *tokens], sup=None)  # example
    if sup in network.index_ranges and sup not in layer_letters:
        raise NotationError(f"{written}: the superscript {sup} is an index letter; superscript "
                            "indices are not read", span,
                            f"write the index as a subscript, or in brackets for an example: "
                            f"{base}^{{({sup})}}")
    if layers is not None:
        number = layers.layer(sup, layer, span, written)
        if number is not None:
            return dataclasses.replace(mention, name=with_superscript(base, layers.label(number)))
    tensors = list(network.tensors.values())
    named = [t for t in tensors if t.name == mention.name]
    plain = [t for t in tensors if t.name == base]
    family = [t for t in tensors if t.name.startswith(base + "^{")]
    if sup.isdigit():
        if named and plain:
            raise NotationError(f"{written} is ambiguous: the model has both {named[0]} and "
                                f"{plain[0]}", span,
                                f"for the power write ({base}_{{…}})^{{{sup}}}")
        if named:
            return mention
        if base in network.numbered:
            raise NotationError(f"{written} is ambiguous: the block writes {base} with several "
                                "numbers as superscripts — layers, or powers?", span,
                                f"for layers write {base}^{{(1)}}, {base}^{{(2)}}; for a power "
                                f"({base}_{{…}})^{{{sup}}}")
        if family:
            shown = ", ".join(sorted({t.name for t in family}))
            raise NotationError(f"{written} is ambiguous: a power, or a layer of {shown}?",
                                span, f"for layer {sup} write {base}^{{({sup})}}, for the "
                                      f"power ({base}_{{…}})^{{{sup}}}")
        if power:
            return int(sup)
        if plain:  # a left side: x_i^2 = … beside a quantity x
            raise NotationError(f"{written} is ambiguous: the power of {plain[0]}, or a new name?",
                                span, f"write the claim with ({base}_{{…}})^{{{sup}}} on the right, "
                                      "or give a new quantity a name of its own")
        return mention
    if named or (mode == "define" and not plain):
        return mention
    if plain:
        raise NotationError(f"{written}: the model has {plain[0]} but no quantity named "
                            f"{mention.name}; a superscript such as {sup} is a layer or a "
                            "label, never a power", span,
                            f"declare {mention.name} in the block, or write the power as "
                            f"({base}_{{…}})^{{{sup}}}")
    other_case = sorted(t.name for t in tensors if t.name.lower() == mention.name.lower() and t.name != mention.name)
    if other_case:  # E^{P} beside E^{p}: a slip, or another label? Never guessed
        hint = (f"the model has {other_case[0]}: a superscript is read as written, and {sup} is "
                f"not {other_case[0].split('^', 1)[1].strip('{}')}")
    elif layers is None and re.fullmatch(r"\\ell|[A-Za-z][+-]\d+|[A-Za-z]", sup):
        hint = ("for a network written for a generic layer, declare layers: {l: L} in the "
                "block")
    else:
        hint = "superscripted names of this context: " + (
            ", ".join(sorted({t.name for t in tensors if "^{" in t.name})) or "none")
    raise NotationError(f"unknown symbol {written}", span, hint)
