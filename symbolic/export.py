"""Export checked notes: annotated LaTeX (and PDF through pdflatex), GitHub Markdown, JSON.

An export holds the notes' mathematics and gradproof's own English text; the
notes' prose is left out, so notes written in any language compile with
pdflatex. Math is taken from the parsed terms (labels, comments and ``\\tag``
already removed), text gradproof writes is escaped, and characters pdflatex
cannot typeset are replaced. The input file is never written to.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .check import NoteChecker, Options
from .context import Context, split_equation
from .errors import GradproofError, UsageError
from .notes import ChainSource, ContextSource, read_note
from .report import MARKS, render_json, summary
from .results import ClaimResult, Counterexample, FileReport, StepResult
from .tensors import GREEK
from .tikz import layered, letters_for, mermaid, tikz
from .verdicts import Verdict

ExportFormat = Literal["tex", "pdf", "md", "json"]
SUFFIXES: dict[str, ExportFormat] = {".tex": "tex", ".pdf": "pdf", ".md": "md", ".json": "json"}
PDFLATEX_TIMEOUT = 120.0       # seconds per pdflatex run
PDFLATEX_RUNS = 2              # a second run only when the log asks for it
LONG_FIRST_LINE = 90           # characters of "E0 = E1" above which E0 gets its own line
PDFLATEX_HINT = "install TeX Live (texlive-latex-base, texlive-latex-recommended, texlive-pictures) or export to .tex"

HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
LEAF_RE = re.compile(r"^(?P<name>[^()\[\]]+)(?:\((?P<ranges>[^)]*)\))?(?:\[(?P<at>[^\]]*)\])?$")
FRACTION_RE = re.compile(r"^(-?)(\d+)/(\d+)$")
SUBSCRIPT_RE = re.compile(r"(?<![\w\\])([A-Za-z]|[\u0391-\u03c9])_(\{[A-Za-z0-9]{1,3}'*\}|[A-Za-z0-9]{1,3}'*)(?![\w{])")
NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")

TEXT_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                 "#": r"\#", "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
# Non-ASCII characters gradproof's messages use, as math; other characters are left out.
UNICODE_MATH = {"×": r"\times", "…": r"\dots", "→": r"\to", "←": r"\leftarrow", "≠": r"\neq",
                "≤": r"\leq", "≥": r"\geq", "−": "-", "·": r"\cdot", "∂": r"\partial",
                "∇": r"\nabla", "∑": r"\sum", "√": r"\surd", "≈": r"\approx", "∈": r"\in",
                "✓": r"\checkmark", "✗": r"\times", "≔": ":=", "²": "^{2}", "³": "^{3}", "′": "'"}
UNICODE_TEXT = {"—": "---", "–": "--", "’": "'", "‘": "`", "“": "``", "”": "''", "\u00a0": "~"}
TEX_MARKS = {Verdict.PROVED: r"\gpyes", Verdict.VERIFIED: r"\gpyes", Verdict.REFUTED: r"\gpno",
             Verdict.UNDECIDED: r"\gpmaybe", Verdict.ERROR: r"\gperror",
             Verdict.DEFINITION: r"\gpdef", Verdict.SKIPPED: r"\gpskip"}
MATH_MARKS = {Verdict.PROVED: r"\checkmark", Verdict.VERIFIED: r"\checkmark", Verdict.REFUTED: r"\times",
              Verdict.UNDECIDED: "?", Verdict.ERROR: "!", Verdict.DEFINITION: ":=", Verdict.SKIPPED: r"\cdot"}

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{xcolor}
%(tikz)s\allowdisplaybreaks
\setlength{\parindent}{0pt}
\definecolor{gpgood}{rgb}{0,0.5,0}
\definecolor{gpbad}{rgb}{0.75,0,0}
\definecolor{gpwarn}{rgb}{0.75,0.45,0}
\newcommand{\gpyes}{\textcolor{gpgood}{\ensuremath{\checkmark}}}
\newcommand{\gpno}{\textcolor{gpbad}{\ensuremath{\boldsymbol{\times}}}}
\newcommand{\gpmaybe}{\textcolor{gpwarn}{\textbf{?}}}
\newcommand{\gperror}{\textcolor{gpbad}{\textbf{!}}}
\newcommand{\gpdef}{\ensuremath{:=}}
\newcommand{\gpskip}{\ensuremath{\cdot}}
\newenvironment{gpdetail}{\begin{list}{}{\leftmargin=1.5em\rightmargin=0pt}\item\relax\small\raggedright}{\end{list}}
"""


