"""A submission's pairs -> a lead's fields, with the import's header synonyms (name/nom/full
name, first + last name, email/courriel, phone/téléphone, company/entreprise, message/comments
as the message, utm_source as the source…). Whatever is not one of the fields below is kept as
a ``field: value`` line of the notes, never dropped. Shared by ``funnel intake`` and
``funnel add --json``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from funnelcli.errors import DataError, InvalidAmount
from funnelcli.i18n import _
from funnelcli.importers.synonyms import field_of, header_key
from funnelcli.money import parse_amount, parse_currency
from funnelcli.text import clean, normalize_email

#: The lead fields a submission may set; any other field is a line of the notes.
FIELDS = (
    "name", "first_name", "last_name", "company", "email", "phone", "source", "notes",
    "external_id", "amount", "currency",
)  # fmt: skip


class WebLead(NamedTuple):
    """What a submission says about its sender."""

    name: str | None
    email: str | None
    phone: str | None = None
    company: str | None = None
    source: str | None = None
    message: str | None = None
    external_id: str | None = None
    amount_cents: int | None = None
    currency: str | None = None
    #: The other fields, in the submission's order: kept in the notes.
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def contactable(self) -> bool:
        return bool(self.name or self.email or self.phone)

    def display_name(self) -> str | None:
        """The lead's name: the one given, else the company, the email or the phone."""
        return self.name or self.company or self.email or self.phone

    def extra_notes(self) -> str | None:
        """A ``field: value`` line per field that is not a lead's."""
        return "\n".join(f"{key}: {' '.join(value.split())}" for key, value in self.extra) or None

    def notes(self) -> str | None:
        """The message, then a ``field: value`` line per field that is not a lead's."""
        parts = [p for p in (self.message, self.extra_notes()) if p]
        return "\n\n".join(parts) or None


def is_spam(pairs: Sequence[tuple[str, str]], honeypot: str | None) -> bool:
    """The honeypot field (hidden from people, filled by bots) holds something."""
    if not honeypot:
        return False
    key = header_key(honeypot)
    return any(header_key(k) == key and v.strip() for k, v in pairs)


def map_fields(pairs: Sequence[tuple[str, str]], honeypot: str | None = None) -> WebLead:
    """The lead a submission describes (a field given twice: the first value is the lead's,
    the second kept in the notes; an email that is no address is kept there too)."""
    found: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    trap = header_key(honeypot) if honeypot else None
    for key, raw in pairs:
        value = clean(raw)
        if value is None or (trap is not None and header_key(key) == trap):
            continue
        field = field_of("leads", key)
        if field == "email":
            try:
                value = normalize_email(value) or value
            except ValueError:
                field = None
        elif field in ("amount", "currency") and not _money_ok(field, value):
            field = None
        if field in FIELDS and field not in found:
            found[field] = value
        else:
            extra.append((key.strip(), value))
    name = found.get("name") or " ".join(
        p for p in (found.get("first_name"), found.get("last_name")) if p
    )
    return WebLead(
        name=" ".join(name.split()) or None,
        email=found.get("email"),
        phone=found.get("phone"),
        company=found.get("company"),
        source=found.get("source"),
        message=found.get("notes"),
        external_id=found.get("external_id"),
        amount_cents=_cents(found.get("amount")),
        currency=found.get("currency") or _currency_of(found.get("amount")),
        extra=tuple(extra),
    )


def _money_ok(field: str, value: str) -> bool:
    try:
        (parse_amount if field == "amount" else parse_currency)(value)
    except InvalidAmount:
        return False
    return True


def _cents(text: str | None) -> int | None:
    return None if text is None else parse_amount(text).cents


def _currency_of(text: str | None) -> str | None:
    return None if text is None else parse_amount(text).currency


def contactable(lead: WebLead) -> WebLead:
    """The lead, or exit 65 when nothing in it lets anyone answer."""
    if not lead.contactable:
        raise DataError(_("nothing to contact: the submission has neither email, phone nor name"))
    return lead
