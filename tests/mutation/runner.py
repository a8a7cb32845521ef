"""Run gradproof on mutants through its public API and classify the verdicts against floats."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

from . import api
from .evaluator import Judgement, Truth, evaluate
from .mutator import Mutant

FALSE_ACCEPT = "FALSE_ACCEPT"  # a false mutant proved or verified
FALSE_REJECT = "FALSE_REJECT"  # a true mutant refuted
HOLDS = ("proved", "verified")


class HardTimeout(Exception):
    pass


@contextlib.contextmanager
def hard_limit(seconds: float):
    """Raise HardTimeout after ``seconds`` (main thread only; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise HardTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    """One mutant: what floats say, what gradproof says, and the class of the pair."""

    base: str
    seed: int
    operators: list[str]
    edits: list[str]
    truth: str
    reason: str
    verdict: str = ""
    steps: list[str] = field(default_factory=list)
    message: str = ""
    label: str | None = None
    seconds: float = 0.0
    klass: str = ""
    text: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def gradproof_verdict(mutant: Mutant, timeout: float) -> tuple[str, list[str], str, str | None]:
    """(verdict, step verdicts, message, label) of the mutated display, through the public API."""
    first_line = mutant.prefix.count("\n") + 2  # the display starts after the prefix
    try:
        with hard_limit(timeout * 2 + 10):  # gradproof's own deadline first; this one is a backstop
            report = api.check_text(mutant.text, "mutant.md", api.Options(timeout=timeout, diagnose=False))
    except HardTimeout:
        return "timeout", [], f"no answer within {timeout * 2 + 10:.0f} s", None
    records = [c for c in report.claims if c.line >= first_line]
    if not records:
        earlier = [c for c in report.claims if c.verdict.value != "definition"]
        if earlier:  # the prefix itself failed: not the mutant's verdict
            return "prefix-error", [], earlier[0].message, None
        return "none", [], "no record for the display", None
    record = records[0]
    return (record.verdict.value, [s.verdict.value for s in record.steps], record.message,
            record.label)


def classify(truth: Truth, verdict: str) -> str:
    if truth == Truth.FALSE and verdict in HOLDS:
        return FALSE_ACCEPT
    if truth == Truth.TRUE and verdict == "refuted":
        return FALSE_REJECT
    return f"{truth.value}/{verdict}"


def run_one(mutant: Mutant, timeout: float = 20.0, seed: int = 0) -> Outcome:
    """Decide a mutant in floats; if decided, check it with gradproof and classify."""
    try:
        judged = evaluate(mutant.prefix, mutant.terms, mutant.condition, seed=seed)
    except Exception as exc:  # an evaluator bug must discard the mutant, not stop the run
        judged = Judgement(Truth.UNKNOWN, f"evaluator: {type(exc).__name__}: {exc}")
    out = Outcome(mutant.base, mutant.seed, mutant.operators, mutant.edits, judged.truth.value,
                  judged.reason, text=mutant.chain.display)
    if judged.truth == Truth.UNKNOWN:
        out.klass = "discarded"
        return out
    started = time.perf_counter()
    try:
        out.verdict, out.steps, out.message, out.label = gradproof_verdict(mutant, timeout)
    except Exception as exc:  # an exception out of the API is a finding of its own
        out.verdict, out.message = "exception", f"{type(exc).__name__}: {exc}"
    out.seconds = round(time.perf_counter() - started, 3)
    out.klass = classify(judged.truth, out.verdict)
    return out


def summary(outcomes: list[Outcome]) -> dict:
    """Counts by class, by verdict of decided mutants, and failures by operator."""
    decided = [o for o in outcomes if o.klass != "discarded"]
    return {
        "mutants": len(outcomes),
        "discarded": len(outcomes) - len(decided),
        "decided": len(decided),
        "true": sum(o.truth == "true" for o in decided),
        "false": sum(o.truth == "false" for o in decided),
        FALSE_ACCEPT: sum(o.klass == FALSE_ACCEPT for o in decided),
        FALSE_REJECT: sum(o.klass == FALSE_REJECT for o in decided),
        "verdicts": dict(Counter(o.verdict for o in decided).most_common()),
        "classes": dict(Counter(o.klass for o in decided).most_common()),
        "failures_by_operator": dict(Counter("+".join(o.operators) for o in decided
                                             if o.klass in (FALSE_ACCEPT, FALSE_REJECT)).most_common()),
    }
