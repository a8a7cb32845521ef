"""Sizes, tolerances and time limits: each in one named place."""

from __future__ import annotations

import os
from dataclasses import dataclass

# Concrete sizes at which claims are checked exactly. The n-th size name of a
# context gets SIZE_ASSIGNMENTS[a][n]: within an assignment every index range
# has a different size, so a transposed or swapped index cannot pass by accident.
SIZE_ASSIGNMENTS: tuple[tuple[int, ...], ...] = (
    (2, 3, 4, 5, 6, 7),
    (3, 4, 2, 6, 7, 5),
)
# A step whose sides depend on the sizes polynomially is checked at more assignments (one
# more value per degree); beyond this many it is left to the all-sizes proof.
MAX_SIZE_ASSIGNMENTS = 12

# Counterexamples: leaf values are drawn from k/4 for k in -8..8 (k != 0).
COUNTEREXAMPLE_NUMERATORS = tuple(k for k in range(-8, 9) if k)
COUNTEREXAMPLE_DENOMINATOR = 4
COUNTEREXAMPLE_POINTS = 4          # points tried before saying "undecided"
EVALUATION_DIGITS = 40             # mpmath precision for real-function evaluation
AGREEMENT_TOLERANCE = 1e-25        # relative difference below which two values agree
RANDOM_SEED = 20261127
# Piecewise functions (ReLU, the step, |u|): a step is checked on every sign pattern of
# their arguments at one size assignment, up to this many patterns; a counterexample for
# a pattern is looked for among this many drawn points.
MAX_SIGN_REGIONS = 4096
REGION_DRAWS = 400
# Saying on which regions a refuted piecewise step holds takes at most this share of the time
# left for the claim's diagnosis, so that the correct formula and the rest still get theirs.
REGION_DIAGNOSIS_SHARE = 0.25

# Time limit for one claim (seconds); the CLI's --timeout overrides it.
DEFAULT_TIMEOUT = 60.0

# Values shown in reports.
SHOWN_DIGITS = 12

# Limits on one notes file, so a broken or hostile note is answered quickly. Each is
# raised by its environment variable (named in the message that reports it).
MAX_CLAIMS_PER_FILE = 5_000        # GRADPROOF_MAX_CLAIMS: chains read from one file
MAX_MATH_CHARS = 20_000            # GRADPROOF_MAX_MATH_CHARS: characters in one math block

# Limits on one claim, so that hostile or broken math is refused before the work it would
# cause (some of that work runs in C and cannot be interrupted by the time limit). Each is
# read when used, from its environment variable if set, and is named in the message of the
# error that reports it.


@dataclass(frozen=True)
class Limit:
    """A bound on the input: its default and the environment variable that raises it."""

    variable: str
    default: int
    what: str  # what is counted, for the message

    @property
    def value(self) -> int:
        text = os.environ.get(self.variable, "")
        return int(text) if text.strip().isdigit() else self.default

    def exceeded(self, found: int | str | None = None) -> str:
        """The one-line message for an input over this limit."""
        seen = f" ({found})" if found is not None else ""
        return (f"{self.what}{seen} is over the limit of {self.value} "
                f"(raise it with the environment variable {self.variable})")


MAX_NESTING = Limit("GRADPROOF_MAX_NESTING", 20, "the nesting depth of brackets, braces, "
                    "\\frac, \\sqrt, calls, signs and sums in one term")
MAX_EXPONENT = Limit("GRADPROOF_MAX_EXPONENT", 200, "a numeric exponent")
MAX_NUMBER_DIGITS = Limit("GRADPROOF_MAX_DIGITS", 100, "the number of digits of a number")
MAX_TERMS = Limit("GRADPROOF_MAX_TERMS", 200_000, "the number of terms one concrete "
                  "evaluation or expansion would produce")
MAX_DEFINITION_DEPTH = Limit("GRADPROOF_MAX_DEFINITION_DEPTH", 150,
                             "the depth of definitions built on one another")
MAX_INDEX_VALUE = Limit("GRADPROOF_MAX_INDEX", 1_000, "a fixed index value")
MAX_SIZE_NAMES = Limit("GRADPROOF_MAX_SIZE_NAMES", 16, "the number of index size names")

# The time limit is checked at its deadline by the engine, which then says "undecided";
# anything still running this much later is interrupted wherever it is (seconds).
TIME_LIMIT_GRACE = 0.5
# How often a claim past its time limit is interrupted again, in case a library swallowed
# the first interruption (seconds).
TIME_LIMIT_REPEAT = 0.25


def cache_directory(switch: str | None = None) -> str | None:
    """Where gradproof keeps its caches, or None when they are off.

    $GRADPROOF_CACHE_DIR, else $XDG_CACHE_HOME/gradproof, else ~/.cache/gradproof;
    GRADPROOF_CACHE=off turns every cache off, ``switch`` (an environment variable) one.
    """
    for name in ("GRADPROOF_CACHE", switch):
        if name and os.environ.get(name, "").lower() in ("off", "0", "no"):
            return None
    return os.environ.get("GRADPROOF_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gradproof")
