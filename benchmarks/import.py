"""Benchmark ``funnel import`` against the floor and against what a user would otherwise use.

    python benchmarks/import.py                          # 100,000 and 1,000,000 rows
    python benchmarks/import.py --sizes 20000            # a quick run
    python benchmarks/import.py --sizes 1000000 --repeat 3 --dir /tmp/bench
    mkdir /tmp/old && git archive main funnelcli | tar -x -C /tmp/old
    python benchmarks/import.py --baseline /tmp/old    # also time that older version

For each size it generates a web-form-like lead file (name, company, email, phone, source,
amount, created date) and times, one after the other on the same machine:

- ``sqlite3 DB ".mode csv" ".import FILE t"``: the floor, a bare table, no validation;
- the *schema floor*: the same rows, already parsed, inserted with ``executemany`` into a real
  funnel database (its ``leads`` table with its indexes, STRICT types and CHECKs), plus the
  one-statement stage history and the commit: what any import into this schema costs before
  reading, validating or matching a single value (timed inside its process: SQLite only);
  and the whole of that process: the least a Python import into this schema can cost
  (start-up, ``csv.reader``, tuples straight to ``executemany``, no validation);
- ``funnel import FILE`` into an empty database: full validation, normalisation, dedup,
  history (one stage change per lead), one transaction;
- ``funnel import FILE`` again: the unchanged file re-imported (the nightly cron case);
- ``sqlite-utils insert DB leads FILE --csv``: what a user would otherwise reach for.

Each command runs in its own process under ``/usr/bin/time`` for its wall time, CPU time (user
+ system) and peak memory (maximum resident set size); with ``--repeat N`` each runs N times
and the fastest run counts. CPU time is the steadier figure on a shared machine. funnel runs
from compiled bytecode, as an installed funnel does (a cache in the working folder, filled
before the runs; ``--compile-each-run`` leaves the environment's ``PYTHONDONTWRITEBYTECODE``
alone, and every run then compiles funnel's modules first). Targets (from
issue #5): funnel within 3x of ``.import``, at least 5x faster than sqlite-utils, peak memory
under 100 MB, re-import within 2x of the first.
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
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


# --------------------------------------------------------------------------- the schema floor


def schema_floor(data: Path, db: Path) -> None:
    """Insert the file's rows, parsed without any check, into a real funnel database.

    Prints the seconds spent in SQLite (inserts, history, commit, the checkpoint at close):
    reading and splitting the file is not counted.
    """
    sys.path.insert(0, str(ROOT))
    from funnelcli.store import open_db

    store = open_db(db)
    conn = store.conn
    # the history's summaries are written with the lead, as funnel import does (schema v5)
    insert = (
        "INSERT INTO leads (name, company, email, phone, source, amount_cents, created_at, "
        "updated_at, stage_id, currency, reached, last_event_at) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, ?7, '2026-11-29T14:00:00Z', 1, 'CAD', 2, ?7)"
    )
    spent = 0.0
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    spent += time.perf_counter() - started
    with data.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch: list[tuple] = []
        for name, company, email, phone, source, amount, created in reader:
            cents = int(amount.replace(",", "").replace(".", "")) * (1 if "." in amount else 100)
            batch.append((name, company, email, phone, source, cents, created + "T05:00:00Z"))
            if len(batch) == 2000:
                started = time.perf_counter()
                conn.executemany(insert, batch)
                spent += time.perf_counter() - started
                batch.clear()
    started = time.perf_counter()
    if batch:
        conn.executemany(insert, batch)
    conn.execute(
        "INSERT INTO stage_changes (lead_id, from_stage_id, to_stage_id, at) "
        "SELECT id, NULL, stage_id, created_at FROM leads"
    )
    conn.execute("COMMIT")
    store.close()
    spent += time.perf_counter() - started
    print(f"{spent:.3f}")


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    seconds: float
    cpu: float
    peak_mb: float
    output: str


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run a command under /usr/bin/time: wall and CPU seconds, peak RSS of that process."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = ["/usr/bin/time", "-o", report.name, "-f", "%e %U %S %M", *command]
        done = subprocess.run(full, env=env, cwd=cwd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
        seconds, user, system, kilobytes = report.read().split()[-4:]
    return Run(float(seconds), float(user) + float(system), int(kilobytes) / 1024, done.stdout)


def best(runs: list[Run]) -> Run:
    fastest = min(runs, key=lambda r: r.seconds)
    return Run(
        fastest.seconds, min(r.cpu for r in runs), max(r.peak_mb for r in runs), fastest.output
    )


def fresh(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


def bytecode_cached(env: dict[str, str], folder: Path, sources: list[Path]) -> dict[str, str]:
    """``env`` with Python's bytecode cache on, in ``folder`` (not in the source folders), and
    filled beforehand: an installed funnel runs from compiled bytecode, so a run that compiles
    every module (``PYTHONDONTWRITEBYTECODE`` set, no ``__pycache__``) times the compiler too,
    and more so for the version with more code."""
    cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    for source in sources:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(source / "funnelcli")],
            env=cached,
            check=True,
        )
    # The dependencies too (sqlite-utils, Typer…), as a pip install leaves them.
    subprocess.run(
        [sys.executable, "-c", "import funnelcli.cli, sqlite_utils, typer, rich, dateutil.parser"],
        env=cached,
        cwd=ROOT,
        check=True,
    )
    return cached


def bench(
    rows: int,
    folder: Path,
    repeat: int,
    baseline: Path | None = None,
    compile_each_run: bool = False,
) -> dict[str, Run]:
    data = folder / f"leads-{rows}.csv"
    if not data.exists():
        print(f"generating {data} ...", file=sys.stderr)
        generate(data, rows)
    env = {**os.environ, "TTY_COMPATIBLE": "0"}
    if not compile_each_run:
        env = bytecode_cached(env, folder, [ROOT, *([baseline] if baseline else [])])
    sqlite_utils = shutil.which("sqlite-utils") or str(
        Path(sys.executable).with_name("sqlite-utils")
    )
    funnel = [sys.executable, "-m", "funnelcli", "import", str(data)]
    runs: dict[str, list[Run]] = {}
    for _ in range(repeat):
        floor_db = fresh(folder, "floor.db")
        runs.setdefault("sqlite3 .import (floor)", []).append(
            timed(["sqlite3", str(floor_db), ".mode csv", f".import {data} t"])
        )
        schema_db = fresh(folder, "schema.db")
        here = timed([sys.executable, __file__, "--schema-floor", str(data), str(schema_db)])
        # Only the SQLite part counts (the process also read and split the file).
        sqlite_part = float(here.output.split()[-1])
        runs.setdefault("executemany into the funnel schema (SQLite only)", []).append(
            Run(sqlite_part, sqlite_part, here.peak_mb, here.output)
        )
        runs.setdefault("csv.reader → executemany, no validation (whole process)", []).append(here)
        funnel_env = {**env, "FUNNEL_DB": str(fresh(folder, "funnel.db"))}
        runs.setdefault("funnel import", []).append(timed(funnel, funnel_env))
        runs.setdefault("funnel re-import (unchanged)", []).append(timed(funnel, funnel_env))
        if baseline is not None:  # another version of funnelcli, e.g. a checkout of main
            # `python -m` puts the current folder first on sys.path: run from the baseline's.
            old_env = {**env, "FUNNEL_DB": str(fresh(folder, "baseline.db"))}
            for name in (f"funnel import ({baseline})", f"funnel re-import ({baseline})"):
                runs.setdefault(name, []).append(timed(funnel, old_env, cwd=baseline))
        utils_db = fresh(folder, "utils.db")
        runs.setdefault("sqlite-utils insert --csv", []).append(
            timed([sqlite_utils, "insert", str(utils_db), "leads", str(data), "--csv"])
        )
    return {name: best(found) for name, found in runs.items()}


def report(rows: int, results: dict[str, Run]) -> str:
    floor = results["sqlite3 .import (floor)"]
    schema = results["executemany into the funnel schema (SQLite only)"]
    minimal = results["csv.reader → executemany, no validation (whole process)"]
    first = results["funnel import"]
    again = results["funnel re-import (unchanged)"]
    utils = results["sqlite-utils insert --csv"]
    lines = [
        f"### {rows:,} rows",
        "",
        "| command | seconds | CPU seconds | rows/s | peak MB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, run in results.items():
        lines.append(
            f"| {name} | {run.seconds:.2f} | {run.cpu:.2f} "
            f"| {rows / max(run.seconds, 1e-9):,.0f} | {run.peak_mb:.0f} |"
        )
    peak = max(first.peak_mb, again.peak_mb)

    def ratio(a: Run, b: Run) -> str:
        return f"**{a.seconds / b.seconds:.1f}x** (CPU {a.cpu / b.cpu:.1f}x)"

    lines += [
        "",
        f"- funnel / .import: {ratio(first, floor)} (target ≤ 3x)",
        f"- sqlite-utils / funnel: {ratio(utils, first)} (target ≥ 5x)",
        f"- re-import / import: **{again.seconds / first.seconds:.2f}x** (target ≤ 2x)",
        f"- funnel peak memory: **{peak:.0f} MB** (target < 100 MB)",
        f"- schema floor / .import: {ratio(schema, floor)}: inserting into the funnel schema "
        "alone, before any parsing, costs this much",
        f"- minimal Python import / .import: {ratio(minimal, floor)}",
        f"- sqlite-utils / minimal Python import: {ratio(utils, minimal)}: the most any Python "
        "import into this schema could gain over sqlite-utils",
        f"- funnel said: `{first.output.splitlines()[-1]}` then `{again.output.splitlines()[-1]}`",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--schema-floor":
        schema_floor(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--dir", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command (fastest)")
    parser.add_argument(
        "--compile-each-run",
        action="store_true",
        help="leave Python's bytecode cache as the environment says (PYTHONDONTWRITEBYTECODE "
        "set: every run compiles funnel's modules, which an installed funnel does not)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also time the funnelcli package found in this folder (e.g. an older version)",
    )
    args = parser.parse_args()
    os.environ.setdefault("FUNNEL_NOW", "2026-11-29T09:00:00")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="funnel-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n"
    )
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            results = bench(size, folder, max(1, args.repeat), args.baseline, args.compile_each_run)
            print(report(size, results), flush=True)
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)
        load = os.getloadavg()
        print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
