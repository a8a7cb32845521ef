"""One math block of a note: markup blanked out, cut into chains ``E0 = E1 = ... = En``,
each with its terms, label, condition and expectation, at exact file positions.

Text only: no LaTeX is parsed here. :mod:`symbolic.notes` finds the blocks in the
Markdown and hands each to :class:`MathBlock`. Removed pieces (``&``, ``\\\\``,
comments, ``\\tag``) are replaced by spaces rather than cut out, so
``term.span.shifted(term.text[:k])`` is the file position of character ``k`` of a term.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Protocol

from ..errors import Span
from ..verdicts import Verdict
from .derivation_block import VERDICT_HINT

# Display environments; True where each line with text before its first '=' starts a new chain.
DISPLAY_ENVIRONMENTS = {
    "equation": False, "equation*": False, "multline": False, "multline*": False,
    "align": True, "align*": True, "gather": True, "gather*": True, "flalign": True,
    "flalign*": True, "alignat": True, "alignat*": True, "eqnarray": True, "eqnarray*": True,
    "aligned": True, "gathered": True,
}
# Environments inside a math block whose \begin and \end are dropped (the rest keep their & and \\).
INNER_ENVIRONMENTS = {**DISPLAY_ENVIRONMENTS, "alignedat": True, "split": False}
# Spacing that may end a term or lead to a label, longest first so \qquad is not read as \quad.
SPACING_COMMANDS = ("\\qquad", "\\quad", "\\hfill", "\\,", "\\;", "\\:", "\\!")
# Spacing after which a trailing (1) is a label (with "\ " and a run of dots); after a thin
# space it is a factor: (p - y)\,(2) is a product.
LABEL_LEADERS = ("\\qquad", "\\quad", "\\hfill")
DOT_COMMANDS = ("\\cdots", "\\ldots", "\\dots")
CONDITION_WORDS = r"for|if|when|where"
TEXT_COMMANDS = r"text|textrm|textit|mathrm|mbox"
# Labels and conditions are short; only this many trailing characters are examined.
TAIL_WINDOW = 160

MATH_TOKEN_RE = re.compile(r"""
    (?P<br>\\\\(?:\s*\[\s*-?[\d.]+\s*(?:pt|em|ex|mm|cm|in|mu|bp)\s*\])?)
  | (?P<env>\\(?P<be>begin|end)\s*\{(?P<name>[A-Za-z]+\*?)\}(?:\s*\{\d+\})?)
  | (?P<tag>\\tag\*?\s*\{(?P<label>[^{}]*)\})
  | (?P<drop>\\label\s*\{[^{}]*\}|\\(?:nonumber|notag)(?![A-Za-z]))
  | \\[A-Za-z]+ | \\.
  | (?P<comment>%[^\n]*) | (?P<amp>&) | (?P<open>\{) | (?P<close>\})