@dataclass
class Section:
    """A derivation block (or the text before the first one) and the claims after it."""

    title: str
    source: ContextSource | None
    context: Context | None
    claims: list[ClaimResult] = field(default_factory=list)
    derived: list | str | None = None  # Derived records, a one-line error, or None (no derive)


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


def derived_gradients(context: Context) -> list | str | None:
    """The gradients of the loss w.r.t. every parameter, or None while derive is unavailable."""
    try:
        from .derive import derive_parameters
    except (ImportError, AttributeError):
        return None
    try:
        return list(derive_parameters(context))
    except GradproofError as err:
        return err.one_line()
    except Exception as exc:  # a bug in derive must not stop the export of the checked claims
        return f"internal error while deriving ({type(exc).__name__}: {exc})"


def _readable(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) >= 0.7 * len(letters)


# -- escaping ------------------------------------------------------------------
def _greek(char: str) -> str | None:
    m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER (\w+)", unicodedata.name(char, ""))
    if not m:
        return None
    word = m.group(2).lower().replace("lamda", "lambda")
    word = word if m.group(1) == "SMALL" else word.capitalize()
    return "\\" + word if word in GREEK or word in ("varepsilon", "vartheta") else None


def latex_text(text: str) -> str:
    """``text`` as LaTeX text: specials escaped, non-ASCII typeset or left out."""
    out: list[str] = []
    for char in text:
        if char in TEXT_SPECIALS:
            out.append(TEXT_SPECIALS[char])
        elif char.isascii():
            out.append(char)
        elif char in UNICODE_TEXT:
            out.append(UNICODE_TEXT[char])
        elif (math := UNICODE_MATH.get(char) or _greek(char)) is not None:
            out.append(f"\\ensuremath{{{math}}}")
        elif not out or out[-1] != "?":
            out.append("?")
    return "".join(out)


def latex_prose(text: str) -> str:
    """Like :func:`latex_text`, with subscripted symbols (``t_k``, ``Σ_k``) typeset as math."""
    out, last = [], 0
    for m in SUBSCRIPT_RE.finditer(text):
        base = latex_math(m.group(1)).strip()
        out += [latex_text(text[last:m.start()]), rf"\ensuremath{{{base}_{{{m.group(2).strip('{}')}}}}}"]
        last = m.end()
    return "".join(out) + latex_text(text[last:])


def latex_math(text: str) -> str:
    """Math copied from notes, made safe for pdflatex."""
    text = re.sub(r"\\mathbb\s*\{\s*1\s*\}", r"\\mathbf{1}", text)
    out: list[str] = []
    for char in text:
        if char.isascii():
            out.append("\\#" if char == "#" else char)
        elif (math := UNICODE_MATH.get(char) or _greek(char)) is not None:
            out.append(math + " ")
        else:
            out.append("?")
    return " ".join("".join(out).split())


# -- shared pieces -----------------------------------------------------------------
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
    counts = summary([report])
    parts = [f"{n} {v}" for v, n in counts.items() if v not in ("claims", "failing")]
    status = "all as expected" if counts["failing"] == 0 else f"{counts['failing']} failing"
    return f"{', '.join(parts) or 'nothing to check'}; {counts['claims']} claims, {status}"


def _expectation(claim: ClaimResult) -> str:
    if claim.expected is None:
        return ""
    return f"expected {claim.expected.value}: {'as expected' if claim.passes else 'NOT as expected'}"


