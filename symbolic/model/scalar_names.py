"""Scalar names with a subscript that is not an index: Bishop's error ``E_n`` of one pattern n.

``E_n`` reads as the entry n of a tensor E, and n must then be an index letter of the block.
When the block declares the name as written — as its loss (``loss: E_n``) or under
``names: [E_n, J_{train}]`` — and the subscript's letters are not index letters, ``E_n`` is
one scalar quantity of that name, in the block and in claims. Undeclared, it stays an index
mention (an undeclared letter is an error that says so).
"""

from __future__ import annotations

import re

from ..errors import ModelError, Span
from .mentions import Mention, split_symbol


def canonical(mention: Mention) -> str | None:
    """``E_n`` for ``E_n`` and ``E_{n}``, ``w_1`` for ``w_1``: the name with its subscript of
    letters or digits, or None when the mention has no subscript or one with commands
    (``x_{\\alpha}``)."""
    if not mention.tokens or mention.sup is not None:
        return None
    tokens = [t.lstrip("#") for t in mention.tokens]  # a number is the token #1
    if not all(re.fullmatch(r"[A-Za-z]|[0-9]+", t) for t in tokens):
        return None
    return f"{mention.name}_{''.join(tokens)}"


def declared_names(data: dict, indices: dict[str, str], span: Span) -> frozenset[str]:
    """The subscripted scalar names a block declares: its loss, when written with a subscript
    of letters that are not index letters, and the ``names:`` list.

    Raises:
        ModelError: a ``names:`` entry that is not such a name.
    """
    found = set()
    listed = data.get("names") or []
    if isinstance(listed, str):
        listed = [listed]
    for text in [*map(str, listed)]:
        name = _name_of(text, indices)
        if name is None:
            raise ModelError(f"names: '{text}' is not a name with a subscript of letters or digits "
                             "that are not index letters", span,
                             "list names such as E_n, J_{train} or w_1; index letters belong under indices")
        found.add(name)
    loss = data.get("loss")
    if loss is not None:
        name = _name_of(str(loss), indices)
        if name is not None:
            found.add(name)
    return frozenset(found)


def _name_of(text: str, indices: dict[str, str]) -> str | None:
    text = text.strip().lstrip("\\")
    if not re.fullmatch(r"[A-Za-z]+(?:\{[A-Za-z]+\})?_(?:[A-Za-z0-9]|\{[A-Za-z0-9]+\})", text):
        return None
    name = canonical(split_symbol(text))
    if name is None:
        return None
    letters = name.split("_", 1)[1]
    if any(letter in indices for letter in letters):
        return None  # E_k with k an index letter is the entry k of E
    return name


def declared_scalar(mention: Mention, names: frozenset[str]) -> str | None:
    """The declared scalar name this mention spells, or None."""
    name = canonical(mention)
    return name if name is not None and name in names else None
