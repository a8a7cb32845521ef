"""Text-level LaTeX: rewriting the notation authors use into what the grammar reads,
and scanning brace groups and operands in LaTeX source.

The tables of accepted notation are in :mod:`symbolic.notation`; this module applies
them. Everything here works on strings, before anything is parsed.
"""

from __future__ import annotations

import re

from ..errors import LatexError
from .notation import COSMETIC, IVERSON, REWRITES

_COSMETIC = re.compile("|".join(COSMETIC))
_REWRITES = [(re.compile(p), r) for p, r in REWRITES]
_PRIMED = re.compile(r"([A-Za-z])('+)")


def normalise(text: str, whole_range: str) -> str:
    """Rewrite accepted notation into the subset latex2sympy2 reads.

    ``whole_range`` is the symbol written as the upper bound of a sum that has none.
    """
    text = _COSMETIC.sub(" ", text)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    text = IVERSON.sub(lambda m: rf"\delta_{{{m.group(1)}{m.group(2)}}}", text)
    text = _PRIMED.sub(lambda m: f"{m.group(1)}_{{{'p' * len(m.group(2))}}}", text)
    text = re.sub(r"\\text\s*\{\s*\}", " ", text)
    text = _normalise_sums(text, whole_range)
    return _brackets_to_parens(text)


def _brackets_to_parens(text: str) -> str:
    """``[ ]`` used for grouping become ``( )``; the ``[n]`` of ``\\sqrt[n]{x}`` stays."""
    out, roots = [], []  # roots: per open '[', whether it is a root's
    for m in re.finditer(r"\\sqrt\s*\[|[\[\]]|\\|[^\[\]\\]+", text):
        token = m.group(0)
        if token == "[":
            roots.append(False)
            token = "("
        elif token == "]":
            if not roots or not roots.pop():
                token = ")"
        elif token.endswith("["):
            roots.append(True)
        out.append(token)
    return "".join(out)


def read_group(s: str, i: int) -> tuple[str, int]:
    """Read a brace group or a single token starting at ``i`` (spaces skipped)."""
    while i < len(s) and s[i].isspace():
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        j = closing(s, i)
        return (s[i + 1:j], j + 1) if j >= 0 else (s[i + 1:], len(s))
    if s[i] == "\\":
        m = re.match(r"\\[A-Za-z]+|\\.", s[i:])
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def closing(s: str, i: int, opener: str = "{", closer: str = "}") -> int:
    """Index of the ``closer`` that matches the ``opener`` at ``i`` (escaped characters
    skipped), or -1 if it is never closed."""
    depth, j = 0, i
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == opener:
            depth += 1
        elif s[j] == closer:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


def equals_outside_braces(s: str) -> bool:
    """Whether ``s`` has an ``=`` that is not inside braces (as ``\\sum_{k=1}`` has)."""
    depth, j = 0, 0
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
        elif s[j] == "=" and depth == 0:
            return True
        j += 1
    return False


def _normalise_sums(s: str, whole_range: str) -> str:
    """``\\sum_k``, ``\\sum_{k}`` and ``\\sum_{k}^{K}`` get both bounds: ``\\sum_{k=1}^{K}``.

    A missing upper bound becomes ``whole_range``; the resolver checks
    that the bounds span the index's whole range.
    """
    out, i = [], 0
    while True:
        j = s.find(r"\sum", i)
        if j < 0:
            out.append(s[i:])
            return "".join(out)
        out.append(s[i:j])
        k = j + 4
        while k < len(s) and s[k].isspace():
            k += 1
        if k >= len(s) or s[k] != "_":
            raise LatexError(r"a sum needs its index: write \sum_k or \sum_{k=1}^{K}",
                             hint=r"gradproof reads \sum_k as a sum over the whole range of k")
        sub, k = read_group(s, k + 1)
        upper = None
        m = re.match(r"\s*\^", s[k:])
        if m:
            upper, k = read_group(s, k + m.end())
        if "=" in sub:
            var, lower = sub.split("=", 1)
        else:
            var, lower = sub, "1"
        upper = upper or whole_range
        out.append(rf"\sum_{{{var.strip()}={lower.strip()}}}^{{{upper}}} ")
        i = k


