"""Lead rows: a file's cells -> :class:`LeadValues`, one lead's normalised values (instants UTC
ISO, dates YYYY-MM-DD, exact cents), its stage and its dates."""

from __future__ import annotations

from collections import namedtuple
from datetime import datetime
from typing import Any, NamedTuple

from funnelcli import dates
from funnelcli.importers.cells import (
    collapse,
    parse_bool,
    parse_currency_cell,
    parse_email,
    parse_frequency,
    parse_money,
    parse_probability,
    parse_source,
)
from funnelcli.importers.columns import ColumnMap
from funnelcli.importers.emails import SeveralEmails, parse_emails, with_line
from funnelcli.importers.placeholders import ProbabilityColumn, shows_real_probabilities
from funnelcli.importers.problems import LineTally, Problem
from funnelcli.importers.profile_rules import ProfileRows
from funnelcli.importers.rows import Reread, RowParser
from funnelcli.importers.stages import StageWords
from funnelcli.models import Stage

#: A lead row's cells as parsed, by field (None: the file has no value).
LeadCells = namedtuple(
    "LeadCells",
    (
        "name", "first_name", "last_name", "company", "email", "phone", "source", "notes",
        "external_id", "stage", "status", "created", "closed", "expected_close", "amount",
        "currency", "frequency", "price_only", "decision_maker", "contact_decides",
        "needs_approval", "prerequisites", "probability", "lost_reason",
    ),
)  # fmt: skip


#: The lead columns a row carries (the names of ``leads``' columns).
LEAD_COLUMNS = (
    "name", "company", "email", "phone", "source", "notes", "external_id", "expected_close",
    "amount_cents", "currency", "frequency", "price_only", "decision_maker", "contact_decides",
    "needs_approval", "prerequisites", "probability", "lost_reason",
)  # fmt: skip


class LeadValues(NamedTuple):
    """One valid lead row. The lead columns are named as ``leads``' columns (None: the file has
    no value); ``name`` is the name as written, ``display_name`` the lead's name (else its
    company, email or phone)."""

    line: int
    name: str | None
    company: str | None
    email: str | None
    phone: str | None
    source: str | None
    notes: str | None
    external_id: str | None
    expected_close: str | None
    amount_cents: int | None
    currency: str | None
    frequency: str | None
    price_only: int | None
    decision_maker: str | None
    contact_decides: int | None
    needs_approval: int | None
    prerequisites: str | None
    probability: int | None
    lost_reason: str | None
    display_name: str
    stage: Stage | None
    created_at: str | None
    closed_at: str | None

    @property
    def values(self) -> dict[str, Any]:
        """The lead columns the file gives a value."""
        return {c: v for c in LEAD_COLUMNS if (v := getattr(self, c)) is not None}


#: ``LeadValues(*values)`` without the Python-level ``__new__`` (values in field order).
_new_values = tuple.__new__


def parse_lead_money(text: str) -> tuple[int, str | None]:
    """:func:`parse_money`, with ``"$"`` for the currency of an amount written with a bare
    ``$`` (it names no currency: the database's is taken, and the person told)."""
    cents, named = parse_money(text)
    if named is None and "$" in text:
        return cents, "$"
    return cents, named


