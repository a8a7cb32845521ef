"""GitHub-flavoured Markdown for the export: the notes' math in ``$$`` blocks with verdict marks.

Counterexample values are the LaTeX formulas of :mod:`symbolic.export_latex`,
which GitHub renders inside ``$`...`$``; models are drawn with Mermaid.
"""

from __future__ import annotations

from pathlib import Path

from ..model.context import split_equation
from ..report import MARKS
from ..results import ClaimResult
from ..verdicts import Verdict
from .latex import counterexample_point, leaf_values
from .note import (CheckedNote, chain_terms, correct_equation, derived_parts, expectation, failing_steps,
                          summary_line)
from .tikz import layered, mermaid

MATH_MARKS = {Verdict.PROVED: r"\checkmark", Verdict.VERIFIED: r"\checkmark", Verdict.REFUTED: r"\times",
              Verdict.UNDECIDED: "?", Verdict.ERROR: "!", Verdict.DEFINITION: ":=", Verdict.SKIPPED: r"\cdot"}


def render_markdown(note: CheckedNote) -> str:
    """The annotated notes as GitHub-flavoured Markdown with ``$$`` math and verdict marks."""
    out = [f"# {note.title}", "",
           f"Checked by gradproof: `{Path(note.path).name}` — {summary_line(note.report)}.", ""]
    for section in note.sections:
        out += [f"## {section.title}", ""]
        if section.source is not None:
            data = section.source.data
            indices = ", ".join(f"{k} ∈ 1..{v}" for k, v in (data.get("indices") or {}).items())
            out += [f"Indices: {indices}; loss: {data.get('loss', 'L')}.", ""]
            if section.context is not None and section.context.assumptions:
                out += ["Assumptions: " + ", ".join(a.text for a in section.context.assumptions) + ".", ""]
            rows = []
            for text, _span in section.source.defines:
                parts = split_equation(text)
                rows.append(text.strip() if parts is None else f"{parts[0].strip()} &= {parts[1].strip()}")
            if section.context is None:
                out += ["The derivation block has an error (below); its definitions as written:", "",
                        "```latex", *(text.strip() for text, _span in section.source.defines), "```", ""]
            else:
                out += ["$$", r"\begin{aligned}", " \\\\\n".join(rows), r"\end{aligned}", "$$", ""]
            drawing = layered(section.context) if section.context is not None else None
            if drawing is not None:
                out += [mermaid(drawing), ""]
        ranges = section.index_ranges()
        for claim in section.claims:
            out += _md_claim(claim, note.terms, ranges)
    derived = [s for s in note.sections if s.derived is not None]
    if derived:
        out += ["## Derived gradients", ""]
        for section in derived:
            out += [f"### {section.title}", ""]
            if isinstance(section.derived, str):
                out += [f"! {section.derived}", ""]
            for item in section.derived if isinstance(section.derived, list) else []:
                lhs, rhs, verdict = derived_parts(item)
                out += [f"{MARKS[verdict]} {verdict.value}", "", "$$", f"{lhs} = {rhs}", "$$", ""]
    return "\n".join(out).rstrip() + "\n"


def _md_claim(claim: ClaimResult, terms, ranges: dict[str, str]) -> list[str]:
    name = f"({claim.label})" if claim.label else f"line {claim.line}"
    expect = expectation(claim)
    out = [f"#### {MARKS[claim.verdict]} {name} — {claim.verdict.value}"
           + (f" ({expect})" if expect else "") + (f" · line {claim.line}" if claim.label else ""), ""]
    sides = chain_terms(claim, terms)
    if claim.verdict == Verdict.ERROR or len(sides) < 2:
        out += [f"> {claim.message}" + (f" (hint: {claim.hint})" if claim.hint else ""), ""]
        if claim.source:
            out += ["```latex", claim.source.strip(), "```", ""]
        return out
    marks = [MATH_MARKS[s.verdict] for s in claim.steps] or [MATH_MARKS[claim.verdict]]
    if claim.condition:
        sides = sides[:-1] + [rf"{sides[-1]} \quad ({claim.condition})"]
    lines = [f"{sides[0]} &= {sides[1]} && {marks[0]}"] + [f"&= {s} && {m}" for s, m in zip(sides[2:], marks[1:])]
    out += ["$$", r"\begin{aligned}", " \\\\\n".join(lines), r"\end{aligned}", "$$", ""]
    if claim.verdict.holds and len(claim.steps) == 1:
        out += [claim.steps[0].message, ""]
    for k, step in failing_steps(claim):
        label = f"Step {k}" if len(claim.steps) > 1 else "The claim"
        if step.counterexample is not None:
            cx = step.counterexample
            values = ", ".join(f"$`{v}`$" for v in leaf_values(cx.leaves, ranges))
            out += [f"- {MARKS[step.verdict]} {label} is {step.verdict.value}. Counterexample at $`{counterexample_point(cx)}`$"
                    + (f", with {values}" if values else "")
                    + f": left side {cx.lhs}, right side {cx.rhs}."]
        else:
            out += [f"- {MARKS[step.verdict]} {label} is {step.verdict.value}: {step.message}"]
        out += [f"- warning: {w}" for w in step.warnings]
    out += [f"- → {line}" for line in claim.diagnosis]
    if claim.correct:
        out += ["- **Correct:**", "", "$$", correct_equation(claim, sides), "$$"]
    return out + [""]
