"""A sum covers the term right after it; its index used past that term is an error, not a claim.

``-\\frac{1}{m} \\sum_i y_i \\log p_i + (1 - y_i) \\log(1 - p_i)`` is how many notes write the
cross-entropy. Read literally, the second term is outside the sum and has a free index the left side
lacks: refuting it would refute what the author meant, accepting it would read brackets that are
not there. It is a located error naming the index.
"""

from __future__ import annotations

from symbolic import Verdict, api

BLOCK = r"""```derivation
indices: {i: M}
define: |
  L = -\frac{1}{M} \sum_i \left[ y_i \log p_i + (1 - y_i) \log(1 - p_i) \right]
```
"""


def verdicts(body: str) -> dict:
    return {c.label: c for c in api.check_text(BLOCK + "\n" + body, "note.md").claims}


def test_an_index_used_after_its_sum_ends_is_an_error_naming_it():
    claim = verdicts(r"$$L = -\frac{1}{M} \sum_i y_i \log p_i + (1 - y_i) \log(1 - p_i) \tag{c}$$")["c"]
    assert claim.verdict == Verdict.ERROR
    assert "index i is summed over and also used after the sum ends" in claim.message


def test_the_bracketed_sum_is_checked():
    body = r"$$L = -\frac{1}{M} \sum_i \left[ y_i \log p_i + (1 - y_i) \log(1 - p_i) \right] \tag{c}$$"
    assert verdicts(body)["c"].verdict in (Verdict.PROVED, Verdict.VERIFIED)


def test_a_free_index_on_both_sides_beside_a_sum_over_another_letter_is_still_read():
    body = r"$$\frac{\partial L}{\partial p_i} = -\frac{1}{M} \left(\frac{y_i}{p_i} - \frac{1 - y_i}{1 - p_i}\right) \tag{d}$$"
    assert verdicts(body)["d"].verdict in (Verdict.PROVED, Verdict.VERIFIED)
