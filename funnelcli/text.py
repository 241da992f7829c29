"""Small text helpers: folding for comparisons, normalising free text, and the one rule for
showing stored or typed text on a terminal (:func:`printable`)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# Patterns are compiled on first use (``_compiled``): each costs ~0.5 ms at start-up, and the
# common text (printable, on one line) is recognised by ``str.isprintable`` without them.
# Every character the patterns below look for is one ``isprintable`` refuses (C0 and C1
# controls, DEL, format characters, line and paragraph separators, surrogates), so text it
# accepts needs no pattern: a test checks it for every code point.
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
#: Control characters (escape sequences, NUL, DEL, C1), but not newline and tab.
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
#: What must not reach a terminal or a mail as it is: every C0 control (newline and tab too),
#: DEL, C1, the bidi embeddings, overrides and isolates (text that reads differently than it is
#: stored), the line and paragraph separators, and lone surrogates (undecodable bytes).
_UNPRINTABLE = r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
#: What :func:`one_line` turns into a space before escaping the rest.
_BREAKS = r"[\n\r\t\v\f\x1c-\x1f\x85\u2028\u2029]"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def fold(text: str) -> str:
    """Lower case, accents removed, blanks collapsed: ``' Étape  Gagnée'`` -> ``'etape gagnee'``."""
    if text.isascii():  # nothing to decompose (most names and headers): skip the Unicode work
        return " ".join(text.lower().split())
    return fold_unicode(text)


def fold_unicode(text: str) -> str:
    """:func:`fold` for any text (the ASCII fast path must agree with it: a test checks)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().replace("’", "'").split())


def clean(text: str | None) -> str | None:
    """Strip a free-text value and drop control characters (an escape sequence pasted into a
    name must not reach a terminal); empty means "no value" (``None``), never ``""``."""
    if text is None:
        return None
    if not text.isprintable():
        text = _compiled(_CONTROL).sub("", text)
    return text.strip() or None


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """Text safe to show on a terminal or in a mail, on one line: the one rule for every
    message and every value a renderer draws.

    Control characters are escaped the way Python writes them, as visible characters (ESC is
    the four characters ``\\x1b``, a newline the two characters ``\\n``), and so are the bidi
    controls (``\\u202e``) and lone surrogates (the byte ``\\xff`` of a name that was not
    UTF-8). Other text, accents and emoji included, is unchanged.
    """
    if text.isprintable():
        return text
    return _compiled(_UNPRINTABLE).sub(_escape, text)


def one_line(text: str) -> str:
    """For display in tables and cards: line breaks and tabs become one space, then
    :func:`printable` escapes what is left."""
    if text.isprintable():
        return text
    if _compiled(_BREAKS).search(text):
        text = " ".join(text.split())
    return printable(text)


def control_characters(text: str) -> list[str]:
    """The characters :func:`printable` would escape, escaped (``['\\x1b', '\\x07']``)."""
    return [_escape(m) for m in _compiled(_UNPRINTABLE).finditer(text)]


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
    if not _compiled(_EMAIL).match(text):
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
