"""Seeded semantic mutants of a true claim's LaTeX, each a complete note.

A small scanner finds the edit sites of a term as written (products, sums, signs,
subscripts, names, numbers); operators pick one site with a seeded generator. Every
mutant records the terms it means, so the evaluator judges what was written on purpose.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .claims import BaseClaim, Chain

SPACING = ("\\,", "\\;", "\\:", "\\!", "\\ ", "\\quad", "\\qquad", "\\cdot", "\\times", "*", "~")
FUNCTIONS = ("\\tanh", "\\sigma", "\\log", "\\ln", "\\exp")
GREEK_NAMES = ("delta", "sigma", "alpha", "beta", "gamma", "eta", "theta", "lambda", "mu", "phi")
OPEN = {"(": ")", "[": "]", "{": "}"}


@dataclass
class Atom:
    """A factor as written: where it is and whether it operates on what follows."""

    start: int
    end: int
    kind: str  # 'value' | 'op' (\sum_k, \frac{d}{d a_i}) | 'derivative' (kept whole)


@dataclass
class Sites:
    """Every edit site of one term."""

    products: list[list[Atom]] = field(default_factory=list)  # factors of one product
    sums: list[list[tuple[int, int]]] = field(default_factory=list)  # summands (sign included)
    signs: list[int] = field(default_factory=list)  # offsets of a binary or leading '+'/'-'


def _group_end(s: str, i: int) -> int:
    """The offset after the group opening at s[i] ('(', '[', '{' or '\\left')."""
    depth, j = 0, i
    while j < len(s):
        if s.startswith("\\left", j):
            depth, j = depth + 1, j + 6
            continue
        if s.startswith("\\right", j):
            depth, j = depth - 1, j + 7
            if depth == 0:
                return j
            continue
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return len(s)


def _skip_space(s: str, i: int) -> int:
    while i < len(s) and s[i].isspace():
        i += 1
    return i


def _script_end(s: str, i: int) -> int:
    """After a base at i-1: skip primes, '_x', '_{..}', '^x', '^{..}' (any order)."""
    while True:
        j = _skip_space(s, i)
        if j < len(s) and s[j] == "'":
            i = j + 1
        elif j < len(s) and s[j] in "_^":
            k = _skip_space(s, j + 1)
            if k < len(s) and s[k] == "{":
                i = _group_end(s, k)
            elif k < len(s) and s[k] == "\\":
                m = re.match(r"\\[A-Za-z]+|\\.", s[k:])
                i = k + (len(m.group()) if m else 1)
            else:
                i = k + 1
        else:
            return i


def _is_derivative_fraction(num: str) -> bool:
    return bool(re.match(r"\s*(\\partial|d(?![A-Za-z]))", num))


class Scanner:
    """Finds products, sums and signs of a term; derivative fractions are kept whole."""

    def __init__(self, s: str):
        self.s = s
        self.sites = Sites()

    def scan(self) -> Sites:
        self._sum(0, len(self.s))
        return self.sites

    def _sum(self, i: int, end: int) -> None:
        s = self.s
        summands: list[tuple[int, int]] = []
        product: list[Atom] = []
        start = i
        while True:
            i = _skip_space(s, i)
            if i >= end:
                break
            if s[i] in "+-":
                if product or i == start or not s[start:i].strip():
                    self.sites.signs.append(i)
                if product:
                    summands.append((start, i))
                    self._product(product)
                    product = []
                    start = i
                i += 1
                continue
            spacing = next((sp for sp in SPACING if s.startswith(sp, i)
                            and not (sp[1:].isalpha() and s[i + len(sp):i + len(sp) + 1].isalpha())),
                           None)
            if spacing:
                i += len(spacing)
                continue
            atom = self._atom(i, end)
            if atom is None:  # something this scanner does not model: leave the term alone
                return
            product.append(atom)
            i = atom.end
        if product:
            summands.append((start, end))
            self._product(product)
        if len(summands) >= 2:
            self.sites.sums.append([(a, self._trim(a, b)) for a, b in summands])

    def _trim(self, a: int, b: int) -> int:
        while b > a and self.s[b - 1].isspace():
            b -= 1
        return b

    def _product(self, atoms: list[Atom]) -> None:
        if len(atoms) >= 2:
            self.sites.products.append(atoms)

    def _atom(self, i: int, end: int) -> Atom | None:
        s = self.s
        if s.startswith("\\left", i) or s[i] in "([":
            close = _group_end(s, i)
            inner_start = i + (6 if s.startswith("\\left", i) else 1)
            inner_end = close - (7 if s[:close].endswith(("\\right)", "\\right]", "\\right.")) else 1)
            self._sum(inner_start, inner_end)
            return Atom(i, _script_end(s, close), "value")
        if s[i] == "{":
            close = _group_end(s, i)
            self._sum(i + 1, close - 1)
            return Atom(i, _script_end(s, close), "value")
        if s.startswith("\\frac", i):
            j = _skip_space(s, i + 5)
            if j >= len(s) or s[j] != "{":
                return None
            num_end = _group_end(s, j)
            k = _skip_space(s, num_end)
            if k >= len(s) or s[k] != "{":
                return None
            den_end = _group_end(s, k)
            num = s[j + 1:num_end - 1]
            if _is_derivative_fraction(num):
                bare = re.fullmatch(r"\s*(\\partial|d)\s*", num) is not None
                return Atom(i, den_end, "op" if bare else "derivative")
            self._sum(j + 1, num_end - 1)
            self._sum(k + 1, den_end - 1)
            return Atom(i, _script_end(s, den_end), "value")
        if s.startswith("\\sum", i):
            j = i + 4
            j = _skip_space(s, j)
            if s.startswith("\\limits", j):
                j += 7
            return Atom(i, _script_end(s, j), "op")
        if s.startswith("\\nabla", i):
            j = _script_end(s, i + 6)
            k = _skip_space(s, j)
            if k < len(s) and s[k] == "{":
                return Atom(i, _group_end(s, k), "derivative")
            m = re.match(r"\\?[A-Za-z]+", s[k:])
            return Atom(i, _script_end(s, k + len(m.group())) if m else j, "derivative")
        if s.startswith("\\partial", i):
            return None
        func = next((f for f in FUNCTIONS if s.startswith(f, i) and not s[i + len(f):i + len(f) + 1].isalpha()),
                    None)
        if func:
            j = _skip_space(s, i + len(func))
            if j < len(s) and (s[j] in "([{" or s.startswith("\\left", j)):
                return Atom(i, _script_end(s, _group_end(s, j)), "value")
            arg = self._atom(j, end) if j < end else None
            return Atom(i, arg.end, "value") if arg else None
        m = re.match(r"\\[A-Za-z]+", s[i:])
        if m:
            if m.group()[1:] not in GREEK_NAMES:
                return None
            return Atom(i, _script_end(s, i + len(m.group())), "value")
        m = re.match(r"\d+(\.\d+)?|[A-Za-z]", s[i:])
        if m:
            return Atom(i, _script_end(s, i + len(m.group())), "value")
        return None


def sites(term: str) -> Sites:
    return Scanner(term).scan()


# -- operators -------------------------------------------------------------------------------
# Each takes (claim, chain, rng) and returns (new chain, short description) or None.

SUBSCRIPT_RE = re.compile(r"_\s*\{([^{}]*)\}|_\s*([A-Za-z]'*)")
NAME_RE = re.compile(r"(?<![\\A-Za-z])(\\[A-Za-z]+|[A-Za-z])(?=\s*(_|\^|[^A-Za-z]|$))")
NUMBER_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?!\s*_)")
EXPONENT_RE = re.compile(r"\^\s*(\{\s*(\d+)\s*\}|(\d))")


def _pick_term(chain: Chain, rng: random.Random) -> int:
    return rng.randrange(len(chain.spans))


def sign_flip(claim, chain, rng):
    """Flip one '+'/'-', or add or remove a leading minus."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    found = sites(t).signs
    options = [("flip", p) for p in found] + [("lead", None)]
    how, p = rng.choice(options)
    if how == "flip":
        new = t[:p] + ("-" if t[p] == "+" else "+") + t[p + 1:]
        if p == len(t) - len(t.lstrip()) and t[p] == "-":  # a leading minus: drop it instead
            new = t[:p] + t[p + 1:]
        return chain.replace(k, new), f"term {k}: sign at {p}"
    if t.lstrip().startswith("-"):
        p = t.index("-")
        return chain.replace(k, t[:p] + t[p + 1:]), f"term {k}: leading minus removed"
    return chain.replace(k, "-" + t if not sites(t).sums else f"-({t})"), f"term {k}: negated"


