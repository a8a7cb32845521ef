"""Drawings of a layered network: TikZ for the LaTeX export, Mermaid for Markdown.

A model is drawn when its forward definitions form a chain of layers: an input
vector, then groups of vector definitions that share one index range (``z_j``,
``h_j``), each group reached from the previous one through a weight matrix
leaf whose ranges are the two layers' ranges, in either order (``w_{ij}``: I×J,
input × output, or ``W_{ji}``: J×I, output × input as in z_j = Σ_i W_{ji} x_i).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Span
from ..model.context import Context
from ..model.tensors import Tensor
from .tex_safety import safe_math

SHOWN_UNITS = 3          # units drawn per layer: the first two, a row of dots, the last
LAYER_SPACING_CM = 3.4
UNIT_SPACING_CM = 0.95


@dataclass
class Layer:
    """Quantities that share one index range, in definition order."""

    size: str                 # size name: 'J'
    letter: str               # the context's index letter for it: 'j'
    names: list[str] = field(default_factory=list)  # LaTeX names: ['z', 'h']

    def mention(self, name: str) -> str:
        return f"{name}_{{{self.letter}}}"


@dataclass
class LayeredNetwork:
    """Layers from input to output, the weights between them, and the loss."""

    layers: list[Layer]
    weights: list[str]        # LaTeX of the weight between layer n and n + 1
    loss: str | None = None
    target: str | None = None


def letters_for(ranges: tuple[str, ...], index_ranges: dict[str, str]) -> list[str]:
    """Distinct index letters of a context for the given size names (``('I', 'J')`` → i, j)."""
    chosen: list[str] = []
    for size in ranges:
        free = [letter for letter, s in index_ranges.items() if s == size and letter not in chosen]
        chosen.append(free[0] if free else size.lower() + "'" * sum(c == size.lower() for c in chosen))
    return chosen


def tensor_latex(tensor: Tensor, letters: list[str]) -> str:
    """``w_{ij}``, ``\\delta_{k}`` or ``L``."""
    return f"{tensor.latex}_{{{''.join(letters)}}}" if letters else tensor.latex


def layered(context: Context) -> LayeredNetwork | None:
    """The model's layers, or None when it is not a chain of layers."""
    network = context.network
    model = context.model_definitions
    index_ranges = network.index_ranges
    groups: list[Layer] = []
    for definition in model:
        if len(definition.tensor.ranges) != 1:
            continue
        size = definition.tensor.ranges[0]
        if not groups or groups[-1].size != size:
            groups.append(Layer(size, letters_for((size,), index_ranges)[0]))
        groups[-1].names.append(definition.tensor.latex)
    leaves = network.leaves
    weights: dict[tuple[str, ...], Tensor] = {}
    for t in leaves:  # input × output first: W_{ji} (J×I) is the weight from I to J when w_{ij} is absent
        if len(t.ranges) == 2:
            weights.setdefault(t.ranges, t)
    for t in leaves:
        if len(t.ranges) == 2:
            weights.setdefault(t.ranges[::-1], t)
    if not groups:
        return None
    inputs = [t for t in leaves if len(t.ranges) == 1 and t != network.target
              and (t.ranges[0], groups[0].size) in weights]
    if network.input in inputs:
        inputs.insert(0, network.input)
    if not inputs:
        return None
    first = inputs[0]
    layers = [Layer(first.ranges[0], letters_for(first.ranges, index_ranges)[0], [first.latex])] + groups
    pairs = [(a.size, b.size) for a, b in zip(layers, layers[1:])]
    if len({layer.size for layer in layers}) != len(layers) or any(p not in weights for p in pairs):
        return None
    drawn = LayeredNetwork(layers, [tensor_latex(weights[p], letters_for(weights[p].ranges, index_ranges))
                                    for p in pairs])
    if network.loss is not None:
        drawn.loss = network.loss.latex
    if network.target is not None and len(network.target.ranges) == 1:
        drawn.target = tensor_latex(network.target, letters_for(network.target.ranges, index_ranges))
    return drawn


def _unit_labels(layer: Layer) -> list[str]:
    name = layer.names[-1]
    return [f"{name}_{{1}}", f"{name}_{{2}}", f"{name}_{{{layer.size}}}"]


