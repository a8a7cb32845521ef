"""Sizes, tolerances and time limits: each in one named place."""

from __future__ import annotations

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

# Time limit for one claim (seconds); the CLI's --timeout overrides it.
DEFAULT_TIMEOUT = 60.0

# Values shown in reports.
SHOWN_DIGITS = 12