def drop_factor(claim, chain, rng):
    """Drop one factor of a product."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    options = [a for p in sites(t).products for a in p if a.kind != "op"
               and sum(b.kind != "op" for b in p) >= 2]
    if not options:
        return None
    a = rng.choice(options)
    return chain.replace(k, (t[:a.start] + " " + t[a.end:]).strip()), f"term {k}: dropped {t[a.start:a.end]}"


def drop_term(claim, chain, rng):
    """Drop one summand (with its sign)."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    options = [(n, group) for group in sites(t).sums for n in range(len(group))]
    if not options:
        return None
    n, group = rng.choice(options)
    a, b = group[n]
    rest = t[b:]
    if n == 0:
        rest = rest.lstrip()
        rest = rest[1:] if rest.startswith("+") else rest
    return chain.replace(k, (t[:a] + rest).strip() or "0"), f"term {k}: dropped {t[a:b]}"


def swap_indices(claim, chain, rng):
    """Swap the two indices of a two-index subscript, or replace one index letter by another."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    subs = list(SUBSCRIPT_RE.finditer(t))
    if not subs:
        return None
    m = rng.choice(subs)
    body = m.group(1) if m.group(1) is not None else m.group(2)
    letters = re.findall(r"[A-Za-z]'*", body)
    if len(letters) == 2 and re.fullmatch(r"\s*[A-Za-z]'*\s*,?\s*[A-Za-z]'*\s*", body) and rng.random() < 0.5:
        new_body = letters[1] + letters[0] if "," not in body else f"{letters[1]},{letters[0]}"
        what = "swapped"
    else:
        if not letters:
            return None
        old = rng.choice(letters)
        others = [x for x in claim.indices if x != old.rstrip("'")]
        if not others:
            return None
        new = rng.choice(others)
        new_body = re.sub(rf"(?<![A-Za-z]){re.escape(old)}(?!')", new, body, count=1)
        what = f"{old}->{new}"
    new_sub = "_{" + new_body + "}"
    return chain.replace(k, t[:m.start()] + new_sub + t[m.end():]), f"term {k}: {m.group()} {what}"


def _name_sites(claim: BaseClaim, t: str):
    """(start, end, name, ranges or None) for every mention of a context tensor."""
    out = []
    for m in NAME_RE.finditer(t):
        written = m.group(1)
        name = written.lstrip("\\")
        if name not in claim.names:
            continue
        after = t[m.end():]
        sub = re.match(r"\s*_\s*(\{[^{}]*\}|[A-Za-z]'*)", after)
        if written in ("d", "e") and not sub:  # the d of d/da, the e of e^{x}
            continue
        letters = re.findall(r"[A-Za-z]'*", sub.group(1)) if sub else []
        ranges = tuple(claim.indices.get(x.rstrip("'")) for x in letters)
        out.append((m.start(), m.end(), name, ranges))
    return out


def rename_tensor(claim, chain, rng):
    """Replace a tensor's name by another name of the context with the same shape."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    options = []
    for a, b, name, ranges in _name_sites(claim, t):
        same = [n for n, shapes in claim.names.items() if n != name and ranges in shapes]
        options += [(a, b, name, n) for n in same]
    if not options:
        return None
    a, b, old, new = rng.choice(options)
    written = "\\" + new if new in GREEK_NAMES else new
    return chain.replace(k, t[:a] + written + t[b:]), f"term {k}: {old}->{new}"


