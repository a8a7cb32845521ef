"""The ``gradproof`` command line: ``main(argv) -> int``.

Errors become user text here and only here: one line with file, line,
column and a hint, and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import GradproofError, Span, TimeLimitReached, UsageError, time_limit
from .repository import collect

DESCRIPTION = ("Check hand-written gradient derivations exactly: Markdown + LaTeX notes in, "
               "verdicts, counterexamples and correct formulas out.")


def _positive(kind: type, what: str):
    """An argparse type: a positive ``kind`` (int or float)."""

    def read(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError("must be positive")
        return value

    return read


_positive_int = _positive(int, "a whole number")
_positive_float = _positive(float, "a number")


def build_parser(full_numeric: bool = False) -> argparse.ArgumentParser:
    from .report import FORMATS

    from . import __version__

    parser = argparse.ArgumentParser(prog="gradproof", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"gradproof {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    check = sub.add_parser("check", help="check every claim and step of derivation notes",
                           description="Check derivation notes. Exit codes: 0 all claims hold (or "
                           "match their expect), 1 a claim is refuted or differs from its "
                           "expect, 2 an input error, 3 a claim is undecided.")
    check.add_argument("paths", nargs="+", metavar="PATH",
                       help="notes (.md, .ipynb, .tex) or folders to search for them")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip files and folders matching GLOB (repeatable); .gitignore is honoured")
    check.add_argument("-j", "--jobs", type=_positive_int, default=1, metavar="N",
                       help="check N files at a time in separate processes")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument("--inline", action="store_true", help="also check inline math ($…$, \\(…\\))")
    check.add_argument("--context", metavar="FILE",
                       help="take the model from the derivation block of FILE")
    check.add_argument("--timeout", type=_positive_float, default=None, metavar="S",
                       help="time limit per claim in seconds (default 60)")
    check.add_argument("-v", "--verbose", action="store_true", help="show every step and definition")
    check.add_argument("--no-diagnosis", action="store_true",
                       help="do not search for the correct formula of refuted claims")

    derive = sub.add_parser("derive", help="derive a gradient in index or matrix notation",
                            description="Derive d OF / d WRT by the chain rule in index notation, "
                            "verify it, and print it as LaTeX and plain text; with --notation "
                            "matrix, in matrix and vector notation, read back and verified as a "
                            "claim of the block (exit 2 when it has no faithful matrix form).")
    derive.add_argument("file", metavar="FILE")
    derive.add_argument("--wrt", required=True, help="the variable, e.g. 'w_{jk}'")
    derive.add_argument("--of", default=None, help="the quantity (default: the loss)")
    derive.add_argument("--format", choices=("text", "json", "latex"), default="text")
    derive.add_argument("--block", type=_positive_int, default=1, metavar="N",
                        help="which derivation block of FILE (1-based, default 1)")
    derive.add_argument("--notation", choices=("index", "matrix"), default="index",
                        help="index sums (default) or matrices and vectors (W^T δ ⊙ σ'(z))")

    export = sub.add_parser("export", help="write annotated notes (.tex, .pdf, .md, .json)",
                            description="Export checked notes. The output format follows the "
                            "suffix of OUT; the input file is never overwritten.")
    export.add_argument("file", metavar="FILE")
    export.add_argument("-o", "--output", required=True, metavar="OUT")
    export.add_argument("--force", action="store_true", help="replace OUT if it exists")

    trace = sub.add_parser("trace", help="show what each stage made of one claim",
                           description="Run one claim through the pipeline and print each "
                           "stage's output: notes, latex, model, engine, calculus, diagnose, report.")
    trace.add_argument("file", metavar="FILE")
    trace.add_argument("--claim", required=True, metavar="LABEL",
                       help="the claim's label (its \\tag) or the line it starts on")

    _numeric_commands(sub, full=full_numeric)
    return parser


def _numeric_commands(sub, full: bool) -> None:
    """Register train/gradcheck; numpy is imported only when one of them is asked for."""
    train = sub.add_parser("train", help="train the model with its verified gradients (numpy)",
                           description="Compile the model and its gradients to numpy and train.")
    gradcheck = sub.add_parser("gradcheck", help="compiled gradients vs finite differences",
                               description="Compare the compiled gradients with central finite "
                               "differences; exit 1 on a mismatch.")
    if full:
        from numeric import commands

        commands.add_train_arguments(train)
        commands.add_gradcheck_arguments(gradcheck)
    else:
        for p in (train, gradcheck):
            p.add_argument("rest", nargs=argparse.REMAINDER)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _printable_anywhere()
    parser = build_parser(full_numeric=bool(argv) and argv[0] in ("train", "gradcheck"))
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "derive":
            return run_derive(args)
        if args.command == "trace":
            from .trace import trace

            print(trace(args.file, args.claim))
            return 0
        if args.command == "export":
            from .export.document import run_export

            return run_export(args)
        from numeric import commands  # numeric imports numpy: loaded only here

        if args.command == "train":
            return commands.run_train(args)
        return commands.run_gradcheck(args)
    except GradproofError as err:
        print(err.one_line(), file=sys.stderr)
        return 2
    except TimeLimitReached:
        print(f"error: {args.command} took longer than its time limit (hint: raise it with "
              "--timeout where the command has it)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gradproof: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `gradproof check … | head`: the reader left early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (RecursionError, MemoryError) as exc:  # an input too large for this command
        print(f"error: the input is too large for {args.command} ({type(exc).__name__}) "
              "(hint: split it into smaller parts)", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: one line, never a traceback
        detail = " ".join(str(exc).split())[:200]
        print(f"error: internal error in {args.command} ({type(exc).__name__}: {detail}) "
              "(hint: this is a gradproof bug; please report it with the input)", file=sys.stderr)
        return 2


def _printable_anywhere() -> None:
    """Output that the terminal's encoding cannot show is escaped, never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def _check_files(files: list[Path], options, jobs: int):
    """Each file's report in order; ``jobs`` files at a time in worker processes."""
    from .checker import check_file

    progress = sys.stderr.isatty() and len(files) > 1
    if jobs == 1 or len(files) < 2:
        results = (check_file(path, options) for path in files)
    else:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(check_file, files, [options] * len(files))
    for done, report in enumerate(results, 1):
        if progress:
            print(f"\rchecked {done}/{len(files)} files", end="", file=sys.stderr, flush=True)
        yield report
    if progress:
        print(file=sys.stderr)


