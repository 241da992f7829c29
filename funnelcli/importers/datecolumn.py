"""Date columns: ISO first, then slashed dates in the column's day/month order.

The order is ``--dayfirst``/``--monthfirst``, else inferred per column. Inferred, a slashed date
with a day above 12 tells the order (evidence); a date that could be read either way (both
parts ≤ 12) is read day-first, or month-first once the column has shown month-first evidence;
evidence both ways is an error, and so is a column that never tells.

One case needs the whole column: an ambiguous date before any evidence, in a column that turns
out month-first further down. So the first time a value of an inferred column depends on the
order before any evidence, a first pass over the column decides it
(:func:`month_first_evidence`): a column whose first evidence is month-first, after ambiguous
dates, is then read as with ``--monthfirst`` from its first row. Most columns never need the
pass: ISO dates depend on no order, and a day above 12 usually comes first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from funnelcli import dates
from funnelcli.errors import DataError, FunnelError
from funnelcli.i18n import _, english_message
from funnelcli.importers.dateforms import excel_serial, month_name_date
from funnelcli.importers.problems import ValueProblem, reason_of

_SLASHED = re.compile(
    r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
_YEAR_FIRST = re.compile(
    r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)

#: Where a value was read: its line and text.
Seen = tuple[int, str]


def month_first_evidence(cells: Iterable[Seen]) -> Seen | None:
    """The first pass over an inferred column (its non-empty cells, in file order): the first
    month-first date when ambiguous dates come before it and no day-first date does (the column
    is then read month-first), else None."""
    ambiguous = False
    for line, text in cells:
        match = _SLASHED.fullmatch(text)
        if match is None:
            continue
        first, second = int(match[1]), int(match[2])
        if first > 12 >= second:
            return None
        if second > 12 >= first:
            return (line, text) if ambiguous else None
        if first <= 12 and second <= 12 and first != second:
            ambiguous = True
    return None


class Cursor:
    """The line being parsed, shared by the cell parsers of one import (for messages)."""

    line = 0


class DateColumn:
    """Parses one date column (see the module's docstring for the day/month order).

    ``order``: True (day first), False (month first) or None (inferred). ``first_pass``: the
    first pass over the column, called at most once, when an inferred order is needed.
    """

    def __init__(
        self,
        header: str,
        *,
        instant: bool,
        order: bool | None,
        now: datetime,
        cursor: Cursor,
        first_pass: Callable[[], Seen | None],
        future: bool = False,
    ) -> None:
        self.header = header
        self.instant = instant
        self.order = order
        self.inferred = order is None
        self.explicit = order is not None  # --dayfirst / --monthfirst
        self.depended = False  # a value read depended on an inferred order
        self.now = now
        self.cursor = cursor
        self.first_pass = first_pass
        self.prefer = "future" if future else "past"
        self.settled = not self.inferred  # nothing the first pass could change
        self.month_first: Seen | None = None  # told by the first pass
        self.dayfirst_seen: Seen | None = None
        self.monthfirst_seen: Seen | None = None
        self.ambiguous: Seen | None = None
        self._cache: dict[str, str] = {}

    def _settle(self) -> None:
        self.settled = True
        self.month_first = self.first_pass()
        if self.month_first is not None:
            self.order = False
            self.inferred = False

    def _store(self, day: date, at: time | None = None, moment: datetime | None = None) -> str:
        """An instant (UTC ISO, naive meaning local time) or a local calendar date."""
        if not self.instant:
            if moment is not None and moment.tzinfo is not None:
                return moment.astimezone().date().isoformat()
            return day.isoformat()
        if moment is None:
            moment = datetime.combine(day, at or time())
        return dates.to_storage(moment)

    def __call__(self, text: str) -> str:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        value, cacheable = self._parse(text)
        if cacheable:
            if len(self._cache) >= 4096:
                self._cache.clear()
            self._cache[text] = value
        return value

    def _parse(self, text: str) -> tuple[str, bool]:
        if len(text) >= 8 and text[:4].isdigit() and text[4] == "-":
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                pass
            else:
                self._check_year(moment.year)
                if len(text) == 10:
                    return self._store(moment.date()), True
                if not self.instant:
                    local = moment.astimezone() if moment.tzinfo else moment
                    return local.date().isoformat(), True
                return self._store(moment.date(), moment=moment), False
        match = _SLASHED.fullmatch(text)
        if match:
            return self._slashed(match, text)
        match = _YEAR_FIRST.fullmatch(text)
        if match:
            year, month, day = int(match[1]), int(match[2]), int(match[3])
            return self._build(text, year, month, day, match[4], match[5], match[6], None)
        parts = month_name_date(text)
        if parts is not None:
            hour, minute, second, ampm = parts.time or (None, None, None, None)
            return self._build(text, parts.year, parts.month, parts.day, hour, minute, second, ampm)
        if text[:1].isdigit():
            try:
                serial = excel_serial(text)
            except ValueError as exc:
                raise ValueProblem(str(exc)) from None
            if serial is not None:
                self._check_year(serial[0].year)
                return self._store(*serial), serial[1] is None
        if not self.settled:  # a human date: read with the column's order
            self._settle()
        try:
            when = dates.parse_when(
                text,
                ref=self.now,
                dayfirst=self.order,
                prefer=self.prefer,  # type: ignore[arg-type]
            )
        except FunnelError as exc:
            message = english_message(  # kept in English
                dates.parse_when, text, ref=self.now, dayfirst=self.order, prefer=self.prefer
            )
            raise ValueProblem(_date_reason(message or exc.message)) from None
        self._check_year(when.date.year)
        return self._store(when.date, when.time), when.time is None

    def _check_year(self, year: int) -> None:
        if not dates.MIN_YEAR <= year <= dates.MAX_YEAR:
            raise ValueProblem(f"year {year} is out of range")

    def _slashed(self, match: re.Match[str], text: str) -> tuple[str, bool]:
        first, second = int(match[1]), int(match[2])
        year_text = match[3]
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        neither = first > 12 and second > 12
        either = first <= 12 and second <= 12 and first != second
        if (neither or either) and not self.settled:
            self._settle()  # what the value (or its refusal) is depends on the order
        if either and not self.explicit:
            self.depended = True
        order = self.order
        if order is None:
            if first > 12 and second <= 12:
                self._evidence(True, text)
                order = True
            elif second > 12 and first <= 12:
                self._evidence(False, text)
                order = False
            elif first > 12 and second > 12:
                raise ValueProblem("neither number can be the month")
            elif first == second or self.dayfirst_seen:
                order = True
            elif self.monthfirst_seen:
                order = False
            else:
                if self.ambiguous is None:
                    self.ambiguous = (self.cursor.line, text)
                order = True
        day, month = (first, second) if order else (second, first)
        if month > 12:
            flag = "--dayfirst" if self.order else "--monthfirst"
            raise ValueProblem(f"no month {month}: not a date with {flag}")
        return self._build(text, year, month, day, match[4], match[5], match[6], match[7])

    def _evidence(self, dayfirst: bool, text: str) -> None:
        self.settled = True  # evidence before any ambiguous date: the column tells as it goes
        here = (self.cursor.line, text)
        if dayfirst:
            if self.dayfirst_seen is None:
                self.dayfirst_seen = here
        elif self.monthfirst_seen is None:
            self.monthfirst_seen = here
        if self.dayfirst_seen and self.monthfirst_seen:
            (d_line, d_text), (m_line, m_text) = self.dayfirst_seen, self.monthfirst_seen
            raise DataError(
                _(
                    "column {header!r} mixes day-first dates (line {d_line}: {d_text!r}) and "
                    "month-first dates (line {m_line}: {m_text!r})"
                ).format(
                    header=self.header, d_line=d_line, d_text=d_text, m_line=m_line, m_text=m_text
                ),
                hint=_(
                    "say which with --dayfirst or --monthfirst; the rows that do not fit are "
                    "then reported"
                ),
            )

    def _build(
        self,
        text: str,
        year: int,
        month: int,
        day: int,
        hour: str | None,
        minute: str | None,
        second: str | None,
        ampm: str | None,
    ) -> tuple[str, bool]:
        self._check_year(year)
        try:
            parsed = date(year, month, day)
        except ValueError as exc:
            raise ValueProblem(str(exc)) from None
        at = None
        if hour is not None:
            h, m, s = int(hour), int(minute or 0), int(second or 0)
            if ampm:
                if not 1 <= h <= 12:
                    raise ValueProblem("invalid time")
                h = h % 12 + (12 if ampm.lower() == "pm" else 0)
            if h > 23 or m > 59 or s > 59:
                raise ValueProblem("invalid time")
            at = time(h, m, s)
        return self._store(parsed, at), at is None

    def decision(self) -> tuple[bool, Seen] | None:
        """The order inferred for values that depended on it (True: day first) and the value
        that told it; None when no value depended on an inferred order."""
        if not self.depended:
            return None
        if self.month_first is not None:
            return False, self.month_first
        if self.dayfirst_seen is not None:
            return True, self.dayfirst_seen
        if self.monthfirst_seen is not None:
            return False, self.monthfirst_seen
        return None  # the column never told: check_resolved says so

    def check_resolved(self) -> None:
        """After the last row: a column that never told its order is an error."""
        if self.inferred and self.ambiguous and not (self.dayfirst_seen or self.monthfirst_seen):
            line, text = self.ambiguous
            raise DataError(
                _(
                    "ambiguous dates in column {header!r} (line {line}: {text!r}): day or month "
                    "first? No date in the column tells"
                ).format(header=self.header, line=line, text=text),
                hint=_("pass --dayfirst or --monthfirst"),
            )


def _date_reason(message: str) -> str:
    reason = reason_of(message)
    return (
        "expected a date like 2026-03-15 or 15/03/2026"
        if reason.startswith("expected an ISO")
        else reason
    )
