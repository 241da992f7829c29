"""Fitting a table to the terminal's width: the one rule every table of funnel follows.

1. A column with nothing in it is not drawn.
2. A protected column (``keep``: contact details) is never cut nor wrapped.
3. When the columns do not fit even at their narrowest, the least useful ones go first (the
   highest ``drop``; 0 is never dropped).
4. When they fit only narrower than their natural width, the ``cut`` columns (long text worth
   one line: a company, a promise) are shortened with "…" first, the widest first, down to
   equal widths; Rich wraps the other text columns if that is still not enough.

Pure: it works on the cells as strings, so that it is tested without drawing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from funnelcli.i18n import _

#: The narrowest a column that may be shortened or wrapped is made (or its natural width).
NARROWEST = 8


class Fittable(Protocol):
    @property
    def header(self) -> str: ...
    @property
    def no_wrap(self) -> bool: ...
    @property
    def keep(self) -> bool: ...
    @property
    def cut(self) -> bool: ...
    @property
    def drop(self) -> int: ...


class Fitted(NamedTuple):
    """Which columns are drawn (their indexes) and the widest each may be (None: no limit)."""

    shown: list[int]
    max_widths: dict[int, int]
    natural: dict[int, int]


def natural_widths(headers: Sequence[str], cells: Sequence[Sequence[str]]) -> list[int]:
    return [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]


def _narrowest(column: Fittable, natural: int) -> int:
    if column.keep or column.no_wrap:
        return natural
    return min(natural, max(NARROWEST, len(_(column.header))))


def fit(
    columns: Sequence[Fittable], cells: Sequence[Sequence[str]], width: int, gap: int = 2
) -> Fitted:
    """The columns to draw for ``cells`` (one list of strings per row) in ``width`` characters,
    ``gap`` characters between two columns."""
    natural = natural_widths([_(c.header) for c in columns], cells) if cells else []
    shown = [i for i in range(len(columns)) if any(row[i] for row in cells)]

    def needed(indexes: Sequence[int], widths: Sequence[int]) -> int:
        return sum(widths[i] for i in indexes) + gap * max(len(indexes) - 1, 0)

    narrowest = [_narrowest(c, natural[i]) for i, c in enumerate(columns)] if cells else []
    while needed(shown, narrowest) > width:
        droppable = [i for i in shown if columns[i].drop]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: columns[i].drop))
    widths = {i: natural[i] for i in shown if columns[i].cut}
    excess = needed(shown, natural) - width
    while excess > 0:  # the widest cut column loses a character, until all fits or none can
        shorter = [i for i in widths if widths[i] > narrowest[i]]
        if not shorter:
            break
        widest = max(shorter, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    max_widths = {i: w for i, w in widths.items() if w < natural[i]}
    return Fitted(shown, max_widths, {i: natural[i] for i in shown})
