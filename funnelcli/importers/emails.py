"""Cells holding several emails (``a@x.com / b@y.com``, ``a@x.com; b@y.com``, ``a@x.com,
b@y.com``, ``a@x.com b@y.com``: Pipedrive and HubSpot join a person's addresses so): the first
is the lead's email, the others go into its notes as one line, ``Other emails: …``. A cell that
also holds words (``a@x.com (Sheila) or b@y.com (Greg)``, typed into a CRM by hand) keeps them:
its notes line is the cell as written, ``Emails as written: …``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from funnelcli.importers.cells import parse_email

#: What starts the notes' line of the other emails.
OTHER_EMAILS = "Other emails: "
#: What starts the notes' line of a cell of several emails among other words.
EMAILS_AS_WRITTEN = "Emails as written: "
#: The notes lines this module writes (a known lead's notes get them added, not replaced).
EMAIL_LINES = (OTHER_EMAILS, EMAILS_AS_WRITTEN)
_SEPARATORS = re.compile(r"[\s,;/|]+")
#: An address among other words: no blank, bracket, quote or separator in it, a dotted domain.
_ADDRESS = re.compile(r"[^\s@,;/|()<>\[\]\"']+@[^\s@,;/|()<>\[\]\"']+\.[^\s@,;/|()<>\[\]\"'.]+")


class SeveralEmails(NamedTuple):
    """The addresses of a cell that holds more than one, in order (the first is the lead's),
    and the line of the lead's notes that keeps the others."""

    addresses: tuple[str, ...]
    line: str


def parse_emails(text: str) -> str | SeveralEmails:
    """One email (as :func:`parse_email`), or :class:`SeveralEmails` when the cell holds
    several valid addresses; any other cell is refused as one invalid email."""
    if text.count("@") < 2:
        return parse_email(text)
    parts = [part for part in _SEPARATORS.split(text) if part]
    if len(parts) >= 2 and all(part.count("@") == 1 for part in parts):
        found = _distinct(parse_email(part) for part in parts)  # refused if one is not valid
        written = None
    else:
        found = _distinct(parse_email(m) for m in _ADDRESS.findall(text))
        if len(found) < 2:
            return parse_email(text)  # refused, with its reason
        written = EMAILS_AS_WRITTEN + " ".join(text.split())
    if len(found) == 1:
        return found[0]
    return SeveralEmails(tuple(found), written or OTHER_EMAILS + ", ".join(found[1:]))


def _distinct(emails: Iterable[str]) -> list[str]:
    found: list[str] = []
    for email in emails:
        if email not in found:
            found.append(email)
    return found


def with_line(notes: str | None, line: str) -> str:
    """``notes`` with ``line`` appended on a line of its own, unless one of its lines is already
    ``line`` (a re-import adds nothing)."""
    if not notes:
        return line
    if line in notes.splitlines():
        return notes
    return f"{notes}\n{line}"
