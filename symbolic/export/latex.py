"""LaTeX for the export: escaping of gradproof's text and the notes' math, and the annotated article.

Math is taken from the parsed terms (labels, comments and ``\\tag`` already
removed), text gradproof writes is escaped, and characters pdflatex cannot
typeset are replaced, so notes written in any language compile with pdflatex.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..model.names import latex_name
from ..errors import Span
from ..model.context import split_equation
from ..model.tensors import GREEK
from ..results import ClaimResult, Counterexample
from ..verdicts import COLOURS, PRESENTATION, Verdict
from .note import (CheckedNote, Section, chain_terms, correct_equation, derived_parts, expectation,
                   failing_steps, summary_line)
from .tex_safety import safe_math
from .tikz import layered, letters_for, tikz

LONG_FIRST_LINE = 90           # characters of "E0 = E1" above which E0 gets its own line

LEAF_RE = re.compile(r"^(?P<name>[^()\[\]]+)(?:\((?P<ranges>[^)]*)\))?(?:\[(?P<at>[^\]]*)\])?$")
FRACTION_RE = re.compile(r"^(-?)(\d+)/(\d+)$")
SUBSCRIPT_RE = re.compile(r"(?<![\w\\])([A-Za-z]|[\u0391-\u03c9])_(\{[A-Za-z0-9]{1,3}'*\}|[A-Za-z0-9]{1,3}'*)(?![\w{])")
NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
LITERAL_RE = re.compile(r"\\.|[%#]", re.S)  # a bare % or # in math is a character, not a comment

TEXT_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                 "#": r"\#", "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
# Non-ASCII characters gradproof's messages use, as math; other characters are left out.
UNICODE_MATH = {"×": r"\times", "…": r"\dots", "→": r"\to", "←": r"\leftarrow", "≠": r"\neq",
                "≤": r"\leq", "≥": r"\geq", "−": "-", "·": r"\cdot", "∂": r"\partial",
                "∇": r"\nabla", "∑": r"\sum", "√": r"\surd", "≈": r"\approx", "∈": r"\in",
                "✓": r"\checkmark", "✗": r"\times", "≔": ":=", "²": "^{2}", "³": "^{3}", "′": "'"}
# Combining accents the text form of a name uses (ŷ, x̄), as the math accent they stand for.
ACCENTS = {"\u0302": "hat", "\u0303": "tilde", "\u0304": "bar", "\u0305": "overline", "\u0306": "breve",
           "\u0307": "dot", "\u0308": "ddot", "\u0301": "acute", "\u0300": "grave", "\u030c": "check",
           "\u20d7": "vec"}
UNICODE_TEXT = {"—": "---", "–": "--", "’": "'", "‘": "`", "“": "``", "”": "''", "\u00a0": "~"}
TEX_MARKS = {verdict: row.tex for verdict, row in PRESENTATION.items()}

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{xcolor}
%(tikz)s\allowdisplaybreaks
\setlength{\parindent}{0pt}
%(marks)s
\newenvironment{gpdetail}{\begin{list}{}{\leftmargin=1.5em\rightmargin=0pt}\item\relax\small\raggedright}{\end{list}}
"""


def mark_definitions() -> str:
    """The preamble's colours and verdict-mark macros, from the presentation table."""
    lines = [rf"\definecolor{{{c.name}}}{{rgb}}{{{c.rgb[0]:g},{c.rgb[1]:g},{c.rgb[2]:g}}}" for c in COLOURS]
    defined = {}
    for row in PRESENTATION.values():
        defined.setdefault(row.tex, row.tex_body.format(colour=row.colour.name))
    lines += [rf"\newcommand{{{macro}}}{{{body}}}" for macro, body in defined.items()]
    return "\n".join(lines)


def mark_legend() -> str:
    """``Marks: \\gpyes{} holds, \\gpno{} refuted, …`` for the head of the article."""
    legend = {}
    for row in PRESENTATION.values():
        legend.setdefault(row.tex, row.legend)
    return "Marks: " + ", ".join(f"{macro}{{}} {meaning}" for macro, meaning in legend.items()) + "."


