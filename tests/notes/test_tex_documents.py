"""LaTeX documents read directly; the fixture still compiles with pdflatex."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from symbolic import Verdict
from symbolic.checker import check_file
from symbolic.notes.reader import ChainSource, ContextSource, Problem, parse_note, read_note

FIXTURE = Path(__file__).resolve().parents[1] / "notes_fixtures" / "softmax_note.tex"


def chains(text: str, inline: bool = False) -> list[ChainSource]:
    return [i for i in parse_note(text, "d.tex", inline=inline).items if isinstance(i, ChainSource)]


def test_the_fixture_gives_the_claims_a_reader_sees_at_their_places():
    note = read_note(FIXTURE)
    context, *claims = note.items
    assert isinstance(context, ContextSource) and context.span.line == 10
    assert [(c.terms[0].text, c.terms[0].span.line, c.terms[0].span.column) for c in claims] == [
        (r"\nabla b_k", 20, 3), (r"\nabla w_{jk}", 24, 3), (r"\frac{\partial L}{\partial a_k}", 27, 4)]
    assert claims[0].label == "1" and claims[1].expect == Verdict.REFUTED


def test_the_fixture_checks_as_expected():
    report = check_file(FIXTURE)
    assert [(c.line, c.column, c.verdict, c.passes) for c in report.claims] == [
        (20, 3, Verdict.PROVED, True), (24, 3, Verdict.REFUTED, True), (27, 4, Verdict.PROVED, True)]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_fixture_still_compiles_with_pdflatex(tmp_path):
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                           f"-output-directory={tmp_path}", str(FIXTURE)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "softmax_note.pdf").stat().st_size > 1000


@pytest.mark.parametrize("math", [
    "\\begin{equation} a = b \\end{equation}", "\\begin{equation*} a = b \\end{equation*}",
    "\\begin{align} a &= b \\end{align}", "\\begin{gather*} a = b \\end{gather*}",
    "\\begin{multline} a = b \\end{multline}", "\\[ a = b \\]", "$$ a = b $$",
])
def test_display_forms(math):
    (chain,) = chains(f"Text.\n{math}\n")
    assert [t.text for t in chain.terms] == ["a", "b"] and chain.display


def test_comments_verbatim_and_escaped_dollars_are_not_math():
    text = ("% $$a = b$$\n\\begin{verbatim}\n\\[ c = d \\]\n\\end{verbatim}\n"
            "\\verb|$e = f$| costs \\$5 = \\$5, \\% $g = h$\n")
    assert [[t.text for t in c.terms] for c in chains(text, inline=True)] == [["g", "h"]]


def test_inline_math_only_with_the_option():
    text = "Here $a = b$ and \\(c = d\\).\n"
    assert chains(text) == []
    assert [(c.terms[1].span.line, c.terms[1].span.column) for c in chains(text, inline=True)] == [(1, 11), (1, 24)]


def test_model_from_a_comment_block():
    text = ("%! derivation\n% indices: {k: K}\n% define: |\n%   L = \\sum_k a_k\n%! end\n"
            "\\[ \\frac{\\partial L}{\\partial a_k} = 1 \\]\n")
    context, chain = parse_note(text, "d.tex").items
    assert context.data["indices"] == {"k": "K"}
    assert [(t, s.line, s.column) for t, s in context.defines] == [("L = \\sum_k a_k", 4, 5)]
    assert chain.terms[1].span.line == 6


def test_unclosed_derivation_blocks_are_problems():
    (problem,) = parse_note("\\begin{derivation}\nindices: {k: K}\n", "d.tex").items
    assert isinstance(problem, Problem) and "not closed" in problem.error.message
    assert "\\end{derivation}" in problem.error.hint
    problem = parse_note("%! derivation\n% indices: {k: K}\ntext\n", "d.tex").items[0]
    assert isinstance(problem, Problem) and problem.error.span.line == 1
