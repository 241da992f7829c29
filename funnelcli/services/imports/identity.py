"""Which lead a lead row is: the keys an import matches rows by.

- An **external id** names one lead.
- A row of a **deal file** (one with a stage, status or close-date column) without an id is
  one deal: many deals share a contact's email and name, so no two rows of such a file are ever
  merged, and the lead a row makes keeps its :func:`deal_keys` (``leads.import_key``) for the
  next import of the file to find it again. Two rows are one deal only when they have the same
  key: the same name, company, email, stage, amount and dates (the same row twice). A deal
  row whose key no lead has takes the oldest lead with its email and name that has no
  external id and that no row of the file took (a lead made by hand, or the same deal before
  it moved on in the other CRM), else it is a new lead.
- Any other row without an id is the lead with the same **email and name** (accents and case
  ignored); a row with neither an id nor an email, the lead with the same name, company and
  phone.
"""

from __future__ import annotations

from collections.abc import Callable

from funnelcli.importers.leads import LeadValues
from funnelcli.text import fold

#: Why two rows, or a row and a lead, are one lead (the merges' ``reason``).
SAME_ID = "same external id"
SAME_EMAIL = "same email and name"
SAME_NAME = "same name, company and phone, no email"
SAME_DEAL = "same deal: same name, company, email, stage, amount and dates"

#: The columns that make a file a deal export. Not an amount alone: a web form's "Budget"
#: does not make two submissions of one person two deals, and every CRM's deal export has a
#: stage, a status or a close date.
DEAL_FIELDS = ("stage", "status", "closed", "expected_close")


def is_deal_file(fields: dict[str, int]) -> bool:
    """A file whose columns hold a stage, a status or a close date: one row, one deal."""
    return any(name in fields for name in DEAL_FIELDS)


def same_name(a: str, b: str) -> bool:
    """Two names alike, accents and case ignored (folded only when they differ as written)."""
    return a == b or fold(a) == fold(b)


class EmailNames(dict[str, tuple[str, int]]):
    """The rows seen with each email: ``(name, line)``, one per name (accents and case
    ignored): the first row's by email, the names after it in :attr:`more`. Names are compared
    only between rows that share an email: most rows pay a dictionary lookup (``email in
    rows``, the dictionary's own), not the folding of their name."""

    __slots__ = ("more",)

    def __init__(self) -> None:
        super().__init__()
        self.more: dict[str, list[tuple[str, int]]] = {}

    def line_of(self, email: str, name: str) -> int | None:
        """The line of the row seen with this email and name, or None."""
        first = self.get(email)
        if first is None:
            return None
        if same_name(first[0], name):
            return first[1]
        for seen, line in self.more.get(email, ()):
            if same_name(seen, name):
                return line
        return None

    def add(self, email: str, name: str, line: int) -> None:
        """A row with this email (the caller knows no earlier row has its name too; if one has,
        :meth:`line_of` still finds the earlier one first)."""
        if email in self:
            self.more.setdefault(email, []).append((name, line))
        else:
            self[email] = (name, line)

    def clear(self) -> None:
        super().clear()
        self.more.clear()


def name_key(row: LeadValues) -> str:
    return "\x1f".join((row.display_name, row.company or "", row.phone or ""))


def deal_keys() -> Callable[[LeadValues], str]:
    """:func:`deal_key`, for the files that have deals (hashlib is imported only for them)."""
    from hashlib import blake2b

    def deal_key(row: LeadValues) -> str:
        """A digest of what tells a deal row from another: name and company (folded), email,
        stage, amount, currency and the created and close dates."""
        stage = row.stage
        text = "\x1f".join(
            (
                fold(row.display_name),
                fold(row.company or ""),
                row.email or "",
                "" if stage is None else str(stage.id),
                "" if row.amount_cents is None else str(row.amount_cents),
                row.currency or "",
                row.created_at or "",
                row.closed_at or "",
            )
        )
        return blake2b(text.encode(), digest_size=16).hexdigest()

    return deal_key
