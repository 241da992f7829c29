"""Benchmark ``funnel import`` against the floor and against what a user would otherwise use.

    python benchmarks/import.py                 # 100,000 and 1,000,000 rows
    python benchmarks/import.py --sizes 20000   # a quick run

For each size it generates a web-form-like lead file (name, company, email, phone, source,
amount, created date) and times, one after the other on the same machine:

- ``sqlite3 DB ".mode csv" ".import FILE t"``: the floor, a bare table, no validation;
- ``funnel import FILE`` into an empty database: full validation, normalisation, dedup,
  history (one stage change per lead), one transaction;
- ``funnel import FILE`` again: the unchanged file re-imported (the nightly cron case);
- ``sqlite-utils insert DB leads FILE --csv``: what a user would otherwise reach for.

Each command runs in its own process under ``/usr/bin/time`` for its wall time and peak memory
(maximum resident set size). Targets (from issue #5): funnel within 3x of ``.import``, at
least 5x faster than sqlite-utils, peak memory under 100 MB, re-import within 2x of the first.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SOURCES = ("web-form", "referral", "cold-call", "event", "partner")


def generate(path: Path, rows: int, seed: int = 5) -> None:
    """A lead file: unique emails, amounts in several forms, dates over six years."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Company", "Email", "Phone", "Source", "Amount", "Created"])
        for i in range(rows):
            cents = rng.randrange(0, 10_000_000)
            amount = f"{cents // 100}.{cents % 100:02d}" if i % 3 else f"{cents // 100:,}"
            writer.writerow(
                [
                    f"Person {i}",
                    f"Company {i % 5000}",
                    f"person{i}@example{i % 977}.com",
                    f"514-555-{i % 10000:04d}",
                    SOURCES[i % 5],
                    amount,
                    f"20{20 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                ]
            )


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str


def timed(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command under /usr/bin/time: wall seconds and peak RSS of that process."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = ["/usr/bin/time", "-o", report.name, "-f", "%e %M", *command]
        done = subprocess.run(full, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
        seconds, kilobytes = report.read().split()[-2:]
    return Run(float(seconds), int(kilobytes) / 1024, done.stdout.strip())


def fresh(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


def bench(rows: int, folder: Path) -> dict[str, Run]:
    data = folder / f"leads-{rows}.csv"
    if not data.exists():
        print(f"generating {data} ...", file=sys.stderr)
        generate(data, rows)
    results: dict[str, Run] = {}
    floor_db = fresh(folder, "floor.db")
    results["sqlite3 .import (floor)"] = timed(
        ["sqlite3", str(floor_db), ".mode csv", f".import {data} t"]
    )
    env = {
        **os.environ,
        "FUNNEL_DB": str(fresh(folder, "funnel.db")),
        "TTY_COMPATIBLE": "0",
    }
    funnel = [sys.executable, "-m", "funnelcli", "import", str(data)]
    results["funnel import"] = timed(funnel, env)
    results["funnel re-import (unchanged)"] = timed(funnel, env)
    sqlite_utils = shutil.which("sqlite-utils") or str(
        Path(sys.executable).with_name("sqlite-utils")
    )
    utils_db = fresh(folder, "utils.db")
    results["sqlite-utils insert --csv"] = timed(
        [sqlite_utils, "insert", str(utils_db), "leads", str(data), "--csv"]
    )
    return results


def report(rows: int, results: dict[str, Run]) -> str:
    floor = results["sqlite3 .import (floor)"].seconds
    first = results["funnel import"]
    again = results["funnel re-import (unchanged)"]
    utils = results["sqlite-utils insert --csv"].seconds
    lines = [
        f"### {rows:,} rows",
        "",
        "| command | seconds | rows/s | peak MB |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, run in results.items():
        lines.append(
            f"| {name} | {run.seconds:.2f} | {rows / max(run.seconds, 1e-9):,.0f} "
            f"| {run.peak_mb:.0f} |"
        )
    peak = max(first.peak_mb, again.peak_mb)
    lines += [
        "",
        f"- funnel / .import: **{first.seconds / floor:.1f}x** (target ≤ 3x)",
        f"- sqlite-utils / funnel: **{utils / first.seconds:.1f}x** (target ≥ 5x)",
        f"- re-import / import: **{again.seconds / first.seconds:.2f}x** (target ≤ 2x)",
        f"- funnel peak memory: **{peak:.0f} MB** (target < 100 MB)",
        f"- funnel said: `{first.output.splitlines()[-1]}` then `{again.output.splitlines()[-1]}`",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--dir", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    os.environ.setdefault("FUNNEL_NOW", "2026-11-29T09:00:00")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="funnel-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}\n")
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            print(report(size, bench(size, folder)), flush=True)
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
