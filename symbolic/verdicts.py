"""The vocabulary of results: verdicts and the records that carry their evidence."""

from __future__ import annotations

import enum


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


# Worst first: the verdict of a chain is the worst verdict of its steps.
SEVERITY = [Verdict.REFUTED, Verdict.ERROR, Verdict.UNDECIDED, Verdict.VERIFIED,
            Verdict.PROVED, Verdict.DEFINITION, Verdict.SKIPPED]


def worst(verdicts) -> Verdict:
    """The most severe of ``verdicts`` (skipped steps count only when alone)."""
    present = list(verdicts)
    if not present:
        return Verdict.SKIPPED
    return min(present, key=SEVERITY.index)
