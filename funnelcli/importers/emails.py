"""Cells holding several emails (``a@x.com / b@y.com``, ``a@x.com; b@y.com``, ``a@x.com,
b@y.com``, ``a@x.com b@y.com``: Pipedrive and HubSpot join a person's addresses so): the first
is the lead's email, the others go into its notes as one line, ``Other emails: …``."""

from __future__ import annotations

import re

from funnelcli.importers.cells import parse_email

#: What starts the notes' line of the other emails.
OTHER_EMAILS = "Other emails: "
_SEPARATORS = re.compile(r"[\s,;/|]+")


class SeveralEmails(tuple[str, ...]):
    """The addresses of a cell that holds more than one, in order (the first is the lead's)."""

    __slots__ = ()

    @property
    def line(self) -> str:
        """The notes' line naming the others."""
        return OTHER_EMAILS + ", ".join(self[1:])


def parse_emails(text: str) -> str | SeveralEmails:
    """One email (as :func:`parse_email`), or :class:`SeveralEmails` when the cell holds
    several valid addresses; any other cell is refused as one invalid email."""
    if text.count("@") < 2:
        return parse_email(text)
    parts = [part for part in _SEPARATORS.split(text) if part]
    if len(parts) < 2 or any(part.count("@") != 1 for part in parts):
        return parse_email(text)  # refused, with its reason
    found: list[str] = []
    for part in parts:
        email = parse_email(part)
        if email not in found:
            found.append(email)
    return found[0] if len(found) == 1 else SeveralEmails(found)


def with_line(notes: str | None, line: str) -> str:
    """``notes`` with ``line`` appended on a line of its own, unless one of its lines is already
    ``line`` (a re-import adds nothing)."""
    if not notes:
        return line
    if line in notes.splitlines():
        return notes
    return f"{notes}\n{line}"