def _greek(char: str) -> str | None:
    m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER (\w+)", unicodedata.name(char, ""))
    if not m:
        return None
    word = m.group(2).lower().replace("lamda", "lambda")
    word = word if m.group(1) == "SMALL" else word.capitalize()
    return "\\" + word if word in GREEK or word in ("varepsilon", "vartheta") else None


def _accented(char: str) -> str:
    """A precomposed accented letter (ŷ) as letter and combining accent; other characters as they are."""
    parts = unicodedata.normalize("NFD", char)
    return parts if len(parts) == 2 and parts[0].isascii() and parts[1] in ACCENTS else char


def latex_text(text: str) -> str:
    """``text`` as LaTeX text: specials escaped, non-ASCII typeset or left out."""
    out: list[str] = []
    for char in "".join(_accented(c) for c in text):
        if char in ACCENTS and out and len(out[-1]) == 1 and out[-1].isalpha():
            out[-1] = rf"\ensuremath{{\{ACCENTS[char]}{{{out[-1]}}}}}"  # ŷ in a name: \hat{y}
        elif char in TEXT_SPECIALS:
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


def latex_math(text: str, span: Span | None = None, what: str = "math") -> str:
    """Math copied from notes, checked against the allow-list and made safe for pdflatex.

    Raises:
        ExportError: at ``span``, when the math uses what exports do not allow (see
            :mod:`symbolic.export.tex_safety`).
    """
    text = safe_math(text, span, what)
    text = re.sub(r"\\mathbb\s*\{\s*1\s*\}", r"\\mathbf{1}", text)
    text = LITERAL_RE.sub(lambda m: m.group(0) if len(m.group(0)) == 2 else "\\" + m.group(0), text)
    out: list[str] = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif (math := UNICODE_MATH.get(char) or _greek(char)) is not None:
            out.append(math + " ")
        else:
            out.append("?")
    return " ".join("".join(out).split())


def _value(text: str) -> str:
    m = FRACTION_RE.match(text.strip())
    if m:
        return f"{m.group(1)}{m.group(2)}/{m.group(3)}"  # as in the text report; legible in a small matrix
    return text if NUMBER_RE.match(text.strip()) else rf"\text{{{latex_text(text)}}}"


def leaf_values(leaves: dict[str, str], index_ranges: dict[str, str], span: Span | None = None) -> list[str]:
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
        symbol = latex_math(latex_name(name.removeprefix("\\")), span, "counterexample")
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


def counterexample_point(cx: Counterexample, span: Span | None = None) -> str:
    """Where a counterexample was found: its sizes and indices as LaTeX math."""
    sizes = r",\ ".join(f"{latex_math(k, span, 'size')} = {v}" for k, v in cx.sizes.items())
    indices = r",\ ".join(f"{latex_math(k, span, 'index')} = {v}" for k, v in cx.indices.items())
    return sizes + (rf";\quad {indices}" if indices else "")


# -- the article -------------------------------------------------------------------
def render_tex(note: CheckedNote) -> str:
    """The annotated notes as a standalone LaTeX article."""
    drawings = {id(s): layered(s.context) for s in note.sections if s.context is not None}
    body = [r"\begin{document}", rf"\section*{{{latex_text(note.title)}}}",
            rf"Checked by gradproof: \texttt{{{latex_text(Path(note.path).name)}}}. "
            rf"{latex_text(summary_line(note.report))}. "
            + mark_legend() + " The prose of the notes is not reproduced."]
    for section in note.sections:
        body.append(rf"\section{{{latex_text(section.title)}}}")
        if section.source is not None:
            body.append(_tex_model(section))
            if drawings.get(id(section)) is not None:
                body.append(tikz(drawings[id(section)], section.source.span))
        if section.claims:
            body.append(r"\subsection*{Claims}")
        ranges = section.index_ranges()
        body.extend(_tex_claim(claim, note.terms, ranges) for claim in section.claims)
    derived = [s for s in note.sections if s.derived is not None]
    if derived:
        body.append(r"\section{Derived gradients}")
        body.append("Derived by the chain rule in index notation from each model's definitions.")
        for section in derived:
            body.append(rf"\subsection*{{{latex_text(section.title)}}}")
            body.append(_tex_derived(section.derived, section.source.span))
    body.append(r"\end{document}")
    packages = r"\usepackage{tikz}" + "\n" if any(drawings.values()) else ""
    return PREAMBLE % {"tikz": packages, "marks": mark_definitions()} + "\n\n".join(body) + "\n"


