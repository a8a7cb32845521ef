"""Checking a real repository: which files are notes, parallel checking, --version."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symbolic.cli import main
from symbolic.repository import collect

ROOT = Path(__file__).resolve().parents[2]
NOTE = (ROOT / "docs" / "examples" / "softmax_jacobian.md").read_text(encoding="utf-8")


@pytest.fixture
def repository(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text(NOTE, encoding="utf-8")
    (tmp_path / "notes" / "b.md").write_text(NOTE, encoding="utf-8")
    (tmp_path / "README.md").write_text("# A project\n\nProse only, $5 and $10.\n", encoding="utf-8")
    venv = tmp_path / ".venv" / "lib" / "site-packages" / "pkg"
    venv.mkdir(parents=True)
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    (venv / "broken.md").write_text("$$\\frac{1}{$$\n", encoding="utf-8")
    env = tmp_path / "env2"
    env.mkdir()
    (env / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    (env / "broken.md").write_text("$$\\frac{1}{$$\n", encoding="utf-8")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "copy.md").write_text("$$\\frac{1}{$$\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n*.draft.md\n", encoding="utf-8")
    (tmp_path / "notes" / "wip.draft.md").write_text("$$\\frac{1}{$$\n", encoding="utf-8")
    (tmp_path / "notes" / "old.md").write_text("$$\\frac{1}{$$\n", encoding="utf-8")
    return tmp_path


def test_only_notes_are_collected_from_a_folder(repository):
    found = {p.relative_to(repository).as_posix() for p in collect([str(repository)], ["old.md"]).files}
    assert found == {"README.md", "notes/a.md", "notes/b.md"}


def test_check_of_a_repository_skips_prose_files_and_exits_0(repository, capsys, monkeypatch):
    monkeypatch.chdir(repository)
    assert main(["check", ".", "--exclude", "old.md", "-v"]) == 0
    captured = capsys.readouterr()
    assert "skipped README.md: no derivation block and no display math" in captured.err
    assert "claims in 2 file(s), all as expected" in captured.out


def test_a_file_named_on_the_command_line_is_always_checked(repository, capsys, monkeypatch):
    monkeypatch.chdir(repository)
    assert main(["check", "README.md"]) == 2
    assert "no derivation block found" in capsys.readouterr().out


def test_parallel_and_serial_checks_give_the_same_report(repository, capsys):
    assert main(["check", str(repository / "notes"), "--exclude", "old.md", "--format", "json", "-j", "2"]) == 0
    parallel = capsys.readouterr().out
    assert main(["check", str(repository / "notes"), "--exclude", "old.md", "--format", "json"]) == 0
    serial = capsys.readouterr().out
    strip = lambda text: [line for line in text.splitlines() if '"seconds"' not in line]  # noqa: E731
    assert strip(parallel) == strip(serial)


def test_version():
    done = subprocess.run([sys.executable, "-m", "symbolic.cli", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip().startswith("gradproof ")


def test_the_project_can_exclude_folders_in_pyproject(repository):
    (repository / "pyproject.toml").write_text('[tool.gradproof]\nexclude = ["notes/old.md"]\n',
                                               encoding="utf-8")
    found = {p.relative_to(repository).as_posix() for p in collect([str(repository)]).files}
    assert found == {"README.md", "notes/a.md", "notes/b.md"}


def test_this_repository_checks_clean_from_its_root(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["check", "."]) == 0
    assert "all as expected" in capsys.readouterr().out