def _value(text: str) -> str:
    m = FRACTION_RE.match(text.strip())
    if m:
        return f"{m.group(1)}{m.group(2)}/{m.group(3)}"  # as in the text report; legible in a small matrix
    return text if NUMBER_RE.match(text.strip()) else rf"\text{{{latex_text(text)}}}"


def leaf_values(leaves: dict[str, str], index_ranges: dict[str, str]) -> list[str]:
    """Each leaf tensor of a counterexample as one LaTeX formula: a number, vector or matrix."""
    groups: dict[tuple[str, tuple[str, ...]], dict[tuple[int, ...], str]] = {}
    loose: list[str] = []
    for key, value in leaves.items():
        m = LEAF_RE.match(key.strip())
        try:
            at = tuple(int(p) for p in m.group("at").split(",")) if m and m.group("at") else ()
        except ValueError:
            m = None
        if m is None:
            loose.append(rf"\text{{{latex_text(key)}}} = {_value(value)}")
            continue
        ranges = tuple(r.strip() for r in re.split(r"[×x,]", m.group("ranges") or "") if r.strip())
        groups.setdefault((m.group("name").strip(), ranges), {})[at] = _value(value)
    shown = []
    for (name, ranges), entries in groups.items():
        symbol = "\\" + name if name in GREEK else latex_math(name)
        dims = max((len(at) for at in entries), default=0)
        letters = letters_for(ranges, index_ranges) if len(ranges) == dims else []
        head = f"{symbol}_{{{''.join(letters)}}}" if letters else symbol
        if dims == 0:
            shown.append(f"{symbol} = {entries.get((), '?')}")
        elif dims == 1:
            n = max(at[0] for at in entries)
            shown.append(f"{head} = (" + ", ".join(entries.get((i,), r"\cdot") for i in range(1, n + 1)) + ")")
        elif dims == 2:
            rows, cols = max(at[0] for at in entries), max(at[1] for at in entries)
            body = r" \\ ".join(" & ".join(entries.get((r, c), r"\cdot") for c in range(1, cols + 1))
                                for r in range(1, rows + 1))
            shown.append(rf"{head} = \left(\begin{{smallmatrix}} {body} \end{{smallmatrix}}\right)")
        else:
            shown.extend(f"{symbol}_{{{','.join(map(str, at))}}} = {v}" for at, v in entries.items())
    return shown + loose


def _where(cx: Counterexample) -> str:
    sizes = r",\ ".join(f"{k} = {v}" for k, v in cx.sizes.items())
    indices = r",\ ".join(f"{latex_math(k)} = {v}" for k, v in cx.indices.items())
    return sizes + (rf";\quad {indices}" if indices else "")


def _context_ranges(section: Section) -> dict[str, str]:
    if section.context is not None:
        return section.context.network.index_ranges
    if section.source is not None:
        return {str(k): str(v) for k, v in (section.source.data.get("indices") or {}).items()}
    return {}


def _failing_steps(claim: ClaimResult) -> list[tuple[int, StepResult]]:
    return [(k, s) for k, s in enumerate(claim.steps, 1)
            if s.verdict in (Verdict.REFUTED, Verdict.ERROR, Verdict.UNDECIDED) or s.warnings]


def _derived_parts(item) -> tuple[str, str, Verdict]:
    verdict = item.verdict if isinstance(item.verdict, Verdict) else Verdict(str(item.verdict))
    return rf"\frac{{\partial {item.of_latex}}}{{\partial {item.wrt_latex}}}", item.latex, verdict


