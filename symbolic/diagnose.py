"""Say what is wrong with a refuted claim and what is right.

For the first refuted step of a chain: the correct right-hand side (derived
in index notation), the index patterns on which it does hold, the assumptions
that would make it hold, and the nearby models for which it holds (loss,
output and hidden activation swapped). Every statement here is itself the
verdict of an exact check, never a guess.
"""

from __future__ import annotations

import dataclasses
import itertools
import time

import sympy

from .calculus.derive import derive, in_claim_names, nearest_form
from .calculus.matrix_derive import matrix_claim
from .calculus.printing import claim_order, name_order, text_name, to_latex
from .engine.region_diagnosis import holding_condition
from .engine.verify import Condition, check_identity
from .errors import GradproofError, Span
from .model.context import Assumption, Context
from .model.functions import FUNCTIONS, Exp, Log, Opaque, Sigmoid
from .model.index_notation import Grad, free_indices
from .model.matrix_notation import scale_factors, side_shape, transposed, written_in_matrices
from .model.matrix_settings import read_in_matrices
from .model.offsets import flipped_kernel
from .model.recurrence import recurrent_tensors, truncated
from .model.tensors import Definition, Network, Tensor, index_symbol, tensors_in
from .results import ClaimResult
from .verdicts import Verdict


def _holds(network: Network, assumptions, lhs, rhs, condition=Condition(), deadline=None) -> bool:
    try:
        outcome = check_identity(network, list(assumptions), lhs, rhs, condition, deadline=deadline)
    except GradproofError:
        return False
    return outcome.verdict in (Verdict.VERIFIED, Verdict.PROVED)


# -- nearby models ---------------------------------------------------------------------

def _kind(expr) -> str:
    """Classify a definition's right side: softmax, sigmoid, tanh, identity, log-loss, squares."""
    if isinstance(expr, Opaque) and expr.rule.swap_with is not None:
        return expr.name  # an activation with a nearby one (tanh, sigmoid)
    if isinstance(expr, sympy.Indexed):
        return "identity"
    if expr.has(Log):
        return "cross-entropy"
    numerator, denominator = sympy.fraction(expr)
    if isinstance(numerator, Exp) and isinstance(denominator, sympy.Sum) and denominator.has(Exp):
        return "softmax"
    if any(isinstance(p, sympy.Pow) and p.exp == 2 for p in sympy.preorder_traversal(expr)):
        return "squared-error"
    return "other"


def _replace(network: Network, tensor: Tensor, expr) -> Network:
    definitions = [dataclasses.replace(d, expr=expr) if d.tensor == tensor else d
                   for d in network.definitions]
    return dataclasses.replace(network, definitions=definitions)


def _output_of_loss(network: Network) -> tuple[Definition, Tensor] | None:
    loss = network.definition_of(network.loss) if network.loss else None
    if loss is None:
        return None
    defined = {d.tensor for d in network.definitions}
    outputs = [t for t in tensors_in(loss.expr, network) if t in defined]
    if len(outputs) != 1:
        return None
    return loss, outputs[0]


def nearby_models(context: Context):
    """(description, network, extra assumptions) for each model one swap away."""
    network = context.network
    target = network.target
    found = _output_of_loss(network)
    variants = []
    if found is not None and target is not None and len(found[1].ranges) == 1:
        loss, output = found
        k = index_symbol(next(l for l, r in network.index_ranges.items() if r == output.ranges[0]))
        size = network.size_symbol(str(k))
        kind = _kind(loss.expr)
        t, o = target.entry(k), output.entry(k)
        if kind == "squared-error":
            ce = -sympy.Sum(t * Log(o), (k, 0, size - 1))
            variants.append(("cross-entropy loss", _replace(network, network.loss, ce), ()))
        elif kind == "cross-entropy":
            se = sympy.Rational(1, 2) * sympy.Sum((t - o) ** 2, (k, 0, size - 1))
            variants.append(("squared-error loss", _replace(network, network.loss, se), ()))
        out_def = network.definition_of(output)
        if out_def is not None and len(out_def.indices) == 1:
            out_kind = _kind(out_def.expr)
            inner = _argument_tensor(out_def, network)
            if inner is not None:
                a = inner.entry(out_def.indices[0])
                options = {"identity": a, "sigmoid": Sigmoid(a)}
                for name, expr in options.items():
                    if name != out_kind:
                        article = "an" if name[0] in "aeiou" else "a"
                        variants.append((f"{article} {name} output", _replace(network, output, expr), ()))
    for d in context.model_definitions:
        kind = _kind(d.expr)
        other = FUNCTIONS[kind].swap_with if kind in FUNCTIONS else None  # kind is its name
        if other is not None and (found is None or d.tensor != found[1]):
            swapped = FUNCTIONS[other].cls(d.expr.args[0])
            variants.append((f"a {other} hidden layer ({text_name(d.tensor.name)})",
                             _replace(network, d.tensor, swapped), ()))
    return variants


