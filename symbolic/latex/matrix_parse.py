"""Matrix and vector LaTeX (``W^\\top \\delta \\odot \\sigma'(z)``) → a tree that keeps the order
of products.

latex2sympy2 reads a product as SymPy's commutative ``Mul``: ``\\delta h^T`` and ``h^T \\delta``
would be the same expression. Matrix notation therefore has this reader of its own, for a small
grammar: names (plain, bold ``\\mathbf``/``\\boldsymbol``/``\\bm``/``\\vec``, decorated ``\\hat``),
a superscript on a name (a layer or a power, decided by the model stage), transposes (``^T``,
``^\\top``, ``^{\\intercal}``), products by juxtaposition or ``\\cdot``, Hadamard products
(``\\odot``, ``\\circ``), sums, scalar fractions, derivatives (``\\frac{\\partial L}{\\partial W}``,
``\\nabla_W L``), element-wise functions and their primes (``\\sigma'(z)``), squared norms
(``\\|r\\|^2``) and the trace. Anything else is an error at its column, naming what was written.
"""

from __future__ import annotations

import re

import sympy

from ..errors import GradproofError, LatexError, NotationError, Span
from .matrix_tree import (Applied, Call, Derivative, Frac, Name, Neg, Node, Norm, Num, Ones, Operator,
                          Power, Product, Sum, Token, Trace, Transpose, tokenize)
from .matrix_batch import GENERIC, BatchGrammar
from .matrix_columns import ColumnGrammar
from .matrix_derivatives import DerivativeGrammar
from .matrix_indicator import IndicatorGrammar
from .notation import GREEK_HEADS
from .parse import RawExpr, parse_latex

_BOLD = {"mathbf", "boldsymbol", "bm", "vec", "mathbfit", "pmb"}
_DECORATED = {"hat", "tilde", "bar", "mathcal"}
_FUNCTIONS = {"sigma", "tanh", "exp", "log", "ln"}
_OPERATORS = {"operatorname", "mathrm", "text", "textrm", "mbox"}
_TRACE = {"tr", "Tr", "trace"}
_WORDS = {"diag", "softmax", "logsumexp"}
_TRANSPOSE = re.compile(r"(?:T|\\top|\\intercal|\\mathsf\{T\}|\\mathrm\{T\}|\\mathbf\{T\})")
_NORM_OPEN = {"|", "lVert", "Vert"}
_NORM_CLOSE = {"|", "rVert", "Vert"}


