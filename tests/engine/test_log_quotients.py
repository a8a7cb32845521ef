"""The log of a sum that is a positive quotient over one denominator: split into logs exactly.

log(1 - 1/(1 + e^{-u})) is log(e^{-u} / (1 + e^{-u})) = -u - log(1 + e^{-u}) (the logistic
regression step of aman.ai's derivation); the split is made only where every factor of the
combined form is positive, and a wrong split is still refuted."""

from __future__ import annotations

import pytest

from symbolic import Verdict, check_text

MODEL = r"""```derivation
indices: {j: N}
define: |
  u = \sum_j w_j x_j
  h = \sigma(u)
  L = \log(1 - h)
```

"""


@pytest.mark.parametrize("claim, verdict", [
    (r"\log\left(1 - \frac{1}{1 + e^{-u}}\right) = \log\left(e^{-u}\right) - \log\left(1 + e^{-u}\right)",
     Verdict.VERIFIED),
    (r"\log\left(1 - \frac{1}{1 + e^{-u}}\right) = -u - \log\left(1 + e^{-u}\right)", Verdict.VERIFIED),
    (r"L = -u - \log(1 + e^{-u})", Verdict.VERIFIED),
    # wrong: the sign of the second log, and the log of the difference split as a difference of logs
    (r"\log\left(1 - \frac{1}{1 + e^{-u}}\right) = \log\left(e^{-u}\right) + \log\left(1 + e^{-u}\right)",
     Verdict.REFUTED),
    (r"\log\left(1 - \frac{1}{1 + e^{-u}}\right) = \log 1 - \log\left(\frac{1}{1 + e^{-u}}\right)",
     Verdict.REFUTED),
])
def test_a_log_of_a_positive_quotient_splits(claim, verdict):
    (result,) = check_text(MODEL + f"$${claim}$$\n", "n.md").claims
    assert result.verdict.holds if verdict == Verdict.VERIFIED else result.verdict == verdict, \
        (result.verdict, result.message)
