"""The new leads of an import: one ``INSERT INTO leads`` statement, run by ``executemany``.

A column that every lead of a batch leaves at its default is written into the statement rather
than bound with each lead. Python's ``sqlite3`` adapts each ``None`` it binds (it looks for an
adapter and for ``__conform__``): about 3,000 instructions in CPython 3.11, more than the rest
of binding a lead, so a column a file does not fill (the notes of a file without notes, the
currency of amounts that name none) would cost more than all the others together.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from funnelcli.store import queries as q
from funnelcli.store.migrations import REACHED_IDS, reached_bit

#: The columns an import may write: a lead's own, and the key of a deal row without an id.
_INSERTED = (*q.LEAD_COLUMNS, "import_key", "dates_estimated")
#: Bound columns never written into the statement: every lead has its own.
_ALWAYS_BOUND = frozenset({"name", "created_at"})
#: The default a bound column is compared with (``None`` for every other column).
_DEFAULT = {"dates_estimated": 0}


def _literal(value: Any) -> str:
    """An SQL literal for a constant of an insert (``None``, ints, our own ISO/code strings)."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _reached(stage: str) -> str:
    """``leads.reached``'s bit for the stage id ``stage`` (an SQL expression)."""
    low, high = REACHED_IDS[0], REACHED_IDS[-1]
    return f"CASE WHEN {stage} BETWEEN {low} AND {high} THEN 1 << {stage} ELSE 0 END"


def lead_insert_sql(
    columns: Sequence[str],
    constants: Mapping[str, Any],
    entry_stage_id: int,
    written: Mapping[str, Any] | None = None,
) -> str:
    """``INSERT INTO leads`` binding ``columns`` (``?1``, ``?2``...); ``constants`` are written
    in the statement. A constant whose column is also bound is a default: ``coalesce(?, constant)``.
    ``written``: columns of ``columns`` that this statement writes as the values given instead
    of binding them (the others keep their order, numbered from ``?1``).

    The lead's history summaries (``reached``, ``last_event_at``) are written too, as
    :func:`~funnelcli.store.imports.record_new_lead_history` will record the history
    (``entry_stage_id``: where a closed lead entered): the history's triggers then find nothing
    to change, and no row is written twice.
    """
    written = written or {}
    value: dict[str, str] = {}
    number = 0
    for column in columns:
        assert column in _INSERTED, column
        if column in written:
            given = _literal(written[column])
        else:
            number += 1
            given = f"?{number}"
        value[column] = (
            f"coalesce({given}, {_literal(constants[column])})" if column in constants else given
        )
    for column, constant in constants.items():
        if column not in columns:
            assert column in q.LEAD_COLUMNS, column
            value[column] = _literal(constant)
    stage, created = value["stage_id"], value["created_at"]
    closed = value.get("closed_at", "NULL")
    entry = reached_bit(entry_stage_id)
    value["reached"] = f"{_reached(stage)} | CASE WHEN {closed} IS NULL THEN 0 ELSE {entry} END"
    value["last_event_at"] = f"max({created}, coalesce({closed}, {created}))"
    return f"INSERT INTO leads ({', '.join(value)}) VALUES ({', '.join(value.values())})"


class NewLeads:
    """New leads, inserted by ``executemany`` batches.

    Each lead binds its name, created date and which of its dates are estimated
    (``leads.dates_estimated``), then its stage and close date when ``staged``, then the lead
    columns ``columns`` of its row (read by name), then its row's currency when
    ``with_currency``. ``defaults`` are written in the statement (``updated_at``, the default
    ``stage_id`` and ``currency``); ``entry_stage_id``: see :func:`lead_insert_sql`. ``keyed``:
    each lead binds its import key last (``leads.import_key``).

    A column left at its default (NULL; 0 for ``dates_estimated``) by every lead of a batch is
    written into that batch's statement instead (see the module's note).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        columns: Sequence[str],
        *,
        staged: bool,
        with_currency: bool,
        defaults: Mapping[str, Any],
        entry_stage_id: int,
        keyed: bool = False,
    ) -> None:
        self.conn = conn
        # The row's own values (its currency too) are read by one getter.
        read = [*columns, "currency"] if with_currency else list(columns)
        bound = ["name", "created_at", "dates_estimated"]
        if staged:
            bound += ["stage_id", "closed_at"]
        bound += read
        if keyed:
            bound.append("import_key")
        self.keyed = keyed
        self.bound = tuple(bound)
        self.defaults = dict(defaults)
        self.entry_stage_id = entry_stage_id
        #: (position, column, default) of each bound column a batch may write as its default.
        self.blanks = [
            (i, column, _DEFAULT.get(column))
            for i, column in enumerate(bound)
            if column not in _ALWAYS_BOUND
        ]
        #: The statement, with the columns it writes instead of binding, and their positions.
        self.statements: dict[
            frozenset[str], tuple[str, Callable[[tuple[Any, ...]], tuple[Any, ...]] | None]
        ] = {}
        self.values_of = getter(read)
        self.staged = staged
        self.batch: list[tuple[Any, ...]] = []

    def add(
        self,
        row: Any,
        name: str,
        created: str,
        stage_id: int | None,
        closed: str | None,
        key: str | None = None,
        estimated: int = 0,
    ) -> None:
        if self.staged:
            record = (name, created, estimated, stage_id, closed, *self.values_of(row))
        else:
            record = (name, created, estimated, *self.values_of(row))
        if self.keyed:
            record += (key,)
        self.batch.append(record)

    def flush(self) -> None:
        batch = self.batch
        if not batch:
            return
        sql, keep = self._statement(self._left_default(batch))
        self.conn.executemany(sql, batch if keep is None else map(keep, batch))
        batch.clear()

    def _left_default(self, batch: list[tuple[Any, ...]]) -> frozenset[str]:
        """The columns every lead of ``batch`` leaves at its default."""
        first, count = batch[0], len(batch)
        # Only a column the first lead leaves at its default is counted: comparing a text with
        # None is slower than finding None.
        return frozenset(
            column
            for i, column, default in self.blanks
            if first[i] == default
            and list(map(operator.itemgetter(i), batch)).count(default) == count
        )

    def _statement(
        self, written: frozenset[str]
    ) -> tuple[str, Callable[[tuple[Any, ...]], tuple[Any, ...]] | None]:
        """The insert that writes the columns ``written`` at their default, and the getter of a
        lead's other values (``None``: all of them)."""
        known = self.statements.get(written)
        if known is None:
            sql = lead_insert_sql(
                self.bound,
                self.defaults,
                self.entry_stage_id,
                {column: _DEFAULT.get(column) for column in written},
            )
            kept = [i for i, column in enumerate(self.bound) if column not in written]
            # name and created_at are always bound: itemgetter of 2+ positions gives a tuple
            keep = operator.itemgetter(*kept) if written else None
            known = self.statements[written] = (sql, keep)
        return known


def getter(names: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A fast ``row -> tuple of its attributes named``."""
    if not names:
        return lambda row: ()
    if len(names) == 1:
        only = operator.attrgetter(names[0])
        return lambda row: (only(row),)
    return operator.attrgetter(*names)
