"""``--update-fields name,phone,…`` (``update-fields = [...]`` in a mapping file): which fields of
a known lead a re-import may overwrite. The others are only filled where the lead has no value;
the source and the notes are never overwritten (the first-touch source is kept, later notes
are appended)."""

from __future__ import annotations

from collections.abc import Iterable

#: The field names, as ``--map`` names them -> the lead columns each one covers.
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "company": ("company",),
    "email": ("email",),
    "phone": ("phone",),
    "external_id": ("external_id",),
    "amount": ("amount_cents", "currency"),
    "frequency": ("frequency",),
    "price_only": ("price_only",),
    "decision_maker": ("decision_maker",),
    "contact_decides": ("contact_decides",),
    "needs_approval": ("needs_approval",),
    "prerequisites": ("prerequisites",),
    "probability": ("probability",),
    "expected_close": ("expected_close",),
    "stage": ("stage_id", "closed_at", "lost_reason"),
}


def unknown_fields(names: Iterable[str]) -> list[str]:
    """The names that are not fields a re-import may overwrite (``-`` is read as ``_``)."""
    return [name for name in names if _name(name) not in FIELDS]


def columns_of(names: Iterable[str]) -> frozenset[str]:
    """The lead columns the fields ``names`` cover (names checked by :func:`unknown_fields`)."""
    return frozenset(column for name in names for column in FIELDS[_name(name)])


def split(text: str) -> list[str]:
    """``'name, phone'`` -> ``['name', 'phone']``."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _name(name: str) -> str:
    return name.strip().lower().replace("-", "_")