def _argument_tensor(definition: Definition, network: Network) -> Tensor | None:
    inputs = tensors_in(definition.expr, network)
    return inputs[0] if len(inputs) == 1 else None


def _assumption_options(context: Context):
    target = context.network.target
    if target is None or len(target.ranges) != 1:
        return []
    assumed = {a.kind for a in context.assumptions if a.tensor == target}
    letter = next(l for l, r in context.network.index_ranges.items() if r == target.ranges[0])
    options = []
    if "sum-to-one" not in assumed and "one-hot" not in assumed:
        options.append((rf"Σ_{letter} {text_name(target.name)}_{letter} = 1",
                        Assumption("sum-to-one", target, "")))
    if "one-hot" not in assumed:
        options.append((f"one-hot {text_name(target.name)}", Assumption("one-hot", target, "")))
    return options


# -- the diagnosis ----------------------------------------------------------------------

def diagnose(context: Context, terms: list, record: ClaimResult, timeout: float = 30.0) -> None:
    """Fill ``record.diagnosis`` and ``record.correct`` for a refuted chain."""
    deadline = time.monotonic() + timeout
    refuted = [k for k, s in enumerate(record.steps) if s.verdict == Verdict.REFUTED]
    if not refuted:
        return
    notes: list[str] = []
    network, assumptions = context.network, context.assumptions
    first = refuted[0]
    lhs, rhs = terms[first], terms[first + 1]

    for k in refuted:  # index patterns, for every refuted step
        pattern = _index_pattern(context, terms[k], terms[k + 1], deadline)
        if pattern:
            where = f"step {k + 1} " if len(record.steps) > 1 else ""
            notes.append(f"{where}holds only when {pattern}")
        region = holding_condition(network, assumptions, terms[k], terms[k + 1], record.steps[k], deadline)
        if region:  # a piecewise step: the sign regions it holds on (ReLU's z_j > 0, a max's winner)
            notes.append(f"{f'step {k + 1} ' if len(record.steps) > 1 else ''}holds only where {region}")

    notes[:0] = _matrix_notes(context, record.steps[first], lhs, rhs, deadline)

    derivative = lhs if isinstance(lhs, Grad) else (terms[0] if isinstance(terms[0], Grad) else None)
    if derivative is not None and not recurrent_tensors(network):  # a recurrence: not derived
        try:
            derived = derive(context, derivative.args[1], derivative.args[0])
            if derived.verdict.holds:
                record.correct = _correct(context, record, first, derivative, derived, rhs, deadline,
                                          first if derivative is lhs else 0)
        except GradproofError:
            pass

    options = _assumption_options(context)
    holding = [text for text, extra in options
               if _holds(network, assumptions + [extra], lhs, rhs, deadline=deadline)]
    if holding:
        notes.append("holds if " + holding[0] + (f" (so for {holding[1]})" if len(holding) > 1 else ""))

    for description, variant, _extra in nearby_models(context):
        if time.monotonic() > deadline:
            notes.append("(diagnosis stopped at the time limit)")
            break
        if _holds(variant, assumptions, lhs, rhs, deadline=deadline):
            notes.append(f"holds for {description}")
            continue
        for text, extra in options:
            if _holds(variant, assumptions + [extra], lhs, rhs, deadline=deadline):
                also = f" (so for one-hot {text_name(extra.tensor.name)})" if extra.kind == "sum-to-one" else ""
                notes.append(f"holds for {description} with {text}{also}")
                break

    for variant in filter(None, (truncated(network), flipped_kernel(network))):
        if time.monotonic() < deadline and _holds(variant[1], assumptions, lhs, rhs, deadline=deadline):
            notes.append(variant[0])

    if len(record.steps) > 1 and len(terms) > 2:
        if _holds(network, assumptions, terms[0], terms[-1], deadline=deadline):
            notes.append("the chain's two ends are equal although a step in between is wrong")
    record.diagnosis = notes


