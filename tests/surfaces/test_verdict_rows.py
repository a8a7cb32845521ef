"""Every verdict has one presentation row, and every renderer shows it from that row.

A verdict added to the enum without a row, or a renderer that keeps its own
marks, fails here rather than in front of a user.
"""

from __future__ import annotations

import json

import pytest

from symbolic import ClaimResult, FileReport, StepResult, Verdict
from symbolic.export.latex import mark_definitions, render_tex
from symbolic.export.markdown import render_markdown
from symbolic.export.note import CheckedNote, Section
from symbolic.report import exit_code, render
from symbolic.verdicts import EXPECTATION_EXIT_CODE, PRESENTATION


def claim_with(verdict: Verdict, expected: Verdict | None = None) -> ClaimResult:
    step = StepResult(verdict, "a_{k}", "b_{k}", 3, 3, message=f"step is {verdict.value}")
    return ClaimResult("n.md", 3, 1, verdict, label="7", message=f"claim is {verdict.value}",
                       expected=expected, steps=[step], source="$$a_k = b_k$$")


def report_with(verdict: Verdict, expected: Verdict | None = None) -> FileReport:
    return FileReport("n.md", [claim_with(verdict, expected)])


def test_every_verdict_has_one_complete_row():
    assert set(PRESENTATION) == set(Verdict)
    for verdict, row in PRESENTATION.items():
        assert verdict.shown is row
        assert row.mark and row.tex.startswith("\\gp") and row.math and row.legend
        assert row.colour.rgb and len(row.colour.rgb) == 3
    holding = {PRESENTATION[v].mark for v in Verdict if v.holds}
    assert len(holding) == 1, "proved and verified share one mark"
    assert len({row.mark for row in PRESENTATION.values()}) == len(Verdict) - 1


@pytest.mark.parametrize("verdict", list(Verdict))
def test_text_report_shows_the_mark_of_the_row(verdict):
    text = render([report_with(verdict)], "text", verbose=True)
    assert f"n.md:3:1 (7) {PRESENTATION[verdict].mark} {verdict.value}" in text


@pytest.mark.parametrize("verdict", list(Verdict))
def test_coloured_text_paints_the_mark_in_the_row_colour(verdict):
    row = PRESENTATION[verdict]
    text = render([report_with(verdict)], "text", verbose=True, colour=True)
    assert row.colour.paint(row.mark) in text


@pytest.mark.parametrize("verdict", list(Verdict))
def test_json_report_names_the_verdict(verdict):
    data = json.loads(render([report_with(verdict)], "json"))
    claim = data["files"][0]["claims"][0]
    assert claim["verdict"] == verdict.value
    assert claim["steps"][0]["verdict"] == verdict.value


@pytest.mark.parametrize("verdict", list(Verdict))
def test_github_annotation_level_comes_from_the_row(verdict):
    report = report_with(verdict)
    text = render([report], "github")
    level = PRESENTATION[verdict].annotation
    if report.claims[0].passes:
        assert "::error" not in text and "::warning" not in text
    else:
        assert text.startswith(f"::{level} file=n.md,line=3,col=1,title=gradproof {verdict.value}::")


@pytest.mark.parametrize("verdict", list(Verdict))
def test_exit_code_comes_from_the_row(verdict):
    report = report_with(verdict)
    expected = 0 if report.claims[0].passes or verdict in (Verdict.DEFINITION, Verdict.SKIPPED) \
        else PRESENTATION[verdict].exit_code
    assert exit_code([report]) == expected


def test_exit_code_takes_the_lowest_failing_code_and_expectations_fail_with_one():
    reports = [report_with(Verdict.UNDECIDED), report_with(Verdict.ERROR)]
    assert exit_code(reports) == 2
    assert exit_code(reports + [report_with(Verdict.REFUTED)]) == 1
    assert exit_code([report_with(Verdict.VERIFIED, expected=Verdict.REFUTED)]) == EXPECTATION_EXIT_CODE
    assert exit_code([report_with(Verdict.REFUTED, expected=Verdict.REFUTED)]) == 0


def note_with(verdict: Verdict) -> CheckedNote:
    report = report_with(verdict)
    section = Section("Claims", None, None, claims=report.claims)
    return CheckedNote("n.md", "Marks", report, [section], {(3, 1): ["a_{k}", "b_{k}"]})


@pytest.mark.parametrize("verdict", list(Verdict))
def test_latex_export_uses_the_macro_of_the_row_and_defines_it(verdict):
    row = PRESENTATION[verdict]
    tex = render_tex(note_with(verdict))
    assert rf"\newcommand{{{row.tex}}}{{{row.tex_body.format(colour=row.colour.name)}}}" in tex
    assert rf"\definecolor{{{row.colour.name}}}" in tex
    assert rf"\noindent {row.tex}\enspace" in tex  # the claim's head
    if verdict != Verdict.ERROR:
        assert rf"\tag*{{{row.tex}}}" in tex        # the step's mark
    assert f"{row.tex}{{}} {row.legend}" in tex     # the key at the top


def test_latex_preamble_defines_each_macro_once():
    definitions = mark_definitions()
    for macro in {row.tex for row in PRESENTATION.values()}:
        assert definitions.count(rf"\newcommand{{{macro}}}") == 1


@pytest.mark.parametrize("verdict", list(Verdict))
def test_markdown_export_uses_the_text_and_math_marks_of_the_row(verdict):
    row = PRESENTATION[verdict]
    md = render_markdown(note_with(verdict))
    assert f"#### {row.mark} (7) — {verdict.value}" in md
    if verdict != Verdict.ERROR:
        assert f"a_{{k}} &= b_{{k}} && {row.math}" in md
