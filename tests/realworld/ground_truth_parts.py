"""Loads every ``ground_truth_*.py`` beside this file, so each topic keeps its checks apart."""

import importlib
from pathlib import Path

for _part in sorted(Path(__file__).parent.glob("ground_truth_*.py")):
    if _part.stem != "ground_truth_parts":
        importlib.import_module(f"tests.realworld.{_part.stem}")
