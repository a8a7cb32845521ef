"""LaTeX front end: normalise the notation authors use (:mod:`symbolic.latex_text`),
then parse with latex2sympy2.

Derivatives are cut out before parsing (latex2sympy2 reads few of the forms
people write) and replaced by stand-in letters (:class:`StandIns`); each one's
numerator and denominator are parsed on their own. So is the parenthesised
argument of ``\\sigma(...)`` (latex2sympy2 calls it only on a single letter),
cut out and put back as a call after parsing. The result is a raw SymPy
expression whose symbols are still LaTeX names (``w_{jk}``); giving them
meaning is :mod:`symbolic.resolve`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy

from ..errors import LatexError, Span, one_line
from ..settings import MAX_NESTING
from . import grammar
from .limits import check_numbers, check_text_size
from .markup import excluded_factor, rewrite_markup
from .notation import CALLED, INTERNAL, WHOLE_RANGE
from .brackets import read_bracket_subscripts, read_cases, read_indicators
from .ellipses import check_ellipses
from .window_max import read_window_maxima
from .nested_subscripts import LABELLED_ACCENTED, read_nested_subscripts
from .primes import read_primes
from .text import check_primes, check_superscripts, closing, equals_outside_braces, next_operand, normalise, read_group

_CALL = CALLED  # a registry the model stage fills (see notation.CallRegistry)


@dataclass
class DerivativeSource:
    """``d of / d wrt`` as written; ``of`` is None for the loss (``\\nabla w``)."""

    of: "RawExpr | None"
    wrt: "RawExpr"


@dataclass
class RawExpr:
    """A parsed term: SymPy expression plus the derivatives cut out of it."""

    expr: sympy.Expr
    derivatives: dict[str, DerivativeSource] = field(default_factory=dict)  # by stand-in name
    text: str = ""  # as the author wrote it (all of it if normalising changed this part)


def check_braces(text: str, span: Span) -> None:
    """Raise a LatexError at the exact position of an unbalanced brace."""
    stack: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            i += 2
            continue
        if ch == "{":
            stack.append(i)
        elif ch == "}":
            if not stack:
                raise LatexError("unbalanced '}': nothing to close", span.shifted(text[:i]),
                                 "remove it or add the matching '{'")
            stack.pop()
        i += 1
    if stack:
        raise LatexError("unbalanced '{': it is never closed", span.shifted(text[:stack[-1]]),
                         "add the matching '}'")


_D_PREFIX = re.compile(r"^\s*(\\partial(?![A-Za-z])|d(?![a-zA-Z]{2,}\b)(?=\s|[A-Za-z\\{(]|$))")


def _strip_d(text: str) -> str | None:
    """The rest of ``text`` after a leading ``d`` or ``\\partial``; None if absent."""
    m = _D_PREFIX.match(text)
    if not m:
        return None
    rest = text[m.end():]
    if rest.lstrip().startswith("_"):  # \partial_{expr}: the seed's way of writing the operand
        group, end = read_group(rest.lstrip(), 1)
        return group if not rest.lstrip()[end:].strip() else rest
    return rest.strip()


def _read_mention(s: str, i: int) -> tuple[str, int]:
    """A tensor mention ``w_{jk}`` or a brace group, starting at ``i``."""
    head, j = read_group(s, i)
    m = re.match(r"\s*_", s[j:])
    if m:
        sub, j = read_group(s, j + m.end())
        head = f"{head}_{{{sub}}}"
    return head, j


class StandIns:
    """Letters the author's text does not use, lent out as stand-ins while parsing.

    The grammar is much cheaper on bare letters, and a cut-out derivative, call or
    whole-range bound needs a symbol that nothing the author writes can produce:
    after the parse each letter becomes the name it stands for, and the names of
    cut-out pieces start with a NUL character, which no LaTeX symbol has.
    """

    def __init__(self, text: str):
        used = set(re.sub(r"\\[A-Za-z]+", " ", text))
        self.pool = [c for c in _MASK_POOL if c not in used]
        self.meaning: dict[str, str] = {}  # letter -> symbol name
        self.whole_range = self._lend(WHOLE_RANGE)
        self.factors: dict[sympy.Symbol, sympy.Expr] = {}  # cut-out markup -> what it stands for

    def take(self, meaning: str) -> str | None:
        """A fresh letter for ``meaning``, or None when every letter is in use."""
        if not self.pool:
            return None
        letter = self.pool.pop(0)
        self.meaning[letter] = meaning
        return letter

    def internal(self, kind: str, span: Span | None = None) -> str:
        """A letter standing for a cut-out piece, whose symbol name no author can write."""
        return self._lend(f"{INTERNAL}{kind}{len(self.meaning)}", span)

    def excluding(self, summed: str, excluded: str, span: Span | None = None) -> str:
        """A letter for the factor 1 − δ of a sum written ``\\sum_{k \\neq i}``."""
        letter = self.internal("ne", span)
        self.factors[sympy.Symbol(self.name(letter))] = excluded_factor(summed, excluded)
        return letter

    def _lend(self, name: str, span: Span | None = None) -> str:
        letter = self.take(name)
        if letter is None:
            raise LatexError("too many different symbols and derivatives in one expression "
                             f"(at most {len(_MASK_POOL)})", span,
                             "split the expression into named parts")
        return letter

    def name(self, letter: str) -> str:
        return self.meaning[letter]

    def restore(self, expr: sympy.Basic) -> sympy.Basic:
        """Every stand-in letter of ``expr`` back to the name it stands for."""
        present = expr.free_symbols
        return expr.xreplace({sympy.Symbol(k): sympy.Symbol(v) for k, v in self.meaning.items()
                              if sympy.Symbol(k) in present})


class _Extractor:
    """Cuts derivatives and ``\\sigma(...)`` calls out of a normalised string, parsing their parts."""

    def __init__(self, span: Span, written: str, stand_ins: StandIns):
        self.span = span
        self.written = written  # the author's text, for messages
        self.stand_ins = stand_ins
        self.derivatives: dict[str, DerivativeSource] = {}
        self.calls: dict[sympy.Symbol, sympy.Expr] = {}  # stand-in name -> the call it stands for

    def placeholder(self, of: str | None, wrt: str, following: str) -> str:
        letter = self.stand_ins.internal("d", self.span)
        self.derivatives[self.stand_ins.name(letter)] = DerivativeSource(
            of=None if of is None else self.parse(of), wrt=self.parse(wrt))
        return _bare(letter, following)

    def parse(self, part: str) -> RawExpr:
        """Parse one part of a derivative; its messages quote that part, or all, as written."""
        return parse_normalised(part, self.span, _as_written(part, self.written) or self.written,
                                self.stand_ins)

    def cut_calls(self, s: str) -> str:
        """``\\sigma(arg)`` and ``\\sigma^{p}(arg)`` become a stand-in (``^{p}``); arg is parsed alone.

        Runs after the derivatives are cut out, so an argument holds none but
        their placeholders, which keep their numbers; a call nested in the argument
        is put back by the argument's own parse.
        """
        i = 0
        while True:
            m = _CALL.search(s, i)
            if not m:
                return s
            k, power = m.end(), ""
            sup = re.match(r"\s*\^", s[k:])
            if sup:
                group, k = read_group(s, k + sup.end())
                power = f"^{{{group}}}"
            paren = re.match(r"\s*\(", s[k:])
            close = closing(s, k + paren.end() - 1, "(", ")") if paren else -1
            argument = s[k + paren.end():close] if close >= 0 else ""
            if not argument.strip() or equals_outside_braces(argument):
                i = m.end()  # no call here (or '=' in it, a relation): left to the grammar
                continue
            letter = self.stand_ins.internal("call", self.span)
            self.calls[sympy.Symbol(self.stand_ins.name(letter))] = sympy.Function(
                CALLED[m.group(1)])(self.parse(argument).expr)
            replacement = f" {{{letter}}}{power} "
            s = s[:m.start()] + replacement + s[close + 1:]
            i = m.start() + len(replacement)

    def run(self, s: str) -> str:
        pattern = re.compile(r"\\frac(?![a-zA-Z])|\\nabla(?![a-zA-Z])|\\partial(?![a-zA-Z])")
        i = 0
        while True:
            m = pattern.search(s, i)
            if not m:
                return self.cut_calls(s)
            start, kind = m.start(), m.group(0)
            replacement, end = None, m.end()
            if kind == r"\frac":
                num, k = read_group(s, m.end())
                den, k = read_group(s, k)
                of, wrt = _strip_d(num), _strip_d(den)
                if of is not None and wrt is not None and wrt:
                    if not of.strip():
                        end = next_operand(s, k)
                        of = s[k:end]
                        if not of.strip():
                            raise LatexError("a derivative operator with nothing to differentiate",
                                             self.span, r"write \frac{d}{d a_i} followed by the expression")
                    else:
                        end = k
                    replacement = self.placeholder(of, wrt, s[end:])
            elif kind == r"\nabla":
                sub = re.match(r"\s*_", s[m.end():])
                if sub:
                    wrt, k = read_group(s, m.end() + sub.end())
                    of, end = _read_mention(s, k)
                    arguments = _ARGUMENTS.match(s, end) if re.fullmatch(r"\s*[A-Za-z]\s*", of) else None
                    if arguments:  # \nabla_{\theta} J(\theta): the loss written with its parameters
                        of, end = of + arguments.group(0), arguments.end()
                    if not of.strip() or of.strip() in "=+-":
                        of, end = None, k
                    replacement = self.placeholder(of, wrt, s[end:])
                else:
                    wrt, end = _read_mention(s, m.end())
                    if not wrt.strip():
                        raise LatexError(r"\nabla needs the quantity it differentiates by",
                                         self.span, r"write \nabla w_{jk} or \nabla_{w_{jk}} L")
                    replacement = self.placeholder(None, wrt, s[end:])
            else:  # \partial X / \partial Y
                of, k = _read_mention(s, m.end())
                slash = re.match(r"\s*/\s*\\partial(?![a-zA-Z])", s[k:])
                if slash:
                    wrt, end = _read_mention(s, k + slash.end())
                    replacement = self.placeholder(of, wrt, s[end:])
            if replacement is None:
                i = m.end()
                continue
            s = s[:start] + replacement + s[end:]
            i = start + len(replacement)


# (\theta), (w, b), (\theta_0, \theta_1): a parenthesised list of names
_NAME = r"\s*(?:[A-Za-z]|\\[A-Za-z]+)(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?\s*"
_ARGUMENTS = re.compile(rf"\s*\({_NAME}(?:,{_NAME})*\)")
_MENTION = re.compile(r"(?<![\\A-Za-z])(?<!\}_\{)(\\[A-Za-z]+|[A-Za-z])\s*_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[A-Za-z0-9])")
# Stand-in letters: not d, e, i, p (normalising writes d, e and the p of k_{p} for k'; latex2sympy2
# reads d, e and i specially) nor D, E, I.
_MASK_POOL = "ABCFGHJKLMNOPQRSTUVWXYZabcfghjklmnoqrstuvwxyz"
_CALLED = re.compile(r"\s*(?:\^\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+)\s*)?\(")
_COMMANDS_WITH_SUBSCRIPTS = {r"\sum", r"\prod", r"\int", r"\lim", r"\partial", r"\nabla"}


def _mask_mentions(text: str, stand_ins: StandIns) -> str:
    """Replace each subscripted symbol by a stand-in letter before parsing.

    The grammar is much cheaper on bare letters. A letter followed by ``(``
    is braced, ``{A}(B)``, which latex2sympy2 reads as a product where
    ``A(B)`` would be a call of a function A; elsewhere it stays bare, as a
    function argument must be (``\\sigma(A)`` is a call, ``\\sigma({A})`` is not).
    When the letters run out the rest of the text is parsed as written.
    """
    letters: dict[str, str] = {}

    def mask(m: re.Match) -> str:
        head = m.group(1)
        if head in _COMMANDS_WITH_SUBSCRIPTS or (head.startswith("\\") and len(head) > 1
                                                  and head[1:] in ("mathbb", "mathbf", "text")):
            return m.group(0)
        sub = m.group(2)
        sub = sub[1:-1] if sub.startswith("{") else sub
        name = f"{head.lstrip(chr(92))}_{{{sub.strip()}}}"
        if name not in letters:
            letter = stand_ins.take(name)
            if letter is None:
                return m.group(0)
            letters[name] = letter
        return _masked(letters[name], m)

    masked = _MENTION.sub(mask, LABELLED_ACCENTED.sub(mask, text))
    if re.search(r"(?<![\\A-Za-z])E(?![A-Za-z])", masked):
        letter = stand_ins.take("E")  # latex2sympy2 cannot parse a bare E
        if letter is not None:
            masked = re.sub(r"(?<![\\A-Za-z])E(?![A-Za-z])", lambda m: _masked(letter, m), masked)
    return masked


def _bare(letter: str, following: str) -> str:
    """A stand-in letter, braced if a ``(`` follows so that it is not called."""
    return f" {{{letter}}} " if _CALLED.match(following) else f" {letter} "


def _masked(letter: str, m: re.Match) -> str:
    """``letter`` in place of the match: braced if a ``(`` follows, so it is not called."""
    return _bare(letter, m.string[m.end():])


def parse_normalised(text: str, span: Span, written: str | None, stand_ins: StandIns) -> RawExpr:
    """Parse already-normalised LaTeX, cutting derivatives out first.

    ``written`` is the author's text that ``text`` was normalised from; messages
    and ``RawExpr.text`` quote it, not the normalised form.
    """
    written = (text if written is None else written).strip()
    extractor = _Extractor(span, written, stand_ins)
    stripped = extractor.run(text)
    if not stripped.strip():
        raise LatexError("empty expression", span, "write something on both sides of '='")
    masked = _mask_mentions(" ".join(stripped.split()), stand_ins)
    names = {k: v for k, v in stand_ins.meaning.items() if not v.startswith(INTERNAL)}
    try:
        expr = grammar.parse(masked)
    except RecursionError:
        raise LatexError(MAX_NESTING.exceeded(), span, "split the expression into named parts") from None
    except Exception as exc:  # latex2sympy2 raises bare Exception with a caret diagram
        lines = [ln for ln in str(exc).splitlines() if ln.strip()]
        # without a caret diagram it failed converting what it read: its words are not the author's
        reason = lines[0] if len(lines) >= 3 else "a construct in it is not supported"
        near = ""
        if len(lines) >= 3 and "^" in lines[-1]:
            col = lines[-1].index("^")
            snippet = lines[-2][max(0, col - 8):col + 8]
            for letter, name in names.items():  # show the author's names, not the masks
                snippet = re.sub(rf"(?<![A-Za-z\\]){letter}(?![A-Za-z])", lambda _m, n=name: n, snippet)
            snippet = _as_written(snippet, written)  # None if normalising changed it
            near = f" near '{quoted(snippet, 24)}'" if snippet else ""
        raise LatexError(f"cannot parse '{quoted(written)}': {' '.join(reason.lower().split())}{near}", span,
                         "check the braces, operators and commands of this expression") from None
    if isinstance(expr, sympy.Basic):
        check_numbers(expr, span)  # before anything rebuilds (and so evaluates) the expression
        expr = stand_ins.restore(expr)
        if extractor.calls:
            expr = expr.xreplace(extractor.calls)
        if stand_ins.factors:
            expr = expr.xreplace(stand_ins.factors)
    if isinstance(expr, (list, tuple)) or not isinstance(expr, sympy.Basic):
        raise LatexError(f"'{quoted(written)}' is not a single expression", span,
                         "write one expression per side of '='")
    if isinstance(expr, sympy.core.relational.Relational):
        raise LatexError(f"'{quoted(written)}' contains a comparison", span,
                         "split chains at '=' only; write conditions as \\quad (i = j)")
    return RawExpr(expr, extractor.derivatives, written)


def quoted(text: str, width: int = 60) -> str:
    """``text`` for a one-line message: whitespace folded, long text cut in the middle."""
    text = one_line(text)
    return text if len(text) <= width else f"{text[:width // 2 - 1]} … {text[-(width // 2 - 2):]}"


def _as_written(part: str, written: str) -> str | None:
    """The stretch of ``written`` that reads as ``part`` up to spaces and braces, or None.

    Normalised text differs from the author's (``k_{p}`` for ``k'``, ``\\cdot`` for
    ``*``); messages quote the author, so a part that normalising changed has no stretch.
    """
    keep = [i for i, ch in enumerate(written) if not ch.isspace() and ch not in "{}"]
    target = re.sub(r"[\s{}]", "", part)
    at = "".join(written[i] for i in keep).find(target)
    if not target or at < 0:
        return None
    start, end = keep[at], keep[at + len(target) - 1] + 1

    def depth() -> int:
        return written[start:end].count("{") - written[start:end].count("}")

    while end < len(written) and written[end] in "} " and depth() > 0:
        end += 1  # take back the braces that close the stretch
    while start > 0 and written[start - 1] in "{ " and depth() < 0:
        start -= 1
    return written[start:end].strip()


def parse_latex(text: str, span: Span) -> RawExpr:
    """Parse one side of an equation as written by an author.

    Raises:
        LatexError: at its position, for broken LaTeX or a term over a size limit.
    """
    check_text_size(text, span)
    check_braces(text, span)
    written = text  # error messages quote the author's text, not the rewrites below
    text = read_nested_subscripts(text, span)  # {b_y}_l, (\omega')^l_{m,n}: before the primes
    text, checked = read_primes(text)  # checked: the text with the primes read blanked
    check_superscripts(checked, span)
    check_primes(checked, span)
    text = read_indicators(read_bracket_subscripts(read_cases(text, span), span), span)
    stand_ins = StandIns(text)
    text = read_window_maxima(text, span, stand_ins.internal, written)
    check_ellipses(text, span, written)
    try:
        marked = rewrite_markup(text, span, lambda summed, excluded: stand_ins.excluding(summed, excluded, span))
        normalised = normalise(marked, stand_ins.whole_range)
    except LatexError as err:
        raise err.located(span)
    try:
        return parse_normalised(normalised, span, written, stand_ins)
    except LatexError as err:
        unclosed = _unclosed_parenthesis(written)  # a better message for a parse that failed
        if unclosed is None or not err.message.startswith("cannot parse"):
            raise
        raise LatexError(f"cannot parse '{quoted(written)}': a '(' is never closed",
                         span.shifted(written[:unclosed]), "add the matching ')'") from None


def _unclosed_parenthesis(text: str) -> int | None:
    """The position of a '(' that no ')' closes (``\\left``/``\\right`` delimiters and escaped
    characters aside), or None."""
    stack: list[int] = []
    for m in re.finditer(r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?\s*[()]|\\.|[()]", text):
        if m.group(0) == "(":
            stack.append(m.start())
        elif m.group(0) == ")":
            if not stack:
                return None  # more closing than opening: not this diagnosis
            stack.pop()
    return stack[-1] if stack else None
