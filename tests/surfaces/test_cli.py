"""The command line through its real surfaces: main(argv), exit codes and text."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from symbolic.cli import main
from tests.models import SOFTMAX_LAYER

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "derivations" / "backprop_seed.md"
NUMBERS = ROOT / "derivations" / "seed_worked_numbers.md"

CONTEXT = SOFTMAX_LAYER


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding)
    return path


def test_check_derivations_folder_passes_with_expectations(capsys):
    assert main(["check", str(ROOT / "derivations")]) == 0
    out = capsys.readouterr().out
    assert "all as expected" in out.splitlines()[-1]


def test_json_report_has_the_documented_fields(capsys):
    assert main(["check", "--format", "json", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    claim = data["files"][0]["claims"][0]
    for key in ("label", "line", "column", "verdict", "expected", "message", "warnings", "steps"):
        assert key in claim
    assert claim["label"] == "1" and claim["verdict"] == "refuted" and claim["expected"] == "refuted"
    assert claim["steps"][0]["counterexample"]["sizes"] == {"I": 2, "J": 3, "K": 4}
    assert data["summary"]["refuted"] == 5 and data["summary"]["failing"] == 0


@pytest.mark.parametrize("claim, code", [
    (r"$$\nabla w_{jk} = h_j (o_k - t_k)$$", 0),
    (r"$$\nabla w_{jk} = h_j (t_k - o_k)$$", 1),
    (r"$$\nabla w_{jk} = h_j (q_k - t_k)$$", 2),
])
def test_exit_codes_follow_the_worst_verdict(tmp_path, claim, code, capsys):
    path = write(tmp_path, "n.md", CONTEXT + "\n" + claim + "\n")
    assert main(["check", str(path)]) == code


def test_expectation_mismatch_fails_either_way(tmp_path, capsys):
    wrong_expect = CONTEXT + "\n$$\\nabla w_{jk} = h_j (o_k - t_k) % expect: refuted\n$$\n"
    path = write(tmp_path, "n.md", wrong_expect)
    assert main(["check", str(path)]) == 1
    assert "MISMATCH" in capsys.readouterr().out


def test_expect_in_context_block_by_label(tmp_path, capsys):
    text = CONTEXT.replace("assume: [one-hot t]", 'assume: [one-hot t]\nexpect: {"x": refuted}')
    path = write(tmp_path, "n.md", text + "\n$$\\nabla w_{jk} = -h_j (o_k - t_k) \\tag{x}$$\n")
    assert main(["check", str(path)]) == 0


def test_github_format_prints_annotations(tmp_path, capsys):
    path = write(tmp_path, "n.md", CONTEXT + "\n$$\\nabla w_{jk} = h_j t_k \\tag{7}$$\n")
    assert main(["check", "--format", "github", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"::error file={path},line=10,col=3,title=gradproof refuted::claim (7) refuted")


BAD_INPUTS = {
    "empty.md": ("", "no derivation block found"),
    "no_block.md": ("# Notes\n\n$$x = y$$\n", "math before any derivation block"),
    "bad_yaml.md": ("```derivation\nindices: {i: I\n```\n", "invalid YAML"),
    "cycle.md": ("```derivation\nindices: {k: K}\ndefine: |\n  a_k = b_k + 1\n  b_k = a_k\n"
                 "  L = \\sum_k a_k\n```\n", "definition cycle"),
    "undeclared.md": ("```derivation\nindices: {k: K}\ndefine: |\n  a_k = w_{kq}\n"
                      "  L = \\sum_k a_k\n```\n", "index letter q has no range"),
    "binary.md": (b"```derivation\n\xff\xfe\x00garbage\n", "UTF-8"),
}
# where each error is: line:column in the file
BAD_INPUT_AT = {"empty.md": "1:1", "no_block.md": "3:3", "bad_yaml.md": "3:1", "cycle.md": "4:8",
                "undeclared.md": "4:8", "binary.md": "2:1"}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_located_line_and_exit_2(tmp_path, name):
    text, fragment = BAD_INPUTS[name]
    path = write(tmp_path, name, text)
    proc = subprocess.run([sys.executable, "-m", "symbolic.cli", "check", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert fragment.lower() in proc.stdout.lower(), proc.stdout
    assert f"{path}:" in proc.stdout
    located = [line for line in proc.stdout.splitlines() if line.startswith(f"{path}:")]
    assert located == [f"{path}:{BAD_INPUT_AT[name]} ! error"], proc.stdout


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_context_file_is_one_line_located_in_it_and_exit_2(tmp_path, name):
    text, fragment = BAD_INPUTS[name]
    ctx = write(tmp_path, name, text)
    note = write(tmp_path, "n.md", "$$\\nabla w_{jk} = h_j (o_k - t_k)$$\n")
    proc = subprocess.run([sys.executable, "-m", "symbolic.cli", "check", "--context", str(ctx),
                           str(note)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    if name in ("empty.md", "no_block.md"):  # no block before (or instead of) the problem
        where, fragment = "1:1", "the --context file has no derivation block"
    else:
        where = BAD_INPUT_AT[name]
    assert re.fullmatch(rf"{re.escape(str(ctx))}:{where}: error: .*{re.escape(fragment)}.* \(hint: .+\)\n",
                        proc.stderr, re.IGNORECASE), proc.stderr


def test_large_file_is_handled(tmp_path, capsys):
    big = CONTEXT + ("Plain prose line without math, repeated to make the file large.\n" * 16000)
    path = write(tmp_path, "big.md", big + "$$\\nabla w_{jk} = h_j (o_k - t_k)$$\n")
    assert path.stat().st_size > 1_000_000
    assert main(["check", str(path)]) == 0


def test_one_megabyte_of_garbage_is_one_located_line(tmp_path):
    import random

    rng = random.Random(5)
    alphabet = "abc{}$\\_^=+-()[]%#`~ \n0123456789αβ€"
    path = write(tmp_path, "garbage.md", "".join(rng.choice(alphabet) for _ in range(1_000_000)))
    proc = subprocess.run([sys.executable, "-m", "symbolic.cli", "check", str(path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    errors = [line for line in proc.stdout.splitlines() if line.startswith(f"{path}:")]
    assert errors and all(re.match(rf"{re.escape(str(path))}:\d+:\d+", e) for e in errors)


def test_missing_file_is_an_error_record(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.md")]) == 2
    assert "nope.md:1:1" in capsys.readouterr().out


def test_context_file_without_block_is_a_usage_error(tmp_path, capsys):
    ctx = write(tmp_path, "ctx.md", "no block here\n")
    note = write(tmp_path, "n.md", "$$x = x$$\n")
    assert main(["check", "--context", str(ctx), str(note)]) == 2
    assert "has no derivation block" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "derive", "export", "train", "gradcheck"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: gradproof " + command in capsys.readouterr().out


def test_time_limit_makes_a_claim_undecided_with_exit_3(tmp_path, capsys):
    heavy = CONTEXT + "\n$$\\nabla w_{jk} = h_j (o_k - t_k) \\tag{t}$$\n"
    path = write(tmp_path, "n.md", heavy)
    assert main(["check", "--timeout", "0.000001", "--format", "json", str(path)]) == 3
    claim = json.loads(capsys.readouterr().out)["files"][0]["claims"][0]
    assert claim["verdict"] == "undecided"
    assert claim["message"] == "time limit reached before every case was checked"


def test_chain_condition_applies_to_the_steps_that_have_its_indices(tmp_path, capsys):
    note = write(tmp_path, "c.md", "```derivation\nindices: {i: K, j: K, k: K}\ndefine: |\n"
                 "  o_j = \\frac{e^{a_j}}{\\sum_k e^{a_k}}\n```\n\n"
                 "$$\\frac{\\partial o_j}{\\partial a_i} = o_j (1 - o_j) = o_j - o_j^2 \\quad (i = j)$$\n\n"
                 "$$\\frac{\\partial o_j}{\\partial a_i} = o_j (1 - o_j) \\quad (k = j) \\tag{bad}$$\n")
    assert main(["check", str(note)]) == 2
    out = capsys.readouterr().out
    assert "c.md:7:3 ✓ proved" in out
    assert "c.md:9:60 (bad) ! error" in out
    assert "the condition mentions k, which is not a free index of this claim" in out


def test_expecting_proved_needs_a_proof_and_expecting_verified_accepts_one(tmp_path, capsys):
    block = ("```derivation\nindices: {i: K, j: K, k: K}\ndefine: |\n"
             "  o_j = \\frac{e^{a_j}}{\\sum_k e^{a_k}}\n```\n\n")
    verified_only = ("$$\\frac{\\partial o_j}{\\partial a_i} = \\frac{-e^{a_j}}{\\sum_k e^{a_k}} "
                     "\\frac{e^{a_i}}{\\sum_k e^{a_k}} \\quad (i \\neq j) \\tag{v}$$\n")
    proved = "$$\\frac{\\partial o_j}{\\partial a_i} = o_j (1_{ij} - o_i) \\tag{p}$$\n"
    note = write(tmp_path, "e.md", block.replace("```\n\n", 'expect: {"v": proved, "p": verified}\n```\n\n')
                 + verified_only + "\n" + proved)
    assert main(["check", "--format", "json", str(note)]) == 1
    claims = {c["label"]: c for c in json.loads(capsys.readouterr().out)["files"][0]["claims"]}
    assert claims["v"]["verdict"] == "verified" and not claims["v"]["passes"]
    assert claims["p"]["verdict"] == "proved" and claims["p"]["passes"]


def _without_seconds(data):
    if isinstance(data, dict):
        return {k: _without_seconds(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_without_seconds(v) for v in data]
    return data


def test_worked_numbers_are_the_same_cold_and_warm(tmp_path):
    def run(**env):
        proc = subprocess.run([sys.executable, "-m", "symbolic.cli", "check", "--format", "json",
                               str(NUMBERS)], capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, **env))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return _without_seconds(json.loads(proc.stdout))

    cold = run(GRADPROOF_CACHE="off")
    cache = tmp_path / "cache"
    filling = run(GRADPROOF_CACHE_DIR=str(cache))
    assert any(cache.iterdir()), "the first warm run should have written the parse cache"
    warm = run(GRADPROOF_CACHE_DIR=str(cache))
    assert cold == filling == warm
    assert cold["summary"] == {"verified": 5, "refuted": 1, "claims": 6, "failing": 0}


@pytest.mark.parametrize("total, verdicts, code", [("2", {"refuted"}, 1),
                                                    ("1", {"verified", "proved"}, 0)])
def test_first_step_equal_to_a_number_is_checked(tmp_path, capsys, total, verdicts, code):
    path = write(tmp_path, "n.md", CONTEXT + f"\n$$\\sum_k o_k = {total} \\tag{{s}}$$\n")
    assert main(["check", "--format", "json", "--no-diagnosis", str(path)]) == code
    claim = json.loads(capsys.readouterr().out)["files"][0]["claims"][0]
    assert claim["verdict"] in verdicts
    assert claim["steps"][0]["kind"] == "identity"
    if total == "2":
        sides = claim["steps"][0]["counterexample"]
        assert (float(sides["lhs"]), float(sides["rhs"])) == (1, 2)


SKIPPED_ONLY = CONTEXT + r"""
$$\nabla w_{jk} = h_j (o_k - t_k)$$

