"""gradproof's symbolic side: notes, LaTeX, models, exact verification, reports.

The public entry points are in :mod:`symbolic.api`; the command line is
:func:`symbolic.cli.main`.
"""

__version__ = "0.1.0"
