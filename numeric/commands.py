"""``gradproof train`` and ``gradproof gradcheck``: argparse glue and reports.

The symbolic CLI registers these lazily and turns the typed errors they raise
into one line and exit code 2. :func:`numeric.trainable.load_models` is the one
place that asks ``symbolic`` for a derivation file's networks and gradient formulas.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

import numpy as np

from symbolic.errors import GradproofError, UsageError
from symbolic.model.tensors import Network

from .compile import CompiledNetwork, compile_network
from .datasets import DATASETS, Dataset, SyntheticSizes, load_dataset
from .formulas import GradientFormula
from .finite_differences import (CHECK_MODES, TOLERANCES, FiniteDifferences, TensorCheck, check_gradient,
                                 choose_mode, descent_rate)
from . import sequences
from .sequence_training import SequenceTrainer, synthetic_sequences
from .trainable import Model, choose_formulas, load_models
from .trainer import DEFAULTS, DTYPES, Trainer, TrainingSettings, initial_parameters, plot_history


@dataclass(frozen=True)
class GradcheckSettings:
    """Defaults of ``gradproof gradcheck``: a small hidden layer so that every entry is differenced."""

    data: str | None = None  # the model's default data set (see DataLayout.default_data)
    hidden: int = 16
    batch: int = 32
    seed: int = 0
    mode: str = "auto"
    dtype: str = "float64"


GRADCHECK_DEFAULTS = GradcheckSettings()
DESCENT_TOLERANCE = 1e-4  # |rate − 1| up to this: the formulas are the loss's gradient
DESCENT_BATCH = 256


# ----- train ---------------------------------------------------------------------


def _add_data_arguments(parser: argparse.ArgumentParser, defaults) -> None:
    parser.add_argument("file", metavar="FILE", help="a derivation note (Markdown)")
    parser.add_argument("--data", default=None, metavar="|".join(DATASETS),
                        help="data set (default: digits; breast_cancer for a scalar 0/1 target; "
                             "synthetic for a scalar input)")
    parser.add_argument("--hidden", type=int, default=defaults.hidden, help="size of every hidden range (default %(default)s)")
    parser.add_argument("--batch", type=int, default=defaults.batch, help="mini-batch size (default %(default)s)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of data split, initial weights, order")
    parser.add_argument("--dtype", default=defaults.dtype, metavar="|".join(DTYPES),
                        help="floating type of the compiled code (default %(default)s)")
    parser.add_argument("--block", type=int, default=None, metavar="N",
                        help="use the N-th derivation block of FILE (1-based)")
    synthetic = SyntheticSizes()
    parser.add_argument("--samples", type=int, default=synthetic.samples, help="synthetic data: samples N")
    parser.add_argument("--features", type=int, default=None,
                        help=f"synthetic data: features I (default {synthetic.features}, 1 for a scalar input)")
    parser.add_argument("--classes", type=int, default=None,
                        help=f"synthetic data: classes K (default {synthetic.classes}, 2 for a scalar target)")
    parser.add_argument("--sizes", default=None, metavar="T=8,H=4",
                        help="sizes of a model with index arithmetic (recurrence, convolution); default: "
                             f"{sequences.STEPS} time steps, the other sizes from {', '.join(map(str, sequences.SIZES))}")


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gradproof train FILE``."""
    _add_data_arguments(parser, DEFAULTS)
    parser.add_argument("--epochs", type=int, default=DEFAULTS.epochs, help="passes over the data (default %(default)s)")
    parser.add_argument("--lr", type=float, default=DEFAULTS.lr, help="learning rate (default %(default)s)")
    parser.add_argument("--momentum", type=float, default=DEFAULTS.momentum, help="SGD momentum (default %(default)s)")
    parser.add_argument("--plot", metavar="PNG", help="write train/test loss and accuracy curves")
    parser.add_argument("--use-claims", action="store_true",
                        help="train with the author's formulas even where they are refuted")
    parser.add_argument("--show-code", action="store_true", help="print the generated numpy code")


def _check_data_name(args) -> None:
    """An unknown --data fails before the slower symbolic work."""
    if args.data is not None and args.data not in DATASETS:
        raise UsageError(f"unknown data set {args.data!r}", hint=f"use one of {', '.join(DATASETS)}")