# -- LaTeX ---------------------------------------------------------------------------
def render_tex(note: CheckedNote) -> str:
    """The annotated notes as a standalone LaTeX article."""
    drawings = {id(s): layered(s.context) for s in note.sections if s.context is not None}
    body = [r"\begin{document}", rf"\section*{{{latex_text(note.title)}}}",
            rf"Checked by gradproof: \texttt{{{latex_text(Path(note.path).name)}}}. "
            rf"{latex_text(summary_line(note.report))}. "
            r"Marks: \gpyes{} holds, \gpno{} refuted, \gpmaybe{} undecided, \gperror{} cannot be checked, "
            r"\gpdef{} definition. The prose of the notes is not reproduced."]
    for section in note.sections:
        body.append(rf"\section{{{latex_text(section.title)}}}")
        if section.source is not None:
            body.append(_tex_model(section))
            if drawings.get(id(section)) is not None:
                body.append(tikz(drawings[id(section)]))
        if section.claims:
            body.append(r"\subsection*{Claims}")
        ranges = _context_ranges(section)
        body.extend(_tex_claim(claim, note.terms, ranges) for claim in section.claims)
    derived = [s for s in note.sections if s.derived is not None]
    if derived:
        body.append(r"\section{Derived gradients}")
        body.append("Derived by the chain rule in index notation from each model's definitions.")
        for section in derived:
            body.append(rf"\subsection*{{{latex_text(section.title)}}}")
            body.append(_tex_derived(section.derived))
    body.append(r"\end{document}")
    packages = r"\usepackage{tikz}" + "\n" if any(drawings.values()) else ""
    return PREAMBLE % {"tikz": packages} + "\n\n".join(body) + "\n"


def _tex_model(section: Section) -> str:
    data = section.source.data
    indices = ", ".join(f"${latex_math(k)} = 1, \\dots, {latex_math(str(v))}$"
                        for k, v in (data.get("indices") or {}).items())
    lines = [rf"Indices: {indices}. Loss: ${latex_math(str(data.get('loss', 'L')))}$."]
    if section.context is not None and section.context.assumptions:
        assumed = [f"one-hot ${latex_math(a.tensor.latex)}$" if a.kind == "one-hot"
                   else f"${latex_math(a.describe())}$" for a in section.context.assumptions]
        lines.append("Assumptions: " + ", ".join(assumed) + ".")
    if section.context is None:  # unreadable definitions may not be valid LaTeX either
        lines.append(r"The derivation block has an error (below); its definitions as written:")
        lines += [rf"\\ \texttt{{{latex_text(text.strip())}}}" for text, _span in section.source.defines]
        return "\n".join(lines)
    rows = []
    for text, _span in section.source.defines:
        parts = split_equation(text)
        rows.append(latex_math(text) if parts is None
                    else f"{latex_math(parts[0])} &= {latex_math(parts[1])}")
    lines.append(r"\begin{align*}" + "\n" + " \\\\\n".join(rows) + "\n" + r"\end{align*}")
    return "\n".join(lines)


def _tex_display(claim: ClaimResult, sides: list[str]) -> str:
    sides = [latex_math(s) for s in sides]
    condition = rf"\qquad ({latex_math(claim.condition)})" if claim.condition else ""
    if len(sides) < 2:
        return ""
    marks = [TEX_MARKS[s.verdict] for s in claim.steps] or [TEX_MARKS[claim.verdict]]
    if len(sides[0]) + len(sides[1]) > LONG_FIRST_LINE and len(sides) > 2:
        lines = [f"& {sides[0]}"] + [f"&= {s}" for s in sides[1:]]
        marks = [""] + marks
    else:
        lines = [f"{sides[0]} &= {sides[1]}"] + [f"&= {s}" for s in sides[2:]]
    lines = [line + (rf" \tag*{{{mark}}}" if mark else r" \notag") for line, mark in zip(lines, marks)]
    lines[-1] = lines[-1].replace(r" \tag*", condition + r" \tag*", 1) if condition else lines[-1]
    return r"\begin{align*}" + "\n" + " \\\\\n".join(lines) + "\n" + r"\end{align*}"


