"""Benchmark gatekeeper against a parse-only baseline: one pack, portfolios of growing size, and start-up.

    python bench/benchmark.py [--sizes 10,100,1000] [--repeats N] [--jobs N] [--quick]

Every figure is the median of `--repeats` runs of a whole process (what a user waits for). The
baseline is a Python process that imports PyYAML and loads the same YAML files with libyaml
(CSafeLoader) and nothing else: the least any tool reading those files must pay. A ratio comes
from runs taken in turns (gatekeeper, baseline, gatekeeper, ...), so a machine busy with other
work slows both alike; the CPU time (user + system) of the same runs is shown beside it, as other
processes barely change it, and the load average says how busy the machine was. Synthetic
portfolios are generated in a temporary folder (gatekeeper.synthetic). `--quick` (sizes 5, one
run) only proves the benchmark works, for CI; its numbers mean little.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 6, 1)  # the synthetic portfolios' assessment date
EXAMPLE = REPO / "examples" / "fenland-water"
EXAMPLE_AS_OF = "2026-10-06"  # the README example's assessment date
# Children run as an installed tool does: with bytecode caching (some shells set
# PYTHONDONTWRITEBYTECODE, which would make every run compile gatekeeper from source again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
GATEKEEPER = [sys.executable, "-m", "gatekeeper"]
# Load every .yml under the folders given, with libyaml, in one process: the parse-only baseline.
BASELINE = """
import os, sys, yaml
n = 0
for root in sys.argv[1:]:
    for top, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".yml"):
                with open(os.path.join(top, name), "rb") as handle:
                    yaml.load(handle, Loader=yaml.CSafeLoader)
                n += 1
