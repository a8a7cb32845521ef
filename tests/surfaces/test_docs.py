"""The docs are tested: their notes check as recorded, their examples say what the tool says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from symbolic import Verdict, check_text
from symbolic.checker import check_file

ROOT = Path(__file__).resolve().parents[2]
NOTES = sorted((ROOT / "derivations").rglob("*.md")) + sorted((ROOT / "docs" / "examples").glob("*.md"))


@pytest.mark.parametrize("path", NOTES, ids=lambda p: str(p.relative_to(ROOT)))
def test_bundled_note_checks_as_recorded(path):
    report = check_file(path)
    failing = [(c.label, c.verdict.value, c.message) for c in report.claims if not c.passes]
    assert failing == []


def markdown_examples(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(r"````markdown\n(.*?)````", text, flags=re.S)


def test_readme_example_gives_the_output_the_readme_shows():
    readme = ROOT / "README.md"
    [example] = markdown_examples(readme)
    claim = check_text(example, "note.md").claims[0]
    assert claim.verdict == Verdict.REFUTED
    shown = readme.read_text(encoding="utf-8")
    for line in claim.diagnosis:
        assert f"→ {line}" in shown
    assert f"→ correct: {claim.correct}" in shown
    assert claim.steps[0].counterexample.lhs in shown


def test_format_reference_example_block_is_a_valid_context():
    [example] = markdown_examples(ROOT / "docs" / "format.md")
    report = check_text(example + "\n$$\\frac{\\partial L}{\\partial o_k} = o_k - t_k \\tag{x}$$\n", "format.md")
    assert [c.verdict for c in report.claims] == [Verdict.PROVED]


def test_documented_error_message_is_the_real_one():
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    planted = check_file(Path(__file__).resolve().parents[1] / "planted" / "transposed_weight.md").claims[0]
    assert f"{planted.message} (hint: {planted.hint})" in text
