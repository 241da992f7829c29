"""Plain domain types shared by services, KPIs and rendering. Standard library only."""

import enum
from typing import NamedTuple

from funnelcli.i18n import N_, _


def follow_up_ref(follow_up_id: int) -> str:
    """A follow-up id as people see it, ``F12``: never taken for lead 12 (JSON and CSV keep the
    integer; every command accepts ``F12`` and ``12``)."""
    return f"F{follow_up_id}"


class StageKind(enum.StrEnum):
    """An open stage is part of the pipeline; ``won`` and ``lost`` close a lead.

    A lead's status (open, won or lost) is the kind of the stage it is at."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Frequency(enum.StrEnum):
    ONCE = "once"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


#: Activity types the SPEC names; any other single word is accepted too.
ACTIVITY_TYPES = ("call", "email", "meeting", "demo", "proposal", "note")


class Stage(NamedTuple):
    id: int
    name: str
    position: int
    probability: int
    kind: StageKind
    is_opportunity: bool

    @property
    def is_closed(self) -> bool:
        return self.kind is not StageKind.OPEN


class Lead(NamedTuple):
    """One prospect's journey through the funnel, as stored (instants are UTC ISO strings)."""

    id: int
    name: str
    created_at: str
    updated_at: str
    stage_id: int
    stage: str
    stage_kind: StageKind
    currency: str
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    notes: str | None = None
    external_id: str | None = None
    closed_at: str | None = None
    lost_reason: str | None = None
    amount_cents: int | None = None
    frequency: str | None = None
    term: int | None = None  # payments of a recurring deal (the won amount being the first)
    billed_until: str | None = None  # the last day a recurring deal bills, YYYY-MM-DD
    price_only: bool | None = None
    decision_maker: str | None = None
    contact_decides: bool | None = None
    needs_approval: bool | None = None
    prerequisites: str | None = None
    expected_close: str | None = None
    probability: int | None = None

    @property
    def status(self) -> StageKind:
        return self.stage_kind

    @property
    def is_closed(self) -> bool:
        return self.stage_kind is not StageKind.OPEN


class StageChange(NamedTuple):
    id: int
    lead_id: int
    from_stage: str | None
    to_stage: str
    at: str
    note: str | None


def due_text(due_date: str, due_time: str | None) -> str:
    """A diary due date for people: ``2026-12-01`` or ``2026-12-01 14:30``."""
    return f"{due_date} {due_time}" if due_time else due_date


class FollowUp(NamedTuple):
    id: int
    lead_id: int
    text: str
    due_date: str
    due_time: str | None
    created_at: str
    done_at: str | None
    done_note: str | None
    snooze_count: int
    cancel_reason: str | None = None  # a code of CANCEL_REASONS: closed without being kept

    @property
    def due(self) -> str:
        return due_text(self.due_date, self.due_time)

    @property
    def status(self) -> str:
        """``open``, ``done`` or ``cancelled`` (``done_at`` is when it was closed, either way)."""
        if self.done_at is None:
            return "open"
        return "cancelled" if self.cancel_reason else "done"


#: Why a promise was cancelled: the codes stored (and in JSON/CSV), and their words.
CANCEL_REASONS = {"lead-won": N_("the lead was won"), "lead-lost": N_("the lead was lost")}


#: Promises funnel writes itself: the code stored as the follow-up's text, and its words (shown
#: in the interface's language; JSON and CSV keep the English words, as before the code).
PROMISE_TEXTS = {"web-form-reply": N_("Reply to the web-form message")}
_PROMISE_CODES = {words: code for code, words in PROMISE_TEXTS.items()} | {
    code: code for code in PROMISE_TEXTS
}


def promise_code(text: str) -> str | None:
    """The code of a text funnel wrote (``web-form-reply``, or its English words, as funnel
    stored it before 0.6), and what a note added after it (`` — note`` when it was done)."""
    return _PROMISE_CODES.get(text.partition(" — ")[0])


def promise_text(text: str, *, translate: bool = True) -> str:
    """A follow-up's (or its done activity's) text for people: a code funnel stored is worded
    in the interface's language (``translate=False``: in English, for JSON and CSV)."""
    code = promise_code(text)
    if code is None:
        return text
    words = PROMISE_TEXTS[code]
    _head, dash, rest = text.partition(" — ")
    return (_(words) if translate else words) + dash + rest


def activity_text(activity: "Activity") -> str:
    """An action's text for people: a kept promise's code worded (``funnel log``, the card)."""
    text = activity.text or ""
    return promise_text(text) if activity.type == "follow-up" else text


def cancel_reason(kind: str) -> str | None:
    """The code of the promises a lead's close cancels (``won`` -> ``lead-won``); None for an
    open stage."""
    code = f"lead-{kind}"
    return code if code in CANCEL_REASONS else None


class Activity(NamedTuple):
    id: int
    lead_id: int
    type: str
    text: str | None
    at: str
    follow_up_id: int | None


class Contact(NamedTuple):
    """Who a follow-up is with: enough of the lead to pick up the phone."""

    lead_id: int
    name: str
    company: str | None
    email: str | None
    phone: str | None


# --------------------------------------------------------------------------- use-case results
# What the services hand back and render draws: neutral types, so render never imports services.


class Added(NamedTuple):
    lead: Lead
    same_email: list[int]  # other leads that already had this email


class Existing(NamedTuple):
    """``funnel add --if-exists show|update``: the lead that already had the email, not added
    again; ``updated``: the empty fields it filled (``None`` for ``show``)."""

    lead: Lead
    updated: list[str] | None


class Edited(NamedTuple):
    lead: Lead
    changed: list[str]
    same_email: list[int]


class Moved(NamedTuple):
    lead: Lead
    from_stage: Stage
    to_stage: Stage
    at: str
    reopened: bool
    follow_ups: int = 0  # promises cancelled by a close, or opened again by a reopen


class LeadList(NamedTuple):
    """What ``funnel list`` found: the leads, each one's next open follow-up date, and how many
    more matched past the limit."""

    leads: list[Lead]
    next_follow_ups: dict[int, str]
    more: int = 0


class LeadCard(NamedTuple):
    """Everything ``show`` prints about one lead."""

    lead: Lead
    history: list[StageChange]
    follow_ups: list[FollowUp]
    activities: list[Activity]
    probability: int  # the probability used for this deal: override, else the stage default
    dates_estimated: tuple[str, ...] = ()  # "created", "closed": dates an import estimated
    other_external_ids: tuple[str, ...] = ()  # ids of leads merged into it


class Item(NamedTuple):
    """A follow-up as listed: with its lead, and where it stands at ``now``."""

    follow_up: FollowUp
    lead: Contact
    overdue: bool
    days_late: int  # calendar days since the due date; negative when it is due ahead

    @property
    def due(self) -> str:
        return self.follow_up.due


class Done(NamedTuple):
    item: Item
    activity: Activity


class Snoozed(NamedTuple):
    item: Item
    previous_due: str
