"""The details under a ``funnel check`` finding (``follow-up F3 (lead 5)``, ``created: 4, 7``),
which the audit writes in English (as in its JSON and CSV), worded when shown."""

from __future__ import annotations

from funnelcli.i18n import N_
from funnelcli.i18n.import_words import reword

#: The details the audit writes, as format strings (the catalogue's keys).
DETAILS = (
    N_("follow-up {ref} (lead {id})"),
    N_("created: {ids}"),
    N_("closed: {ids}"),
)


def detail(text: str) -> str:
    """A finding's detail in the interface's language (an email and its leads stay as they
    are)."""
    return reword(text, DETAILS)
