"""The ``%%derivation`` cell magic, registered on a stand-in for IPython."""

from __future__ import annotations

import sys
import types

import symbolic
from symbolic.notebook_magic import render_cell_report

CELL = r"""```derivation
indices: {k: K}
define: |
  o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```

$$\frac{\partial L}{\partial a_k} = o_k - t_k \tag{right}$$

$$\frac{\partial L}{\partial a_k} = t_k - o_k \tag{sign}$$
"""


class FakeShell:
    def __init__(self):
        self.magics = {}

    def register_magic_function(self, function, magic_kind, magic_name):
        self.magics[(magic_kind, magic_name)] = function


def test_load_ext_registers_the_cell_magic_and_it_shows_verdicts_as_math(monkeypatch):
    shown = []
    display = types.ModuleType("IPython.display")
    display.Markdown = lambda text: ("markdown", text)
    display.display = shown.append
    monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    shell = FakeShell()
    symbolic.load_ipython_extension(shell)
    magic = shell.magics[("cell", "derivation")]
    magic("", CELL)
    ((kind, text),) = shown
    assert kind == "markdown"
    assert "**✓ proved** (right)" in text
    assert "**✗ refuted** (sign)" in text
    assert "$$\n\\frac{\\partial L}{\\partial a_k} = t_k - o_k \\tag{sign}\n$$" in text


def test_a_cell_without_a_model_shows_the_located_error():
    text = render_cell_report(symbolic.check_text("just prose", "cell"))
    assert text.startswith("**! error** — line 1")
    assert "no derivation block found" in text
