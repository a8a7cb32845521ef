"""``gradproof trace``: one claim through every stage, through the real command line."""

from __future__ import annotations

from pathlib import Path

from symbolic.cli import main

SEED = str(Path(__file__).resolve().parents[2] / "derivations" / "backprop_seed.md")


def test_trace_prints_each_stage_in_pipeline_order(capsys):
    assert main(["trace", SEED, "--claim", "5"]) == 0
    out = capsys.readouterr().out
    stages = [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
    assert stages == ["notes", "latex", "model", "engine", "calculus", "diagnose", "report"]
    assert r"term 4: \sum \limits _k(o_k -t_k) [o_k (1_{ki}-o_i)]" in out
    assert "D1 = d(L)/d(o_{k}); D2 = d(o_{k})/d(a_{i})" in out
    assert "step 3: equal:" in out  # the last step is proved for every size


def test_trace_of_an_unknown_label_is_a_one_line_error(capsys):
    assert main(["trace", SEED, "--claim", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no checked claim has the label or line 'nope'")
    assert "\n" not in err


def test_the_trace_shown_in_the_docs_is_what_the_command_prints(capsys, monkeypatch):
    root = Path(SEED).parents[1]
    text = (root / "docs" / "cli.md").read_text(encoding="utf-8")
    shown = text.split("$ gradproof trace derivations/backprop_seed.md --claim 5\n", 1)[1]
    shown = shown.split("…", 1)[0].rstrip("\n").splitlines()
    monkeypatch.chdir(root)
    main(["trace", "derivations/backprop_seed.md", "--claim", "5"])
    assert capsys.readouterr().out.splitlines()[:len(shown)] == shown
