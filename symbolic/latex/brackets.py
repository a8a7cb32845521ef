"""Subscripts on a bracketed expression, which the grammar would silently drop.

latex2sympy2 reads ``(1 - y z)_+`` as ``1 - y z``: the subscript vanishes, and with it
the positive part the author wrote. So before parsing:

* ``(X)_+``, ``(X)_{+}``, ``[X]_+`` and ``\\left(X\\right)_+`` are the positive part of X,
  rewritten as ``\\max(0, X)`` (read as ReLU, checked region by region);
* any other subscript right after a closing bracket (``(W x)_i``, ``[a]_{k}``) is an error
  at its place: an index on a whole expression is not read.
"""

from __future__ import annotations

import re

from ..errors import LatexError, Span

# A closing bracket (optionally \right-sized) followed by a subscript.
_CLOSING_SUBSCRIPT = re.compile(r"(\\right\s*[)\]]|[)\]])\s*_\s*(\{\s*\+\s*\}|\+|\{[^{}]*\}|[A-Za-z0-9])")
_OPENING = {")": "(", "]": "["}
MAX_POSITIVE_PARTS = 200  # each is rewritten in a pass over the term


def read_bracket_subscripts(text: str, span: Span) -> str:
    """``text`` with positive parts written as ``\\max(0, …)``; an error for other subscripts
    on a bracketed expression."""
    if len(_CLOSING_SUBSCRIPT.findall(text)) > MAX_POSITIVE_PARTS:
        raise LatexError(f"more than {MAX_POSITIVE_PARTS} positive parts (…)_+ in one term", span,
                         "name parts of the expression in the derivation block")
    while True:
        m = _CLOSING_SUBSCRIPT.search(text)
        if m is None:
            return text
        subscript = m.group(2).replace("{", "").replace("}", "").strip()
        if subscript != "+":
            raise LatexError(f"the subscript '{subscript}' on the bracketed expression before it "
                             "is not read (an index on a whole expression)", span.shifted(text[:m.start(2)]),
                             "write the index on each name inside the brackets, or name the "
                             "expression in the derivation block")
        start = _opening(text, m.end(1) - 1, m.group(1)[-1])
        if start is None:
            raise LatexError("the bracket before this subscript is not opened", span.shifted(text[:m.start()]),
                             "check the brackets")
        opener_end = start + (len(re.match(r"\\left\s*[(\[]", text[start:]).group(0))
                              if text.startswith("\\left", start) else 1)
        inner = text[opener_end:m.start(1)]
        text = f"{text[:start]}\\max(0, {inner}){text[m.end():]}"


def _opening(text: str, close: int, bracket: str) -> int | None:
    """Where the bracket closed at ``close`` opens (a ``\\left`` before it included)."""
    depth = 0
    for i in range(close, -1, -1):
        char = text[i]
        if char == bracket and (i == close or text[i - 1] != "\\"):
            depth += 1
        elif char == _OPENING[bracket] and (i == 0 or text[i - 1] != "\\"):
            depth -= 1
            if depth == 0:
                left = re.search(r"\\left\s*$", text[:i])
                return left.start() if left else i
    return None


# Indicators of a comparison: \mathbb{1}[z > 0], \mathbb{1}\{z > 0\}, 1_{z > 0}, [z > 0].
_ONE = r"(?:\\(?:mathbb|mathbf|mathds|boldsymbol)\s*\{\s*1\s*\}|(?<![\w.}])1)"
_INDICATOR_START = re.compile(rf"{_ONE}\s*(?:_\s*\{{|\\left\s*\[|\[|\\\{{|\\left\s*\\\{{|\()|(?<![\w}}\\])\[")
_COMPARISON = re.compile(r"\\geq?(?![A-Za-z])|\\leq?(?![A-Za-z])|\\gt(?![A-Za-z])|\\lt(?![A-Za-z])|>|<")
_COMPARISON_OR_EQUAL = re.compile(_COMPARISON.pattern + r"|(?<![\\<>!])=")
_CLOSERS = {"{": "}", "[": "]", "(": ")", "\\{": "\\}"}
_INDEX_SIDE = re.compile(r"\s*[A-Za-z]'*\s*(?:[+-]\s*\d*\s*[A-Za-z]?'*\s*)*")


