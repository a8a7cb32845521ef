"""What a note may put into an exported LaTeX file: math commands from an allow-list, nothing else.

A note is untrusted input, and pdflatex is a programming language that can read
and write files (``\\input``, ``\\openout``, ``\\write18``…). Text a note gives the
export (headings, labels, YAML values, messages) is escaped character by
character, so it cannot form a command. Math is copied, so it is checked here:
every control sequence must be a typesetting command of the allow-list below,
every environment a math environment, braces must balance, and ``^^`` escapes
(TeX's way to spell any character, a backslash included) and ``$`` (leaving
math) are refused. What fails stops the export with a located
:class:`~symbolic.errors.ExportError`, before pdflatex runs.
"""

from __future__ import annotations

import re

from ..errors import ExportError, Span

GREEK_LETTERS = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()
MATH_COMMANDS = frozenset(GREEK_LETTERS + (
    # structure
    "frac dfrac tfrac cfrac sqrt binom left right middle big Big bigg Bigg bigl bigr Bigl Bigr "
    "biggl biggr Biggl Biggr limits nolimits displaystyle textstyle scriptstyle scriptscriptstyle "
    "begin end underbrace overbrace underset overset stackrel boxed substack "
    # fonts and text
    "text textrm textit textbf mathrm mathit mathbf mathsf mathtt mathcal mathbb mathfrak "
    "boldsymbol bm cal operatorname mathop mathbin mathrel mbox "
    # accents
    "hat widehat bar overline underline tilde widetilde vec dot ddot check breve acute grave "
    # operators and functions
    "sum prod coprod int iint oint partial nabla log ln lg exp sin cos tan sec csc cot sinh cosh "
    "tanh coth arcsin arccos arctan max min sup inf lim liminf limsup arg argmax argmin det dim "
    "ker Pr gcd deg sgn "
    # binary operators and relations
    "cdot cdots ldots dots dotsb dotsc dotsm vdots ddots times div pm mp ast star circ bullet "
    "odot otimes oplus ominus oslash wedge vee cap cup setminus "
    "neq ne leq le geq ge ll gg approx sim simeq cong equiv propto in notin ni subset subseteq "
    "supset supseteq mid parallel perp "
    "to gets mapsto rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow "
    "longrightarrow Longrightarrow implies iff uparrow downarrow "
    # delimiters and symbols
    "langle rangle lvert rvert lVert rVert vert Vert lfloor rfloor lceil rceil "
    "infty ell hbar emptyset varnothing forall exists neg lnot top bot prime checkmark "
    "quad qquad enspace thinspace negthinspace hfill phantom hphantom vphantom "
    "lt gt colon cdotp"
    ).split())
MATH_ENVIRONMENTS = frozenset(
    "matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases array aligned gathered split".split())
# \, \; \: \! and "\ " are spaces; \\ breaks a line; the rest are literal characters.
CONTROL_SYMBOLS = frozenset(",;:! \\{}|#%&_$")

TOKEN_RE = re.compile(r"\\([A-Za-z]+|.?)|\^\^|[{}$]", re.S)
ENVIRONMENT_RE = re.compile(r"\s*\{\s*([A-Za-z]+\*?)\s*\}")
HINT = ("exported math may use only typesetting commands (\\frac, \\sum, \\mathrm, Greek letters, …); "
        "remove the command or write it as text")


def safe_math(text: str, span: Span | None = None, what: str = "math") -> str:
    """``text`` when it is safe to copy into the exported LaTeX as math.

    Raises:
        ExportError: at ``span``: the math uses a command or environment outside the
            allow-list, a ``^^`` escape, a ``$``, or unbalanced braces.
    """
    depth = 0
    for m in TOKEN_RE.finditer(text):
        token = m.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                _refuse(f"the {what} closes a brace it never opened", span)
        elif token == "$":
            _refuse(f"the {what} contains '$', which would leave math mode", span)
        elif token == "^^":
            _refuse(f"the {what} contains '^^', TeX's escape for arbitrary characters", span)
        elif m.group(1) and (m.group(1)[0].isalpha()):
            name = m.group(1)
            if name not in MATH_COMMANDS:
                _refuse(f"the {what} uses \\{name}, which exports do not allow", span)
            if name in ("begin", "end"):
                env = ENVIRONMENT_RE.match(text, m.end())
                if env is None or env.group(1) not in MATH_ENVIRONMENTS:
                    written = env.group(1) if env else text[m.end():m.end() + 12].strip()
                    _refuse(f"the {what} uses \\{name}{{{written}}}, which exports do not allow", span)
        elif m.group(1) not in CONTROL_SYMBOLS or not m.group(1):
            shown = "\\" + m.group(1) if m.group(1) else "a lone '\\' at its end"
            _refuse(f"the {what} uses {shown!s}, which exports do not allow", span)
    if depth:
        _refuse(f"the {what} opens a brace it never closes", span)
    return text


def _refuse(message: str, span: Span | None) -> None:
    raise ExportError(f"cannot export: {message}", span, HINT)
