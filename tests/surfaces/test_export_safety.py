"""Hostile notes cannot make an export read or write files, or carry HTML.

Every place a note's text flows into an export (a YAML key, a YAML value such as
``loss:``, a definition, a label written with ``\\tag{}``, a heading, prose, math)
is tried with TeX's file and shell primitives; the .tex must hold none of them as
a command, the .md no raw HTML, and pdflatex must neither read nor write outside
its folder even when handed such a file directly.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from symbolic import ClaimResult, FileReport, StepResult, Verdict
from symbolic.cli import main
from symbolic.errors import ExportError
from symbolic.export.document import compile_pdf, pdflatex_environment
from symbolic.export.latex import latex_math, render_tex
from symbolic.export.markdown import code_block, render_markdown
from symbolic.export.note import CheckedNote, Section
from symbolic.export.tex_safety import safe_math
from tests.models import SOFTMAX_LAYER

PAYLOADS = [r"\input{/etc/passwd}", r"\write18{touch PWNED}", r"\immediate\openout5=pwned.txt",
            r"^^5cinput{/etc/passwd}", r"\csname input\endcsname{/etc/passwd}",
            "<img src=x onerror=alert(1)>"]
# Primitives and macros that read or write files, run programs, or change how TeX reads.
DANGEROUS = {"input", "include", "InputIfFileExists", "openin", "openout", "write", "read", "immediate",
             "catcode", "csname", "def", "edef", "gdef", "let", "usepackage", "RequirePackage",
             "newcommand", "renewcommand", "special", "endcsname", "closeout", "write18"}

MODEL = SOFTMAX_LAYER
CLAIM = r"$$\nabla w_{jk} = h_j (o_k - t_k)$$"


def hostile_note(place: str, payload: str) -> str:
    """A note that puts ``payload`` where ``place`` says, and is otherwise fine."""
    if place == "yaml key":
        return MODEL.replace("assume:", payload + ": 1\nassume:") + CLAIM
    if place == "yaml value":
        return MODEL.replace("assume: [one-hot t]", f"loss: '{payload}'") + CLAIM
    if place == "definition":
        return MODEL.replace(r"h_j", "h_j " + payload, 1) + CLAIM
    if place == "label":
        return MODEL + "\n" + CLAIM.replace("$$", "", 1).join(["$$", ""]).replace(
            "t_k)$$", f"t_k) \\tag{{{payload}}}$$")
    if place == "heading":
        return f"# {payload}\n\n## {payload}\n\n" + MODEL + "\n" + CLAIM + "\n"
    if place == "prose":
        return MODEL + f"\nBecause {payload} we have\n\n" + CLAIM + "\n"
    if place == "math":
        return MODEL + "\n" + CLAIM.replace("(o_k - t_k)", f"(o_k - t_k) {payload}") + "\n"
    raise ValueError(place)


PLACES = ["yaml key", "yaml value", "definition", "label", "heading", "prose", "math"]


def commands(tex: str) -> set[str]:
    """The control words TeX would execute in the document's body (escaped text forms none)."""
    body = tex.split(r"\begin{document}", 1)[1]
    return {m.group(1) for m in re.finditer(r"\\([A-Za-z]+|.)", body)}


def assert_safe_tex(tex: str) -> None:
    assert not commands(tex) & DANGEROUS, commands(tex) & DANGEROUS
    assert "^^" not in tex


def assert_safe_markdown(md: str) -> None:
    outside_code = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1$", "", md)
    outside_code = outside_code.replace("<br/>", "")  # the Mermaid line break gradproof writes
    assert not re.search(r"<[A-Za-z/!?]", outside_code), outside_code


def export(capsys, note: Path, suffix: str) -> tuple[int, str, Path]:
    out = note.with_name(f"out{suffix}")
    code = main(["export", str(note), "-o", str(out)])
    return code, capsys.readouterr().err, out


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("place", PLACES)
def test_hostile_text_in_every_place_is_inert_in_tex_and_markdown(tmp_path, capsys, place, payload):
    note = tmp_path / "note.md"
    note.write_text(hostile_note(place, payload), encoding="utf-8")
    for suffix, assert_safe in ((".tex", assert_safe_tex), (".md", assert_safe_markdown)):
        code, err, out = export(capsys, note, suffix)
        if code == 2:  # refused: one located line, nothing written
            assert err.count("\n") == 1 and "error: cannot export:" in err and not out.exists()
        else:
            assert code == 0, err
            assert_safe(out.read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) <= ["note.md", "out.md", "out.tex"]


def test_the_reproducer_heading_is_not_html(tmp_path, capsys):
    note = tmp_path / "note.md"
    note.write_text("# <img src=x onerror=alert(1)>\n\n" + MODEL + "\n" + CLAIM + "\n", encoding="utf-8")
    code, _, out = export(capsys, note, ".md")
    md = out.read_text(encoding="utf-8")
    assert code == 0 and md.startswith("# &lt;img src=x onerror=alert(1)&gt;\n") and "<img" not in md