def change_constant(claim, chain, rng):
    """Change a number or an exponent (1/2 -> 1/3, ^2 -> ^3, 0.5 -> 0.6)."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    options = [("num", m) for m in NUMBER_RE.finditer(t) if not _in_subscript(t, m.start())]
    options += [("exp", m) for m in EXPONENT_RE.finditer(t)]
    if not options:
        return None
    kind, m = rng.choice(options)
    if kind == "exp":
        value = int(m.group(2) or m.group(3))
        new = t[:m.start()] + "^{" + str(value + rng.choice((1, -1 if value > 2 else 1))) + "}" + t[m.end():]
        return chain.replace(k, new), f"term {k}: exponent {value}"
    text = m.group(1)
    if "." in text:
        digit = int(text[-1])
        changed = text[:-1] + str((digit + rng.randint(1, 9)) % 10)
    else:
        changed = str(int(text) + rng.choice((1, 2)))
    return chain.replace(k, t[:m.start()] + changed + t[m.end():]), f"term {k}: {text}->{changed}"


def _in_subscript(t: str, i: int) -> bool:
    return any(m.start() <= i < m.end() for m in SUBSCRIPT_RE.finditer(t)) or \
        any(m.start() <= i < m.end() for m in re.finditer(r"\^\s*\{[^{}]*\}", t))


FOLDED = ("0", "1", "\\frac{1}{2}", "42")


def fold_number(claim, chain, rng):
    """A last step that folds the chain to a number."""
    n = rng.choice(FOLDED)
    return chain.append(n), f"= {n}"


def _symbols(claim: BaseClaim, t: str) -> list[str]:
    """Mentions of context tensors in t, as written (h_j, w_{jk}, p)."""
    out = []
    for a, b, name, ranges in _name_sites(claim, t):
        sub = re.match(r"\s*_\s*(\{[^{}]*\}|[A-Za-z]'*)", t[b:])
        out.append(t[a:b] + (sub.group() if sub else ""))
    return [" ".join(x.split()) for x in out]


def _wrapped(t: str) -> str:
    return f"\\left({t}\\right)" if sites(t).sums or t.lstrip().startswith("-") else t


def fold_to_zero(claim, chain, rng):
    """A last step '(a - a) T' with T the last term and a a symbol of the claim (it is 0)."""
    last = chain.terms[-1]
    symbols = _symbols(claim, " ".join(chain.terms)) or ["1"]
    a = rng.choice(symbols)
    if rng.random() < 0.5:
        return chain.append(f"({a} - {a}) {_wrapped(last)}"), f"= ({a} - {a}) T"
    return chain.append(f"{_wrapped(last)} - {_wrapped(last)}"), "= T - T"


def factor_suffix(claim, chain, rng):
    """A factor '\\,(2)' or '\\,(y)' written after the last term."""
    last = chain.terms[-1]
    symbols = _symbols(claim, last) or ["2"]
    factor = rng.choice(["2", "3", rng.choice(symbols)])
    space = rng.choice(["\\,", "\\,", "\\;", " ", ""])
    new = chain.replace(len(chain.spans) - 1, f"{last} {space}({factor})".replace("  ", " "))
    if rng.random() < 0.5:  # without a \tag, '(2)' is where a label could be looked for
        return new.untagged(), f"suffix {space}({factor}), untagged"
    return new, f"suffix {space}({factor})"


NEQ = "\\neq"


def change_condition(claim, chain, rng):
    """Flip a condition (= and \\neq), drop it, or add one to a claim with two free indices."""
    free = sorted({x.rstrip("'") for t in chain.terms for x in re.findall(r"_\s*\{?\s*([a-z])", t)})
    if chain.condition:
        m = re.match(r"\s*([a-z]'*)\s*(=|\\neq)\s*([a-z]'*)\s*$", chain.condition)
        if m is None:
            return None
        a, op, b = m.groups()
        how = rng.choice(["flip", "flip", "drop"])
        if how == "drop":
            return chain.conditioned(None, ""), "condition dropped"
        new = f"{a} {NEQ if op == '=' else '='} {b}"
    else:
        if len(free) < 2:
            return None
        a, b = rng.sample(free, 2)
        new = f"{a} {rng.choice(['=', NEQ])} {b}"
    written = rng.choice([f" \\quad ({new})", f" \\quad \\text{{for }} {new}", f" \\quad \\text{{if }} {new}"])
    return chain.conditioned(new, written), f"condition {new}"


def size_trap(claim, chain, rng):
    """A last step T (1 + (X - a)(Y - b)) with X, Y sizes written as sums of 1: false at size 4."""
    letters = sorted(claim.indices)
    x, y = rng.choice(letters), rng.choice(letters)
    a, b = rng.choice((2, 3)), rng.choice((2, 3))
    last = _wrapped(chain.terms[-1])
    trap = f"\\left(1 + (\\sum_{{{x}''}} 1 - {a})(\\sum_{{{y}''}} 1 - {b})\\right)"
    return chain.append(f"{last} {trap}"), f"= T (1 + (|{x}| - {a})(|{y}| - {b}))"


FUNCTION_SWAPS = [("\\log", "\\ln"), ("\\ln", "\\log"), ("\\tanh", "\\sigma"), ("\\sigma", "\\tanh")]


def rewrite_notation(claim, chain, rng):
    """e^{X} as \\exp(X), \\log as \\ln, \\tanh as \\sigma, or a bound index renamed."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    options = [("exp", m) for m in re.finditer(r"e\^\{([^{}]*)\}", t)]
    options += [("func", (a, b)) for a, b in FUNCTION_SWAPS if re.search(re.escape(a) + r"(?![A-Za-z])", t)]
    options += [("bound", m) for m in re.finditer(r"\\sum(?:\s*\\limits)?\s*_\s*\{?\s*([a-z])('*)\s*\}?", t)]
    if not options:
        return None
    kind, m = rng.choice(options)
    if kind == "exp":
        return chain.replace(k, t[:m.start()] + f"\\exp({m.group(1)})" + t[m.end():]), "e^{} -> \\exp()"
    if kind == "func":
        a, b = m
        return chain.replace(k, re.sub(re.escape(a) + r"(?![A-Za-z])", lambda _: b, t, count=1)), f"{a} -> {b}"
    letter = m.group(1) + m.group(2)
    new = letter + "'" if rng.random() < 0.7 else rng.choice(sorted(claim.indices))
    def subscript(sub: re.Match) -> str:  # every index token of every later subscript
        body = sub.group(1) if sub.group(1) is not None else sub.group(2)
        return "_{" + re.sub(rf"(?<![A-Za-z]){re.escape(letter)}(?!')", new, body) + "}"

    renamed = SUBSCRIPT_RE.sub(subscript, t[m.start():])
    return chain.replace(k, t[:m.start()] + renamed), f"bound {letter} -> {new}"


