"""The verdict cache: an unchanged repository re-checks without the checker; any change re-checks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADPROOF_VERDICT_CACHE", raising=False)
    monkeypatch.delenv("GRADPROOF_CACHE", raising=False)
    monkeypatch.setenv("GRADPROOF_CACHE_DIR", str(tmp_path / "cache"))
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in ("softmax_jacobian.md", "logistic_regression.md"):
        shutil.copy(ROOT / "docs" / "examples" / name, notes / name)
    return notes


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    code = ("import sys, runpy; sys.argv = ['gradproof', *sys.argv[1:]]; "
            "from symbolic.cli import main; rc = main(sys.argv[1:]); "
            "print('CHECKER LOADED' if 'symbolic.checker' in sys.modules else 'CHECKER NOT LOADED', "
            "file=sys.stderr); sys.exit(rc)")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_an_unchanged_repository_is_answered_from_the_cache(project):
    first = run("check", ".", cwd=project)
    second = run("check", ".", cwd=project)
    assert first.returncode == second.returncode == 0
    assert "CHECKER LOADED" in first.stderr and "CHECKER NOT LOADED" in second.stderr
    strip = lambda text: [line.split(" (")[0] for line in text.splitlines()]  # noqa: E731
    assert strip(first.stdout) == strip(second.stdout)


def test_a_changed_file_is_checked_again(project):
    assert run("check", ".", cwd=project).returncode == 0
    note = project / "softmax_jacobian.md"
    note.write_text(note.read_text(encoding="utf-8").replace("o_j (1_{ij} - o_i)", "o_j (1_{ij} + o_i)", 1),
                    encoding="utf-8")
    again = run("check", ".", cwd=project)
    assert "CHECKER LOADED" in again.stderr
    assert again.returncode == 1


def test_a_broken_entry_is_ignored(project, tmp_path):
    run("check", ".", cwd=project)
    for entry in (tmp_path / "cache" / "verdicts").glob("*.json"):
        entry.write_text("__import__('os').system('touch PWNED')", encoding="utf-8")
    again = run("check", ".", cwd=project)
    assert again.returncode == 0 and "CHECKER LOADED" in again.stderr
    assert not (project / "PWNED").exists()


def test_a_different_limit_is_a_different_entry(project, monkeypatch):
    assert run("check", ".", cwd=project).returncode == 0
    monkeypatch.setenv("GRADPROOF_MAX_NESTING", "2")
    again = run("check", ".", cwd=project)
    assert "CHECKER LOADED" in again.stderr
