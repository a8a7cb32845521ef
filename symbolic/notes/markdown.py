"""Markdown notes through markdown-it-py: derivation blocks and math, never code or comments.

markdown-it-py (CommonMark) with mdit-py-plugins' dollarmath and amsmath finds the
blocks; its line maps, and the positions recorded by the inline rules, give every piece
of math its exact file offsets, which :class:`~.reader.NoteReader` cuts into chains.

Read as math: ```` ```math ```` fences, ``$$…$$`` (a block or inside a paragraph),
``\\[…\\]``, the display environments of :data:`~.math_block.DISPLAY_ENVIRONMENTS`, and,
with ``inline``, ``$…$`` (no space after the opening dollar, no digit right after the
closing one, one line: "$5 and $10" is not math) and ``\\(…\\)``. Never read: fenced and indented code,
code spans, HTML blocks and comments.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .math_block import DISPLAY_ENVIRONMENTS

if TYPE_CHECKING:
    from .document import NoteReader

CLOSING_FENCE = re.compile(r"[ \t>]*(`{3,}|~{3,})[ \t]*")
BEGIN_RE = re.compile(r"\\begin\s*\{([A-Za-z]+\*?)\}(?:\s*\{\d+\})?")
# Inline-rule token types that hold math, with (display, closing delimiter length).
DELIMITED = {"math_inline": 1, "math_inline_double": 2, "math_paren": 2, "math_bracket": 2}


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark").use(dollarmath_plugin, allow_labels=False, allow_space=True,
                                      allow_digits=False, allow_blank_lines=True, double_inline=True)
    md.use(amsmath_plugin)
    # Only what can hide or hold math is parsed inline: emphasis, links and entities are not.
    md.disable(["emphasis", "link", "image", "autolink", "entity", "newline", "linkify",
                "strikethrough", "replacements", "smartquotes", "text_join"], ignoreInvalid=True)
    md.inline.ruler.at("math_inline", _located(_rule_of(md, "math_inline")))
    md.inline.ruler.before("math_inline", "math_delimited", _delimited)
    md.core.ruler.at("inline", _inline_where_math_may_be)
    return md


def _rule_of(md, name: str):
    return next(rule.fn for rule in md.inline.ruler.__rules__ if rule.name == name)


def _located(rule):
    """Wrap an inline rule so the tokens it makes remember where they start and end in the source."""
    def located(state, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if state.src[start + 1:start + 2].isspace():
            return False  # "$ 5": an opening dollar is followed by math, not by a space
        if not rule(state, silent):
            return False
        if state.src[state.pos:state.pos + 1] == "$" and state.src[start + 1:start + 2] != "$":
            # "$5, see $$a$$": a single dollar closed by the first of two was no math.
            state.pos = start
            del state.tokens[count:]
            return False
        if not silent:
            for token in state.tokens[count:]:
                if token.type != "text":
                    token.meta = {**(token.meta or {}), "start": start, "end": state.pos}
        return True
    return located


def _find(state, needle: str, pos: int) -> int:
    """``state.src.find(needle, pos)``, remembering a miss so scanning stays linear."""
    cache = state.env.setdefault("gradproof_misses", {})
    missed = cache.get(needle)
    if missed is not None and missed[0] is state.src and missed[1] <= pos:
        return -1
    found = state.src.find(needle, pos)
    if found < 0:
        cache[needle] = (state.src, pos)
    return found


def _delimited(state, silent: bool) -> bool:
    r"""``\(…\)``, ``\[…\]`` and display environments inside a paragraph (before the escape rule)."""
    src, pos = state.src, state.pos
    if src[pos] != "\\" or pos + 1 >= len(src):
        return False
    kind, closer, inner = None, "", pos + 2
    if src[pos + 1] == "(":
        kind, closer = "math_paren", "\\)"
    elif src[pos + 1] == "[":
        kind, closer = "math_bracket", "\\]"
    elif (begin := BEGIN_RE.match(src, pos)) and begin.group(1) in DISPLAY_ENVIRONMENTS:
        kind, closer, inner = "math_environment", f"\\end{{{begin.group(1)}}}", begin.end()
    if kind is None:
        return False
    close = _find(state, closer, inner)
    if close < 0:
        return False
    if not silent:
        token = state.push(kind, "math", 0)
        token.content = src[inner:close]
        token.markup = closer
        token.meta = {"start": pos, "inner": inner, "end": close + len(closer),
                      "environment": begin.group(1) if kind == "math_environment" else None}
    state.pos = close + len(closer)
    return True


def _inline_where_math_may_be(state) -> None:
    """The core inline rule, skipping the paragraphs that hold no '$' and no backslash."""
    for token in state.tokens:
        if token.type == "inline" and ("$" in token.content or "\\" in token.content):
            token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def read_markdown(reader: NoteReader) -> None:
    """Find the derivation blocks and math of ``reader.text`` and hand them to ``reader``."""
    quotes = 0
    for token in _parser().parse(reader.text):
        kind = token.type
        if kind == "blockquote_open":
            quotes += 1
        elif kind == "blockquote_close":
            quotes -= 1
        elif kind == "fence":
            _fence(reader, token, quotes)
        elif kind == "math_block":
            _dollar_block(reader, token, quotes)
        elif kind == "amsmath":
            _environment_block(reader, token, quotes)
        elif kind == "inline" and token.children:
            _inline(reader, token, quotes)
        elif kind in ("code_block", "html_block") and token.map:
            reader.skip(reader.line_offset(token.map[1]))


def _fence(reader: NoteReader, token, quotes: int) -> None:
    first, last = token.map[0], token.map[1] - 1
    opener = max(reader.text.find(token.markup, reader.line_offset(first), reader.line_end(first)),
                 reader.line_offset(first))
    closing = CLOSING_FENCE.fullmatch(reader.text, reader.line_offset(last), reader.line_end(last))
    closed = (last > first and closing is not None and closing.group(1)[0] == token.markup[0]
              and len(closing.group(1)) >= len(token.markup))
    start = reader.line_offset(first + 1)
    end = reader.line_offset(last) if closed else None
    word = token.info.split()[:1]
    if word == ["derivation"]:
        body = reader.text[start:end] if end is not None else None
        if body is not None and quotes:
            body = _unquote(body)
        reader.context(opener, start, end, body)
    elif word == ["math"] and closed:
        reader.math(opener, start, end, reader.line_end(last), True, False, quotes)
    else:
        reader.skip(reader.line_end(last))


def _unquote(text: str) -> str:
    from .document import QUOTE_MARKERS
    return QUOTE_MARKERS.sub(lambda m: " " * len(m.group()), text)


def _dollar_block(reader: NoteReader, token, quotes: int) -> None:
    first, last = token.map[0], token.map[1] - 1
    opener = reader.text.find("$$", reader.line_offset(first), reader.line_end(first))
    close = reader.text.rfind("$$", opener + 2, reader.line_end(last))
    if opener < 0 or close < 0:
        return
    reader.math(opener, opener + 2, close, close + 2, True, False, quotes)


def _environment_block(reader: NoteReader, token, quotes: int) -> None:
    first, last = token.map[0], token.map[1]
    begin = BEGIN_RE.search(reader.text, reader.line_offset(first), reader.line_end(first))
    if begin is None:
        return
    name = begin.group(1)
    close = reader.text.rfind(f"\\end{{{name}}}", begin.end(), reader.line_end(last))
    if name not in DISPLAY_ENVIRONMENTS or close < 0:
        reader.skip(reader.line_end(last))
        return
    reader.math(begin.start(), begin.end(), close, close + len(name) + 6, True, DISPLAY_ENVIRONMENTS[name],
                quotes)


def _inline(reader: NoteReader, token, quotes: int) -> None:
    """The math inside one paragraph or heading, mapped from its inline text back to the file."""
    to_file = _OffsetMap(reader, token)
    for child in token.children:
        meta = child.meta or {}
        if "start" not in meta or child.type not in (*DELIMITED, "math_environment"):
            continue
        start, end = meta["start"], meta["end"]
        if child.type == "math_environment":
            name = meta["environment"]
            reader.math(to_file(start), to_file(meta["inner"]), to_file(end - len(child.markup)),
                        to_file(end), True, DISPLAY_ENVIRONMENTS[name], quotes)
            continue
        width = DELIMITED[child.type]
        if child.type == "math_inline" and "\n" in child.content:
            continue  # inline dollars stay on one line
        display = child.type in ("math_inline_double", "math_bracket")
        reader.math(to_file(start), to_file(start + width), to_file(end - width), to_file(end),
                    display, False, quotes)


class _OffsetMap:
    """From an offset in an inline token's text (container markup and indentation stripped) to the file.

    Each line of the inline text is the end of its source line (or of that line without
    its trailing spaces, or a heading's line without its closing '#'s).
    """

    def __init__(self, reader: NoteReader, token):
        self.starts: list[int] = []
        self.bases: list[int] = []
        at, first = 0, token.map[0]
        for number, line in enumerate(token.content.split("\n")):
            row = first + number
            source = reader.text[reader.line_offset(row):reader.line_end(row)]
            if source.endswith(line):
                column = len(source) - len(line)
            elif source.rstrip().endswith(line):
                column = len(source.rstrip()) - len(line)
            else:
                column = max(source.find(line), 0)
            self.starts.append(at)
            self.bases.append(reader.line_offset(row) + column)
            at += len(line) + 1

    def __call__(self, offset: int) -> int:
        row = bisect.bisect_right(self.starts, offset) - 1
        return self.bases[row] + offset - self.starts[row]