# Rewrites that keep the claim true: they make FALSE_REJECT visible.

def commute(claim, chain, rng):
    """Swap two adjacent factors (both plain values) of a product."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    pairs = [(p[n], p[n + 1]) for p in sites(t).products for n in range(len(p) - 1)
             if p[n].kind == p[n + 1].kind == "value"]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    new = t[:a.start] + t[b.start:b.end] + t[a.end:b.start] + t[a.start:a.end] + t[b.end:]
    return chain.replace(k, new), f"term {k}: commuted {t[a.start:a.end]} {t[b.start:b.end]}"


DELTA_RE = re.compile(r"\\delta_\{([a-z]'*)\s*,?\s*([a-z]'*)\}|1_\{([a-z]'*)\s*,?\s*([a-z]'*)\}"
                      r"|\[\s*([a-z]'*)\s*=\s*([a-z]'*)\s*\]")


def delta_form(claim, chain, rng):
    """Write a Kronecker delta another way (1_{ij}, \\delta_{ij}, [i = j]), or with swapped letters."""
    k = _pick_term(chain, rng)
    t = chain.terms[k]
    found = list(DELTA_RE.finditer(t))
    if "delta" in claim.names:  # the context has a tensor delta: \delta_{ij} is not a delta there
        found = [m for m in found if not m.group().startswith("\\delta")]
    if not found:
        return None
    m = rng.choice(found)
    a, b = [g for g in m.groups() if g is not None]
    if rng.random() < 0.5:
        a, b = b, a
    forms = [f"1_{{{a}{b}}}", f"[{a} = {b}]"] + ([] if "delta" in claim.names else [f"\\delta_{{{a}{b}}}"])
    new = rng.choice(forms)
    return chain.replace(k, t[:m.start()] + new + t[m.end():]), f"term {k}: {m.group()}->{new}"


def repeat_last(claim, chain, rng):
    """A last step that repeats the last term with its factors commuted (true)."""
    last = chain.terms[-1]
    step = Chain("$$" + last + "$$", [(2, 2 + len(last))])
    moved = commute(claim, step, rng)
    return chain.append(moved[0].terms[0] if moved else last), "= T again"


OPERATORS = {
    "sign_flip": sign_flip, "drop_factor": drop_factor, "drop_term": drop_term,
    "swap_indices": swap_indices, "rename_tensor": rename_tensor, "change_constant": change_constant,
    "fold_number": fold_number, "fold_to_zero": fold_to_zero, "factor_suffix": factor_suffix,
    "commute": commute, "delta_form": delta_form, "repeat_last": repeat_last,
    "change_condition": change_condition, "size_trap": size_trap, "rewrite_notation": rewrite_notation,
}
WEIGHTS = {"sign_flip": 3, "drop_factor": 3, "drop_term": 2, "swap_indices": 3, "rename_tensor": 3,
           "change_constant": 2, "fold_number": 2, "fold_to_zero": 1, "factor_suffix": 2,
           "commute": 2, "delta_form": 1, "repeat_last": 1, "change_condition": 1, "size_trap": 1,
           "rewrite_notation": 2}


@dataclass
class Mutant:
    """One mutated claim as a complete note, with the terms it means."""

    base: str
    seed: int
    operators: list[str]
    edits: list[str]
    prefix: str
    chain: Chain

    @property
    def terms(self) -> list[str]:
        return self.chain.terms

    @property
    def condition(self) -> str | None:
        return self.chain.condition

    @property
    def text(self) -> str:
        return self.prefix + "\n" + self.chain.display + "\n"


def mutate(claim: BaseClaim, seed: int, *, operator: str | None = None, order: int | None = None) -> Mutant | None:
    """The mutant of ``claim`` for ``seed``: one operator, sometimes two; None if none applies."""
    rng = random.Random(f"{claim.name}#{seed}")
    order = order or (2 if rng.random() < 0.3 else 1)
    names = list(OPERATORS)
    chain, used, edits = claim.chain, [], []
    for _ in range(order):
        for _attempt in range(8):
            name = operator or rng.choices(names, [WEIGHTS[n] for n in names])[0]
            result = OPERATORS[name](claim, chain, rng)
            if result is not None and result[0].display != chain.display:
                chain = result[0]
                used.append(name)
                edits.append(result[1])
                break
    if not used:
        return None
    return Mutant(claim.name, seed, used, edits, claim.prefix, chain)


def mutants(claims: list[BaseClaim], seeds: range, *, unique: bool = True) -> list[Mutant]:
    """Mutants of every claim for every seed; with ``unique``, each note text once."""
    seen: set[str] = set()
    out = []
    for claim in claims:
        for seed in seeds:
            m = mutate(claim, seed)
            if m is None or (unique and m.text in seen):
                continue
            seen.add(m.text)
            out.append(m)
    return out
