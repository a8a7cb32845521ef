"""Every command output shown in README.md and docs/ is what the command prints today.

A snippet is a ```text block whose first line is ``$ command``. The test runs the command
in a scratch folder holding a copy of ``derivations/`` if it names it and, for a file the command names
that the repository does not have, the nearest ````markdown example above the snippet.
Shown and printed lines must agree one for one, in order, except that

- a line that is only ``…`` (or ``...``) stands for any number of lines, and the block
  may end with one to show only the start of the output;
- ``…`` inside a line stands for any text;
- timings (``0.08 s``, ``in 1.90s``, ``25 ms``) are not compared.

docs/benchmarks.md is not here: its figures are measurements, each with its command.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from symbolic.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md"] + sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "benchmarks.md")
ELLIPSIS = {"…", "..."}
TIMING = re.compile(r"\d+(?:\.\d+)? ?m?s\b")


@dataclass(frozen=True)
class Snippet:
    doc: Path
    line: int  # 1-based line of the ``$ command`` line
    command: str
    shown: tuple[str, ...]
    example: str | None  # the nearest ````markdown example above, if any

    def __str__(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


def snippets() -> list[Snippet]:
    found = []
    for doc in DOCS:
        lines = doc.read_text(encoding="utf-8").splitlines()
        example = None
        number = 0
        while number < len(lines):
            line = lines[number]
            if line.startswith("````markdown"):
                end = lines.index("````", number + 1)
                example = "\n".join(lines[number + 1:end]) + "\n"
                number = end
            elif line == "```text" and lines[number + 1].startswith("$ "):
                end = lines.index("```", number + 1)
                found.append(Snippet(doc, number + 2, lines[number + 1][2:],
                                     tuple(lines[number + 2:end]), example))
                number = end
            number += 1
    return found


def agree(shown: list[str], printed: list[str]) -> bool:
    """Whether the printed lines are what the snippet shows (see the module's rules)."""
    if not shown:
        return not printed
    head, rest = shown[0], shown[1:]
    if head in ELLIPSIS:
        return any(agree(rest, printed[skip:]) for skip in range(len(printed) + 1))
    if not printed:
        return False
    pattern = ".*".join(re.escape(part) for part in normalised(head).split("…"))
    return re.fullmatch(pattern, normalised(printed[0])) is not None and agree(rest, printed[1:])


def normalised(line: str) -> str:
    return TIMING.sub("<time>", line.rstrip())


def run(snippet: Snippet, folder: Path, capsys) -> list[str]:
    argv = shlex.split(snippet.command)
    if "derivations/" in snippet.command:
        shutil.copytree(ROOT / "derivations", folder / "derivations")
    for name in argv[1:]:
        if name.endswith(".md") and not (folder / name).exists():
            assert snippet.example is not None, f"{snippet}: {name} is neither a bundled note nor an example above"
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(snippet.example, encoding="utf-8")
    if argv[0] == "gradproof":
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            main(argv[1:])
        finally:
            os.chdir(cwd)
        return capsys.readouterr().out.splitlines()
    if argv[0] == "pytest":
        # the configuration docs/pytest.md opens with, plus the folder its failing example is in
        (folder / "pytest.ini").write_text("[pytest]\ngradproof_notes =\n    derivations/*.md\n"
                                           "    notes/*.md\n", encoding="utf-8")
        env = dict(os.environ, COLUMNS="80", NO_COLOR="1", PYTEST_ADDOPTS="")
        # pytest prints whole failure messages in its summary when it sees a CI machine
        for ci_marker in ("CI", "BUILD_NUMBER"):
            env.pop(ci_marker, None)
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *argv[1:]],
                              cwd=folder, env=env, capture_output=True, text=True, timeout=600)
        return done.stdout.splitlines()
    raise AssertionError(f"{snippet}: no runner for {argv[0]!r}")


@pytest.mark.parametrize("snippet", snippets(), ids=str)
def test_snippet_is_what_the_command_prints(snippet, tmp_path, capsys):
    if "export" in snippet.command and snippet.command.endswith(".pdf") and shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    printed = run(snippet, tmp_path, capsys)
    assert agree(list(snippet.shown), printed), (
        f"{snippet}: `{snippet.command}` printed\n" + "\n".join(printed))


def test_every_doc_with_command_output_is_covered():
    """The snippets above are all there are: a ```text block that shows output starts with ``$``."""
    covered = {(s.doc, s.line - 1) for s in snippets()}
    assert {doc.name for doc, _ in covered} >= {"README.md", "cli.md", "export.md", "pytest.md"}
    for doc in DOCS:
        lines = doc.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines[:-1]):
            if line == "```text" and lines[number + 1].startswith("$"):
                assert (doc, number + 1) in covered


@pytest.mark.parametrize("shown, printed, expected", [
    (["a", "…", "z"], ["a", "b", "c", "z"], True),
    (["a", "…"], ["a", "b"], True),
    (["a"], ["a", "b"], False),
    (["x[1]=…: left = 1"], ["x[1]=2, y=3: left = 1"], True),
    (["took (0.08 s)"], ["took (1.25 s)"], True),
    (["a", "c"], ["a", "b", "c"], False),
])
def test_the_matching_rules(shown, printed, expected):
    assert agree(shown, printed) is expected


def shape_of(value):
    """A JSON value's layout: the keys of objects (recursively), the first item of lists."""
    if isinstance(value, dict):
        return {key: shape_of(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape_of(value[0])] if value else []
    return type(value).__name__ if value is not None else None


def within(shown, real) -> bool:
    if isinstance(shown, dict):
        return isinstance(real, dict) and all(k in real and within(v, real[k]) for k, v in shown.items())
    if isinstance(shown, list):
        return isinstance(real, list) and (not shown or (bool(real) and within(shown[0], real[0])))
    return shown is None or real is None or shown == real


def test_the_json_layout_in_cli_md_is_the_real_layout(capsys):
    """docs/cli.md sketches the JSON report; every key it shows is where the real report has it."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    sketch = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    main(["check", "--format", "json", str(ROOT / "derivations" / "backprop_seed.md")])
    real = json.loads(capsys.readouterr().out)
    assert within(shape_of(sketch), shape_of(real))
