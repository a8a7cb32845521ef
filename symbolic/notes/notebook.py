"""Jupyter notebooks: each markdown cell is read as Markdown, code cells never.

A derivation block in one cell applies to the math of the cells after it. Positions are
within their cell (``Span.cell`` is the 1-based cell number, over all cells), so a claim is
reported at ``nb.ipynb:cell 4:line 2:col 7``.
"""

from __future__ import annotations

from ..errors import NotesError, Span
from .document import NoteReader, Problem
from .markdown import read_markdown

NOTEBOOK_HINT = "save the notebook again from Jupyter, or check that the file is a .ipynb notebook"


def read_notebook(text: str, path: str, inline: bool) -> list:
    """The items of every markdown cell of the notebook ``text``, in cell order."""
    import nbformat  # only notebooks need it (and its JSON Schema validation)

    try:
        notebook = nbformat.reads(text, as_version=4, capture_validation_error={})
    except Exception as error:  # nbformat raises JSON, schema and version errors of many kinds
        message = " ".join(str(error).split())[:200]
        return [Problem(NotesError(f"not a readable notebook: {message}", Span(path, 1, 1), NOTEBOOK_HINT))]
    items: list = []
    claims_left = None
    for number, cell in enumerate(notebook.get("cells", []), 1):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        reader = NoteReader(source, path, inline, cell=number, claims_left=claims_left)
        read_markdown(reader)
        items += reader.items()
        claims_left = reader.claims_left
        if reader.full:
            break
    return items
