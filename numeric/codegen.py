"""Generate numpy source from a network's SymPy index formulas.

This is the one module that crosses from SymPy to numpy: it reads the
expressions (after the SymPy-level rewrites of :mod:`numeric.rewrite`) and
decides which numpy operation each becomes. :mod:`numeric.contraction` holds
the program text and the array operations, and sees only axis labels;
:mod:`numeric.compile` runs the generated source.

How it works: every subexpression compiles to an array whose axes are labelled
by index symbols, plus a leading batch label for anything that depends on the
input or the target. A product of factors under sums is planned as a tensor
contraction: factors with the same axes are multiplied element-wise, an axis
summed in one factor only is reduced, and pairs sharing a summed axis are
contracted with ``@`` (BLAS) or ``np.einsum`` when an axis is shared but kept.
A Kronecker delta under a sum over one of its indices substitutes that index;
elsewhere it is an identity matrix. ``e^u / Σ e^{u'}`` is emitted as a stable
softmax and its logarithm as a stable log-softmax. Generated lines are cached
by their text, so a subexpression shared by several formulas runs once.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from symbolic.errors import ModelError
from symbolic.model.functions import FUNCTIONS
from symbolic.model.index_notation import free_indices
from symbolic.model.tensors import Network, Tensor, tensors_in

from .contraction import BATCH, Array, Program, index_letters, union
from .formulas import GradientFormula
from .rewrite import (BatchMean, collapse_deltas, difference_of_squares, factor_out_of_sums, flatten_sum, function_name,
                      linear_factors, occurrences, rename_bound, softmax_parts)


# numpy source of every elementary function, read from the function table ({u}: the argument)
UFUNCS = {name: row.numpy for name, row in FUNCTIONS.items()}



class Compiler(Program):
    """Emits numpy statements for expressions over one network's tensors."""

    def __init__(self, network: Network, size_hints: Mapping[str, int] | None,
                 values_available: bool, available: set[Tensor] | None = None, batch_axis: bool = True):
        super().__init__(network, size_hints)
        self.values_available = values_available
        self.available = available or set()
        self.computed: dict[Tensor, str] = {}
        # without a batch axis (the model indexes its examples itself) no array is batched:
        # a gradient is then its formula, scaled like the rest
        self.batched = self._batched_tensors() if batch_axis else set()
        self.defining: set[Tensor] = set()

    # ----- tensors --------------------------------------------------------------

    def _batched_tensors(self) -> set[Tensor]:
        batched = {self.network.input, self.network.target}
        for definition in self.network.definitions:
            if any(t in batched for t in tensors_in(definition.expr, self.network)):
                batched.add(definition.tensor)
        return batched

    def tensor(self, tensor: Tensor) -> Array:
        """The array of a tensor, computing its definition first when needed."""
        labels = self._tensor_labels(tensor, ())
        if tensor in self.computed:
            return Array(self.computed[tensor], labels)
        name = _variable_name(tensor)
        if tensor in self.available and self.values_available:
            var = self.let(f"V[{tensor.key!r}]", name)
        elif tensor in (self.network.input, self.network.target):
            var = self.let(f"D[{tensor.key!r}]", name)
        elif tensor in self.network.parameters:
            var = self.let(f"P[{tensor.key!r}]", name)
        else:
            definition = self.network.definition_of(tensor)
            if definition is None:
                raise ModelError(f"{tensor} has no definition and is not a parameter or data")
            if tensor in self.defining:
                raise ModelError(f"{tensor} is defined in terms of itself")
            self.defining.add(tensor)
            outer, self.preferred = self.preferred, tuple(definition.indices)
            value = self.expression(definition.expr)
            self.preferred = outer
            self.defining.discard(tensor)
            var = self.let(self._shaped(value, self._tensor_labels(tensor, definition.indices),
                                        definition.indices), name)
        self.computed[tensor] = var
        return Array(var, labels)

    def _tensor_labels(self, tensor: Tensor, indices) -> tuple:
        positions = tuple(indices) if indices else tuple(sympy.Symbol(f"·{n}") for n in range(len(tensor.ranges)))
        return ((BATCH,) if tensor in self.batched else ()) + positions

    def _shaped(self, value: Array, target: tuple, indices) -> str:
        """``value`` with axes in ``target`` order, broadcast to the full shape if it lacks some."""
        stray = [str(label) for label in value.labels if label not in target]
        if stray:
            raise ModelError(f"the index {', '.join(stray)} is free on the right side but not on the left",
                             hint=f"the left side has indices {', '.join(map(str, indices)) or 'none'}")
        code = self._align(value, target)
        if set(value.labels) == set(target):
            return code
        shape = ", ".join("B" if label is BATCH else f"S[{self._range(label)!r}]" for label in target)
        return f"np.broadcast_to({code}, ({shape},))"

    def gradient(self, formula: GradientFormula, expr) -> str:
        self.preferred = tuple(formula.indices)
        value = self._batch_mean(expr, None if expr.has(BatchMean) else "inv_B")
        return self.let(self._shaped(value, tuple(formula.indices), formula.indices),
                        f"grad_{_variable_name(formula.tensor)}")

    def shared_linear_factor(self, formulas: list):
        """A batched factor that every formula is linear in, to divide by the batch size once.

        The batch mean of Σ_n f_n g_n can divide any factor it is linear in by B;
        dividing one that all gradient formulas share (often o_k − t_k) costs one
        operation instead of one per formula.
        """
        common = None
        for expr in formulas:
            found = {factor for factor in linear_factors(expr)
                     if self._is_batched(factor) and occurrences(expr, factor) == 1}
            common = found if common is None else common & found
        if not common:
            return None

        def size(factor):
            return self._size(tuple(free_indices(factor)) + (BATCH,))

        return min(common, key=lambda f: (size(f), sympy.default_sort_key(f)))

    def _is_batched(self, expr) -> bool:
        return any(tensor in self.batched for tensor in tensors_in(expr, self.network))

    def _batch_mean(self, expr, scale: str | None) -> Array:
        """The mean over the batch of ``expr`` (its sum when ``scale`` is None: 1/B is inside)."""
        terms = sympy.Add.make_args(expr)
        batched = [self._is_batched(term) for term in terms]
        if len(terms) > 1 and not all(batched):
            return self._sum_terms([(1, self._batch_mean(term, scale)) for term in terms])
        if not any(batched):  # the mean of what the batch does not change: itself, scaled like the rest
            value = self.expression(expr)
            return Array(self.let(f"grad_scale * {value.code}"), value.labels)
        return self.product(sympy.Mul.make_args(expr) if len(terms) == 1 else (expr,),
                            summed=(BATCH,), scale=scale)

    # ----- expressions ----------------------------------------------------------

    def expression(self, expr) -> Array:
        if expr.is_Number:
            return Array(_literal(expr), ())
        if expr.is_number and not expr.has(sympy.Function):  # a constant such as 1/sqrt(2 pi)
            return Array(repr(float(expr)), ())
        if isinstance(expr, sympy.Indexed):
            return self._indexed(expr)
        if isinstance(expr, sympy.Symbol):
            return self._symbol(expr)
        if isinstance(expr, sympy.KroneckerDelta):
            return self.product((expr,), ())
        if isinstance(expr, sympy.Add):
            return self._sum_terms([(coeff, self.expression(rest))
                                    for coeff, rest in (term.as_coeff_Mul() for term in expr.args)])
        if isinstance(expr, sympy.Mul):
            return self.product(expr.args, ())
        if isinstance(expr, sympy.Pow):
            return self._power(expr)
        if isinstance(expr, sympy.Sum):
            body, summed = flatten_sum(expr)
            for symbol, lower, upper in summed:
                self._check_limits(symbol, lower, upper)
            return self.product(sympy.Mul.make_args(body), tuple(s for s, _, _ in summed))
        if isinstance(expr, BatchMean):
            value = self.expression(expr.args[0])
            return Array(self.let(f"inv_B * {value.code}"), value.labels)
        if isinstance(expr, sympy.Function) and len(expr.args) == 1:
            return self._function(expr)
        raise ModelError(f"cannot compile {expr} to numpy",
                         hint="supported: sums, products, powers, Kronecker deltas and " + ", ".join(FUNCTIONS))

    def _indexed(self, expr) -> Array:
        tensor = self.network.tensors.get(str(expr.base))
        if tensor is None:
            raise ModelError(f"unknown tensor {expr.base}")
        for index in expr.indices:
            if not isinstance(index, sympy.Symbol):
                raise ModelError(f"{expr}: index {index} is not a plain index letter")
            self._range(index)
        array = self.tensor(tensor)
        batch = array.labels[:1] if array.labels[:1] == (BATCH,) else ()
        labels = batch + tuple(expr.indices)
        if len(set(labels)) < len(labels):  # w_kk: take the diagonal
            letters = index_letters(labels)
            unique = tuple(dict.fromkeys(labels))
            code = f"np.einsum('{''.join(letters[l] for l in labels)}->{''.join(letters[l] for l in unique)}', {array.code})"
            return Array(self.let(code), unique)
        return Array(array.code, labels)

    def _symbol(self, symbol) -> Array:
        if str(symbol) in self.network.tensors:
            return self.tensor(self.network.tensors[str(symbol)])
        if symbol.name in self.network.index_ranges.values():
            return Array(f"S[{symbol.name!r}]", ())
        raise ModelError(f"cannot compile the symbol {symbol}: it is not a tensor or a size")

    def _range(self, index) -> str:
        letter = index.name.rstrip("'")
        if letter not in self.network.index_ranges:
            raise ModelError(f"the index {index.name} has no declared range",
                             hint=f"declared: {', '.join(sorted(self.network.index_ranges))}")
        return self.network.index_ranges[letter]

    def _check_limits(self, symbol, lower, upper) -> None:
        size = self._range(symbol)
        if lower != 0 or str(upper + 1) != size:
            raise ModelError(f"the sum over {symbol} runs from {lower} to {upper}, not over its whole range {size}",
                             hint="only sums over a whole index range can be compiled")

    def _power(self, expr) -> Array:
        base, exponent = expr.args
        if not exponent.is_Number:
            raise ModelError(f"cannot compile {expr}: the exponent must be a number")
        value = self.expression(base)
        code = {2: f"np.square({value.code})", -1: f"1.0 / {value.code}", sympy.Rational(1, 2): f"np.sqrt({value.code})",
                -2: f"1.0 / np.square({value.code})"}.get(exponent, f"{value.code} ** {_literal(exponent)}")
        return Array(self.let(code), value.labels)

    def _function(self, expr) -> Array:
        name = function_name(expr)
        (argument,) = expr.args
        if name == "log":
            stable = self._log(argument)
            if stable is not None:
                return stable
        if name not in UFUNCS and name.startswith("generic "):
            letter = name.removeprefix("generic ").rstrip("'")
            raise ModelError(f"{letter} is an arbitrary function (the block calls it without defining "
                             "it): there is nothing to compute", hint=f"to train, write the activation "
                             f"itself in place of {letter}, e.g. \\tanh(a_j)")
        if name not in UFUNCS:
            raise ModelError(f"no numpy form for the function {name}", hint=f"known: {', '.join(UFUNCS)}")
        value = self.expression(argument)
        code = value.code if value.code.isidentifier() else f"({value.code})"
        return Array(self.let(UFUNCS[name].format(u=code)), value.labels)

    def _log(self, argument) -> Array | None:
        """log e^u = u; log σ(u) and log(1 − σ(u)) are stable log-sigmoids (finite where σ
        rounds to 0 or 1); log of a softmax is a stable log-softmax; None when none applies."""
        if function_name(argument) == "exp":
            return self.expression(argument.args[0])
        for sign, inside in (("-", argument), ("", 1 - argument)):  # log σ(u) = −log(1 + e^{−u})
            body = self._definition_body(inside)
            if function_name(body) == "sigmoid":
                value = self.expression(body.args[0])
                return Array(self.let(f"-np.logaddexp(0, {sign}{_operand(value.code)})"), value.labels)
        argument = self._definition_body(argument)
        if isinstance(argument, sympy.Mul):
            found = softmax_parts(argument.args, self._range)
            if found and not found[2]:
                exponent, axis_label, _ = found
                parts = self._softmax(exponent, axis_label)
                return Array(self.let(f"{parts['shifted']} - np.log({parts['total']})"), parts["labels"])
        return None

    def _definition_body(self, expr):
        """The definition of a defined tensor's entry, at the entry's indices; ``expr`` otherwise."""
        if not isinstance(expr, (sympy.Indexed, sympy.Symbol)):
            return expr
        tensor = self.network.tensors.get(str(expr.base) if isinstance(expr, sympy.Indexed) else expr.name)
        definition = self.network.definition_of(tensor) if tensor else None
        if definition is None or tensor in (self.network.input, self.network.target):
            return expr
        body = rename_bound(definition.expr)
        if isinstance(expr, sympy.Indexed):
            body = body.xreplace(dict(zip(definition.indices, expr.indices)))
        return body

    def _softmax(self, exponent, axis_label) -> dict:
        value = self.expression(exponent)
        axis = value.labels.index(axis_label)
        peak = self.let(f"{value.code}.max(axis={axis}, keepdims=True)")
        shifted = self.let(f"{value.code} - {peak}")
        exps = self.let(f"np.exp({shifted})")
        total = self.let(f"{exps}.sum(axis={axis}, keepdims=True)")
        return {"shifted": shifted, "exps": exps, "total": total, "labels": value.labels}

    # ----- sums of terms --------------------------------------------------------

    def _sum_terms(self, terms: list[tuple]) -> Array:
        constant = sum((coeff for coeff, value in terms if value.code == "1"), sympy.S.Zero)
        arrays = [(coeff, value) for coeff, value in terms if value.code != "1"]
        if not arrays:
            return Array(_literal(constant), ())
        labels = union([value.labels for _, value in arrays])
        arrays.sort(key=lambda term: bool(term[0] < 0))  # a positive term first: o - t, not -t + o
        pieces = [(constant, _literal(abs(constant)))] if constant != 0 else []
        for coeff, value in arrays:
            code = self._align(value, labels)
            pieces.append((coeff, code if abs(coeff) == 1 else f"{_literal(abs(coeff))} * {code}"))
        text = ("-" if pieces[0][0] < 0 else "") + pieces[0][1]
        text += "".join(f" {'-' if coeff < 0 else '+'} {code}" for coeff, code in pieces[1:])
        return Array(self.let(text), labels)

    # ----- products under sums --------------------------------------------------

    def product(self, factors, summed: tuple, scale: str | None = None) -> Array:
        """Σ over ``summed`` of the product of ``factors``, times ``scale``."""
        summed = set(summed)
        factors = factor_out_of_sums(list(factors))
        coefficient = sympy.S.One
        symbolic = []
        for factor in factors:
            if factor.is_Number:
                coefficient *= factor
            else:
                symbolic.append(factor)
        symbolic, summed = collapse_deltas(symbolic, summed)
        symbolic = difference_of_squares(symbolic)
        found = softmax_parts(symbolic, self._range)
        arrays = []
        while found:
            exponent, axis_label, symbolic = found
            parts = self._softmax(exponent, axis_label)
            arrays.append(Array(self.let(f"{parts['exps']} / {parts['total']}"), parts["labels"]))
            found = softmax_parts(symbolic, self._range)
        arrays += [self._delta(f) if isinstance(f, sympy.KroneckerDelta) else self.expression(f)
                   for f in symbolic]

        scalars = [a.code for a in arrays if not a.labels]
        arrays = [a for a in arrays if a.labels]
        present = set().union(*(a.labels for a in arrays)) if arrays else set()
        for label in sorted(summed - present, key=str):  # Σ_k c = K c
            scalars.append("B" if label is BATCH else f"S[{self._range(label)!r}]")
        summed &= present
        negate = coefficient < 0
        if abs(coefficient) != 1:
            scalars.insert(0, _literal(abs(coefficient)))
        if scale:
            scalars.append(scale)
        if not arrays:
            text = ("-" if negate else "") + (" * ".join(scalars) if scalars else "1")
            return Array(self.let(text) if scalars else _literal(coefficient), ())
        factor = " * ".join(scalars) if scalars else None
        final_size = self._size(tuple(present - summed))

        groups: dict[frozenset, list[Array]] = {}
        for array in arrays:
            groups.setdefault(frozenset(array.labels), []).append(array)
        arrays = []
        for group in groups.values():
            if factor and len(group) > 1 and self._size(group[0].labels) <= final_size:
                arrays.append(self._multiply(group, factor))
                factor = None
            else:
                arrays.append(self._multiply(group, None) if len(group) > 1 else group[0])
        if factor:
            smallest = min(arrays, key=lambda a: self._size(a.labels))
            if self._size(smallest.labels) < final_size:
                arrays[arrays.index(smallest)] = self._multiply([smallest], factor)
                factor = None

        while True:
            arrays, summed = self._reduce_lonely(arrays, summed)
            if len(arrays) == 1:
                break
            arrays = self._combine_pair(arrays, summed)
        result = arrays[0]
        if factor:
            result = Array(self.let(f"{factor} * {result.code}"), result.labels)
        if negate:
            result = Array(self.let(f"-{result.code}"), result.labels)
        return result

    def _delta(self, delta) -> Array:
        first, second = delta.args
        if first == second:
            return Array("1", ())
        size = self._range(first)
        if self._range(second) != size:
            raise ModelError(f"{delta} compares indices of different ranges")
        return Array(self.let(f"np.eye(S[{size!r}], dtype=dtype)"), (first, second))


def _literal(number) -> str:
    number = sympy.sympify(number)
    if number.is_Integer:
        return str(int(number))
    return repr(float(number))


def _operand(code: str) -> str:
    """``code`` as an operand of a unary minus or a product: parenthesised unless it is a name."""
    return code if code.isidentifier() else f"({code})"


def _variable_name(tensor: Tensor) -> str:
    name = "".join(c if c.isalnum() else "_" for c in tensor.name)
    return "_".join([name] + list(tensor.ranges)) if tensor.ranges else name + "_"
