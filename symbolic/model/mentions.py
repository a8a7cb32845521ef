"""Written symbols and derivative nodes: ``w_{jk}`` split into its name and index tokens,
and ``Grad(of, wrt)``, the unevaluated derivative every stage passes around."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from ..latex.notation import GREEK_HEADS
from ..latex.nested_subscripts import labelled_name, split_label
from .superscripts import decode, with_superscript


class Grad(sympy.Function):
    """Unevaluated derivative ``d of / d wrt`` (``wrt`` is one tensor entry)."""

    nargs = 2

    @classmethod
    def eval(cls, of, wrt):
        return None

    def _latex(self, printer, exp=None):
        of, wrt = (printer._print(a) for a in self.args)
        return rf"\frac{{\partial {of}}}{{\partial {wrt}}}"


GREEK_NAMES = frozenset(GREEK_HEADS)
_INDEX_TOKEN = re.compile(r"([A-Za-z])(?:_\{(p+)\}|_(p+)|('+))?|(\d+)|\\([A-Za-z]+)")


@dataclass
class Mention:
    """A written symbol split into its name and index tokens."""

    name: str  # with a carried superscript: z^{l+1}, W^{(2)}, sigma^{2}
    tokens: list[str]  # index letters ("k", "k'") or 0-based integer strings ("#0")
    written: str
    base: str = ""  # the name without its superscript
    sup: str | None = None  # the superscript as written (no spaces), if one was carried
    label: str | None = None  # the name's own label: y in {b_y}_l, the prime of (\omega')_m
    inner: bool = False  # the label was written inside the subscript: b_{y_l}


def split_symbol(name: str) -> Mention:
    """Split a latex2sympy symbol name such as ``w_{jk}`` into name and indices."""
    written = name
    depth, cut = 0, -1
    for pos, ch in enumerate(name):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "_" and depth == 0:
            cut = pos
            break
    base, sub = (name, "") if cut < 0 else (name[:cut], name[cut + 1:])
    base = re.sub(r"^\\(?:mathit|mathrm|mathbf|boldsymbol|text)\{(.*)\}$", r"\1", base).lstrip("\\")
    if sub.startswith("{") and sub.endswith("}"):
        sub = sub[1:-1]
    sub, sup = decode(sub)
    sub, label, inner = split_label(sub)  # {b_y}_l: the name b_y, the index l
    if label is not None:
        written = _labelled_written(base, label, sub, sup)
        base = labelled_name(base, label)
    if sup is not None and label is None:
        shown = "\\" + base if base in GREEK_NAMES else base
        written = f"{shown}^{{{sup}}}" + (f"_{{{sub}}}" if sub else "")
    tokens: list[str] = []
    for m in _INDEX_TOKEN.finditer(sub):
        if m.group(1):
            primes = m.group(2) or m.group(3) or m.group(4) or ""
            tokens.append(m.group(1) + "'" * len(primes))
        elif m.group(5):
            tokens.extend("#" + digit for digit in m.group(5))  # x_{12}: indices 1 and 2
        else:
            tokens.append("\\" + m.group(6))
    if sup is not None:
        return Mention(with_superscript(base, sup), tokens, written, base, sup, label, inner)
    return Mention(base, tokens, written, base, label=label, inner=inner)


def _labelled_written(base: str, label: str, sub: str, sup: str | None) -> str:
    """A labelled name as written: ``{b_y}_{l}``, ``(\\omega')^{l}_{m,n}``."""
    shown = "\\" + base if base in GREEK_NAMES or re.match(r"[A-Za-z]+\{", base) else base
    head = f"({shown}{label})" if set(label) == {"'"} else f"{{{shown}_{label}}}"
    return head + (f"^{{{sup}}}" if sup is not None else "") + (f"_{{{sub}}}" if sub else "")
