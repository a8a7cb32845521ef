"""A name's own label: ``{b_y}_l`` is the entry l of the vector ``b_y``, ``{h_{t-1}}_j`` the entry
j of the vector of step t - 1.

A label made of letters that are not index letters (nor the generic layer) names a vector of
its own (``b_y``, ``\\hat{y}_t`` when t is not an index). A label that is an index letter of the
block, or index arithmetic on them, is that index: ``{h_t}_j``, ``h_{t_j}`` and ``{h_{t-1}}_l``
are ``h_{t,j}``, ``h_{t,j}`` and ``h_{t-1,l}``, the entry at step t (see
:mod:`symbolic.latex.nested_subscripts`). A label that mixes the two (``{W_{ty}}_j`` with t an
index and y not) is an error, never a guess.
"""

from __future__ import annotations

import dataclasses
import re

from ..errors import NotationError, Span
from .mentions import Mention
from .offsets import OFFSET, affine
from .tensors import Network


def read_label(mention: Mention, network: Network, span: Span | None, defining: bool = False) -> Mention:
    """``mention`` with an index label moved into its indices (``{h_{t-1}}_l`` is ``h_{t-1,l}``);
    a name label (``{b_y}_l``) and a mention without a label as they are. ``defining``: the
    mention is the left side of a definition.

    Raises:
        NotationError: a label that mixes index letters with other letters; ``b_{y_l}`` for a
            vector ``b_y`` the model does not have (it may be the entry y_l of b).
    """
    label = mention.label
    if not label or set(label) == {"'"}:
        return mention
    letters = set(network.index_ranges)
    if network.layers is not None:
        letters.add(network.layers.letter)
    used = [c for c in re.findall(r"[A-Za-z]", label) if c in letters]
    if not used:
        known = any(t.name == mention.name for t in network.tensors.values())
        if mention.inner and not defining and not known:
            raise NotationError(f"{mention.written}: the entry of a vector {mention.base}, or of "
                                f"{mention.base[:-len(label) - 1]} at a position {label}_…? "
                                "(a subscript inside a subscript)", span,
                                f"write {{{mention.base}_{label}}}_… for the vector's entry where "
                                "it is first used, or name the index-valued position in the block")
        return mention
    text = re.sub(r"\s+", "", label)
    token = text if re.fullmatch(r"[A-Za-z]'*", text) else OFFSET + text
    try:
        _constant, written = affine(text)
    except NotationError:
        written = None
    if written is None or not set(written) <= letters or (network.layers is not None
                                                          and network.layers.letter in written):
        raise NotationError(f"{mention.written}: the label {label} mixes the index letter {used[0]} "
                            "with other letters (a subscript inside a subscript)", span,
                            f"write the entry with all its indices, e.g. h_{{{used[0]},j}}, or use a "
                            "label without index letters")
    base = mention.base[:-len(label) - 1]  # h_{t-1}: the name h, not h_{t-1}
    name = base + mention.name[len(mention.base):]  # a carried superscript stays
    return dataclasses.replace(mention, name=name, base=base, tokens=[token, *mention.tokens],
                               label=None)
