"""``%load_ext symbolic`` in Jupyter: a ``%%derivation`` cell magic that checks the cell.

The cell holds a note as in a Markdown file (a ```derivation block, then the claims);
the verdicts come back as Markdown with each claim rendered as math. IPython is imported
only when the extension is loaded.
"""

from __future__ import annotations

from .checker import check_text
from .results import FileReport
from .verdicts import Verdict


def render_cell_report(report: FileReport) -> str:
    """The verdicts of a cell as Markdown: a mark, the label and verdict, the claim as math."""
    lines = []
    for claim in report.claims:
        if claim.verdict == Verdict.DEFINITION:
            continue
        mark = claim.verdict.shown.mark
        label = f" ({claim.label})" if claim.label else ""
        lines.append(f"**{mark} {claim.verdict.value}**{label} — line {claim.line}")
        if claim.source:
            lines.append(f"$$\n{claim.source.strip()}\n$$")
        if claim.message:
            lines.append(_escape(claim.message))
        if claim.correct:
            lines.append(f"correct: $${claim.correct}$$")
        lines.append("")
    return "\n\n".join(lines).strip() or "_nothing to check in this cell_"


def _escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*").replace("_", "\\_")


def derivation_magic(line: str, cell: str):
    """``%%derivation``: check the cell and display its verdicts."""
    from IPython.display import Markdown, display

    report = check_text(cell, "cell")
    display(Markdown(render_cell_report(report)))
    return None


def load_ipython_extension(ipython) -> None:
    ipython.register_magic_function(derivation_magic, magic_kind="cell", magic_name="derivation")
