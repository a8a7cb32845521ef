"""Markdown through markdown-it-py: what a reader sees as math is what is checked, at exact places."""

from __future__ import annotations

from symbolic.errors import Span
from symbolic.notes.reader import ChainSource, parse_note

TRAPS = r"""# A note full of traps

```derivation
indices: {k: K}
define: |
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
```

Indented code is code:

    $$\nabla a_k = 0$$

<!-- an old attempt:
$$\nabla a_k = 1$$
-->

The code span `$$\nabla a_k = 2$$` and `$x = 3$` are code, and so is <!-- $$\nabla a_k = 4$$ --> this.
It costs $5 and $10, which is not math.

```math
\nabla a_k = o_k - t_k
```

> A quote: $$\nabla a_k
> = o_k - t_k$$

- a list item with \[ \frac{\partial L}{\partial a_k} = o_k - t_k \]

\begin{align*}
\nabla a_k &= o_k - t_k
\end{align*}

Inline, $\nabla a_k = o_k$ and \(a = b\) only with the option.

```python
x = "$$\nabla a_k = 5$$"
```
"""


def chains(text: str, inline: bool = False) -> list[ChainSource]:
    return [item for item in parse_note(text, "t.md", inline=inline).items if isinstance(item, ChainSource)]


def located(chain: ChainSource) -> list[tuple[str, int, int]]:
    return [(term.text, term.span.line, term.span.column) for term in chain.terms]


def test_a_note_full_of_traps_gives_exactly_the_claims_a_reader_sees():
    found = chains(TRAPS)
    assert [located(c) for c in found] == [
        [(r"\nabla a_k", 22, 1), ("o_k - t_k", 22, 14)],                      # ```math
        [(r"\nabla a_k", 25, 14), ("o_k - t_k", 26, 5)],                      # $$ in a quote
        [(r"\frac{\partial L}{\partial a_k}", 28, 23), ("o_k - t_k", 28, 57)],  # \[ \] in a list
        [(r"\nabla a_k", 31, 1), ("o_k - t_k", 31, 15)],                      # align*
    ]
    assert all(c.display for c in found)


def test_inline_math_of_the_traps_only_with_the_option():
    found = chains(TRAPS, inline=True)
    inline = [located(c) for c in found if not c.display]
    assert inline == [[(r"\nabla a_k", 34, 10), ("o_k", 34, 23)], [("a", 34, 34), ("b", 34, 38)]]


def test_every_term_character_is_where_its_span_says():
    lines = TRAPS.split("\n")
    for chain in chains(TRAPS, inline=True):
        for term in chain.terms:
            for k, char in enumerate(term.text):
                if not char.isspace():
                    where = term.span.shifted(term.text[:k])
                    assert lines[where.line - 1][where.column - 1] == char


def test_math_fence_claim_is_checked_and_refuted():
    from symbolic import check_text
    note = TRAPS.split("Indented")[0] + "```math\n\\nabla a_k = o_k\n```\n"
    (claim,) = check_text(note, "t.md").claims
    assert claim.verdict.value == "refuted" and (claim.line, claim.column) == (11, 1)


def test_dollar_signs_in_code_spans_do_not_open_inline_math():
    assert chains("Write `$` then $a = b$ and `$c = d$`.", inline=True)[0].terms[0].span == Span("t.md", 1, 17)
    assert len(chains("Write `$` then $a = b$ and `$c = d$`.", inline=True)) == 1


def test_derivation_block_in_a_blockquote_keeps_its_positions():
    note = parse_note("> ```derivation\n> indices: {k: K}\n> define: |\n>   L = a_k\n> ```\n", "q.md")
    (context,) = note.items
    assert context.data["indices"] == {"k": "K"}
    assert [(text, span.line, span.column) for text, span in context.defines] == [("L = a_k", 4, 5)]
