"""How a tensor's name prints: as LaTeX the way the author wrote it, and as plain text.

The LaTeX front end keeps a decorated name without its backslash (``hat{y}``, ``mathbf{x}``,
``sigma^{2}``); these functions give it back: ``\\hat{y}`` and ``ŷ``, ``\\beta`` and ``β``,
``\\mathrm{net}`` and ``net``. Every stage that shows a name (reports, counterexamples,
exports, drawings) goes through them.
"""

from __future__ import annotations

import re
import unicodedata

GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
         "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
         "omega", "Delta", "Gamma", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"}

# name = command{inner}, as the LaTeX front end keeps a decorated name (without its backslash)
DECORATED = re.compile(r"^([A-Za-z]+)\{(.*)\}$", re.S)
GREEK_NAMES = GREEK | {"varepsilon", "vartheta", "varphi", "varrho", "varsigma", "varpi", "Upsilon"}
# accents as Unicode combining characters, for the text form
_COMBINING = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303",
              "bar": "\u0304", "overline": "\u0305", "breve": "\u0306", "dot": "\u0307",
              "ddot": "\u0308", "acute": "\u0301", "grave": "\u0300", "check": "\u030c",
              "vec": "\u20d7"}
# font commands as Unicode letter styles, for the text form ('' keeps the letters as they are)
_STYLES = {"mathbf": "BOLD", "boldsymbol": "BOLD", "bm": "BOLD", "mathcal": "SCRIPT",
           "mathscr": "SCRIPT", "mathbb": "DOUBLE-STRUCK", "mathfrak": "FRAKTUR",
           "mathrm": "", "text": "", "textrm": "", "operatorname": "", "mathit": "", "textit": ""}


def split_superscript(name: str) -> tuple[str, str]:
    """``sigma^2`` → (``sigma``, ``^2``): a name and the superscript (a layer, a power) it carries."""
    depth = 0
    for at, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "^" and depth == 0 and at:
            return name[:at], name[at:]
    return name, ""


def latex_name(name: str) -> str:
    """A tensor's name as LaTeX: ``hat{y}`` → ``\\hat{y}``, ``beta`` → ``\\beta``, ``net`` → ``\\mathrm{net}``."""
    name, superscript = split_superscript(name)
    if superscript:
        return latex_name(name) + superscript
    m = DECORATED.match(name)
    if m:
        return f"\\{m.group(1)}{{{m.group(2)}}}"
    if name in GREEK_NAMES:
        return "\\" + name
    if len(name) > 1 and name.isalpha():
        return rf"\mathrm{{{name}}}"
    return name


def text_name(name: str) -> str:
    """A tensor's name as plain text: ``hat{y}`` → ``ŷ``, ``beta`` → ``β``, ``mathbf{x}`` → ``𝐱``.

    A decoration with no Unicode form keeps its LaTeX spelling (``\\vec{xy}``), so that
    two different names never print alike.
    """
    name, superscript = split_superscript(name)
    if superscript:
        return text_name(name) + superscript
    m = DECORATED.match(name)
    if m is None:
        return _greek_letter(name) or name
    command, inner = m.group(1), m.group(2).strip()
    base = text_name(inner.lstrip("\\")) if inner.startswith("\\") or inner.isalpha() else None
    if base is not None and command in _COMBINING and len(base) == 1:
        return base + _COMBINING[command]
    if base is not None and command in _STYLES:
        styled = _styled(base, _STYLES[command])
        if styled is not None:
            return styled
    return latex_name(name)


def _greek_letter(name: str) -> str | None:
    if name not in GREEK_NAMES:
        return None
    variant = {"varepsilon": "GREEK LUNATE EPSILON SYMBOL", "vartheta": "GREEK THETA SYMBOL",
               "varphi": "GREEK SMALL LETTER PHI", "varrho": "GREEK RHO SYMBOL",
               "varsigma": "GREEK SMALL LETTER FINAL SIGMA", "varpi": "GREEK PI SYMBOL"}.get(name)
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    try:
        return unicodedata.lookup(variant or f"GREEK {case} LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")
    except KeyError:
        return None


def _styled(text: str, style: str) -> str | None:
    """``text`` in a Unicode letter style (bold, script…), or None where one letter has none."""
    if not style:
        return text
    out = []
    for char in text:
        name = unicodedata.name(char, "")
        m = re.fullmatch(r"(?:LATIN|GREEK) (SMALL|CAPITAL) LETTER (\w+)", name)
        if m is None:
            return None
        greek = name.startswith("GREEK")
        candidates = [f"MATHEMATICAL {style} {m.group(1)} {m.group(2)}",
                      f"{style} {m.group(1)} {m.group(2)}"]
        if greek and style != "BOLD":
            return None
        for candidate in candidates:
            try:
                out.append(unicodedata.lookup(candidate))
                break
            except KeyError:
                continue
        else:
            return None
    return "".join(out)