def hostile_checked_note(side: str, condition: str | None = None) -> CheckedNote:
    """A checked note whose claim's math is ``side``, as if the parser had let it through."""
    step = StepResult(Verdict.REFUTED, side, "1", 9, 4, message="false")
    claim = ClaimResult("note.md", 9, 1, Verdict.REFUTED, label="1", steps=[step], condition=condition)
    report = FileReport("note.md", [claim])
    return CheckedNote("note.md", "Notes", report, [Section("Claims", None, None, claims=[claim])], {})


@pytest.mark.parametrize("side", [r"x \input{/etc/passwd}", r"\write18{touch X}", r"\immediate\openout3=x",
                                  r"x^^5cinput", r"\csname input\endcsname", r"\def\x{1}", r"\catcode`\~=0",
                                  r"\begin{filecontents}{x.tex}", r"x $ \input{y} $", r"x}", r"{x", "x \\"])
def test_math_outside_the_allow_list_is_refused_with_a_located_line(side):
    for render in (render_tex, render_markdown):
        with pytest.raises(ExportError) as caught:
            render(hostile_checked_note(side))
        line = caught.value.one_line()
        assert line.startswith("note.md:9:1: error: cannot export: the claim ") and "\n" not in line


def test_a_condition_is_checked_like_the_claim():
    with pytest.raises(ExportError, match=r"the condition uses \\input"):
        render_tex(hostile_checked_note("x", condition=r"i \neq j \input{x}"))


@pytest.mark.parametrize("math", [
    r"\frac{\partial L}{\partial w_{jk}} = \sum_{k'} \left(o_{k'} - t_{k'}\right) \delta_{kk'}",
    r"\mathbf{1}_{ij} \cdot \sigma'(z) \odot \tanh^{2}(a) \quad (\text{for } i \neq j)",
    r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix} \, \mathrm{d}x \; \hat{y} \% \#",
])
def test_ordinary_math_passes_the_allow_list(math):
    assert safe_math(math) == math
    assert latex_math(math)


def test_a_bare_percent_or_hash_in_math_is_a_character():
    assert latex_math("a % b # c") == r"a \% b \# c"
    assert latex_math(r"a \% b") == r"a \% b"


def test_code_blocks_cannot_be_closed_from_inside():
    block = code_block("x\n```\n<img src=x>\n````", "latex")
    assert block[0] == "`````latex" and block[-1] == "`````"


def test_an_unwritable_folder_is_one_line_and_exit_2(tmp_path, capsys):
    note = tmp_path / "note.md"
    note.write_text(MODEL + "\n" + CLAIM + "\n", encoding="utf-8")
    if os.geteuid() == 0:  # root writes anywhere permissions allow nothing: use a read-only file system
        folder = Path("/sys")
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
    code = main(["export", str(note), "-o", str(folder / "notes.tex")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: cannot write {folder / 'notes.tex'}: ") and err.count("\n") == 1
    assert not (folder / "notes.tex").exists()


def test_pdflatex_runs_paranoid_and_without_shell_escape():
    environment = pdflatex_environment()
    assert environment["openin_any"] == "p" and environment["openout_any"] == "p"
    assert environment["shell_escape"] == "f" and "TEXMFOUTPUT" not in environment


needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
RAW = "\\documentclass{article}\n\\begin{document}\n%s\nok\n\\end{document}\n"


@needs_pdflatex
def test_pdflatex_cannot_read_absolute_paths_even_from_a_raw_file():
    with pytest.raises(ExportError, match="pdflatex failed: .*/etc/passwd"):
        compile_pdf(RAW % r"\input{/etc/passwd}")


@needs_pdflatex
def test_pdflatex_cannot_write_outside_its_folder_or_run_programs(tmp_path):
    marker, written = tmp_path / "PWNED", tmp_path / "written.txt"
    compile_pdf(RAW % rf"\immediate\write18{{touch {marker}}}")
    assert not marker.exists()
    with pytest.raises(ExportError, match="pdflatex failed: I can't write on file"):
        compile_pdf(RAW % rf"\immediate\openout5={written} \immediate\write5{{x}}\immediate\closeout5")
    assert not written.exists()


@needs_pdflatex
@pytest.mark.parametrize("place", PLACES)
def test_hostile_notes_compile_to_pdf_without_touching_files(tmp_path, capsys, monkeypatch, place):
    monkeypatch.chdir(tmp_path)
    note = tmp_path / "note.md"
    text = "\n\n".join(hostile_note(place, p) for p in PAYLOADS[:3]).replace("PWNED", str(tmp_path / "PWNED"))
    note.write_text(text, encoding="utf-8")
    code, err, out = export(capsys, note, ".pdf")
    assert code in (0, 2), err
    if code == 0:
        assert out.read_bytes().startswith(b"%PDF") and b"root:x:0:0" not in out.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) <= ["note.md", "out.pdf"]