def _options(args):
    """The checker's options (this imports the checker: only when a file must be checked)."""
    from .checker import Options
    from .settings import DEFAULT_TIMEOUT

    options = Options(timeout=args.timeout or DEFAULT_TIMEOUT, inline=args.inline,
                      diagnose=not args.no_diagnosis)
    if args.context:
        options.context = context_block(args.context)
    return options


def _lasting(report) -> bool:
    """Whether a report may be reused: not one that a time limit or a bug cut short."""
    from .verdicts import Verdict

    return not any(c.verdict == Verdict.UNDECIDED or c.kind == "internal" for c in report.claims)


def _nothing_to_check(report) -> bool:
    """A file found in a folder with no derivation block and no math: not a note."""
    from .results import NO_BLOCK_MESSAGE

    return len(report.claims) == 1 and report.claims[0].message == NO_BLOCK_MESSAGE


def collect_paths(paths: list[str]) -> list[Path]:
    """The notes named, and those found below the folders named (see :mod:`symbolic.repository`)."""
    return collect(paths).files


def context_block(path: str):
    """The first derivation block of the ``--context`` file, checked to build a model.

    Raises:
        GradproofError: located in that file: it cannot be read, a problem comes before
            its first derivation block (invalid YAML, an unclosed block), it has none,
            or the block does not build a model.
    """
    from .checker import internal_error
    from .model.context import build_context
    from .notes.reader import ContextSource, Problem, read_note

    note = read_note(path)
    block = next((i for i in note.items if isinstance(i, (ContextSource, Problem))), None)
    if isinstance(block, Problem):
        raise block.error
    if block is None:
        raise UsageError("the --context file has no derivation block", Span(path, 1, 1),
                         "--context takes a note whose ```derivation block declares the model")
    try:
        build_context(block.data, block.defines, block.span)
    except GradproofError as err:
        raise err.located(block.span)
    except Exception as exc:  # a bug must not become a traceback for the user
        raise internal_error(exc, block.span) from exc
    return block


def _check(args) -> int:
    from . import verdict_cache
    from .report import exit_code, render

    walk = collect(args.paths, args.exclude)
    settings = {"timeout": args.timeout, "inline": args.inline, "diagnose": not args.no_diagnosis}
    context = Path(args.context) if args.context else None
    keys = [verdict_cache.key(path, settings, context) for path in walk.files]
    cached = [verdict_cache.load(key) for key in keys]
    missing = [path for path, report in zip(walk.files, cached) if report is None]
    fresh = dict(zip(missing, _check_files(missing, _options(args), args.jobs))) if missing else {}
    reports = []
    for path, key, report in zip(walk.files, keys, cached):
        if report is None:
            report = fresh[path]
            if _lasting(report):
                verdict_cache.store(key, report)
        if path not in walk.named and _nothing_to_check(report):
            if args.verbose:
                print(f"skipped {report.path}: no derivation block and no display math", file=sys.stderr)
            continue
        reports.append(report)
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")  # https://no-color.org
    print(render(reports, args.format, args.verbose, colour=colour))
    return exit_code(reports)



def run_derive(args) -> int:
    """``gradproof derive FILE --wrt 'w_{jk}' [--of o_j] [--format text|json|latex] [--notation index|matrix]``."""
    import json

    from .api import derive

    from .settings import DEFAULT_TIMEOUT, TIME_LIMIT_GRACE

    with time_limit(DEFAULT_TIMEOUT + TIME_LIMIT_GRACE):
        derived = derive(args.file, args.wrt, args.of, block=args.block, notation=args.notation)
    shown = derived.matrix if args.notation == "matrix" else derived
    claim_text = shown.claim_text if args.notation == "matrix" else \
        f"∂{derived.of_text}/∂{derived.wrt_text} = {derived.text}"
    if args.format == "json":
        record = {"of": shown.of_latex, "wrt": shown.wrt_latex, "latex": shown.latex,
                  "text": shown.text, "claim": shown.claim_latex, "verdict": shown.verdict.value,
                  "notation": args.notation}
        if args.notation == "matrix":  # the index form it was written from
            record["index"] = {"of": derived.of_latex, "wrt": derived.wrt_latex, "latex": derived.latex,
                               "text": derived.text, "claim": derived.claim_latex}
        print(json.dumps(record, indent=2, ensure_ascii=False))
    elif args.format == "latex":
        print(shown.claim_latex)
    else:
        print(shown.claim_latex)
        print(claim_text)
        print(f"({shown.verdict.value}: checked exactly before it was shown)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
