"""Plain terms read without the grammar: the small fragment of latex2sympy2's language most terms use.

After masking, most terms are sums and products of letters (Greek ones too), integers,
groups, fractions, square roots, powers, sums over an index, ``\\ln``, ``\\exp``, ``e^{...}``,
the trigonometric and hyperbolic functions and ``\\max``/``\\min``. Reading one with
the ANTLR grammar costs tens of milliseconds the first time a construct is seen in a
process; this reader builds the same SymPy tree directly, node for node (the same
unevaluated ``Add``/``Mul``/``Pow`` with the same argument order, built by the same
flattening rules as latex2sympy2's converters).

It answers None for anything outside the fragment, and the grammar reads the text
instead: other commands, decimals, commas outside ``\\max``, a letter followed by ``(``
(the grammar reads a call), adjacent letters (the grammar's lexer has words such as
``rank``), ``d``, ``e``, ``E``, ``I`` as letters, ``T`` as an exponent (a transpose),
nested powers, relations. That the two agree on every text this reader accepts is tested
against the grammar itself (tests/latex/test_plain_terms.py: generated terms and every
term of the repository's notes).
"""

from __future__ import annotations

import re

import sympy

_SPACE = " \t\r\n"  # what the grammar's lexer skips (not \f, \v or Unicode spaces)
_TOKEN = re.compile(r"[ \t\r\n]*(?:(\\[A-Za-z]+)|([A-Za-z])|([0-9]+)|([-+(){}^_=,]))")
_GREEK = frozenset((
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "omicron rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split())  # \pi is the number
_ONE_ARGUMENT = frozenset({r"\ln", r"\exp", r"\sin", r"\cos", r"\tan", r"\sinh", r"\cosh", r"\tanh"})
_COMMANDS = _ONE_ARGUMENT | {r"\frac", r"\sqrt", r"\sum", r"\max", r"\min", r"\cdot"}
_NOT_LETTERS = frozenset("deEI")  # the grammar reads d (a differential), e, E and I specially
_MAX_DEPTH = 40  # deeper terms are left to the grammar (and its nesting limit)


class _Outside(Exception):
    """The text is outside the fragment: the grammar reads it."""


def read(text: str):
    """The expression latex2sympy2's grammar makes of ``text``, or None outside the fragment."""
    try:
        return _Reader(text).whole()
    except (_Outside, RecursionError):  # a deep nest of functions: the grammar and its limit decide
        return None


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, end) triples; kind is cmd, letter, e, number or the character itself."""
    out, at, text = [], 0, text.rstrip(_SPACE)
    while at < len(text):
        m = _TOKEN.match(text, at)
        if m is None:
            raise _Outside
        command, letter, number, char = m.groups()
        if command is not None:
            if command[1:] in _GREEK:
                out.append(("letter", command, m.end()))  # a Greek letter is a letter
            elif command not in _COMMANDS:
                raise _Outside
            else:
                out.append(("cmd", command, m.end()))
        elif letter is not None:
            if out and out[-1][0] in ("letter", "e") and out[-1][2] == m.start(2) \
                    and not out[-1][1].startswith("\\"):
                raise _Outside  # adjacent letters may form one of the lexer's words
            if letter in _NOT_LETTERS and letter != "e":
                raise _Outside
            out.append(("e" if letter == "e" else "letter", letter, m.end()))
        elif number is not None:
            if out and out[-1][0] == "number" and out[-1][2] == m.start(3):
                raise _Outside
            out.append(("number", number, m.end()))
        else:
            if char == "," and text[m.end():m.end() + 1].isdigit():
                raise _Outside  # the lexer reads 1,000 as one number
            out.append((char, char, m.end()))
        at = m.end()
    return out


def _add_flat(left, right):
    """latex2sympy2's sum of two terms: an Add's arguments are spliced in, not nested."""
    if left.is_Add or right.is_Add:
        args = (list(left.args) if left.is_Add else [left]) + (list(right.args) if right.is_Add else [right])
        return sympy.Add(*args, evaluate=False)
    return sympy.Add(left, right, evaluate=False)


def _mul_flat(left, right):
    """latex2sympy2's product of two factors: a Mul's arguments are spliced in, not nested."""
    left, right = sympy.sympify(left), sympy.sympify(right)
    if left.is_Mul or right.is_Mul:
        args = (list(left.args) if left.is_Mul else [left]) + (list(right.args) if right.is_Mul else [right])
        return sympy.Mul(*args, evaluate=False)
    return sympy.Mul(left, right, evaluate=False)


def _negated(term):
    """``-term`` as the grammar's converters build it: a number's sign flips, else -1 times."""
    return -term if term.func.is_Number else _mul_flat(-1, term)


_FUNCTIONS = _ONE_ARGUMENT | {"e", r"\sum", r"\max", r"\min"}
_STARTS_FACTOR = _FUNCTIONS | {"letter", "number", "(", "{", r"\frac", r"\sqrt"}


class _Reader:
    """Recursive descent over the grammar's rules (additive, mp, unary, postfix, exp, comp)."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0

    def peek(self) -> str | None:
        if self.at >= len(self.tokens):
            return None
        kind, value, _ = self.tokens[self.at]
        return value if kind in ("cmd", "e") or len(kind) == 1 else kind

    def take(self, expected: str) -> tuple[str, str, int]:
        if self.peek() != expected:
            raise _Outside
        self.at += 1
        return self.tokens[self.at - 1]

    def whole(self):
        if not self.tokens:
            raise _Outside
        expr = self.expr()
        if self.at != len(self.tokens):
            raise _Outside
        return expr

    def expr(self):
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _Outside
        left = self.mp(nofunc=False)
        while self.peek() in ("+", "-"):
            sign = self.take(self.peek())[1]
            right = self.mp(nofunc=False)
            left = _add_flat(left, right if sign == "+" else _negated(right))
        self.depth -= 1
        return left

    def mp(self, nofunc: bool):
        left = self.unary(nofunc)
        while self.peek() == r"\cdot":
            self.at += 1
            left = _mul_flat(left, self.unary(nofunc))
        return left

    def unary(self, nofunc: bool):
        if self.peek() in ("+", "-"):
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise _Outside
            sign = self.take(self.peek())[1]
            term = self.unary(nofunc)
            self.depth -= 1
            return term if sign == "+" else _negated(term)
        factors = [self.exp(functions=True)]
        while self.peek() in _STARTS_FACTOR and not (nofunc and self.peek() in _FUNCTIONS):
            factors.append(self.exp(functions=not nofunc))
        product = factors[-1]
        for factor in reversed(factors[:-1]):  # the grammar multiplies from the right
            product = _mul_flat(factor, product)
        return product

    def exp(self, functions: bool):
        base, letter = self.comp(functions)
        if self.peek() == "^":
            if letter is not None and letter.is_Pow:
                raise _Outside  # a second superscript
            base = sympy.Pow(base, self.superscript(), evaluate=False)
            if self.peek() in ("^", "_"):
                raise _Outside
        if letter is not None and self.peek() == "(":
            raise _Outside  # a letter before '(' is a call to the grammar
        return base

    def superscript(self):
        self.take("^")
        if self.peek() == "{":
            self.at += 1
            if self.peek() == "letter" and self.tokens[self.at][1] == "T":
                raise _Outside  # ^{T} is a transpose
            exponent = self.expr()
            self.take("}")
            return exponent
        kind, value, _ = self.tokens[self.at] if self.at < len(self.tokens) else (None, None, 0)
        if kind == "number" and len(value) == 1 or kind == "letter" and value != "T":
            self.at += 1
            if self.peek() in ("_", "^"):
                raise _Outside
            return sympy.Integer(value) if kind == "number" else sympy.Symbol(value.lstrip("\\"))
        raise _Outside

    def comp(self, functions: bool):
        """A factor; the second value is the letter atom it is, if it is one (with its power)."""
        head = self.peek()
        if head in ("(", "{"):
            self.at += 1
            inner = self.expr()
            self.take(")" if head == "(" else "}")
            return inner, None
        if head == r"\frac":
            self.at += 1
            self.take("{")
            upper = self.expr()
            self.take("}")
            self.take("{")
            lower = self.expr()
            self.take("}")
            return sympy.Mul(upper, sympy.Pow(lower, -1, evaluate=False), evaluate=False), None
        if head == r"\sqrt":
            self.at += 1
            self.take("{")  # \sqrt[n]{...} is left to the grammar
            radicand = self.expr()
            self.take("}")
            return sympy.Pow(radicand, sympy.S.Half, evaluate=False), None
        if head == "number":
            return sympy.Integer(self.take("number")[1]), None
        if head == "letter":
            return self.letter()
        if head in _FUNCTIONS and functions:
            return self.function(head), None
        raise _Outside

    def letter(self):
        name = self.take("letter")[1].lstrip("\\")
        if self.peek() == "_":
            self.at += 1
            name += self.subscript()
        symbol = sympy.Symbol(name)
        if self.peek() == "^":
            symbol = sympy.Pow(symbol, self.superscript(), evaluate=False)
            if self.peek() in ("^", "_"):
                raise _Outside
        return symbol, symbol

    def subscript(self) -> str:
        """The name's tail for ``_x`` or ``_{xy}``: letters and digits only, as the grammar names it."""
        if self.peek() == "{":
            self.at += 1
            parts = []
            while self.peek() in ("letter", "number"):
                parts.append(self.tokens[self.at][1])
                self.at += 1
            self.take("}")
        elif self.peek() in ("letter", "number"):
            parts = [self.tokens[self.at][1]]
            self.at += 1
        else:
            raise _Outside
        inner = "".join(parts)
        if not inner or len(parts) > 1 or inner.startswith("\\"):
            raise _Outside  # _{k j}: the grammar reads the subscript as a product
        return f"_{{{inner}}}" if len(inner) > 1 else f"_{inner}"

    def function(self, head: str):
        if head == "e":
            self.at += 1
            if self.peek() != "^":
                raise _Outside
            argument = self.superscript()
            if self.peek() in ("^", "_"):
                raise _Outside
            return sympy.exp(argument)
        self.at += 1
        if self.peek() in ("^", "_") and head != r"\sum":
            raise _Outside
        if head == r"\sum":
            return self.sum()
        if head in _ONE_ARGUMENT:
            if self.peek() == "(":
                self.at += 1
                argument = self.expr()
                self.take(")")
            else:
                argument = self.mp(nofunc=True)
            if head == r"\ln":
                return sympy.log(argument, sympy.E, evaluate=False)
            if head == r"\exp":
                return sympy.exp(argument)  # evaluated, as the grammar's converter builds it
            return getattr(sympy, head[1:])(argument, evaluate=False)
        return self.extremum(head)

    def sum(self):
        self.take("_")
        self.take("{")
        index = self.expr()
        self.take("=")
        start = self.expr()
        self.take("}")
        if not isinstance(index, sympy.Symbol):
            raise _Outside
        end = self.superscript()
        return sympy.Sum(self.mp(nofunc=False), (index, start, end))

    def extremum(self, head: str):
        """``\\max(a, b)``: the grammar reads each argument again from its text without spaces."""
        self.take("(")
        starts = [self.at]
        self.expr()
        while self.peek() == ",":
            self.at += 1
            starts.append(self.at)
            self.expr()
        self.take(")")
        if self.peek() in ("^", "_"):
            raise _Outside
        ends = [start - 1 for start in starts[1:]] + [self.at - 1]
        arguments = []
        for start, end in zip(starts, ends):
            first = self.tokens[start - 1][2]
            last = self.tokens[end - 1][2]
            source = re.sub(r"[ \t\r\n]+", "", self.text[first:last])
            if "\\" in source or ")_" in source:
                raise _Outside  # the grammar rewrites some commands in re-read text
            inner = _Reader(source)
            inner.depth = self.depth
            arguments.append(inner.whole())
        return getattr(sympy, head[1:].capitalize())(*arguments, evaluate=False)
