"""The lead lifecycle: add, find, list, show, edit, qualify, advance, win, lose.

Every write is one ``BEGIN IMMEDIATE`` transaction; every move of a lead is recorded in
``stage_changes`` with its date, so the history is the source of truth for conversion rates and
cycle times. Inputs arrive parsed (datetimes, cents); validation of meaning happens here.
"""

import sqlite3
from datetime import datetime, time
from typing import Any, NamedTuple

from funnelcli import config, dates
from funnelcli.errors import NotFoundError, UsageError
from funnelcli.models import Activity, FollowUp, Frequency, Lead, Stage, StageChange, StageKind
from funnelcli.money import parse_currency
from funnelcli.services.stages import Pipeline, load
from funnelcli.store import Store
from funnelcli.store import queries as q
from funnelcli.text import clean, normalize_email, normalize_source

MAX_LIMIT = 1_000_000_000

#: Fields ``edit``/``qualify`` may clear with ``--unset FIELD``.
UNSETTABLE = (
    "company", "email", "phone", "source", "notes", "external_id", "amount", "frequency",
    "price_only", "decision_maker", "contact_decides", "needs_approval", "prerequisites",
    "expected_close", "probability", "lost_reason",
)  # fmt: skip


# --------------------------------------------------------------------------- lookups


def default_currency(conn: sqlite3.Connection) -> str:
    """``FUNNEL_CURRENCY``, else the database's setting, else CAD."""
    chosen = config.currency_override() or q.get_setting(conn, "currency")
    return parse_currency(chosen) if chosen else config.DEFAULT_CURRENCY


def get_default_currency(store: Store) -> str:
    with store.read() as conn:
        return default_currency(conn)


def set_default_currency(store: Store, currency: str) -> str:
    code = parse_currency(currency)
    with store.write() as conn:
        q.set_setting(conn, "currency", code)
    return code


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 19


def resolve(conn: sqlite3.Connection, ref: str) -> Lead:
    """A lead named by its numeric id, external id or email (when unambiguous).

    ``#12`` is always lead id 12 and ``ext:12`` always the external id ``12``; a bare ``12`` that
    is both one lead's id and another's external id is refused as ambiguous.
    """
    text = (ref or "").strip()
    if not text:
        raise UsageError("no lead given: expected a lead id, external id or email")
    lead_id: int | None = None
    if text.startswith("#") and _is_number(text[1:]):
        lead_id = int(text[1:])
    elif text.lower().startswith("ext:"):
        lead_id = q.lead_id_by_external_id(conn, text[4:].strip())
    elif _is_number(text):
        by_id = int(text) if q.get_lead(conn, int(text)) else None
        by_external = q.lead_id_by_external_id(conn, text)
        if by_id is not None and by_external is not None and by_id != by_external:
            raise UsageError(
                f"{text!r} is ambiguous: lead {by_id} has that id and lead {by_external} that "
                "external id",
                hint=f"write #{text} for the lead id, or ext:{text} for the external id",
            )
        lead_id = by_id if by_id is not None else by_external
    elif "@" in text:
        ids = q.lead_ids_by_email(conn, text.casefold())
        if len(ids) > 1:
            raise UsageError(
                f"{text!r} is the email of several leads ({', '.join(map(str, ids))}): "
                "name one by its id"
            )
        lead_id = ids[0] if ids else None
    else:
        lead_id = q.lead_id_by_external_id(conn, text)
    lead = q.get_lead(conn, lead_id) if lead_id is not None else None
    if lead is None:
        raise NotFoundError(
            f"no lead {text!r}: expected a lead id, external id or email",
            hint=f"find it with: funnel list --search {text!r}",
        )
    return lead


def _now() -> datetime:
    return dates.now()


def _email(value: str | None) -> str | None:
    try:
        return normalize_email(value)
    except ValueError:
        raise UsageError(
            f"invalid email {value!r}: expected an address like name@example.com"
        ) from None


def _name(value: str) -> str:
    name = " ".join((clean(value) or "").split())
    if not name:
        raise UsageError("a lead needs a name")
    return name


