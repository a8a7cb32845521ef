"""Index arithmetic in subscripts: offsets and whole-number strides.

``x_{i+m-1}``, ``h_{t-1,k}``, ``\\delta_{t+1}``, ``x_{2i+m}``: a subscript with ``+`` or ``-``
holds one index position per comma (one position in all when it has no comma), and each
position is an affine expression of index letters with whole-number coefficients. Index
letters count from 1 as written, so the written value ``c0 + Σ c_k l_k`` is the 0-based
entry ``c0 + Σ c_k (l_k + 1) - 1``; a block that says ``origin: 0`` counts from 0 (``x_0`` is
the first entry, ``\\sum_{m=0}^{M-1}`` the whole range), and the written value is the entry.

An entry outside its tensor's range is what the block's ``outside:`` key says — ``0`` (a
zero extension: padding, or δ_{T+1} = 0) or ``initial`` (the entries before the first are
leaves: the initial state h_0 of a recurrence). A mention that can leave its range without
such a declaration is an error at its place, never a wrapped or dropped entry.

Sizes may be written as expressions of other sizes (``indices: {i: I - M + 1}``, the
output positions of a valid convolution); the range of a tensor met only through an offset
(``x_{i+m-1}``) is the declared size its positions exactly cover.
"""

from __future__ import annotations

import re

import sympy

from ..errors import NotationError, Span
from .tensors import Network

OFFSET = "@"  # the first character of an index token that is an expression (x_{i+m})
OUTSIDE_KINDS = ("0", "initial")

_TERM = re.compile(r"([+-])?(\d*)([A-Za-z]'*)?")


def split_offset_subscript(name: str) -> list[str] | None:
    """The index tokens of a symbol name whose subscript holds arithmetic (``x_{i+m}`` gives
    ``['@i+m']``, ``h_{t-1,k}`` gives ``['@t-1', 'k']``), or None when it holds none.

    Raises:
        NotationError: a position that is not a sum of whole multiples of index letters.
    """
    sub = _subscript(name)
    if sub is None or not re.search(r"[+*-]", sub):
        return None
    tokens = []
    for position in _split_commas(sub):
        text = re.sub(r"\s+|\\[,;!]|\\ ", "", position)
        if re.fullmatch(r"[A-Za-z]'*", text):
            tokens.append(text)
        elif re.fullmatch(r"\d+", text):
            tokens.append("#" + text)
        else:
            affine(text, name)  # raises for what is not index arithmetic
            tokens.append(OFFSET + text)
    return tokens


def _subscript(name: str) -> str | None:
    from ..latex.nested_subscripts import split_label
    from .superscripts import decode  # the carried superscript is not part of the subscript
    depth = 0
    for pos, ch in enumerate(name):
        depth += (ch == "{") - (ch == "}")
        if ch == "_" and depth == 0:
            sub = name[pos + 1:]
            if sub.startswith("{") and sub.endswith("}"):
                sub = sub[1:-1]
            return split_label(decode(sub)[0])[0]  # a name's own label ({b_y}_l) is no index
    return None