def _tex_model(section: Section) -> str:
    data, span = section.source.data, section.source.span
    indices = data.get("indices") if isinstance(data.get("indices"), dict) else {}
    if section.context is None:  # nothing in an unreadable block is known to be math: it is text
        shown = ", ".join(f"{k} = 1, …, {v}" for k, v in indices.items())
        lines = [rf"Indices: {latex_text(shown)}. Loss: \texttt{{{latex_text(str(data.get('loss', 'L')))}}}.",
                 r"The derivation block has an error (below); its definitions as written:"]
        lines += [rf"\\ \texttt{{{latex_text(text.strip())}}}" for text, _span in section.source.defines]
        return "\n".join(lines)
    shown = ", ".join(f"${latex_math(str(k), span, 'index')} = 1, \\dots, {latex_math(str(v), span, 'index')}$"
                      for k, v in indices.items())
    lines = [rf"Indices: {shown}. Loss: ${latex_math(str(data.get('loss', 'L')), span, 'loss')}$."]
    if section.context.assumptions:
        assumed = [f"one-hot ${latex_math(latex_name(a.tensor.name), span, 'assumption')}$" if a.kind == "one-hot"
                   else f"${latex_math(a.describe(), span, 'assumption')}$" for a in section.context.assumptions]
        lines.append("Assumptions: " + ", ".join(assumed) + ".")
    rows = []
    for text, at in section.source.defines:
        parts = split_equation(text)
        rows.append(latex_math(text, at, "definition") if parts is None
                    else f"{latex_math(parts[0], at, 'definition')} &= {latex_math(parts[1], at, 'definition')}")
    lines.append(r"\begin{align*}" + "\n" + " \\\\\n".join(rows) + "\n" + r"\end{align*}")
    return "\n".join(lines)


def _claim_span(claim: ClaimResult) -> Span:
    return Span(claim.path, claim.line, claim.column)


def _tex_display(claim: ClaimResult, sides: list[str]) -> str:
    span = _claim_span(claim)
    sides = [latex_math(s, span, "claim") for s in sides]
    condition = rf"\qquad ({latex_math(claim.condition, span, 'condition')})" if claim.condition else ""
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
    expect = expectation(claim)
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
    for k, step in failing_steps(claim):
        label = f"Step {k}" if len(claim.steps) > 1 else "The claim"
        if step.counterexample is not None:
            cx = step.counterexample
            values = ", ".join(rf"\mbox{{${v}$}}" for v in leaf_values(cx.leaves, ranges, _claim_span(claim)))
            details.append(rf"{label} is {step.verdict.value}. "
                           rf"Counterexample at ${counterexample_point(cx, _claim_span(claim))}$"
                           + (f", with {values}" if values else "")
                           + rf": left side ${_value(cx.lhs)}$, right side ${_value(cx.rhs)}$.")
        else:
            details.append(f"{label} is {step.verdict.value}: {latex_text(step.message)}")
        details.extend(f"Warning: {latex_text(w)}" for w in step.warnings)
    if claim.correct:
        correct = latex_math(correct_equation(claim, sides), _claim_span(claim), "correct formula")
        details.append(r"Correct:" + "\n" + rf"\[ {correct} \]")
    details.extend(rf"$\to$ {latex_prose(line)}" for line in claim.diagnosis)
    if details:
        parts.append(r"\begin{gpdetail}" + "\n\n".join(details) + r"\end{gpdetail}")
    return "\n".join(parts)


def _tex_derived(derived: list | str, span: Span) -> str:
    if isinstance(derived, str):
        return rf"\gperror{{}} {latex_text(derived)}"
    if not derived:
        return "No parameters to differentiate with respect to."
    rows = []
    for item in derived:
        lhs, rhs, verdict = derived_parts(item)
        rows.append(rf"{latex_math(lhs, span, 'derived gradient')} &= {latex_math(rhs, span, 'derived gradient')}"
                    rf" \tag*{{{TEX_MARKS[verdict]}~{verdict.value}}}")
    return r"\begin{align*}" + "\n" + " \\\\\n".join(rows) + "\n" + r"\end{align*}"
