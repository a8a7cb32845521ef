"""latex2sympy2's grammar, the one place that imports latex2sympy2 and antlr4.

Text in (already normalised and masked by :mod:`symbolic.latex.parse`), SymPy out, or
the bare Exception latex2sympy2 raises with its caret diagram.
"""

from __future__ import annotations

import functools

from . import plain_terms
from .parse_cache import ParseCache

_CACHE = ParseCache()


@functools.lru_cache(maxsize=4096)
def parse(text: str):
    """The parse of ``text``: from memory, the plain-term reader, the parse cache, or the grammar."""
    plain = plain_terms.read(text)  # the grammar's own tree, built without it (see plain_terms)
    if plain is not None:
        return plain
    cached = _CACHE.get(text)
    if cached is not None:
        return cached
    result = parse_uncached(text)
    _CACHE.put(text, result)
    return result


def parse_uncached(text: str):
    """latex2sympy2's grammar, driven in ANTLR's fast SLL mode (LL only if SLL fails).

    The default full-LL prediction of the Python ANTLR runtime spent 80% of a
    check in ``adaptivePredict``; SLL accepts the same inputs here and is an
    order of magnitude faster. Results are cached per text (they are immutable).
    """
    import latex2sympy2 as l2s  # heavy import, deferred until needed
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.atn.PredictionMode import PredictionMode

    l2s.VARIABLE_VALUES = {}
    l2s.var = {}  # latex2sympy2 leaves a Symbol here after a differential; reset per parse
    last_error = None
    for mode in (PredictionMode.SLL, PredictionMode.LL):
        listener = l2s.MathErrorListener(text)
        lexer = l2s.PSLexer(InputStream(text))
        lexer.removeErrorListeners()
        lexer.addErrorListener(listener)
        parser = l2s.PSParser(CommonTokenStream(lexer))
        parser.removeErrorListeners()
        parser.addErrorListener(listener)
        parser._interp.predictionMode = mode
        try:
            math = parser.math()
        except Exception as exc:  # the listener raises a bare Exception with a caret diagram
            last_error = exc
            continue
        if math.relation_list():
            return [l2s.convert_relation(r) for r in math.relation_list().relation_list_content().relation()]
        return l2s.convert_relation(math.relation())
    raise last_error
