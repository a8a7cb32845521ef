"""Text-level LaTeX: rewriting the notation authors use into what the grammar reads,
and scanning brace groups and operands in LaTeX source.

The tables of accepted notation are in :mod:`symbolic.notation`; this module applies
them. Everything here works on strings, before anything is parsed.
"""

from __future__ import annotations

import re

from ..errors import LatexError
from .notation import (CALLED, COSMETIC, GREEK_HEADS, IVERSON, NAME_SUPERSCRIPT, REWRITES,
                       SUPERSCRIPT_CODE, SUPERSCRIPT_MARK)

_COSMETIC = re.compile("|".join(COSMETIC))
_REWRITES = [(re.compile(p), r) for p, r in REWRITES]
_PRIMED = re.compile(r"([A-Za-z])('+)")
# an accent on the next token, \hat y or \hat\theta, is the accent on a group: \hat{y}
_ACCENT_ON_TOKEN = re.compile(r"\\(hat|tilde|bar)(?:\s+([A-Za-z])|\s*(\\(?:%s))(?![A-Za-z]))" % "|".join(GREEK_HEADS))


def normalise(text: str, whole_range: str) -> str:
    """Rewrite accepted notation into the subset latex2sympy2 reads.

    ``whole_range`` is the symbol written as the upper bound of a sum that has none.
    """
    text = _COSMETIC.sub(" ", text)
    text = re.sub(r"\\partial\s*\{\s*\}", r"\\partial ", text)  # \partial{} of an operator
    text = _single_groups(_ACCENT_ON_TOKEN.sub(lambda m: f"\\{m.group(1)}{{{m.group(2) or m.group(3)}}}", text))
    text = carry_name_superscripts(text)  # first: W^1_{ji} is not W to the power 1_{ji}
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    text = IVERSON.sub(lambda m: rf"\delta_{{{m.group(1)}{m.group(2)}}}", text)
    text = _PRIMED.sub(lambda m: f"{m.group(1)}_{{{'p' * len(m.group(2))}}}", text)
    text = re.sub(r"\\text\s*\{\s*\}", " ", text)
    text = _normalise_sums(text, whole_range)
    return _brackets_to_parens(text)


def _single_groups(text: str) -> str:
    """A group that holds exactly one group, ``{{\\partial C}}``, is that group: the same in TeX."""
    at = text.find("{{")
    while at >= 0:
        outer, inner = closing(text, at), closing(text, at + 1)
        if outer > 0 and inner == outer - 1 and (at == 0 or text[at - 1] != "\\"):
            text = text[:at] + text[at + 1:inner + 1] + text[outer + 1:]
            at = text.find("{{", at)
        else:
            at = text.find("{{", at + 1)
    return text


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
        # spaced: the grammar reads ^{T} as a transpose token, and a sum to T (steps) is common
        out.append(rf"\sum_{{{var.strip()}={lower.strip()}}}^{{ {upper.strip()} }} ")
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


# a letter that is not part of a word or a command, nor itself a sub- or superscript
# (a letter right after a one-letter script, the a of w^la_k, starts a name: ^l takes one token)
_HEAD = re.compile(r"(?:(?:(?<![\\A-Za-z_^])|(?<=[_^][A-Za-z0-9]))([A-Za-z])"
                   r"|(?<![_^])(?<![_^]\s)\\(%s))(?![A-Za-z])"
                   % "|".join(GREEK_HEADS))
_TRANSPOSE_LABEL = re.compile(r"\s*(?:T|\\top|\\intercal)\s*$")
# an accented name (\hat{a}, \tilde{c}, \bar{\theta}) and the superscripts carried on it: a label
# letter with an offset, as a time step's (\hat{a}^t, \hat{a}^{t-1}); never T, a transpose
_ACCENTED_HEAD = re.compile(r"(?<![\\A-Za-z_^])\\(?:hat|tilde|bar)\s*\{\s*(?:[A-Za-z]|\\(?:%s))\s*\}"
                            % "|".join(GREEK_HEADS))
_ACCENT_LABEL = re.compile(r"\s*(?!T\s*$)[A-Za-z]\s*(?:[+-]\s*\d+)?\s*")


