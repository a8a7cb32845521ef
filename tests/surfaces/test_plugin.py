"""The pytest plugin, through pytest itself (pytester): one item per claim, expect respected."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symbolic.checker import check_file
from symbolic.pytest_plugin import ClaimItem
from symbolic import Verdict

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
MODEL = r"""# Planted errors

```derivation
indices: {j: J, k: K}
define: |
  a_k = \sum_j w_{jk} h_j
  L = \frac{1}{2} \sum_k (a_k - t_k)^2
```
"""
RIGHT = r"$$\frac{\partial L}{\partial w_{jk}} = h_j (a_k - t_k) \tag{right}$$" + "\n"
SIGN_FLIP = r"$$\frac{\partial L}{\partial w_{jk}} = -h_j (a_k - t_k) \tag{sign}$$" + "\n"
SIGN_FLIP_EXPECTED = (r"$$\frac{\partial L}{\partial w_{jk}} = -h_j (a_k - t_k) \tag{sign}"
                      "\n% expect: refuted\n$$\n")
MISSING_HALF = r"$$\frac{\partial L}{\partial w_{jk}} = 2 h_j (a_k - t_k) \tag{half}$$" + "\n"


@pytest.fixture
def notes(pytester: pytest.Pytester):
    """A project whose ini collects notes/*.md; returns a function writing one note."""
    pytester.makeini("[pytest]\ngradproof_notes =\n    notes/*.md\naddopts = -p no:cacheprovider\n")
    (pytester.path / "notes").mkdir()

    def write(name: str, *claims: str) -> Path:
        path = pytester.path / "notes" / name
        path.write_text(MODEL + "\n" + "\n".join(claims), encoding="utf-8")
        return path

    return write


def test_planted_wrong_claim_fails_with_its_counterexample(pytester, notes):
    notes("planted.md", RIGHT, SIGN_FLIP)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*_ (sign) _*",
        "notes/planted.md:12:3: claim (sign) is refuted",
        "    12 | $$\\frac{\\partial L}{\\partial w_{jk}} = -h_j (a_k - t_k) \\tag{sign}$$",
        "  ✗ step 1 (refuted): \\frac{\\partial L}{\\partial w_{jk}} = -h_j (a_k - t_k)",
        "      counterexample at J=*, K=*; j=*, k=*",
        "      values: *",
        "      left side = *, right side = *",
        "FAILED notes/planted.md::(sign) - notes/planted.md:12:3: claim (sign) is refuted",
    ])
    assert "Traceback" not in result.stdout.str()


def test_correct_formula_and_diagnosis_are_shown_when_known(pytester, notes):
    notes("planted.md", SIGN_FLIP)
    shutil.copyfile(ROOT / "tests" / "planted" / "ce_without_sum_to_one.md",
                    pytester.path / "notes" / "cross_entropy.md")
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "notes/cross_entropy.md:13:*: claim (2) is refuted",
        "  → holds if Σ_k t_k = 1 (so for one-hot t)",
        "  → holds for a sigmoid hidden layer (h) with Σ_k t_k = 1 (so for one-hot t)",
        r"  → correct: \frac{\partial L}{\partial b_{k}} = o_{k} \sum_{k'} t_{k'} - t_{k}",
    ])
    result.stdout.fnmatch_lines([
        "notes/planted.md:10:*: claim (sign) is refuted",
        r"  → correct: \frac{\partial L}{\partial w_{jk}} = h_{j} \left(a_{k} - t_{k}\right)",
    ])


def test_expected_refutation_passes(pytester, notes):
    notes("planted.md", RIGHT, SIGN_FLIP_EXPECTED)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["notes/planted.md::(right) PASSED*", "notes/planted.md::(sign) PASSED*"])


def test_expectation_that_does_not_hold_fails(pytester, notes):
    notes("planted.md", RIGHT.replace("$$\n", "\n% expect: refuted\n$$\n"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["notes/planted.md:10:3: claim (right) is proved (expected refuted)"])


def test_k_selects_claims_by_label(pytester, notes):
    notes("planted.md", RIGHT, SIGN_FLIP, MISSING_HALF)
    result = pytester.runpytest("-k", "right or half", "-v")
    result.assert_outcomes(passed=1, failed=1, deselected=1)
    result.stdout.fnmatch_lines(["notes/planted.md::(right) PASSED*", "notes/planted.md::(half) FAILED*"])


def test_x_stops_at_the_first_failing_claim(pytester, notes):
    notes("planted.md", SIGN_FLIP, MISSING_HALF, RIGHT)
    result = pytester.runpytest("-x")
    result.assert_outcomes(failed=1)


def test_unlabelled_claims_are_named_by_line_and_errors_fail(pytester, notes):
    notes("planted.md", r"$$\frac{\partial L}{\partial w_{jk}} = h_k (a_k - t_k)$$" + "\n")
    result = pytester.runpytest("-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "notes/planted.md::line 10 FAILED*",
        "notes/planted.md:10:*: claim line 10 is error",
        "  ! h_{k}: no tensor h with indices of shape (K)",
        "    hint: *",
    ])


def test_only_notes_matching_the_globs_are_collected(pytester, notes):
    notes("planted.md", RIGHT)
    (pytester.path / "README.md").write_text(MODEL + "\n" + SIGN_FLIP, encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_items_report_the_claims_line(pytester, notes):
    notes("planted.md", RIGHT, SIGN_FLIP)
    items, _ = pytester.inline_genitems()
    assert [item.name for item in items] == ["(right)", "(sign)"]
    assert [item.reportinfo()[1:] for item in items] == [(9, "(right)"), (11, "(sign)")]
    assert items[1].location == ("notes/planted.md", 11, "(sign)")


def test_other_exceptions_get_the_ordinary_report(pytester, notes, monkeypatch):
    notes("planted.md", RIGHT)

    def broken_runtest(item):
        raise ValueError("not a claim failure")

    monkeypatch.setattr(ClaimItem, "runtest", broken_runtest)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*raise ValueError("not a claim failure")', "E*ValueError: not a claim failure"])


def test_one_item_per_claim_of_the_seed(pytester):
    pytester.makeini("[pytest]\ngradproof_notes = derivations/*.md\n")
    (pytester.path / "derivations").mkdir()
    shutil.copyfile(ROOT / "derivations" / "backprop_seed.md", pytester.path / "derivations" / "seed.md")
    records = check_file(ROOT / "derivations" / "backprop_seed.md").claims
    claims = [c for c in records if c.verdict not in (Verdict.DEFINITION, Verdict.SKIPPED)]
    definitions = [c for c in records if c.verdict == Verdict.DEFINITION]
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=len(claims), skipped=len(definitions))  # a definition is no claim
    names = [line.split("::", 1)[1].rsplit(" PASSED", 1)[0]
             for line in result.stdout.lines
             if line.startswith("derivations/seed.md::") and " PASSED" in line]
    assert names == [c.name for c in claims]
    assert len(names) == 11


def test_runs_under_xdist(pytester, notes):
    pytest.importorskip("xdist", reason="pytest-xdist is not installed")
    notes("planted.md", RIGHT, SIGN_FLIP, MISSING_HALF)
    result = pytester.runpytest_subprocess("-n", "2")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*counterexample at *"])


@pytest.fixture
def identity_checks(monkeypatch):
    """Counts the exact checks of steps done in this process (collection and runs)."""
    import symbolic.checker as checker_module

    calls = []
    real = checker_module.check_identity

    def counting(*args, **kwargs):
        calls.append(args[2:4])
        return real(*args, **kwargs)

    monkeypatch.setattr(checker_module, "check_identity", counting)
    return calls


def test_collection_reads_and_parses_but_checks_no_claim(pytester, notes, identity_checks):
    notes("planted.md", RIGHT, SIGN_FLIP, MISSING_HALF)
    items, _ = pytester.inline_genitems()
    assert [item.name for item in items] == ["(right)", "(sign)", "(half)"]
    assert identity_checks == []


def test_selecting_one_claim_checks_only_that_claim(pytester, notes, identity_checks):
    notes("planted.md", RIGHT, SIGN_FLIP, MISSING_HALF)
    result = pytester.inline_run("-k", "right")
    result.assertoutcome(passed=1, failed=0)
    assert len(identity_checks) == 1  # one step of (right); (sign) and (half) never checked


def test_stop_at_first_failure_checks_no_further(pytester, notes, identity_checks):
    notes("planted.md", SIGN_FLIP, MISSING_HALF, RIGHT)
    result = pytester.inline_run("-x")
    result.assertoutcome(passed=0, failed=1)
    assert len(set(map(str, (rhs for _lhs, rhs in identity_checks)))) == 1  # only (sign)'s step


def test_a_claim_defined_name_is_known_to_a_claim_checked_alone(pytester, notes):
    notes("defined.md", r"$$\delta_k = a_k - t_k$$" + "\n",
          r"$$\frac{\partial L}{\partial w_{jk}} = h_j \delta_k \tag{d}$$" + "\n")
    result = pytester.runpytest("-k", "d", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED * a definition: defines delta (K)"])


def test_a_user_module_called_symbolic_is_theirs_and_notes_still_check(pytester, notes):
    """A ``symbolic.py`` beside the user's tests: their ``import symbolic`` finds theirs,
    and the notes are still checked by gradproof (a wrong claim still fails)."""
    notes("n.md", RIGHT, SIGN_FLIP)
    pytester.makepyfile(symbolic="MINE = True\n")
    pytester.makepyfile(test_mine="import symbolic\n\ndef test_mine():\n    assert symbolic.MINE\n")
    out = run_pytest_command(pytester.path)
    assert "2 passed" in out and "1 failed" in out
    assert "claim (sign) is refuted" in out


def test_without_a_user_module_called_symbolic_nothing_steps_aside(pytester, notes):
    notes("n.md", RIGHT)
    pytester.makepyfile(test_ours="import symbolic\n\ndef test_ours():\n"
                                  "    assert symbolic.Verdict.PROVED.value == 'proved'\n")
    assert "2 passed" in run_pytest_command(pytester.path)


def run_pytest_command(folder: Path) -> str:
    """The ``pytest`` command as users run it, in folder, with nothing added to Python's path
    (``python -m pytest`` puts the folder first on the path, and a symbolic.py there hides
    gradproof before any plugin can run: docs/pytest.md says so)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    done = subprocess.run([str(Path(sys.executable).with_name("pytest")), "-p", "no:cacheprovider"],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    return done.stdout + done.stderr
