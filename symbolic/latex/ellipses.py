"""An elided series (``+ \\cdots``) in a term: an error at its place, never dropped.

``a + b + \\cdots`` asks the reader to continue a pattern; which pattern is the author's guess
to make, not gradproof's, so the dots are named where they stand. Dots the notation reads
(``\\max(x_1, \\cdots, x_n)``, a label after dots) are taken before this check runs.
"""

from __future__ import annotations

import re

from ..errors import LatexError, Span

_DOTS = re.compile(r"\\(?:cdots|ldots|dotsb|dotsc|dotsm|dotsi|dotso|dots|vdots|ddots)(?![A-Za-z])")


def check_ellipses(text: str, span: Span, written: str) -> None:
    """Raise at the first elision left in a term (``text``, the rewritten ``written``).

    Raises:
        LatexError: at the dots in the author's text, naming them as written.
    """
    m = _DOTS.search(text)
    if m is not None:
        at = _DOTS.search(written)  # the rewrites before this check move columns; the author's do not
        raise LatexError(f"the elided series '{m.group(0)}' is not read: the terms it stands for are "
                         "not written", span.shifted(written[:at.start()] if at else text[:m.start()]),
                         "write the terms out, or the sum with \\sum and its range")
