"""Declarative tables of the LaTeX notation gradproof accepts.

Each entry rewrites one way authors write something into the one form the
parser reads. The order matters: earlier rules run first.
"""

from __future__ import annotations

import re

# Commands that only change how math looks; dropped before parsing.
COSMETIC = [
    r"\\left(?![a-zA-Z])", r"\\right(?![a-zA-Z])", r"\\[bB]igg?[lr]?(?![a-zA-Z])",
    r"\\limits(?![a-zA-Z])", r"\\nolimits(?![a-zA-Z])", r"\\displaystyle(?![a-zA-Z])",
    r"\\textstyle(?![a-zA-Z])", r"\\mathop(?![a-zA-Z])",
]

# (pattern, replacement) applied in order with re.sub.
REWRITES: list[tuple[str, str]] = [
    # spacing commands become plain spaces
    (r"\\q?quad(?![a-zA-Z])", " "),
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
    # upright e and d
    (r"\\mathrm\{e\}", "e"),
    (r"\\mathrm\{d\}", "d"),
    (r"\\operatorname\{(tanh|exp|ln|log)\}", r"\\\1"),
    (r"\\mathrm\{(tanh|exp)\}", r"\\\1"),
    (r"\\operatorname\{(sigmoid|sigm)\}|\\mathrm\{(sigmoid|sigm)\}|\\text\{(sigmoid|sigm)\}", r"\\sigma"),
    # Kronecker deltas: 1_{ki}, \mathbb{1}_{ki}, \mathbf{1}_{ki} -> \delta_{ki}
    (r"\\(?:mathbb|mathbf|mathds)\s*\{\s*1\s*\}\s*_", r"\\delta_"),
    (r"(?<![\d.}\w])1\s*_", r"\\delta_"),
]

# [k = i] as an Iverson bracket for two index letters (optionally primed).
IVERSON = re.compile(r"\[\s*([a-zA-Z]'*)\s*=\s*([a-zA-Z]'*)\s*\]")

# Functions that are not differentiable everywhere: rejected with a message.
# Keys are lower case: looked up with the function's name lowered.
NON_DIFFERENTIABLE = {
    "max": "max", "min": "min", "abs": "abs", "relu": "ReLU",
    "\\text{relu}": "ReLU", "\\operatorname{relu}": "ReLU", "\\mathrm{relu}": "ReLU",
    "sign": "sign", "floor": "floor", "ceiling": "ceiling", "heaviside": "step",
}

# Names latex2sympy gives functions, mapped to gradproof's opaque functions.
FUNCTION_NAMES = {
    "exp": "exp", "tanh": "tanh", "log": "log", "\\sigma": "sigmoid", "sigma": "sigmoid",
}

# Unsupported functions with a hint on how to write them instead.
REWRITE_HINTS = {
    "cosh": r"write 1 - \tanh^2 for 1/\cosh^2",
    "sech": r"write 1 - \tanh^2 for \mathrm{sech}^2",
    "sinh": r"write (e^{x} - e^{-x})/2",
    "softmax": r"write o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}",
}


# Commands latex2sympy2 reads as a call only on a one-letter argument: \sigma(a) is a
# call but \sigma(a+b) the product sigma*(a+b). A parenthesised group after one of them
# is cut out, parsed on its own and called, whatever it holds. Value: the raw function
# name (a key of FUNCTION_NAMES).
CALLED = {"sigma": "\\sigma"}

# First character of the names of symbols that stand for what the parser cut out (a
# derivative, a call, the whole range of a sum written without bounds). No LaTeX symbol
# has it, so nothing an author writes can be read as one of them.
INTERNAL = "\0"
WHOLE_RANGE = INTERNAL + "all"  # the upper bound of a sum written without one (\sum_k)
