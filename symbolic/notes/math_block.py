"""One math block of a note: markup blanked out, cut into chains ``E0 = E1 = ... = En``,
each with its terms, label, condition and expectation, at exact file positions.

Text only: no LaTeX is parsed here. :mod:`symbolic.notes` finds the blocks in the
Markdown and hands each to :class:`MathBlock`. Removed pieces (``&``, ``\\\\``,
comments, ``\\tag``) are replaced by spaces rather than cut out, so
``term.span.shifted(term.text[:k])`` is the file position of character ``k`` of a term.

A chain is also cut at ``\\Rightarrow`` (and ``if … then``): each side is a chain, the left one
a premise (:mod:`.premises`) or, when it only compares index letters, the condition of the
next; ``X := E`` is marked as a definition; a ``cases`` last side by index letters becomes one
chain per row (:mod:`.cases`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Protocol

from ..errors import Span
from ..verdicts import Verdict
from .cases import read_cases, unescaped
from .decorations import unwrap_decorations
from .conditions import (CASES_RE, CONDITION_FORMS, CONDITION_ONLY_RE, CONTINUING_RE, DEFINING, IF_RE,
                         IMPLICATIONS, LONE_STOP_RE, PROSE_CONDITION_RE, THEN_RE, normal_condition)
from .derivation_block import VERDICT_HINT
from .separators import split_equations, unwrap_array

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
LEADING_SPACE_RE = re.compile(r"^(?:\s|~|\\[ ,;:!]|\\q?quad(?![A-Za-z])|\\hfill(?![A-Za-z]))*")
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
    defining: bool = False  # written X := E (or \equiv): a definition, never a claim
    premise: bool = False  # A in A \Rightarrow B: what follows is refuted only where A holds
    follows: bool = False  # written "\Rightarrow B": the chain before it is its premise


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
        self.rows_numbered = align  # an align's rows are numbered one by one; aligned's share the \tag
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
        self.raw, array = unwrap_array(unwrap_decorations(self.raw))
        self.align = self.align or array
        for m in MATH_TOKEN_RE.finditer(self.raw):
            kind = m.lastgroup
            blank = kind in ("tag", "drop", "comment")
            if kind == "open":
                braces += 1
            elif kind == "close":
                braces = max(braces - 1, 0)
            elif kind == "env" and m.group("name") in INNER_ENVIRONMENTS:
                self.align = self.align or INNER_ENVIRONMENTS[m.group("name")]
                # align, gather, ... number each row even inside $$; aligned and gathered do not
                self.rows_numbered |= m.group("name") in DISPLAY_ENVIRONMENTS and m.group("name")[-2:] != "ed"
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
        # One \tag on a plain display of several lines numbers the whole display.
        shared = self.tags[0][1] if not self.rows_numbered and len(starts) > 1 and len(self.tags) == 1 else None
        for number, (start, end) in enumerate(zip(starts, ends)):
            tag = bisect.bisect_left(tags, start)
            label = self.tags[tag][1] if tag < len(tags) and tags[tag] < end else shared
            self._chain(start, end, number == 0, label, expects.get(start, expects.get(None)))

    def _chain_starts(self) -> list[int]:
        """Where each chain begins: one per block, or one per line with text before its first '='.

        On a plain display (not an alignment) a line after ``\\\\`` starts a chain only when
        the text before its first '=' does not begin with an operator (then it goes on with
        the line before) and every line so far had an '='.
        """
        lines = list(zip([0] + [e for _, e in self.breaks], [s for s, _ in self.breaks] + [len(self.clean)]))
        if not self.align and not self._plain_lines(lines):
            return [0]
        starts: list[int] = []
        for start, end in lines:
            if self.clean[start:end].strip():
                equals = top_level_equals(self.clean, start, end)
                if not starts or (equals and self.clean[start:equals[0]].strip()):
                    starts.append(start)
        return starts or [0]

    def _plain_lines(self, lines: list[tuple[int, int]]) -> bool:
        """Whether each line of a plain display is an equation of its own."""
        filled = [(a, b) for a, b in lines if self.clean[a:b].strip()]
        if len(filled) < 2:
            return False
        for start, end in filled:
            equals = top_level_equals(self.clean, start, end)
            left = LEADING_SPACE_RE.sub("", self.clean[start:equals[0]]) if equals else ""
            if not left or CONTINUING_RE.match(left):
                return False
        return True

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
            elif LONE_STOP_RE.match(text, max(start, match.start() - 2), match.start()) \
                    and not text.endswith(("\\right.", "\\left."), start, match.start()):
                # "x.(2)": (2) names the claim, but the '.' stays in it (the parse says it is not read)
                label = match.group(1)
        condition, condition_span, condition_at = None, None, 0
        for pattern, needs_leader in CONDITION_FORMS:
            if match := pattern.search(text, max(start, end - TAIL_WINDOW), end):
                rest, leader = _eat_back(text, start, match.start(), leader=False)
                if text[start:rest].strip() and (leader or not needs_leader):
                    condition = normal_condition(match.group("c"))
                    condition_at = self.start + match.start("c")
                    condition_span = self.reader.span(condition_at)
                    end = _strip_end(text, start, match.start())
                    break
        stated = self._prose_condition()
        equations = split_equations(self.clean, start, end)
        if len(equations) > 1 and condition:
            self.reader.problem(condition_at, "a condition after several equations: it is not clear which it is for",
                                 "write each equation on its own line with its condition")
            return
        for number, (left, right) in enumerate(equations):
            self._equation(left, right, first and number == 0, label, expect, (condition, condition_span), stated)

    def _equation(self, start: int, end: int, first: bool, label: str | None, expect: Verdict | None,
                  own: tuple[str | None, Span | None], stated: tuple[str, Span] | None) -> None:
        """One equation of a display (it may hold several side by side), cut at implication arrows."""
        condition, condition_span = own
        pieces = self._implications(start, end)
        given: list[tuple[str, Span]] = []  # "i = j \Rightarrow …": conditions of what follows
        for number, (left, right) in enumerate(pieces):
            last = number == len(pieces) - 1
            right = _strip_end(self.clean, left, right)
            if len(pieces) > 1 and (match := CONDITION_ONLY_RE.fullmatch(self.clean, left, right)):
                if last:
                    self.reader.problem(self.start + match.start("c"), "a condition with no equation after it",
                                         "write the condition before the arrow: i = j \\Rightarrow …")
                    return
                given.append((normal_condition(match.group("c")), self.reader.span(self.start + match.start("c"))))
                continue
            own = [(condition, condition_span)] if last and condition else []
            parts = [c for c in given + own]
            joined = (", ".join(c for c, _ in parts), parts[0][1]) if parts else (None, None)
            # a display that starts with an arrow follows the chain before it as its premise
            follows = number == 0 and bool(top_level_tokens(self.clean, start, left, IMPLICATIONS))
            self._piece(left, right, first and number == 0, label, expect, joined, stated, (not last, follows))

    def _implications(self, start: int, end: int) -> list[tuple[int, int]]:
        """The equations of a chain between ``\\Rightarrow``, ``\\implies``, ``\\iff`` (or in
        ``if A, then B``): each is checked as a claim of its own."""
        text = self.clean
        cuts = [(at, at + len(EQUALS_RE.match(text, at).group()))
                for at in top_level_tokens(text, start, end, IMPLICATIONS)]
        opening = IF_RE.match(text, start, end)
        if opening:
            then = THEN_RE.search(text, opening.end(), end)
            if then and _depth(text, start, then.start()) == 0:
                blank = BLANK_RE.sub(" ", text[opening.start(1):opening.end()])
                self.clean = text = text[:opening.start(1)] + blank + text[opening.end():]
                cuts = sorted(cuts + [then.span()])
        bounds = [start] + [x for cut in cuts for x in cut] + [end]
        pieces = [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]
        return [(a, b) for a, b in pieces if text[a:b].strip() and text[a:b].strip() not in ",.;"] or [(start, end)]

    def _piece(self, start: int, end: int, first: bool, label: str | None, expect: Verdict | None,
               own: tuple[str | None, Span | None], stated: tuple[str, Span] | None,
               premise: tuple[bool, bool] = (False, False)) -> None:
        """One equation chain from text[start:end]: its terms, a cases environment, ':='.

        ``premise``: whether it is the left side of an implication (A in A \\Rightarrow B), and
        whether it follows the chain before it as B does A (it starts with the arrow).
        """
        text = self.clean
        defining = top_level_tokens(text, start, end, DEFINING)
        for at in defining:  # X := E is read as X = E, marked as a definition
            token = EQUALS_RE.match(text, at).group()
            self.clean = text = text[:at] + "=" + " " * (len(token) - 1) + text[at + len(token):]
        bounds = [start - 1] + top_level_equals(text, start, end) + [end]
        terms: list[Term] = []
        offsets: list[int] = []
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
            offsets.append(offset)
            terms.append(Term(piece.strip(), self.reader.span(self.start + offset)))
        if defining and len(terms) > 2 and not continues and bounds[1] == defining[0] and len(defining) == 1:
            # \delta_j \equiv A = B: the definition of \delta_j, then the claim A = B
            self._found(start, terms[:2], None, None, None, None, False, None, True)
            start, terms, offsets, defining = start + offsets[1], terms[1:], offsets[1:], []
        if defining and (len(terms) != 2 or continues or bounds[1] != defining[0]):
            token = EQUALS_RE.match(self.raw, defining[0]).group()
            self.reader.problem(self.start + defining[0], f"'{token}' defines a name, and here it is not "
                                 "between one name and its definition",
                                 f"write the definition on its own (\\delta_k {token} o_k - t_k), or "
                                 "write '=' to check an equation")
            return
        condition, condition_span = own
        if stated is not None:
            condition = f"{condition}, {stated[0]}" if condition else stated[0]
            condition_span = condition_span or stated[1]
        if not terms:
            return
        cases = CASES_RE.fullmatch(terms[-1].text) if len(terms) > 1 else None
        read = read_cases(self, offsets[-1] + cases.start(1), offsets[-1] + cases.end(1)) if cases else None
        if read is False:
            return
        if read is None:  # no cases by index letters: the term as written (the parser reads the rest)
            self._found(start, terms, label, condition, condition_span, expect, continues, stated, bool(defining),
                        premise)
            return
        for value, offset, case, case_span in read:
            both = ", ".join(c for c in (condition, case) if c)
            term = Term(value, self.reader.span(self.start + offset))
            self._found(start, terms[:-1] + [term], label, both, case_span, expect, continues, stated, False,
                        premise)

    def _found(self, start: int, terms: list[Term], label, condition, condition_span, expect, continues,
               stated, defining: bool, premise: tuple[bool, bool] = (False, False)) -> None:
        self.reader.found.append((self.start + start, ChainSource(
            terms[0].span, terms, label, condition, condition_span, expect, self.display,
            continues, self.source, self.end_line, stated[0] if stated else None, defining, *premise)))

    def _prose_condition(self) -> tuple[str, Span] | None:
        """The condition stated at the very end of the prose before this display, if any."""
        if not self.display or self.prose is None:
            return None
        text, offset = self.prose
        match = PROSE_CONDITION_RE.search(text, max(0, len(text) - TAIL_WINDOW))
        if match is None:
            return None
        return normal_condition(match.group("c")), self.reader.span(offset + match.start("c"))


def top_level_equals(text: str, start: int, end: int) -> list[int]:
    """Offsets of the '=' signs in text[start:end] outside braces, brackets and environments."""
    return top_level_tokens(text, start, end, {"="})


def top_level_tokens(text: str, start: int, end: int, wanted: set[str]) -> list[int]:
    """Offsets of the ``wanted`` tokens ('=', '\\Rightarrow', ':=') in text[start:end] outside
    braces, brackets and environments."""
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
        elif token in wanted and not groups:
            loose.append(m.start())
            if depth == 0:
                found.append(m.start())
    # Brackets that do not pair up (a typo, or an interval) cannot hide an '='; braces can.
    return found if balanced and depth == 0 else loose


def _eat_back(text: str, start: int, end: int, *, leader: bool) -> tuple[int, bool]:
    """Move ``end`` back over spacing (and dots, for a label leader); say whether a real leader was seen.

    For a label the leader is ``\\ ``, ``\\quad``, ``\\qquad``, ``\\hfill``, a run of dots, or a
    comma right before it (``x,(1)``); thinner spacing is passed over but leads to nothing.
    """
    seen, dots, before = False, 0, end
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
        elif char == "," and (not leader or end == before):
            seen, end = True, end - 1  # for a label: a comma right before it, "x,(1)"
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




def _depth(text: str, start: int, end: int) -> int:
    """How many braces opened in text[start:end] are still open at its end."""
    return sum({"{": 1, "}": -1}.get(char, 0) for _i, char, _depth in unescaped(text, start, end))

