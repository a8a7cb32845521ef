"""The max (or min) over an index, which the grammar would read as a symbol ``max_{m}``.

``\\max_{m} x_{2i+m}``, ``\\max_m``, ``\\max_{m,n}``, ``\\max\\limits_{m=1}^{M}`` and the same
with ``\\min`` are the largest (smallest) value of what follows over the whole range of each
index. Before parsing, each is written as a sum over that index whose body starts with a
stand-in letter marking it (``\\sum_{m} Q x_{2i+m}``), so the grammar gives it the body it
gives a sum, and the bounds are checked as a sum's are; after the parse the letter is a
symbol no author can write (:data:`WINDOW`), which the resolver reads as the max. A
subscript on ``\\max`` that is not a list of index letters (``\\max_{m \\in W}``) and an
``\\arg\\max`` outside the indicators that read it are errors at their place.
"""

from __future__ import annotations

import re
from typing import Callable

import sympy

from ..errors import LatexError, Span
from .notation import INTERNAL
from .text import read_group

WINDOW = INTERNAL + "window"  # names of the marker symbols: WINDOW + "max" / "min" + a number
_HEAD = re.compile(r"\\(max|min|windowargmax|windowellmax|windowellmin)(?![A-Za-z])\s*(?:\\(?:no)?limits(?![A-Za-z])\s*)?_")
# an arg max compared with an index in an indicator, as read_indicators writes it
_ARGMAX_COMPARED = re.compile(r"(\\operatorname\{iszero\}\(\([A-Za-z]'*\) - \()\\arg\s*\\max(?![A-Za-z])\s*_")
_LETTERS = re.compile(r"\s*[A-Za-z]'*\s*(?:,\s*[A-Za-z]'*\s*)*")
_ARGMAX = re.compile(r"\\arg\s*\\?(?:max|min)(?![A-Za-z])|\\operatorname\*?\s*\{\s*arg\s*(?:\\[,;!]|\\ |\s)*"
                     r"(?:max|min)\s*\}|\\mathrm\s*\{\s*arg\s*(?:max|min)\s*\}")


# \max(x_1, x_2, \cdots, x_n): the max of a whole vector, its last subscript the size
_NAME = r"(?:[A-Za-z]|\\[A-Za-z]+)"
_ENTRY = r"\s*({name})\s*_\s*\{{?\s*{sub}\s*\}}?\s*"
_ELLIPSIS = re.compile(r"\\(max|min)\s*(?:\\left\s*)?(\(|\\\{)" + _ENTRY.format(name=_NAME, sub="1") + ","
                       r"(?:" + _ENTRY.format(name=_NAME, sub="2") + r",)?\s*\\(?:[lc]?dots|dotsc)\s*,"
                       + _ENTRY.format(name=_NAME, sub="([A-Za-z])") + r"(?:\\right\s*)?(?:\)|\\\})")


def _read_ellipses(text: str) -> str:
    """``\\max(x_1, x_2, \\cdots, x_n)`` as ``\\windowellmax_{n} x_{n}``: the max over a whole range
    whose size is n; the model stage names the index that runs over it."""
    def rewrite(m: re.Match) -> str:
        names = {m.group(3), m.group(4) or m.group(3), m.group(5)}
        if len(names) != 1:
            return m.group(0)  # entries of different names: left to the grammar's \max(a, b, …)
        return rf"\windowell{m.group(1)}_{{{m.group(6)}}} {m.group(3)}_{{{m.group(6)}}}"
    return _ELLIPSIS.sub(rewrite, text)


def read_window_maxima(text: str, span: Span, lend: Callable[[str], str], written: str | None = None) -> str:
    """``text`` with each max or min over indices written as marked sums (see the module).

    ``lend(kind)`` gives a stand-in letter for the marker of ``kind`` (``windowmax``…);
    ``written``, the author's text, places the errors (``text`` may be rewritten already).

    Raises:
        LatexError: a subscript on max/min that is not index letters, or an arg max left over.
    """
    text = _read_ellipses(_ARGMAX_COMPARED.sub(lambda m: m.group(1) + r"\windowargmax_", text))
    argmax = _ARGMAX.search(text)
    if argmax is not None:
        raise LatexError(f"'{argmax.group(0)}' is not read here", _at(span, written, text, argmax.start(), argmax.group(0)),
                         r"write the mask of a max as \mathbb{1}[x_k = y_i] (x_k is the max y_i), "
                         r"or \mathbb{1}[k = \arg\max_{m} x_{2i+m}] inside an indicator")
    letters: dict[str, str] = {}
    while (m := _HEAD.search(text)) is not None:
        kind = {"windowargmax": "arg", "windowellmax": "ellmax", "windowellmin": "ellmin"}.get(m.group(1), m.group(1))
        subscript, end = read_group(text, m.end())
        upper = ""
        bounds = re.fullmatch(r"\s*([A-Za-z]'*)\s*=\s*(\S.*?)\s*", subscript)
        after = re.match(r"\s*\^", text[end:])
        if after:
            upper_text, end = read_group(text, end + after.end())
            upper = f"^{{{upper_text}}}"
        if bounds is None and (upper or not _LETTERS.fullmatch(subscript)):
            spelled = r"\arg\max" if kind == "arg" else "\\" + kind
            raise LatexError(f"the {spelled} over '{subscript.strip()}' is not read", _at(span, written, text, m.start(), subscript),
                             rf"write {spelled}_{{m}} or {spelled}_{{m,n}}: over the whole range of "
                             "each index letter (declared in indices:)")
        marker = letters.get(kind) or letters.setdefault(kind, lend(f"{WINDOW[1:]}{kind}"))
        if bounds is not None:
            sums = rf"\sum_{{{subscript.strip()}}}{upper} {marker} "
        else:
            sums = "".join(rf"\sum_{{{letter.strip()}}} {marker} " for letter in subscript.split(","))
        text = f"{text[:m.start()]}{sums}{text[end:]}"
    return text


def window_kind(e) -> str | None:
    """``'max'``, ``'min'``, ``'arg'`` (an arg max) or ``'ellmax'``/``'ellmin'`` (``\\max(x_1, \\cdots,
    x_n)``, summed over the size n) for a sum that stands for one over its index, else None."""
    if not isinstance(e, sympy.Sum):
        return None
    for factor in sympy.Mul.make_args(e.function):
        if isinstance(factor, sympy.Symbol) and factor.name.startswith(WINDOW):
            return re.match(r"[a-z]*", factor.name[len(WINDOW):]).group(0)
    return None


def without_marker(e: sympy.Sum) -> sympy.Sum:
    """The sum with its marker factor taken out of the body."""
    markers = {f: sympy.Integer(1) for f in sympy.Mul.make_args(e.function)
               if isinstance(f, sympy.Symbol) and f.name.startswith(WINDOW)}
    return sympy.Sum(e.function.xreplace(markers), *e.limits)


def _at(span: Span, written: str | None, text: str, position: int, needle: str) -> Span:
    """Where ``needle`` stands in the author's text (else where it stands in ``text``)."""
    found = written.find(needle) if written and needle.strip() else -1
    if found >= 0:
        head = written.rfind("\\", 0, found)
        return span.shifted(written[:head if 0 <= head and not needle.startswith("\\") else found])
    return span.shifted(text[:position])