def _dataset(args, model: Model) -> Dataset:
    """The data set asked for, or the one that fits the model; synthetic sizes default to the model's shapes."""
    layout, defaults = model.layout, SyntheticSizes()
    features = args.features if args.features is not None else defaults.features if layout.features else 1
    classes = args.classes if args.classes is not None else 2 if layout.binary else defaults.classes
    synthetic = SyntheticSizes(args.samples, features, classes)
    dtype = np.float32 if args.dtype == "float32" else np.float64
    return load_dataset(args.data or layout.default_data, seed=args.seed, synthetic=synthetic, dtype=dtype)


def _model_sizes(model: Model, dataset: Dataset, hidden: int, batch: int) -> dict[str, int]:
    """The model's sizes on this data set; a misfit names the file and the block."""
    try:
        return model.layout.sizes(model.network, dataset, hidden, batch)
    except GradproofError as err:
        err.message = f"{model.path} (block {model.number}): {err.message}"
        raise


def _pick(models: list[Model], number: int | None) -> list[Model]:
    if number is None:
        return models
    picked = [m for m in models if m.number == number]
    if not picked:
        numbers = ", ".join(str(m.number) for m in models)
        raise UsageError(f"derivation block {number} is not a trainable model", hint=f"trainable blocks: {numbers}")
    return picked


def run_train(args: argparse.Namespace) -> int:
    """Train the file's model on a data set and report per epoch; 0 when training ran.

    Raises:
        GradproofError: unreadable file, unknown data set, sizes that do not fit, divergence.
    """
    out = sys.stdout
    # bad settings or --data fail before the slower symbolic work
    settings = TrainingSettings(epochs=args.epochs, lr=args.lr, batch=args.batch, momentum=args.momentum,
                                hidden=args.hidden, seed=args.seed, dtype=args.dtype)
    _check_data_name(args)
    model = _pick(load_models(args.file), args.block)[0]
    if model.unrolled:
        return _train_unrolled(model, settings, args, out)
    dataset = _dataset(args, model)
    formulas = choose_formulas(model, args.use_claims)
    sizes = _model_sizes(model, dataset, args.hidden, args.batch)
    compiled = compile_network(model.network, formulas, size_hints={**sizes, "batch": args.batch})
    out.write(f"{model.path} (block {model.number}): {dataset.name}, {len(dataset.y_train)} train / "
              f"{len(dataset.y_test)} test samples, sizes {_sizes_text(sizes)}, {args.dtype}\n")
    out.write("gradients trained with:\n")
    for tensor, formula in formulas.items():
        out.write(f"  {_entry_text(model.network, formula):<10} {_origin_text(formula)}\n")
    if args.show_code:
        out.write(compiled.source + "\n")
    out.flush()

    trainer = Trainer(compiled, dataset, settings, progress=sys.stderr)
    rate = _descent_rate(compiled, trainer)
    started = time.perf_counter()
    history = trainer.fit()
    seconds = time.perf_counter() - started
    loss_name = model.network.loss.name
    if history.records:
        final = history.final
        out.write(f"after {len(history.records)} epochs ({seconds:.2f} s): test accuracy {final.test_accuracy:.1%}, "
                  f"test loss {final.test_loss:.4f} (start {history.initial_loss:.4f})\n")
    if abs(rate - 1) <= DESCENT_TOLERANCE:
        out.write(f"descent check: these formulas are the gradient of {loss_name} "
                  f"(finite-difference slope / claimed slope = {rate:.6f})\n")
    else:
        out.write(f"descent check: along these formulas {loss_name} changes at {rate:.3f}× the rate they claim: "
                  f"they are not the gradient of {loss_name}, so training does not descend {loss_name}\n")
    if args.plot:
        plot_history(history, args.plot, title=f"{model.path}: {dataset.name}")
        out.write(f"plot: {args.plot}\n")
    return 0


