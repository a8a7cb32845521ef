"""Hostile input is answered within bounds (issue 15): every claim is stopped at its time
limit wherever it is, and inputs whose work could not be stopped (C code, deep parses) are
refused by a named size limit with a one-line message saying how to raise it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from symbolic import Options, check_text
from symbolic.latex import grammar, plain_terms
from symbolic.cli import main
from symbolic.errors import TimeLimitReached, check_time, time_limit
from tests.models import LOGISTIC_REGRESSION

ROOT = Path(__file__).resolve().parents[2]
GRADPROOF = str(Path(sys.executable).with_name("gradproof"))

SIGMOID = LOGISTIC_REGRESSION


def claim(math: str, **options):
    options.setdefault("timeout", 10)
    options.setdefault("diagnose", False)
    (record,) = check_text(SIGMOID + f"\n$$\\nabla b = {math}$$\n", "h.md", Options(**options)).claims
    return record


# The reproducers of the fuzz run (../shared/found), by what they hit.
NESTED = {
    "F09 braces": "{" * 3000 + "p" + "}" * 3000 + " - y",
    "F10 parentheses": "(" * 3000 + "p" + ")" * 3000 + " - y",
    "F11 fractions": "\\frac{" * 1000 + "p" + "}{2}" * 1000,
    "F13 exponentials": "e^{" * 1000 + "b" + "}" * 1000,
    "F16 signs": "-" * 10000 + "p",
    "F04 sigmoid calls": "\\sigma(" * 400 + "a" + ")" * 400,
    "square roots": "\\sqrt{" * 200 + "p" + "}" * 200,
    "10,000 braces": "{" * 10000 + "p" + "}" * 10000,
}
NUMBERS = {
    "F03 exp tower": "p - y + e^{e^{e^{100}}}",
    "F12 power tower": "10^{10^{10}}",
    "F12b power of a formula": "(p - y)^{10^{10}}",
    "F12c power of a sum": "(1 - p)^{123456789}",
    "F19 GMP abort": "(1 - p^{x_i})^{123456789}",
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_deep_nesting_is_refused_quickly_naming_its_limit(name):
    started = time.perf_counter()
    record = claim(NESTED[name])
    assert time.perf_counter() - started < 5
    assert record.verdict.value == "error"
    said = record.message + (record.hint or "")  # 10,000 braces are over the math block's size
    assert "GRADPROOF_MAX_NESTING" in said or "GRADPROOF_MAX_MATH_CHARS" in said
    assert "\n" not in record.message


@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_huge_exponents_are_refused_before_any_power_is_computed(name):
    started = time.perf_counter()
    record = claim(NUMBERS[name])
    assert time.perf_counter() - started < 5
    assert record.verdict.value == "error" and "GRADPROOF_MAX_EXPONENT" in record.message


def test_nested_sums_are_bounded_by_the_number_of_terms(monkeypatch):
    # F17: 24 nested sums over one index are 3^24 terms at I = 3 (over the nesting limit too)
    assert "GRADPROOF_MAX_NESTING" in claim("\\sum_i " * 24 + "x_i").message
    math = "\\sum_i \\sum_i \\sum_i \\sum_i x_i"
    assert claim(math).verdict.value == "refuted"
    monkeypatch.setenv("GRADPROOF_MAX_TERMS", "1")  # a sum over I = 2 has 2 terms
    record = claim("\\sum_i w_i x_i")
    assert record.verdict.value == "error" and "GRADPROOF_MAX_TERMS" in record.message


def test_a_matrix_constructor_is_refused_before_it_is_built():
    # F15: \operatorname{ones}(3000,3000) took 55 s and 1.3 GB
    record = claim("\\operatorname{ones}(3000,3000)")
    assert record.verdict.value == "error" and "matrix" in record.message


def test_a_number_with_too_many_digits_is_refused():
    assert "GRADPROOF_MAX_DIGITS" in claim("1" * 500 + " p").message


def test_an_environment_variable_raises_a_limit(monkeypatch):
    math = "((((((p))))))- y"
    assert claim(math).verdict.value in ("proved", "verified")
    monkeypatch.setenv("GRADPROOF_MAX_NESTING", "3")
    assert "limit of 3" in claim(math).message
    monkeypatch.setenv("GRADPROOF_MAX_EXPONENT", "1")
    assert "GRADPROOF_MAX_EXPONENT" in claim("p^{2} - y").message


def test_reasonable_powers_and_nesting_still_verify():
    assert claim("(p - y)^{1} + (((p - p)))^{3} \\cdot 2^{10}").verdict.value in ("proved", "verified")


def test_the_time_limit_interrupts_python_code_anywhere(monkeypatch):
    real = grammar.parse_uncached

    def hang(text):  # a parse that never ends, like ANTLR on mangled input
        while "12345" in text:
            sum(range(1000))
        return real(text)

    grammar.parse.cache_clear()
    monkeypatch.setattr(grammar, "parse_uncached", hang)
    monkeypatch.setattr(grammar._CACHE, "get", lambda text: None)
    monkeypatch.setattr(plain_terms, "read", lambda text: None)  # the plain reader would bypass the hang
    started = time.perf_counter()
    text = SIGMOID + "\n$$\\nabla b = p - y + 12345$$\n\n$$1 + 1 = 2$$\n"
    first, second = check_text(text, "t.md", Options(timeout=1)).claims
    assert time.perf_counter() - started < 1 + 2
    assert first.verdict.value == "undecided" and "time limit" in first.message
    assert second.verdict.value == "verified"  # the run goes on with the next claim
    grammar.parse.cache_clear()


def test_time_limits_nest_and_the_cooperative_check_raises():
    with pytest.raises(TimeLimitReached):
        with time_limit(10):
            with time_limit(0.05):
                time.sleep(0.1)
                check_time()
    with time_limit(10):  # the outer limit is still in force, and not yet reached
        check_time()


def test_a_pathological_claim_with_timeout_2_ends_within_the_limit_and_grace(tmp_path):
    # within every size limit, yet about 13 s of exact work: 3^10 tanh terms per side at I = 3
    letters = "bcdfghmnqr"
    body = "".join(f"\\sum_{c} " for c in letters) + "\\tanh(" + " + ".join(f"w_{c}" for c in letters) + ")"
    reordered = "".join(f"\\sum_{c} " for c in reversed(letters)) + body[body.index("\\tanh"):]
    note = tmp_path / "slow.md"
    note.write_text("```derivation\nindices: {a: I, " + ", ".join(f"{c}: I" for c in letters)
                    + "}\ndefine: |\n  L = \\sum_a w_a^2\n```\n\n"
                    + f"$$\\frac{{\\partial L}}{{\\partial w_a}} = 2 w_a + ({body}) - ({reordered})$$\n")
    env = {**os.environ, "GRADPROOF_CACHE": "off"}
    started = time.perf_counter()
    done = subprocess.run([GRADPROOF, "check", "--timeout", "2", "--format", "json", str(note)],
                          capture_output=True, text=True, timeout=60, env=env)
    wall = time.perf_counter() - started
    (record,) = json.loads(done.stdout)["files"][0]["claims"]
    assert done.returncode == 3 and record["verdict"] == "undecided", record["message"]
    assert "time limit" in record["message"]
    assert record["seconds"] <= 2 + 2
    assert wall <= 2 + 2 + 4  # plus the start of a Python process on a busy machine


HOSTILE = SIGMOID + "".join(f"\n$$\\nabla b = {m}$$\n" for m in [
    *NUMBERS.values(), NESTED["10,000 braces"], NESTED["F16 signs"], "\\sum_i " * 24 + "x_i",
    "\\operatorname{ones}(3000,3000)", "(\\sum_i x_i)^{200} - (\\sum_i x_i)^{100} (\\sum_i x_i)^{100}",
])


def test_a_hostile_note_stays_under_2_gib_of_address_space(tmp_path):
    note = tmp_path / "hostile.md"
    note.write_text(HOSTILE)
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from symbolic.cli import main
        sys.exit(main(["check", "--timeout", "5", {str(note)!r}]))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "GRADPROOF_CACHE": "off"})
    assert done.returncode in (1, 2, 3), done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "internal error" not in done.stdout


def test_no_output_line_starts_a_workflow_command_and_messages_stay_one_line(tmp_path, capsys):
    # F08b: a term line '::stop-commands::…' was echoed at the start of a line
    note = tmp_path / "cmd.md"
    note.write_text(SIGMOID + "\n$$\\nabla b = (p\n::stop-commands::abc123\n$$\n\n"
                    "$$\\nabla b = (p\n::error file=x::owned$$\n")
    assert main(["check", str(note)]) == 2
    out = capsys.readouterr().out
    assert not [ln for ln in out.splitlines() if ln.lstrip().startswith("::")], out
    assert out.count("! error") == 2 and len(out.splitlines()) == 5


def test_output_in_a_non_utf8_encoding_is_escaped_not_a_traceback(tmp_path):
    # F21: PYTHONIOENCODING=ascii gave a UnicodeEncodeError traceback and exit 1
    note = tmp_path / "n.md"
    note.write_text(SIGMOID + "\n$$\\nabla b = p - y + e^{e^{e^{100}}}$$\n\n$$\\nabla b = p - y$$\n")
    done = subprocess.run([GRADPROOF, "check", str(note)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "ascii"}, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "\\u2014" in done.stdout or "\\u2713" in done.stdout
