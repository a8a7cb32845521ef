"""Central finite differences in float64: a second, independent route to a gradient verdict.

Small tensors are checked entry by entry. Large ones get one seeded random
direction each (two loss evaluations per tensor); a tensor that fails is then
searched for its worst entry. The comparison is norm-wise with an absolute and
a relative part, so entries whose gradient is tiny or exactly zero (a pixel
that is always blank) pass, while a dropped factor fails by orders of magnitude.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Callable, Literal, get_args

import numpy as np

from symbolic.errors import ModelError, UsageError

CheckMode = Literal["auto", "full", "directional"]
CHECK_MODES: tuple[str, ...] = get_args(CheckMode)


@dataclass(frozen=True)
class Tolerance:
    """Pass when ``error ≤ atol + rtol · scale`` (norms, or directional derivatives)."""

    atol: float
    rtol: float

    def allows(self, error: float, scale: float) -> bool:
        return error <= self.atol + self.rtol * scale


# Keyed by the dtype the analytic gradient was computed in; differences are always float64.
TOLERANCES: dict[str, Tolerance] = {
    "float64": Tolerance(atol=1e-7, rtol=1e-5),
    "float32": Tolerance(atol=1e-4, rtol=1e-3),
}
STEP = 1e-5  # central-difference step: truncation ~STEP², rounding ~1e-16/STEP
FULL_CHECK_MAX_ENTRIES = 2000  # networks up to this many parameters get the entry-by-entry check
LOCALISE_MAX_ENTRIES = 20000  # a failing tensor up to this size is differenced entry by entry
BISECTION_PROBES = 4  # random ±1 probes per half when bisecting a larger failing tensor


@dataclass(frozen=True)
class WorstEntry:
    """The entry where the analytic and the numeric gradient differ most."""

    index: tuple[int, ...]
    analytic: float
    numeric: float

    @property
    def error(self) -> float:
        return abs(self.analytic - self.numeric)


@dataclass(frozen=True)
class TensorCheck:
    """The verdict of finite differences on one parameter's gradient.

    ``error`` and ``scale`` are norms of (analytic − numeric) and of the larger
    gradient in the full check, and |analytic − numeric| and the larger |slope| of
    the directional derivatives in the directional check; ``worst`` is set whenever
    entries were differenced.
    """

    key: str
    mode: Literal["full", "directional"]
    passed: bool
    error: float
    scale: float
    worst: WorstEntry | None
    localised: str = ""  # how the worst entry of a directional failure was found


class FiniteDifferences:
    """Loss evaluations around one point; perturbs the parameter arrays in place and restores them.

    Args:
        loss: evaluates the batch-mean loss at the current ``parameters``.
        parameters: float64 arrays keyed by tensor key.
    """

    def __init__(self, loss: Callable[[dict[str, np.ndarray]], float],
                 parameters: dict[str, np.ndarray], step: float = STEP):
        for key, value in parameters.items():
            if value.dtype != np.float64:
                raise UsageError(f"finite differences need float64 parameters; {key} is {value.dtype}")
        for key, value in parameters.items():
            parameters[key] = np.ascontiguousarray(value)  # entries() perturbs through a flat view
        self.loss = loss
        self.parameters = parameters
        self.step = step
        self.evaluations = 0
        self._tensors: dict[str, np.ndarray] = {}
        self._directions: dict[object, float] = {}

    def _evaluate(self) -> float:
        self.evaluations += 1
        value = float(self.loss(self.parameters))
        if not math.isfinite(value):
            raise ModelError(f"the loss is {value} at the check point", hint="the model is not defined there")
        return value

    def directional(self, direction: dict[str, np.ndarray], cache_key: object = None) -> float:
        """d loss / d s of loss(θ + s·direction) at s = 0 (two evaluations); with a
        ``cache_key`` that names the direction, computed once."""
        if cache_key in self._directions:
            return self._directions[cache_key]
        saved = {key: self.parameters[key].copy() for key in direction}
        try:
            for key, v in direction.items():
                self.parameters[key][...] = saved[key] + self.step * v
            plus = self._evaluate()
            for key, v in direction.items():
                self.parameters[key][...] = saved[key] - self.step * v
            minus = self._evaluate()
        finally:
            for key in direction:
                self.parameters[key][...] = saved[key]
        value = (plus - minus) / (2 * self.step)
        if cache_key is not None:
            self._directions[cache_key] = value
        return value

    def entries(self, key: str, flat: np.ndarray | None = None) -> np.ndarray:
        """Numeric gradient of ``key`` at the flat positions ``flat`` (all when None)."""
        if flat is None and key in self._tensors:
            return self._tensors[key]
        array = self.parameters[key].reshape(-1)  # a view: perturbs the real array
        positions = np.arange(array.size) if flat is None else flat
        result = np.empty(len(positions))
        for n, position in enumerate(positions):
            old = array[position]
            try:
                array[position] = old + self.step
                plus = self._evaluate()
                array[position] = old - self.step
                minus = self._evaluate()
            finally:
                array[position] = old
            result[n] = (plus - minus) / (2 * self.step)
        if flat is None:
            result = result.reshape(self.parameters[key].shape)
            self._tensors[key] = result
        return result


def direction_for(key: str, shape: tuple[int, ...], seed: int) -> np.ndarray:
    """The seeded unit random direction used for ``key`` (the same for every formula)."""
    rng = np.random.default_rng([seed, zlib.crc32(key.encode())])
    v = rng.standard_normal(shape)
    return v / max(np.linalg.norm(v), 1e-300)


def check_gradient(fd: FiniteDifferences, key: str, analytic: np.ndarray, mode: Literal["full", "directional"],
                   seed: int = 0, tolerance: Tolerance = TOLERANCES["float64"]) -> TensorCheck:
    """Compare one analytic gradient with finite differences.

    Args:
        fd: the loss evaluations around the check point.
        key: the parameter's tensor key.
        analytic: the gradient to check (same shape as the parameter).
        mode: ``full`` differences every entry; ``directional`` one seeded direction,
            then, on failure, searches for the worst entry.
        seed: seeds the direction.
        tolerance: see :data:`TOLERANCES`.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    if mode == "full":
        numeric = fd.entries(key)
        error = float(np.linalg.norm(analytic - numeric))
        scale = float(max(np.linalg.norm(analytic), np.linalg.norm(numeric)))
        return TensorCheck(key, "full", tolerance.allows(error, scale), error, scale,
                           _worst(analytic, numeric))
    v = direction_for(key, analytic.shape, seed)
    numeric_slope = fd.directional({key: v}, cache_key=(key, seed))
    analytic_slope = float((analytic * v).sum())
    error = abs(analytic_slope - numeric_slope)
    # the slopes' own size: along a random unit direction a slope is ~‖g‖/√n, and so is the
    # slope error of a relative error in g; ‖g‖ here would loosen the test √n-fold
    scale = max(abs(analytic_slope), abs(numeric_slope))
    if tolerance.allows(error, scale):
        return TensorCheck(key, "directional", True, error, scale, None)
    worst, how = localise(fd, key, analytic, seed)
    return TensorCheck(key, "directional", False, error, scale, worst, how)