def _matrix_notes(context: Context, step, lhs, rhs, deadline) -> list[str]:
    """For a step written in matrix notation: sides of different shapes, a square side that
    holds transposed (the other layout convention), or one off by a constant factor (1/m, 2, −1)."""
    network, span = context.network, Span("", step.line, step.column)
    if not _in_matrices(context, step, lhs, rhs):
        return []
    shapes = side_shape(lhs, network), side_shape(rhs, network)
    if shapes[0] != shapes[1]:
        return [f"the two sides have different shapes: {shapes[0]} and {shapes[1]}"]
    flipped = transposed(rhs, network)
    if flipped is not None and _holds(network, context.assumptions, lhs, flipped, deadline=deadline):
        return ["holds in the other layout convention (transposed)"]
    for text, factor in scale_factors(network, span):  # a dropped 1/m, 2 or sign
        if time.monotonic() < deadline and _holds(network, context.assumptions, lhs, factor * rhs,
                                                  deadline=deadline):
            return [f"holds with the right side multiplied by {text}"]
    return []


def _in_matrices(context: Context, step, lhs, rhs) -> bool:
    """Whether a step was written in matrix notation (either side)."""
    span = Span("", step.line, step.column)
    return (any(written_in_matrices(context.network, text or "", span) for text in (step.lhs, step.rhs))
            or read_in_matrices(lhs) or read_in_matrices(rhs))  # dW: shorthand, star: read too


def _correct(context: Context, record: ClaimResult, first: int, derivative, derived, rhs,
             deadline, written_at: int = 0) -> str:
    """The correct equation in the form nearest the author's right side, in their term order;
    for a claim in matrix notation, in matrix notation with the claim's own left side
    (``written_at``: the step whose left side is the derivative)."""
    network = context.network
    step = record.steps[written_at]
    if any(_in_matrices(context, s, derivative, rhs) for s in (record.steps[first], step)):
        try:  # read back and verified as a claim of the block; none: the index form below
            return matrix_claim(context, derived, " ".join(step.lhs.split()),
                                [step.lhs, record.steps[first].rhs, record.source or ""], deadline)
        except GradproofError:
            pass
    written = [record.steps[first].rhs or "", record.source or ""]
    order = claim_order(network, written)
    forms = [derived.expr, *derived.forms]
    # names the chain itself defined (δ_k = o_k - t_k), where the claim uses them
    used = name_order({t.name for t in network.tensors.values()}, written).rank
    claimed = [d for d in network.definitions
               if d not in context.model_definitions and d.tensor.name in used]
    forms += [named for f in forms if (named := in_claim_names(f, claimed)) != f]
    form = nearest_form(forms, rhs)
    # the derived formula is verified; another form must equal it (cheaper than the derivative)
    if form != derived.expr and not _holds(network, context.assumptions, derived.expr, form,
                                           deadline=deadline):
        form = derived.expr
    left, printed = to_latex(derivative, network), to_latex(form, network, order)
    fixed = context.dialects.fixed
    for lhs_text, rhs_text in ([(fixed.as_the_author_writes(left), fixed.as_the_author_writes(printed))]
                               if fixed is not None else []) + [(left, printed)]:
        try:  # shown only if it reads back, under this block, as an equation that holds
            span = Span(record.path, record.line, record.column)
            if _holds(network, context.assumptions, context.read(lhs_text, span), context.read(rhs_text, span),
                      deadline=deadline):
                return rf"{lhs_text} = {rhs_text}"
        except GradproofError:
            continue
    return None


def _index_pattern(context: Context, lhs, rhs, deadline) -> str | None:
    """The equality pattern of free indices on which a refuted step holds, if any."""
    network = context.network
    free = sorted(free_indices(lhs) | free_indices(rhs), key=str)
    pairs = [(a, b) for a, b in itertools.combinations(free, 2)
             if network.index_ranges.get(str(a).rstrip("'")) == network.index_ranges.get(str(b).rstrip("'"))]
    for a, b in pairs:
        if _holds(network, context.assumptions, lhs, rhs, Condition(((a, b, True),)), deadline):
            return f"{a} = {b}"
        if _holds(network, context.assumptions, lhs, rhs, Condition(((a, b, False),)), deadline):
            return f"{a} ≠ {b}"
    return None


