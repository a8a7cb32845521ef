"""Check a note: every chain of every context, step by step, into result records."""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import sympy

from .calculus.generic import proved
from .diagnose import diagnose
from .engine.arithmetic import check_arithmetic, rebracket
from .engine.regions import KINK_NOTE
from .model.generic_functions import stand_in_note
from .engine.verify import Outcome, check_identity, parse_condition
from .errors import (GradproofError, ModelError, NotationError, NotesError, Span,
                     TimeLimitReached, internal_error, one_line, time_limit)
from .latex.matrix_parse import parse_either as parse_latex  # a matrix term: left to the model
from .model.context import Context, build_context, lhs_tensor
from .model.index_notation import Grad, derivatives_without_path, free_indices, split_symbol
from .model.matrix_settings import claim_shapes  # matrix readings are remembered per claim
from .model.tensors import Definition
from .notes import ChainSource, ContextSource, Note, Premises, Problem, Term, parse_note, read_note
from .results import (NO_BLOCK_MESSAGE, ClaimResult, FileReport, StepResult, UnreadDisplay,
                      chain_summary, chain_verdict)
from .settings import DEFAULT_TIMEOUT, TIME_LIMIT_GRACE
from .verdicts import Verdict


@dataclass
class Options:
    """How to check: time limit per claim, inline math, an outside context."""

    timeout: float = DEFAULT_TIMEOUT
    inline: bool = False
    context: ContextSource | None = None
    diagnose: bool = True
    claims: bool = True  # False: read the contexts only (derive, train)


@dataclass
class CheckedChain:
    """A chain with its parsed terms, kept for diagnosis and export."""

    source: ChainSource
    context: Context  # as it stood at this chain (later claims may define more names)
    terms: list = field(default_factory=list)
    result: ClaimResult | None = None
    block: int = 0  # which derivation block (1-based) the chain belongs to


def error_record(path: str, err: GradproofError, fallback: Span | None = None, **extra) -> ClaimResult:
    span = err.span or fallback or Span(path, 1, 1)
    return ClaimResult(path=path, line=span.line, column=span.column, cell=span.cell, verdict=Verdict.ERROR,
                       message=one_line(err.message), hint=err.hint and one_line(err.hint),
                       error_kind=err.kind, **extra)



def _may_define(chain: ChainSource) -> bool:
    """A two-term display chain could define a name (\\delta_k = o_k - t_k)."""
    return len(chain.terms) == 2 and not chain.continues


def _is_number(expr) -> bool:
    return isinstance(expr, sympy.Expr) and expr.is_Number


_DECIMAL = re.compile(r"(?<![\w.])\d*\.\d+")


def _substitutes_numbers(left: Term, right: Term, lhs, rhs) -> bool:
    """Whether ``right`` is ``left`` with written decimal values put in place of its symbols.

    Decided on the author's right side as written, before evaluation folds it: it must
    contain a decimal (``0.84``), and its value must be a number or use fewer leaves
    than the left side. ``0``, ``\\frac{1}{2}`` or ``(p - p) x_i`` are identities.
    """
    if lhs.has(Grad) or not lhs.free_symbols or not _DECIMAL.search(right.text):
        return False
    return _is_number(rhs) or rhs.free_symbols < lhs.free_symbols


NOT_CLAIMS = (Verdict.DEFINITION, Verdict.SKIPPED)  # records that are not claims (report.counted)


def _tex(term: Term) -> str:
    return " ".join(term.text.split())