def _train_unrolled(model: Model, settings: TrainingSettings, args, out) -> int:
    """Train a model with index arithmetic on synthetic sequences made to its shapes."""
    if args.data not in (None, "synthetic"):
        raise UsageError(f"{model.path} (block {model.number}) reads shifted indices (a recurrence or a "
                         f"convolution): no data set holds sequences, so it trains on synthetic ones, "
                         f"not on {args.data}", hint="leave out --data")
    if args.dtype != "float64":
        raise UsageError("a model with index arithmetic is evaluated in float64 only", hint="leave out --dtype")
    network = model.network
    sizes = sequences.model_sizes(network, sequences.parse_sizes(args.sizes))
    data = synthetic_sequences(network, sizes, args.samples, args.seed)
    formulas = choose_formulas(model, args.use_claims)
    out.write(f"{model.path} (block {model.number}): SYNTHETIC SEQUENCES: {data.description}; "
              f"{len(data.x_train)} train / {len(data.x_test)} test, sizes {_sizes_text(sizes)}, float64"
              + ("; initial states 0" if "initial" in network.outside.values() else "") + "\n")
    for note in model.completions:
        out.write(f"  {note}\n")
    out.write("gradients trained with:\n")
    for formula in formulas.values():
        out.write(f"  {_entry_text(network, formula):<10} {_origin_text(formula)}\n")
    out.flush()
    history = SequenceTrainer(network, formulas, sizes, data, settings, progress=sys.stderr).fit()
    if history.test:
        out.write(f"after {len(history.test)} epochs ({history.seconds:.2f} s): test loss {history.test[-1]:.4f} "
                  f"(start {history.initial:.4f}; every parameter 0 gives {history.zero:.4f})\n")
    rate, loss_name = history.descent, network.loss.name
    if abs(rate - 1) <= DESCENT_TOLERANCE:
        out.write(f"descent check: these formulas are the gradient of {loss_name} "
                  f"(finite-difference slope / claimed slope = {rate:.6f})\n")
    else:
        out.write(f"descent check: along these formulas {loss_name} changes at {rate:.3f}× the rate they claim: "
                  f"they are not the gradient of {loss_name}, so training does not descend {loss_name}\n")
    return 0


def _descent_rate(compiled: CompiledNetwork, trainer: Trainer) -> float:
    """Finite-difference slope of the loss along the formulas' gradient, over the claimed slope,
    at the gradient check's point (not at the zero biases training starts from)."""
    network, layout = compiled.network, trainer.layout
    parameters = _check_point(network, trainer.sizes, trainer.settings.seed)
    x = trainer.data.x_train[:DESCENT_BATCH].astype(np.float64)
    data = layout.feed(x, trainer.targets[:DESCENT_BATCH].astype(np.float64))
    sizes = layout.with_rows(trainer.sizes, len(x))
    values = compiled.forward(parameters, data, sizes)
    gradients = compiled.gradients(parameters, data, sizes, values)
    fd = FiniteDifferences(lambda p: compiled.mean_loss(p, data, sizes), parameters)
    return descent_rate(fd, gradients)


# ----- gradcheck -----------------------------------------------------------------


