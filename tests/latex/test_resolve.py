"""Parsing and resolving: the parse cache, masks, sums and their bounds, sizes, roots, messages."""

from __future__ import annotations

import pytest
import sympy

from symbolic.latex import parse as latex
from symbolic import Options, Verdict, check_text
from symbolic.errors import LatexError, Span
from symbolic.latex import grammar
from symbolic.latex.grammar import parse_uncached
from symbolic.latex.parse import parse_latex
from symbolic.latex.text import normalise
from symbolic.latex.parse_cache import ParseCache

SPAN = Span("t.md", 3, 5)

CONTEXT = r"""```derivation
indices: {i: I, j: J, k: K}
define: |
  z_j = \sum_i w_{ij} x_i + b_j
  h_j = \tanh(z_j)
  a_k = \sum_j w_{jk} h_j + b_k
  %s
  L = -\sum_k t_k \log o_k
assume: [one-hot t]
```

"""
SOFTMAX = r"o_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}"


def claims(math: str, softmax: str = SOFTMAX):
    """The results of one note: the context above (with ``softmax``) and ``math`` after it."""
    return check_text(CONTEXT % softmax + math, "t.md", Options(timeout=30, diagnose=False)).claims


def only(math: str, softmax: str = SOFTMAX):
    found = claims(math, softmax)
    assert len(found) == 1, [(c.verdict, c.message) for c in found]
    return found[0]


def assert_located_error(claim, message: str, hint: str) -> None:
    assert claim.verdict == Verdict.ERROR
    assert claim.message.startswith(message), claim.message
    assert hint in (claim.hint or ""), claim.hint
    assert "\n" not in claim.message and claim.line >= 1 and claim.column >= 1


# -- 1. the parse cache gives back what the parser returned -----------------------------------
PARSED = [
    r"0.84 \cdot (0.57 - 0)",           # Mul(21/25, Add(57/100, 0)): no folding to 1197/2500
    r"\frac{21}{25} (0 + 0.57)",
    r"2 \cdot 3 + x - x",               # Add keeps its terms and their order
    r"\frac{A}{A}",
    r"0.4 - (-0.478 \cdot 0.1)",
    r"\sum_{k=1}^{N} A (1 - A)",        # Sum would wrap an unevaluated body in Mul(1, body)
    r"\frac{A}{\sum_{k=1}^{N} e^{B}}",
    r"\sigma(A) + \tanh^2(B) + \ln(C) + \sqrt[3]{D}",
]


@pytest.mark.parametrize("text", PARSED)
def test_parse_cache_reads_back_exactly_what_the_parser_returned(text, tmp_path, monkeypatch):
    monkeypatch.delenv("GRADPROOF_CACHE", raising=False)
    monkeypatch.setenv("GRADPROOF_CACHE_DIR", str(tmp_path))
    parsed = parse_uncached(text)
    writer = ParseCache()
    writer.put(text, parsed)
    writer.save()
    cached = ParseCache().get(text)  # a new process: read from the file
    assert cached is not None
    assert sympy.srepr(cached, order="none") == sympy.srepr(parsed, order="none")
    assert cached == parsed


