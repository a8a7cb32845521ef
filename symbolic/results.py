"""Result records: what was concluded about each step, claim and file, with evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import ErrorKind, location
from .verdicts import Verdict, worst


NO_BLOCK_MESSAGE = "no derivation block found"  # the record of a file with nothing to check

@dataclass
class Counterexample:
    """Concrete values at which the two sides of a step differ."""

    sizes: dict[str, int]
    indices: dict[str, int]          # free index -> 1-based value
    leaves: dict[str, str]           # leaf entry as written -> exact value
    lhs: str
    rhs: str
    # the same values for tools: {"tensor": "W", "ranges": ["J", "I"], "index": [1, 2], "value": "-7/4"}
    values: list[dict[str, Any]] = field(default_factory=list)
    # for piecewise functions, the sign region the point lies in: "z_{1} < 0, z_{2} > 0"
    region: str | None = None

    def describe(self, shown: int = 8) -> str:
        sizes = ", ".join(f"{k}={v}" for k, v in self.sizes.items())
        idx = ", ".join(f"{k}={v}" for k, v in self.indices.items())
        items = list(self.leaves.items())
        leaves = ", ".join(f"{k}={v}" for k, v in items[:shown]) + (", …" if len(items) > shown else "")
        region = f", where {self.region}" if self.region else ""
        head = ", ".join(part for part in (sizes, idx) if part)
        where = (f"at {head}{region}; {leaves}" if head else f"at {leaves}{region}") if leaves else \
            f"at {head}{region}"
        return f"{where}: left = {self.lhs}, right = {self.rhs}"


@dataclass
class StepResult:
    """One '=' of a chain."""

    verdict: Verdict
    lhs: str
    rhs: str
    line: int
    column: int
    message: str = ""
    kind: str = "identity"  # identity | arithmetic | substitution | definition
    sizes: list[dict[str, int]] = field(default_factory=list)
    assignments: int = 0
    counterexample: Counterexample | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    condition: str | None = None
    hint: str | None = None
    error_kind: ErrorKind | None = None  # the kind of the error that stopped this step, if any

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        return data


@dataclass
class ClaimResult:
    """A chain, a definition, or a problem found in a file."""

    path: str
    line: int
    column: int
    verdict: Verdict
    label: str | None = None
    message: str = ""
    hint: str | None = None
    expected: Verdict | None = None
    steps: list[StepResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    condition: str | None = None
    seconds: float = 0.0
    diagnosis: list[str] = field(default_factory=list)
    correct: str | None = None  # the correct equation, LaTeX: derivative = correct right side
    error_kind: ErrorKind | None = None  # set from the exception class when built from an error
    cell: int | None = None  # in a notebook: the cell, and line counts within it

    @property
    def where(self) -> str:
        """``path:line:col``, or ``nb.ipynb:cell 4:line 2:col 7`` in a notebook."""
        return location(self.path, self.line, self.column, self.cell)

    @property
    def kind(self) -> ErrorKind | None:
        """What kind of error the record is (``GradproofError.kind``), or None if it is no error.

        A chain is an error through its first erroring step; an error record that does not
        know its kind is gradproof's own mistake, so it is ``internal``.
        """
        if self.verdict != Verdict.ERROR:
            return None
        steps = (s.error_kind for s in self.steps if s.verdict == Verdict.ERROR)
        return self.error_kind or next((k for k in steps if k), None) or "internal"

    @property
    def passes(self) -> bool:
        """True when the verdict is what the author expects (or holds, if nothing is expected)."""
        if self.expected is not None:
            if self.expected == Verdict.VERIFIED:  # a proof is more than a verification
                return self.verdict.holds
            return self.verdict == self.expected
        return self.verdict not in (Verdict.REFUTED, Verdict.ERROR, Verdict.UNDECIDED)

    @property
    def name(self) -> str:
        return f"({self.label})" if self.label else f"line {self.line}"

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label, "line": self.line, "column": self.column,
            "verdict": self.verdict.value, "kind": self.kind,
            "expected": self.expected.value if self.expected else None,
            "passes": self.passes, "message": self.message, "hint": self.hint,
            "warnings": list(self.warnings), "steps": [s.to_json() for s in self.steps],
            "condition": self.condition, "diagnosis": list(self.diagnosis),
            "correct": self.correct, "seconds": round(self.seconds, 4), "source": self.source,
            **({"cell": self.cell} if self.cell is not None else {}),
        }


def chain_verdict(steps: list[StepResult]) -> Verdict:
    """The worst checked step; a chain with an unchecked substitution never holds as a whole."""
    checked = [s.verdict for s in steps if s.verdict not in (Verdict.SKIPPED,)]
    if not checked:
        return Verdict.SKIPPED
    verdict = worst(checked)
    if verdict.holds and any(s.kind == "substitution" for s in steps):
        return Verdict.UNDECIDED
    return verdict


def chain_summary(steps: list[StepResult]) -> str:
    """One line for a chain: the first failing step, else what holds and what was not checked."""
    if len(steps) == 1:
        return steps[0].message
    failing = [k for k, s in enumerate(steps) if s.verdict in (Verdict.REFUTED, Verdict.ERROR)]
    if failing:
        k = failing[0]
        s = steps[k]
        text = f"step {k + 1} of {len(steps)} ({s.lhs} = {s.rhs}) is {s.verdict.value}: {s.message}"
        return text
    undecided = [k for k, s in enumerate(steps) if s.verdict == Verdict.UNDECIDED]
    if undecided:
        return f"step {undecided[0] + 1} is undecided: {steps[undecided[0]].message}"
    unchecked = [k + 1 for k, s in enumerate(steps) if s.kind == "substitution"]
    if unchecked:
        held = [k + 1 for k, s in enumerate(steps) if s.verdict.holds]
        return (f"{_step_numbers(held)} hold; {_step_numbers(unchecked)} substitute{'s' * (len(unchecked) == 1)} "
                "numbers and {} not checked, so the chain does not hold as a whole".format(
                    "is" if len(unchecked) == 1 else "are"))
    return f"all {len(steps)} steps hold"


def _step_numbers(numbers: list[int]) -> str:
    if not numbers:
        return "no step"
    if len(numbers) == 1:
        return f"step {numbers[0]}"
    return "steps " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


@dataclass(frozen=True)
class UnreadDisplay:
    """Display math that holds no claim (no '='), in a file that yields no claim at all."""

    line: int
    column: int
    text: str
    cell: int | None = None

    MESSAGE = "display math that holds no claim (no '=')"
    HINT = "write what it equals (X = …); gradproof checks equalities"

    def where(self, path: str) -> str:
        return location(path, self.line, self.column, self.cell)

    def to_json(self) -> dict[str, Any]:
        shown = {"line": self.line, "column": self.column, "text": self.text}
        return shown if self.cell is None else {**shown, "cell": self.cell}


@dataclass
class FileReport:
    path: str
    claims: list[ClaimResult] = field(default_factory=list)
    seconds: float = 0.0
    # display math read but holding no claim, listed only when the file yields no claim:
    # a note whose math gradproof did not take as claims is not "all as expected"
    unread: list[UnreadDisplay] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        shown = {"path": self.path, "seconds": round(self.seconds, 4),
                 "claims": [c.to_json() for c in self.claims]}
        return {**shown, "unread": [u.to_json() for u in self.unread]} if self.unread else shown
