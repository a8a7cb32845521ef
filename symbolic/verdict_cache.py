"""Verdicts kept between runs, so that an unchanged repository re-checks in well under a second.

A file's report is stored under a key made of gradproof's own source, the options that
change a verdict, and the bytes of the file (and of a ``--context`` file). Any change to
one of them is a new key. Entries are JSON data, read back field by field (never
evaluated); a broken or foreign entry is ignored and the file checked again.
Location: ``$GRADPROOF_CACHE_DIR/verdicts`` (else ``~/.cache/gradproof/verdicts``);
``GRADPROOF_CACHE=off`` (all caches) or ``GRADPROOF_VERDICT_CACHE=off`` disables it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from pathlib import Path

from .results import ClaimResult, Counterexample, FileReport, StepResult, UnreadDisplay
from .settings import cache_directory
from .verdicts import Verdict

FORMAT = "1"


def _directory() -> Path | None:
    root = cache_directory("GRADPROOF_VERDICT_CACHE")
    return None if root is None else Path(root) / "verdicts"


@functools.lru_cache(maxsize=1)
def _source_digest() -> str:
    """gradproof's own code: a new version, or an edited checkout, never reuses a verdict."""
    digest = hashlib.sha256(FORMAT.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(path: Path, settings: dict, context: Path | None = None) -> str | None:
    """The key of ``path`` checked with these settings, or None when it cannot be read."""
    digest = hashlib.sha256(_source_digest().encode())
    limits = {k: v for k, v in os.environ.items() if k.startswith("GRADPROOF_MAX")}  # they change errors
    digest.update(json.dumps([settings, limits], sort_keys=True).encode())
    try:
        digest.update(path.read_bytes() if path.is_file() else b"\0not a regular file")
        if context is not None:
            digest.update(context.read_bytes())
    except OSError:
        return None
    digest.update(str(path).encode())  # reports name the path as given
    return digest.hexdigest()


def load(entry: str | None) -> FileReport | None:
    directory = _directory()
    if entry is None or directory is None:
        return None
    try:
        report = _report(json.loads((directory / f"{entry}.json").read_text("utf-8")))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    report.seconds = 0.0  # nothing was spent on it this time
    return report


def store(entry: str | None, report: FileReport) -> None:
    directory = _directory()
    if entry is None or directory is None:
        return
    data = dataclasses.asdict(report, dict_factory=_plain)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f"{entry}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(data), "utf-8")
        temporary.replace(directory / f"{entry}.json")
    except OSError:
        pass  # a cache that cannot be written is only slower


def _plain(items) -> dict:
    return {k: v.value if isinstance(v, Verdict) else v for k, v in items}


def _fields(cls, data: dict) -> dict:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _step(data: dict) -> StepResult:
    values = _fields(StepResult, data)
    values["verdict"] = Verdict(values["verdict"])
    if values.get("counterexample") is not None:
        values["counterexample"] = Counterexample(**_fields(Counterexample, values["counterexample"]))
    return StepResult(**values)


def _claim(data: dict) -> ClaimResult:
    values = _fields(ClaimResult, data)
    values["verdict"] = Verdict(values["verdict"])
    if values.get("expected") is not None:
        values["expected"] = Verdict(values["expected"])
    values["steps"] = [_step(s) for s in values.get("steps", [])]
    return ClaimResult(**values)


def _report(data: dict) -> FileReport:
    unread = [UnreadDisplay(int(u["line"]), int(u["column"]), str(u["text"]),
                            None if u.get("cell") is None else int(u["cell"]))
              for u in data.get("unread", [])]
    return FileReport(str(data["path"]), [_claim(c) for c in data["claims"]], float(data["seconds"]),
                      unread)