def name_superscripts(text: str, called: bool = False) -> list[tuple[int, int, str, str | None, str, int]]:
    """Each name written with a superscript that gradproof carries into the name.

    Returns ``(start, end, head, subscript, superscript, caret)`` per occurrence: ``z^l_j``,
    ``z_j^{l+1}``, ``W^{(2)}_{kj}``, ``a^{[l]}``, ``\\sigma^2_j``, ``x^{(i)}``. Not carried:
    the exponential ``e^{…}``, a call ``\\sigma^2(x)`` (a power of the call), a transpose
    ``^T``, and superscripts that are not a label or a whole number (``x^{-1}``). A name
    without a subscript followed by ``(`` (``g^{[l]}(z)``, a function of a layer?) only when
    ``called``; with one (``a^l_j(1 - a^l_j)``) it is a factor, as ``x_i(o_k)`` is.
    """
    found = []
    for m in _HEAD.finditer(text):
        head = m.group(1) or "\\" + m.group(2)
        if head == "e":
            continue
        i, sub, sup, caret = _scripts(text, m.end())
        if sup is None or not _carried(sup) or (sub is not None and sub.strip() == ""):
            continue
        if re.match(r"\s*\(", text[i:]) and (head.lstrip("\\") in CALLED
                                               or (sub is None and not called)):
            continue  # \sigma^2(x): the square of a call; g^{[l]}(z): see check_superscripts
        found.append((m.start(), i, head, sub, " ".join(sup.split()), caret))
    for m in _ACCENTED_HEAD.finditer(text):
        i, sub, sup, caret = _scripts(text, m.end())
        # only a label letter (\hat{a}^t, \tilde{c}^{t-1}): a number or a bracket on an accented
        # name stays a power or its error, and an accented name before '(' is left as written
        if sup is None or not _ACCENT_LABEL.fullmatch(sup) or (sub is not None and sub.strip() == "") \
                or (sub is None and re.match(r"\s*\(", text[i:])):
            continue
        found.append((m.start(), i, re.sub(r"\s", "", m.group(0)), sub, " ".join(sup.split()), caret))
    return sorted(found)


def _scripts(text: str, i: int) -> tuple[int, str | None, str | None, int]:
    """The subscript and superscript written at ``i`` in either order: (end, sub, sup, caret)."""
    sub, sup, caret = None, None, -1
    for _ in range(2):
        mark = re.match(r"\s*([_^])", text[i:])
        if not mark:
            break
        if mark.group(1) == "_" and sub is None:
            sub, i = read_group(text, i + mark.end())
        elif mark.group(1) == "^" and sup is None:
            caret = i + mark.start(1)
            sup, i = read_group(text, i + mark.end())
        else:
            break
    return i, sub, sup, caret


def _carried(sup: str) -> bool:
    sup = sup.strip()
    if not NAME_SUPERSCRIPT.fullmatch(sup) or _TRANSPOSE_LABEL.match(sup):
        return False
    opened, closed = sup[0] in "([", sup[-1] in ")]"
    return opened == closed and (not opened or "([".index(sup[0]) == ")]".index(sup[-1]))


def canonical_superscript(sup: str) -> str:
    """A carried superscript as it is kept in a name: no spaces (``l + 1`` is ``l+1``)."""
    return re.sub(r"\s+", "", sup)


def carry_name_superscripts(text: str) -> str:
    """``z^{l+1}_j`` becomes one subscripted symbol whose subscript also holds the superscript,
    coded so that nothing an author writes can produce it; the model stage decodes it
    (:func:`symbolic.model.index_notation.split_symbol`) and decides what it means."""
    out, at = [], 0
    for start, end, head, sub, sup, _caret in name_superscripts(text):
        code = "".join(SUPERSCRIPT_CODE.get(c, c) for c in canonical_superscript(sup))
        out.append(text[at:start])
        # spaced, so that the parser always lends the name a letter (after a letter, as in
        # x\\sigma^2, it would not), and never sees the marks
        out.append(f" {head}_{{{(sub or '').strip()}{SUPERSCRIPT_MARK}{code}}} ")
        at = end
    out.append(text[at:])
    return "".join(out)


# Superscripts that are not powers: a transpose, or a layer or example number in brackets
# that is not on a name (\hat{y}^{(i)}, a^{[l-1]T}). latex2sympy2 drops ^T and ^\top without a
# word and reads ^{(2)} as a square; gradproof reads neither, so each is an error at its
# position rather than a misreading. On a name, name_superscripts carries them.
_TRANSPOSE = re.compile(r"\^\s*(?:\{\s*)?(?:T|\\top|\\intercal|\\mathsf\s*\{\s*T\s*\}|"
                        r"\\mathrm\s*\{\s*T\s*\}|\\mathbf\s*\{\s*T\s*\})(?![A-Za-z])")
