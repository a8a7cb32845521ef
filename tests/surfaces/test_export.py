"""gradproof export: .tex, .pdf, .md and .json through the real CLI, and its refusals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from symbolic.export import document as export_module
from symbolic.checker import check_file
from symbolic.cli import main
from symbolic.errors import ExportError
from symbolic.export.document import check_note, compile_pdf, latex_math, latex_prose, latex_text, render_tex
from symbolic.export.tikz import layered

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ["backprop_seed.md", "backprop_cross_entropy.md"]
needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                                    reason="pdflatex and pdftotext (TeX Live, poppler-utils) are not installed")

NASTY_NOTE = r"""# 反向传播笔记

这是中文的说明，带有特殊字符 % & $ _ # ~ ^ \ { }。

## 第一部分

```derivation
indices: {j: J, k: K}
define: |
  a_k = \sum_j w_{jk} h_j
  L = \frac{1}{2} \sum_k (a_k - t_k)^2
```

$$\frac{\partial L}{\partial w_{jk}} = -h_j (a_k - t_k) \ ......(1) % a comment with & and $ inside$$

$$\frac{\partial L}{\partial w_{jk}} = h_j (a_k - t_k) \tag{2}$$

$$\frac {d?a_k}{d?h_j} = w_{jk}·2$$
"""


@pytest.fixture
def seed(tmp_path, request) -> Path:
    """A copy of a seed file in a temporary folder, so exports never touch the repository."""
    target = tmp_path / request.param
    shutil.copyfile(ROOT / "derivations" / request.param, target)
    return target


def run_export(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def claim_heads(path: Path) -> list[tuple[str, str]]:
    """Each claim's name and verdict as the export heads it: ("(1)", "refuted"), ("line 32", "definition").

    The export's legend names every verdict, so a verdict word alone proves nothing."""
    return [(f"({c.label})" if c.label else f"line {c.line}", c.verdict.value) for c in check_file(path).claims]


@pytest.mark.parametrize("seed", SEEDS, indirect=True)
def test_tex_export_has_definitions_marks_and_clean_math(seed, capsys):
    out = seed.with_suffix(".tex")
    code, stdout, _ = run_export(capsys, seed, "-o", out)
    assert code == 0
    assert stdout.startswith(f"wrote {out}:") and "claims" in stdout
    tex = out.read_text(encoding="utf-8")
    assert tex.isascii()
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    assert r"z_j &= \sum_i w_{ij} x_i + b_j" in tex
    assert r"\begin{tikzpicture}" in tex and r"(u0r0)" in tex and r"{$x_{1}$};" in tex
    for leftover in (r"\tag{", "% expect", "......", "(1)$$"):
        assert leftover not in tex
    heads = claim_heads(seed)
    assert heads
    for name, verdict in heads:
        assert rf"\textbf{{{latex_text(name)}}}\enspace {verdict}" in tex
    assert r"\gpyes" in tex
    if seed.name == "backprop_seed.md":
        assert r"\gpno\enspace\textbf{(1)}\enspace refuted" in tex
        assert r"Counterexample at $I = 2,\ J = 3,\ K = 4" in tex
        assert r"w_{jk} = \left(\begin{smallmatrix}" in tex
    assert ("Correct:" in tex) == (seed.name == "backprop_seed.md")  # only the seed has refuted claims
    assert r"\section{Derived gradients}" in tex


@pytest.mark.parametrize("seed", SEEDS, indirect=True)
def test_markdown_export_has_math_marks_and_counterexamples(seed, capsys):
    out = seed.with_name("notes.md")
    code, _, _ = run_export(capsys, seed, "-o", out)
    assert code == 0
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Backpropagation")
    assert "$$\n\\begin{aligned}\nz_j &= \\sum_i w_{ij} x_i + b_j" in md
    assert "```mermaid" in md
    if seed.name == "backprop_seed.md":
        assert "#### ✗ (1) — refuted (expected refuted: as expected)" in md
        assert "Counterexample at $`I = 2,\\ J = 3,\\ K = 4" in md
        assert "\\tag{" not in md and "% expect" not in md
    else:
        assert "#### ✓ (1) — proved" in md
    has_correct = "- **Correct:**\n\n$$\n\\frac{\\partial L}{\\partial w_{jk}} = " in md
    assert has_correct == (seed.name == "backprop_seed.md")
    assert "## Derived gradients" in md


