"""Training's packages sit behind the ``train`` extra; without them, one line names it."""

from __future__ import annotations

import importlib
import subprocess
import sys
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


def test_checking_and_exporting_need_no_training_package(tmp_path):
    """In a fresh interpreter where scikit-learn, matplotlib and scipy cannot be imported at all,
    check and export still work."""
    code = (
        "import sys\n"
        "class Refuse:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('sklearn', 'matplotlib', 'scipy'):\n"
        "            raise ImportError(name + ' is not installed')\n"
        "sys.meta_path.insert(0, Refuse())\n"
        "from symbolic.cli import main\n"
        f"note = {str(ROOT / 'derivations' / 'backprop_cross_entropy.md')!r}\n"
        "assert main(['check', note]) == 0\n"
        f"assert main(['export', note, '-o', {str(tmp_path / 'out.md')!r}]) == 0\n"
        "assert not any(m.split('.')[0] in ('sklearn', 'matplotlib', 'scipy') for m in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out.md").exists()
