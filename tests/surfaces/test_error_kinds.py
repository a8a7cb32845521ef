"""Error records keep their kind: ``"kind"`` in the JSON report, from the exception class.

Each kind has a small broken note checked through ``main(["check", "--format", "json", …])``;
usage and export errors stop a command before any report exists, so they are
checked as the one line the CLI prints and as records built from their classes.
"""

from __future__ import annotations

import importlib
import json

import pytest

from symbolic import GradproofError
from symbolic.cli import main
from symbolic.errors import (ERROR_KINDS, ExportError, InputError, LatexError, ModelError, NotationError,
                             NotesError, Span, UsageError, YamlError)
from tests.models import SOFTMAX_LAYER

CONTEXT = SOFTMAX_LAYER

BROKEN = {
    "latex": CONTEXT + "\n$$\\frac{\\partial L}{\\partial a_k = o_k - t_k$$\n",
    "notation": CONTEXT + "\n$$\\nabla w_{jk} = h_j (q_k - t_k)$$\n",
    "model": CONTEXT.replace("assume: [one-hot t]", "loss: E"),
    "notes": "$$\\nabla w_{jk} = h_j (o_k - t_k)$$\n",
    "yaml": "```derivation\nindices: {j: J, k: K\n```\n",
    "input": b"```derivation\n\xff\n```\n",
}


def check_json(capsys, path) -> tuple[int, dict]:
    code = main(["check", "--format", "json", str(path)])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_note_gives_an_error_record_of_its_kind(tmp_path, capsys, kind):
    path = tmp_path / f"{kind}.md"
    text = BROKEN[kind]
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code, data = check_json(capsys, path)
    errors = [c for c in data["files"][0]["claims"] if c["verdict"] == "error"]
    assert code == 2
    assert errors and errors[0]["kind"] == kind, errors


def test_a_missing_file_is_an_input_error(tmp_path, capsys):
    code, data = check_json(capsys, tmp_path / "absent.md")
    [record] = data["files"][0]["claims"]
    assert code == 2 and record["kind"] == "input" and record["message"].startswith("no such file")


def test_a_note_without_a_derivation_block_is_a_notes_error(tmp_path, capsys):
    path = tmp_path / "prose.md"
    path.write_text("# Just prose\n\nNo math here.\n", encoding="utf-8")
    code, data = check_json(capsys, path)
    assert code == 2 and data["files"][0]["claims"][0]["kind"] == "notes"


def test_an_internal_error_is_kind_internal(tmp_path, capsys, monkeypatch):
    def broken(*args):
        raise RuntimeError("planted")

    monkeypatch.setattr(importlib.import_module("symbolic.checker"), "check_arithmetic", broken)
    path = tmp_path / "n.md"
    path.write_text("$$1 + 1 = 2$$\n", encoding="utf-8")
    code, data = check_json(capsys, path)
    [record] = data["files"][0]["claims"]
    assert code == 2 and record["kind"] == "internal" and "planted" in record["message"]


def test_claims_that_are_not_errors_have_no_kind(tmp_path, capsys):
    path = tmp_path / "n.md"
    path.write_text(CONTEXT + "\n$$\\nabla w_{jk} = h_j (o_k - t_k)$$\n", encoding="utf-8")
    code, data = check_json(capsys, path)
    assert code == 0 and [c["kind"] for c in data["files"][0]["claims"]] == [None]


def test_a_usage_error_is_one_line_with_exit_2(tmp_path, capsys):
    context = tmp_path / "context.md"
    context.write_text("no block here\n", encoding="utf-8")
    note = tmp_path / "n.md"
    note.write_text("$$1 + 1 = 2$$\n", encoding="utf-8")
    code = main(["check", "--format", "json", "--context", str(context), str(note)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--context file has no derivation block" in err


@pytest.mark.parametrize("error, kind", [
    (LatexError, "latex"), (NotationError, "notation"), (ModelError, "model"), (NotesError, "notes"),
    (YamlError, "yaml"), (InputError, "input"), (UsageError, "usage"), (ExportError, "export"),
    (GradproofError, "internal"),
])
def test_each_error_class_has_its_kind_in_the_record(error, kind):
    from symbolic.checker import error_record

    record = error_record("n.md", error("broken", Span("n.md", 4, 2), "fix it"))
    assert record.to_json()["kind"] == kind == error.kind
    assert (record.line, record.column) == (4, 2)


def test_the_kinds_are_the_documented_ones_and_each_class_has_its_own():
    classes = [LatexError, NotationError, ModelError, NotesError, YamlError, InputError, UsageError,
               ExportError, GradproofError]
    assert sorted(c.kind for c in classes) == sorted(ERROR_KINDS)
    assert issubclass(YamlError, NotesError) and issubclass(InputError, NotesError)  # old handlers still catch them
