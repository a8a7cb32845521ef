"""The pre-commit hook, through pre-commit itself, on a repository holding a wrong claim."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRONG = (ROOT / "tests" / "planted" / "sign_flip.md").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None,
                    reason="pre-commit or git is not installed")
def test_the_hook_fails_a_commit_with_a_wrong_claim_at_its_location(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "note.md").write_text(WRONG, encoding="utf-8")
    subprocess.run(["git", "add", "note.md"], cwd=project, check=True)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PATH": subprocess.os.environ["PATH"],
           "HOME": str(tmp_path)}
    done = subprocess.run(["pre-commit", "try-repo", str(ROOT), "gradproof", "--files", "note.md"],
                          cwd=project, capture_output=True, text=True, env=env, timeout=900)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "gradproof" in out and "Failed" in out
    assert "note.md:" in out and "✗ refuted" in out
