"""The fields of a lead as typed: cleaned, validated, turned into column values."""

from __future__ import annotations

from typing import Any, NamedTuple

from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.models import Frequency, Lead
from funnelcli.money import parse_currency
from funnelcli.store import Tx
from funnelcli.store import queries as q
from funnelcli.text import clean, normalize_email, normalize_source

#: Fields ``edit``/``qualify`` may clear with ``--unset FIELD``.
UNSETTABLE = (
    "company", "email", "phone", "source", "notes", "external_id", "amount", "frequency",
    "term", "until", "price_only", "decision_maker", "contact_decides", "needs_approval",
    "prerequisites", "expected_close", "probability", "lost_reason",
)  # fmt: skip


def lead_email(value: str | None) -> str | None:
    try:
        return normalize_email(value)
    except ValueError:
        raise UsageError(
            _("invalid email {value!r}: expected an address like name@example.com").format(
                value=value
            )
        ) from None


def lead_name(value: str) -> str:
    name = " ".join((clean(value) or "").split())
    if not name:
        raise UsageError(_("a lead needs a name"))
    if not any(ch.isalnum() for ch in name):  # "-", "?", "..." are typos, not names
        raise UsageError(
            _("invalid lead name {name!r}: expected a name with a letter or a digit").format(
                name=name
            )
        )
    return name


def checked_probability(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise UsageError(
            _("invalid probability {value}: expected 0 to 100 (percent)").format(value=value)
        )
    return value


def external_id_free(conn: Tx, external_id: str | None, lead_id: int | None) -> None:
    if external_id is None:
        return
    owner = q.lead_id_by_external_id(conn, external_id)
    if owner is not None and owner != lead_id:
        raise UsageError(
            _("external id {external_id!r} already belongs to lead {owner}").format(
                external_id=external_id, owner=owner
            )
        )


class Changes(NamedTuple):
    """Field updates from ``edit``/``qualify``; ``None`` means "leave as is"."""

    values: dict[str, Any]
    unset: list[str]


_UNSET_COLUMN = {"amount": "amount_cents", "until": "billed_until"}


def prepared(conn: Tx, lead: Lead, changes: Changes) -> dict[str, Any]:
    """Validate and normalise changes into column values."""
    out: dict[str, Any] = {}
    for typed in changes.unset:
        name = typed.strip().lower().replace("-", "_")  # expected-close, as its option is spelled
        if name not in UNSETTABLE:
            known = ", ".join(field.replace("_", "-") for field in UNSETTABLE)
            raise UsageError(
                _("cannot unset {typed!r}: expected one of {known}").format(
                    typed=typed, known=known
                )
            )
        out[_UNSET_COLUMN.get(name, name)] = None
    for key, value in changes.values.items():
        if value is None:
            continue
        if key == "name":
            value = lead_name(value)
        elif key == "email":
            value = lead_email(value)
        elif key == "source":
            value = normalize_source(value)
        elif key == "currency":
            value = parse_currency(value)
        elif key == "frequency":
            try:
                value = Frequency(str(value).lower()).value
            except ValueError:
                choices = ", ".join(f.value for f in Frequency)
                raise UsageError(
                    _("invalid frequency {value!r}: expected {choices}").format(
                        value=value, choices=choices
                    )
                ) from None
        elif key == "probability":
            value = checked_probability(value)
        elif key == "term" and value < 1:
            raise UsageError(
                _("invalid term {value}: expected a number of payments, 1 or more").format(
                    value=value
                )
            )
        elif key == "billed_until":
            value = value.isoformat()
        elif key == "external_id":
            value = clean(value)
            external_id_free(conn, value, lead.id)
        elif key == "expected_close":
            value = value.isoformat()
        elif isinstance(value, str):
            value = clean(value)
        out[key] = value
    return out
