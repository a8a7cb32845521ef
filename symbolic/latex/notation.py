"""Declarative tables of the LaTeX notation gradproof accepts.

Each entry rewrites one way authors write something into the one form the
parser reads. The order matters: earlier rules run first.

Function names are not listed here. The elementary functions are rows of
:mod:`symbolic.model.function_table`; this stage knows only how latex2sympy2
reads a function (:func:`native_function_name`) and, through the small
registry :data:`CALLED`, which other commands are calls of a parenthesised
argument. The model stage fills :data:`CALLED` from its table when it is
imported (this stage never imports the model) and the parser consults it at
parse time, so a new row needs no change here.
"""

from __future__ import annotations

import re

# Commands that only change how math looks; dropped before parsing.
COSMETIC = [
    r"\\left(?![a-zA-Z])", r"\\right(?![a-zA-Z])", r"\\[bB]igg?[lr]?(?![a-zA-Z])",
    r"\\limits(?![a-zA-Z])", r"\\nolimits(?![a-zA-Z])", r"\\displaystyle(?![a-zA-Z])",
    r"\\textstyle(?![a-zA-Z])", r"\\mathop(?![a-zA-Z])",
    r"\\(?:color|textcolor)\s*\{\s*[A-Za-z]+\s*\}",  # a highlight: {\color{red}{-p_k p_i}} is -p_k p_i
]

# (pattern, replacement) applied in order with re.sub.
REWRITES: list[tuple[str, str]] = [
    # spacing commands become plain spaces
    (r"\\(?:q?quad|space)(?![a-zA-Z])", " "),
    (r"\\[,;:!> ]", " "),
    (r"~", " "),
    # fractions written as \dfrac / \tfrac, and digit shorthand \frac12
    (r"\\[dt]frac(?![a-zA-Z])", r"\\frac"),
    (r"\\frac\s*(\d)\s*(\d)", r"\\frac{\1}{\2}"),
    # multiplication signs
    (r"\\times(?![a-zA-Z])", r" \\cdot "),
    (r"(?<!\\)\*", r" \\cdot "),
    # natural logarithms: both read as \ln (latex2sympy's \log is base 10)
    (r"\\log(?![a-zA-Z])", r"\\ln"),
    # plain TeX's font switches: {\cal C} is \mathcal{C}, {\bf x} is \mathbf{x}, {\rm d} is \mathrm{d}
    (r"\{\s*\\cal\s+([A-Za-z])\s*\}", r"\\mathcal{\1}"),
    (r"\{\s*\\bf\s+([A-Za-z])\s*\}", r"\\mathbf{\1}"),
    (r"\{\s*\\rm\s+([A-Za-z]+)\s*\}", r"\\mathrm{\1}"),
    # upright e and d
    (r"\\mathrm\{e\}", "e"),
    (r"\\mathrm\{d\}", "d"),
    # operator-name spellings of the functions latex2sympy2 reads itself (see NATIVE)
    (r"\\(?:operatorname|mathrm|text)\{(tanh|exp|ln|log)\}", r"\\\1"),
    # Kronecker deltas: 1_{ki}, \mathbb{1}_{ki}, \mathbf{1}_{ki} -> \delta_{ki}
    (r"\\(?:mathbb|mathbf|mathds)\s*\{\s*1\s*\}\s*_", r"\\delta_"),
    (r"(?<![\d.}\w])1\s*_", r"\\delta_"),
]

# [k = i] as an Iverson bracket for two index letters (optionally primed).
IVERSON = re.compile(r"\[\s*([a-zA-Z]'*)\s*=\s*([a-zA-Z]'*)\s*\]")

# Functions that are not differentiable anywhere they change: rejected with a message.
# Keys are lower case: looked up with the function's name lowered.
# (ReLU, max, min, |u|, sign and the step are read: piecewise, checked region by region.)
NON_DIFFERENTIABLE = {"floor": "floor", "ceiling": "ceiling"}

# Commands latex2sympy2 reads as functions of any argument, and the name it gives them.
NATIVE = {r"\tanh": "tanh", r"\exp": "exp", r"\log": "log", r"\ln": "log"}
_NATIVE_SPELLING = re.compile(r"\\(?:operatorname|mathrm|text)\{(tanh|exp|ln|log)\}$")