def test_a_warm_cache_gives_the_cold_results(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADPROOF_CACHE", raising=False)
    monkeypatch.setenv("GRADPROOF_CACHE_DIR", str(tmp_path))
    note = CONTEXT % SOFTMAX + "$$0.84 \\cdot (0.57 - 0) = 0.479 \\tag{n}$$\n\n" \
        "$$\\nabla b_k = o_k - t_k \\tag{g}$$\n"
    runs = []
    for _ in range(2):
        grammar.parse.cache_clear()
        monkeypatch.setattr(grammar, "_CACHE", ParseCache())
        runs.append([(c.label, c.verdict, c.message) for c in check_text(note, "t.md").claims])
        grammar._CACHE.save()
    grammar.parse.cache_clear()
    assert (tmp_path / f"parse-v{ParseCache.VERSION}.json").exists()
    assert runs[0] == runs[1]


# -- 2. a sum binds its index with all its primes ----------------------------------------------
def test_a_sum_over_a_double_primed_index_binds_it():
    claim = only(r"$$\frac{\partial L}{\partial a_k} = o_k - t_k$$",
                 r"o_k = \frac{e^{a_k}}{\sum_{k''} e^{a_{k''}}}")
    assert claim.verdict == Verdict.PROVED, claim.message


# -- 3. a subscripted symbol before parentheses is a factor, not a function --------------------
@pytest.mark.parametrize("math", [
    r"$$t_k(h_j) = h_j t_k$$",
    r"$$t_k^2(h_j) = h_j t_k^{2}$$",
    r"$$t_k (h_j) (o_k) = t_k h_j o_k$$",
])
def test_a_symbol_followed_by_parentheses_multiplies(math):
    claim = only(math)
    assert claim.verdict == Verdict.PROVED, claim.message


def test_function_arguments_stay_function_arguments():
    text = r"t_{k}(h_{j}) \sigma(z_{j}) + x_{i}^{2}(y_{i})"
    masked = latex._mask_mentions(text, latex.StandIns(text))
    # A stands for the whole range of a sum; the mentions get the next letters
    assert " ".join(masked.split()) == r"{B} ( C ) \sigma( F ) + {G} ^{2}( H )"
    claim = only(r"$$\frac{\partial L}{\partial o_k} = -\frac{t_k}{o_k}$$",
                 r"o_k = \sigma(a_k)")
    assert claim.verdict == Verdict.PROVED, claim.message


# -- 4. written bounds must be the whole range -------------------------------------------------
@pytest.mark.parametrize("bounds", [r"\sum_{k=2}^{K}", r"\sum_{k=1}^{K-1}", r"\sum_{k=0}^{K-1}",
                                    r"\sum_{k=1}^{J}", r"\sum_{k=2}"])
def test_a_partial_sum_is_an_error_not_a_full_sum(bounds):
    claim = only(f"$${bounds} t_k = \\sum_k t_k$$")
    assert_located_error(claim, "the sum over k runs from ",
                         r"write \sum_{k=1}^{K} or \sum_{k}: partial sums are not supported")
    assert "not over all of 1..K" in claim.message


@pytest.mark.parametrize("bounds", [r"\sum_{k=1}^{K}", r"\sum_{k=1}^K", r"\sum_k^{K}", r"\sum_{k}",
                                    r"\sum\limits_{k = 1}^{K}"])
def test_the_whole_range_may_be_written_out(bounds):
    claim = only(f"$${bounds} o_k t_k = \\sum_{{k'}} t_{{k'}} o_{{k'}}$$")
    assert claim.verdict == Verdict.PROVED, claim.message


# -- 5. a size is a value: the number of values of its range ---------------------------------
def test_a_size_in_a_definition_is_its_number_of_values():
    found = check_text(CONTEXT.replace(r"L = -\sum_k", r"L = -\frac{1}{K}\sum_k") % SOFTMAX
                       + "$$\\nabla b_k = \\frac{1}{K}(o_k - t_k) \\tag{right}$$\n"
                       + "$$\\nabla b_k = o_k - t_k \\tag{dropped}$$\n", "t.md").claims
    assert [c.verdict for c in found] == [Verdict.PROVED, Verdict.REFUTED]


def test_a_size_in_a_claim_is_the_sum_of_one_over_its_range():
    assert only(r"$$\sum_k 1 = K$$").verdict == Verdict.PROVED
    assert only(r"$$\sum_k 1 = K + 1$$").verdict == Verdict.REFUTED


# -- 7. roots keep their brackets --------------------------------------------------------------
def test_an_nth_root_keeps_its_brackets_and_others_become_parentheses():
    assert normalise(r"\sqrt[3]{x} + \sqrt [n]{[y]} [a]", "A") == r"\sqrt[3]{x} + \sqrt [n]{(y)} (a)"
    assert only(r"$$\sqrt[3]{b_k} [o_k] = b_k^{1/3} o_k$$").verdict == Verdict.PROVED


# -- 8. messages quote what the author wrote ---------------------------------------------------
def test_a_parse_error_quotes_the_text_as_written():
    with pytest.raises(LatexError) as caught:
        parse_latex(r"\sum_{k'}  t_{k'} * \log", SPAN)
    message = caught.value.one_line()
    assert message.startswith(r"t.md:3:5: error: cannot parse '\sum_{k'}  t_{k'} * \log': ")
    for normalised in ("k_{p}", r"\cdot", r"\ln", "^{N}", "Omega"):
        assert normalised not in message


def test_a_parse_error_points_near_the_authors_text():
    with pytest.raises(LatexError) as caught:
        parse_latex(r"\frac12 + h_j + )", SPAN)
    assert caught.value.message.startswith(r"cannot parse '\frac12 + h_j + )'")
    assert caught.value.message.endswith(" near '+ h_j + )'")


def test_a_derivative_error_quotes_the_text_as_written():
    claim = only(r"$$\frac{\partial L}{\partial (w_{jk'} + 1)} = 0$$")
    assert_located_error(claim, r"cannot differentiate by '\frac{\partial L}{\partial (w_{jk'} + 1)}'",
                         "differentiate by one tensor entry")


# -- 9. \sigma calls any parenthesised argument, not only a single letter ------------------------
LOGISTIC = r"""```derivation
indices: {i: I}
define: |
  z = \sum_i w_i x_i + b
  p = \sigma(z)
  q = %s
  L = -(t \log p + (1 - t) \log(1 - p))
```

"""


@pytest.mark.parametrize("q", [
    r"\sigma(\sum_i w_i x_i + b)",
    r"\sigma\left(\sum_i w_i x_i + b\right)",
    r"\sigma (b + \sum_{i=1}^{I} x_i w_i)",
    r"\operatorname{sigmoid}(\sum_i w_i x_i + b)",
    r"\mathrm{sigmoid}\left(b + \sum_i w_i x_i\right)",
])
def test_sigma_of_a_compound_argument_is_the_sigmoid(q):
    found = check_text(LOGISTIC % q + "$$p = q \\tag{b}$$\n", "t.md",
                       Options(timeout=30, diagnose=False)).claims
    assert [c.verdict for c in found] == [Verdict.VERIFIED], [(c.verdict, c.message) for c in found]
    assert "sigma=" not in found[0].message


def test_sigma_of_a_compound_argument_parses_as_a_call():
    sigma = sympy.Function(r"\sigma")
    a, b, z = sympy.symbols("a b z")
    assert parse_latex(r"\sigma(a+b)", SPAN).expr == sigma(a + b)
    assert parse_latex(r"\sigma\left(a+b\right)", SPAN).expr == sigma(a + b)
    assert parse_latex(r"\sigma(\sigma(a)+1)", SPAN).expr == sigma(sigma(a) + 1)
    assert parse_latex(r"\sigma^2(a+b)", SPAN).expr == sigma(a + b) ** 2
    assert parse_latex(r"\sigma(z_j)", SPAN).expr == sigma(sympy.Symbol("z_{j}"))
    assert parse_latex(r"\sigma_j(a+b)", SPAN).expr == sympy.Symbol("sigma_{j}") * (a + b)
    raw = parse_latex(r"\frac{\partial}{\partial z} \sigma(2 z + 1)", SPAN)
    (derivative,) = raw.derivatives.values()
    of = derivative.of.expr
    assert of.func == sigma and sympy.expand(of.args[0] - (2 * z + 1)) == 0


SIGMOID = r"""```derivation
define: |
  s = \sigma(2 z + 1)
  r = \sigma\left(\sigma(z) + 1\right)
  L = s^2 + r
```

"""


@pytest.mark.parametrize("math, verdict", [
    (r"\frac{\partial}{\partial z} \sigma(2 z + 1) = 2 \sigma(2z+1)(1-\sigma(2z+1))", Verdict.PROVED),
    (r"\frac{\partial s}{\partial z} = 2 \sigma\left(2z+1\right)\left(1-\sigma(2z+1)\right)",
     Verdict.PROVED),
    (r"\frac{\partial r}{\partial z} = r (1 - r) \sigma(z)(1-\sigma(z))", Verdict.PROVED),
    (r"\frac{\partial L}{\partial z} = 4 s^2 (1 - s) + r(1-r)\sigma(z)(1-\sigma(z))", Verdict.PROVED),
    (r"r = \sigma(\sigma(z) + 2)", Verdict.REFUTED),
])
def test_derivatives_of_sigmoids_of_compound_arguments(math, verdict):
    found = check_text(SIGMOID + f"$${math}$$\n", "t.md", Options(timeout=30, diagnose=False)).claims
    assert [c.verdict for c in found] == [verdict], [(c.verdict, c.message) for c in found]


def test_an_unparsable_sigma_argument_is_a_located_error_quoting_it():
    found = check_text(SIGMOID + "$$s = \\sigma(2 z +)$$\n", "t.md",
                       Options(timeout=30, diagnose=False)).claims
    assert_located_error(found[0], "cannot parse '2 z +'", "check the braces")
    assert (found[0].line, found[0].column) == (8, 7)  # the right-hand side as written


def test_nabla_without_a_loss_says_the_block_defines_none():
    note = ("```derivation\nindices: {j: J, k: K}\ndefine: |\n  a_k = \\sum_j w_{jk} h_j\n```\n\n"
            "$$\\nabla w_{jk} = h_j$$\n")
    (claim,) = check_text(note, "t.md", Options(timeout=30, diagnose=False)).claims
    assert_located_error(claim, r"\nabla needs a loss, and the derivation block defines none",
                         "define the loss in the block (L = …)")
