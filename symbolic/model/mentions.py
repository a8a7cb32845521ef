"""Written symbols and derivative nodes: ``w_{jk}`` split into its name and index tokens,
and ``Grad(of, wrt)``, the unevaluated derivative every stage passes around."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from ..latex.notation import GREEK_HEADS
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
    if sup is not None:
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
        return Mention(with_superscript(base, sup), tokens, written, base, sup)
    return Mention(base, tokens, written, base)
