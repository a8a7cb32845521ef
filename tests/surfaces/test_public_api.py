"""The public API: ``import symbolic`` gives check, check_text, load, derive and the result types."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import symbolic
from symbolic import (ClaimResult, Counterexample, Document, FileReport, GradproofError, Options, StepResult,
                      Verdict, check, check_text, derive, load)
from tests.models import SOFTMAX_LAYER

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "derivations" / "backprop_seed.md"
NOTE = SOFTMAX_LAYER + r"""
$$\nabla w_{jk} = h_j (o_k - t_k) \tag{1}$$
"""


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_every_public_name_resolves():
    for name in symbolic.__all__:
        assert getattr(symbolic, name) is not None, name
    assert set(symbolic.__all__) <= set(dir(symbolic))


def test_importing_symbolic_is_light():
    loaded = run_python("import sys, symbolic; print(sorted(m for m in ('numpy', 'sympy', 'yaml', "
                        "'latex2sympy2', 'symbolic.checker') if m in sys.modules))")
    assert loaded == "[]"


def test_the_pytest_plugin_module_does_not_load_the_checker():
    loaded = run_python("import sys, symbolic.pytest_plugin; "
                        "print(sorted(m for m in ('numpy', 'sympy') if m in sys.modules))")
    assert loaded == "[]"


def test_check_is_the_function_and_the_checker_a_module_of_its_own():
    out = run_python("import symbolic.checker; import symbolic; from symbolic import check; "
                     "print(callable(check), type(symbolic.checker).__name__, check.__module__)")
    assert out == "True module symbolic.api"


def test_api_module_still_imports():
    from symbolic import api

    assert api.check is check and api.check_text is check_text and api.derive is derive


def test_check_and_check_text_give_reports_of_the_public_types():
    report = check_text(NOTE, "note.md", Options(diagnose=False))
    assert isinstance(report, FileReport)
    [claim] = report.claims
    assert isinstance(claim, ClaimResult) and isinstance(claim.steps[0], StepResult)
    assert claim.label == "1" and claim.verdict.holds
    seed = check(SEED)
    refuted = [c for c in seed.claims if c.verdict == Verdict.REFUTED]
    assert refuted and isinstance(refuted[0].steps[0].counterexample, Counterexample)


def test_load_keeps_the_contexts(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(NOTE, encoding="utf-8")
    document = load(path)
    assert isinstance(document, Document)
    assert document.context(1).network.loss.name == "L"


def test_derive_returns_the_verified_gradient_of_the_loss():
    derived = derive(SEED, "w_{ij}")
    assert derived.verdict == Verdict.VERIFIED
    assert derived.claim_latex.startswith(r"\frac{\partial L}{\partial w_{ij}} = ")


def test_derive_reports_an_unknown_variable_as_a_gradproof_error():
    try:
        derive(SEED, "q_{ij}")
    except GradproofError as err:
        assert "q" in err.message
    else:
        raise AssertionError("derive accepted an unknown variable")
