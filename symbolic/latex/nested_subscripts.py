"""Names that carry a label of their own: a subscript on a subscripted name, a primed name.

Authors name vectors with a subscript and then index them: ``{b_y}_l`` and ``b_{y_l}`` are
the entry l of the vector ``b_y``; ``{\\hat{y}_t}_i`` and ``\\hat{y}_{t_i}`` the entry i of
``\\hat{y}_t``; ``(\\omega')^l_{m,n}`` is an entry of the kernel named ``\\omega'`` (a prime
in parentheses with a sub- or superscript is part of the name, never a derivative); and
``(\\hat{y}_t - y_t)_l`` is the entry l of a difference of such vectors, the index written
once on the whole sum.

The grammar would drop the outer subscript of ``{b_y}_l`` without a word. So before parsing,
each is rewritten as one subscripted symbol whose subscript holds the indices, then
:data:`LABEL_MARK` and the name's label, coded so that nothing an author writes produces it.
The model stage splits the label off (:func:`split_label`) and decides whether it may be a
label: a label made of an index letter is an error there, never a silent reading.
"""

from __future__ import annotations

import re

from ..errors import LatexError, Span
from .notation import SUPERSCRIPT_MARK
from .text import read_group

LABEL_MARK = "\x0f"
INNER_MARK = "\x11"  # the label was written inside the subscript (b_{y_l}): see split_label
_CODE = {"'": "\x10"}  # a prime inside a name, which the prime rules must not see
_DECODE = {v: k for k, v in _CODE.items()}