class MatrixParser(BatchGrammar, ColumnGrammar, DerivativeGrammar, IndicatorGrammar):
    """Recursive descent over one term's tokens."""

    def __init__(self, text: str, span: Span, star: str | None = None, names: frozenset[str] = frozenset()):
        self.text, self.span = text, span
        self.star = star  # the block's star: ('*' is read only when the block declares it)
        self.names = names  # the model's scalars named with a subscript (E_in for E_{in})
        self.tokens = tokenize(text)
        self.at = 0
        self.norms = 0  # inside how many norms: a bar there closes one

    # -- helpers ------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.at + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.at += 1
        return token

    def is_(self, kind: str, value: str | None = None, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == kind and (value is None or token.value == value)

    def error(self, message: str, pos: int, hint: str = "") -> NotationError:
        return NotationError(message, self.span.shifted(self.text[:pos]), hint)

    def expect(self, kind: str, value: str, what: str) -> Token:
        if not self.is_(kind, value):
            token = self.peek()
            raise self.error(f"expected {what} in '{self.text.strip()}'", token.pos,
                             "check the brackets of the matrix expression")
        return self.take()

    def group_text(self) -> tuple[str, int]:
        """The raw text of a braced group or of one token (a sub- or superscript)."""
        token = self.take()
        if token.kind == "char" and token.value == "{":
            depth, start = 1, token.pos + 1
            while depth:
                t = self.take()
                if t.kind == "end":
                    raise self.error("unbalanced braces", token.pos)
                if t.kind == "char" and t.value in "{}":
                    depth += 1 if t.value == "{" else -1
            return self.text[start:t.pos], start
        if token.kind == "cmd" and token.value in _BOLD | _DECORATED | {"mathsf", "mathrm"} \
                and self.is_("char", "{"):
            inner, _ = self.group_text()
            return f"\\{token.value}{{{inner}}}", token.pos
        if token.kind == "end":
            raise self.error("a sub- or superscript is missing", token.pos)
        width = len(token.value) + (token.kind == "cmd")  # one token: z^l\big( is z^l
        return self.text[token.pos:token.pos + width], token.pos

    def sub_parser(self, text: str, offset: int) -> MatrixParser:
        parser = MatrixParser(self.text, self.span, self.star, self.names)
        parser.tokens = [t for t in tokenize(self.text[:offset + len(text)]) if t.pos >= offset]
        parser.tokens.append(Token("end", "", offset + len(text)))
        return parser

    # -- grammar --------------------------------------------------------------------------
    def parse(self) -> Node:
        node = self.expr()
        if not self.is_("end"):
            token = self.peek()
            raise self.error(f"'{self.text[token.pos:].strip()[:20]}' is not read in matrix notation",
                             token.pos, "matrix claims use products, ^T, \\odot, sums, \\frac, "
                                        "\\nabla, σ/tanh/exp/log, \\|·\\|^2 and \\operatorname{tr}")
        return node

    def expr(self) -> Node:
        pos = self.peek().pos
        terms: list[tuple[int, Node]] = []
        sign = 1
        if self.is_("char", "-") or self.is_("char", "+"):
            sign = -1 if self.take().value == "-" else 1
        terms.append((sign, self.term()))
        while self.is_("char", "+") or self.is_("char", "-"):
            sign = -1 if self.take().value == "-" else 1
            terms.append((sign, self.term()))
        return terms[0][1] if len(terms) == 1 and terms[0][0] == 1 else Sum(terms, pos=pos)

    def term(self) -> Node:
        pos = self.peek().pos
        groups: list[list[tuple[str, Node]]] = [[("@", self.factor())]]
        while True:
            token = self.peek()
            if token.kind == "cmd" and token.value in ("odot", "circ"):
                self.take()
                groups.append([("@", self.factor())])
            elif token.kind == "cmd" and token.value == "cdot":
                self.take()
                groups[-1].append(("@", self.factor()))
            elif token.kind == "char" and token.value == "/":
                self.take()
                groups[-1].append(("/", self.factor()))
            elif token.kind == "char" and token.value == "*" and self.star:
                self.take()
                groups[-1].append(("*", self.factor()))
            elif token.kind == "char" and token.value == "*" or token.kind == "cmd" and token.value in ("times", "otimes"):
                raise self.error(f"'{token.value}' between matrices is ambiguous (an element-wise or a "
                                 "matrix product)", token.pos,
                                 r"write \odot for the element-wise product and juxtaposition or \cdot "
                                 "for the matrix product, or declare star: in the block")
            elif self.starts_factor() and not (self.norms and self.closes_norm()):
                groups[-1].append(("@", self.factor()))
            else:
                break
        if len(groups) == 1 and len(groups[0]) == 1:
            return groups[0][0][1]
        return Product(groups, pos=pos)

    def closes_norm(self) -> bool:
        token = self.peek()
        return token.value in _NORM_CLOSE and token.kind in ("cmd", "char")

    def starts_factor(self) -> bool:
        token = self.peek()
        if token.kind in ("num", "letter"):
            return True
        if token.kind == "char":
            return token.value in "([{|"
        if token.kind == "cmd":
            return token.value not in ("odot", "circ", "cdot", "times", "otimes", "right", "rVert",
                                       "end", "tag", "quad")
        return False

    def factor(self) -> Node:
        if self.is_("char", "-"):
            pos = self.take().pos
            return Neg(self.factor(), pos=pos)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            if self.is_("char", "^"):
                caret = self.take().pos
                sup, at = self.group_text()
                sup = re.sub(r"\s+", "", sup)
                if _TRANSPOSE.fullmatch(sup):
                    node = Transpose(node, pos=caret)
                elif sup.isdigit():
                    node = Power(node, int(sup), pos=caret)
                else:
                    raise self.error(f"the superscript ^{{{sup}}} on an expression is not read",
                                     caret, r"matrix notation reads ^T (transpose) and whole-number "
                                            "powers of scalars; an inverse is not read")
            elif self.is_("char", "_") and isinstance(node, Norm):
                self.take()
                sub, at = self.group_text()
                if sub.strip() != "2":
                    raise self.error(f"the norm ‖·‖_{sub.strip()} is not read", at,
                                     r"write the Euclidean norm \|x\|^2 or \|x\|_2^2")
            elif self.is_("char", "'"):
                node = self.primed(node)
            else:
                return node

    def primary(self) -> Node:
        token = self.peek()
        if token.kind == "num":
            self.take()
            return Num(sympy.Rational(token.value), pos=token.pos)
        if token.kind == "char" and token.value in "([{":
            self.take()
            inner = self.expr()
            self.expect("char", {"(": ")", "[": "]", "{": "}"}[token.value], "a closing bracket")
            return inner
        if token.kind == "char" and token.value == "|" or token.kind == "cmd" and token.value in _NORM_OPEN:
            return self.norm()
        if token.kind == "letter" and re.match(r"np\s*\.\s*sum\s*\(", self.text[token.pos:]):
            return self.numpy_sum(token.pos)
        if token.kind == "letter":
            generic = self.generic_call() if token.value in GENERIC else None
            return generic if generic is not None else self.name()
        if token.kind == "cmd":
            name = token.value
            if name == "frac" or name in ("dfrac", "tfrac"):
                return self.fraction()
            if name == "nabla":
                return self.nabla()
            if name == "sum":
                return self.example_sum()
            if name == "mathbb":
                return self.indicator()
            if name in _OPERATORS and self.is_("char", "{", 1):
                self.take()
                word, at = self.group_text()
                if word.strip() in _TRACE:
                    return Trace(self.argument(), pos=token.pos)
                if word.strip() in _WORDS:
                    return Operator(word.strip(), self.argument(), pos=token.pos)
                if word.strip() == "sum":
                    return self.axis_sum(token.pos)
                raise self.error(f"the operator {word.strip()} is not read in matrix notation", token.pos,
                                 r"matrix claims read \operatorname{tr}, diag, softmax, logsumexp, "
                                 r"\sigma, \tanh, \exp and \log")
            if name in _FUNCTIONS and (name != "sigma" or self.is_("char", "(", 1) or self.is_("char", "'", 1)
                                       or self.is_("cmd", "left", 1) or self.powered_call()):
                return self.call()
            if name == "Sigma" and self.is_("char", "'", 1):  # Nielsen's Σ'(z) = diag(σ'(z))
                return self.call()
            if name in _BOLD and self.is_("char", "{", 1):
                return self.bold()
            if name in GREEK_HEADS or name in _BOLD | _DECORATED:
                return self.name()
            if name == "partial":
                raise self.error(r"\partial outside a fraction", token.pos,
                                 r"write \frac{\partial L}{\partial W} or \nabla_W L")
        raise self.error(f"'{self.text[token.pos:].strip()[:20]}' is not read in matrix notation",
                         token.pos, r"matrix claims use names, products, ^T, \odot, sums and \frac")

    def name(self) -> Node:
        start = self.peek().pos
        base = self.name_base()
        sup = None
        if self.is_("char", "_"):
            at = self.take().pos
            sub, _ = self.group_text()
            scalar = base + "_" + re.sub(r"[{}\s]", "", sub)
            if scalar in self.names and not self.is_("char", "_"):  # E_{in}: a scalar's name, no entry
                return self.applied(Name(scalar, None, self.text[start:self.peek().pos].strip(), pos=start))
            raise self.error("an entry (a name with indices) inside a matrix expression: "
                             f"{self.text[start:self.peek().pos].strip()}", at,
                             "write the whole claim in index notation, or in matrix notation without indices")
        node: Node
        if self.is_("char", "^"):
            caret = self.take().pos
            sup, _ = self.group_text()
            sup = re.sub(r"\s+", "", sup)
            if self.is_("char", "_"):
                raise self.error("an entry (a name with indices) inside a matrix expression",
                                 self.peek().pos, "write the whole claim in index notation, or in "
                                                  "matrix notation without indices")
            if _TRANSPOSE.fullmatch(sup):
                return Transpose(Name(base, None, self.text[start:caret].strip(), pos=start), pos=caret)
            layered = re.fullmatch(r"(\[[^\]]*\]|\([^)]*\))\^?(T|\\top|\\intercal)", sup)
            if layered:  # A^{[l-1]T}, W^{[l]^T}: a layer, then the transpose
                node = Name(base, layered.group(1), self.text[start:self.peek().pos].strip(), pos=start)
                return Transpose(node, pos=caret)
        return self.applied(Name(base, sup, self.text[start:self.peek().pos].strip(), pos=start))

    def applied(self, node: Name) -> Node:
        """A name, or the name applied to parentheses right after it (J(\theta), W(x + b)):
        the model stage decides; (…)^T is a factor of its own."""
        if self.is_("char", "("):
            saved = self.at
            arg = self.argument()
            if not (self.is_("char", "^") or self.is_("char", "'")):
                return Applied(node, arg, pos=node.pos)
            self.at = saved
        return node

    def bold(self) -> Node:
        """``\\mathbf{x}`` is the name x; ``\\mathbf{AX}`` the product of bold A and X."""
        start = self.at
        self.take()
        inner, at = self.group_text()
        node = self.sub_parser(inner, at).parse() if inner.strip() else None
        if isinstance(node, Num) and node.value == 1:  # \mathbf{1}: the ones vector, never the number
            return Ones(pos=self.tokens[start].pos)
        if isinstance(node, Num):
            raise self.error(f"\\{self.tokens[start].value}{{{inner.strip()}}}, the vector of "
                             f"{inner.strip()}s, is not read", self.tokens[start].pos,
                             r"write the sum of a matrix's rows as \operatorname{sum}(dZ, axis=1)")
        if node is None or isinstance(node, Name) and node.sup is None:
            self.at = start
            return self.name()
        return node

    def name_base(self) -> str:
        token = self.take()
        if token.kind == "letter":
            return token.value
        if token.kind == "cmd" and token.value in GREEK_HEADS:
            return token.value
        if token.kind == "cmd" and token.value in _BOLD | _DECORATED:
            inner, at = self.group_text()
            sub = self.sub_parser(inner, at)
            base = sub.name_base() if inner.strip() else ""
            if not base or not sub.is_("end"):
                raise self.error(f"\\{token.value}{{{inner}}} is not one name", token.pos,
                                 "decorate one letter: \\hat{y}, \\mathbf{x}")
            if base in GREEK_HEADS and inner.strip().startswith("\\"):
                base = "\\" + base  # \hat{\beta}: the model's name keeps the Greek letter's backslash
            return f"{token.value}{{{base}}}" if token.value in _DECORATED else base
        raise self.error(f"'{token.value}' is not a name", token.pos)

    def argument(self) -> Node:
        if not self.is_("char", "("):
            raise self.error("a function's argument must be in parentheses", self.peek().pos,
                             r"write \sigma(z), \operatorname{tr}(A X B)")
        self.take()
        inner = self.expr()
        self.expect("char", ")", "')'")
        return inner

    def call(self) -> Node:
        token = self.take()
        order = 0
        while self.is_("char", "'"):
            self.take()
            order += 1
        power = self.function_power(token) if not order and self.is_("char", "^") else 1
        if token.value in ("log", "ln", "exp") and not self.is_("char", "(") and power == 1:
            return Call(token.value, order, self.postfix(self.primary()), pos=token.pos)
        return Call({"ln": "log"}.get(token.value, token.value), order, self.argument(), pos=token.pos,
                    power=power)

    def powered_call(self) -> bool:
        """Whether ``\\sigma`` is followed by a superscript and a parenthesis (``\\sigma^2(z)``): a
        power of the call, as in index notation; ``\\sigma^2`` alone stays a name (a variance)."""
        if not self.is_("char", "^", 1):
            return False
        saved = self.at
        self.at += 2
        try:
            self.group_text()
            return self.is_("char", "(") or self.is_("cmd", "left")
        except NotationError:
            return False
        finally:
            self.at = saved

    def function_power(self, function: Token) -> int:
        """The power written on a function before its argument: ``\\tanh^2(z)`` is the square of
        each entry of tanh(z), never tanh(tanh(z)); ``\\tanh^{-1}`` (an inverse) is an error."""
        caret = self.take().pos
        sup, _ = self.group_text()
        sup = re.sub(r"\s+", "", sup)
        if not sup.isdigit() or int(sup) == 0:
            raise self.error(f"the superscript ^{{{sup}}} on \\{function.value} is not read", caret,
                             "a whole-number power of a function is read (\\tanh^2(z), the square of "
                             "each entry); an inverse function or another superscript is not")
        return int(sup)

    def norm(self) -> Node:
        token = self.take()
        closers = {"|": ("char", "|"), "lVert": ("cmd", "rVert"), "Vert": ("cmd", "Vert")}
        kind, value = closers["|" if token.kind == "cmd" and token.value == "|" else token.value] \
            if token.kind == "cmd" else ("char", "|")
        if token.kind == "char":
            raise self.error("a single bar |·| is not read in matrix notation", token.pos,
                             r"write the norm as \|x\|^2 or \lVert x \rVert^2")
        self.norms += 1
        inner = self.expr()
        self.norms -= 1
        if token.value == "|":
            kind, value = "cmd", "|"
        self.expect(kind, value, "the closing bar of the norm")
        return Norm(inner, pos=token.pos)


def parse_matrix(text: str, span: Span, star: str | None = None, names: frozenset[str] = frozenset()) -> Node:
    """Parse one term of a matrix-notation claim (``star``: the block declares what ``*`` is).

    Raises:
        NotationError: at the column of what is not read.
    """
    return MatrixParser(text, span, star, names).parse()


class MatrixTerm(sympy.Function):
    """Stands for a term the index grammar refuses and matrix notation may read: it is no
    symbol and no number, so the checker's first look at a term (a name being defined? plain
    arithmetic?) passes it on to the model stage, which reads it in matrix notation."""

    nargs = 1


def parse_either(text: str, span: Span):
    """:func:`~symbolic.latex.parse.parse_latex`, except that a term it refuses but the matrix
    grammar reads (``\\|r\\|^2``, ``x^T A x``) is a :class:`MatrixTerm`.

    Raises:
        LatexError: the term is read by neither grammar (the index grammar's error).
    """
    try:
        return parse_latex(text, span)
    except LatexError as refused:
        if not matrix_refusal(refused, text):
            raise
        try:
            parse_matrix(text, span)
        except (NotationError, RecursionError):
            raise refused from None
        return RawExpr(MatrixTerm(sympy.Symbol("matrix")), text=text)


MATRIX_MARKS = re.compile(r"\\(?:odot|circ|top|intercal|\||lVert|Vert|mathbf|boldsymbol|bm|vec|bf)(?![A-Za-z])"
                          r"|\\Sigma\s*'|(?<![\\A-Za-z])np\s*\.\s*sum\s*\("
                          r"|\^\s*\{\s*[\[(][^{}]*[\])]\s*\^?\s*(?:T|\\top)\s*\}"  # A^{[l-1]T}: a layer's transpose
                          r"|(?<![\\A-Za-z])[fgh]\s*'*\s*\^\s*\{\s*\[[^{}]*\}\s*'*\s*\("  # g^{[l]'}(Z): Ng's layer
                          r"|(?<![\\A-Za-z])[A-Za-eij-z]\s*'(?!\s*['_^},])|[})]\s*'(?!\s*[('_^])"  # X', (AB)' (not o_{k'})
                          r"|\^\s*\{\s*\[[^{}\]]*\]\s*\(\s*[A-Za-z]\s*\)\s*\}"  # dZ^{[l](i)}: column i
                          r"|\\(?:operatorname|mathrm|text|mbox)\s*\{\s*(?:tr|Tr|trace|diag|softmax|logsumexp|sum)\s*\}")


def matrix_refusal(error: GradproofError, text: str = "") -> bool:
    """Whether the index grammar may have refused a term for matrix notation in it: a transpose,
    a norm, or a mark of matrices in the text (never a term over one of gradproof's limits)."""
    if "GRADPROOF_" in error.message + (error.hint or ""):
        return False
    return ("a transpose" in error.message or "is a norm" in error.message
            or MATRIX_MARKS.search(text) is not None)