def localise(fd: FiniteDifferences, key: str, analytic: np.ndarray, seed: int = 0) -> tuple[WorstEntry, str]:
    """The worst entry of a failing gradient.

    Up to :data:`LOCALISE_MAX_ENTRIES` entries every entry is differenced (so the
    answer is the full check's). Larger tensors are first bisected: each half's
    squared error is estimated from random ±1 probes, E[(Σ v·e)²] = Σ e², and
    the search follows the larger half.
    """
    flat_analytic = analytic.reshape(-1)
    lo, hi = 0, flat_analytic.size
    rng = np.random.default_rng([seed, zlib.crc32(key.encode()), 1])
    how = "every entry differenced"
    while hi - lo > LOCALISE_MAX_ENTRIES:
        middle = (lo + hi) // 2
        energies = []
        for start, stop in ((lo, middle), (middle, hi)):
            total = 0.0
            for _ in range(BISECTION_PROBES):
                probe = np.zeros(flat_analytic.size)
                probe[start:stop] = rng.choice((-1.0, 1.0), stop - start)
                slope = fd.directional({key: probe.reshape(analytic.shape)})
                total += (float(flat_analytic @ probe) - slope) ** 2
            energies.append(total)
        lo, hi = (lo, middle) if energies[0] >= energies[1] else (middle, hi)
        how = f"bisected to entries {lo}..{hi - 1}, which were differenced"
    if lo == 0 and hi == flat_analytic.size:
        numeric = fd.entries(key)
        return _worst(analytic, numeric), how
    positions = np.arange(lo, hi)
    numeric = fd.entries(key, positions)
    n = int(np.argmax(np.abs(flat_analytic[positions] - numeric)))
    index = tuple(int(i) for i in np.unravel_index(positions[n], analytic.shape))
    return WorstEntry(index, float(flat_analytic[positions[n]]), float(numeric[n])), how


def _worst(analytic: np.ndarray, numeric: np.ndarray) -> WorstEntry:
    difference = np.abs(analytic - numeric)
    flat = int(np.argmax(difference)) if difference.size else 0
    index = tuple(int(i) for i in np.unravel_index(flat, analytic.shape)) if analytic.shape else ()
    return WorstEntry(index, float(analytic.reshape(-1)[flat]), float(numeric.reshape(-1)[flat]))


def choose_mode(mode: CheckMode, parameters: dict[str, np.ndarray]) -> Literal["full", "directional"]:
    """``auto`` is ``full`` up to :data:`FULL_CHECK_MAX_ENTRIES` parameters, else ``directional``."""
    if mode not in CHECK_MODES:
        raise UsageError(f"unknown check mode {mode!r}", hint=f"use one of {', '.join(CHECK_MODES)}")
    if mode != "auto":
        return mode
    total = sum(value.size for value in parameters.values())
    return "full" if total <= FULL_CHECK_MAX_ENTRIES else "directional"


def descent_rate(fd: FiniteDifferences, gradients: dict[str, np.ndarray]) -> float:
    """How fast the loss really changes along ``gradients``, relative to what they claim.

    1 when ``gradients`` are the loss's gradient: the numeric slope along
    g/‖g‖ equals ‖g‖. Two loss evaluations.
    """
    norm = math.sqrt(sum(float((g.astype(np.float64) ** 2).sum()) for g in gradients.values()))
    if norm == 0:
        return math.nan
    direction = {key: np.asarray(g, dtype=np.float64) / norm for key, g in gradients.items()}
    return fd.directional(direction) / norm
