"""The maximum over a window index: ``y_i = \\max_{m} x_{2i+m}``, ``\\max_{m,n} a_{si+m, sj+n}``.

A max over a declared index is a node over the sum that would run over that index
(``WindowMax(Sum(body, (m, 0, M - 1)))``): the bound index stays bound wherever the model
walks sums, and at concrete sizes the node is unrolled into the running maximum of its terms,
``max(acc, t) = acc + ReLU(t - acc)``, which is exact. So max pooling is checked like every
other piecewise function: on each sign region of the ReLUs, that is, for each way the window's
entries can compare, with the derivative that holds almost everywhere (not on ties).
A max over several indices is the max over the first of the max over the rest.
"""

from __future__ import annotations

import sympy

from ..errors import ModelError
from .function_table import IsZero, Relu


class WindowMax(sympy.Function):
    """``\\max_{m} body``: the largest value of ``body`` over the whole range of m."""

    nargs = 1

    @classmethod
    def eval(cls, over):  # never evaluate: unrolled only at concrete sizes
        return None

    @property
    def over(self) -> sympy.Sum:
        return self.args[0]

    def unrolled(self, sizes: dict) -> sympy.Expr:
        """The running maximum of the window's terms at these sizes (size symbol -> value)."""
        body, (index, lower, upper) = self.over.function, self.over.limits[0]
        first, last = int(lower.xreplace(sizes)), int(upper.xreplace(sizes))
        terms = [body.xreplace({index: sympy.Integer(v)}) for v in range(first, last + 1)]
        return running_max(terms)

    def _sympystr(self, printer):
        index = self.over.limits[0][0]
        return f"max_{index}({printer._print(self.over.function)})"

    def _latex(self, printer, exp=None):
        index = self.over.limits[0][0]
        text = rf"\max_{{{index}}} {printer._print(self.over.function)}"
        return rf"\left({text}\right)^{{{exp}}}" if exp else text


def running_max(terms: list[sympy.Expr]) -> sympy.Expr:
    """max(t_1, …, t_n) as nested ReLUs, each comparing one term with the maximum so far."""
    result = terms[0]
    for term in terms[1:]:
        result = pairwise_max(result, term)
    return result


def pairwise_max(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """max(a, b) = a + ReLU(b - a); ``\\max(0, z)`` is ReLU(z) itself."""
    if a == 0:
        return Relu(b)
    if b == 0:
        return Relu(a)
    return a + Relu(b - a)


def window_max(body: sympy.Expr, limits: list[tuple]) -> sympy.Expr:
    """``\\max`` of ``body`` over each of ``limits`` (index, 0, size - 1), the first outermost."""
    for limit in reversed(limits):
        body = WindowMax(sympy.Sum(body, limit))
    return body


def argmax_mask(resolver, letter: str, window: sympy.Sum) -> sympy.Expr:
    """``\\mathbb{1}[k = \\arg\\max_{m} f(m)]`` as the mask ``1[f_k = \\max_m f(m)]`` (ties aside).

    The arg max is compared with an index k: where k has the range of m, it is the m that
    wins and the entry is f(k); where k has the range of the one position of the entry
    ``x_{φ(m)}`` (and not m's), it is where in x the winner sits and the entry is x_k (an
    x_k outside the window equals the max only on ties). Any other comparison is an error.
    """
    ranges = resolver.network.index_ranges
    if letter.rstrip("'") not in ranges:
        raise ModelError(f"an arg max compared with '{letter}', which is not an index letter", resolver.span,
                         r"write \mathbb{1}[k = \arg\max_{m} x_{2i+m}] with k an index of x")
    summed = resolver._sum(window)
    if len(summed.limits) != 1:
        raise ModelError("an arg max over several indices compared with one index is not read", resolver.span,
                         r"write the mask as \mathbb{1}[a_{p,q} = y_{i,j}]")
    body, var = summed.function, summed.limits[0][0]
    k = resolver.index(letter)
    k_range, m_range = ranges[letter.rstrip("'")], ranges[str(window.limits[0][0]).rstrip("'")]
    entry = body if isinstance(body, sympy.Indexed) and len(body.indices) == 1 else None
    tensor = resolver.network.tensors.get(entry.base.label.name) if entry is not None else None
    by_position = tensor is not None and tensor.ranges[0] == k_range and entry.indices[0] != var
    if k_range == m_range and not by_position:
        candidate = body.xreplace({var: k})
    elif by_position and k_range != m_range:
        candidate = sympy.Indexed(entry.base, k)
    else:
        raise ModelError(f"the arg max over {window.limits[0][0]} compared with {letter}: {letter} is "
                         f"neither an index of {window.limits[0][0]}'s range nor, alone, of the position "
                         "of the entry maximised", resolver.span,
                         r"write the mask as \mathbb{1}[x_k = y_i] (x_k is the max y_i)")
    return IsZero(candidate - window_max(body, list(summed.limits)))
