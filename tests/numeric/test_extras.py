"""Training's packages sit behind the ``train`` extra; without them, one line names it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from symbolic.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def without_training_packages(monkeypatch):
    real = importlib.import_module

    def refuse(name, *args, **kwargs):
        if name.split(".")[0] in ("sklearn", "matplotlib", "scipy"):
            raise ImportError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", refuse)


def test_train_on_a_bundled_data_set_names_the_extra(without_training_packages, capsys):
    code = main(["train", str(ROOT / "derivations" / "backprop_cross_entropy.md"), "--data", "digits",
                 "--epochs", "1"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err == ("error: the digits data set needs scikit-learn, which is not installed "
                   "(hint: pip install 'gradproof[train]')")


def test_checking_needs_no_training_package(without_training_packages, capsys):
    assert main(["check", str(ROOT / "derivations" / "backprop_cross_entropy.md")]) == 0