def _tex_claim(claim: ClaimResult, terms, ranges: dict[str, str]) -> str:
    name = f"({claim.label})" if claim.label else f"line {claim.line}"
    expect = _expectation(claim)
    head = (rf"\medskip\noindent {TEX_MARKS[claim.verdict]}\enspace\textbf{{{latex_text(name)}}}"
            rf"\enspace {claim.verdict.value}"
            + (rf"\quad{{\footnotesize ({latex_text(expect)})}}" if expect else "")
            + (rf"\hfill{{\footnotesize line {claim.line}}}" if claim.label else ""))
    parts = [head]
    sides = chain_terms(claim, terms)
    if claim.verdict == Verdict.ERROR or not sides:
        parts.append(r"\begin{gpdetail}" + latex_text(claim.message)
                     + (rf"\\ Hint: {latex_text(claim.hint)}" if claim.hint else "")
                     + (rf"\\ \texttt{{{latex_text(' '.join(claim.source.split()))}}}" if claim.source else "")
                     + r"\end{gpdetail}")
        return "\n".join(parts)
    parts.append(_tex_display(claim, sides))
    details: list[str] = []
    if claim.verdict.holds and len(claim.steps) == 1:
        details.append(latex_text(claim.steps[0].message))
    for k, step in _failing_steps(claim):
        label = f"Step {k}" if len(claim.steps) > 1 else "The claim"
        if step.counterexample is not None:
            cx = step.counterexample
            values = ", ".join(rf"\mbox{{${v}$}}" for v in leaf_values(cx.leaves, ranges))
            details.append(rf"{label} is {step.verdict.value}. Counterexample at ${_where(cx)}$"
                           + (f", with {values}" if values else "")
                           + rf": left side ${_value(cx.lhs)}$, right side ${_value(cx.rhs)}$.")
        else:
            details.append(f"{label} is {step.verdict.value}: {latex_text(step.message)}")
        details.extend(f"Warning: {latex_text(w)}" for w in step.warnings)
    if claim.correct:
        details.append(r"Correct:" + "\n" + rf"\[ {latex_math(correct_equation(claim, sides))} \]")
    details.extend(rf"$\to$ {latex_prose(line)}" for line in claim.diagnosis)
    if details:
        parts.append(r"\begin{gpdetail}" + "\n\n".join(details) + r"\end{gpdetail}")
    return "\n".join(parts)


def _tex_derived(derived: list | str) -> str:
    if isinstance(derived, str):
        return rf"\gperror{{}} {latex_text(derived)}"
    if not derived:
        return "No parameters to differentiate with respect to."
    rows = []
    for item in derived:
        lhs, rhs, verdict = _derived_parts(item)
        rows.append(rf"{latex_math(lhs)} &= {latex_math(rhs)} \tag*{{{TEX_MARKS[verdict]}~{verdict.value}}}")
    return r"\begin{align*}" + "\n" + " \\\\\n".join(rows) + "\n" + r"\end{align*}"


# -- Markdown --------------------------------------------------------------------------
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
        ranges = _context_ranges(section)
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
                lhs, rhs, verdict = _derived_parts(item)
                out += [f"{MARKS[verdict]} {verdict.value}", "", "$$", f"{lhs} = {rhs}", "$$", ""]
    return "\n".join(out).rstrip() + "\n"


def _md_claim(claim: ClaimResult, terms, ranges: dict[str, str]) -> list[str]:
    name = f"({claim.label})" if claim.label else f"line {claim.line}"
    expect = _expectation(claim)
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
    for k, step in _failing_steps(claim):
        label = f"Step {k}" if len(claim.steps) > 1 else "The claim"
        if step.counterexample is not None:
            cx = step.counterexample
            values = ", ".join(f"$`{v}`$" for v in leaf_values(cx.leaves, ranges))
            out += [f"- {MARKS[step.verdict]} {label} is {step.verdict.value}. Counterexample at $`{_where(cx)}`$"
                    + (f", with {values}" if values else "")
                    + f": left side {cx.lhs}, right side {cx.rhs}."]
        else:
            out += [f"- {MARKS[step.verdict]} {label} is {step.verdict.value}: {step.message}"]
        out += [f"- warning: {w}" for w in step.warnings]
    out += [f"- → {line}" for line in claim.diagnosis]
    if claim.correct:
        out += ["- **Correct:**", "", "$$", correct_equation(claim, sides), "$$"]
    return out + [""]


