"""What ``funnel log --types`` prints: the known activity types and the types in use."""

from __future__ import annotations

from collections.abc import Iterable

from funnelcli.activity_types import TypeUse
from funnelcli.i18n import _
from funnelcli.render import Column, Format, Output

COLUMNS = (
    Column("type", "Type", style="bold"),
    Column("known", "Known", text=lambda r: _("yes") if r["known"] else _("new")),
    Column("synonyms", "Synonyms (normalised)", text=lambda r: ", ".join(r["synonyms"])),
    Column("actions", "Actions", justify="right"),
)
KEYS = ("type", "known", "synonyms", "actions")


def types(out: Output, rows: Iterable[TypeUse], fmt: Format) -> None:
    """One record per type: ``{"type", "known", "synonyms": [...], "actions"}``; in CSV the
    synonyms are one cell, separated by ``|``."""
    records = [
        {
            "type": row.type,
            "known": row.known,
            "synonyms": list(row.synonyms) if fmt is not Format.CSV else "|".join(row.synonyms),
            "actions": row.actions,
        }
        for row in rows
    ]
    out.records(records, COLUMNS, fmt, keys=KEYS)
