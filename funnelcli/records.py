"""Domain objects as plain records: the stable JSON/CSV contract of every command.

Instants are UTC ISO 8601 strings (``2026-11-29T14:30:00Z``), calendar dates ``YYYY-MM-DD``,
amounts both as an exact decimal string (``"12000.00"``) and as integer cents, with the
currency beside them. Missing values are ``null``.
"""

from __future__ import annotations

from typing import Any

from funnelcli.models import Activity, FollowUp, Lead, Stage, StageChange, promise_text
from funnelcli.money import to_decimal

#: The fields of a lead record, in order (CSV columns; a header even when there are no rows).
LEAD_KEYS = (
    "id", "name", "company", "email", "phone", "source", "stage", "status", "created_at",
    "updated_at", "closed_at", "lost_reason", "amount", "amount_cents", "currency", "frequency",
    "term", "billed_until", "price_only", "decision_maker", "contact_decides", "needs_approval",
    "prerequisites", "expected_close", "probability", "external_id", "notes",
)  # fmt: skip


def lead(item: Lead, **extra: Any) -> dict[str, Any]:
    record = {key: getattr(item, key, None) for key in LEAD_KEYS}
    record["status"] = item.status.value
    record["amount"] = to_decimal(item.amount_cents)
    return {**record, **extra}


def stage(item: Stage, **extra: Any) -> dict[str, Any]:
    return {
        "position": item.position,
        "name": item.name,
        "probability": item.probability,
        "kind": item.kind.value,
        "opportunity": item.is_opportunity,
        **extra,
    }


def stage_change(item: StageChange) -> dict[str, Any]:
    return item._asdict()


#: The fields of a follow-up record, in order.
FOLLOW_UP_KEYS = (
    "id", "lead_id", "text", "due_date", "due_time", "status", "created_at", "done_at",
    "done_note", "snooze_count", "cancelled_at", "cancel_reason",
)  # fmt: skip


def follow_up(item: FollowUp, **extra: Any) -> dict[str, Any]:
    """``done_at`` when kept, ``cancelled_at`` and ``cancel_reason`` (a code) when cancelled."""
    record = {key: getattr(item, key, None) for key in FOLLOW_UP_KEYS}
    record["status"] = item.status
    record["text"] = promise_text(item.text, translate=False)
    if item.cancel_reason:
        record["done_at"], record["cancelled_at"] = None, item.done_at
    return {**record, **extra}


def activity(item: Activity) -> dict[str, Any]:
    """A follow-up's text funnel stored as a code is in English words (``text`` of a kept
    web-form reply: ``Reply to the web-form message — note``)."""
    record = item._asdict()
    if item.type == "follow-up" and item.text:
        record["text"] = promise_text(item.text, translate=False)
    return record