def native_function_name(spelling: str) -> str:
    """The name a function written ``spelling`` carries after parsing: latex2sympy2's own
    name for a function it reads itself (see REWRITES), else the spelling (a cut-out call)."""
    m = _NATIVE_SPELLING.match(spelling)
    return NATIVE.get("\\" + m.group(1) if m else spelling, spelling)


class CallRegistry:
    """Commands read as a call of their parenthesised argument, whatever it holds.

    latex2sympy2 calls ``\\sigma(a)`` only on a one-letter argument (``\\sigma(a+b)``
    is the product sigma*(a+b)) and cannot read ``\\operatorname{GELU}(x)`` at all, so
    the parser cuts ``command(...)`` out, parses the argument alone and puts back
    ``Function(spelling)(argument)``. The model stage registers the spellings of its
    functions here. Keys are commands without their backslash; a key maps to the spelling.
    """

    def __init__(self, *spellings: str):
        self._spellings: dict[str, str] = {}
        self._pattern: re.Pattern | None = None
        for spelling in spellings:
            self.register(spelling)

    def register(self, spelling: str) -> None:
        """Read ``spelling`` (``\\Phi``, ``\\operatorname{GELU}``) as a call from now on."""
        key = spelling.lstrip("\\")
        if self._spellings.get(key) != spelling:
            self._spellings[key] = spelling
            self._pattern = None

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        """The next registered command in ``text`` from ``pos``; group 1 is its key."""
        if self._pattern is None:
            keys = sorted(self._spellings, key=len, reverse=True)
            self._pattern = re.compile(r"\\(%s)(?![A-Za-z])" % "|".join(map(re.escape, keys)))
        return self._pattern.search(text, pos)

    def __getitem__(self, key: str) -> str:
        return self._spellings[key]

    def __contains__(self, key: object) -> bool:
        return key in self._spellings

    def __iter__(self):
        return iter(self._spellings)


# \sigma is known before the model registers anything, so that this stage parses the
# sigmoid of the founding example on its own.
CALLED = CallRegistry(r"\sigma")

# First character of the names of symbols that stand for what the parser cut out (a
# derivative, a call, the whole range of a sum written without bounds). No LaTeX symbol
# has it, so nothing an author writes can be read as one of them.
INTERNAL = "\0"
WHOLE_RANGE = INTERNAL + "all"  # the upper bound of a sum written without one (\sum_k)

# -- superscripts on names ----------------------------------------------------------------
# A superscript written on a name (z^l_j, W^{(2)}_{kj}, \sigma^2_j, x^{(i)}) is carried into
# the symbol's name, and the model stage decides what it is: a layer label, an example index,
# a name such as the variance \sigma^2, or — only where nothing else can be meant — a power.
# Names that can carry one: a single letter (never e, the exponential) or a Greek letter.
GREEK_HEADS = (
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi",
    "varphi", "chi", "psi", "omega", "Delta", "Gamma", "Theta", "Lambda", "Xi", "Pi", "Sigma",
    "Phi", "Psi", "Omega")
# The superscripts that are carried: a label letter with an offset (l, L, l+1, l-1, \ell) or a
# whole number, either one bare or in ( ) or [ ]. Anything else (^{-1}, ^{3/2}, ^T, ^{2k}) is
# left to the grammar, or to the located errors of text.check_superscripts.
NAME_SUPERSCRIPT = re.compile(r"[(\[]?\s*(?:(?:\\ell(?![A-Za-z])|[A-Za-z])\s*(?:[+-]\s*\d+)?|\d+)\s*[)\]]?")
# Marks and characters of a carried superscript inside the symbol name: none of them can be
# written in LaTeX source, so a carried superscript is never confused with a subscript.
SUPERSCRIPT_MARK = "\x01"
SUPERSCRIPT_CODE = {"(": "\x02", ")": "\x03", "[": "\x04", "]": "\x05", "+": "\x06", "-": "\x07",
                    "\\": "\x0e"}
