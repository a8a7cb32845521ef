"""The real-world corpus: public derivations, in their authors' notation (tests/realworld/).

(a) the numeric ground truth (tests/realworld/ground_truth.py, plain numpy, no gradproof) agrees
    with truth*.yaml (one part per topic), and every entry has a check;
(b) gradproof never gives a wrong verdict: a true claim is not refuted, a false claim is not
    proved or verified, and a claim that is ill-formed as written (brackets that do not balance, a
    product of arrays whose shapes do not fit; the ground truth shows it without gradproof) gets
    a located error (errors and undecided are allowed for now). Known wrong verdicts are
    listed in KNOWN_WRONG and marked xfail(strict=True), so fixing one shows up;
(c) ``python -m tests.corpus.test_realworld --score`` prints the scoreboard per file and in total.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parents[1] / "realworld"

from tests.realworld import ground_truth

HOLDS = {"proved", "verified"}
ILL_FORMED = "ill-formed"

# (file, label) -> why gradproof's verdict is wrong today
KNOWN_WRONG: dict[tuple[str, str], str] = {}


def truth() -> dict[str, dict[str, bool]]:
    raw: dict = {}
    for part in sorted(HERE.glob("truth*.yaml")):  # truth.yaml, truth_matrix.yaml, ...
        loaded = yaml.safe_load(part.read_text()) or {}
        assert not set(loaded) & set(raw), f"{part.name} repeats a file of another truth part"
        raw.update(loaded)
    out: dict[str, dict[str, bool]] = {}
    for file, labels in raw.items():
        out[file] = {str(k): _value(v) for k, v in labels.items()}
    return out


def _value(entry) -> bool | str:
    """True, False, or ILL_FORMED: the claim as written has no meaning (brackets that do not
    balance, a product of arrays whose shapes do not fit), and its true verdict is a located error."""
    value = entry if isinstance(entry, (bool, str)) else entry["value"]
    assert value in (True, False, ILL_FORMED), value
    return value


TRUTH = truth()
CLAIMS = [(f, lab) for f in sorted(TRUTH) for lab in TRUTH[f]]


@functools.lru_cache(maxsize=None)
def report(file: str):
    from symbolic import api
    return api.check(HERE / file)


def records(file: str, label: str):
    return [c for c in report(file).claims if c.label is not None and str(c.label) == label]


def classify(file: str, label: str) -> str:
    """correct | wrong | error | undecided | unseen"""
    found = records(file, label)
    if not found:
        return "unseen"
    values = [c.verdict.value for c in found]
    holds = TRUTH[file][label]
    if holds == ILL_FORMED:  # only a located error is true to it; any reading is a misreading
        return "correct" if all(v == "error" for v in values) else \
            "wrong" if any(v in HOLDS or v == "refuted" for v in values) else "undecided"
    if any((holds and v == "refuted") or (not holds and v in HOLDS) for v in values):
        return "wrong"
    if all((v in HOLDS) if holds else (v == "refuted") for v in values):
        return "correct"
    if "error" in values:
        return "error"
    return "undecided"


# ------------------------------------------------------------------------------- (a)
def test_every_note_has_truth_and_every_truth_has_a_check():
    notes = {p.name for p in HERE.glob("*.md")}
    assert notes == set(TRUTH), notes ^ set(TRUTH)
    checks = {(f, lab) for f, lab in ground_truth.CHECKS}
    assert set(CLAIMS) == checks, set(CLAIMS) ^ checks


def test_truth_labels_are_tags_in_the_notes():
    for file, labels in TRUTH.items():
        text = (HERE / file).read_text()
        for label in labels:
            assert f"\\tag{{{label}}}" in text or f"({label})$$" in text, (file, label)


@pytest.mark.parametrize("file,label", CLAIMS)
def test_ground_truth_agrees_with_truth_yaml(file, label):
    values = ground_truth.CHECKS[(file, label)]()
    if TRUTH[file][label] == ILL_FORMED:
        assert ground_truth.ill_formed(HERE / file, label, values)
    else:
        assert ground_truth.agree(values) == TRUTH[file][label]


# ------------------------------------------------------------------------------- (b)
def _params():
    for file, label in CLAIMS:
        marks = []
        if (file, label) in KNOWN_WRONG:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[(file, label)]))
        yield pytest.param(file, label, marks=marks, id=f"{file}::{label}")


@pytest.mark.parametrize("file,label", list(_params()))
def test_gradproof_never_gives_a_wrong_verdict(file, label):
    found = records(file, label)
    holds = TRUTH[file][label]
    for c in found:
        v = c.verdict.value
        if holds == ILL_FORMED:
            assert v == "error", f"ill-formed claim read as something: {v}: {c.message}"
        elif holds:
            assert v != "refuted", f"true claim refuted: {c.message}"
        else:
            assert v not in HOLDS, f"false claim {v}: {c.message}"


# ------------------------------------------------------------------------------- (c)
def scoreboard(out=sys.stdout) -> dict[str, int]:
    cols = ["correct", "error", "undecided", "wrong", "unseen"]
    total = dict.fromkeys(cols, 0)
    print(f"{'file':42s} {'claims':>6s} " + " ".join(f"{c:>9s}" for c in cols), file=out)
    for file in sorted(TRUTH):
        row = dict.fromkeys(cols, 0)
        for label in TRUTH[file]:
            row[classify(file, label)] += 1
        for c in cols:
            total[c] += row[c]
        print(f"{file:42s} {len(TRUTH[file]):6d} " + " ".join(f"{row[c]:9d}" for c in cols), file=out)
    print(f"{'TOTAL':42s} {len(CLAIMS):6d} " + " ".join(f"{total[c]:9d}" for c in cols), file=out)
    print("\ncorrect = true verdict; error/undecided = located, allowed for now; "
          "wrong = true claim refuted or false claim proved/verified, or an ill-formed claim given any "
          "verdict but an error; unseen = no record with the label",
          file=out)
    return total


def details(out=sys.stdout) -> None:
    for file in sorted(TRUTH):
        for label in TRUTH[file]:
            kind = classify(file, label)
            msgs = "; ".join(f"{c.verdict.value}: {c.message}" for c in records(file, label))
            print(f"{kind:9s} {file}::{label}  truth={TRUTH[file][label]}  {msgs[:300]}", file=out)


if __name__ == "__main__":
    if "--score" in sys.argv:
        scoreboard()
        if "--details" in sys.argv:
            print()
            details()
    else:
        print("usage: python -m tests.corpus.test_realworld --score [--details]")
