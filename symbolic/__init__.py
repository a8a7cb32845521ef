"""gradproof's symbolic side: notes, LaTeX, models, exact verification, reports.

The public API::

    import symbolic
    report = symbolic.check("notes.md")            # a FileReport
    for claim in report.claims:                    # ClaimResult records
        print(claim.label, claim.verdict)          # a Verdict
    formula = symbolic.derive("notes.md", wrt="w_{jk}")

The command line is :func:`symbolic.cli.main`. Importing this package is cheap:
the checker (SymPy, the LaTeX front end) is imported when a name that needs it
is first used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

__all__ = ["check", "check_text", "load", "derive", "Document", "Derived", "Options",
           "Verdict", "ClaimResult", "StepResult", "FileReport", "Counterexample",
           "GradproofError"]

# Public name -> the module that defines it; each module is imported on first use.
_HOMES = {
    "check": "api", "check_text": "api", "load": "api", "derive": "api", "Document": "api",
    "Derived": "api", "Options": "api",
    "Verdict": "verdicts",
    "ClaimResult": "results", "StepResult": "results", "FileReport": "results",
    "Counterexample": "results",
    "GradproofError": "errors",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython) -> None:
    """``%load_ext symbolic`` in Jupyter: registers the ``%%derivation`` cell magic."""
    from .notebook_magic import load_ipython_extension as load

    load(ipython)
