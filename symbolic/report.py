"""Render check results as text, JSON or GitHub workflow annotations."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Iterable, Literal

from .results import ClaimResult, FileReport
from .verdicts import EXPECTATION_EXIT_CODE, PRESENTATION, UNREAD_EXIT_CODE, Verdict

Format = Literal["text", "json", "github"]
FORMATS: tuple[Format, ...] = ("text", "json", "github")

# The text marks, read from the presentation table (pytest's failure text uses them too).
MARKS = {verdict: row.mark for verdict, row in PRESENTATION.items()}


# Version of the --format json layout (docs/report.schema.json); raised when a field changes meaning.
JSON_SCHEMA_VERSION = 1

def counted(claim: ClaimResult) -> bool:
    """Whether a claim counts (summary, exit code, pytest item).

    Definitions and wholly skipped chains (substitutions only) do not, unless
    the author wrote an expectation for them: then it is checked like any claim.
    """
    return claim.expected is not None or claim.verdict not in (Verdict.DEFINITION, Verdict.SKIPPED)


def exit_code(reports: Iterable[FileReport]) -> int:
    """1 if a claim fails as refuted, else 2 for errors, 3 for undecided, else 0.

    A claim whose verdict matches its recorded expectation passes.
    """
    codes = [EXPECTATION_EXIT_CODE if c.expected is not None else c.verdict.shown.exit_code
             for r in reports for c in r.claims if counted(c) and not c.passes]
    if any(r.unread for r in reports):
        codes.append(UNREAD_EXIT_CODE)  # display math read, no claim checked: not "all as expected"
    return min((code for code in codes if code), default=0)


def summary(reports: list[FileReport]) -> dict[str, int]:
    counts = Counter(c.verdict.value for r in reports for c in r.claims)
    result = {v.value: counts[v.value] for v in Verdict if counts[v.value]}
    claims = [c for r in reports for c in r.claims if counted(c)]
    result["claims"] = len(claims)
    result["failing"] = sum(1 for c in claims if not c.passes)
    unread = sum(len(r.unread) for r in reports)
    if unread:
        result["unread"] = unread
    return result


def _mark(verdict: Verdict, colour: bool) -> str:
    row = verdict.shown
    return row.colour.paint(row.mark) if colour else row.mark


def _claim_lines(claim: ClaimResult, verbose: bool, colour: bool = False) -> list[str]:
    mark = _mark(claim.verdict, colour)
    label = f" ({claim.label})" if claim.label else ""
    expect = ""
    if claim.expected is not None:
        expect = f"  [expected {claim.expected.value}: {'ok' if claim.passes else 'MISMATCH'}]"
    warned = " (warning)" if claim.warnings else ""
    head = (f"{claim.where}{label} {mark} {claim.verdict.value}"
            f"{warned}{expect}")
    if claim.verdict == Verdict.DEFINITION:
        return [f"{head}  {claim.message}"] if verbose else []
    lines = [head]
    if claim.verdict == Verdict.ERROR or (not claim.steps and claim.message):
        lines.append(f"    {claim.message}" + (f" (hint: {claim.hint})" if claim.hint else ""))
        return lines
    for k, step in enumerate(claim.steps, 1):
        if len(claim.steps) > 1 or verbose or not step.verdict.holds:
            smark = _mark(step.verdict, colour)
            lines.append(f"    {smark} step {k}: {step.lhs} = {step.rhs}")
            if step.message and (verbose or not step.verdict.holds or step.warnings
                                 or step.kind != "identity"):
                lines.append(f"        {_step_message(step, verbose)}")
        elif step.message:
            lines.append(f"    {step.message}")
    for note in claim.diagnosis:
        lines.append(f"    → {note}")
    if claim.correct:
        lines.append(f"    → correct: {claim.correct}")
    for w in claim.warnings:
        if all(w != s.message for s in claim.steps):
            lines.append(f"    warning: {w}")
    lines.append(f"    ({claim.seconds:.2f} s)")
    return lines


def _step_message(step, verbose: bool) -> str:
    """The step's message; with ``verbose``, a counterexample shows every leaf value."""
    cx = step.counterexample
    if verbose and cx is not None and step.message.startswith("false "):
        return "false " + cx.describe(shown=len(cx.leaves))
    return step.message