# -- writing ---------------------------------------------------------------------------
def pdflatex_path() -> str:
    """Where pdflatex is.

    Raises:
        UsageError: it is not installed.
    """
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise UsageError("pdflatex not found: cannot export to .pdf", hint=PDFLATEX_HINT)
    return pdflatex


def compile_pdf(tex: str) -> bytes:
    """Run pdflatex on ``tex`` in a temporary directory and return the PDF.

    Raises:
        UsageError: pdflatex is not installed.
        GradproofError: pdflatex failed; the message holds the first LaTeX error.
    """
    pdflatex = pdflatex_path()
    with tempfile.TemporaryDirectory(prefix="gradproof-pdf-") as folder:
        work = Path(folder)
        (work / "notes.tex").write_text(tex, encoding="utf-8")
        for _ in range(PDFLATEX_RUNS):
            try:
                done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                                       "-no-shell-escape", "notes.tex"], cwd=work,
                                      stdin=subprocess.DEVNULL, capture_output=True,
                                      timeout=PDFLATEX_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise GradproofError(f"pdflatex took longer than {PDFLATEX_TIMEOUT:.0f} s",
                                     hint="export to .tex and run pdflatex on it yourself") from None
            log_file = work / "notes.log"
            log = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else ""
            if done.returncode != 0 or not (work / "notes.pdf").exists():
                raise GradproofError(f"pdflatex failed: {first_latex_error(log, done)}",
                                     hint="export to .tex and run pdflatex on it to see the whole log")
            if "Rerun to get" not in log:
                break
        return (work / "notes.pdf").read_bytes()


def first_latex_error(log: str, done: subprocess.CompletedProcess | None = None) -> str:
    """The first ``! ...`` line of a LaTeX log with the ``l.N`` line that follows it."""
    lines = log.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("!"):
            where = next((x.strip() for x in lines[n + 1:n + 12] if re.match(r"l\.\d+", x)), "")
            return f"{line[1:].strip()}" + (f" ({where})" if where else "")
    output = (done.stdout or b"").decode("utf-8", "replace").strip().splitlines() if done else []
    return output[-1] if output else "no error line in the log"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def output_format(source: str | Path, output: str | Path, force: bool) -> ExportFormat:
    """The format of ``output``, after refusing outputs that cannot or must not be written.

    Raises:
        UsageError: OUT is the input, exists without ``force``, is a folder, has an unknown suffix.
    """
    out, src = Path(output), Path(source)
    if out.resolve() == src.resolve() or (out.exists() and src.exists() and os.path.samefile(out, src)):
        raise UsageError(f"refusing to write over the input file {source}",
                         hint="choose another output path with -o")
    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot export to {output}: unknown suffix '{out.suffix}'",
                         hint="use one of " + ", ".join(SUFFIXES))
    if out.is_dir():
        raise UsageError(f"{output} is a directory", hint="give a file name such as notes.tex")
    if out.exists() and not force:
        raise UsageError(f"{output} exists", hint="pass --force to replace it")
    if not out.parent.resolve().is_dir():
        raise UsageError(f"no such directory: {out.parent}", hint="create it first")
    return fmt


def export(source: str | Path, output: str | Path, force: bool = False) -> CheckedNote:
    """Check ``source`` and write it to ``output`` in the format its suffix names.

    Raises:
        GradproofError: the output is refused, the input cannot be read, or pdflatex fails.
    """
    fmt = output_format(source, output, force)
    if fmt == "pdf":
        pdflatex_path()
    note = check_note(source, derive=fmt != "json")
    if fmt == "json":
        data = render_json([note.report]).encode("utf-8") + b"\n"
    elif fmt == "md":
        data = render_markdown(note).encode("utf-8")
    else:
        tex = render_tex(note)
        data = compile_pdf(tex) if fmt == "pdf" else tex.encode("utf-8")
    write_atomically(Path(output), data)
    return note


def run_export(args) -> int:
    """``gradproof export FILE -o OUT [--force]``: 0 when OUT is written."""
    note = export(args.file, args.output, args.force)
    print(f"wrote {args.output}: {summary_line(note.report)}")
    return 0
