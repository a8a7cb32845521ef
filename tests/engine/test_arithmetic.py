"""Worked-number rules (symbolic.engine.arithmetic) and the undecided wording of symbolic.engine.verify."""

from __future__ import annotations

import pytest
import sympy

from symbolic.engine.arithmetic import _flatten, _tokens, check_arithmetic, decimals_written, rebracket
from symbolic.checker import check_file
from symbolic import Verdict

R = sympy.Rational


def judge(lhs, written: str):
    return check_arithmetic(sympy.nsimplify(lhs), sympy.nsimplify(_plain(written)), written)


def _plain(written: str) -> str:
    return written.replace("{", "").replace("}", "").replace(" ", "")


@pytest.mark.parametrize("lhs, written, message", [
    (R(4788, 10000), "0.479", "0.4788 rounds to 0.479"),
    (R(-4788, 10000), "-0.479", "-0.4788 rounds to -0.479"),
    (R(1, 3), "0.33", "0.3333333333 rounds to 0.33"),
    (R(5), "5", "exact"),
])
def test_rounded_value_is_verified_without_warning(lhs, written, message):
    outcome = judge(lhs, written)
    assert (outcome.verdict, outcome.message, outcome.warnings) == (Verdict.VERIFIED, message, [])


@pytest.mark.parametrize("lhs, written, message", [
    (R(-4788, 10000), "-0.478", "-0.4788 rounds to -0.479, written -0.478"),
    (R(4478, 10000), "0.447", "0.4478 rounds to 0.448, written 0.447"),
    (R(27, 10), "2", "2.7 rounds to 3, written 2"),
])
def test_truncated_toward_zero_is_verified_with_a_warning(lhs, written, message):
    outcome = judge(lhs, written)
    assert (outcome.verdict, outcome.message, outcome.warnings) == (Verdict.VERIFIED, message, [message])


@pytest.mark.parametrize("lhs, written, message", [
    (R(1, 3), "0.34", "the exact value is 0.3333333333 (rounds to 0.33), written 0.34"),
    (R(5), "6", "the exact value is 5 (rounds to 5), written 6"),
    (R(5), "4", "the exact value is 5 (rounds to 5), written 4"),
    # one unit away, but away from zero: neither rounded nor truncated
    (R(4788, 10000), "0.480", "the exact value is 0.4788 (rounds to 0.479), written 0.480"),
    (R(-4788, 10000), "-0.480", "the exact value is -0.4788 (rounds to -0.479), written -0.480"),
])
def test_anything_else_is_refuted_with_the_exact_value(lhs, written, message):
    outcome = judge(lhs, written)
    assert (outcome.verdict, outcome.message) == (Verdict.REFUTED, message)


@pytest.mark.parametrize("written", ["{20.0}", "- 20.0", "{-20.0}", "{ - 20.0 }"])
def test_braces_and_spaces_in_the_written_value(written):
    assert decimals_written(written) == 1
    sign = -1 if "-" in written else 1
    assert judge(sign * 20, written).verdict == Verdict.VERIFIED
    # rebracket reads the written value the same way instead of raising InvalidOperation
    if sign > 0:
        assert rebracket(r"2 + 3 \cdot 4", written) == ("(2 + 3) · 4", "20")
    else:
        assert rebracket(r"2 - 3 \cdot 4 \cdot 2", written) == ("(2 - 3 · 4) · 2", "-20")


def test_flatten_keeps_no_dead_state():
    flat = _flatten(_tokens(r"0.5 ((0.57 - 0) \cdot 0.5 + 2)"))
    assert flat == ([("0.5", R(1, 2)), ("(0.57 - 0)", R(57, 100)), ("0.5", R(1, 2)), ("2", 2)],
                    ["*", "*", "+"])
    assert "depth_stack" not in _flatten.__code__.co_varnames


LOG_OF_A_NEGATIVE = r"""# log of a negative number

```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i w_{ij} x_i + b_j
  h_j = \tanh(z_j)
  a_k = \sum_j w_{jk} h_j + b_k
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```

$$\log(-1 - h_j^2) = 2 \log(-1 - h_j^2) \tag{q}$$
"""


@pytest.mark.parametrize("step, evidence", [
    (r"\log(-1 - h_j^2) = 2 \log(-1 - h_j^2)",
     "and the two sides could not be evaluated at any real point"),
    (r"\log(h_j^2 + 1) = 2 \log(\sqrt{h_j^2 + 1})", "yet the two sides agree at 4 numeric points"),
])
def test_undecided_says_how_many_points_were_evaluated(tmp_path, step, evidence):
    path = tmp_path / "undecided.md"
    path.write_text(LOG_OF_A_NEGATIVE.replace(r"\log(-1 - h_j^2) = 2 \log(-1 - h_j^2)", step))
    claim = next(c for c in check_file(path).claims if c.label == "q")
    assert claim.verdict == Verdict.UNDECIDED
    assert claim.steps[0].message == ("not an identity when exp/tanh/log are treated as "
                                      f"independent, {evidence}")
