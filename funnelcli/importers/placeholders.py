"""What exports write for "no value": placeholder text in any cell, and a 0 % probability in a
column that holds no real probability (Odoo writes ``0.0`` for every unknown one)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from funnelcli.importers.cells import parse_probability
from funnelcli.importers.problems import ValueProblem

#: Cell texts that mean an empty cell, case ignored (database dumps, Excel, CRM exports).
PLACEHOLDERS = ("null", "none", "n/a", "#n/a", "-")


def _spellings(words: Iterable[str]) -> frozenset[str]:
    """Every way of writing each word in upper and lower case (``null``, ``NULL``, ``Null``…):
    a row's cells are looked up all at once, without folding each of them."""
    found: set[str] = set()
    for word in words:
        found.update(map("".join, itertools.product(*({ch.lower(), ch.upper()} for ch in word))))
    return frozenset(found)


#: :data:`PLACEHOLDERS` in every case.
SPELLINGS = _spellings(PLACEHOLDERS)


def shows_real_probabilities(cells: Iterable[tuple[int, str]]) -> bool:
    """The first pass over a probability column: does any cell hold a probability above 0?"""
    for _, text in cells:
        try:
            if parse_probability(text):
                return True
        except ValueProblem:
            continue
    return False


class ProbabilityColumn:
    """Parses a probability column: ``0`` is no value (no override of the stage's probability)
    unless the column holds real probabilities elsewhere, which a first pass over the column
    (``first_pass``, called at most once, when a 0 comes before any other value) tells."""

    def __init__(self, first_pass: Callable[[], bool | None]) -> None:
        self.first_pass = first_pass
        self.real: bool | None = None  # unknown until a value above 0 or the first pass

    def __call__(self, text: str) -> int | None:
        value = parse_probability(text)
        if value:
            self.real = True
            return value
        if self.real is None:
            self.real = bool(self.first_pass())
        return 0 if self.real else None