# a name: a letter, a Greek or other command, or an accented letter (\hat{y}, \mathbf{x})
_NAME = r"(?:\\[A-Za-z]+\s*\{\s*\\?[A-Za-z]+\s*\}|\\[A-Za-z]+|[A-Za-z])"
_LABEL = r"(?:[A-Za-z0-9]|\{\s*[A-Za-z0-9]+(?:\s*[+-]\s*[A-Za-z0-9]+)*\s*\})"  # y, t, {t-1}
_INDICES = r"(?:[A-Za-z](?:\s*'+)?|\{\s*[A-Za-z]'*(?:\s*,?\s*[A-Za-z]'*)*\s*\})"
# {b_y}_l and {\hat{y}_t}_{ij}: a braced subscripted name followed by a subscript
_BRACED = re.compile(rf"(?<![\\A-Za-z_^])\{{\s*({_NAME})\s*_\s*({_LABEL})\s*\}}\s*_\s*({_INDICES})")
# operators whose subscript holds what they act on or by: \nabla_{w_{jk}}, \sum_{x_i}, never labels
_OPERATORS = r"\\(?:nabla|partial|sum|prod|int|lim|min|max|arg\s*min|arg\s*max|operatorname)(?![A-Za-z])"
# b_{y_l} and \hat{y}_{t_{k}}: a subscript that is itself one label with a subscript
_INNER = re.compile(rf"(?<![\\A-Za-z])(?!{_OPERATORS})({_NAME})\s*_\s*\{{\s*([A-Za-z0-9])\s*_\s*({_INDICES})\s*\}}")
# (\omega')^l_{m,n}: a primed name in parentheses followed by a sub- or superscript
_PRIMED = re.compile(rf"\(\s*({_NAME})\s*('+)\s*\)(?=\s*[_^])")
# Loss, Cost, Error: a capital and three or more small letters, not a command's argument
# (\text{Cost}), a subscript, nor a function before its parenthesis (Softmax(z)), is one name,
# never a product
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Z][a-z]{3,}(?![A-Za-z])(?!\s*\()")
_TEXT_GROUP = re.compile(r"\\(?:text[a-z]*|math[a-z]+|operatorname|mbox|boldsymbol)\s*\{$")
# (A_s - B)_i: a sum of names, indexed as a whole
_TERM = rf"\s*{_NAME}(?:\s*_\s*{_LABEL})?\s*"
_INDEXED_SUM = re.compile(rf"\(((?:{_TERM}[+-])+{_TERM})\)\s*_\s*({_INDICES})")


# s_{[m]}, f^{(k)}_{[i]}, W_{f[i,j]}: the entries of a vector written in brackets, after an
# optional label (the gate f of W_f) and a superscript written first
_COMPONENT = re.compile(rf"(?<![\\A-Za-z])({_NAME})(\s*\^\s*(?:\{{[^{{}}]*\}}|[A-Za-z0-9]))?\s*_\s*"
                        r"\{\s*([A-Za-z0-9]*)\s*\[\s*([A-Za-z]'*(?:\s*,\s*[A-Za-z]'*)*)\s*\]\s*\}")
_BRACKET_LEFT = re.compile(r"_\s*\{[^{}]*[\[\]]")
# what is left of a braced subscripted name followed by a subscript ({h_{t,1}}_j): not read
_UNREAD = re.compile(r"(?<![\\A-Za-z_^])\{[^{}]*_(?:[^{}]|\{[^{}]*\})*\}\s*_")


def _indices(group: str) -> str:
    return group.strip().strip("{}").strip()


def _label(group: str) -> str:
    return "".join(_CODE.get(c, c) for c in group.strip().strip("{}").strip())


def labelled(name: str, indices: str, label: str, inner: bool = False) -> str:
    """The one symbol ``name`` with ``indices`` whose own label is ``label`` (spaced, so the
    parser lends it a letter of its own); ``inner``: written inside the subscript (``b_{y_l}``)."""
    return f" {name}_{{{indices}{INNER_MARK if inner else LABEL_MARK}{_label(label)}}} "


def read_nested_subscripts(text: str, span: Span) -> str:
    """``text`` with every labelled name written as one subscripted symbol (see the module).

    Raises:
        LatexError: the label mark written in the math itself.
    """
    if any(c in text for c in (LABEL_MARK, INNER_MARK, *_DECODE)):
        at = min(text.index(c) for c in (LABEL_MARK, INNER_MARK, *_DECODE) if c in text)
        raise LatexError(f"control character U+{ord(text[at]):04X} in the math",
                         span.shifted(text[:at]), "remove it")
    text = _WORD.sub(lambda m: m.group(0) if _in_text_group(m.string, m.start())
                     else rf"\mathrm{{{m.group(0)}}}", text)
    text = _INDEXED_SUM.sub(_distribute, text)
    text = _BRACED.sub(lambda m: m.group(0) if _argument(m.string, m.start())
                       else labelled(m.group(1), _indices(m.group(3)), m.group(2)), text)
    text = _INNER.sub(lambda m: labelled(m.group(1), _indices(m.group(3)), m.group(2), inner=True), text)
    text = _COMPONENT.sub(_component, text)
    text = _primed_names(text)
    bracket = _BRACKET_LEFT.search(text)
    if bracket is not None:  # \gamma_{[p]t}: the grammar would read the brackets as a product
        raise LatexError(f"the subscript '{' '.join(bracket.group(0).split())}…' with brackets is not "
                         "read", span, "write an entry as x_{[i]} or W_{f[i,j]} (a label, then the "
                         "indices in brackets), or as x_i")
    unread = _UNREAD.search(text)
    if unread is not None:  # the grammar would drop the outer subscript without a word
        raise LatexError(f"'{' '.join(unread.group(0).split())}…' is a subscript on a braced name "
                         "that is not read", span,
                         "write the entry as {b_y}_l or h_{t-1,l}: a label of letters, digits or "
                         "index arithmetic, then the indices")
    return text


def _argument(text: str, at: int) -> bool:
    """Whether the brace group at ``at`` is a command's second argument (``\\frac{a}{b_j}``),
    not a group of its own."""
    before = text[:at].rstrip()
    if not before.endswith("}"):
        return False
    depth = 0
    for pos in range(len(before) - 1, -1, -1):
        depth += (before[pos] == "}") - (before[pos] == "{")
        if depth == 0:
            return bool(re.search(r"\\[A-Za-z]+\s*$", before[:pos]))
    return False


def _in_text_group(text: str, at: int) -> bool:
    """Whether ``at`` lies inside the argument of a text or font command (``\\text{ Cost }``),
    or in a sub- or superscript (``J_{Train}``: its letters are the subscript's business)."""
    if re.search(r"[_^]\s*$", text[:at]):
        return True
    depth = 0
    for pos in range(at - 1, -1, -1):
        depth += (text[pos] == "}") - (text[pos] == "{")
        if depth < 0:
            return bool(_TEXT_GROUP.search(text[:pos + 1]) or re.search(r"[_^]\s*\{$", text[:pos + 1]))
    return False


def _component(m: re.Match) -> str:
    """``W_{f[i,j]}`` as the entry i, j of ``W_f``; ``s^{(k)}_{[m]}`` as ``s^{(k)}_{m}``."""
    name, sup, label = m.group(1), m.group(2) or "", m.group(3)
    indices = re.sub(r"\s+", "", m.group(4))
    if label:
        return labelled(name + sup, indices, label)
    return f" {name}{sup}_{{{indices}}} "


def _distribute(m: re.Match) -> str:
    """``(\\hat{y}_t - y_t)_l`` as ``({\\hat{y}_t}_l - {y_t}_l)``."""
    index, out = m.group(2), []
    for sign, term in re.findall(rf"([+-]?)({_TERM})", m.group(1)):
        head = re.match(rf"\s*({_NAME})(?:\s*_\s*({_LABEL}))?", term)
        name, label = head.group(1), head.group(2)
        shown = labelled(name, _indices(index), label) if label else f" {name}_{{{_indices(index)}}} "
        out.append(f"{sign}{shown}")
    return "(" + "".join(out) + ")"


def _primed_names(text: str) -> str:
    """``(\\omega')^l_{m,n}`` as ``\\omega^l`` with the subscript ``m,n`` and the label ``'``."""
    while (m := _PRIMED.search(text)) is not None:
        at, sub, sup = m.end(), None, None
        for _ in range(2):
            mark = re.match(r"\s*([_^])", text[at:])
            if not mark:
                break
            if mark.group(1) == "_" and sub is None:
                sub, at = read_group(text, at + mark.end())
            elif mark.group(1) == "^" and sup is None:
                sup, at = read_group(text, at + mark.end())
            else:
                break
        head = m.group(1) + (f"^{{{sup}}}" if sup is not None else "")
        text = text[:m.start()] + labelled(head, (sub or "").strip(), m.group(2)) + text[at:]
    return text


def split_label(sub: str) -> tuple[str, str | None, bool]:
    """A symbol's subscript split into its indices, the name's label (None without one), and
    whether the label was written inside the subscript (``b_{y_l}``, which can also mean the
    entry y_l of b: the model stage reads it so only for a vector ``b_y`` it knows)."""
    depth = 0
    for pos, ch in enumerate(sub):
        depth += (ch == "{") - (ch == "}")
        if ch in (LABEL_MARK, INNER_MARK) and depth == 0:
            return sub[:pos], "".join(_DECODE.get(c, c) for c in sub[pos + 1:]), ch == INNER_MARK
    return sub, None, False


def labelled_name(base: str, label: str) -> str:
    """The name a label makes: ``b_y`` for ``b`` and ``y``, ``omega'`` for a prime."""
    return base + label if set(label) == {"'"} else f"{base}_{label}"


# a labelled name on an accented head (\hat{y}_{k<mark>t}), or one with a carried superscript
# (\hat{a}^t_i): one symbol, lent a letter when parsing
LABELLED_ACCENTED = re.compile(rf"(\\[A-Za-z]+\s*\{{[^{{}}]*\}})\s*_\s*"
                               rf"(\{{[^{{}}]*[{LABEL_MARK}{INNER_MARK}{SUPERSCRIPT_MARK}][^{{}}]*\}})")
