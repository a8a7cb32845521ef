"""Several equations in one display: each is a claim under the display's label (issue 9)."""

from __future__ import annotations

import pytest

from symbolic.notes.math_block import MathBlock
from symbolic.notes.separators import split_equations, unwrap_array


def pieces(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in split_equations(text, 0, len(text))]


@pytest.mark.parametrize("text,expected", [
    (r"a = 2 b, \qquad c = 3 d", ["a = 2 b", "c = 3 d"]),
    (r"a = 2 b \quad\text{and}\quad c = 3 d", ["a = 2 b", "c = 3 d"]),
    (r"a = 2 b; c = 3 d", ["a = 2 b", "c = 3 d"]),
    (r"\frac{\partial E}{\partial w_{ji}} = \delta_j x_i, \qquad \frac{\partial E}{\partial w_{kj}} = \delta_k z_j",
     [r"\frac{\partial E}{\partial w_{ji}} = \delta_j x_i,", r"\frac{\partial E}{\partial w_{kj}} = \delta_k z_j"]),
])
def test_side_by_side_equations_split(text, expected):
    assert [p.rstrip(",;").strip() for p in pieces(text)] == [e.rstrip(",;").strip() for e in expected]


@pytest.mark.parametrize("text", [
    r"y = f(a, \quad b)",                 # inside parentheses
    r"y = \max(0, \quad z)",
    r"y = w_{j, \quad k}",                # inside braces
    r"y = x_1, \quad \dots, x_n",         # the second piece has no '='
    r"y = a, \quad x = 0",                # a value, not a claim
    r"y = a, \quad i = j",                # a condition on index letters
    r"y = a \; b = c",                    # \; is a thin space, not a semicolon
])
def test_no_split_where_nothing_separates_claims(text):
    assert len(pieces(text)) == 1


def test_array_as_the_whole_display_is_unwrapped_keeping_offsets():
    text = r"\begin{array}{c} a = b \\ c = d \end{array} \tag{g2}"
    out, found = unwrap_array(text)
    assert found and len(out) == len(text) and "array" not in out and r"\\" in out


@pytest.mark.parametrize("text", [
    r"X = \left[\begin{array}{cc} a & b \\ c & d \end{array}\right]",   # a matrix inside an equation
    r"\begin{array}{c} a = b \\ c + d \end{array}",                      # a row without '='
])
def test_array_that_is_not_a_list_of_equations_stays(text):
    assert unwrap_array(text) == (text, False)


NOTE = r"""```derivation
define: |
  f = x^2 + y^2
```

$$\frac{\partial f}{\partial x} = 2 x, \qquad \frac{\partial f}{\partial y} = 3 y. \tag{1}$$

$$\begin{array}{c} \frac{\partial f}{\partial x} = 2 x \\ \frac{\partial f}{\partial y} = 2 y \end{array} \tag{2}$$

$$\begin{aligned} \frac{\partial f}{\partial x} &= 2 x \\ \frac{\partial f}{\partial y} &= 2 y \end{aligned} \tag{3}$$
"""


def test_each_equation_is_a_record_with_the_display_label_and_a_wrong_one_is_refuted(tmp_path):
    from symbolic import api
    path = tmp_path / "multi.md"
    path.write_text(NOTE)
    claims = api.check(path).claims
    by_label = {}
    for c in claims:
        by_label.setdefault(str(c.label), []).append(c.verdict.value)
    assert by_label["1"] == ["proved", "refuted"]
    assert by_label["2"] == ["proved", "proved"]
    assert by_label["3"] == ["proved", "proved"]


def test_a_condition_after_several_equations_is_a_located_error(tmp_path):
    from symbolic import api
    path = tmp_path / "cond.md"
    path.write_text(NOTE.split("$$")[0] + r"$$a_i = b_i, \qquad c_i = d_i \quad \text{for } i \neq j \tag{4}$$" + "\n")
    claims = api.check(path).claims
    assert claims and all(c.verdict.value == "error" for c in claims)
    assert any("several equations" in c.message for c in claims)


def test_planted_multi_equation_note_refutes_the_wrong_equation_of_each_display():
    from pathlib import Path

    from symbolic import api
    note = Path(__file__).resolve().parents[1] / "planted" / "multi_equation.md"
    claims = api.check(note).claims
    for label in ("both", "rows"):
        found = [c for c in claims if str(c.label) == label]
        assert [c.verdict.value for c in found] == ["proved", "refuted"], [(c.label, c.message) for c in claims]
        assert found[1].message.startswith("false at")
