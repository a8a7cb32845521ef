"""Packages only training needs, behind the ``train`` extra: a one-line error naming it."""

from __future__ import annotations

import importlib
from types import ModuleType

from symbolic.errors import UsageError

EXTRA = "train"


def need(module: str, purpose: str) -> ModuleType:
    """Import ``module`` for ``purpose``, or say which extra installs it.

    Raises:
        UsageError: the module is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        package = {"sklearn": "scikit-learn"}.get(top, top)
        raise UsageError(f"{purpose} needs {package}, which is not installed",
                         hint=f"pip install 'gradproof[{EXTRA}]'") from None