def _probability(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise UsageError(f"invalid probability {value}: expected 0 to 100 (percent)")
    return value


def _external_id_free(
    conn: sqlite3.Connection, external_id: str | None, lead_id: int | None
) -> None:
    if external_id is None:
        return
    owner = q.lead_id_by_external_id(conn, external_id)
    if owner is not None and owner != lead_id:
        raise UsageError(f"external id {external_id!r} already belongs to lead {owner}")


def completions(store: Store, incomplete: str, limit: int = 50) -> list[tuple[str, str]]:
    """Open leads whose id starts with ``incomplete`` (newest first), for shell completion."""
    with store.read() as conn:
        found = q.list_leads(conn, q.LeadFilter(status="open", limit=5000))
    return [
        (str(lead.id), " · ".join(p for p in (lead.name, lead.company, lead.stage) if p))
        for lead in found
        if str(lead.id).startswith(incomplete)
    ][:limit]


# --------------------------------------------------------------------------- add


class Added(NamedTuple):
    lead: Lead
    same_email: list[int]  # other leads that already had this email


def add_lead(
    store: Store,
    name: str,
    *,
    company: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    source: str | None = None,
    amount_cents: int | None = None,
    currency: str | None = None,
    stage: str | None = None,
    at: datetime | None = None,
    note: str | None = None,
    external_id: str | None = None,
) -> Added:
    """Add a lead at its first stage (or ``stage``), created ``at`` (default: now)."""
    name = _name(name)
    email = _email(email)
    created = at or _now()
    if created > _now():
        raise UsageError("a lead cannot be created in the future")
    with store.write() as conn:
        pipeline = load(conn)
        first = pipeline.find(stage) if stage else pipeline.open[0]
        external_id = clean(external_id)
        _external_id_free(conn, external_id, None)
        same_email = q.lead_ids_by_email(conn, email) if email else []
        stamp = dates.to_storage(created)
        lead_id = q.insert_lead(
            conn,
            {
                "name": name,
                "company": clean(company),
                "email": email,
                "phone": clean(phone),
                "source": normalize_source(source),
                "notes": clean(note),
                "external_id": external_id,
                "created_at": stamp,
                "updated_at": dates.to_storage(_now()),
                "stage_id": first.id,
                "closed_at": stamp if first.is_closed else None,
                "amount_cents": amount_cents,
                "currency": parse_currency(currency) if currency else default_currency(conn),
            },
        )
        q.insert_stage_change(conn, lead_id, None, first.id, stamp)
        lead = q.get_lead(conn, lead_id)
        assert lead is not None
        return Added(lead, same_email)


# --------------------------------------------------------------------------- read


def list_leads(
    store: Store,
    *,
    stage: str | None = None,
    source: str | None = None,
    status: str | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> tuple[list[Lead], dict[int, str]]:
    """Leads, newest first, and the next open follow-up date of each."""
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"invalid --limit {limit}: expected a number from 1 to {MAX_LIMIT:,}")
    with store.read() as conn:
        stage_id = load(conn).find(stage).id if stage else None
        found = q.list_leads(
            conn,
            q.LeadFilter(
                stage_id=stage_id,
                source=normalize_source(source),
                status=status,
                search=clean(search),
                limit=limit,
            ),
        )
        return found, q.next_follow_up_dates(conn, [lead.id for lead in found])


class LeadCard(NamedTuple):
    """Everything ``show`` prints about one lead."""

    lead: Lead
    history: list[StageChange]
    follow_ups: list[FollowUp]
    activities: list[Activity]
    probability: int  # the probability used for this deal: override, else the stage default


def show_lead(store: Store, ref: str) -> LeadCard:
    with store.read() as conn:
        lead = resolve(conn, ref)
        stage = load(conn).by_id(lead.stage_id)
        return LeadCard(
            lead=lead,
            history=q.stage_history(conn, lead.id),
            follow_ups=q.follow_ups_of(conn, lead.id),
            activities=q.activities_of(conn, lead.id),
            probability=lead.probability if lead.probability is not None else stage.probability,
        )


# --------------------------------------------------------------------------- edit / qualify


class Changes(NamedTuple):
    """Field updates from ``edit``/``qualify``; ``None`` means "leave as is"."""

    values: dict[str, Any]
    unset: list[str]


_UNSET_COLUMN = {"amount": "amount_cents"}


def _prepared(conn: sqlite3.Connection, lead: Lead, changes: Changes) -> dict[str, Any]:
    """Validate and normalise changes into column values."""
    out: dict[str, Any] = {}
    for name in changes.unset:
        if name not in UNSETTABLE:
            raise UsageError(f"cannot unset {name!r}: expected one of {', '.join(UNSETTABLE)}")
        out[_UNSET_COLUMN.get(name, name)] = None
    for key, value in changes.values.items():
        if value is None:
            continue
        if key == "name":
            value = _name(value)
        elif key == "email":
            value = _email(value)
        elif key == "source":
            value = normalize_source(value)
        elif key == "currency":
            value = parse_currency(value)
        elif key == "frequency":
            try:
                value = Frequency(str(value).lower()).value
            except ValueError:
                choices = ", ".join(f.value for f in Frequency)
                raise UsageError(f"invalid frequency {value!r}: expected {choices}") from None
        elif key == "probability":
            value = _probability(value)
        elif key == "external_id":
            value = clean(value)
            _external_id_free(conn, value, lead.id)
        elif key == "expected_close":
            value = value.isoformat()
        elif isinstance(value, str):
            value = clean(value)
        out[key] = value
    return out


class Edited(NamedTuple):
    lead: Lead
    changed: list[str]
    same_email: list[int]


def update_lead(store: Store, ref: str, changes: Changes) -> Edited:
    """Apply ``edit``/``qualify`` changes; fields whose value is unchanged are not touched."""
    with store.write() as conn:
        lead = resolve(conn, ref)
        wanted = _prepared(conn, lead, changes)
        current = {c: getattr(lead, c) for c in q.LEAD_COLUMNS if hasattr(lead, c)}
        diff = {k: v for k, v in wanted.items() if current.get(k) != v}
        same_email: list[int] = []
        if diff.get("email"):
            same_email = [i for i in q.lead_ids_by_email(conn, diff["email"]) if i != lead.id]
        if diff:
            diff["updated_at"] = dates.to_storage(_now())
            q.update_lead(conn, lead.id, diff)
        updated = q.get_lead(conn, lead.id)
        assert updated is not None
        return Edited(updated, sorted(k for k in diff if k != "updated_at"), same_email)


# --------------------------------------------------------------------------- moves


class Moved(NamedTuple):
    lead: Lead
    from_stage: Stage
    to_stage: Stage
    at: str
    reopened: bool


def event_moment(
    conn: sqlite3.Connection,
    lead: Lead,
    at: datetime | None,
    *,
    now: datetime | None = None,
    after_last_move: bool = False,
) -> str:
    """When something happened to ``lead`` (``--at``, default now), as stored.

    Never before the lead was created (nor, for a stage change, before its last one). A date
    given without a time (local midnight) on that same day means "that day" and is taken as the
    creation (or last move) moment; any other earlier moment is refused.
    """
    moment = (at or now or _now()).astimezone()
    floors: list[tuple[str, str | None]] = [("was created", lead.created_at)]
    if after_last_move:
        floors.append(("last changed stage", q.last_stage_change_at(conn, lead.id)))
    for label, floor in floors:
        if floor is None:
            continue
        floor_moment = dates.from_storage(floor)
        if moment >= floor_moment:
            continue
        date_only = moment.time() == time(0)
        if date_only and moment.date() == floor_moment.date():
            moment = floor_moment
        else:
            shown = f"{moment:%Y-%m-%d}" if date_only else f"{moment:%Y-%m-%d %H:%M}"
            raise UsageError(
                f"--at {shown} is before lead {lead.id} {label} ({dates.format_local(floor)})"
            )
    return dates.to_storage(moment)


def _move(
    conn: sqlite3.Connection,
    lead: Lead,
    pipeline: Pipeline,
    target: Stage,
    *,
    at: datetime | None,
    note: str | None,
    extra: dict[str, Any] | None = None,
) -> Moved:
    current = pipeline.by_id(lead.stage_id)
    if target.id == current.id:
        raise UsageError(f"lead {lead.id} is already at stage {current.name!r}")
    stamp = event_moment(conn, lead, at, after_last_move=True)
    values: dict[str, Any] = {
        "stage_id": target.id,
        "closed_at": stamp if target.is_closed else None,
        "updated_at": dates.to_storage(_now()),
        **(extra or {}),
    }
    if current.kind is StageKind.LOST and not target.is_closed:
        values.setdefault("lost_reason", None)  # reopened: the reason stays in the history
    q.update_lead(conn, lead.id, values)
    q.insert_stage_change(conn, lead.id, current.id, target.id, stamp, clean(note))
    moved = q.get_lead(conn, lead.id)
    assert moved is not None
    return Moved(moved, current, target, stamp, reopened=current.is_closed and not target.is_closed)


def advance(
    store: Store,
    ref: str,
    stage: str | None = None,
    *,
    at: datetime | None = None,
    note: str | None = None,
) -> Moved:
    """Move a lead to the next open stage, or to the stage named (backwards, or reopening)."""
    with store.write() as conn:
        lead = resolve(conn, ref)
        pipeline = load(conn)
        current = pipeline.by_id(lead.stage_id)
        if stage is None:
            if current.is_closed:
                raise UsageError(
                    f"lead {lead.id} is {current.kind.value}: a closed lead does not advance",
                    hint=f"to reopen it, name the stage: funnel advance {lead.id} "
                    f"{pipeline.open[0].name}",
                )
            target = pipeline.next_open(current)
            if target is None:
                raise UsageError(
                    f"lead {lead.id} is at the last open stage {current.name!r}",
                    hint=f"close it with: funnel win {lead.id}  or  funnel lose {lead.id}",
                )
        else:
            target = pipeline.find(stage)
        if target.kind is StageKind.WON:
            return _close_won(conn, lead, pipeline, at=at, note=note)
        if target.kind is StageKind.LOST:
            return _close_lost(conn, lead, pipeline, at=at, reason=note)
        return _move(conn, lead, pipeline, target, at=at, note=note)


def _refuse_closed(lead: Lead, pipeline: Pipeline, verb: str) -> None:
    if lead.is_closed:
        raise UsageError(
            f"lead {lead.id} is already {lead.stage_kind.value}: it cannot be {verb}",
            hint=f"reopen it first: funnel advance {lead.id} {pipeline.open[-1].name}",
        )


def _close_won(
    conn: sqlite3.Connection,
    lead: Lead,
    pipeline: Pipeline,
    *,
    at: datetime | None,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Moved:
    _refuse_closed(lead, pipeline, "won")
    return _move(conn, lead, pipeline, pipeline.won, at=at, note=note, extra=extra)


def _close_lost(
    conn: sqlite3.Connection,
    lead: Lead,
    pipeline: Pipeline,
    *,
    at: datetime | None,
    reason: str | None,
) -> Moved:
    _refuse_closed(lead, pipeline, "lost")
    return _move(
        conn,
        lead,
        pipeline,
        pipeline.lost,
        at=at,
        note=reason,
        extra={"lost_reason": clean(reason)},
    )


def win(
    store: Store,
    ref: str,
    *,
    amount_cents: int | None = None,
    currency: str | None = None,
    at: datetime | None = None,
    note: str | None = None,
) -> Moved:
    """Close a lead as won (optionally with its final amount and currency)."""
    extra: dict[str, Any] = {}
    if amount_cents is not None:
        extra["amount_cents"] = amount_cents
    if currency:
        extra["currency"] = parse_currency(currency)
    with store.write() as conn:
        lead = resolve(conn, ref)
        return _close_won(conn, lead, load(conn), at=at, note=note, extra=extra)


def lose(store: Store, ref: str, *, reason: str | None = None, at: datetime | None = None) -> Moved:
    """Close a lead as lost, with the reason (which the ``lost`` report counts)."""
    with store.write() as conn:
        lead = resolve(conn, ref)
        return _close_lost(conn, lead, load(conn), at=at, reason=reason)