def tikz(drawing: LayeredNetwork, span: Span | None = None) -> str:
    """A ``tikzpicture`` with a column of units per layer and the weights between them.

    Raises:
        ExportError: at ``span``: a name of the model is not safe to typeset (see
            :mod:`symbolic.export.tex_safety`).
    """
    names = [n for layer in drawing.layers for n in (*layer.names, layer.size, layer.letter)]
    for name in names + drawing.weights + [drawing.loss or "", drawing.target or ""]:
        safe_math(name, span, "model")
    top = UNIT_SPACING_CM * 1.5
    rows = [top, top - UNIT_SPACING_CM, -top]          # the dots sit between rows 2 and 3
    lines = [r"\begin{center}",
             rf"\begin{{tikzpicture}}[x={LAYER_SPACING_CM}cm, y=1cm, >=stealth,",
             r"  unit/.style={circle, draw, thick, minimum size=8mm, inner sep=0pt, font=\small},",
             r"  edge/.style={->, draw=black!35}]"]
    for n, layer in enumerate(drawing.layers):
        for r, (y, label) in enumerate(zip(rows, _unit_labels(layer))):
            lines.append(rf"\node[unit] (u{n}r{r}) at ({n}, {y:.2f}) {{${label}$}};")
        lines.append(rf"\node at ({n}, {(rows[1] + rows[2]) / 2:.2f}) {{$\vdots$}};")
        caption = r" \to ".join(layer.mention(name) for name in layer.names)
        lines.append(rf"\node[above] at ({n}, {top + 0.5:.2f}) {{${caption}$}};")
        lines.append(rf"\node[below, font=\footnotesize] at ({n}, {-top - 0.5:.2f}) "
                     rf"{{${layer.letter} = 1, \dots, {layer.size}$}};")
    for n, weight in enumerate(drawing.weights):
        lines.append(rf"\foreach \a in {{0,1,2}} \foreach \b in {{0,1,2}} \draw[edge] (u{n}r\a) -- (u{n + 1}r\b);")
        lines.append(rf"\node[fill=white, inner sep=1pt, font=\small] at ({n + 0.5}, {top + 0.9:.2f}) {{${weight}$}};")
    if drawing.loss is not None:
        last = len(drawing.layers) - 1
        lines.append(rf"\node[draw, thick, rectangle, minimum size=8mm] (loss) at ({last + 0.75}, 0) {{${drawing.loss}$}};")
        lines.append(rf"\foreach \a in {{0,1,2}} \draw[edge] (u{last}r\a) -- (loss);")
        if drawing.target is not None:
            lines.append(rf"\node[font=\small] (target) at ({last + 0.75}, {-top:.2f}) {{${drawing.target}$}};")
            lines.append(r"\draw[edge] (target) -- (loss);")
    lines += [r"\end{tikzpicture}", r"\end{center}"]
    return "\n".join(lines)


MERMAID_ENTITIES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "#": "#35;", "`": "#96;"}


def _label(text: str) -> str:
    """Text for a quoted Mermaid label: quotes and markup as Mermaid's entity codes."""
    return "".join(MERMAID_ENTITIES.get(char, char) for char in text)


def mermaid(drawing: LayeredNetwork) -> str:
    """A Mermaid flowchart (GitHub renders ```` ```mermaid ```` blocks) of the same layers."""
    lines = ["```mermaid", "flowchart LR"]
    for n, layer in enumerate(drawing.layers):
        names = ", ".join(f"{_plain(name)}_{_plain(layer.letter)}" for name in layer.names)
        lines.append(f'  L{n}["{names}<br/>{_plain(layer.letter)} = 1..{_plain(layer.size)}"]')
    for n, weight in enumerate(drawing.weights):
        lines.append(f'  L{n} -- "{_plain(weight)}" --> L{n + 1}')
    if drawing.loss is not None:
        lines.append(f'  L{len(drawing.layers) - 1} --> loss(["{_plain(drawing.loss)}"])')
        if drawing.target is not None:
            lines.append(f'  target["{_plain(drawing.target)}"] --> loss')
    lines.append("```")
    return "\n".join(lines)


def _plain(latex: str) -> str:
    return _label(latex.replace("\\", "").replace("{", "").replace("}", ""))
