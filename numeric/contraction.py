"""A straight-line numpy program over arrays whose axes are labelled.

The code generator (:mod:`numeric.codegen`) reads SymPy and decides what each
expression becomes; this module only sees the resulting arrays and their axis
labels, never a SymPy expression. It keeps the program text (one statement per
distinct piece of code) and emits the array operations the generator asks for:
summing out an axis, multiplying arrays element-wise, contracting a pair over
shared axes with ``@``, ``np.tensordot`` or ``np.einsum``, and transposing or
expanding an array so that it broadcasts against another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

import sympy

from .extras import need

from symbolic.model.tensors import Network

# Helpers that numpy forms of the elementary functions (symbolic.model.function_table) may
# call, with the statement that provides each inside a generated function.
HELPERS = {"_erf": ("scipy.special", "from scipy.special import erf as _erf")}

BATCH = sympy.Symbol("batch·")  # axis label of the batch; no index letter can spell it
SIZE_HINT = 64  # assumed size of an axis when planning contractions without a hint
BATCH_HINT = 128
GRADIENT_SCALE = "gradient scale"  # optional key of the sizes: gradients come out multiplied by it


@dataclass(frozen=True)
class Array:
    """A generated variable (or literal) and the label of each of its axes."""

    code: str
    labels: tuple[sympy.Symbol, ...]


class Program:
    """Program text, and contractions of labelled arrays, for one network's sizes."""

    def __init__(self, network: Network, size_hints: Mapping[str, int] | None):
        self.network = network
        self.hints = dict(size_hints or {})
        self.lines: list[str] = []
        self.cache: dict[str, str] = {}
        self.preferred: tuple = ()  # axis order of the result being compiled, for tie-breaks

    # ----- program text ---------------------------------------------------------

    def let(self, code: str, name: str | None = None) -> str:
        """A variable holding ``code``; the same text is computed once."""
        if code.isidentifier():
            return code
        if code in self.cache:
            return self.cache[code]
        var = name or f"v{len(self.lines)}"
        self.lines.append(f"    {var} = {code}")
        self.cache[code] = var
        return var

    def source(self, function: str, arguments: str, results: Mapping[str, str]) -> str:
        data = self.network.input.key
        self.lines = _live(self.lines, set(results.values()))
        body = "\n".join(self.lines)
        head = [f"def {function}({arguments}):"]
        if re.search(r"\b(B|inv_B)\b", body):
            head.append(f"    B = D[{data!r}].shape[0]")
        if re.search(r"\b(grad_scale|inv_B)\b", body):
            head.append(f"    grad_scale = S.get({GRADIENT_SCALE!r}, 1.0)")
        if "inv_B" in body:
            head.append("    inv_B = grad_scale / B")
        for helper, (module, statement) in HELPERS.items():  # functions numpy lacks (_erf)
            if re.search(rf"\b{helper}\(", body):
                need(module, f"the numpy form of {helper.lstrip('_')}")
                head.append(f"    {statement}")
        if re.search(r"\bdtype\b", body):
            head.append(f"    dtype = D[{data!r}].dtype")
        results_text = ", ".join(f"{key!r}: {var}" for key, var in results.items())
        return "\n".join(head + self.lines + [f"    return {{{results_text}}}"]) + "\n"

    # ----- contractions --------------------------------------------------------

    def _reduce_lonely(self, arrays: list[Array], summed: set):
        """Sum out every summed axis that only one array carries."""
        reduced = []
        for array in arrays:
            others = set().union(*(a.labels for a in arrays if a is not array))
            lonely = [label for label in array.labels if label in summed and label not in others]
            if lonely:
                axes = tuple(array.labels.index(label) for label in lonely)
                axis = axes[0] if len(axes) == 1 else axes
                array = Array(self.let(f"{array.code}.sum(axis={axis})"),
                               tuple(label for label in array.labels if label not in lonely))
                summed = summed - set(lonely)
            reduced.append(array)
        return reduced, summed

    def _combine_pair(self, arrays: list[Array], summed: set) -> list[Array]:
        best = None
        for a in range(len(arrays)):
            for b in range(a + 1, len(arrays)):
                left, right = arrays[a], arrays[b]
                shared = set(left.labels) & set(right.labels)
                others = set().union(*(x.labels for n, x in enumerate(arrays) if n not in (a, b)))
                contracted = {label for label in shared if label in summed and label not in others}
                kept = (set(left.labels) | set(right.labels)) - contracted
                subset = set(left.labels) <= set(right.labels) or set(right.labels) <= set(left.labels)
                cost = (not subset, not shared, self._size(tuple(kept)), a, b)
                if best is None or cost < best[0]:
                    best = (cost, a, b, contracted)
        _, a, b, contracted = best
        left, right = arrays[a], arrays[b]
        if contracted:
            combined = self._contract(left, right, contracted)
        else:
            combined = self._multiply([left, right], None)
        return [x for n, x in enumerate(arrays) if n not in (a, b)] + [combined]

    def _multiply(self, arrays: list[Array], factor: str | None) -> Array:
        labels = union([a.labels for a in arrays])
        codes = ([factor] if factor else []) + [self._align(a, labels) for a in sorted(arrays, key=lambda a: a.code)]
        return Array(self.let(" * ".join(codes)), labels)

    def _contract(self, left: Array, right: Array, contracted: set) -> Array:
        if BATCH in right.labels and BATCH not in contracted and BATCH not in left.labels:
            left, right = right, left
        elif BATCH not in left.labels and BATCH not in right.labels or BATCH in contracted:
            first = next((label for label in self.preferred if label in left.labels + right.labels
                          and label not in contracted), None)
            if first is not None and first in right.labels and first not in left.labels:
                left, right = right, left
        kept_shared = [label for label in left.labels if label in right.labels and label not in contracted]
        free_left = [label for label in left.labels if label not in right.labels]
        free_right = [label for label in right.labels if label not in left.labels]
        if not kept_shared and len(contracted) == 1 and len(left.labels) <= 2 and len(right.labels) <= 2:
            (label,) = contracted
            lhs = left.code if left.labels[-1] == label else f"{left.code}.T"
            if right.labels[0] == label:
                code = f"{lhs} @ {right.code}"
            elif BATCH in right.labels or len(right.labels) == 1:
                code = f"{lhs} @ {right.code}.T"
            else:  # a parameter used transposed, as in backprop's δ W^T
                code = f"_times_transpose({lhs}, {right.code})"
            return Array(self.let(code), tuple(free_left + free_right))
        if not kept_shared:
            axes_left = [left.labels.index(label) for label in sorted(contracted, key=str)]
            axes_right = [right.labels.index(label) for label in sorted(contracted, key=str)]
            code = f"np.tensordot({left.code}, {right.code}, axes=({axes_left}, {axes_right}))"
            return Array(self.let(code), tuple(free_left + free_right))
        out = union([kept_shared]) + tuple(free_left) + tuple(free_right)
        letters = index_letters(left.labels + right.labels)
        spec = (f"{''.join(letters[l] for l in left.labels)},{''.join(letters[l] for l in right.labels)}"
                f"->{''.join(letters[l] for l in out)}")
        return Array(self.let(f"np.einsum('{spec}', {left.code}, {right.code})"), out)

    # ----- axes -----------------------------------------------------------------

    def _align(self, array: Array, target: tuple) -> str:
        """Code for ``array`` transposed and expanded so that it broadcasts against ``target``."""
        order = [label for label in target if label in array.labels]
        code = array.code
        if tuple(order) != array.labels:
            permutation = tuple(array.labels.index(label) for label in order)
            code = f"{code}.T" if len(order) == 2 else f"{code}.transpose({permutation})"
        if not order or tuple(target[len(target) - len(order):]) == tuple(order):
            return code
        index = ", ".join(":" if label in array.labels else "None" for label in target)
        return f"{code}[{index}]"

    def _size(self, labels: tuple) -> int:
        total = 1
        for label in labels:
            if label is BATCH:
                total *= self.hints.get("batch", BATCH_HINT)
            else:
                letter = label.name.rstrip("'")
                total *= self.hints.get(self.network.index_ranges.get(letter, ""), SIZE_HINT)
        return total


def _live(lines: list[str], needed: set[str]) -> list[str]:
    """The lines that the results depend on (planning may have emitted others)."""
    kept = []
    for line in reversed(lines):
        target, code = line.strip().split(" = ", 1)
        if target in needed:
            kept.append(line)
            needed |= set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", code))
    return kept[::-1]


def union(label_tuples) -> tuple:
    ordered = sorted(label_tuples, key=len, reverse=True)
    labels = [BATCH] if any(BATCH in labels for labels in ordered) else []
    for group in ordered:
        labels += [label for label in group if label not in labels]
    return tuple(labels)


def index_letters(labels) -> dict:
    unique = list(dict.fromkeys(labels))
    return {label: "abcdefghijklmnopqrstuvwxyz"[n] for n, label in enumerate(unique)}
