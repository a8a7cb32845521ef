"""``gradproof trace FILE --claim LABEL``: one claim through every stage of the pipeline.

For a newcomer (and for a bug report): what each stage made of the claim, in the
order the checker runs them — the chain the notes stage cut out, the raw SymPy the
LaTeX stage parsed, the index expressions the model stage resolved, each step's
verdict from the engine, the all-sizes normal forms from the calculus stage, the
diagnosis, and the report line a user sees.
"""

from __future__ import annotations

import sympy

from .calculus.generic import normal_form
from .calculus.printing import to_text
from .checker import CheckedChain, NoteChecker, Options
from .errors import GradproofError, UsageError
from .latex.matrix_parse import parse_either as parse_latex  # a matrix term: left to the model
from .notes import read_note
from .report import render_text
from .results import FileReport


def find_chain(chains: list[CheckedChain], claim: str) -> CheckedChain:
    """The checked chain with this label, or starting on this line number."""
    for chain in chains:
        if chain.result is not None and (chain.result.label == claim or str(chain.result.line) == claim):
            return chain
    labels = ", ".join(c.result.label for c in chains if c.result is not None and c.result.label)
    raise UsageError(f"no checked claim has the label or line {claim!r}",
                     hint=f"labels here: {labels}" if labels else "give a line number")


def trace(path: str, claim: str) -> str:
    """The claim's stage-by-stage record, as text.

    Raises:
        GradproofError: the file cannot be read, or no claim has this label.
    """
    checker = NoteChecker(read_note(path), Options())
    report = checker.run()
    chain = find_chain(checker.chains, claim)
    source, context, record = chain.source, chain.context, chain.result
    network = context.network
    out = [f"notes     {source.span.path}:{source.span.line}:{source.span.column}  "
           f"label {record.label or '—'}, condition {source.condition or '—'}"
           + (" (from the prose)" if source.prose_condition else "")]
    written = ([] if len(source.terms) == len(chain.terms) else ["(continued)"]) + [
        t.text for t in source.terms]
    for number, text in enumerate(written, 1):
        out.append(f"            term {number}: {' '.join(text.split())}")
    out.append("latex     raw SymPy, names as written (derivatives cut out and parsed alone)")
    for term in source.terms:
        raw = parse_latex(term.text, term.span)
        names = {sympy.Symbol(name): sympy.Symbol(f"D{k}") for k, name in enumerate(raw.derivatives, 1)}
        cut = "".join(f"; D{k} = d({d.of.expr if d.of else 'loss'})/d({d.wrt.expr})"
                      for k, d in enumerate(raw.derivatives.values(), 1))
        out.append(f"            {raw.expr.xreplace(names)}{cut}")
    out.append("model     index expressions over the context's tensors")
    for expr in chain.terms:
        out.append(f"            {to_text(expr, network)}")
    out.append("engine    each step at concrete sizes")
    for number, step in enumerate(record.steps, 1):
        out.append(f"            step {number}: {step.verdict.value} ({step.kind}) {step.message}")
    out.append("calculus  all-sizes normal forms (equal forms prove a step for every size)")
    targets = [a.tensor for a in context.assumptions]
    for number, (lhs, rhs) in enumerate(zip(chain.terms, chain.terms[1:]), 1):
        try:
            left, right = normal_form(context, lhs, targets), normal_form(context, rhs, targets)
        except GradproofError as err:
            out.append(f"            step {number}: no normal form ({err.message})")
            continue
        same = "equal" if left == right else "different"
        out.append(f"            step {number}: {same}: {to_text(left, network)}  |  {to_text(right, network)}")
    out.append("diagnose  " + ("; ".join(record.diagnosis) if record.diagnosis else "—")
               + (f"; correct: {record.correct}" if record.correct else ""))
    out.append("report")
    out += ["    " + line for line in render_text([FileReport(report.path, [record])]).splitlines()[:-1]]
    return "\n".join(out)