def _index_equality(body: str, comparisons, bare: bool) -> bool:
    """Whether ``body`` is one equality of index letters or index arithmetic (``k = i``,
    ``p = i + m - 1``), left to be read as a Kronecker delta. Two single letters in an
    indicator (``\\mathbb{1}[a = y]``) may be indices or scalars: they are read as an
    equality, which the model stage turns into a delta when both are index letters."""
    if len(comparisons) != 1 or comparisons[0].group(0) != "=":
        return False
    c = comparisons[0]
    sides = (body[:c.start()], body[c.end():])
    if not bare and all(re.fullmatch(r"\s*[A-Za-z]'*\s*", side) for side in sides):
        return False
    return all(_INDEX_SIDE.fullmatch(side) for side in sides)


def read_indicators(text: str, span: Span) -> str:
    """``text`` with each indicator of a comparison (``\\mathbb{1}[z > 0]``, ``1_{a < b}``,
    the Iverson bracket ``[z > 0]``) written as the unit step of the difference,
    ``\\operatorname{step}(a - b)``; ≥ and ≤ read as > and < (they differ only where the
    two sides are equal, a kink). An equality of values (``\\mathbb{1}[x_k = y_i]``, the mask of
    a max) is ``\\operatorname{iszero}(x_k - y_i)``; one of index letters or index arithmetic
    (``[k = i]``) is left to be read as a Kronecker delta. Brackets without a comparison are
    left alone."""
    if not _COMPARISON_OR_EQUAL.search(text):
        return text
    closes = _matching(text)
    out: list[str] = []
    position = 0
    for m in _INDICATOR_START.finditer(text):
        if m.start() < position:
            continue  # inside an indicator already rewritten
        opener = "\\{" if m.group(0).endswith("\\{") else m.group(0)[-1]
        body_end = closes.get(m.end() - len(opener))
        if body_end is None:
            continue
        body = re.sub(r"\\right\s*$", "", text[m.end():body_end].rstrip())
        comparisons = list(_COMPARISON_OR_EQUAL.finditer(body))
        if not comparisons or _index_equality(body, comparisons, bare=m.group(0) == "["):
            continue  # [k = i] between indices is a Kronecker delta, read later
        if len(comparisons) > 1:
            raise LatexError("an indicator of more than one comparison is not read",
                             span.shifted(text[:m.start()]), "write one comparison per indicator, "
                             r"e.g. \mathbb{1}[z > 0] \mathbb{1}[z < 1]")
        c = comparisons[0]
        left, right = body[:c.start()].strip(), body[c.end():].strip()
        if not left or not right:
            raise LatexError("this comparison has a side missing", span.shifted(text[:m.start()]),
                             r"write e.g. \mathbb{1}[z > 0]")
        greater = c.group(0) in (">", r"\gt", r"\geq", r"\ge", "=")
        big, small = (left, right) if greater else (right, left)
        difference = big if small == "0" else f"-({small})" if big == "0" else f"({big}) - ({small})"
        function = "iszero" if c.group(0) == "=" else "step"
        out += [text[position:m.start()], rf"\operatorname{{{function}}}({difference})"]
        position = body_end + len(_CLOSERS[opener])
    return "".join(out) + text[position:]


def _matching(text: str) -> dict[int, int]:
    """Where each bracket closes: the index of ``(``, ``[``, ``{`` or ``\\{`` -> the index of
    its partner (one pass; each kind of bracket nests on its own)."""
    stacks: dict[str, list[int]] = {opener: [] for opener in _CLOSERS}
    closing = {closer: opener for opener, closer in _CLOSERS.items()}
    found: dict[int, int] = {}
    i = 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair in ("\\{", "\\}"):
            token = pair
        elif text[i] == "\\":
            i += 2  # an escaped character or a command's first letter: not a bracket
            continue
        else:
            token = text[i]
        if token in stacks:
            stacks[token].append(i)
        elif token in closing and stacks[closing[token]]:
            found[stacks[closing[token]].pop()] = i
        i += len(token)
    return found


