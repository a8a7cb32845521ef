"""A note whose display math yields no claim is not "all as expected": each unread display
is a located warning, the summary says so, and ``gradproof check`` exits 4."""

from __future__ import annotations

import json

from symbolic.cli import main

BLOCK = """```derivation
indices: {k: K}
define: |
  L = \\frac{1}{2} \\sum_k (o_k - t_k)^2
loss: L
```
"""


def write(tmp_path, text):
    path = tmp_path / "n.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_display_math_with_no_claim_is_a_located_warning_and_exit_4(tmp_path, capsys):
    path = write(tmp_path, BLOCK + "\nThe loss sums\n\n$$\\sum_k (o_k - t_k)^2$$\n")
    assert main(["check", path]) == 4
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"{path}:10:3 warning: display math that holds no claim (no '='): "
                      "\\sum_k (o_k - t_k)^2 (hint: write what it equals (X = …); "
                      "gradproof checks equalities)")
    assert "all as expected" not in out[-1] and "1 display(s) read but holding no claim" in out[-1]


def test_the_warning_is_in_json_and_github_output(tmp_path, capsys):
    path = write(tmp_path, BLOCK + "\n$$\\sum_k o_k$$\n")
    assert main(["check", "--format", "json", path]) == 4
    data = json.loads(capsys.readouterr().out)
    assert data["files"][0]["unread"] == [{"line": 8, "column": 3, "text": "\\sum_k o_k"}]
    assert data["summary"]["unread"] == 1
    assert main(["check", "--format", "github", path]) == 4
    assert f"::warning file={path.replace(':', '%3A')},line=8,col=3" in capsys.readouterr().out


def test_a_note_with_a_claim_does_not_list_its_other_displays(tmp_path, capsys):
    path = write(tmp_path, BLOCK + "\n$$\\sum_k o_k$$\n\n$$\\frac{\\partial L}{\\partial o_k} = o_k - t_k$$\n")
    assert main(["check", path]) == 0
    assert "warning" not in capsys.readouterr().out


def test_a_refuted_claim_still_decides_the_exit_code(tmp_path, capsys):
    unread = write(tmp_path, BLOCK + "\n$$\\sum_k o_k$$\n")
    wrong = tmp_path / "wrong.md"
    wrong.write_text(BLOCK + "\n$$\\frac{\\partial L}{\\partial o_k} = o_k + t_k$$\n", encoding="utf-8")
    assert main(["check", unread, str(wrong)]) == 1
