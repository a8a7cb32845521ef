"""Checking a note written without gradproof: inline math, an outside context."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from symbolic import Options, Verdict, check_text
from symbolic.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONTEXT = ROOT / "derivations" / "contexts" / "seed_model.md"
BLOG = ROOT.parent / "shared" / "seed" / "000_96142ebc6306de78.txt"

needs_blog = pytest.mark.skipif(not BLOG.exists(), reason="the seed blog text lives in ../shared/")


@needs_blog
def test_blog_as_written_has_equations_1_to_4_refuted_and_broken_fragments_located():
    proc = subprocess.run([sys.executable, "-m", "symbolic.cli", "check", "--inline", "--context",
                           str(CONTEXT), "--format", "json", str(BLOG)],
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    claims = json.loads(proc.stdout)["files"][0]["claims"]
    labelled = {}
    for c in claims:
        labelled.setdefault(c["label"], c)
    for label in "1234":
        assert labelled[label]["verdict"] == "refuted"
        assert "holds for cross-entropy loss with Σ_k t_k = 1 (so for one-hot t)" in labelled[label]["diagnosis"]
    broken = [c for c in claims if c["verdict"] == "error" and c["message"].startswith(
        r"cannot parse '\frac {d?o_k}{d?a_i}'")]
    assert len(broken) == 1 and (broken[0]["line"], broken[0]["column"]) == (62, 11)
    assert all(c["line"] >= 1 and c["column"] >= 1 for c in claims)


INLINE_NOTE = r"""
```derivation
indices: {k: K}
define: |
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```
The gradient is \(\frac{\partial L}{\partial a_k} = o_k - t_k\), not $\frac{\partial L}{\partial a_k} = o_k$.
A broken fragment $\frac{1}{$ and the run goes on: $\nabla a_k = o_k - t_k$.
"""


def test_inline_math_is_checked_only_with_the_option():
    assert [c for c in check_text(INLINE_NOTE).claims] == []
    claims = check_text(INLINE_NOTE, options=Options(inline=True)).claims
    assert [c.verdict for c in claims] == [Verdict.PROVED, Verdict.REFUTED, Verdict.ERROR,
                                           Verdict.PROVED]
    assert (claims[2].line, claims[2].column) == (10, 28)  # the unclosed brace


def test_context_option_supplies_the_model(tmp_path, capsys):
    note = tmp_path / "plain.md"
    note.write_text("Some prose, then $$\\nabla w_{jk} = h_j (o_k - t_k)$$\n")
    assert main(["check", "--context", str(CONTEXT), str(note)]) == 1
    out = capsys.readouterr().out
    assert "refuted" in out and "holds for cross-entropy loss" in out
