"""Plain domain types shared by services, KPIs and rendering. Standard library only."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class StageKind(enum.StrEnum):
    """An open stage is part of the pipeline; ``won`` and ``lost`` close a lead."""

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


@dataclass(frozen=True, slots=True)
class Stage:
    id: int
    name: str
    position: int
    probability: int
    kind: StageKind
    is_opportunity: bool

    @property
    def is_closed(self) -> bool:
        return self.kind is not StageKind.OPEN


@dataclass(frozen=True, slots=True)
class DefaultStage:
    name: str
    probability: int
    kind: StageKind
    is_opportunity: bool = False


DEFAULT_PIPELINE: tuple[DefaultStage, ...] = (
    DefaultStage("new", 5, StageKind.OPEN),
    DefaultStage("contacted", 10, StageKind.OPEN),
    DefaultStage("qualified", 25, StageKind.OPEN, is_opportunity=True),
    DefaultStage("proposal", 50, StageKind.OPEN),
    DefaultStage("negotiation", 75, StageKind.OPEN),
    DefaultStage("won", 100, StageKind.WON),
    DefaultStage("lost", 0, StageKind.LOST),
)

#: Lead fields a user may set with ``add``/``edit`` (and an import may fill).
CONTACT_FIELDS = ("name", "company", "email", "phone", "source", "notes", "external_id")

#: Qualification fields, the article's questions.
QUALIFICATION_FIELDS = (
    "amount_cents",
    "currency",
    "frequency",
    "price_only",
    "decision_maker",
    "contact_decides",
    "needs_approval",
    "prerequisites",
    "expected_close",
    "probability",
)


@dataclass(slots=True)
class Lead:
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
    price_only: bool | None = None
    decision_maker: str | None = None
    contact_decides: bool | None = None
    needs_approval: bool | None = None
    prerequisites: str | None = None
    expected_close: str | None = None
    probability: int | None = None

    @property
    def status(self) -> Status:
        return Status(self.stage_kind.value)

    @property
    def is_closed(self) -> bool:
        return self.stage_kind is not StageKind.OPEN


@dataclass(frozen=True, slots=True)
class StageChange:
    id: int
    lead_id: int
    from_stage: str | None
    to_stage: str
    at: str
    note: str | None


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: int
    lead_id: int
    text: str
    due_date: str
    due_time: str | None
    created_at: str
    done_at: str | None
    done_note: str | None
    snooze_count: int


@dataclass(frozen=True, slots=True)
class Activity:
    id: int
    lead_id: int
    type: str
    text: str | None
    at: str
    follow_up_id: int | None