_BRACKETED = re.compile(r"\^\s*(?:\{\s*)?[(\[]")
_EXPONENTIAL_BASE = re.compile(r"(?:(?<![A-Za-z\\])e|\\mathrm\s*\{\s*e\s*\}|\\exp)\s*$")
_BIG_OPERATOR = re.compile(r"\\(?:sum|prod)(?![A-Za-z])\s*(?:\\(?:no)?limits(?![A-Za-z])\s*)?")


def _limit_carets(text: str) -> set[int]:
    """The carets of big operators' upper limits (``\\sum_{k=1}^{T}``): a limit, never a power."""
    carets = set()
    for m in _BIG_OPERATOR.finditer(text):
        i = m.end()
        for _ in range(2):  # the limits in either order: _{k=1}^{T} or ^{T}_{k=1}
            mark = re.match(r"\s*([_^])", text[i:])
            if not mark:
                break
            if mark.group(1) == "^":
                carets.add(i + mark.start(1))
            _group, i = read_group(text, i + mark.end())
    return carets


def check_superscripts(text: str, span) -> None:
    """Raise a LatexError at a superscript that is not a power: ``W^T``, ``x^\\top``,
    ``W^{(2)}``, ``a^{[l]}``, ``x^{(i)}`` (``e^{(a + b)}`` stays an exponential)."""
    control = re.search("[%s]" % re.escape(SUPERSCRIPT_MARK + "".join(SUPERSCRIPT_CODE.values())), text)
    if control:  # they code carried superscripts: written by an author they would be read as one
        raise LatexError(f"control character U+{ord(control.group(0)):04X} in the math",
                         span.shifted(text[:control.start()]), "remove it")
    carried = {caret for *_, caret in name_superscripts(text)} | _limit_carets(text)
    for start, _end, head, sub, sup, caret in name_superscripts(text, called=True):
        if caret not in carried and not sup.isdigit():
            written = " ".join(text[start:_end].split())
            raise LatexError(f"'{written}(…)' is a name with the superscript {sup} followed by a "
                             "parenthesis: a function of a layer or an example is not read",
                             span.shifted(text[:caret]),
                             "write the activation as a named function, e.g. \\sigma(z^l_j), or "
                             "put a product's factors in the other order")
    for pattern, what, hint in (
            (_TRANSPOSE, "a transpose", "a transpose is read in matrix notation, on names "
                                        "without indices (W^T \\delta); in index notation swap "
                                        "the indices, e.g. \\sum_j w_{jk} \\delta_j"),
            (_BRACKETED, "a superscript in brackets (a layer or an example number)",
             "a layer or example superscript is read on a letter or a Greek letter "
             "(W^{(2)}_{kj}, x^{(i)}_j) and in no other place: name the quantity with one letter")):
        for match in pattern.finditer(text):
            if text.index("^", match.start()) in carried:
                continue  # a layer, an example, a name or a sum's limit: read elsewhere
            if pattern is _BRACKETED and _EXPONENTIAL_BASE.search(text, 0, match.start()):
                continue
            _group, end = read_group(text, text.index("^", match.start()) + 1)
            written = " ".join(text[match.start():end].split())
            raise LatexError(f"'{written}' is {what}, not a power", span.shifted(text[:match.start()]),
                             hint)


# A function's name right before a prime: a command or a single letter that is no subscript.
_FUNCTION_NAME_BEFORE = re.compile(r"(?:\\[A-Za-z]+|(?<![A-Za-z_^{\\])[A-Za-z])\s*$")


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
                called = re.match(r"'*\s*\(", text[i:])  # f'(x): a function's derivative
                if called and _FUNCTION_NAME_BEFORE.search(text[:i]):
                    raise LatexError(f"'{written}' is the derivative of a function gradproof does not "
                                     "know (an arbitrary function is not read yet)", span.shifted(text[:i]),
                                     "the functions of the table are read with a prime (\\sigma'(z), "
                                     "\\tanh'(z), \\operatorname{ReLU}'(z)); for another, write its "
                                     "derivative out")
                raise LatexError(f"the prime in '{written}' means a derivative, which is not read yet "
                                 "(a primed index such as k' belongs inside a subscript, o_{k'})",
                                 span.shifted(text[:i]),
                                 "write the derivative as \\frac{d}{dz} applied to the expression, "
                                 "or name it")
        i += 1
