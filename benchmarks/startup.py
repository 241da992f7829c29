"""Start-up benchmark: wall time of common funnel commands against the floors of the stack.

    python benchmarks/startup.py [--runs 30]

Runs each command ``--runs`` times, interleaved round by round so that machine noise hits every
command alike, and prints the median and spread (interquartile range) in milliseconds, then the
ratios to ``python -c "import typer"`` (the floor of our stack), to ``python -c "import sqlite3"``
(the floor of any Python SQLite tool) and to ``sqlite-utils rows … --limit 20`` (what a user
would otherwise reach for), with the median CPU time (user + system: steadier than the wall
time when other jobs share the machine). The targets are in BENCHMARKS.md.

``--instructions`` counts instead the machine instructions each command executes, once, under
``valgrind --tool=cachegrind`` (hash seed fixed): the same figure on a busy or a quiet machine,
to compare two versions exactly (it leaves out the waits: disk flushes, the scheduler).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOW = "2026-11-29T09:00:00"


def tool(name: str) -> str:
    """A console script installed beside this interpreter (falls back to PATH)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def make_databases(folder: Path) -> dict[str, Path]:
    """An empty-overdue database and one with 20 overdue follow-ups, 1,000 leads each."""
    env = {**os.environ, "FUNNEL_NOW": NOW}
    paths = {}
    for name, overdue in (("quiet", 0), ("busy", 20)):
        db = folder / f"{name}.db"
        subprocess.run(
            [tool("funnel"), "demo", "--db", str(db), "--leads", "1000"],
            env=env,
            check=True,
            capture_output=True,
        )
        conn = sqlite3.connect(db)
        with conn:
            conn.execute("UPDATE follow_ups SET due_date = '2026-12-15' WHERE done_at IS NULL")
            conn.execute(
                "UPDATE follow_ups SET due_date = '2026-11-20' WHERE id IN (SELECT id FROM "
                "follow_ups WHERE done_at IS NULL ORDER BY id LIMIT ?)",
                (overdue,),
            )
        conn.close()
        paths[name] = db
    return paths


def commands(dbs: dict[str, Path], scratch: Path) -> dict[str, list[str]]:
    funnel = tool("funnel")
    return {
        "python -c 'import sqlite3'": [sys.executable, "-c", "import sqlite3"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "funnel overdue (none)": [funnel, "--db", str(dbs["quiet"]), "overdue"],
        "funnel overdue (20)": [funnel, "--db", str(dbs["busy"]), "overdue"],
        "funnel list --limit 20": [funnel, "--db", str(dbs["busy"]), "list", "--limit", "20"],
        "funnel add": [funnel, "--db", str(scratch), "add", "Benchmark Lead", "--source", "bench"],
        # a new lead per run: the body carries a counter (see measure)
        "funnel intake (form)": [funnel, "--db", str(scratch), "intake"],
        "funnel --help": [funnel, "--help"],
        "sqlite-utils rows --limit 20": [
            tool("sqlite-utils"),
            "rows",
            str(dbs["busy"]),
            "leads",
            "--limit",
            "20",
        ],  # fmt: skip
    }


_SUBMISSIONS = iter(range(10**9))


def _body(argv: list[str]) -> bytes | None:
    if argv[-1] != "intake":
        return None
    n = next(_SUBMISSIONS)  # what a browser posts; a new email each time: a new lead
    return f"name=Web+Lead+{n}&email=web{n}%40example.com&message=Hello".encode()


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        argv,
        env=env,
        input=_body(argv),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    return wall, cpu


def instructions(argv: list[str], env: dict[str, str]) -> float:
    """Millions of instructions of one run under cachegrind (no cache simulation)."""
    result = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        + argv,
        env={**env, "PYTHONHASHSEED": "0"},
        input=_body(argv),
        capture_output=True,
        check=True,
    )
    found = re.search(rb"I\s+refs:\s+([\d,]+)", result.stderr)
    if found is None:
        raise SystemExit("valgrind printed no instruction count")
    return int(found[1].replace(b",", b"")) / 1e6


def count(cmds: dict[str, list[str]], env: dict[str, str]) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind")
    counts = {name: instructions(argv, env) for name, argv in cmds.items()}
    typer_floor = counts["python -c 'import typer'"]
    sqlite_floor = counts["python -c 'import sqlite3'"]
    print("instructions per run (valgrind cachegrind), hash seed 0")
    print(f"{'command':32} {'instructions':>13} {'/typer':>7} {'/sqlite3':>9}")
    for name, value in counts.items():
        print(f"{name:32} {value:11.1f} M {value / typer_floor:6.2f}x {value / sqlite_floor:8.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (valgrind), once each"
    )
    args = parser.parse_args()
    env = {**os.environ, "FUNNEL_NOW": NOW}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dbs = make_databases(folder)
        scratch = folder / "scratch.db"
        cmds = commands(dbs, scratch)
        for argv in cmds.values():  # warm the OS caches and create the scratch database
            measure(argv, env)
        if args.instructions:
            count(cmds, env)
            return
        walls: dict[str, list[float]] = {name: [] for name in cmds}
        cpus: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, argv in cmds.items():
                wall, cpu = measure(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    typer_floor = medians["python -c 'import typer'"]
    sqlite_floor = medians["python -c 'import sqlite3'"]
    sqlite_utils = medians["sqlite-utils rows --limit 20"]
    typer_cpu = statistics.median(cpus["python -c 'import typer'"])
    python = sys.version.split()[0]
    print(f"{args.runs} runs each, interleaved; Python {python}, {os.cpu_count()} CPUs")
    print(
        f"{'command':32} {'median':>8} {'IQR':>13} {'/typer':>7} {'/sqlite3':>9} "
        f"{'/s-utils':>9} {'CPU':>8} {'/typer':>7}"
    )
    for name, values in walls.items():
        q1, _, q3 = statistics.quantiles(values, n=4)
        median = medians[name]
        cpu = statistics.median(cpus[name])
        print(
            f"{name:32} {median:7.1f}ms {q1:5.1f}–{q3:5.1f}ms {median / typer_floor:6.2f}x "
            f"{median / sqlite_floor:8.2f}x {median / sqlite_utils:8.2f}x "
            f"{cpu:6.1f}ms {cpu / typer_cpu:6.2f}x"
        )


if __name__ == "__main__":
    main()
