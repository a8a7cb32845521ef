"""The YAML of a ```derivation block, validated key by key.

Every problem is kept with its position in the file, so a block with several
mistakes reports them all; each is a :class:`~symbolic.errors.YamlError`.
Definitions are read from their own source lines
(``define: |``) or from the lines of the strings of a list, each with the file
position of its first character; ``%`` comments are dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace

import yaml

from ..errors import Span, YamlError
from ..verdicts import Verdict

CONTEXT_KEYS = ("indices", "define", "loss", "assume", "expect", "input", "target", "notation",
                "layers", "shorthand", "names", "gradients", "examples", "summation", "outside", "shapes", "layout",
                "star", "cost", "prime", "fixed", "origin", "matrices", "copies")
LETTER_RE = re.compile(r"[A-Za-z]")
SIZE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\s*[+-]\s*(?:[A-Za-z_][A-Za-z0-9_]*|\d+))*")  # I - M + 1
COMMENT_RE = re.compile(r"(?<!\\)%.*")
# libyaml is ten times faster than pure-Python YAML; both give the same nodes and marks.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_HINT = "check indentation and quoting; write LaTeX in a block string (define: |) or single quotes"
KEYS_HINT = f"use the keys {', '.join(CONTEXT_KEYS)}"
INDICES_HINT = "write indices: {i: I, j: J}, one ASCII letter mapped to a size name"
DEFINE_HINT = "write define: | followed by one definition per line, or a list of strings"
YAML_LINE_BREAKS = re.compile("[\x85\u2028\u2029]|\r(?!\n)")
VERDICT_HINT = "use one of: " + ", ".join(verdict.value for verdict in Verdict)


def one_line(text: str | None) -> str:
    """A message with its line breaks and runs of spaces folded to single spaces."""
    return " ".join(str(text or "").split())


class _Mark:
    """A YAML-style mark (0-based line and column) at an offset of ``text``."""

    def __init__(self, text: str, index: int):
        self.index = index
        self.line = text.count("\n", 0, index)
        self.column = index - (text.rfind("\n", 0, index) + 1)


class _Located(dict):
    """A mapping that keeps the file position of each key (``spans``)."""

    def __init__(self):
        super().__init__()
        self.spans: dict = {}


class DerivationBlock:
    """The YAML of one derivation block, validated key by key."""

    def __init__(self, body: str, origin: Span):
        self.body, self.origin, self.lines = body, origin, body.split("\n")
        self.problems: list[tuple[int, YamlError]] = []
        self.data: dict = {}
        self.defines: list[tuple[str, Span]] = []

    def _fail(self, mark, message: str, hint: str) -> None:
        span = replace(self.origin, line=self.origin.line + mark.line, column=mark.column + 1) if mark else self.origin
        self.problems.append((mark.index if mark else 0, YamlError(message, span, hint)))

    def read(self) -> None:
        """Validate the block: fill ``data`` and ``defines``, or add to ``problems``."""
        # YAML also breaks lines at U+0085, U+2028 and U+2029 (and a lone CR); read them as spaces
        # so every mark stays on the file's own line. Definitions are read from the file's lines.
        body = YAML_LINE_BREAKS.sub(" ", self.body)
        try:
            if alias := next((event for event in yaml.parse(body, Loader=YAML_LOADER)
                              if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)), None):
                what = f"alias *{alias.anchor}" if isinstance(alias, yaml.AliasEvent) else f"anchor &{alias.anchor}"
                self._fail(alias.start_mark, f"YAML anchors and aliases are not allowed in a derivation "
                           f"block ({what})", "write each value out in full")
                return
            loader = YAML_LOADER(body)
            try:
                node = loader.get_single_node()
                data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as error:
            # "could not find expected ':'" is found a line late: the key it means starts the context.
            simple_key = error.context_mark is not None and "simple key" in str(error.context)
            self._fail(error.context_mark if simple_key else error.problem_mark or error.context_mark,
                       f"invalid YAML in derivation block: {one_line(error.problem or error.context)}", YAML_HINT)
            return
        except yaml.reader.ReaderError as error:
            self._fail(_Mark(body, error.position), "invalid YAML in derivation block: character "
                       f"U+{ord(error.character) if isinstance(error.character, str) else error.character:04X} "
                       "is not allowed", "remove the control character")
            return
        except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
            self._fail(None, f"invalid YAML in derivation block: {one_line(str(error))}", YAML_HINT)
            return
        if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
            what = "is empty" if node is None else "is not a YAML mapping"
            self._fail(node and node.start_mark, f"the derivation block {what}", KEYS_HINT)
            return
        for key_node, value_node in node.value:
            key, mark = getattr(key_node, "value", None), key_node.start_mark
            if not isinstance(key, str) or key not in CONTEXT_KEYS:
                self._fail(mark, f"unknown key {key!r} in derivation block", KEYS_HINT)
            elif key in self.data:
                self._fail(mark, f"key {key!r} appears twice", "keep one of them")
            else:
                check = getattr(self, "_" + key, None) or self._string
                self.data[key] = check(key, data.get(key), value_node)
        self.data.setdefault("loss", "L")
        self.data.setdefault("assume", [])
        self.data.setdefault("expect", {})

    def _shorthand(self, key: str, value, node):
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]+|\\delta|\\Delta", value.strip()):
            self._fail(node.start_mark, "shorthand must be the letters (or \\delta, \\Delta) "
                       "written before a name for the loss's gradient by it",
                       "write shorthand: d (dy_i for the gradient by y_i)")
            return value
        return value.strip()

    def _cost(self, key: str, value, node):
        return value  # cost: {J: m}, read by symbolic.model.matrix_settings.read_cost

    def _fixed(self, key: str, value, node):
        return value  # fixed: {o: V}, read by symbolic.model.fixed_indices

    def _outside(self, key: str, value, node):
        return value  # outside: {x: 0, h: initial}, read by symbolic.model.offsets.read_outside

    def _origin(self, key: str, value, node):
        return value  # origin: 0 (indices count from 0), read by symbolic.model.offsets.read_origin

    def _layers(self, key: str, value, node):
        return value  # layers: {l: L}, read by symbolic.model.superscripts.layers_from_block

    def _matrices(self, key: str, value, node):
        """``matrices: {W_1: 'w_{ij}'}``, read by symbolic.model.matrix_names; names keep their positions."""
        if not isinstance(node, yaml.MappingNode) or not isinstance(value, dict):
            self._fail(node.start_mark, "matrices must map new names to arrays of the model",
                       "write matrices: {W_1: 'w_{ij}', W_2: 'w_{jk}'}")
            return None
        table = _Located()
        for name_node, array_node in node.value:
            name = str(name_node.value)
            if name in table:
                self._fail(name_node.start_mark, f"matrices: the name {name} is given twice",
                           "give each array one name")
            elif not isinstance(array_node, yaml.ScalarNode) or not str(array_node.value).strip():
                self._fail(array_node.start_mark, f"matrices: {name} must name one array, such as w_{{ij}}",
                           "write matrices: {W_1: 'w_{ij}'}")
            else:
                table[name] = str(array_node.value).strip()
                mark = name_node.start_mark
                table.spans[name] = replace(self.origin, line=self.origin.line + mark.line,
                                            column=mark.column + 1)
        return table

    def _shapes(self, key: str, value, node):
        return value  # shapes: {W: J×I, x: I}, read by symbolic.model.shapes

    def _names(self, key: str, value, node):
        return value  # names: [E_n] and gradients: {\delta: a}, read by symbolic.model.scalar_names
    _gradients = _names  # and symbolic.model.gradient_names
    _examples = _names  # examples: {x: n}, read by symbolic.model.example_sums
    _copies = _names  # copies: [W_f], read by symbolic.model.step_copies

    def _string(self, key: str, value, node):
        if not isinstance(value, str) or not value.strip():
            self._fail(node.start_mark, f"{key} must be a non-empty string", f"write {key}: followed by text")
        return value.strip() if isinstance(value, str) else value

    def _indices(self, key: str, value, node):
        if not isinstance(node, yaml.MappingNode):
            self._fail(node.start_mark, "indices must map index letters to size names", INDICES_HINT)
            return value
        indices = {}
        for letter, size in node.value:
            name = getattr(letter, "value", None)
            if not isinstance(name, str) or not LETTER_RE.fullmatch(name):
                self._fail(letter.start_mark, f"index {name!r} is not one ASCII letter", INDICES_HINT)
            elif not isinstance(size, yaml.ScalarNode) or not SIZE_RE.fullmatch(size.value):
                self._fail(size.start_mark, f"the size of index {name} is not a name", INDICES_HINT)
            elif name in indices:
                self._fail(letter.start_mark, f"index {name} is declared twice", INDICES_HINT)
            else:
                indices[name] = size.value
        return indices

    def _define(self, key: str, value, node):
        for item in node.value if isinstance(node, yaml.SequenceNode) else [node]:
            if not (isinstance(item, yaml.ScalarNode) and item.tag == "tag:yaml.org,2002:str"):
                self._fail(item.start_mark, "define must be text, one definition per line", DEFINE_HINT)
            elif item.style in ("|", ">"):
                # A block string: each definition is read from its own source line.
                last = item.end_mark.line + (1 if item.end_mark.column else 0)
                for number in range(item.start_mark.line + 1, min(last, len(self.lines))):
                    self._add_define(self.lines[number], number, 0)
            else:
                self._add_flow_define(item)
        return value

    def _add_flow_define(self, item) -> None:
        """A quoted or plain string: each line of its value is a definition, at its own source line.

        YAML folds the source lines of such a string into one and turns each run of blank
        lines into a line break, so the lines of the value are the runs of non-blank source
        lines, in order.
        """
        quote = 1 if item.style in ("'", '"') else 0
        first, column = item.start_mark.line, item.start_mark.column + quote
        source = self.body[item.start_mark.index + quote:item.end_mark.index - quote].split("\n")
        starts = [(first + n, (column if n == 0 else 0) + len(line) - len(line.lstrip()))
                  for n, line in enumerate(source) if line.strip() and (n == 0 or not source[n - 1].strip())]
        lines = [line.strip() for line in item.value.split("\n") if line.strip()]
        if len(starts) != len(lines):  # a "\n" escape breaks a line without a source line of its own
            starts = [(first, column)] * len(lines)
        for line, (number, at) in zip(lines, starts):
            self._add_define(line, number, at)

    def _add_define(self, line: str, number: int, column: int) -> None:
        code = COMMENT_RE.sub("", line)
        if code.strip():
            column += len(code) - len(code.lstrip())
            self.defines.append((code.strip(), replace(self.origin, line=self.origin.line + number, column=column + 1)))

    def _assume(self, key: str, value, node):
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) and item.strip() for item in items):
            self._fail(node.start_mark, "assume must be a string or a list of strings",
                       "write assume: [one-hot t] or assume: \\sum_k t_k = 1")
        return [item.strip() for item in items if isinstance(item, str)]

    def _expect(self, key: str, value, node):
        if not isinstance(node, yaml.MappingNode):
            self._fail(node.start_mark, "expect must map claim labels to verdicts", 'write expect: {"1": refuted}')
            return value
        expect = {}
        for label, verdict in node.value:
            try:
                expect[label.value] = Verdict.parse(verdict.value)
            except (ValueError, TypeError, AttributeError):
                self._fail(verdict.start_mark, f"expect: {getattr(verdict, 'value', '?')!r} for claim "
                           f"{getattr(label, 'value', '?')!r} is not a verdict", VERDICT_HINT)
        return expect
