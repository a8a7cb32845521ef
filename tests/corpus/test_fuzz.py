"""Arbitrary input never produces a traceback: only records with verdicts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbolic import Options, Verdict, check_text

HEADER = """```derivation
indices: {i: I, j: J, k: K}
define: |
  h_j = \\tanh(\\sum_i w_{ij} x_i)
  o_k = \\frac{e^{a_k}}{\\sum_{k'} e^{a_{k'}}}
  a_k = \\sum_j v_{jk} h_j
  L = -\\sum_k t_k \\log o_k
```
"""

PIECES = [r"\nabla", r"\frac{", "}", "{", r"\partial", "w_{jk}", "w_{ij}", "h_j", "o_k", "t_k",
          "a_k", r"\sum_k", r"\sum_{k'}", "(", ")", "[", "]", "=", "+", "-", "^2", r"\tanh",
          r"\log", "e^{", "1_{kj}", r"\delta_{jk}", "x_i", "0.5", r"\cdot", r"\quad (j = k)",
          r"\tag{1}", "q", "$$", "_", r"\left(", r"\right)", " "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14))
def test_random_claims_give_verdicts_not_exceptions(pieces):
    text = HEADER + "\n$$" + " ".join(pieces) + "$$\n"
    report = check_text(text, "fuzz.md", Options(timeout=5, diagnose=False))
    for claim in report.claims:
        assert isinstance(claim.verdict, Verdict)
        assert claim.line >= 1 and claim.column >= 1
        assert not claim.message.startswith("internal error"), (text, claim.message)
