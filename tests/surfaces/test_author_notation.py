"""The surfaces print results in the author's notation: check (text, JSON), derive and export."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from symbolic.checker import check_file
from symbolic.cli import main
from tests.models import HAT_OUTPUT

ROOT = Path(__file__).resolve().parents[2]
needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                                    reason="pdflatex and pdftotext (TeX Live, poppler-utils) are not installed")

HAT_NOTE = HAT_OUTPUT + r"""$$\frac{\partial E}{\partial w_{kj}} = (\hat{y}_k + t_k) h_j$$
"""
HAT_CORRECT = r"\frac{\partial E}{\partial w_{kj}} = \left(\hat{y}_{k} - t_{k}\right) h_{j}"
UNDECORATED = re.compile(r"(?<!\\)\b(?:hat|bar|tilde)\{")  # a decoration that lost its backslash
DIAGRAM = re.compile(r"\\begin\{tikzpicture\}.*?\\end\{tikzpicture\}", re.S)  # drawn by tikz.py


@pytest.fixture
def hat_note(tmp_path):
    path = tmp_path / "hat.md"
    path.write_text(HAT_NOTE, encoding="utf-8")
    return path


@pytest.fixture
def logistic_note(tmp_path):
    text = (ROOT / "docs" / "examples" / "logistic_regression.md").read_text(encoding="utf-8")
    wrong = text.replace(r"= (p - y) x_i \tag{w}", r"= (y - p) x_i \tag{w}")
    assert wrong != text
    path = tmp_path / "lr.md"
    path.write_text(wrong, encoding="utf-8")
    return path


def test_check_text_prints_decorated_names_as_written(hat_note, capsys):
    assert main(["check", str(hat_note)]) == 1
    out = capsys.readouterr().out
    assert f"    → correct: {HAT_CORRECT}\n" in out
    assert not UNDECORATED.search(out.split("→ correct:")[1])


def test_check_json_carries_the_correct_formula_as_written(hat_note, capsys):
    assert main(["check", str(hat_note), "--format", "json"]) == 1
    [claim] = json.loads(capsys.readouterr().out)["files"][0]["claims"]
    assert claim["correct"] == HAT_CORRECT


def test_check_github_annotation_has_the_formula_as_written(hat_note, capsys):
    assert main(["check", str(hat_note), "--format", "github"]) == 1
    assert f"correct: {HAT_CORRECT}" in capsys.readouterr().out


def test_refuted_last_step_gets_the_simple_form_in_the_authors_order(logistic_note, capsys):
    assert main(["check", str(logistic_note)]) == 1
    out = capsys.readouterr().out
    assert r"    → correct: \frac{\partial L}{\partial w_{i}} = \left(p - y\right) x_{i}" + "\n" in out


def test_the_claims_own_names_and_order_come_back():
    sigmoid = check_file(ROOT / "docs" / "examples" / "two_layer_sigmoid.md")
    slip = next(c for c in sigmoid.claims if c.label == "slip")
    assert slip.correct == (r"\frac{\partial E}{\partial z_{j}} = \left(1 - h_{j}\right) h_{j} "
                            r"\sum_{k} u_{jk} \delta_{k}")
    seed = check_file(ROOT / "derivations" / "backprop_seed.md")
    four = next(c for c in seed.claims if c.label == "4")  # x_i \sum_k \delta_k w_{jk} (1+h_j)(1-h_j)
    assert four.correct == (r"\frac{\partial L}{\partial w_{ij}} = x_{i} \left(1 - h_{j}^{2}\right) "
                            r"\sum_{k} w_{jk} \sum_{k'} \delta_{k'} \left(1_{kk'} - o_{k}\right) o_{k'}")


def test_derive_text_uses_readable_decorated_names(hat_note, capsys):
    assert main(["derive", str(hat_note), "--wrt", "w_{kj}"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == r"\frac{\partial E}{\partial w_{kj}} = \left(\hat{y}_{k} - t_{k}\right) h_{j}"
    assert out[1] == "∂E/∂w_{kj} = (y\u0302_{k} - t_{k})*h_{j}"


def test_tex_and_markdown_exports_keep_the_decorations(hat_note, tmp_path):
    for suffix in (".tex", ".md"):
        out = tmp_path / f"exported{suffix}"
        assert main(["export", str(hat_note), "-o", str(out)]) == 0
        text = DIAGRAM.sub("", out.read_text(encoding="utf-8"))
        assert HAT_CORRECT in text
        assert r"\sum_{k} \left(\hat{y}_{k} - t_{k}\right) w_{kj}" in text  # a derived gradient
        assert not UNDECORATED.search(text), suffix


def test_export_counterexample_leaves_have_their_decorations(tmp_path):
    note = tmp_path / "bar.md"
    note.write_text(HAT_NOTE.replace("h_j", r"\bar{h}_j"), encoding="utf-8")
    out = tmp_path / "bar.tex"
    assert main(["export", str(note), "-o", str(out)]) == 0
    text = DIAGRAM.sub("", out.read_text(encoding="utf-8"))
    assert re.search(r"\\bar\{h\} = \(", text)
    assert not UNDECORATED.search(text)


@needs_pdflatex
def test_pdf_shows_the_hat_not_the_letters(hat_note, tmp_path):
    out = tmp_path / "hat.pdf"
    assert main(["export", str(hat_note), "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "ŷ" in unicodedata.normalize("NFC", text)  # typeset as \hat{y}, not as the letters hat y