""", re.X | re.S)
EQUALS_RE = re.compile(r"\\[A-Za-z]+|\\.|==+|[<>!:]=|[{}()\[\]=]", re.S)
EXPECT_RE = re.compile(r"expect:\s*(\w+)")
LABEL_RE = re.compile(r"\(\s*(?=[.'*]*[A-Za-z0-9])([A-Za-z0-9.'*]+)\s*\)$")
BLANK_RE = re.compile(r"[^\n]")
_CMP = r"(?<![\w\\])([A-Za-z]'*)\s*(=|\\neq?(?![A-Za-z])|\\not\s*=)\s*([A-Za-z]'*)(?![\w'])"
_BARE_CMP = re.sub(r"\((?!\?)", "(?:", _CMP)
_JOIN = rf"\s*(?:,|\\(?:{TEXT_COMMANDS})\s*\{{\s*and\s*\}}|\\(?:land|wedge)(?![A-Za-z]))\s*"
_CONDITION = rf"(?P<c>{_BARE_CMP}(?:{_JOIN}{_BARE_CMP})*)"
_INTRO = rf"\\(?:{TEXT_COMMANDS})\s*\{{\s*(?:{CONDITION_WORDS})\s*\}}"
CONDITION_FORMS = (  # (pattern, needs a comma or spacing before it)
    (re.compile(rf"\(\s*(?:{_INTRO}\s*)?{_CONDITION}\s*\)$"), False),
    (re.compile(rf"{_INTRO}(?:\s|~|\\[ ,;:]|\\q?quad(?![A-Za-z]))*{_CONDITION}$"), False),
    (re.compile(rf"{_CONDITION}$"), True),
)
COMPARISON_RE = re.compile(_CMP)
# A condition stated in the prose right before a display: "If $i = j$,", "for \(i \neq k\):",
# "In the case $i = k$, we have". Only comparisons of index letters, and only at the very end.
PROSE_CONDITION_RE = re.compile(
    rf"\b(?:if|for|when|where|case)\s+(?:the\s+case\s+)?(?:\$|\\\()\s*{_CONDITION}\s*(?:\$|\\\))"
    r"\s*(?:[,;:]?\s*(?:we\s+(?:have|get|obtain|find)|then|this\s+gives|it\s+follows\s+that))?"
    r"\s*[,:.;]?\s*$", re.I)
NOT_EQUAL = "\\neq"  # \ne and \not= are written as \neq in normalised conditions


@dataclass
class Term:
    """One side of a chain E0 = E1 = ... = En, with the file position of its first character."""

    text: str
    span: Span


@dataclass
class ChainSource:
    """One chain of equalities read from a math block."""

    span: Span
    terms: list[Term]
    label: str | None
    condition: str | None
    condition_span: Span | None
    expect: Verdict | None
    display: bool
    continues: bool
    source: str
    end_line: int
    prose_condition: str | None = None  # the part of ``condition`` stated in the prose before it


class _Reader(Protocol):
    """What a math block needs from the note reader."""

    text: str
    found: list

    def span(self, offset: int) -> Span: ...

    def problem(self, offset: int, message: str, hint: str) -> None: ...


class MathBlock:
    """One math block: cleaned of markup, cut into chains, each chain into terms."""

    def __init__(self, reader: _Reader, start: int, end: int, display: bool, align: bool, end_line: int,
                 prose: tuple[str, int] | None = None, raw: str | None = None):
        self.reader, self.start, self.display, self.align = reader, start, display, align
        self.prose = prose  # (prose before the block, its offset in the file)
        # ``raw`` stands for text[start:end] where container markup (a blockquote's '>') is blanked.
        self.raw = reader.text[start:end] if raw is None or len(raw) != end - start else raw
        self.end_line = end_line
        self.source = self.raw.strip()
        self.breaks: list[tuple[int, int]] = []
        self.tags: list[tuple[int, str]] = []
        self.comments: list[tuple[int, str]] = []
        self.clean = self._clean()

    def _clean(self) -> str:
        """The block with markup blanked out, so offsets still match the file."""
        pieces, done, braces, environments = [], 0, 0, 0
        self.raw = unwrap_decorations(self.raw)
        for m in MATH_TOKEN_RE.finditer(self.raw):
            kind = m.lastgroup
            blank = kind in ("tag", "drop", "comment")
            if kind == "open":
                braces += 1
            elif kind == "close":
                braces = max(braces - 1, 0)
            elif kind == "env" and m.group("name") in INNER_ENVIRONMENTS:
                self.align = self.align or INNER_ENVIRONMENTS[m.group("name")]
                blank = True
            elif kind == "env":
                environments = max(environments + (1 if m.group("be") == "begin" else -1), 0)
            elif kind in ("br", "amp") and environments == 0:
                # Matrices and cases keep their own & and \\.
                blank = kind == "amp" or braces == 0
                if blank and kind == "br":
                    self.breaks.append(m.span())
            if kind == "tag":
                self.tags.append((m.start(), m.group("label").strip()))
            elif kind == "comment":
                self.comments.append((m.start(), m.group()))
            if blank:
                pieces += [self.raw[done:m.start()], BLANK_RE.sub(" ", m.group())]
                done = m.end()
        return "".join(pieces) + self.raw[done:]

    def read(self) -> None:
        starts = self._chain_starts()
        ends = starts[1:] + [len(self.clean)]
        expects = self._expects(starts)
        tags = [at for at, _ in self.tags]
        for number, (start, end) in enumerate(zip(starts, ends)):
            tag = bisect.bisect_left(tags, start)
            label = self.tags[tag][1] if tag < len(tags) and tags[tag] < end else None
            self._chain(start, end, number == 0, label, expects.get(start, expects.get(None)))

    def _chain_starts(self) -> list[int]:
        """Where each chain begins: one per block, or one per line with text before its first '='."""
        if not self.align:
            return [0]
        starts: list[int] = []
        for start, end in zip([0] + [e for _, e in self.breaks], [s for s, _ in self.breaks] + [len(self.clean)]):
            if self.clean[start:end].strip():
                equals = top_level_equals(self.clean, start, end)
                if not starts or (equals and self.clean[start:equals[0]].strip()):
                    starts.append(start)
        return starts or [0]

    def _expects(self, starts: list[int]) -> dict:
        """Expected verdicts by chain start; key None for comments before the first chain."""
        expects: dict = {}
        for offset, comment in self.comments:
            if not (match := EXPECT_RE.search(comment)):
                continue
            try:
                verdict = Verdict.parse(match.group(1))
            except ValueError:
                self.reader.problem(self.start + offset + match.start(1),
                                     f"unknown verdict {match.group(1)!r} in '% expect:'", VERDICT_HINT)
                continue
            # A comment ends its line, after the '\\' that may open the next chain: it belongs
            # to the text before it on its line, or to what follows when it has a line of its own.
            owner = offset
            while owner > 0 and self.clean[owner - 1] in " \t":
                owner -= 1
            owner = owner - 1 if owner > 0 and self.clean[owner - 1] != "\n" else offset
            expects.setdefault(starts[bisect.bisect_right(starts, owner) - 1] if owner >= starts[0] else None, verdict)
        return expects

    def _chain(self, start: int, end: int, first: bool, label: str | None, expect: Verdict | None) -> None:
        text = self.clean
        end = _strip_end(text, start, end)
        if label is None and (match := LABEL_RE.search(text, max(start, end - TAIL_WINDOW), end)):
            leader_end, leader = _eat_back(text, start, match.start(), leader=True)
            if leader and text[start:leader_end].strip():
                label, end = match.group(1), _strip_end(text, start, leader_end)
        condition, condition_span = None, None
        for pattern, needs_leader in CONDITION_FORMS:
            if match := pattern.search(text, max(start, end - TAIL_WINDOW), end):
                rest, leader = _eat_back(text, start, match.start(), leader=False)
                if text[start:rest].strip() and (leader or not needs_leader):
                    condition = _normal_condition(match.group("c"))
                    condition_span = self.reader.span(self.start + match.start("c"))
                    end = _strip_end(text, start, match.start())
                    break
        bounds = [start - 1] + top_level_equals(text, start, end) + [end]
        terms: list[Term] = []
        continues = False
        for number, (left, right) in enumerate(zip(bounds, bounds[1:])):
            piece = text[left + 1:right]
            if not piece.strip():
                if number == 0 and first:
                    continues = True
                    continue
                if len(bounds) > 2:
                    self.reader.problem(self.start + max(left, start), "one side of '=' is empty",
                                         "write an expression on both sides of every '='")
                return
            offset = left + 1 + len(piece) - len(piece.lstrip())
            terms.append(Term(piece.strip(), self.reader.span(self.start + offset)))
        stated = self._prose_condition()
        if stated is not None:
            condition = f"{condition}, {stated[0]}" if condition else stated[0]
            condition_span = condition_span or stated[1]
        if terms:
            self.reader.found.append((self.start + start, ChainSource(
                terms[0].span, terms, label, condition, condition_span, expect, self.display,
                continues, self.source, self.end_line, stated[0] if stated else None)))

    def _prose_condition(self) -> tuple[str, Span] | None:
        """The condition stated at the very end of the prose before this display, if any."""
        if not self.display or self.prose is None:
            return None
        text, offset = self.prose
        match = PROSE_CONDITION_RE.search(text, max(0, len(text) - TAIL_WINDOW))
        if match is None:
            return None
        return _normal_condition(match.group("c")), self.reader.span(offset + match.start("c"))


# Presentation around an expression: \boxed{X}, \underbrace{X}_{note}, \overbrace{X}^{note}.
DECORATION_RE = re.compile(r"\\(boxed|underbrace|overbrace)\s*\{")


def _group_end(text: str, opening: int) -> int:
    """Index just past the brace group that opens at ``opening``, or -1 if it never closes."""
    depth, i = 0, opening
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        depth += char == "{"
        depth -= char == "}"
        if depth == 0:
            return i + 1
        i += 1
    return -1


def unwrap_decorations(text: str) -> str:
    """``\\boxed{X}`` and ``\\underbrace{X}_{note}`` become X, blanked with spaces so every
    offset stays: what the author boxed or annotated is the mathematics; the note under a
    brace (``_{= 1}``) is not."""
    chars = list(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = " "

    for m in DECORATION_RE.finditer(text):
        end = _group_end(text, m.end() - 1)
        if end < 0:
            continue
        blank(m.start(), m.end())
        blank(end - 1, end)
        if m.group(1) != "boxed":
            note = re.compile(r"\s*[_^]\s*").match(text, end)
            if note:
                group = note.end()
                close = _group_end(text, group) if group < len(text) and text[group] == "{" else group + 1
                if close > 0:
                    blank(end, close)
    return "".join(chars)


def _normal_condition(written: str) -> str:
    """``i=j \\text{ and } k \\ne l`` → ``i = j, k \\neq l``."""
    return ", ".join(f"{a} {'=' if op == '=' else NOT_EQUAL} {b}"
                     for a, op, b in COMPARISON_RE.findall(written))


def top_level_equals(text: str, start: int, end: int) -> list[int]:
    """Offsets of the '=' signs in text[start:end] outside braces, brackets and environments."""
    found, loose, groups, depth, balanced = [], [], [], 0, True
    for m in EQUALS_RE.finditer(text, start, end):
        token = m.group()
        if token in ("{", "\\begin"):
            groups.append(depth)
            depth = 0
        elif token in ("}", "\\end"):
            balanced = balanced and depth == 0
            depth = groups.pop() if groups else 0
        elif token in ("(", "["):
            depth += 1
        elif token in (")", "]"):
            balanced = balanced and depth > 0
            depth = max(depth - 1, 0)
        elif token == "=" and not groups:
            loose.append(m.start())
            if depth == 0:
                found.append(m.start())
    # Brackets that do not pair up (a typo, or an interval) cannot hide an '='; braces can.
    return found if balanced and depth == 0 else loose


def _eat_back(text: str, start: int, end: int, *, leader: bool) -> tuple[int, bool]:
    """Move ``end`` back over spacing (and dots, for a label leader); say whether a real leader was seen.

    For a label the leader is ``\\ ``, ``\\quad``, ``\\qquad``, ``\\hfill`` or a run of dots;
    thinner spacing is passed over but leads to nothing.
    """
    seen, dots = False, 0
    commands = SPACING_COMMANDS + DOT_COMMANDS if leader else SPACING_COMMANDS
    leaders = LABEL_LEADERS + DOT_COMMANDS if leader else SPACING_COMMANDS
    while end > start:
        char = text[end - 1]
        if text.endswith(commands, start, end):
            command = next(c for c in commands if text.endswith(c, start, end))
            seen, end = seen or command in leaders, end - len(command)
        elif char == "." and leader and not text.endswith(("\\right.", "\\left."), start, end):
            dots, end = dots + 1, end - 1
        elif char.isspace() or char == "~":
            escaped = end - 2 >= start and text[end - 2] == "\\"
            seen, end = seen or escaped, end - (2 if escaped else 1)
        elif char == "," and not leader:
            seen, end = True, end - 1
        else:
            break
    return end, seen or dots >= 2


def _strip_end(text: str, start: int, end: int) -> int:
    """Move ``end`` back over trailing spacing and punctuation (but not the dot of ``\\right.``)."""
    while True:
        end = _eat_back(text, start, end, leader=False)[0]
        if end > start and text[end - 1] in ".,;" and not text.endswith(("\\right.", "\\left."), start, end):
            end -= 1
        else:
            return end
