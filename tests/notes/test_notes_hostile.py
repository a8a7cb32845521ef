"""Hostile and broken input at the notes stage: refused or reported quickly, in one line, in place."""

from __future__ import annotations

import os
import resource
import time

import pytest

from symbolic.errors import NotesError, Span
from symbolic.notes.reader import ChainSource, ContextSource, Problem, parse_note, read_note

DEFINE = ("```derivation\nindices: {i: I}\ndefine: |\n  a = \\sum_i w_i x_i + b\n  p = \\sigma(a)\n"
          "  L = -(y \\log p + (1 - y) \\log(1 - p))\n")


def problems(text: str) -> list[NotesError]:
    return [item.error for item in parse_note(text, "n.md").items if isinstance(item, Problem)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "notes.md"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(NotesError, match="not a regular file"):
        read_note(fifo)
    assert time.monotonic() - started < 1


def test_a_device_is_refused():
    with pytest.raises(NotesError, match="not a regular file"):
        read_note("/dev/zero")


def test_the_size_limit_names_itself_and_how_to_raise_it(tmp_path, monkeypatch):
    path = tmp_path / "big.md"
    path.write_text("x" * 101)
    monkeypatch.setenv("GRADPROOF_MAX_BYTES", "100")
    with pytest.raises(NotesError) as caught:
        read_note(path)
    assert "larger than the limit of 100 bytes" in caught.value.message
    assert "GRADPROOF_MAX_BYTES" in caught.value.hint and "\n" not in caught.value.one_line()


def test_the_claims_limit_stops_reading(monkeypatch):
    monkeypatch.setenv("GRADPROOF_MAX_CLAIMS", "3")
    items = parse_note("$$a = b$$\n\n" * 10, "n.md").items
    assert sum(isinstance(i, ChainSource) for i in items) == 3
    (problem,) = [i.error for i in items if isinstance(i, Problem)]
    assert problem.span == Span("n.md", 7, 3)
    assert "more than 3 claims" in problem.message and "GRADPROOF_MAX_CLAIMS" in problem.hint


def test_a_hundred_thousand_claims_are_cut_quickly():
    started = time.process_time()
    items = parse_note("$$a = b$$\n" * 100_000, "n.md").items
    assert time.process_time() - started < 5
    assert any(isinstance(i, Problem) and "claims in one file" in i.error.message for i in items)


def test_the_math_length_limit():
    (problem,) = problems("Intro\n$$a = " + "b + " * 10_000 + "c$$\n")
    assert problem.span == Span("n.md", 2, 3)
    assert "over the limit of 20,000" in problem.message and "GRADPROOF_MAX_MATH_CHARS" in problem.hint


def test_F07_control_character_in_yaml_is_one_line_at_its_place():
    note = DEFINE.replace("indices: {i: I}", "indices: {i: I}\0") + "```\n\n$$\\nabla b = p - y$$\n"
    error = problems(note)[0]
    assert (error.span.line, error.span.column) == (2, 16)
    assert "U+0000" in error.message and "\n" not in error.one_line()


def test_F20_next_line_character_does_not_move_the_line():
    note = (DEFINE.replace("x_i + b\n", "x_i + b\u0085\u0085\u0085\u0085\u0085\n") + "loss L\n```\n\n"
            "$$\\nabla b = p - y$$\n")
    error = problems(note)[0]
    assert error.span.line == 7 and "invalid YAML" in error.message


def test_F14_alias_bomb_is_refused_fast_and_small():
    levels = ", ".join(f"&a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 6))
    note = (DEFINE + "expect:\n  anchors: [&a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol], " + levels + "]\n"
            '  "b": &a6 [' + ",".join(["*a5"] * 9) + "]\n```\n\n$$\\nabla b = p - y \\tag{b}$$\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    (error,) = problems(note)
    assert time.process_time() - started < 5  # expanded, the aliases would take gigabytes
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # kB
    assert "anchors and aliases are not allowed" in error.message
    assert (error.span.line, error.span.column) == (8, 13) and len(error.one_line()) < 300


def test_bom_and_crlf_keep_exact_positions(tmp_path):
    path = tmp_path / "n.md"
    path.write_bytes("\ufeff```derivation\r\nloss: L\r\n```\r\n\r\n$$\r\n  a = b\r\n$$\r\n".encode())
    context, chain = read_note(path).items
    assert isinstance(context, ContextSource) and context.span.line == 2
    assert [(t.span.line, t.span.column) for t in chain.terms] == [(6, 3), (6, 7)]


def test_lone_carriage_returns_do_not_shift_lines():
    (chain,) = [i for i in parse_note("x\ry\n$$a = b$$\n", "n.md").items if isinstance(i, ChainSource)]
    assert chain.span == Span("n.md", 2, 3)
