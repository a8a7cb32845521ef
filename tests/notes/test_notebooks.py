"""Jupyter notebooks: markdown cells are notes, code cells never; places are cell, line, column."""

from __future__ import annotations

import nbformat
import pytest

from symbolic.cli import collect_paths, main
from symbolic.errors import NotesError, Span
from symbolic.notes.reader import ChainSource, ContextSource, Problem, read_note

MODEL = """# Softmax

```derivation
indices: {k: K}
define: |
  o_k = \\frac{e^{a_k}}{\\sum_{k'} e^{a_{k'}}}
  L = -\\sum_k t_k \\log o_k
assume: [one-hot t]
```"""


def notebook(tmp_path, name: str = "nb.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(MODEL),                                   # cell 1
        nbformat.v4.new_code_cell("x = '$$\\\\nabla a_k = 0$$'"),                 # cell 2: never read
        nbformat.v4.new_markdown_cell("The gradient:\n\n$$\\nabla a_k = o_k - t_k \\tag{1}$$"),  # cell 3
        nbformat.v4.new_markdown_cell("A wrong one:\n  $$\\nabla a_k = o_k$$"),  # cell 4
    ]
    path = tmp_path / name
    nbformat.write(nb, str(path))
    return path


def test_markdown_cells_are_read_with_their_cell_and_line(tmp_path):
    note = read_note(notebook(tmp_path))
    context, right, wrong = note.items
    assert isinstance(context, ContextSource) and context.span.cell == 1
    assert [span for _, span in context.defines][0] == Span(note.path, 6, 3, 1)
    assert isinstance(right, ChainSource) and right.label == "1"
    assert right.terms[1].span == Span(note.path, 3, 16, 3)
    assert wrong.span == Span(note.path, 2, 5, 4)
    assert str(wrong.terms[1].span) == f"{note.path}:cell 4:line 2:col 18"


def test_a_notebook_is_checked_with_the_context_of_an_earlier_cell(tmp_path, capsys):
    path = notebook(tmp_path)
    assert main(["check", "--format", "json", str(path)]) == 1
    out = capsys.readouterr().out
    assert '"verdict": "refuted"' in out and '"verdict": "proved"' in out


def test_a_folder_of_notebooks_is_checked(tmp_path, capsys):
    notebook(tmp_path, "a.ipynb")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    notebook(tmp_path / ".ipynb_checkpoints", "a-checkpoint.ipynb")
    assert collect_paths([str(tmp_path)]) == [tmp_path / "a.ipynb"]
    assert main(["check", str(tmp_path)]) == 1
    assert "1 refuted" in capsys.readouterr().out


def test_a_broken_notebook_is_one_error(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    (problem,) = read_note(path).items
    assert isinstance(problem, Problem) and "not a readable notebook" in problem.error.message
    assert "\n" not in problem.error.one_line()


def test_a_cell_location_prints_as_cell_line_col():
    error = NotesError("bad", Span("nb.ipynb", 2, 7, 4), "fix it")
    assert error.one_line() == "nb.ipynb:cell 4:line 2:col 7: error: bad (hint: fix it)"


def test_the_report_names_the_cell(tmp_path, capsys):
    path = notebook(tmp_path)
    main(["check", str(path)])
    assert f"{path}:cell 4:line 2:col 5" in capsys.readouterr().out