def add_gradcheck_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gradproof gradcheck FILE``."""
    _add_data_arguments(parser, GRADCHECK_DEFAULTS)
    parser.add_argument("--mode", default=GRADCHECK_DEFAULTS.mode, metavar="|".join(CHECK_MODES),
                        help="every entry, one random direction per parameter, or by size (default %(default)s)")


@dataclass
class FormulaCheck:
    formula: GradientFormula
    check: TensorCheck

    @property
    def as_expected(self) -> bool:
        """Whether the numeric outcome is what the author recorded: a claim expected to be
        refuted fails finite differences; anything else passes them."""
        if self.formula.expected == "refuted":
            return not self.check.passed
        return self.check.passed

    @property
    def disagrees(self) -> bool:
        symbolic = self.formula.verdict
        if symbolic in ("proved", "verified"):
            return not self.check.passed
        return symbolic == "refuted" and self.check.passed


def run_gradcheck(args: argparse.Namespace) -> int:
    """Compare every gradient formula of the file with central finite differences.

    Returns 0 when every formula passes (or fails, for a claim expected to be refuted) and
    agrees with its symbolic verdict, 1 otherwise.

    Raises:
        GradproofError: unreadable file, unknown data set or mode, sizes that do not fit.
    """
    out = sys.stdout
    if args.dtype not in DTYPES:
        raise UsageError(f"unknown dtype {args.dtype!r}", hint=f"use {' or '.join(DTYPES)}")
    if args.mode not in CHECK_MODES:
        raise UsageError(f"unknown check mode {args.mode!r}", hint=f"use one of {', '.join(CHECK_MODES)}")
    if args.batch < 1:
        raise UsageError(f"--batch must be positive, not {args.batch}")
    if args.seed < 0:
        raise UsageError(f"--seed must not be negative, not {args.seed}")
    _check_data_name(args)
    results: list[FormulaCheck] = []
    unchecked = 0
    for model in _pick(load_models(args.file), args.block):
        if model.unrolled:
            checks, skipped = _check_unrolled(model, args, out)
            results, unchecked = results + checks, unchecked + skipped
        else:
            results += _check_model(model, _dataset(args, model).astype(np.float64), args, out)
    failed = sum(not r.check.passed for r in results)
    unexpected = sum(not r.as_expected for r in results)
    disagreements = [r for r in results if r.disagrees]
    out.write(f"summary: {len(results) - failed} formula(s) pass, {failed} fail finite differences "
              f"({'all as expected' if not unexpected else f'{unexpected} not as expected'})")
    if unchecked:
        out.write(f", {unchecked} NOT CHECKED (they could not be evaluated)")
    if disagreements:
        out.write(f"; {len(disagreements)} DISAGREE with their symbolic verdict\n")
        for r in disagreements:
            out.write(f"  DISAGREEMENT: {r.formula.name}: symbolic {r.formula.verdict}, numeric "
                      f"{'pass' if r.check.passed else 'fail'}\n")
    else:
        out.write("; numeric and symbolic verdicts agree\n")
    return 1 if unexpected or disagreements else 0


def _check_model(model: Model, dataset, args, out) -> list[FormulaCheck]:
    network, layout = model.network, model.layout
    rows = slice(0, args.batch)
    x = dataset.x_train[rows]
    sizes = layout.with_rows(_model_sizes(model, dataset, args.hidden, args.batch), len(x))
    parameters = _check_point(network, sizes, args.seed)
    data = layout.feed(x, layout.targets(dataset.t_train, dataset.y_train)[rows])
    mode = choose_mode(args.mode, parameters)
    compiled_loss = compile_network(network, {})
    fd = FiniteDifferences(lambda p: compiled_loss.mean_loss(p, data, sizes), parameters)
    tolerance = TOLERANCES[args.dtype]
    entries = sum(p.size for p in parameters.values())
    out.write(f"{model.path} (block {model.number}): {dataset.name}, {len(x)} samples, "
              f"sizes {_sizes_text(sizes)}, {entries} parameters, {mode} check, "
              f"gradients in {args.dtype} (atol {tolerance.atol:g}, rtol {tolerance.rtol:g})\n")
    results = []
    started = time.perf_counter()
    for formula in model.formulas:
        compiled = compile_network(network, {formula.tensor: formula}, size_hints=sizes)
        cast = {key: value.astype(args.dtype) for key, value in parameters.items()}
        cast_data = {key: value.astype(args.dtype) for key, value in data.items()}
        values = compiled.forward(cast, cast_data, sizes)
        analytic = compiled.gradients(cast, cast_data, sizes, values)[formula.tensor.key]
        check = check_gradient(fd, formula.tensor.key, analytic, mode, seed=args.seed, tolerance=tolerance)
        results.append(FormulaCheck(formula, check))
        out.write(_check_line(network, formula, check) + "\n")
    out.write(f"  ({fd.evaluations} loss evaluations, {time.perf_counter() - started:.2f} s)\n")
    return results


def _check_unrolled(model: Model, args, out) -> tuple[list[FormulaCheck], int]:
    """Finite differences for a model with index arithmetic, at a seeded random point: no data set
    holds sequences, so every leaf without a formula is random data."""
    if args.data is not None:
        raise UsageError(f"{model.path} (block {model.number}) reads shifted indices (a recurrence or a "
                         f"convolution): it is checked on random data, not on {args.data}",
                         hint="leave out --data; choose sizes with --sizes T=8,H=4")
    if args.dtype != "float64":
        raise UsageError("a model with index arithmetic is evaluated in float64 only", hint="leave out --dtype")
    network = model.network
    sizes = sequences.model_sizes(network, sequences.parse_sizes(args.sizes))
    checked = list(dict.fromkeys(f.tensor for f in model.formulas))
    shared = list(dict.fromkeys(checked + network.parameters))  # drawn once, not per sample
    evaluation = sequences.Evaluation(network, sizes)
    point = sequences.away_from_kinks(evaluation, model.formulas, shared, args.batch, args.seed)
    mode = choose_mode(args.mode, point.parameters)
    fd = FiniteDifferences(lambda p: evaluation.mean_loss(sequences.Point(p, point.data, point.initial)),
                           point.parameters)
    tolerance = TOLERANCES["float64"]
    entries = sum(point.parameters[t.key].size for t in checked)
    data = [network.tensors[key].name for key in point.data]
    initial = [f"{t.name} outside its range" for t in network.tensors.values() if t.key in point.initial]
    out.write(f"{model.path} (block {model.number}): RANDOM DATA, as no data set holds sequences: seed "
              f"{args.seed}, {args.batch} samples, sizes {_sizes_text(sizes)}\n")
    out.write(f"  per sample: {', '.join(data) or 'nothing'} ~ N(0, 1)"
              + (f"; {', '.join(initial)} ~ N(0, {sequences.PARAMETER_SCALE ** 2:g})" if initial else "")
              + f"; shared: {', '.join(t.name for t in checked) or 'nothing'} (checked)"
              + "".join(f", {t.name}" for t in shared if t not in checked) + "\n")
    out.write(f"  {entries} entries, {mode} check, gradients in float64 "
              f"(atol {tolerance.atol:g}, rtol {tolerance.rtol:g})\n")
    for note in model.completions:
        out.write(f"  {note}\n")
    if point.kink_distance < float("inf"):
        redrawn = f"{point.draws - 1} point(s) redrawn" if point.draws > 1 else "none redrawn"
        out.write(f"  away from kinks: every argument of {'/'.join(sequences.KINKED)} is at least "
                  f"{sequences.KINK_MARGIN:g} from 0 ({point.kink_distance:.2g} at the least; {redrawn})\n")
    results, unchecked, started = [], 0, time.perf_counter()
    evaluation.watch_kinks(point)
    unrolled = evaluation.run(point)
    for formula in model.formulas:
        try:
            analytic = evaluation.gradient(unrolled, formula)
        except GradproofError as err:
            out.write(f"  NOT CHECKED  {_entry_text(network, formula)} {formula.origin_text}: {err.message}\n")
            unchecked += 1
            continue
        check = check_gradient(fd, formula.tensor.key, analytic, mode, seed=args.seed, tolerance=tolerance)
        results.append(FormulaCheck(formula, check))
        out.write(_check_line(network, formula, check) + "\n")
    out.write(f"  ({fd.evaluations} loss evaluations, {time.perf_counter() - started:.2f} s)\n")
    if evaluation.crossings:  # the margin was not enough: these differences are not derivatives
        out.write(f"  NOT CHECKED: {evaluation.crossings} of the loss evaluations crossed a kink; "
                  "try another --seed or a smaller --batch\n")
        return [], unchecked + len(results)
    return results, unchecked


def _check_point(network: Network, sizes: dict[str, int], seed: int) -> dict[str, np.ndarray]:
    """Random weights and biases: at zero biases some wrong formulas would agree by accident."""
    parameters = initial_parameters(network, sizes, seed, "float64")
    rng = np.random.default_rng(seed + 2)
    for key, value in parameters.items():
        if value.ndim < 2:
            parameters[key] = rng.normal(0.0, 0.5, value.shape)
    return parameters


def _check_line(network: Network, formula: GradientFormula, check: TensorCheck) -> str:
    origin = formula.origin_text
    status = "pass" if check.passed else "FAIL"
    what = "‖formula − differences‖" if check.mode == "full" else "|slope error| along a random direction"
    line = f"  {status}  {_entry_text(network, formula):<10} {origin:<12} {what} = {check.error:.2e} " \
           f"(scale {check.scale:.2e})"
    if check.worst is not None and not check.passed:
        where = ", ".join(f"{index}={value + 1}" for index, value in zip(formula.indices, check.worst.index))
        line += (f"; worst entry {where}: formula {check.worst.analytic:.6g}, "
                 f"finite differences {check.worst.numeric:.6g}")
        if check.localised:
            line += f" ({check.localised})"
    if formula.verdict:
        agree = FormulaCheck(formula, check)
        line += f"; symbolic: {formula.verdict}" + (" — DISAGREES" if agree.disagrees else "")
        if formula.expected:
            line += f" [expected {formula.expected}: {'ok' if agree.as_expected else 'MISMATCH'}]"
    return line


def _entry_text(network: Network, formula: GradientFormula) -> str:
    tensor, loss = formula.tensor, network.loss.name
    indices = "".join(str(i) for i in formula.indices)
    return f"∂{loss}/∂{tensor.name}_{{{indices}}}" if indices else f"∂{loss}/∂{tensor.name}"


def _origin_text(formula: GradientFormula) -> str:
    if formula.origin == "claim":
        label = formula.origin_text
        if formula.verdict in ("proved", "verified"):
            return f"{label}, {formula.verdict}"
        return f"{label}, {formula.verdict or 'unchecked'}: used because of --use-claims"
    return f"derived ({formula.verdict or 'unchecked'}): no claim for it holds"


def _sizes_text(sizes: dict[str, int]) -> str:
    return " ".join(f"{name}={size}" for name, size in sizes.items()) or "none (all scalars)"


__all__ = ["add_train_arguments", "run_train", "add_gradcheck_arguments", "run_gradcheck", "load_models",
           "choose_formulas", "Model"]