"""
TARGET_SINGLE = 2.5
TARGET_PORTFOLIO = 1.5
TARGET_FLAT = 0.20
TARGET_MEMORY_MB = 500


@dataclass(frozen=True)
class Run:
    """One process: wall time, CPU time, the peak of the whole process tree's memory, the largest single process."""

    seconds: float
    tree_peak_mb: float
    largest_mb: float
    returncode: int
    cpu_seconds: float = 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _memory_mb(pid: int) -> float:
    """Proportional set size (shared pages split between processes), else resident size, in MB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def run(command: Sequence[str]) -> Run:
    """Run `command` to the end, its output discarded, sampling the memory of it and its descendants."""
    peak = 0.0
    done = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO, env=ENV)

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            tree, frontier = [], [process.pid]
            while frontier:
                pid = frontier.pop()
                tree.append(pid)
                frontier += _children(pid)
            peak = max(peak, sum(_memory_mb(p) for p in tree))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True) if os.path.isdir("/proc") else None
    if sampler:
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    if sampler:
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    largest = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return Run(seconds, max(peak, largest), largest, process.returncode, usage.ru_utime + usage.ru_stime)


def _median(runs: Sequence[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.tree_peak_mb for r in runs),
        statistics.median(r.largest_mb for r in runs),
        runs[-1].returncode,
        statistics.median(r.cpu_seconds for r in runs),
    )


def median_runs(commands: Sequence[tuple[Sequence[str], Sequence[int]]], repeats: int) -> list[Run]:
    """The median run of each command (with the exit codes it may give), the commands run in turns."""
    runs: list[list[Run]] = [[] for _ in commands]
    for _ in range(repeats):
        for done, (command, ok) in zip(runs, commands, strict=True):
            r = run(command)
            if r.returncode not in ok:
                raise SystemExit(f"benchmark: {' '.join(command)} exited {r.returncode}")
            done.append(r)
    return [_median(done) for done in runs]


def median_run(command: Sequence[str], repeats: int, *, ok: Sequence[int] = (0,)) -> Run:
    return median_runs([(command, ok)], repeats)[0]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"


def _generate(root: Path, sizes: Sequence[int]) -> tuple[Path, dict[int, Path]]:
    sys.path.insert(0, str(REPO))
    from gatekeeper import api
    from gatekeeper.synthetic import portfolio as synthetic_portfolio

    rules = api.rules()
    single = EXAMPLE
    folders = {}
    for n in sorted({1, *sizes}):
        folders[n] = root / f"portfolio-{n}"
        synthetic_portfolio(rules, folders[n], count=n, as_of=AS_OF, seed=11)
    return single, folders


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000", help="portfolio sizes, comma-separated (default 10,100,1000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for portfolio (default: one per CPU)")
    parser.add_argument("--quick", action="store_true", help="sizes 5, one run: proves the benchmark works (CI)")
    args = parser.parse_args(argv)
    sizes = [5] if args.quick else sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    repeats = 1 if args.quick else max(1, args.repeats)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    lines: list[str] = []

    def out(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    with tempfile.TemporaryDirectory(prefix="gatekeeper-bench-") as tmp:
        started = time.perf_counter()
        single, folders = _generate(Path(tmp), sizes)
        # Steady state, as a user meets it from the second run on: bytecode written, the rule pack
        # and the compiled schema validators in gatekeeper's cache (a fresh one, for this run).
        ENV["GATEKEEPER_CACHE"] = str(Path(tmp) / "cache")
        cold = run([*GATEKEEPER, "check", str(single), "--as-of", EXAMPLE_AS_OF])
        load_before = _load()
        out(
            f"gatekeeper benchmark: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, median of {repeats} run(s), "
            f"as of {AS_OF}; portfolios generated in {time.perf_counter() - started:.1f} s"
        )
        out(f"command: python bench/benchmark.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
        out()

        python_pass, help_run = median_runs(
            [([sys.executable, "-c", "pass"], (0,)), ([*GATEKEEPER, "--help"], (0,))], repeats
        )
        out("start-up")
        out(f"  python -c pass            {_fmt(python_pass.seconds):>10}")
        out(
            f"  gatekeeper --help         {_fmt(help_run.seconds):>10}   {help_run.seconds / python_pass.seconds:.1f}x python -c pass"
        )
        out()

        shown = single.relative_to(REPO)
        check, parse = median_runs(
            [
                ([*GATEKEEPER, "check", str(single), "--as-of", EXAMPLE_AS_OF], (0, 1)),
                ([sys.executable, "-c", BASELINE, str(single)], (0,)),
            ],
            repeats,
        )
        ratio = check.seconds / parse.seconds
        out(f"one pack: {shown}")
        out(f"  {'':24}{'wall':>10}   {'CPU':>8}   {'memory':>9}")
        out(
            f"  gatekeeper check          {_fmt(check.seconds):>10}   {_fmt(check.cpu_seconds):>8}   {check.largest_mb:6.0f} MB"
        )
        out(
            f"  parse-only baseline       {_fmt(parse.seconds):>10}   {_fmt(parse.cpu_seconds):>8}   {parse.largest_mb:6.0f} MB"
        )
        out(f"  (first run, empty cache:  {_fmt(cold.seconds):>10})")
        out(
            f"  ratio                     {ratio:>9.2f}x   {check.cpu_seconds / parse.cpu_seconds:>7.2f}x   "
            f"wall-clock target <= {TARGET_SINGLE}: {_verdict(ratio <= TARGET_SINGLE)}"
        )
        out()

        one = median_run(
            [*GATEKEEPER, "portfolio", str(folders[1]), "--as-of", AS_OF.isoformat(), *jobs], repeats, ok=(0, 1, 3)
        )
        out("portfolio (whole process; memory: peak of the process tree, proportional set size)")
        header = (
            f"  {'alliances':>9}  {'gatekeeper':>10}  {'baseline':>9}  {'ratio':>6}  {'per alliance':>12}  "
            f"{'marginal':>9}  {'peak MB':>7}  {'largest MB':>10}  {'baseline MB':>11}"
        )
        out(header)
        marginal: dict[int, float] = {}
        peaks: dict[int, float] = {}
        ratios: dict[int, float] = {}
        previous = (1, one.seconds)
        for n in sizes:
            folder = str(folders[n])
            gk, base = median_runs(
                [
                    ([*GATEKEEPER, "portfolio", folder, "--as-of", AS_OF.isoformat(), *jobs], (0, 1, 3)),
                    ([sys.executable, "-c", BASELINE, folder], (0,)),
                ],
                repeats,
            )
            ratios[n] = gk.seconds / base.seconds
            # The cost of one more alliance: the slope from the previous size to this one.
            marginal[n] = (gk.seconds - previous[1]) / (n - previous[0]) if n > previous[0] else gk.seconds
            previous = (n, gk.seconds)
            peaks[n] = gk.tree_peak_mb
            out(
                f"  {n:>9}  {_fmt(gk.seconds):>10}  {_fmt(base.seconds):>9}  {ratios[n]:>5.2f}x  {_fmt(gk.seconds / n):>12}  "
                f"{_fmt(marginal[n]):>9}  {gk.tree_peak_mb:>7.0f}  {gk.largest_mb:>10.0f}  {base.largest_mb:>11.0f}"
            )
        out(
            f"  (one alliance: {_fmt(one.seconds)}; marginal = the slope from the size before (or from one alliance),"
            " the cost of one more alliance; per alliance = time / N, which start-up dominates at small N)"
        )
        out()
        largest = max(sizes)
        out("targets")
        out(
            f"  portfolio at {largest}: {ratios[largest]:.2f}x the baseline, target <= {TARGET_PORTFOLIO}: "
            f"{_verdict(ratios[largest] <= TARGET_PORTFOLIO)}"
        )
        if len(sizes) > 2:
            # The first slope (one alliance -> the smallest size) also pays for starting the worker
            # pool, which a single alliance does not use; flatness compares the slopes after it.
            low, high = marginal[sizes[1]], marginal[largest]
            spread = abs(high - low) / low
            out(
                f"  cost of one more alliance, {sizes[0]}-{sizes[1]} vs {sizes[-2]}-{largest}: {_fmt(low)} -> {_fmt(high)} "
                f"({spread:.0%} apart), target within {TARGET_FLAT:.0%}: {_verdict(spread <= TARGET_FLAT)}"
            )
        growing = len(sizes) > 1 and peaks[largest] > 1.5 * peaks[sizes[0]]
        out(
            f"  peak memory at {largest}: {peaks[largest]:.0f} MB, target < {TARGET_MEMORY_MB} MB and flat with N: "
            f"{_verdict(peaks[largest] < TARGET_MEMORY_MB and not growing)}"
        )
        out(f"load average (1, 5, 15 min): {load_before} at the start, {_load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
