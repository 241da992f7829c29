"""The ``funnel`` console script and ``python -m funnelcli``: the CLI imported without the
garbage collector.

Importing the CLI (Typer, its click, funnel's modules) creates tens of thousands of objects that
all live until the process ends, and Python's cyclic collector walks them while they are
created and, above all, in the full collection at exit: none of them is ever garbage. So the
collector is off while the CLI is imported; those objects are then frozen (:func:`gc.freeze`:
left out of every later collection, the one at exit included) and the collector is turned back
on before the command runs, so that a long import or report collects its own garbage as usual.
It saves ~12 % of the instructions of ``funnel add`` (BENCHMARKS.md, start-up).
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    try:
        from funnelcli.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    run()