class LeadParser(RowParser[LeadValues]):
    Cells = LeadCells
    PARSERS = {
        "name": collapse,
        "first_name": collapse,
        "last_name": collapse,
        "email": parse_emails,
        "source": parse_source,
        "amount": parse_lead_money,
        "currency": parse_currency_cell,
        "frequency": parse_frequency,
        "price_only": parse_bool,
        "contact_decides": parse_bool,
        "needs_approval": parse_bool,
        "probability": parse_probability,
    }
    #: One address, the cell of most rows: a cell of several fails it (a second ``@``).
    FAST_PARSERS = {"email": parse_email}
    DATES = {
        "created": (True, False),
        "closed": (True, False),
        "expected_close": (False, True),
    }

    def __init__(
        self,
        columns: ColumnMap,
        *,
        stages: StageWords,
        now: datetime,
        order: bool | None = None,
        reread: Reread | None = None,
        currency: str = "",
        rules: ProfileRows | None = None,
    ) -> None:
        """``currency``: the database's, which amounts without one take; ``rules``: the
        recognised CRM profile's (won/lost flag columns, a name for rows without one)."""
        parsers: dict[str, Any] = {"stage": stages, "status": stages}
        # funnel's own export (it has this column): its zeros were typed, they are values.
        self.zeros_are_values = "amount_cents" in columns.headers
        if "probability" in columns.fields and not self.zeros_are_values:
            index = columns.fields["probability"]
            parsers["probability"] = ProbabilityColumn(
                self._column_pass(index, shows_real_probabilities)
            )
        super().__init__(columns, now=now, order=order, reread=reread, parsers=parsers)
        self.currency = currency
        self.rules = rules
        if rules is not None and rules.fills:  # a profile's [first-of] columns: filled first
            self.parse = self._parse_filled  # type: ignore[method-assign]
        self.bare_dollar: tuple[int, str] | None = None  # the first amount written "$…"
        self.several_emails = LineTally()  # cells of several emails
        self.closed_before_created = LineTally()  # closed rows whose close precedes creation

    def warnings(self) -> list[str]:
        found = []
        if self.several_emails.count:
            found.append(
                f"{self.several_emails.counted()} with several emails in column "
                f"{self.header_of('email')!r} {self.several_emails.where()}: the first is the "
                "lead's email, the others are added to its notes ('Other emails: …')"
            )
        if self.closed_before_created.count:
            found.append(
                f"{self.closed_before_created.counted()} closed before their created date "
                f"{self.closed_before_created.where()}: the close date in column "
                f"{self.header_of('closed')!r} is kept, the created date is estimated from it "
                "(marked, left out of the sales cycle)"
            )
        return found

    def _parse_filled(self, line: int, fields: list[str]) -> LeadValues | list[Problem] | None:
        assert self.rules is not None
        return super().parse(line, self.rules.fill(fields))

    def notes(self) -> list[tuple[int, str]]:
        found = super().notes()
        if self.bare_dollar is not None:
            line, text = self.bare_dollar
            found.append(
                (
                    line,
                    f"amounts with a bare '$' in column {self.header_of('amount')!r} (line "
                    f"{line}: {text!r}) are read as {self.currency or 'the default currency'}, "
                    "the database's currency; a currency column or 'USD 1,200' says otherwise",
                )
            )
        return found

    def values(self, line: int, cells: LeadCells, fields: list[str]) -> LeadValues | list[Problem]:
        name, email, notes = cells.name, cells.email, cells.notes
        if type(email) is SeveralEmails:
            notes = with_line(notes, email.line)
            email = email.addresses[0]
            self.several_emails.add(line)
        if cells.first_name or cells.last_name:
            first, last = cells.first_name, cells.last_name
            if first:
                name = f"{first} {name or last or ''}".strip()
            elif not name:
                name = last
        display = name or cells.company or email or cells.phone
        if display and display is not name:  # a name is one line, like every lead's name
            display = collapse(display)
        rules = self.rules
        if not display and rules is not None:
            name = display = rules.name(fields)
        if not display:
            return [
                Problem(line, None, None, "no name, company, email or phone: nothing to import")
            ]
        cents = None
        currency = cells.currency
        stage, status, created, closed = cells.stage, cells.status, cells.created, cells.closed
        # A closed status wins over an open stage; else the stage column, else the status.
        target = status if status is not None and status.kind != "open" else stage or status
        if rules is not None and rules.outcomes:
            decided, stage_of = rules.outcome(fields)
            if decided:
                target = stage_of or target
        is_closed = target is not None and target.kind != "open"
        if cells.amount is not None:
            cents, named = cells.amount
            if not cents and not is_closed and not self.zeros_are_values:
                cents = None  # 0 on an open deal: CRMs (Odoo) export it for "not estimated"
            if named == "$":
                if currency is None and cents is not None and self.bare_dollar is None:
                    self.bare_dollar = (line, self.raw(fields, "amount") or "")
            elif named:
                if currency and named != currency:
                    return [
                        Problem(
                            line,
                            self.header_of("currency"),
                            self.raw(fields, "currency"),
                            f"the amount is in {named}, the currency column says {currency}",
                        )
                    ]
                currency = named
        now = self.now_stamp
        if (created and created > now) or (is_closed and closed):
            problems = self._check_dates(line, fields, created, closed if is_closed else None)
            if problems:
                return problems
            if is_closed and closed and created and closed < created:
                # The other CRM's record was created after the deal closed (a data migration):
                # the close is the business event, the creation is estimated from it.
                self.closed_before_created.add(line)
                created = None
        expected_close, lost_reason = cells.expected_close, cells.lost_reason
        if not is_closed:
            if closed and expected_close is None:
                # CRMs export one "Close Date": on an open deal it is the expected close.
                expected_close = dates.local_date_of(closed).isoformat()
            closed = None
            lost_reason = None
        elif target is not None and target.kind != "lost":
            lost_reason = None
        return _new_values(
            LeadValues,
            (
                line,
                name,
                cells.company,
                email,
                cells.phone,
                cells.source,
                notes,
                cells.external_id,
                expected_close,
                cents,
                currency,
                cells.frequency,
                cells.price_only,
                cells.decision_maker,
                cells.contact_decides,
                cells.needs_approval,
                cells.prerequisites,
                cells.probability,
                lost_reason,
                display,
                target,
                created,
                closed,
            ),
        )

    def _check_dates(
        self, line: int, fields: list[str], created: str | None, closed: str | None
    ) -> list[Problem]:
        found = [
            self._future(line, fields, "created", created, "created date"),
            self._future(line, fields, "closed", closed, "close date"),
        ]
        return [p for p in found if p is not None]
