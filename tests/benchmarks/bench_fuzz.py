"""Mutation fuzzing of gradproof with hostile and broken notes (issue 15).

Run:  python tests/benchmarks/bench_fuzz.py [--cases 20000] [--seed 0] [--jobs 2]
                                             [--timeout 5] [--hard-limit 20] [--out fuzz.json]

Each case is an excerpt of one of the repository's own notes (derivations/, docs/examples/,
tests/planted/, tests/realworld/: a derivation block and the displays after it) with one to
three mutations: deleted or duplicated characters and tokens, deleted braces, inserted LaTeX
commands, stray unicode, huge exponents, deep nesting, nested sums, long numbers, YAML
mutations, NUL bytes, CRLF, a BOM. Worker processes (at most 2) check each case in-process
with ``--timeout`` per claim, under a 2 GiB address-space limit; a case that runs past the
hard limit kills its worker. Each case is classified:

  verdicts       only verdicts (proved, verified, refuted, undecided, definition, skipped)
  errors         clean error records (located, one line) beside any verdicts
  traceback      an exception escaped the checker or the text report
  internal       an error record says "internal error"
  multiline      a message, hint or report line breaks, or a report line starts with '::'
  over_time      a claim ran past its time limit plus 2 s, or the case past the hard limit
  over_memory    the worker's peak resident memory passed 1 GiB, or it ran out of memory

The last five are failures. Prints the summary (and writes it, with every failing case,
to ``--out``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import resource
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_FOLDERS = ("derivations", "docs/examples", "tests/planted", "tests/realworld")
CLASSES = ("verdicts", "errors", "traceback", "internal", "multiline", "over_time", "over_memory")
FAILURES = CLASSES[2:]
GRACE = 2.0
MEMORY_LIMIT = 2 << 30     # address space of a worker
MEMORY_BOUND_MIB = 1024    # peak resident memory a case may reach
MAX_JOBS = 2


# -- the cases ---------------------------------------------------------------------------------

def seed_notes() -> list[tuple[str, str]]:
    notes = []
    for folder in SEED_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.md")):
            notes.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return notes


_BLOCK = re.compile(r"```derivation\n.*?```\n", re.S)
_DISPLAY = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\begin\{(align|equation)\*?\}.*?\\end\{\1\*?\}", re.S)


def excerpt(text: str, rng: random.Random) -> str:
    """A derivation block and up to three displays after it (the whole note when it is short)."""
    if len(text) < 1500:
        return text
    blocks = list(_BLOCK.finditer(text))
    if not blocks:
        return text[:3000]
    block = rng.choice(blocks)
    displays = [m for m in _DISPLAY.finditer(text) if m.start() > block.end()]
    if not displays:
        return text[block.start():block.end() + 1500]
    first = rng.randrange(len(displays))
    chosen = displays[first:first + rng.randint(1, 3)]
    prose = text[chosen[0].start() - min(200, chosen[0].start() - block.end()):chosen[0].start()]
    return block.group(0) + "\n" + prose + "\n\n".join(m.group(0) for m in chosen) + "\n"


COMMANDS = [r"\frac", r"\frac{", r"\sum_k ", r"\sum_{k'}", r"\sqrt{", r"\sigma(", r"\left(", r"\right)",
            r"\partial ", r"\nabla ", r"\operatorname{ones}(3000,3000)", r"\tag{x}", r"\begin{aligned}",
            r"\end{aligned}", "&=", r"\\", r"\text{", r"\mathrm{", "^{", "_{", r"\limits", r"\cdot",
            r"\delta_{", r"\log", r"\tanh", "e^{", r"\quad (i = j)", "% expect: refuted", "=", "$$",
            r"\input{/etc/passwd}", r"\write18{ls}", r"\Xi_{0}", r"\landjk", "'", "''"]
UNICODE = ["é", "\u0085", "\u2028", "\u00a0", "𝑥", "\u200b", "∑", "\ufeff", "\x00", "\x1b[31m", "→",
           "\u202e", "\r", "\t", "\x0b", "≠", "·"]
HUGE = ["^{123456789}", "^{10^{10^{10}}}", "e^{e^{e^{100}}}", "^{-99999999}", "^{1.5e300}",
        "10^{400}", "^{2^{2^{2^{2^{2}}}}}", "(1 - p)^{123456789}"]
YAML_BITS = ["&a [1, 2]", "*a", "!!python/object:os.system", "{", "[", "? ", ": :", "\t", "- - -",
             "indices: {i: I, i: J}", "define: 5", "loss: \\input{/etc/passwd}", "expect: {1: maybe}",
             "assume: [one-hot q]", "notation: klingon", "a: &x [*x]", "'", '"', "%YAML 1.1"]
_TOKEN = re.compile(r"\\[A-Za-z]+|\w+|\S")


def _at(text: str, rng: random.Random) -> int:
    return rng.randrange(len(text) + 1)


def _nest(text: str, rng: random.Random) -> str:
    depth = rng.choice([5, 30, 100, 400, 3000])
    opener, closer = rng.choice([("{", "}"), ("(", ")"), (r"\frac{", "}{2}"), (r"\sqrt{", "}"),
                                 (r"\sigma(", ")"), ("e^{", "}"), ("[", "]"), ("-", "")])
    i = _at(text, rng)
    j = min(len(text), i + rng.randint(0, 20))
    return text[:i] + opener * depth + text[i:j] + closer * depth + text[j:]


def _yaml(text: str, rng: random.Random) -> str:
    block = _BLOCK.search(text)
    if not block:
        return text
    lines = block.group(0).split("\n")
    k = rng.randrange(1, max(2, len(lines) - 1))
    how = rng.randrange(4)
    if how == 0:
        del lines[k]
    elif how == 1:
        lines.insert(k, lines[k])
    elif how == 2:
        lines[k] = " " * rng.randint(0, 6) + lines[k].lstrip()
    else:
        lines.insert(k, rng.choice(YAML_BITS))
    return text[:block.start()] + "\n".join(lines) + text[block.end():]


def _token(text: str, rng: random.Random, duplicate: bool) -> str:
    tokens = list(_TOKEN.finditer(text))
    if not tokens:
        return text
    m = rng.choice(tokens)
    return text[:m.start()] + (m.group(0) * 2 if duplicate else "") + text[m.end():]


def _brace(text: str, rng: random.Random) -> str:
    spots = [m.start() for m in re.finditer(r"[{}]", text)]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + text[i + 1:]


def _insert(piece: str):
    def mutate(text: str, rng: random.Random) -> str:
        i = _at(text, rng)
        return text[:i] + piece + text[i:]
    return mutate


MUTATIONS = {
    "delete char": lambda t, r: (lambda i: t[:i] + t[i + 1:])(_at(t, r)),
    "duplicate char": lambda t, r: (lambda i: t[:i] + t[i:i + 1] * 2 + t[i + 1:])(_at(t, r)),
    "delete token": lambda t, r: _token(t, r, False),
    "duplicate token": lambda t, r: _token(t, r, True),
    "delete brace": _brace,
    "insert command": lambda t, r: _insert(r.choice(COMMANDS))(t, r),
    "stray unicode": lambda t, r: _insert(r.choice(UNICODE))(t, r),
    "huge exponent": lambda t, r: _insert(r.choice(HUGE))(t, r),
    "deep nesting": _nest,
    "nested sums": lambda t, r: _insert(r"\sum_i " * r.choice([3, 8, 24, 60]))(t, r),
    "long number": lambda t, r: _insert("9" * r.choice([30, 200, 5000]))(t, r),
    "yaml": _yaml,
    "nul bytes": lambda t, r: _insert("\x00" * r.randint(1, 3))(t, r),
    "crlf": lambda t, r: t.replace("\n", "\r\n"),
    "bom": lambda t, r: "\ufeff" + t,
    "delete line": lambda t, r: "\n".join(ln for ln in t.split("\n") if r.random() > 0.1),
    "duplicate line": lambda t, r: "\n".join(ln + ("\n" + ln if r.random() < 0.1 else "")
                                             for ln in t.split("\n")),
}


def make_case(number: int, seed: int, notes: list[tuple[str, str]]) -> dict:
    rng = random.Random(f"{seed}:{number}")
    source, text = rng.choice(notes)
    text = excerpt(text, rng)
    applied = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        name = rng.choice(sorted(MUTATIONS))
        text = MUTATIONS[name](text, rng)
        applied.append(name)
    return {"case": number, "source": source, "mutations": applied, "text": text}


# -- checking one case (in a worker) ------------------------------------------------------------

def classify(text: str, timeout: float) -> tuple[str, str]:
    """(class, detail) of one case, checked in this process."""
    from symbolic import Options, check_text
    from symbolic.report import render_text

    try:
        report = check_text(text, "fuzz.md", Options(timeout=timeout))
        rendered = render_text([report], verbose=True)
    except MemoryError:
        return "over_memory", "MemoryError"
    except BaseException as exc:  # anything escaping is a failure of gradproof
        return "traceback", "".join(traceback.format_exception_only(type(exc), exc)).strip()[:500]
    for claim in report.claims:
        said = [claim.message, claim.hint or "", *claim.diagnosis, *claim.warnings,
                *(s.message for s in claim.steps), *((s.hint or "") for s in claim.steps)]
        if any("internal error" in s for s in said):
            return "internal", claim.message[:500]
        if any(re.search(r"[\r\n\x0b\x0c\x85\u2028\u2029]", s) for s in said):
            return "multiline", repr(next(s for s in said if re.search(r"[\r\n\x85\u2028\u2029]", s)))[:500]
        if claim.seconds > timeout + GRACE:
            return "over_time", f"a claim took {claim.seconds:.1f} s"
        if claim.line < 1 or claim.column < 1:
            return "internal", f"an unlocated record: {claim.message[:300]}"
    if any(line.lstrip().startswith("::") for line in rendered.splitlines()):
        return "multiline", "a report line starts with '::'"
    if any(c.verdict.value == "error" for c in report.claims):
        return "errors", ""
    return "verdicts", ""


def worker(connection, timeout: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    import symbolic  # noqa: F401 - imported once, before the first case is timed
    while True:
        job = connection.recv()
        if job is None:
            return
        started = time.perf_counter()
        kind, detail = classify(job["text"], timeout)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if peak > MEMORY_BOUND_MIB and kind not in FAILURES:
            kind, detail = "over_memory", f"peak {peak:.0f} MiB"
        connection.send({"case": job["case"], "class": kind, "detail": detail,
                         "seconds": time.perf_counter() - started, "peak_mib": peak})
        if peak > MEMORY_BOUND_MIB:
            return  # the peak cannot go down: a fresh worker measures the next case


class Worker:
    def __init__(self, timeout: float):
        self.timeout = timeout
        self.start()

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=worker, args=(theirs, self.timeout), daemon=True)
        self.process.start()
        self.job = None
        self.sent = 0.0

    def send(self, job: dict) -> None:
        self.job, self.sent = job, time.perf_counter()
        self.connection.send({"case": job["case"], "text": job["text"]})

    def result(self, hard_limit: float) -> dict | None:
        """The finished job's result, a failure if it ran past the limit or died, else None."""
        if self.connection.poll():
            try:
                answer = self.connection.recv()
            except EOFError:
                answer = None
            if answer is not None:
                if not self.process.is_alive() or answer["peak_mib"] > MEMORY_BOUND_MIB:
                    self.restart()
                return answer
        if not self.process.is_alive():
            failed = {"case": self.job["case"], "class": "over_memory",
                      "detail": f"the worker died (exit {self.process.exitcode})",
                      "seconds": time.perf_counter() - self.sent, "peak_mib": None}
            self.restart()
            return failed
        if time.perf_counter() - self.sent > hard_limit:
            failed = {"case": self.job["case"], "class": "over_time", "detail": "past the hard limit",
                      "seconds": hard_limit, "peak_mib": None}
            self.restart()
            return failed
        return None

    def restart(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.start()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()


def run(cases: int, seed: int = 0, jobs: int = 2, timeout: float = 5.0, hard_limit: float = 20.0,
        progress: bool = False) -> dict:
    """Fuzz ``cases`` cases; the summary: counts per class, the failing cases, the slowest."""
    notes = seed_notes()
    jobs = max(1, min(jobs, MAX_JOBS))
    workers = [Worker(timeout) for _ in range(jobs)]
    counts = dict.fromkeys(CLASSES, 0)
    failing, slowest, peak = [], [], 0.0
    queue = iter(range(cases))
    pending = {}
    started = time.perf_counter()
    done = 0
    try:
        for w in workers:
            number = next(queue, None)
            if number is not None:
                pending[number] = make_case(number, seed, notes)
                w.send(pending[number])
        while pending:
            idle = True
            for w in workers:
                if w.job is None:
                    continue
                answer = w.result(hard_limit)
                if answer is None:
                    continue
                idle = False
                job = pending.pop(answer["case"])
                w.job = None
                done += 1
                counts[answer["class"]] += 1
                peak = max(peak, answer["peak_mib"] or 0)
                slowest = sorted(slowest + [(answer["seconds"], job["case"])], reverse=True)[:5]
                if answer["class"] in FAILURES:
                    failing.append({**job, **answer})
                number = next(queue, None)
                if number is not None:
                    pending[number] = make_case(number, seed, notes)
                    w.send(pending[number])
                if progress and done % 500 == 0:
                    print(f"{done}/{cases} {counts} ({time.perf_counter() - started:.0f} s)",
                          file=sys.stderr, flush=True)
            if idle:
                time.sleep(0.005)
    finally:
        for w in workers:
            w.stop()
    return {"cases": cases, "seed": seed, "jobs": jobs, "timeout": timeout, "hard_limit": hard_limit,
            "counts": counts, "failures": sum(counts[c] for c in FAILURES),
            "peak_mib": round(peak), "seconds": round(time.perf_counter() - started, 1),
            "slowest": [{"case": c, "seconds": round(s, 2)} for s, c in slowest], "failing": failing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help=f"worker processes (at most {MAX_JOBS})")
    parser.add_argument("--timeout", type=float, default=5.0, help="time limit per claim (s)")
    parser.add_argument("--hard-limit", type=float, default=20.0, help="time limit per case (s)")
    parser.add_argument("--out", default=None, help="write the summary and failing cases as JSON")
    args = parser.parse_args(argv)
    summary = run(args.cases, args.seed, args.jobs, args.timeout, args.hard_limit, progress=True)
    shown = {k: v for k, v in summary.items() if k != "failing"}
    print(json.dumps(shown, indent=2))
    for case in summary["failing"][:20]:
        print(f"case {case['case']} ({case['source']}; {', '.join(case['mutations'])}): "
              f"{case['class']}: {case['detail']}")
    if args.out:
        Path(args.out).write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
