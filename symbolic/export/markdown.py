"""GitHub-flavoured Markdown for the export: the notes' math in ``$$`` blocks with verdict marks.

Counterexample values are the LaTeX formulas of :mod:`symbolic.export.latex`,
which GitHub renders inside ``$`...`$``; models are drawn with Mermaid.

A note is untrusted input: text from it (headings, labels, YAML values, messages
quoting it) is written with HTML and Markdown markup escaped (:func:`md_text`),
math passes the export's allow-list with ``<`` and ``>`` spelt ``\\lt`` and ``\\gt``
(:func:`md_math`), and source is shown in code fences longer than any run of
backticks inside it (:func:`code_block`).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Span
from ..model.context import split_equation
from ..results import ClaimResult
from ..verdicts import PRESENTATION, Verdict
from .latex import counterexample_point, leaf_values
from .note import (CheckedNote, chain_terms, correct_equation, derived_parts, expectation, failing_steps,
                   summary_line)
from .tex_safety import safe_math
from .tikz import layered, mermaid

MARKS = {verdict: row.mark for verdict, row in PRESENTATION.items()}
MATH_MARKS = {verdict: row.math for verdict, row in PRESENTATION.items()}
HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
MARKDOWN_PUNCTUATION = set("\\`*_[]$|")


def md_text(text: str) -> str:
    """``text`` as one line of Markdown that shows as written: no HTML, links, code or math."""
    out = []
    for char in " ".join(str(text).split()):
        if char in HTML_ENTITIES:
            out.append(HTML_ENTITIES[char])
        elif char in MARKDOWN_PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def md_math(text: str, span: Span | None = None, what: str = "math") -> str:
    """Math for a ``$$`` block: checked like the LaTeX export's, with no HTML in it.

    Raises:
        ExportError: at ``span``: the math uses what exports do not allow.
    """
    safe_math(text, span, what)
    return " ".join(text.replace("<", r"\lt ").replace(">", r"\gt ").split())


def code_block(text: str, info: str = "") -> list[str]:
    """``text`` in a fenced code block whose fence no line of ``text`` can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, text, fence]


def render_markdown(note: CheckedNote) -> str:
    """The annotated notes as GitHub-flavoured Markdown with ``$$`` math and verdict marks.

    Raises:
        ExportError: math of the note is not safe to copy (see :mod:`symbolic.export.tex_safety`).
    """
    name = Path(note.path).name
    shown = f"`{name}`" if "`" not in name else md_text(name)  # a code span shows HTML as text
    out = [f"# {md_text(note.title)}", "",
           f"Checked by gradproof: {shown} — {md_text(summary_line(note.report))}.", ""]
    for section in note.sections:
        out += [f"## {md_text(section.title)}", ""]
        if section.source is not None:
            data, span = section.source.data, section.source.span
            indices = data.get("indices") if isinstance(data.get("indices"), dict) else {}
            shown = ", ".join(f"{k} ∈ 1..{v}" for k, v in indices.items())
            out += [f"Indices: {md_text(shown)}; loss: {md_text(data.get('loss', 'L'))}.", ""]
            if section.context is not None and section.context.assumptions:
                out += ["Assumptions: " + md_text(", ".join(a.text for a in section.context.assumptions)) + ".", ""]
            if section.context is None:
                out += ["The derivation block has an error (below); its definitions as written:", "",
                        *code_block("\n".join(text.strip() for text, _span in section.source.defines), "latex"), ""]
            else:
                rows = []
                for text, at in section.source.defines:
                    parts = split_equation(text)
                    rows.append(md_math(text, at, "definition") if parts is None else
                                f"{md_math(parts[0], at, 'definition')} &= {md_math(parts[1], at, 'definition')}")
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
            out += [f"### {md_text(section.title)}", ""]
            if isinstance(section.derived, str):
                out += [f"{MARKS[Verdict.ERROR]} {md_text(section.derived)}", ""]
            for item in section.derived if isinstance(section.derived, list) else []:
                lhs, rhs, verdict = derived_parts(item)
                equation = md_math(f"{lhs} = {rhs}", section.source.span, "derived gradient")
                out += [f"{MARKS[verdict]} {verdict.value}", "", "$$", equation, "$$", ""]
    return "\n".join(out).rstrip() + "\n"


def _md_claim(claim: ClaimResult, terms, ranges: dict[str, str]) -> list[str]:
    span = Span(claim.path, claim.line, claim.column)
    name = f"({claim.label})" if claim.label else f"line {claim.line}"
    expect = expectation(claim)
    out = [f"#### {MARKS[claim.verdict]} {md_text(name)} — {claim.verdict.value}"
           + (f" ({md_text(expect)})" if expect else "") + (f" · line {claim.line}" if claim.label else ""), ""]
    sides = chain_terms(claim, terms)
    if claim.verdict == Verdict.ERROR or len(sides) < 2:
        out += [f"> {md_text(claim.message)}" + (f" (hint: {md_text(claim.hint)})" if claim.hint else ""), ""]
        if claim.source:
            out += [*code_block(claim.source.strip(), "latex"), ""]
        return out
    marks = [MATH_MARKS[s.verdict] for s in claim.steps] or [MATH_MARKS[claim.verdict]]
    sides = [md_math(side, span, "claim") for side in sides]
    if claim.condition:
        sides = sides[:-1] + [rf"{sides[-1]} \quad ({md_math(claim.condition, span, 'condition')})"]
    lines = [f"{sides[0]} &= {sides[1]} && {marks[0]}"] + [f"&= {s} && {m}" for s, m in zip(sides[2:], marks[1:])]
    out += ["$$", r"\begin{aligned}", " \\\\\n".join(lines), r"\end{aligned}", "$$", ""]
    if claim.verdict.holds and len(claim.steps) == 1:
        out += [md_text(claim.steps[0].message), ""]
    for k, step in failing_steps(claim):
        label = f"Step {k}" if len(claim.steps) > 1 else "The claim"
        if step.counterexample is not None:
            cx = step.counterexample
            # built by the LaTeX export from checked names, numbers and escaped text
            values = ", ".join(f"$`{v}`$" for v in leaf_values(cx.leaves, ranges, span))
            out += [f"- {MARKS[step.verdict]} {label} is {step.verdict.value}. "
                    f"Counterexample at $`{counterexample_point(cx, span)}`$"
                    + (f", with {values}" if values else "")
                    + f": left side {md_text(cx.lhs)}, right side {md_text(cx.rhs)}."]
        else:
            out += [f"- {MARKS[step.verdict]} {label} is {step.verdict.value}: {md_text(step.message)}"]
        out += [f"- warning: {md_text(w)}" for w in step.warnings]
    out += [f"- → {md_text(line)}" for line in claim.diagnosis]
    if claim.correct:
        out += ["- **Correct:**", "", "$$", md_math(correct_equation(claim, sides), span, "correct formula"), "$$"]
    return out + [""]
