"""A function's name as a quantity: ``\\partial \\sigma / \\partial w_j`` for ∂σ(z)/∂w_j.

Authors often write a Leibniz derivative with a bare function name as its numerator, meaning
the function at the one argument the model applies it to (Nielsen: ``a = \\sigma(z)``, then
``\\partial \\sigma / \\partial w_j``). That reading is taken only where it is the one reading:
the model applies the function to exactly one argument, and the other calls of it in the same
term use that argument too. Anything else is an error that names the arguments found.
"""

from __future__ import annotations

import sympy

from ..errors import NotationError, Span
from .functions import function_written
from .tensors import Network


def function_named(name: str, network: Network) -> type | None:
    """The opaque class of a table function written bare (``sigma``), or None.

    A name the model uses for a quantity (a tensor called ``sigma``) is never a function here.
    """
    if any(t.name == name for t in network.tensors.values()):
        return None
    row = function_written(name)
    return None if row is None else row.cls


def at_its_argument(cls: type, written: str, network: Network, span: Span) -> sympy.Expr:
    """The function ``cls`` applied to the one argument the model's definitions give it.

    Raises:
        NotationError: the model applies it to no argument, or to several.
    """
    arguments = sorted({call.args[0] for d in network.definitions for call in d.expr.atoms(cls)},
                       key=sympy.default_sort_key)
    if len(arguments) == 1:
        return cls(arguments[0])
    found = ", ".join(f"{written}({a})" for a in arguments) or "none"
    raise NotationError(f"\\partial {written} names the function {written}, not a quantity, and the "
                        f"model applies it to {'no argument' if not arguments else 'several arguments'} "
                        f"({found})", span,
                        f"write the derivative of the quantity it computes, or of {written}(…) "
                        "with its argument")


def check_same_argument(expr: sympy.Expr, meant: sympy.Expr, written: str, span: Span) -> None:
    """Raise unless every call of ``meant``'s function in ``expr`` has ``meant``'s argument.

    Raises:
        NotationError: the claim calls the function on another argument too, so the bare
            name could mean either.
    """
    others = sorted({call for call in expr.atoms(type(meant)) if call != meant}, key=sympy.default_sort_key)
    if others:
        raise NotationError(f"\\partial {written} is ambiguous: this claim calls {written} on "
                            f"{others[0].args[0]} as well as on {meant.args[0]}", span,
                            f"write the argument: \\partial {written}({meant.args[0]})")
