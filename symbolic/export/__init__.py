"""Annotated notes: a checked note rendered as LaTeX (and PDF), Markdown or JSON."""

from .document import compile_pdf, export, run_export
from .latex import latex_math, latex_prose, latex_text, render_tex
from .note import check_note

__all__ = ["check_note", "compile_pdf", "export", "latex_math", "latex_prose", "latex_text",
           "render_tex", "run_export"]
