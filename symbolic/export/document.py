"""``gradproof export``: check notes and write them as annotated LaTeX, PDF, Markdown or JSON.

An export holds the notes' mathematics and gradproof's own English text; the
notes' prose is left out, so notes written in any language compile with
pdflatex. This module picks the format from the output's suffix, refuses
outputs that must not be written (the input is never written to), runs
pdflatex and writes the result atomically; the formats themselves are rendered
by :mod:`symbolic.export.latex` and :mod:`symbolic.export.markdown`. What a
note may put into the LaTeX is checked by :mod:`symbolic.export.tex_safety`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Literal

from ..errors import ExportError, UsageError
# check_note, render_tex and the escaping functions are part of this module's documented API.
from ..report import render_json
from .latex import latex_math, latex_prose, latex_text, render_tex
from .markdown import render_markdown
from .note import CheckedNote, check_note, summary_line

__all__ = ["CheckedNote", "ExportFormat", "check_note", "compile_pdf", "export", "first_latex_error",
           "latex_math", "latex_prose", "latex_text", "output_format", "pdflatex_path", "render_markdown",
           "render_tex", "run_export", "write_atomically"]

ExportFormat = Literal["tex", "pdf", "md", "json"]
SUFFIXES: dict[str, ExportFormat] = {".tex": "tex", ".pdf": "pdf", ".md": "md", ".json": "json"}
PDFLATEX_TIMEOUT = 120.0       # seconds per pdflatex run
PDFLATEX_RUNS = 2              # a second run only when the log asks for it
PDFLATEX_HINT = "install TeX Live (texlive-latex-base, texlive-latex-recommended, texlive-pictures) or export to .tex"
# pdflatex may open files only below its working folder, never by an absolute path or '..'
# (kpathsea's "paranoid" mode), and never run programs: the .tex is written from untrusted notes.
PDFLATEX_ENVIRONMENT = {"openin_any": "p", "openout_any": "p", "shell_escape": "f"}


def pdflatex_environment() -> dict[str, str]:
    """The environment pdflatex runs in: ours, made paranoid, without a TEXMFOUTPUT it could write to."""
    environment = {k: v for k, v in os.environ.items() if k != "TEXMFOUTPUT"}
    return environment | PDFLATEX_ENVIRONMENT


def pdflatex_path() -> str:
    """Where pdflatex is.

    Raises:
        UsageError: it is not installed.
    """
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise UsageError("pdflatex not found: cannot export to .pdf", hint=PDFLATEX_HINT)
    return pdflatex


def compile_pdf(tex: str) -> bytes:
    """Run pdflatex on ``tex`` in a temporary directory and return the PDF.

    Raises:
        UsageError: pdflatex is not installed.
        ExportError: pdflatex failed or took too long; the message holds the first LaTeX error.
    """
    pdflatex = pdflatex_path()
    with tempfile.TemporaryDirectory(prefix="gradproof-pdf-") as folder:
        work = Path(folder)
        (work / "notes.tex").write_text(tex, encoding="utf-8")
        for _ in range(PDFLATEX_RUNS):
            try:
                done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                                       "-no-shell-escape", "notes.tex"], cwd=work,
                                      stdin=subprocess.DEVNULL, capture_output=True,
                                      env=pdflatex_environment(), timeout=PDFLATEX_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise ExportError(f"pdflatex took longer than {PDFLATEX_TIMEOUT:.0f} s",
                                  hint="export to .tex and run pdflatex on it yourself") from None
            log_file = work / "notes.log"
            log = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else ""
            if done.returncode != 0 or not (work / "notes.pdf").exists():
                raise ExportError(f"pdflatex failed: {first_latex_error(log, done)}",
                                  hint="export to .tex and run pdflatex on it to see the whole log")
            if "Rerun to get" not in log:
                break
        return (work / "notes.pdf").read_bytes()


def first_latex_error(log: str, done: subprocess.CompletedProcess | None = None) -> str:
    """The first ``! ...`` line of a LaTeX log with the ``l.N`` line that follows it."""
    lines = log.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("!"):
            where = next((x.strip() for x in lines[n + 1:n + 12] if re.match(r"l\.\d+", x)), "")
            return f"{line[1:].strip()}" + (f" ({where})" if where else "")
    output = (done.stdout or b"").decode("utf-8", "replace").strip().splitlines() if done else []
    return output[-1] if output else "no error line in the log"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place.

    Raises:
        ExportError: the folder cannot be written to (no permission, read-only, full).
    """
    try:
        _write_atomically(path, data)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}",
                          hint="choose a folder you can write to with -o") from None


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def output_format(source: str | Path, output: str | Path, force: bool) -> ExportFormat:
    """The format of ``output``, after refusing outputs that cannot or must not be written.

    Raises:
        UsageError: OUT is the input, exists without ``force``, is a folder, has an unknown suffix.
    """
    out, src = Path(output), Path(source)
    if out.resolve() == src.resolve() or (out.exists() and src.exists() and os.path.samefile(out, src)):
        raise UsageError(f"refusing to write over the input file {source}",
                         hint="choose another output path with -o")
    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot export to {output}: unknown suffix '{out.suffix}'",
                         hint="use one of " + ", ".join(SUFFIXES))
    if out.is_dir():
        raise UsageError(f"{output} is a directory", hint="give a file name such as notes.tex")
    if out.exists() and not force:
        raise UsageError(f"{output} exists", hint="pass --force to replace it")
    if not out.parent.resolve().is_dir():
        raise UsageError(f"no such directory: {out.parent}", hint="create it first")
    return fmt


def export(source: str | Path, output: str | Path, force: bool = False) -> CheckedNote:
    """Check ``source`` and write it to ``output`` in the format its suffix names.

    Raises:
        UsageError: the output is refused, or pdflatex is not installed.
        NotesError: the input cannot be read.
        ExportError: the note's math is not safe to typeset, pdflatex fails, or the
            output cannot be written.
    """
    fmt = output_format(source, output, force)
    if fmt == "pdf":
        pdflatex_path()
    note = check_note(source, derive=fmt != "json")
    if fmt == "json":
        data = render_json([note.report]).encode("utf-8") + b"\n"
    elif fmt == "md":
        data = render_markdown(note).encode("utf-8")
    else:
        tex = render_tex(note)
        data = compile_pdf(tex) if fmt == "pdf" else tex.encode("utf-8")
    write_atomically(Path(output), data)
    return note


def run_export(args) -> int:
    """``gradproof export FILE -o OUT [--force]``: 0 when OUT is written."""
    note = export(args.file, args.output, args.force)
    print(f"wrote {args.output}: {summary_line(note.report)}")
    return 0