_CASES = re.compile(r"\\begin\s*\{\s*cases\s*\}(.*?)\\end\s*\{\s*cases\s*\}", re.S)
_OTHERWISE = re.compile(r"^(?:\\text\s*\{\s*(?:otherwise|else|sonst)\s*\}|otherwise|else)$")
_WORDS = re.compile(r"\\text\s*\{\s*(?:if|for|when|where)\s*\}|\\(?:quad|qquad|,|;|!)|\\ |,\s*$|\.\s*$")


def read_cases(text: str, span: Span) -> str:
    """``\\begin{cases} a & z > 0 \\\\ b & \\text{otherwise} \\end{cases}`` as a sum of branches
    weighted by steps: ``(a) \\operatorname{step}(z) + (b) (1 - \\operatorname{step}(z))``.
    Each row is a value and a comparison (the first row that holds wins; an equality is weighted
    by ``iszero`` of the difference) or ``otherwise``; any other condition is an error at the cases."""
    while True:
        m = _CASES.search(text)
        if m is None:
            return text
        rows = [row.strip() for row in re.split(r"\\\\", m.group(1)) if row.strip()]
        branches: list[tuple[str, str | None]] = []
        sides: list[tuple[str, str]] = []
        for row in rows:
            if row.count("&") != 1:
                raise LatexError("a row of these cases is not 'value & condition'",
                                 span.shifted(text[:m.start()]), r"write each row as z & z > 0 \\")
            value, condition = (part.strip() for part in row.split("&"))
            condition = _WORDS.sub(" ", condition).strip()
            if _OTHERWISE.match(condition):
                branches.append((value, None))
                continue
            comparisons = list(_COMPARISON_OR_EQUAL.finditer(condition))
            if len(comparisons) != 1 or _index_equality(condition, comparisons, bare=True):
                raise LatexError(f"the condition '{condition}' of these cases is not read (one "
                                 "comparison such as z > 0, an equality of values such as x_i = y, "
                                 "or otherwise)", span.shifted(text[:m.start()]),
                                 "write one comparison per row, the last row 'otherwise'")
            c = comparisons[0]
            left, right = condition[:c.start()].strip(), condition[c.end():].strip()
            greater = c.group(0) in (">", r"\gt", r"\geq", r"\ge", "=")
            big, small = (left, right) if greater else (right, left)
            sides.append((big, small) if c.group(0) != "=" else (None, None))
            difference = big if small == "0" else f"-({small})" if big == "0" else f"({big}) - ({small})"
            # an equality holds where the difference is 0: 1[x_i = \max(…)], the mask of a max
            branches.append((value, difference if c.group(0) != "=" else ("iszero", difference)))
        if len(sides) >= 2 and branches[-1][1] is not None and sides[-1][0] is not None \
                and sides[-1] == sides[-2][::-1]:
            branches[-1] = (branches[-1][0], None)  # z < 0 after z >= 0: the rest
        if any(condition is None for _, condition in branches[:-1]):
            raise LatexError("'otherwise' must be the last row of the cases", span.shifted(text[:m.start()]),
                             "move it to the end")
        if branches[-1][1] is not None:
            raise LatexError("these cases do not end with 'otherwise': outside their conditions the "
                             "value is not given", span.shifted(text[:m.start()]),
                             r"end with a row 'value & \text{otherwise}'")
        written = f"({branches[-1][0]})"
        for value, condition in reversed(branches[:-1]):
            function, condition = condition if isinstance(condition, tuple) else ("step", condition)
            step = rf"\operatorname{{{function}}}({condition})"
            written = f"({value}) {step} + (1 - {step}) {written}"
        text = f"{text[:m.start()]}\\left({written}\\right){text[m.end():]}"