def next_operand(s: str, i: int) -> int:
    """End of the product that starts at ``i``: the next top-level + - = or the end."""
    depth, j = 0, i
    while j < len(s) and s[j].isspace():
        j += 1
    start = j
    while j < len(s):
        ch = s[j]
        if ch == "\\":
            j += 2
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            if depth == 0:
                return j
            depth -= 1
        elif depth == 0 and ch in "+-=" and j > start:
            return j
        j += 1
    return j


# Superscripts that are not powers: a transpose, or a layer or example number in brackets.
# latex2sympy2 drops ^T and ^\top without a word and reads ^{(2)} as a square; gradproof
# reads neither yet, so each is an error at its position rather than a misreading.
_TRANSPOSE = re.compile(r"\^\s*(?:\{\s*)?(?:T|\\top|\\intercal|\\mathsf\s*\{\s*T\s*\}|"
                        r"\\mathrm\s*\{\s*T\s*\}|\\mathbf\s*\{\s*T\s*\})(?![A-Za-z])")
_BRACKETED = re.compile(r"\^\s*(?:\{\s*)?[(\[]")
_EXPONENTIAL_BASE = re.compile(r"(?:(?<![A-Za-z\\])e|\\mathrm\s*\{\s*e\s*\}|\\exp)\s*$")


def check_superscripts(text: str, span) -> None:
    """Raise a LatexError at a superscript that is not a power: ``W^T``, ``x^\\top``,
    ``W^{(2)}``, ``a^{[l]}``, ``x^{(i)}`` (``e^{(a + b)}`` stays an exponential)."""
    for pattern, what, hint in (
            (_TRANSPOSE, "a transpose", "matrix notation is not read yet: write the claim in "
                                        "index notation, e.g. \\sum_j w_{jk} \\delta_j"),
            (_BRACKETED, "a superscript in brackets (a layer or an example number)",
             "layer and example superscripts are not read yet: name the quantity without "
             "one, e.g. w2_{kj} for W^{(2)}_{kj}")):
        for match in pattern.finditer(text):
            if pattern is _BRACKETED and _EXPONENTIAL_BASE.search(text, 0, match.start()):
                continue
            _group, end = read_group(text, text.index("^", match.start()) + 1)
            written = " ".join(text[match.start():end].split())
            raise LatexError(f"'{written}' is {what}, not a power", span.shifted(text[:match.start()]),
                             hint)


def check_primes(text: str, span) -> None:
    """Raise a LatexError at a prime that is not an index prime.

    ``k'`` inside a subscript group (``o_{k'}``, ``\\sum_{k'}``) is a primed index letter. A
    prime anywhere else — ``\\sigma'(z)``, ``h'_j``, ``h_j'``, ``(h_j)'``, ``f'(x)`` — means a
    derivative, which is not read yet: an error at its place, never a dropped or renamed prime.
    """
    groups: list[str] = []  # per open brace: "sub" for _{...}, else "group"
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            command = re.match(r"\\[A-Za-z]+|\\.", text[i:])
            i += len(command.group(0)) if command else 1
            continue
        if char == "{":
            before = text[:i].rstrip()
            groups.append("sub" if before.endswith("_") else "group")
        elif char == "}":
            if groups:
                groups.pop()
        elif char == "'" and i > 0 and text[i - 1] == "'":
            pass  # k'': the run's first prime was already judged
        elif char == "'":
            letter = i > 0 and text[i - 1].isalpha() and not re.search(r"\\[A-Za-z]*$", text[:i])
            if not (letter and groups and groups[-1] == "sub"):
                start = i
                while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "\\_{}()"):
                    start -= 1
                    if text[start] == "\\" or (i - start) > 12:
                        break
                written = text[start:i + 1].strip() or "'"
                raise LatexError(f"the prime in '{written}' means a derivative, which is not read yet "
                                 "(a primed index such as k' belongs inside a subscript, o_{k'})",
                                 span.shifted(text[:i]),
                                 "write the derivative as \\frac{d}{dz} applied to the expression, "
                                 "or name it")
        i += 1