def _split_commas(sub: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for pos, ch in enumerate(sub):
        depth += (ch == "{") - (ch == "}")
        if ch == "," and depth == 0:
            parts.append(sub[start:pos])
            start = pos + 1
    return parts + [sub[start:]]


def affine(text: str, written: str = "") -> tuple[int, dict[str, int]]:
    """``t-1`` as (constant, {letter: coefficient}) = (-1, {t: 1}), as written (1-based).

    Raises:
        NotationError: not a sum of whole multiples of index letters (``si+m``, ``i*m``).
    """
    constant, coefficients, pos = 0, {}, 0
    shown = written or text
    if not text:
        raise NotationError(f"{shown}: an empty index position", hint="write one index per position")
    while pos < len(text):
        m = _TERM.match(text, pos)
        if m is None or m.end() == pos or (pos > 0 and not m.group(1)) or not (m.group(2) or m.group(3)) \
                or (m.group(2) == "1" and m.group(3)):  # h_{t-1k}: a comma left out, not 1·k
            two = re.search(r"[A-Za-z]'*[A-Za-z]|\d[A-Za-z]", text)
            hint = ("a stride must be a whole number here (x_{2i+m}); separate index positions "
                    "with commas (h_{t-1,k})") if two else "write index letters with whole-number " \
                                                         "offsets: x_{i+m-1}, h_{t-1,k}"
            raise NotationError(f"cannot read the index {shown}", hint=hint)
        sign = -1 if m.group(1) == "-" else 1
        number = int(m.group(2)) if m.group(2) else 1
        if m.group(3):
            coefficients[m.group(3)] = coefficients.get(m.group(3), 0) + sign * number
        else:
            constant += sign * number
        pos = m.end()
    return constant, {k: c for k, c in coefficients.items() if c}


def offset_index(token: str, network: Network, letter_symbol) -> sympy.Expr:
    """The 0-based index expression of an offset token (``@t-1`` is ``t - 1``).

    ``letter_symbol`` turns a letter into its index symbol (raising for an undeclared one).
    """
    constant, coefficients = affine(token[1:])
    origin = network.origin  # a letter's written value is its entry + origin
    expr = sympy.Integer(constant - origin)
    for letter, c in coefficients.items():
        if letter not in network.index_ranges and letter in network.index_ranges.values():
            expr += c * size_expr(letter)  # a size as a value: w_{M-m+1}, the flipped kernel
        else:
            expr += c * (letter_symbol(letter) + origin)
    return expr


# -- sizes -----------------------------------------------------------------------------

def size_expr(name: str) -> sympy.Expr:
    """A declared size as an expression of size symbols: ``I - M + 1``, or the symbol ``K``."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return sympy.Symbol(name, integer=True, positive=True)
    expr = sympy.Integer(0)
    for sign, word in re.findall(r"([+-]?)\s*([A-Za-z_][A-Za-z0-9_]*|\d+)", name):
        value = sympy.Integer(int(word)) if word.isdigit() else size_expr(word)
        expr += -value if sign == "-" else value
    return expr


def derived(name: str) -> bool:
    """Whether a size name is an expression of other sizes (``I - M + 1``)."""
    return not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)


def base_sizes(names) -> list[str]:
    """The plain size names behind ``names``, in order: their own and those inside derived ones."""
    out: list[str] = []
    for name in names:
        for symbol in ([name] if not derived(name) else
                       [str(s) for s in sorted(size_expr(name).free_symbols, key=str)]):
            if symbol not in out:
                out.append(symbol)
    return out


def size_names(names: list[str], time: list[str]) -> list[str]:
    """The sizes an assignment gives values to: plain names (with those only inside derived
    ones), then the derived ones; a time range second, so that the rows (2, 3, …) and
    (3, 4, …) unroll a recurrence at T = 3 and T = 4."""
    plain = [n for n in base_sizes(names)]
    for size in reversed([t for t in time if t in plain]):
        plain.remove(size)
        plain.insert(min(1, len(plain)), size)
    return plain + [n for n in names if derived(n)]


def settle_sizes(sizes: dict[str, int], reference: dict[str, int] | None = None) -> dict[str, int]:
    """``sizes`` with every derived size agreeing with the sizes it is written with.

    A derived size whose value differs from ``reference`` (a row's target, or a value a grid
    moved) is reached by moving the first size it grows with (``I`` in ``I - M + 1``);
    otherwise it follows its sizes. Each stays at least 1.
    """
    out = dict(sizes)
    for name in [n for n in sizes if derived(n)]:
        expr = size_expr(name)
        symbols = sorted(expr.free_symbols, key=str)
        grows = [s for s in symbols if expr.coeff(s) > 0]
        if grows and (reference is None or reference.get(name) != out[name]):
            free = grows[0]
            rest = expr.xreplace({s: out[str(s)] for s in symbols if s != free}) - expr.coeff(free) * free
            value, remainder = divmod(out[name] - int(rest), int(expr.coeff(free)))
            if remainder == 0 and value >= 1:
                out[str(free)] = value
        value = int(expr.xreplace({s: out[str(s)] for s in symbols}))
        while value < 1 and grows:
            out[str(grows[0])] += 1
            value = int(expr.xreplace({s: out[str(s)] for s in symbols}))
        out[name] = value
    return out


def span_of(index: sympy.Expr, network: Network) -> tuple[sympy.Expr, sympy.Expr]:
    """The least and greatest 0-based value of an index expression over its letters' ranges."""
    low = high = sympy.Integer(0)
    letters = [s for s in index.free_symbols if not s.is_positive]  # sizes are positive symbols
    for symbol in letters:
        c = index.coeff(symbol)
        top = size_expr(network.index_ranges[str(symbol).rstrip("'")]) - 1
        low, high = (low + c * top, high) if c < 0 else (low, high + c * top)
    constant = index.xreplace({s: 0 for s in letters})
    return low + constant, high + constant


def inferred_range(token: str, index: sympy.Expr, name: str, network: Network) -> str | None:
    """The range of a new tensor's position met as ``token``: the declared size its values
    exactly cover (``x_{i+m-1}`` with i over I - M + 1 and m over M covers 1..I); for a name
    with a zero extension (``outside: {x: 0}``) that covers none, the range of its first
    letter (``x_{i+m-2}`` runs over i's range: a "same" convolution). Else None."""
    if name in network.outside:
        covered = inferred_range(token, index, "", network)
        letters = affine(token[1:])[1]
        first = next((k for k in letters if k in network.index_ranges), None)
        return covered or (network.index_ranges[first] if first else None)
    low, high = span_of(index, network)
    if sympy.simplify(low) != 0:
        return None
    declared = list(dict.fromkeys(network.index_ranges.values()))
    for name in base_sizes(declared) + declared:
        if sympy.simplify(size_expr(name) - (high + 1)) == 0:
            return name
    return None


def check_in_range(tensor, position: int, index: sympy.Expr, network: Network, span: Span | None,
                   written: str) -> None:
    """Raise unless ``index`` stays within the range of ``tensor``'s position for every size,
    or the block declares what lies outside it."""
    if tensor.name in network.outside:
        return
    low, high = span_of(index, network)
    top = size_expr(tensor.ranges[position]) - 1
    below, above = sympy.simplify(low).is_nonnegative, sympy.simplify(top - high).is_nonnegative
    if below and above:
        return
    side = "before the first" if not below else "past the last"
    first = network.origin
    shown = tensor.ranges[position] if first == 1 else f"{tensor.ranges[position]} - 1"
    raise NotationError(f"{written} can reach {side} entry of {tensor} (its range is "
                        f"{first}..{shown})", span,
                        f"say what lies outside: outside: {{{tensor.name}: 0}} for a zero extension "
                        f"(padding), outside: {{{tensor.name}: initial}} for an initial state such "
                        "as h_0; indices count from 1 (a valid correlation reads x_{i+m-1} with "
                        "i over I - M + 1) unless the block says origin: 0")


def has_offsets(network: Network) -> bool:
    """Whether any definition of ``network`` indexes a tensor with arithmetic."""
    return any(offset_entries(d.expr) for d in network.definitions)


def offset_entries(expr) -> list[sympy.Indexed]:
    return [e for e in expr.atoms(sympy.Indexed) if any(not i.is_Symbol and not i.is_Integer
                                                        for i in e.indices)]


def read_origin(value, span: Span | None) -> int:
    """The block's ``origin:``, the written index of a range's first entry: 1 (the default) or 0.

    Raises:
        ModelError: any other value.
    """
    from ..errors import ModelError
    if value is None:
        return 1
    if str(value).strip() not in ("0", "1"):
        raise ModelError(f"origin: {value} is neither 0 nor 1", span,
                         "origin: 0 when indices count from 0 (x_0 is the first entry), else leave it out")
    return int(str(value).strip())


def read_outside(value, span: Span | None) -> dict[str, str]:
    """The block's ``outside: {x: 0, h: initial}``."""
    from ..errors import ModelError
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ModelError("outside must map names to 0 or initial", span,
                         "write outside: {x: 0, h: initial}")
    out = {}
    for name, kind in value.items():
        kind = str(kind).strip()
        if kind not in OUTSIDE_KINDS:
            raise ModelError(f"outside: {name}: {kind} is neither 0 nor initial", span,
                             "0: entries outside the range are zero (padding); initial: they "
                             "are leaves, the initial state (h_0)")
        out[str(name).lstrip("\\")] = kind
    return out


# -- the diagnosis: the kernel flipped ----------------------------------------------------

def flipped_kernel(network: Network) -> tuple[str, Network] | None:
    """The model with its convolution kernel flipped (w_m read as w_{M+1-m}), with what that
    variant is ("holds for correlation, not convolution (kernel flipped)"); None when no
    definition slides a summed kernel index along another index (x_{i+m-1}, a_{i-m})."""
    import dataclasses
    kernel_letters, signs = set(), set()
    for d in network.definitions:
        bound = {lim[0] for s in d.expr.atoms(sympy.Sum) for lim in s.limits}
        for e in offset_entries(d.expr):
            for index in e.indices:
                letters = [s for s in index.free_symbols if not s.is_positive]
                for m in set(letters) & bound:
                    if len(letters) > 1:
                        kernel_letters.add(m)
                        signs.add(int(sympy.sign(index.coeff(m))))
    if not kernel_letters or len(signs) != 1:
        return None
    ranges = {network.index_ranges[str(m).rstrip("'")] for m in kernel_letters}
    kernels = {e.base for d in network.definitions for e in d.expr.atoms(sympy.Indexed)
               if any(i in kernel_letters for i in e.indices)
               and network.tensors.get(e.base.label.name) in network.leaves}
    if not kernels:
        return None

    def flip(e: sympy.Indexed):
        tensor = network.tensors[e.base.label.name]
        return e.base[tuple(size_expr(r) - 1 - i if r in ranges else i
                            for i, r in zip(e.indices, tensor.ranges))]

    definitions = tuple(dataclasses.replace(d, expr=d.expr.replace(
        lambda a: isinstance(a, sympy.Indexed) and a.base in kernels, flip)) for d in network.definitions)
    model, other = ("correlation", "convolution") if signs == {1} else ("convolution", "correlation")
    return (f"holds for {other}, not {model} (kernel flipped)",
            dataclasses.replace(network, definitions=definitions))


def written_index(index: sympy.Expr) -> str:
    """An index expression as the author writes it, counting from 1: the 0-based ``t - 1``
    (the entry before t) is ``t-1``, ``i + m`` is ``i+m-1``, ``M - m - 1`` is ``M-m+1``."""
    letters = [s for s in index.free_symbols if not s.is_positive]
    written = sympy.expand(index + 1 - sum(index.coeff(s) for s in letters))
    text = ""
    for symbol in sorted(written.free_symbols, key=lambda s: (not s.is_positive, str(s))):
        c = int(written.coeff(symbol))
        sign = "-" if c < 0 else "+"
        text += sign + (str(abs(c)) if abs(c) != 1 else "") + str(symbol)
    constant = int(written.xreplace({s: 0 for s in written.free_symbols}))
    text += f"{constant:+d}" if constant else ""
    return text.lstrip("+") or "0"


def with_time_superscript(mention, network: Network, read_label=None):
    r"""``h^{(t-1)}_j`` as ``h_{t-1,j}``: a bracketed superscript with arithmetic on index letters
    of the block is the first index (as ``x^{(i)}_j`` is ``x_{ij}``); any other mention as is.
    ``read_label`` moves an index label into the indices (``{\gamma_t}^{(k-1)}_i``)."""
    import dataclasses
    sup = mention.sup or ""
    inner = re.sub(r"\s+", "", sup[1:-1]) if sup[:1] in "([" and sup[-1:] in ")]" else ""
    if not re.search(r"[+-]", inner):
        return mention
    try:
        _constant, letters = affine(inner)
    except NotationError:
        return mention
    if not letters or not all(k in network.index_ranges for k in letters):
        return mention
    if mention.label and set(re.findall(r"[A-Za-z]", mention.label)) & set(network.index_ranges):
        # {\gamma_t}^{(k-1)}_i: the label's index goes after the step, as \gamma_t^{(k)} reads
        # it (step, label, subscript); the label read first, the step put before it below
        if read_label is None:
            return mention
        mention = read_label(mention)
    return dataclasses.replace(mention, name=mention.base, tokens=[OFFSET + inner, *mention.tokens],
                               sup=None)
