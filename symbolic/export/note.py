"""What an export shows: a checked note split by derivation block, and the wording both formats share.

The LaTeX (:mod:`symbolic.export_latex`) and Markdown (:mod:`symbolic.export_markdown`)
renderers read a :class:`CheckedNote`; what a claim's sides are, which of its
steps to explain and how the summary reads is decided here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..calculus.derive import derive_parameters
from ..checker import NoteChecker, Options
from ..errors import GradproofError
from ..model.context import Context, split_equation
from ..notes.reader import ChainSource, ContextSource, read_note
from ..report import summary_line as report_summary_line
from ..results import ClaimResult, FileReport, StepResult
from ..verdicts import Verdict

HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


@dataclass
class Section:
    """A derivation block (or the text before the first one) and the claims after it."""

    title: str
    source: ContextSource | None
    context: Context | None
    claims: list[ClaimResult] = field(default_factory=list)
    derived: list | str | None = None  # Derived records, a one-line error, or None (no derive)

    def index_ranges(self) -> dict[str, str]:
        """Index letter -> size name, from the context or, if it failed, from the block as written."""
        if self.context is not None:
            return self.context.network.index_ranges
        if self.source is not None:
            return {str(k): str(v) for k, v in (self.source.data.get("indices") or {}).items()}
        return {}


@dataclass
class CheckedNote:
    """A note with its report, split by derivation block, with the terms of every chain."""

    path: str
    title: str
    report: FileReport
    sections: list[Section]
    terms: dict[tuple[int, int], list[str]]  # (line, column) of a chain -> its terms


def check_note(path: str | Path, derive: bool = True) -> CheckedNote:
    """Read and check ``path`` for export; with ``derive``, also derive each model's gradients.

    Raises:
        NotesError: the file cannot be read at all.
    """
    note = read_note(path)
    checker = NoteChecker(note, Options())
    report = checker.run()
    headings = [(note.text.count("\n", 0, m.start()) + 1, len(m.group(1)), m.group(2))
                for m in HEADING_RE.finditer(note.text)]
    title = next((t for _, level, t in headings if level == 1 and _readable(t)), Path(path).name)
    contexts = {c.span: c for c in checker.contexts}
    sections = [Section("Before the first derivation block", None, None)]
    previous = 0
    for item in note.items:
        if isinstance(item, ContextSource):
            heading = [t for line, _, t in headings if previous < line < item.span.line and _readable(t)]
            number = sum(1 for s in sections if s.source is not None) + 1
            sections.append(Section(heading[-1] if heading else f"Model {number}", item,
                                    contexts.get(item.span)))
            previous = item.end_line
    for claim in report.claims:
        owner = [s for s in sections if s.source is None or s.source.span.line - 1 <= claim.line]
        owner[-1].claims.append(claim)
    for section in sections:
        if derive and section.context is not None:
            section.derived = derived_gradients(section.context)
    terms = {(i.span.line, i.span.column): [t.text for t in i.terms]
             for i in note.items if isinstance(i, ChainSource)}
    kept = [s for s in sections if s.source is not None or s.claims]
    return CheckedNote(str(path), title, report, kept, terms)


def derived_gradients(context: Context) -> list | str:
    """The gradients of the loss w.r.t. every parameter, or the one-line error that stopped them."""
    try:
        return list(derive_parameters(context))
    except GradproofError as err:
        return err.one_line()
    except Exception as exc:  # a bug in derive must not stop the export of the checked claims
        return f"internal error while deriving ({type(exc).__name__}: {exc})"


def _readable(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) >= 0.7 * len(letters)


def chain_terms(claim: ClaimResult, terms: dict[tuple[int, int], list[str]]) -> list[str]:
    """The sides of a claim as written: from its steps, or from the note for definitions."""
    if claim.steps:
        return [claim.steps[0].lhs] + [s.rhs for s in claim.steps]
    return [" ".join(t.split()) for t in terms.get((claim.line, claim.column), [])]


def correct_equation(claim: ClaimResult, sides: list[str]) -> str:
    """The correct formula as an equation: ``correct`` may be a whole equation or a right side."""
    correct = " ".join((claim.correct or "").split())
    return correct if split_equation(correct) is not None else f"{sides[0]} = {correct}"


def summary_line(report: FileReport) -> str:
    """The verdict counts of ``report`` in one line, ending with how many claims fail."""
    return report_summary_line([report])


def expectation(claim: ClaimResult) -> str:
    """Whether the claim's declared expectation was met, or "" when it declares none."""
    if claim.expected is None:
        return ""
    return f"expected {claim.expected.value}: {'as expected' if claim.passes else 'NOT as expected'}"


def failing_steps(claim: ClaimResult) -> list[tuple[int, StepResult]]:
    """The 1-based numbers and results of the steps an export explains: not holding, or warned about."""
    return [(k, s) for k, s in enumerate(claim.steps, 1)
            if s.verdict in (Verdict.REFUTED, Verdict.ERROR, Verdict.UNDECIDED) or s.warnings]


def derived_parts(item) -> tuple[str, str, Verdict]:
    """A derived gradient as (LaTeX of ∂of/∂wrt, LaTeX of its formula, verdict)."""
    return rf"\frac{{\partial {item.of_latex}}}{{\partial {item.wrt_latex}}}", item.latex, item.verdict
