"""Small text helpers shared by parsing code: folding for comparisons, normalising free text."""

from __future__ import annotations

import re
import unicodedata

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