$$= 0.84 \times (0.57 - 0) \tag{u}
% expect: verified
$$
"""


def test_skipped_claim_with_an_expectation_counts_in_summary_and_exit_code(tmp_path, capsys):
    path = write(tmp_path, "n.md", SKIPPED_ONLY)
    assert main(["check", "--format", "json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    claim = next(c for c in data["files"][0]["claims"] if c["label"] == "u")
    assert claim["verdict"] == "skipped" and claim["steps"][0]["kind"] == "substitution"
    assert data["summary"]["claims"] == 2 and data["summary"]["failing"] == 1
    # without the expectation it is neither counted nor failing
    path.write_text(SKIPPED_ONLY.replace("% expect: verified\n", ""), encoding="utf-8")
    assert main(["check", "--format", "json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["claims"] == 1


def test_skipped_claim_with_an_expectation_is_a_pytest_item(pytester):
    pytester.makeini("[pytest]\ngradproof_notes =\n    notes/*.md\naddopts = -p no:cacheprovider\n")
    (pytester.path / "notes").mkdir()
    (pytester.path / "notes" / "n.md").write_text(SKIPPED_ONLY, encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["notes/n.md:*: claim (u) is skipped (expected verified)",
                                "FAILED notes/n.md::(u) - *"])


def test_an_internal_error_in_worked_numbers_is_a_record_not_a_traceback(tmp_path, capsys,
                                                                         monkeypatch):
    def broken(*args):
        raise RuntimeError("planted")

    monkeypatch.setattr(importlib.import_module("symbolic.checker"), "check_arithmetic", broken)
    path = write(tmp_path, "n.md", "$$1 + 1 = 2$$\n")
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr().out
    assert f"{path}:1:3 ! error" in out
    assert "internal error while checking (RuntimeError: planted)" in out


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    path = write(tmp_path, "n.md", CONTEXT + "\n$$\\nabla w_{jk} = h_j (t_k - o_k)$$\n")
    command = [sys.executable, "-m", "symbolic.cli", "check", "--no-diagnosis", str(path)]
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "\x1b[" not in piped.stdout and "✗ refuted" in piped.stdout

    def on_terminal(env):
        leader, follower = pty.openpty()
        done = subprocess.run(command, stdout=follower, stderr=subprocess.DEVNULL, env=env, timeout=120)
        os.close(follower)
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.close(leader)
        return done.returncode, out.decode()

    code, out = on_terminal({**os.environ})
    assert code == 1 and "\x1b[" in out
    env = {k: v for k, v in os.environ.items()}
    env["NO_COLOR"] = "1"
    code, out = on_terminal(env)
    assert code == 1 and "\x1b[" not in out


def test_github_annotation_properties_are_escaped(tmp_path, capsys):
    folder = tmp_path / "a,b: c"
    folder.mkdir()
    path = write(folder, "n.md", CONTEXT + "\n$$\\nabla w_{jk} = h_j (t_k - o_k)$$\n")
    assert main(["check", "--format", "github", "--no-diagnosis", str(path)]) == 1
    line = next(l for l in capsys.readouterr().out.splitlines() if l.startswith("::error"))
    assert "file=" + str(path).replace(":", "%3A").replace(",", "%2C") + ",line=" in line


def test_verbose_shows_the_whole_counterexample(capsys):
    seed = str(ROOT / "derivations" / "backprop_seed.md")
    main(["check", "--no-diagnosis", seed])
    short = next(l for l in capsys.readouterr().out.splitlines() if l.strip().startswith("false at"))
    main(["check", "--no-diagnosis", "-v", seed])
    whole = next(l for l in capsys.readouterr().out.splitlines() if l.strip().startswith("false at"))
    assert "…" in short and "…" not in whole and len(whole) > len(short)