@pytest.mark.parametrize("seed", SEEDS, indirect=True)
def test_json_export_is_the_check_report(seed, capsys):
    out = seed.with_suffix(".json")
    code, _, _ = run_export(capsys, seed, "-o", out)
    assert code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert main(["check", "--format", "json", str(seed)]) == 0  # every refutation in the seeds is expected
    checked = json.loads(capsys.readouterr().out)
    assert exported["summary"] == checked["summary"]
    labels = lambda data: [(c["label"], c["verdict"]) for c in data["files"][0]["claims"]]  # noqa: E731
    assert labels(exported) == labels(checked)


@needs_pdflatex
@pytest.mark.parametrize("seed", SEEDS, indirect=True)
def test_pdf_export_compiles_and_shows_the_verdicts(seed, capsys):
    out = seed.with_suffix(".pdf")
    code, stdout, stderr = run_export(capsys, seed, "-o", out)
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.replace("’", "'").split())  # pdflatex prints the prime of (J1') as ’
    for name, verdict in claim_heads(seed):
        assert f"{name} {verdict}" in flat
    if seed.name == "backprop_seed.md":
        assert "Counterexample at" in text and "expected refuted: as expected" in text
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


@needs_pdflatex
def test_notes_with_chinese_prose_and_specials_compile(tmp_path, capsys):
    note = tmp_path / "note.md"
    note.write_text(NASTY_NOTE, encoding="utf-8")
    code, _, stderr = run_export(capsys, note, "-o", tmp_path / "note.pdf")
    assert code == 0, stderr
    tex = render_tex(check_note(note))
    assert tex.isascii()
    assert r"\section*{note.md}" in tex and r"\section{Model 1}" in tex
    assert "a comment" not in tex and "......" not in tex
    text = subprocess.run(["pdftotext", str(tmp_path / "note.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "(1) refuted" in text and "line 18 error" in text  # claim heads, not the legend
    assert "verified" in text.split("Derived gradients", 1)[1]


BROKEN_BLOCK = r"""# Broken model

```derivation
indices: {j: J, k: K}
define: |
  a_k = \sum_j w_{jk} h_j}
  L = \frac{1}{2 \sum_k (a_k - t_k)^2
```

$$\frac{\partial L}{\partial w_{jk}} = h_j (a_k - t_k) \tag{1}$$
"""


def test_broken_derivation_block_is_shown_as_text_not_math(tmp_path, capsys):
    note = tmp_path / "broken.md"
    note.write_text(BROKEN_BLOCK, encoding="utf-8")
    tex = render_tex(check_note(note))
    assert r"\texttt{a\_k = \textbackslash{}sum\_j w\_\{jk\} h\_j\}}" in tex
    assert r"\begin{align*}" not in tex
    if shutil.which("pdflatex"):
        code, _, stderr = run_export(capsys, note, "-o", tmp_path / "broken.pdf")
        assert code == 0, stderr


@pytest.mark.parametrize("seed", ["backprop_seed.md"], indirect=True)
def test_export_refuses_to_write_over_its_input(seed, capsys):
    before = seed.read_bytes()
    spellings = [seed, seed.parent / "." / seed.name, Path(os.path.relpath(seed))]
    for target in spellings:
        for extra in ([], ["--force"]):
            code, stdout, stderr = run_export(capsys, seed, "-o", target, *extra)
            assert code == 2 and stdout == ""
            assert stderr.strip().splitlines() == [
                f"error: refusing to write over the input file {seed} (hint: choose another output path with -o)"]
    link = seed.parent / "link.md"
    link.symlink_to(seed)
    assert run_export(capsys, link, "-o", seed, "--force")[0] == 2
    hard = seed.parent / "hard.md"
    os.link(seed, hard)
    assert run_export(capsys, seed, "-o", hard, "--force")[0] == 2
    assert seed.read_bytes() == before


@pytest.mark.parametrize("seed", ["backprop_seed.md"], indirect=True)
def test_existing_output_needs_force(seed, capsys):
    out = seed.with_suffix(".json")
    out.write_text("keep me", encoding="utf-8")
    code, _, stderr = run_export(capsys, seed, "-o", out)
    assert code == 2 and "exists" in stderr and "--force" in stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    code, _, _ = run_export(capsys, seed, "-o", out, "--force")
    assert code == 0 and json.loads(out.read_text(encoding="utf-8"))["summary"]["refuted"] == 5


@pytest.mark.parametrize("seed", ["backprop_seed.md"], indirect=True)
def test_unknown_suffix_names_the_accepted_ones(seed, capsys):
    code, _, stderr = run_export(capsys, seed, "-o", seed.with_suffix(".docx"))
    assert code == 2
    assert stderr.strip() == ("error: cannot export to " + str(seed.with_suffix(".docx"))
                              + ": unknown suffix '.docx' (hint: use one of .tex, .pdf, .md, .json)")
    assert not seed.with_suffix(".docx").exists()


def test_missing_input_is_one_line_and_exit_2(tmp_path, capsys):
    code, _, stderr = run_export(capsys, tmp_path / "absent.md", "-o", tmp_path / "out.tex")
    assert code == 2 and "no such file" in stderr and len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.tex").exists()


@pytest.mark.parametrize("seed", ["backprop_seed.md"], indirect=True)
def test_missing_pdflatex_is_a_clear_error(seed, capsys, monkeypatch):
    monkeypatch.setattr(export_module.shutil, "which", lambda name: None)
    code, _, stderr = run_export(capsys, seed, "-o", seed.with_suffix(".pdf"))
    assert code == 2
    assert stderr.startswith("error: pdflatex not found: cannot export to .pdf (hint: install TeX Live")
    assert not seed.with_suffix(".pdf").exists()
    assert [p.name for p in seed.parent.iterdir()] == [seed.name]


@needs_pdflatex
def test_pdflatex_failure_shows_the_first_latex_error():
    broken = "\\documentclass{article}\n\\begin{document}\n\\undefinedmacro\n\\end{document}\n"
    with pytest.raises(ExportError) as caught:
        compile_pdf(broken)
    assert caught.value.one_line().startswith(
        "error: pdflatex failed: Undefined control sequence. (l.3 \\undefinedmacro)")


def test_escaping_of_text_and_math():
    assert latex_text("50% of a_b & {x} $ # ~ ^ \\") == (
        r"50\% of a\_b \& \{x\} \$ \# \textasciitilde{} \^{} \textbackslash{}")
    assert latex_text("I×J → 中文字 — ok") == r"I\ensuremath{\times}J \ensuremath{\to} ? --- ok"
    assert latex_prose("holds for cross-entropy loss with Σ_k t_k = 1") == (
        r"holds for cross-entropy loss with \ensuremath{\Sigma_{k}} \ensuremath{t_{k}} = 1")
    assert latex_math(r"w_{jk}·δ_k + \mathbb{1}_{ik}") == r"w_{jk}\cdot \delta _k + \mathbf{1}_{ik}"


def test_layers_are_found_only_for_layered_models():
    note = check_note(ROOT / "derivations" / "backprop_seed.md")
    drawings = [layered(s.context) for s in note.sections if s.context is not None]
    first, softmax_only, last_layer = drawings
    assert [(layer.size, layer.names) for layer in first.layers] == [
        ("I", ["x"]), ("J", ["z", "h"]), ("K", ["a", "o"])]
    assert first.weights == ["w_{ij}", "w_{jk}"] and first.loss == "L" and first.target == "t_{k}"
    assert softmax_only is None
    assert last_layer.weights == ["W_{ji}"]
