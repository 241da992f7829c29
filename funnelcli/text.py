"""Small text helpers shared by parsing code: folding for comparisons, normalising free text."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Control characters (escape sequences, NUL, DEL, C1), but not newline and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def fold(text: str) -> str:
    """Lower case, accents removed, blanks collapsed: ``' Étape  Gagnée'`` -> ``'etape gagnee'``."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().replace("’", "'").split())


def clean(text: str | None) -> str | None:
    """Strip a free-text value and drop control characters (an escape sequence pasted into a
    name must not reach a terminal); empty means "no value" (``None``), never ``""``."""
    if text is None:
        return None
    text = _CONTROL.sub("", text).strip()
    return text or None


def one_line(text: str) -> str:
    """For display in tables and cards: no control characters, no line breaks."""
    text = _CONTROL.sub("\ufffd", text)
    return " ".join(text.split()) if any(c in text for c in "\n\r\t") else text


def normalize_source(text: str | None) -> str | None:
    """Sources are compared case-insensitively: ``'Web Form'`` -> ``'web-form'``."""
    text = clean(text)
    return "-".join(text.casefold().split()) if text else None


def normalize_email(text: str | None) -> str | None:
    """Lower case, no blanks; ``None`` when empty. Raises ValueError when not an address."""
    text = clean(text)
    if text is None:
        return None
    text = "".join(text.split()).casefold()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    if not _EMAIL.match(text):
        raise ValueError(text)
    return text


#: What a spreadsheet runs as a formula when a cell starts with it (CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r\n")


def spreadsheet_cell(value: Any) -> str:
    """A value as a CSV cell that a spreadsheet shows as text and ``funnel import`` reads back.

    Text a spreadsheet would run as a formula (``= + - @``, tab, CR, LF at the start) gets a
    ``'`` in front; so does text that already starts with apostrophes and then such a character
    (``'=x`` is written ``''=x``), because :func:`unneutralize` takes one apostrophe off those.
    Booleans are ``true``/``false``, nothing is an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if value[:1] in FORMULA_STARTS or (
            value[:1] == "'" and value.lstrip("'")[:1] in FORMULA_STARTS
        ):
            return "'" + value
        return value
    return str(value)


def unneutralize(cell: str) -> str:
    """Undo :func:`spreadsheet_cell`'s neutralisation: ``'=SUM(A1)`` -> ``=SUM(A1)``.

    One apostrophe comes off whenever the apostrophes lead to a formula character.
    """
    if cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_STARTS:
        return cell[1:].strip()
    return cell