def render_text(reports: list[FileReport], verbose: bool = False, colour: bool = False) -> str:
    """The human report; with ``colour``, marks are painted for an ANSI terminal."""
    out: list[str] = []
    for report in reports:
        for claim in report.claims:
            out.extend(_claim_lines(claim, verbose, colour))
        for display in report.unread:
            out.append(f"{display.where(report.path)} warning: {display.MESSAGE}: {display.text} "
                       f"(hint: {display.HINT})")
    seconds = sum(r.seconds for r in reports)
    line = summary_line(reports, " — ", f" in {len(reports)} file(s)")
    out.append(f"summary: {line} ({seconds:.2f} s)")
    return "\n".join(_safe_line(line) for line in out)


_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _safe_line(line: str) -> str:
    """One output line: the note's own line breaks become spaces, and no line starts with
    ``::``, which GitHub Actions would read as a workflow command."""
    line = _BREAKS.sub(" ", line)
    stripped = line.lstrip()
    if stripped.startswith("::"):
        line = line[:len(line) - len(stripped)] + ": :" + stripped[2:]
    return line


def summary_line(reports: list[FileReport], sep: str = "; ", where: str = "") -> str:
    """The verdict counts in one line, ending with how many claims fail (text report and exports):
    ``5 verified, 1 refuted{sep}6 claims{where}, all as expected``."""
    counts = summary(reports)
    parts = [f"{n} {v}" for v, n in counts.items() if v not in ("claims", "failing", "unread")]
    status = "all as expected" if counts["failing"] == 0 else f"{counts['failing']} failing"
    if counts.get("unread"):  # a note whose math was read as no claim is not all as expected
        status = (f"{counts['failing']} failing, " if counts["failing"] else "") + \
            f"{counts['unread']} display(s) read but holding no claim"
    return f"{', '.join(parts) or 'nothing to check'}{sep}{counts['claims']} claims{where}, {status}"


def render_json(reports: list[FileReport]) -> str:
    data = {"schema": JSON_SCHEMA_VERSION, "files": [r.to_json() for r in reports],
            "summary": summary(reports)}
    return json.dumps(data, indent=2, ensure_ascii=False)


def _escape(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped as GitHub reads them."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property (file=, title=): also ':' and ',', which end it."""
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: list[FileReport]) -> str:
    """``::error``/``::warning`` workflow commands, one per failing or warned claim."""
    out = []
    for report in reports:
        for c in report.claims:
            name = f"claim ({c.label})" if c.label else "claim"
            if not c.passes:
                level = "error" if c.expected is not None else c.verdict.shown.annotation or "warning"
                text = f"{name} {c.verdict.value}: {c.message}"
                if c.correct:
                    text += f" — correct: {c.correct}"
                out.append(f"::{level} file={_escape_property(c.path)},line={c.line},col={c.column},"
                           f"title=gradproof {c.verdict.value}::{_escape(text)}")
            for w in c.warnings:
                out.append(f"::warning file={_escape_property(c.path)},line={c.line},col={c.column},"
                           f"title=gradproof warning::{_escape(w)}")
        for d in report.unread:
            out.append(f"::warning file={_escape_property(report.path)},line={d.line},col={d.column},"
                       f"title=gradproof warning::{_escape(f'{d.MESSAGE}: {d.text}')}")
    counts = summary(reports)
    out.append(f"gradproof: {counts['claims']} claims, {counts['failing']} failing")
    return "\n".join(out)


def render(reports: list[FileReport], fmt: Format, verbose: bool = False, colour: bool = False) -> str:
    if fmt == "json":
        return render_json(reports)
    if fmt == "github":
        return render_github(reports)
    return render_text(reports, verbose, colour)
