"""The vocabulary of results: verdicts, and how every surface shows each of them.

:data:`PRESENTATION` holds one row per verdict: the text mark, the LaTeX macro
of the export, the mark inside math, the colour and the exit code. The text,
JSON and GitHub reports, the LaTeX and Markdown exports and ``check``'s exit
code read it; none keeps a table of its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal


class Verdict(str, enum.Enum):
    """What gradproof concluded about a claim or one step of it."""

    PROVED = "proved"
    VERIFIED = "verified"
    REFUTED = "refuted"
    UNDECIDED = "undecided"
    ERROR = "error"
    DEFINITION = "definition"
    SKIPPED = "skipped"

    @classmethod
    def parse(cls, text: str) -> "Verdict":
        """Read a verdict name as an author writes it in ``expect``."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(v.value for v in cls)
            raise ValueError(f"unknown verdict {text.strip()!r}; use one of {names}") from None

    @property
    def holds(self) -> bool:
        return self in (Verdict.PROVED, Verdict.VERIFIED)

    @property
    def shown(self) -> "Presentation":
        """This verdict's row of :data:`PRESENTATION`."""
        return PRESENTATION[self]


# Worst first: the verdict of a chain is the worst verdict of its steps.
SEVERITY = [Verdict.REFUTED, Verdict.ERROR, Verdict.UNDECIDED, Verdict.VERIFIED,
            Verdict.PROVED, Verdict.DEFINITION, Verdict.SKIPPED]


def worst(verdicts) -> Verdict:
    """The most severe of ``verdicts`` (skipped steps count only when alone)."""
    present = list(verdicts)
    if not present:
        return Verdict.SKIPPED
    return min(present, key=SEVERITY.index)


@dataclass(frozen=True)
class Colour:
    """A colour as a terminal (ANSI SGR code) and the PDF (``\\definecolor`` name and RGB) show it."""

    name: str
    ansi: str
    rgb: tuple[float, float, float]

    def paint(self, text: str) -> str:
        """``text`` in this colour on an ANSI terminal."""
        return f"\033[{self.ansi}m{text}\033[0m" if self.ansi else text


GOOD = Colour("gpgood", "32", (0, 0.5, 0))
BAD = Colour("gpbad", "31", (0.75, 0, 0))
WARN = Colour("gpwarn", "33", (0.75, 0.45, 0))
PLAIN = Colour("gpplain", "", (0, 0, 0))
COLOURS = (GOOD, BAD, WARN, PLAIN)

# A claim whose verdict differs from its recorded expectation fails with this code, whatever it is.
EXPECTATION_EXIT_CODE = 1
# ``gradproof check`` when display math was read but no claim checked, and nothing else failed
UNREAD_EXIT_CODE = 4


@dataclass(frozen=True)
class Presentation:
    """How one verdict is shown, by every surface."""

    mark: str           # text report, pytest, Markdown export
    tex: str            # macro of the LaTeX export (defined in its preamble from ``tex_body``)
    tex_body: str       # what the macro typesets; ``{colour}`` is the PDF colour's name
    math: str           # the mark inside display math (Markdown export)
    colour: Colour
    exit_code: int      # of ``gradproof check`` when a claim fails with this verdict; lowest non-zero wins
    annotation: Literal["error", "warning"] | None  # GitHub workflow command for a failing claim
    legend: str         # what the mark means, in the export's key


PRESENTATION: dict[Verdict, Presentation] = {
    Verdict.PROVED: Presentation("✓", r"\gpyes", r"\textcolor{{{colour}}}{{\ensuremath{{\checkmark}}}}",
                                 r"\checkmark", GOOD, 0, None, "holds"),
    Verdict.VERIFIED: Presentation("✓", r"\gpyes", r"\textcolor{{{colour}}}{{\ensuremath{{\checkmark}}}}",
                                   r"\checkmark", GOOD, 0, None, "holds"),
    Verdict.REFUTED: Presentation("✗", r"\gpno", r"\textcolor{{{colour}}}{{\ensuremath{{\boldsymbol{{\times}}}}}}",
                                  r"\times", BAD, 1, "error", "refuted"),
    Verdict.UNDECIDED: Presentation("?", r"\gpmaybe", r"\textcolor{{{colour}}}{{\textbf{{?}}}}",
                                    "?", WARN, 3, "warning", "undecided"),
    Verdict.ERROR: Presentation("!", r"\gperror", r"\textcolor{{{colour}}}{{\textbf{{!}}}}",
                                "!", BAD, 2, "error", "cannot be checked"),
    Verdict.DEFINITION: Presentation("≔", r"\gpdef", r"\ensuremath{{:=}}", ":=", PLAIN, 0, None,
                                     "definition"),
    Verdict.SKIPPED: Presentation("·", r"\gpskip", r"\ensuremath{{\cdot}}", r"\cdot", PLAIN, 0, None,
                                  "not checked"),
}
