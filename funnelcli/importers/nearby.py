"""Headers that are not synonyms but close to one, and ignored columns that say something.

A CRM writes its field names its own way: ``StageName``, ``CloseDate`` (Salesforce's API
names), ``Deal - Stage``, ``Deal - Deal created`` (Pipedrive), ``Opportunity_Est. revenue``.
:func:`near_field` reads such a header as words (CamelCase split, case, accents and punctuation
ignored), drops a CRM's record prefix (``deal``, ``opportunity``, ``lead``, ``potential``) and a
trailing ``name`` (``StageName``), and looks the rest up among the synonyms. A bare ``Id`` is
the other system's id: the external id, unless a column of the file is named as such.

A column still ignored must not be ignored without a word when it looks like data funnel keeps:
:func:`name_hint` says what its header suggests (a stage, an id, an amount, a date…), and
:class:`ValueSniffer` what its first values look like (dates, amounts, emails).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from funnelcli.i18n import N_
from funnelcli.importers.synonyms import field_of
from funnelcli.text import fold

#: Words a CRM puts before its fields' names: ``Deal - Value``, ``Opportunity Name``.
PREFIXES = frozenset(
    {"deal", "deals", "opportunity", "opportunities", "opp", "lead", "potential", "person"}
)
#: Headers meaning the other system's record id when no column is named ``external id``.
ID_HEADERS = frozenset({"id", "record id", "object id", "row id"})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[a-z0-9]+")

#: Words of a header that suggest data funnel keeps, and what to call it in a warning.
_HINTS = (
    ({"stage", "status", "phase", "step", "won", "lost", "closed", "isclosed", "iswon"},
     N_("a stage or a won/lost status")),
    ({"id", "ids", "key", "ref", "reference", "number"}, N_("an id")),
    ({"amount", "value", "revenue", "price", "total", "budget", "montant", "valeur"},
     N_("an amount")),
    ({"date", "time", "created", "modified", "updated", "close", "closing", "on", "at"},
     N_("a date")),
    ({"email", "mail", "courriel"}, N_("an email")),
)  # fmt: skip


def words(header: str) -> list[str]:
    """``'Deal - StageName'`` -> ``['deal', 'stage', 'name']``."""
    return _WORD.findall(fold(_CAMEL.sub(" ", header)))


def near_field(kind: str, header: str) -> str | None:
    """The field a header close to a synonym means (``StageName`` -> stage), or None."""
    found = words(header)
    while found and found[0] in PREFIXES:
        found = found[1:]
        if field := field_of(kind, " ".join(found)):
            return field
    if not found:
        return None
    for candidate in (found, found[:-1] if found[-1] == "name" else None):
        if candidate and (field := field_of(kind, " ".join(candidate))):
            return field
    if kind == "leads" and " ".join(found) in ID_HEADERS:
        return "external_id"
    return None


def name_hint(header: str) -> str | None:
    """What a header's words suggest it holds (``'AccountId'`` -> ``'an id'``), or None."""
    found = set(words(header))
    for hints, what in _HINTS:
        if found & hints:
            return what
    return None


_DATE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}[ -][A-Za-z]{3,9}[ -,]+\d{4}"
    r"|[A-Za-z]{3,9} \d{1,2},? \d{4})([ T].*)?$"
)
_AMOUNT = re.compile(r"^(?=.*\d)[-+]?[$€£¥]?\s?[\d.,\s\u00a0\u202f]+\s?([$€£¥]|[A-Z]{3})?$")
_MONEYLIKE = re.compile(r"[$€£¥]|\d[.,]\d\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: Rows whose ignored cells are looked at.
SAMPLE_ROWS = 50


class ValueSniffer:
    """Looks at the first rows' cells of the ignored columns: which look like dates, amounts
    or emails (most of their non-empty values)."""

    def __init__(self, headers: Sequence[str], ignored: Sequence[int]) -> None:
        self.headers = headers
        self.ignored = list(ignored)
        self.counts = {i: [0, 0, 0, 0] for i in self.ignored}  # values, dates, amounts, emails
        self.rows = 0

    def look(self, fields: Sequence[str]) -> None:
        if self.rows >= SAMPLE_ROWS or len(fields) != len(self.headers):
            return
        self.rows += 1
        for i in self.ignored:
            cell = fields[i].strip()
            if not cell:
                continue
            counts = self.counts[i]
            counts[0] += 1
            if _DATE.match(cell):
                counts[1] += 1
            elif _AMOUNT.match(cell) and _MONEYLIKE.search(cell):
                counts[2] += 1
            elif _EMAIL.match(cell):
                counts[3] += 1

    def kinds(self) -> dict[int, str]:
        """Column index -> what most of its values look like."""
        found: dict[int, str] = {}
        for i, (values, *hits) in self.counts.items():
            kinds = (N_("dates"), N_("amounts"), N_("emails"))
            for what, count in zip(kinds, hits, strict=True):
                if values and count * 5 >= values * 4:
                    found[i] = what
        return found
