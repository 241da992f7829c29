"""The dates of a lead import: which dates a new lead gets when its row lacks them (kept, and
marked estimated in ``leads.dates_estimated``), and how a known lead's dates follow a file
that knows better (a real date clears the mark; a close before the lead's creation in funnel
moves the creation back instead of the close forward).
"""

from __future__ import annotations

from funnelcli.dates import format_local
from funnelcli.importers.leads import LeadValues
from funnelcli.importers.summary import Summary
from funnelcli.store.estimated import CLOSED_ESTIMATED, CREATED_ESTIMATED
from funnelcli.store.imports import ImportWriter, KnownLead


def new_dates(
    row: LeadValues, closed_kind: bool, now: str, summary: Summary
) -> tuple[str, str | None, int]:
    """A new lead's dates: created, closed, and the ``leads.dates_estimated`` bits. The row's,
    else estimated (the import's time; a closed row without created date: its close date) and
    counted in the summary. (A plain tuple: this runs once per new lead.)"""
    created, estimated = row.created_at, 0
    if not closed_kind:
        if created is None:
            created, estimated = now, CREATED_ESTIMATED
            summary.created_now += 1
        return created, None, estimated
    closed = row.closed_at
    if closed is None:
        closed, estimated = now, CLOSED_ESTIMATED
        summary.closed_now += 1
    if created is None:
        created, estimated = closed, estimated | CREATED_ESTIMATED
        if row.closed_at is None:
            summary.created_now += 1
        else:
            summary.created_on_close += 1
    return created, closed, estimated


def _day(stamp: str) -> str:
    return format_local(stamp, with_time=False)


class KnownDates:
    """A known lead's dates as the rows of one import correct them."""

    def __init__(self, writer: ImportWriter, summary: Summary) -> None:
        self.writer = writer
        self.summary = summary

    def real_dates(self, found: KnownLead, row: LeadValues) -> KnownLead:
        """Take the row's real dates where the lead's are estimated; the lead as it is now."""
        bits = found.dates_estimated
        if not bits:
            return found
        redate = self.writer.redate(found.id)
        created = row.created_at
        if bits & CREATED_ESTIMATED and created is not None:
            first = redate.first_move_at()
            if first is None or created <= first:
                bits &= ~CREATED_ESTIMATED
                redate.created(created, bits)
                found = found._replace(created_at=created, dates_estimated=bits)
                self.summary.dates_found += 1
        closed = row.closed_at
        was = found.closed_at
        if bits & CLOSED_ESTIMATED and closed is not None and was is not None:
            before = redate.last_move_before(was)
            if closed >= max(found.created_at, before or ""):
                bits &= ~CLOSED_ESTIMATED
                redate.closed(was, closed, bits)
                found = found._replace(closed_at=closed, dates_estimated=bits)
                self.summary.dates_found += 1
        return found

    def closed_now(self, found: KnownLead) -> None:
        """The row closes ``found`` without a close date: closed at the import's time, marked."""
        self.writer.redate(found.id).mark(found.dates_estimated | CLOSED_ESTIMATED)
        self.summary.closed_now += 1

    def close_at(self, found: KnownLead, row: LeadValues, closed: str, floor: str) -> str:
        """Where to record the close of ``found`` that the row dates ``closed``, before
        ``floor`` (the lead's creation or last stage change in funnel); said in a warning.

        A lead with no stage change since its creation was known earlier by the other CRM:
        its creation moves back to the row's created date, or else to the close date (then
        marked estimated). Otherwise the close cannot go before the changes that funnel
        recorded: it is recorded at the last one."""
        redate = self.writer.redate(found.id)
        said = f"line {row.line} closes lead {found.id} on {_day(closed)}, before "
        if redate.first_move_at() is not None:
            self.summary.redated.append(
                f"{said}its last stage change in funnel ({_day(floor)}): closed on "
                f"{_day(floor)} instead"
            )
            return floor
        created = row.created_at
        bits = found.dates_estimated & ~CREATED_ESTIMATED
        if created is not None and created <= closed:
            where = f"the file's created date, {_day(created)}"
        else:
            created, bits = closed, bits | CREATED_ESTIMATED
            where = "the close date (marked estimated)"
        redate.created(created, bits)
        self.summary.redated.append(
            f"{said}its creation in funnel ({_day(found.created_at)}): its creation was moved "
            f"back to {where}"
        )
        return closed