class NoteChecker:
    """Walks a note's items in order, keeping the current context."""

    def __init__(self, note: Note, options: Options):
        self.note = note
        self.options = options
        self.context: Context | None = None
        self.context_error: ClaimResult | None = None
        self.chains: list[CheckedChain] = []
        self.contexts: list[Context] = []
        self.last_term: tuple[Term, object] | None = None
        self.case: tuple[tuple[Term, object], str] | None = None  # (continued term, condition)
        self.unread: list[UnreadDisplay] = []  # displays that hold no claim
        self.premises = Premises()  # A \Rightarrow B: B is refuted only where A holds

    def run(self) -> FileReport:
        start = time.perf_counter()
        report = FileReport(self.note.path)
        if self.options.context is not None:
            self._enter(self.options.context, report)
        saw_context = self.options.context is not None
        for item in self.note.items:
            if isinstance(item, Problem):
                report.claims.append(error_record(self.note.path, item.error))
            elif isinstance(item, ContextSource):
                saw_context = True
                self._enter(item, report)
            elif isinstance(item, ChainSource):
                if not self.options.claims and not _may_define(item):
                    continue
                record = self.premises.follow(item, self._chain(item))
                if record is not None:
                    report.claims.append(record)
        if self.options.claims and all(c.expected is None and c.verdict in NOT_CLAIMS
                                       for c in report.claims):
            report.unread = self.unread
        if not saw_context and not report.claims:
            report.claims.append(ClaimResult(
                self.note.path, 1, 1, Verdict.ERROR, message=NO_BLOCK_MESSAGE, error_kind="notes",
                hint="start the note with a ```derivation block that declares indices and define"))
        report.seconds = time.perf_counter() - start
        return report

    def _enter(self, source: ContextSource, report: FileReport) -> None:
        try:
            with time_limit(max(self.options.timeout, 1.0) + TIME_LIMIT_GRACE):
                self.context = build_context(source.data, source.defines, source.span)
            self.context_error = None
            self.contexts.append(self.context)
        except TimeLimitReached:
            self.context = None
            self.context_error = error_record(source.span.path, ModelError(
                f"building the model took longer than the time limit ({self.options.timeout:g} s)",
                source.span, "simplify the definitions, or raise the limit with --timeout"))
            report.claims.append(self.context_error)
        except GradproofError as err:  # located in the block's file (a --context file or this note)
            self.context = None
            self.context_error = error_record(source.span.path, err, source.span)
            report.claims.append(self.context_error)
        except Exception as exc:  # a bug must not become a traceback for the user
            self.context = None
            self.context_error = error_record(source.span.path, internal_error(exc, source.span))
            report.claims.append(self.context_error)
        self.last_term = None

    # -- chains ---------------------------------------------------------------
    def _chain(self, chain: ChainSource) -> ClaimResult | None:
        terms = list(chain.terms)
        if chain.continues:
            start = self._continued_from(chain)
            if start is None:
                return self._unanchored(chain)
            terms = [start[0]] + terms
        else:
            self.case = None
        if len(terms) < 2:
            return self._fragment(chain, terms)
        base = dict(label=chain.label, source=chain.source, condition=chain.condition,
                    expected=chain.expect)
        if self.context is not None and base["expected"] is None and chain.label is not None:
            base["expected"] = self.context.expect.get(chain.label)
        started = time.perf_counter()
        deadline = time.monotonic() + self.options.timeout
        try:
            # the engine stops at the deadline and says why; past the grace, anything is stopped
            with time_limit(self.options.timeout + TIME_LIMIT_GRACE), claim_shapes():
                if self.context is None:
                    record = self._numbers_chain(chain, terms, base)
                else:
                    record = self._check_chain(chain, terms, base, deadline)
        except TimeLimitReached:
            record = self._timed_out(chain, base)
        except GradproofError as err:
            record = error_record(self.note.path, err, chain.span, **base)
            self.last_term = (terms[-1], None)  # a display that goes on with '= …' is checked on its own
        except RecursionError:
            record = error_record(self.note.path, ModelError(
                "this claim and the definitions it uses are nested too deeply to be checked "
                "(Python's recursion limit)", chain.span, "split it into named parts"), **base)
        except MemoryError:
            record = error_record(self.note.path, ModelError(
                "this claim needs more memory than there is", chain.span,
                "split it into named parts, or check it at smaller sizes"), **base)
        except Exception as exc:
            record = error_record(self.note.path, internal_error(exc, chain.span), **base)
        if record is not None:
            record.seconds = time.perf_counter() - started
            if chain.prose_condition and record.verdict != Verdict.ERROR:
                record.message += (f" (checked where {chain.prose_condition}, as the text before "
                                   "the display says)")
        return record

    def _timed_out(self, chain: ChainSource, base: dict) -> ClaimResult:
        """The claim ran past the time limit: undecided, and the run goes on."""
        self.last_term = None
        span = chain.span
        return ClaimResult(self.note.path, span.line, span.column, Verdict.UNDECIDED, cell=span.cell,
                           message=f"time limit reached ({self.options.timeout:g} s) before the "
                           "claim was decided", hint="raise the limit with --timeout", **base)

    def _continued_from(self, chain: ChainSource):
        """The term a display starting with '=' continues: the previous chain's last term, or,
        in a case analysis ("If $i = j$, = …" then "if $i \\neq j$, = …"), the term both cases
        continue from."""
        if self.last_term is None:
            return None
        start = self.last_term
        if chain.prose_condition and self.case is not None and self.case[1] != chain.prose_condition:
            start = self.case[0]
        self.case = (start, chain.prose_condition) if chain.prose_condition else None
        return start

    def _unanchored(self, chain: ChainSource) -> ClaimResult | None:
        """A display that starts with '=' but has no chain before it to continue."""
        if not self.options.claims:
            return None
        return error_record(self.note.path, NotesError(
            "this display starts with '=' but no chain before it can be continued",
            chain.span, "write the left side, or put the display right after the chain it continues"),
            chain.span, label=chain.label, source=chain.source, expected=chain.expect)

    def _fragment(self, chain: ChainSource, terms: list[Term]) -> ClaimResult | None:
        """Math that is not a claim is still parsed: broken LaTeX is an error, and a label or an
        expectation on a display with no '=' is an error too (nothing says what it claims)."""
        if not terms or not terms[0].text.strip() or not self.options.claims:
            return None
        if chain.display and (chain.label is not None or chain.expect is not None):
            return error_record(self.note.path, NotesError(
                "this display has a label but no '=': there is no claim to check", terms[0].span,
                "write what it equals (X = …), or drop the label if it is not a claim"),
                terms[0].span, label=chain.label, source=chain.source, expected=chain.expect)
        self.last_term = (terms[0], None) if chain.display else self.last_term  # '= …' may go on from it
        try:
            parse_latex(terms[0].text, terms[0].span)
        except GradproofError as err:
            return error_record(self.note.path, err, terms[0].span)
        if chain.display:
            span = terms[0].span
            self.unread.append(UnreadDisplay(span.line, span.column, _tex(terms[0]), span.cell))
        return None

    def _pure_numbers(self, terms: list[Term]):
        """The exact values of the terms when every term is plain arithmetic, else None.

        A parse may come back unevaluated (``0.5 - 0.479 \\times 0.01`` as a sum), so the
        value is evaluated before it is tested: cached or not, the answer is the same.
        """
        values = []
        for term in terms:
            try:
                raw = parse_latex(term.text, term.span)
            except GradproofError:
                return None
            if raw.derivatives or not isinstance(raw.expr, sympy.Expr) or not raw.expr.is_number:
                return None
            value = raw.expr.doit()
            if not value.is_Rational:  # the arithmetic check is exact: \sqrt{2} = 1.414 is not one
                return None
            values.append(value)
        return values

    def _numbers_chain(self, chain: ChainSource, terms: list[Term], base: dict) -> ClaimResult:
        """A chain outside any context: worked numbers, or an error saying why it cannot be checked."""
        values = self._pure_numbers(terms)
        if values is None:
            if self.context_error is not None:
                raise NotationError("cannot be checked: the derivation block above has an error",
                                    terms[0].span, "fix the derivation block first")
            raise NotesError("math before any derivation block", terms[0].span,
                             "add a ```derivation block above it (or pass --context FILE)")
        steps = [self._step(terms[k], terms[k + 1], values[k], values[k + 1], None, None, None)
                 for k in range(len(terms) - 1)]
        span = chain.span  # a continued chain is reported where its display is
        record = ClaimResult(self.note.path, span.line, span.column, chain_verdict(steps), cell=span.cell,
                             steps=steps, **base)
        record.warnings = [w for s in steps for w in s.warnings]
        record.message = chain_summary(record.steps)
        self.last_term = (terms[-1], values[-1])
        return record

    def _parse(self, term: Term):
        return self.context.read(term.text, term.span)

    def _check_chain(self, chain: ChainSource, terms: list[Term], base: dict,
                     deadline: float) -> ClaimResult:
        path = self.note.path
        span = chain.span  # a continued chain is reported where its display is
        definition = self._definition(terms) if len(terms) == 2 and not chain.continues else None
        if chain.defining and definition is None:  # X := E is never checked as a claim
            raise NotesError(f"'{terms[0].text}' is defined with := or \\equiv but already has a meaning here",
                             chain.span, "write '=' to check the equation, or define a new name")
        if definition is not None:
            self.context = self.context.with_definition(definition)
            self.contexts[-1] = self.context
            self.last_term = None
            return ClaimResult(path, span.line, span.column, Verdict.DEFINITION, cell=span.cell,
                               message=f"defines {definition.tensor}", **base)
        if not self.options.claims:
            return None
        parsed = [self._parse(t) for t in terms]
        condition = parse_condition(self.context.dialects.condition(chain.condition), self.context.network,
                                    chain.condition_span or span)
        chain_free = set().union(*(free_indices(t) for t in parsed))
        stray = condition.letters() - chain_free
        if stray:
            raise NotationError(f"the condition mentions {', '.join(sorted(map(str, stray)))}, "
                                "which is not a free index of this claim",
                                chain.condition_span or span,
                                "conditions restrict the free indices of the claim")
        continued = len(terms) > len(chain.terms)  # starts from the previous chain's last term
        steps = []
        for k in range(len(terms) - 1):
            steps.append(self._step(terms[k], terms[k + 1], parsed[k], parsed[k + 1], condition,
                                    deadline, chain.condition, first=k == 0 and not continued))
        self.last_term = (terms[-1], parsed[-1])
        record = ClaimResult(path, span.line, span.column, chain_verdict(steps), steps=steps,
                             cell=span.cell, **base)
        record.warnings = [w for s in steps for w in s.warnings]
        record.message = chain_summary(record.steps)
        record.hint = next((s.hint for s in steps if s.hint), None)
        if record.verdict == Verdict.REFUTED and self.options.diagnose:
            try:  # the verdict is known: the diagnosis only adds to it, within the same limit
                diagnose(self.context, parsed, record, timeout=max(0.5, deadline - time.monotonic()))
            except TimeLimitReached:
                record.diagnosis.append("the diagnosis stopped at the time limit")
        self.chains.append(CheckedChain(chain, self.context, parsed, record, len(self.contexts)))
        return record

    def _definition(self, terms: list[Term]) -> Definition | None:
        """A new single symbol on the left defines it for the rest of the context."""
        shorthand = self.context.expand_shorthand(terms[0].text)
        if shorthand is not None and shorthand.edits:
            return None  # d\mu = …: the loss's gradient by μ, a claim
        raw = self.context.dialects.parse_written(terms[0].text, terms[0].span)
        if not isinstance(raw.expr, sympy.Symbol) or raw.derivatives:
            return None
        mention = split_symbol(raw.expr.name)
        network = self.context.network
        if any(t.name == mention.name for t in network.tensors.values()):
            return None
        if mention.name == "delta" and len(mention.tokens) == 2:
            return None
        tensor, idx = lhs_tensor(terms[0].text, terms[0].span, network)
        expr = self._parse(terms[1])
        extra = free_indices(expr) - set(idx)
        if extra:
            names = ", ".join(sorted(map(str, extra)))
            raise NotationError(f"index {names} is free on the right side of {tensor.name} but not "
                                "on its left", terms[1].span,
                                f"sum over it (\\sum_{{{sorted(map(str, extra))[0]}}}) or add it to the left side")
        return Definition(tensor, idx, expr, terms[1].span, terms[1].text)

    def _step(self, left: Term, right: Term, lhs, rhs, condition, deadline, condition_text,
              first: bool = True) -> StepResult:
        """Check one '=': arithmetic between numbers, else an identity.

        A later step that puts written decimals in place of the symbols of its left side
        (``h_j (o_k - t_k) = 0.84 \\times 0.57``) and is not an identity is a substitution of
        numbers and is not checked; anything else is an identity, so ``p - y = 0`` and
        ``(p - y) x_i = (p - p) x_i`` are refuted. A chain's first step is always checked.
        """
        started = time.perf_counter()
        step = StepResult(Verdict.SKIPPED, _tex(left), _tex(right), right.span.line,
                          right.span.column, condition=condition_text)
        if _is_number(lhs) and _is_number(rhs):
            outcome = check_arithmetic(lhs, rhs, right.text)
            step.kind, step.verdict, step.message = "arithmetic", outcome.verdict, outcome.message
            step.warnings = list(outcome.warnings)
            if outcome.verdict == Verdict.REFUTED:
                moved = rebracket(left.text, right.text)
                if moved is not None:
                    step.message += (f"; with brackets moved, {moved[0]} = {moved[1]} gives the "
                                     "written value (a bracket is missing or misplaced)")
        else:
            try:
                outcome = check_identity(self.context.network, self.context.assumptions, lhs, rhs,
                                         condition, deadline=deadline, span=left.span)
            except GradproofError as err:
                err.located(left.span)
                step.verdict, step.message, step.hint = Verdict.ERROR, err.message, err.hint
                step.error_kind = err.kind
                step.line, step.column = err.span.line, err.span.column
            else:
                _fill(step, outcome)
                if outcome.counterexample is not None and self.context.network.generic_functions:
                    step.message += "; " + stand_in_note(self.context.network.generic_functions)
                if outcome.verdict == Verdict.VERIFIED or not outcome.sizes_settle:
                    try:  # the concrete check decided; the proof only strengthens it
                        holds = proved(self.context, lhs, rhs, condition)
                    except TimeLimitReached:
                        holds = False
                    if holds:
                        if not outcome.sizes_settle:  # the concrete sizes agreed; the proof decides
                            _fill(step, dataclasses.replace(outcome, verdict=Verdict.VERIFIED))
                        step.verdict = Verdict.PROVED
                        step.message = "proved for every size; " + step.message
                if step.verdict.holds and outcome.piecewise:
                    step.message += f"; {KINK_NOTE}"
                if step.verdict.holds:
                    step.warnings += derivatives_without_path(self.context.network, lhs, rhs)
            if not first and not step.verdict.holds and _substitutes_numbers(left, right, lhs, rhs):
                step = StepResult(Verdict.SKIPPED, _tex(left), _tex(right), right.span.line,
                                  right.span.column, "substitution of numbers: not checked",
                                  kind="substitution", condition=condition_text)
        step.seconds = time.perf_counter() - started
        return step


def _fill(step: StepResult, outcome: Outcome) -> None:
    step.verdict = outcome.verdict
    step.sizes = outcome.sizes
    step.assignments = outcome.assignments
    step.counterexample = outcome.counterexample
    if outcome.verdict == Verdict.VERIFIED:
        sizes = "; ".join(", ".join(f"{k}={v}" for k, v in s.items()) for s in outcome.sizes if s)
        step.message = f"exact at {sizes} ({outcome.assignments} cases)" if sizes else \
            f"exact ({outcome.assignments} cases)"
    elif outcome.counterexample is not None:
        step.message = "false " + outcome.counterexample.describe()
    else:
        step.message = outcome.message


def check_file(path: str | Path, options: Options | None = None) -> FileReport:
    """Check one file; an unreadable file gives a single error record."""
    options = options or Options()
    try:
        note = read_note(path, inline=options.inline)
    except GradproofError as err:
        return FileReport(str(path), [error_record(str(path), err)])
    return NoteChecker(note, options).run()


def check_text(text: str, path: str = "<string>", options: Options | None = None) -> FileReport:
    """Check notes given as a string (for notebooks and tests)."""
    options = options or Options()
    return NoteChecker(parse_note(text, path, inline=options.inline), options).run()
