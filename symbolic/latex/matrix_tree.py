"""The tree of a matrix-notation term (:mod:`symbolic.latex.matrix_parse` builds it) and the
tokens it is read from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy

_SKIP = {",", ";", ":", "!", " ", "quad", "qquad", "left", "right", "bigl", "bigr", "big", "Big",
         "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "limits", "displaystyle",
         "bf", "space"}  # {\bf A}: bold, the name A; \space: a space


@dataclass
class Node:
    pos: int = field(default=0, kw_only=True)  # offset in the term's text


@dataclass
class Num(Node):
    value: sympy.Rational


@dataclass
class Name(Node):
    base: str  # as the index notation names it: 'w', 'delta', 'hat{y}', 'mathcal{L}'
    sup: str | None  # the superscript as written, without spaces and outer braces
    written: str


@dataclass
class Transpose(Node):
    arg: Node
    by_prime: bool = field(default=False, kw_only=True)  # X': a transpose only where nothing else is meant


@dataclass
class Power(Node):
    arg: Node
    exponent: int


@dataclass
class Neg(Node):
    arg: Node


@dataclass
class Sum(Node):
    terms: list[tuple[int, Node]]  # (+1 or -1, term)


@dataclass
class Product(Node):
    """Factors separated by Hadamard products: ``groups[0] ⊙ groups[1] ⊙ …``; each group is
    a matrix product of its factors, ``(op, factor)`` with op '@' (product), '/' (division) or
    '*' (read as the block's ``star:`` says)."""

    groups: list[list[tuple[str, Node]]]  # op '*' too, where the block declares star:


@dataclass
class Frac(Node):
    num: Node
    den: Node


@dataclass
class Call(Node):
    function: str  # sigma, tanh, exp, log; f, g, h: the block's arbitrary activation
    order: int  # primes
    arg: Node
    layer: str | None = field(default=None, kw_only=True)  # g^{[l]}(Z^{[l]}): the layer's activation
    power: int = field(default=1, kw_only=True)  # \tanh^2(z): the square of each entry of \tanh(z)


@dataclass
class Derivative(Node):
    of: Node | None  # None: the block's loss (\nabla_W alone)
    wrt: Node
    written: str


@dataclass
class Norm(Node):
    arg: Node


@dataclass
class Trace(Node):
    arg: Node


@dataclass
class Operator(Node):
    """``\\operatorname{diag}(v)``, ``\\operatorname{softmax}(z)``, ``\\operatorname{logsumexp}(z)``."""

    word: str
    arg: Node


@dataclass
class Token:
    kind: str  # 'cmd', 'char', 'num', 'letter', 'end'
    value: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", text[i:])
            name = m.group(1) if m else ""
            if name not in _SKIP:
                tokens.append(Token("cmd", name, i))
            i += len(m.group(0)) if m else 1
        elif ch.isdigit() or (ch == "." and text[i + 1:i + 2].isdigit()):
            m = re.match(r"\d*\.?\d+|\d+", text[i:])
            tokens.append(Token("num", m.group(0), i))
            i += len(m.group(0))
        elif ch.isalpha():
            tokens.append(Token("letter", ch, i))
            i += 1
        else:
            tokens.append(Token("char", ch, i))
            i += 1
    tokens.append(Token("end", "", len(text)))
    return tokens


@dataclass
class Applied(Node):
    """A name right before a parenthesis, ``J(\\theta)`` or ``W(x + b)``: a call of the model's
    scalar or a product, decided by the name's shape."""

    name: Name
    arg: Node


@dataclass
class Ones(Node):
    """``\\mathbf{1}``, the vector of ones: its length is the one its neighbour in a product or a
    sum gives it (``dZ \\mathbf{1}`` sums each row of dZ)."""


@dataclass
class ExampleSum(Node):
    """``\\sum_{i=1}^{m} dZ^{[l](i)}``: a sum over the examples, ``(i)`` picking column i of a batch
    matrix inside it."""

    letter: str
    upper: str | None  # the upper limit as written (m); None when the sum has no limits
    body: Node
