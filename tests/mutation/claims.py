"""The true claims of the bundled notes, each with the note text it needs to stand alone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import NOTE_GLOBS, ROOT, ChainSource, ContextSource, Verdict, api, parse_note
from .evaluator import Truth, context_of, evaluate


@dataclass
class Chain:
    """A display with the positions of its terms: what a mutation edits."""

    display: str  # '$$ ... $$' as it will appear in the note
    spans: list[tuple[int, int]]  # where each term is in display
    condition: str | None = None

    @property
    def terms(self) -> list[str]:
        return [self.display[a:b] for a, b in self.spans]

    def replace(self, k: int, text: str) -> "Chain":
        """The chain with term k rewritten (later positions shift)."""
        a, b = self.spans[k]
        shift = len(text) - (b - a)
        spans = [s if i < k else (a, a + len(text)) if i == k else (s[0] + shift, s[1] + shift)
                 for i, s in enumerate(self.spans)]
        return Chain(self.display[:a] + text + self.display[b:], spans, self.condition)

    def untagged(self) -> "Chain":
        """The chain with its \\tag{...} removed, so that nothing after the last term is a tag."""
        m = re.search(r"\s*\\tag\*?\{[^{}]*\}", self.display)
        if m is None or m.start() < self.spans[-1][1]:
            return self
        return Chain(self.display[:m.start()] + self.display[m.end():], list(self.spans), self.condition)

    def conditioned(self, condition: str | None, written: str) -> "Chain":
        """The chain with its condition replaced (``written`` is how the new one is written)."""
        end = self.spans[-1][1]
        tail = self.display[end:]
        tag = re.search(r"\\tag\*?\{[^{}]*\}", tail)
        rest = tail[tag.start():] if tag else tail[tail.rfind("$$"):]
        return Chain(self.display[:end] + written + " " + rest, list(self.spans), condition)

    def append(self, text: str) -> "Chain":
        """The chain with one more step ``= text`` after its last term."""
        end = self.spans[-1][1]
        insert = " = " + text
        display = self.display[:end] + insert + self.display[end:]
        return Chain(display, self.spans + [(end + 3, end + len(insert))], self.condition)


@dataclass
class BaseClaim:
    """A claim (or a run of true steps of a refuted one) that gradproof and floats both hold true."""

    name: str
    prefix: str  # the derivation block and the claim-defined names before the claim
    chain: Chain
    verdict: str  # gradproof's verdict on the original
    names: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # tensor -> shapes
    indices: dict[str, str] = field(default_factory=dict)  # index letter -> range


def _offsets(text: str):
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return lambda span: starts[span.line - 1] + span.column - 1


def _fresh_display(terms: list[str], condition: str | None, label: str | None) -> Chain:
    """A new '$$ ... $$' for terms taken out of a longer chain."""
    display, spans = "$$", []
    for k, t in enumerate(terms):
        display += "" if k == 0 else "\n= "
        spans.append((len(display), len(display) + len(t)))
        display += t
    if condition:
        display += f" \\quad ({condition})"
    if label:
        display += f" \\tag{{{label}}}"
    return Chain(display + "$$", spans, condition)


def _original_display(text: str, chain: ChainSource, offset) -> Chain | None:
    """The chain's own '$$ ... $$' block, term positions included, or None if it is not one."""
    first = offset(chain.terms[0].span)
    last = offset(chain.terms[-1].span) + len(chain.terms[-1].text)
    start = text.rfind("$$", 0, first)
    end = text.find("$$", last)
    if start < 0 or end < 0:
        return None
    display = text[start:end + 2]
    spans = [(offset(t.span) - start, offset(t.span) - start + len(t.text)) for t in chain.terms]
    if any(display[a:b] != t.text for (a, b), t in zip(spans, chain.terms)):
        return None  # the reader cleaned something out of a term: rebuild instead
    if display.count("$$") != 2 or "% expect" in display:
        return None
    return Chain(display, spans, chain.condition)


def _shapes(context) -> dict[str, list[tuple[str, ...]]]:
    shapes: dict[str, list[tuple[str, ...]]] = {}
    for t in context.network.tensors.values():
        shapes.setdefault(t.name, []).append(tuple(t.ranges))
    return shapes


def claims_of(path: Path) -> list[BaseClaim]:
    """The true claims of one note (gradproof holds them and the float evaluator agrees)."""
    text = path.read_text(encoding="utf-8")
    rel = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    note = parse_note(text, rel)
    report = api.check_text(text, rel, api.Options(diagnose=False))
    records = {(c.line, c.column): c for c in report.claims}
    offset = _offsets(text)
    lines = text.split("\n")
    found: list[BaseClaim] = []
    prefix = None
    for item in note.items:
        if isinstance(item, ContextSource):
            prefix = "\n".join(lines[item.span.line - 2:item.end_line]) + "\n"
            continue
        if not isinstance(item, ChainSource) or prefix is None or item.continues:
            continue
        record = records.get((item.span.line, item.span.column))
        if record is None:
            continue
        if record.verdict == Verdict.DEFINITION:
            terms = [t.text for t in item.terms]
            prefix += "\n$$" + " = ".join(terms) + "$$\n"
            continue
        runs: list[tuple[int, int]] = []
        if record.verdict.holds and record.expected in (None, Verdict.VERIFIED, Verdict.PROVED):
            runs = [(0, len(item.terms) - 1)]
        elif record.verdict == Verdict.REFUTED and len(record.steps) == len(item.terms) - 1:
            k = 0
            while k < len(record.steps):  # maximal runs of steps that hold
                if record.steps[k].verdict.holds:
                    m = k
                    while m < len(record.steps) and record.steps[m].verdict.holds:
                        m += 1
                    runs.append((k, m))
                    k = m
                else:
                    k += 1
        label = record.label or f"L{item.span.line}"
        for a, b in runs:
            whole = (a, b) == (0, len(item.terms) - 1)
            chain = _original_display(text, item, offset) if whole else None
            if chain is None:
                sub = label if whole else f"{label}.{a + 1}"
                chain = _fresh_display([t.text for t in item.terms[a:b + 1]], item.condition, sub)
            name = f"{rel}:{label}" + ("" if whole else f":steps{a + 1}-{b}")
            judged = evaluate(prefix, chain.terms, chain.condition)
            if judged.truth != Truth.TRUE:
                continue  # only claims both sides call true are mutated
            context = context_of(prefix)
            found.append(BaseClaim(name, prefix, chain, record.verdict.value, _shapes(context),
                                   dict(context.network.index_ranges)))
    return found


def make_claim(name: str, prefix: str, terms: list[str], condition: str | None = None,
               label: str | None = None) -> BaseClaim:
    """A claim written directly (for tests): the prefix's context, a fresh display."""
    context = context_of(prefix)
    if context is None:
        raise ValueError(f"the prefix of {name} does not read")
    return BaseClaim(name, prefix, _fresh_display(terms, condition, label), "", _shapes(context),
                     dict(context.network.index_ranges))


def all_claims(root: Path = ROOT) -> list[BaseClaim]:
    """The true claims of every bundled note, in a stable order."""
    paths = sorted(p for g in NOTE_GLOBS for p in root.glob(g))
    return [c for p in paths for c in claims_of(p)]

