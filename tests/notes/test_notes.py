"""Tests for the Markdown notes reader: blocks, chains, labels, conditions and exact spans."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.notes import reader as notes
from symbolic.errors import NotesError, Span
from symbolic.notes.reader import ChainSource, ContextSource, Problem, parse_note, read_note
from symbolic import Verdict

SPEC_EXAMPLE = r"""# A tanh layer and a softmax

```derivation
indices: {i: I, j: J, k: K}        # index letter -> size name
define: |                           # one definition per line, in order
  z_j = \sum_i w_{ij} x_i + b_j
  h_j = \tanh(z_j)
  a_k = \sum_j w_{jk} h_j + b_k
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = \frac{1}{2} \sum_k (t_k - o_k)^2
loss: L                             # what \nabla means; default L
assume: [one-hot t]                 # optional: one-hot X, \sum_k t_k = 1
```

$$\nabla w_{jk} = h_j (o_k - t_k) \tag{1}$$
"""

SEED = "/work/shared/seed/000_96142ebc6306de78.txt"

# Lines copied from the seed note (inline math, Chinese prose around it).
SEED_LINES = r"""\(\nabla {w_{jk}} = h_j(o_k - t_k) \ ..................(1)\)
为了上公式更加简洁, 将误差记为: \(\delta_k = (o_k - t_k)\)
\(\nabla {b_j} = \sum\limits_k \delta_k \ w_{jk} (1+h_j)(1-h_j) \ ... ... (3)\)
\(\nabla {w_{ij}} = x_i \sum \limits _k \delta_k w_{jk} (1+h_j)(1-h_j) \ ...(4)\)
\(= 0.84 * (0.57 - 0) = 0.479\)
\(=o_j (1-o_j).....(1)\)
\(=-o_j o_i .........(2)\)
Update = \(0.4 - (-0.478 * 0.1 = 0.447\)
"""


def chains(text: str, inline: bool = False) -> list[ChainSource]:
    return [item for item in parse_note(text, inline=inline).items if isinstance(item, ChainSource)]


def problems(text: str) -> list[NotesError]:
    return [item.error for item in parse_note(text).items if isinstance(item, Problem)]


def only_chain(text: str, inline: bool = False) -> ChainSource:
    found = chains(text, inline)
    assert len(found) == 1, found
    return found[0]


def texts(chain: ChainSource) -> list[str]:
    return [term.text for term in chain.terms]


def at(span: Span) -> tuple[int, int]:
    return span.line, span.column


# --- the SPEC example and the seed ------------------------------------------------------------

def test_spec_example_gives_context_then_labelled_claim():
    note = parse_note(SPEC_EXAMPLE, "x.md")
    context, claim = note.items
    assert isinstance(context, ContextSource)
    assert context.span == Span("x.md", 4, 1)
    assert context.end_line == 13
    assert context.data == {
        "indices": {"i": "I", "j": "J", "k": "K"},
        "define": context.data["define"],
        "loss": "L", "assume": ["one-hot t"], "expect": {},
    }
    assert [text for text, _ in context.defines] == [
        r"z_j = \sum_i w_{ij} x_i + b_j", r"h_j = \tanh(z_j)", r"a_k = \sum_j w_{jk} h_j + b_k",
        r"o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}", r"L = \frac{1}{2} \sum_k (t_k - o_k)^2"]
    assert [at(span) for _, span in context.defines] == [(6, 3), (7, 3), (8, 3), (9, 3), (10, 3)]
    assert isinstance(claim, ChainSource)
    assert texts(claim) == [r"\nabla w_{jk}", "h_j (o_k - t_k)"]
    assert claim.label == "1"
    assert claim.display and not claim.continues
    assert at(claim.span) == (15, 3)
    assert claim.source == r"\nabla w_{jk} = h_j (o_k - t_k) \tag{1}"
    assert claim.end_line == 15


def test_seed_inline_forms():
    found = chains(SEED_LINES, inline=True)
    assert [(texts(c), c.label, c.continues) for c in found] == [
        ([r"\nabla {w_{jk}}", "h_j(o_k - t_k)"], "1", False),
        ([r"\delta_k", "(o_k - t_k)"], None, False),
        ([r"\nabla {b_j}", r"\sum\limits_k \delta_k \ w_{jk} (1+h_j)(1-h_j)"], "3", False),
        ([r"\nabla {w_{ij}}", r"x_i \sum \limits _k \delta_k w_{jk} (1+h_j)(1-h_j)"], "4", False),
        (["0.84 * (0.57 - 0)", "0.479"], None, True),
        (["o_j (1-o_j)"], "1", True),
        (["-o_j o_i"], "2", True),
        # The seed forgot a ')': unpaired brackets must not hide the claim's '='.
        (["0.4 - (-0.478 * 0.1", "0.447"], None, False),
    ]
    assert all(not c.display for c in found)
    assert at(found[1].terms[0].span) == (2, 21)


@pytest.mark.skipif(not os.path.exists(SEED), reason="the seed note lives in the shared folder")
def test_seed_file_reads_without_problems():
    note = read_note(SEED, inline=True)
    assert not [item for item in note.items if isinstance(item, Problem)]
    labelled = [c for c in note.items if c.label]
    assert [c.label for c in labelled] == ["1", "2", "3", "4", "1", "1", "4", "1", "2"]


# --- math blocks -------------------------------------------------------------------------------

@pytest.mark.parametrize("block", [
    "$$a = b$$",
    "$$\na = b\n$$",
    "\\[ a = b \\]",
    "\\begin{equation} a = b \\end{equation}",
    "\\begin{equation*} a = b \\end{equation*}",
    "\\begin{multline} a = b \\end{multline}",
    "\\begin{align} a &= b \\end{align}",
    "\\begin{align*} a &= b \\end{align*}",
    "\\begin{gather} a = b \\end{gather}",
    "\\begin{gather*} a = b \\end{gather*}",
    "$$\\begin{aligned} a &= b \\end{aligned}$$",
    "$$\\begin{split} a &= b \\end{split}$$",
    "\\begin{alignat}{2} a &= b \\end{alignat}",
])
def test_display_forms(block):
    chain = only_chain(f"Some text.\n\n{block}\n\nMore text.\n")
    assert texts(chain) == ["a", "b"]
    assert chain.display


def test_align_continuation_lines_and_new_chains():
    text = (
        "\\begin{align}\n"
        "\\frac{\\partial L}{\\partial a_i} &= \\sum_k \\frac{\\partial L}{\\partial o_k} o_k \\\\\n"
        "  &\\quad + 0 \\\\\n"
        "  &= \\sum_{k=1}^{K} (o_k - t_k) o_k ([k=i] - o_i) \\tag{5} \\\\\n"
        "\\delta_k &= o_k - t_k \\\\\n"
        "\\end{align}\n"
    )
    first, second = chains(text)
    assert texts(first) == [
        "\\frac{\\partial L}{\\partial a_i}",
        "\\sum_k \\frac{\\partial L}{\\partial o_k} o_k   \n   \\quad + 0",
        "\\sum_{k=1}^{K} (o_k - t_k) o_k ([k=i] - o_i)"]
    assert first.label == "5" and second.label is None
    assert texts(second) == ["\\delta_k", "o_k - t_k"]
    assert [at(t.span) for t in first.terms] == [(2, 1), (2, 36), (4, 6)]
    assert at(second.span) == (5, 1)
    assert first.end_line == second.end_line == 6


def test_dollar_block_is_one_chain_across_line_breaks():
    chain = only_chain("$$ a = b \\\\ = c \\\\ + d = e $$")
    assert [" ".join(text.split()) for text in texts(chain)] == ["a", "b", "c + d", "e"]


def test_block_starting_with_equals_continues():
    chain = only_chain("$$\n  = o_j (1 - o_j)\n$$")
    assert chain.continues
    assert texts(chain) == ["o_j (1 - o_j)"]
    assert at(chain.span) == (2, 5)
    chain = only_chain("\\begin{align} &= a \\\\ &= b \\end{align}")
    assert chain.continues and texts(chain) == ["a", "b"]


def test_expression_without_equals_is_kept_as_one_term():
    chain = only_chain("$$ \\sum_k o_k $$")
    assert texts(chain) == ["\\sum_k o_k"]


@pytest.mark.parametrize("math, expected", [
    (r"L = \sum_{k=1}^{K} t_k", [r"L", r"\sum_{k=1}^{K} t_k"]),
    (r"d = [k=i] - o_i", ["d", "[k=i] - o_i"]),
    (r"c = (i = j) + 1", ["c", "(i = j) + 1"]),
    (r"a \neq b", [r"a \neq b"]),
    (r"a \leq b \geq c", [r"a \leq b \geq c"]),
    (r"a == b", ["a == b"]),
    (r"a <= b", ["a <= b"]),
    (r"x = \frac{a=b}{c}", ["x", r"\frac{a=b}{c}"]),
    (r"x = \left( a = b \right)", ["x", r"\left( a = b \right)"]),
    (r"f = \begin{pmatrix} a & i = j \\ b & i \neq j \end{pmatrix}",
     ["f", r"\begin{pmatrix} a & i = j \\ b & i \neq j \end{pmatrix}"]),
])
def test_only_top_level_equals_split(math, expected):
    assert texts(only_chain(f"$${math}$$")) == expected


def test_markup_is_removed_but_matrices_keep_theirs():
    chain = only_chain("$$a &= \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix} \\label{eq} \\nonumber$$")
    assert texts(chain) == ["a", "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}"]


# --- labels and conditions ---------------------------------------------------------------------

@pytest.mark.parametrize("math, label", [
    (r"a = b \tag{1}", "1"),
    (r"a \tag{2a} = b", "2a"),
    (r"a = b \tag*{A}", "A"),
    (r"a = b \ (1)", "1"),
    (r"a = b \quad (1)", "1"),
    (r"a = b \qquad(1)", "1"),
    (r"a = b ......(1)", "1"),
    (r"a = b \ ......(1)", "1"),
    (r"a = b \ ... ... (3)", "3"),
    (r"a = b \ ...(4)", "4"),
    (r"a = b \quad (4')", "4'"),
    (r"a = b \quad (2.1)", "2.1"),
    (r"a = b \quad (1*)", "1*"),
    (r"a = b \cdots (7)", "7"),
])
def test_labels_and_their_leaders(math, label):
    chain = only_chain(f"$${math}$$")
    assert chain.label == label
    assert texts(chain) == ["a", "b"]


@pytest.mark.parametrize("math", [r"a = f (1)", r"a = g(x)"])
def test_parentheses_without_a_leader_are_not_labels(math):
    chain = only_chain(f"$${math}$$")
    assert chain.label is None
    assert texts(chain)[-1] == math.split("= ")[1]


@pytest.mark.parametrize("math, condition", [
    (r"a = b \quad (i = j)", "i = j"),
    (r"a = b \quad (i \neq j)", r"i \neq j"),
    (r"a = b \quad (i \ne j)", r"i \neq j"),
    (r"a = b, \quad i \neq j", r"i \neq j"),
    (r"a = b \text{for } i \neq j", r"i \neq j"),
    (r"a = b \text{if } i = j", "i = j"),
    (r"a = b \text{when } i = j", "i = j"),
    (r"a = b \quad \text{for } i = j", "i = j"),
    (r"a = b, \quad \text{if}\ i=j", "i = j"),
    (r"a = b \quad (i \neq j, j = k)", r"i \neq j, j = k"),
    (r"a = b \quad \text{for } i \neq j \text{ and } j = k", r"i \neq j, j = k"),
    (r"a = b \quad (k' \not= k)", r"k' \neq k"),
    (r"a = b \quad (i = j) \quad (2)", "i = j"),
    (r"a = b \quad (i = j).", "i = j"),
])
def test_condition_forms(math, condition):
    chain = only_chain(f"$${math}$$")
    assert chain.condition == condition
    assert texts(chain) == ["a", "b"]


def test_condition_span_and_label_together():
    chain = only_chain("\n$$\\frac{d o_j}{d a_i} = -o_j o_i \\quad \\text{for } i \\neq j \\tag{2}$$")
    assert at(chain.condition_span) == (2, 52)
    assert chain.label == "2"
    assert texts(chain) == ["\\frac{d o_j}{d a_i}", "-o_j o_i"]


def test_equation_of_index_letters_is_not_a_condition():
    assert texts(only_chain("$$i = j$$")) == ["i", "j"]
    assert only_chain("$$i = j$$").condition is None


@pytest.mark.parametrize("ending", [".", ",", ";", r"\,", r"\;", r"\ ", r"\quad", r"\qquad", r". \quad"])
def test_trailing_punctuation_and_spacing_are_stripped(ending):
    assert texts(only_chain(f"$$a = b {ending}$$")) == ["a", "b"]


def test_dot_of_right_delimiter_is_kept():
    assert texts(only_chain(r"$$a = \left( b \right.$$"))[-1] == r"\left( b \right."


# --- expected verdicts -------------------------------------------------------------------------

def test_expect_comment_sets_the_expected_verdict_and_is_removed():
    chain = only_chain("$$\na = b % expect: refuted\n$$")
    assert chain.expect is Verdict.REFUTED
    assert texts(chain) == ["a", "b"]
    assert "expect" in chain.source


def test_expect_comment_belongs_to_its_line_in_align():
    text = ("\\begin{align}\n"
            "a &= b \\\\ % expect: refuted\n"
            "c &= d \\\\\n"
            "% expect: undecided\n"
            "e &= f\n"
            "\\end{align}")
    assert [c.expect for c in chains(text)] == [Verdict.REFUTED, None, Verdict.UNDECIDED]


def test_escaped_percent_is_not_a_comment():
    assert texts(only_chain(r"$$a = 50\% b$$")) == ["a", r"50\% b"]


def test_bad_expect_comment_is_a_problem_at_the_comment():
    note = parse_note("$$\na = b  % expect: wrongish\n$$", "x.md")
    chain, problem = note.items
    assert problem.error.span == Span("x.md", 2, 18)
    assert "wrongish" in problem.error.message
    assert "refuted" in problem.error.hint
    assert chain.expect is None


# --- spans -------------------------------------------------------------------------------------

def test_exact_spans_in_a_multi_line_block():
    text = ("Intro line\n"
            "$$\n"
            "  \\nabla w_{jk}\n"
            "    = h_j (o_k\n"
            "\t- t_k) % a comment\n"
            "  = \\sum_{k=1}^K x\n"
            "$$\n")
    chain = only_chain(text)
    assert [(t.text, at(t.span)) for t in chain.terms] == [
        ("\\nabla w_{jk}", (3, 3)),
        ("h_j (o_k\n\t- t_k)", (4, 7)),
        ("\\sum_{k=1}^K x", (6, 5)),
    ]
    assert chain.end_line == 7


def test_every_term_character_is_where_its_span_says():
    text = (SPEC_EXAMPLE + "\n\\begin{align}\nx_{ij} &= \\sum_k y \\\\\n  &= z \\quad (i = j)\n\\end{align}\n"
            + SEED_LINES)
    lines = text.split("\n")
    found = chains(text, inline=True)
    assert len(found) >= 10
    for chain in found:
        for term in chain.terms:
            for k, char in enumerate(term.text):
                if not char.isspace():
                    where = term.span.shifted(term.text[:k])
                    assert lines[where.line - 1][where.column - 1] == char


def test_crlf_line_endings_keep_positions():
    chain = only_chain("x\r\n$$\r\na = b \\quad (1)\r\n$$\r\n")
    assert texts(chain) == ["a", "b"] and chain.label == "1"
    assert at(chain.terms[1].span) == (3, 5)


# --- derivation blocks -------------------------------------------------------------------------

def block(yaml_text: str) -> str:
    return f"Title\n\n```derivation\n{yaml_text}```\n"


def test_context_normalises_values():
    note = parse_note(block("define:\n  - 'a = b'\n  - c = d\nassume: one-hot t\n"
                            "expect: {\"1\": Refuted, 2: verified}\ninput: x\ntarget: t\nloss: E\n"))
    (context,) = note.items
    assert context.data["assume"] == ["one-hot t"]
    assert context.data["expect"] == {"1": Verdict.REFUTED, "2": Verdict.VERIFIED}
    assert context.data["loss"] == "E" and context.data["input"] == "x"
    assert [(text, at(span)) for text, span in context.defines] == [("a = b", (5, 6)), ("c = d", (6, 5))]


def test_tilde_fence_and_longer_backtick_fence():
    note = parse_note("~~~derivation\nloss: L\n~~~\n````derivation\nloss: E\n````\n")
    assert [item.data["loss"] for item in note.items] == ["L", "E"]


def test_invalid_yaml_is_reported_at_its_line():
    (error,) = problems(block("indices: {i: I, j: J}\ndefine: |\n  a = b\nloss: [L\n"))
    assert error.span.line == 8
    assert "invalid YAML" in error.message
    assert error.hint


@pytest.mark.parametrize("yaml_text, line, column, words", [
    ("loss: L\nbogus: 1\n", 5, 1, "unknown key 'bogus'"),
    ("indices: {i: I, jj: J}\n", 4, 17, "'jj' is not one ASCII letter"),
    ("indices: {i: 3}\n", 4, 14, "size of index i"),
    ("indices: [i, j]\n", 4, 10, "indices must map"),
    ("loss: [L]\n", 4, 7, "loss must be a non-empty string"),
    ("assume: {a: b}\n", 4, 9, "assume must be"),
    ("define: 3\n", 4, 9, "define must be text"),
    ("expect: {\"1\": refutd}\n", 4, 15, "'refutd' for claim '1' is not a verdict"),
    ("expect: refuted\n", 4, 9, "expect must map"),
    ("loss: L\nloss: E\n", 5, 1, "appears twice"),
    ("- a\n", 4, 1, "not a YAML mapping"),
    ("", 4, 1, "is empty"),
])
def test_bad_context_is_a_problem_with_its_position(yaml_text, line, column, words):
    note = parse_note(block(yaml_text), "x.md")
    assert not any(isinstance(item, ContextSource) for item in note.items)
    error = note.items[0].error
    assert words in error.message
    assert (error.span.line, error.span.column) == (line, column)
    assert error.hint


def test_unknown_key_hint_lists_the_keys():
    (error,) = problems(block("bogus: 1\n"))
    assert all(key in error.hint for key in notes.CONTEXT_KEYS)


def test_unclosed_derivation_block_is_a_problem():
    (error,) = problems("text\n```derivation\nloss: L\n")
    assert error.span.line == 2 and "not closed" in error.message


# --- what is not math --------------------------------------------------------------------------

def test_other_fenced_code_and_code_spans_are_ignored():
    text = ("```python\n$$a = b$$\n```\n"
            "~~~\n\\begin{align} c &= d \\end{align}\n~~~\n"
            "Use `$$e = f$$` or ``$$g = h$$`` in code.\n"
            "$$x = y$$\n")
    assert [texts(c) for c in chains(text, inline=True)] == [["x", "y"]]


def test_escaped_dollar_is_not_math():
    assert [texts(c) for c in chains(r"It costs \$5 = \$5 and $$a = b$$", inline=True)] == [["a", "b"]]


def test_inline_math_is_read_only_when_asked():
    text = "We have $a = b$ and \\(c\n= d\\) and $$e = f$$.\n"
    assert [texts(c) for c in chains(text)] == [["e", "f"]]
    found = chains(text, inline=True)
    assert [(texts(c), c.display) for c in found] == [(["a", "b"], False), (["c", "d"], False), (["e", "f"], True)]
    assert at(found[1].terms[1].span) == (2, 3)


def test_inline_dollars_do_not_span_lines_or_start_with_space():
    assert chains("a $x\n= y$ b", inline=True) == []
    assert chains("costs $ 5 = 5 $ here", inline=True) == []
    assert chains("costs $5 and $10", inline=True) == []
    assert [texts(c) for c in chains("costs $5, see $$a = b$$ and $c = d$", inline=True)] == [
        ["a", "b"], ["c", "d"]]


def test_unclosed_math_is_plain_text():
    assert chains("$$ a = b\n\nno end", inline=True) == []
    assert chains("\\( a = b\n\n\\)", inline=True) == []


# --- reading files -----------------------------------------------------------------------------

def test_read_note_reads_a_file(tmp_path):
    path = tmp_path / "n.md"
    path.write_text("\ufeff$$a = b$$\n", encoding="utf-8")
    note = read_note(path)
    assert note.path == str(path)
    assert at(note.items[0].span) == (1, 3)


def test_empty_file_gives_no_items(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    assert read_note(path).items == []


def test_non_utf8_bytes_name_line_and_column(tmp_path):
    path = tmp_path / "bad.md"
    path.write_bytes(b"line one\nab\xc3\xa9c\xff rest\n")
    with pytest.raises(NotesError) as caught:
        read_note(path)
    assert caught.value.span == Span(str(path), 2, 5)
    assert "line 2, column 5" in caught.value.message
    assert caught.value.hint == "save the file as UTF-8"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(NotesError, match="no such file"):
        read_note(tmp_path / "missing.md")
    with pytest.raises(NotesError, match="directory"):
        read_note(tmp_path)


def test_too_large_file(tmp_path, monkeypatch):
    assert notes.MAX_BYTES == 8 * 1024 * 1024
    monkeypatch.setattr(notes, "MAX_BYTES", 100)
    path = tmp_path / "big.md"
    path.write_text("x" * 101)
    with pytest.raises(NotesError, match="larger than"):
        read_note(path)


@pytest.mark.parametrize("inline", [False, True])
def test_a_one_megabyte_file_is_read_in_linear_time(inline):
    """Ten times the text takes about ten times as long (a quadratic reader would take a
    hundred); compared in the same moment, so a busy machine does not change the ratio."""
    prose = "反向传播的推导 - backpropagation, step by step, with `code` and \\$ signs.\n" * 60
    chapter = prose + SEED_LINES + "\n$$\\nabla w_{jk} = h_j (o_k - t_k) \\tag{1}$$\n\n```python\nx = 1\n```\n"
    small, big = SPEC_EXAMPLE + chapter * 19, SPEC_EXAMPLE + chapter * 190
    assert len(big.encode()) > 1_000_000

    def seconds(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            parse_note(text, inline=inline)
            best = min(best, time.process_time() - started)
        return best

    assert seconds(big) < 25 * seconds(small) and seconds(big) < 10
    note = parse_note(big, inline=inline)
    assert sum(isinstance(item, ChainSource) and item.label == "1" and item.display for item in note.items) == 191


@pytest.mark.parametrize("text", [
    "$" * 200_000, "`" * 100_001 + "x", "\\(" * 100_000, "$$" + "(" * 200_000 + "= a$$",
    "$$a = b" + "." * 200_000 + "(1)$$", "```\n" * 50_000, "$5 " * 100_000,
])
def test_adversarial_inputs_stay_linear(text):
    started = time.process_time()
    parse_note(text, inline=True)
    assert time.process_time() - started < 5.0  # a quadratic scan of these takes minutes


PIECES = list("$\\`{}()[]=&%~\n .,;:'iqjkab12_^") + [
    "$$", "\\[", "\\]", "\\(", "\\)", "```derivation\n", "```\n", "\\begin{align}", "\\end{align}",
    "\\tag{1}", "\\quad", "\\text{for }", "\\neq", "% expect: refuted", "indices: {i: I}\n", "\\\\"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_any_text_gives_a_note(text):
    note = parse_note(text, inline=True)
    assert all(isinstance(item, (ContextSource, ChainSource, Problem)) for item in note.items)
    for item in note.items:
        if isinstance(item, ChainSource):
            assert all(term.text and term.text == term.text.strip() for term in item.terms)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_unicode_text_gives_a_note(text):
    assert isinstance(parse_note(text).items, list)
    assert isinstance(parse_note(text, inline=True).items, list)
