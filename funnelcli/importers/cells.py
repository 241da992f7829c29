"""Cell parsers: one cell's text -> a normalised value (exact cents, lower-case email, a word of a
fixed list…), or :class:`~funnelcli.importers.problems.ValueProblem` saying why not."""

from __future__ import annotations

import re

from funnelcli import activity_types
from funnelcli.errors import FunnelError
from funnelcli.i18n import english_message
from funnelcli.importers.currencies import currency_of_name
from funnelcli.importers.problems import ValueProblem, reason_of
from funnelcli.models import CANCEL_REASONS
from funnelcli.money import MAX_CENTS, parse_amount, parse_currency
from funnelcli.text import fold


def collapse(text: str) -> str:
    """One line, single spaces (``" ".join(text.split())``, skipped when it changes nothing)."""
    if "  " in text or not text.isprintable():
        return " ".join(text.split())
    return text


def parse_email(text: str) -> str:
    """Lower case, no blanks (as :func:`funnelcli.text.normalize_email`), or a problem."""
    email = text.casefold()
    if " " in email or not email.isprintable():  # any blank (tab, NBSP…) or line break
        email = "".join(email.split())
    if email.startswith("mailto:"):
        email = email[7:]
    # As the pattern [^@\s]+@[^@\s]+\.[^@\s]+ (blanks are gone): one @, something before it,
    # a dot with something on both sides after it.
    local, _, domain = email.partition("@")
    if not local or "@" in domain or "." not in domain[1:-1]:
        raise ValueProblem("invalid email: expected an address like name@example.com")
    return email


_SOURCES: dict[str, str] = {}


def parse_source(text: str) -> str:
    """``Web Form`` -> ``web-form`` (as :func:`funnelcli.text.normalize_source`)."""
    found = _SOURCES.get(text)
    if found is None:
        found = "-".join(text.casefold().split())
        if len(_SOURCES) < 1000:  # a file has a few sources, repeated on every row
            _SOURCES[text] = found
    return found


#: ``1,234,567``: a first group that is not 0, then groups of three (read without the general
#: parser, as are ``1234`` and ``1234.5``).
_GROUPED_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:,\d{3}){1,4}")


def parse_money(text: str) -> tuple[int, str | None]:
    """Exact cents and the currency the text names (``1 234,56 €`` -> 123456, EUR)."""
    if text.isascii():  # the forms most files use, without the general parser
        whole, dot, part = text.partition(".")
        if not dot or (len(part) <= 2 and part.isdigit()):
            if whole.isdigit() and len(whole) <= 13:
                digits = whole
            elif "," in whole and _GROUPED_AMOUNT.fullmatch(whole):
                digits = whole.replace(",", "")
            else:
                digits = ""
            if digits:
                cents = int(digits) * 100
                if part:
                    cents += int(part) * (10 if len(part) == 1 else 1)
                if cents <= MAX_CENTS:  # else the general parser says why it is refused
                    return cents, None
    try:
        money = parse_amount(text)
    except FunnelError as exc:
        message = english_message(parse_amount, text) or exc.message  # kept in English
        raise ValueProblem(reason_of(message)) from None
    return money.cents, money.currency


def parse_currency_cell(text: str) -> str:
    """An ISO code or symbol (``cad``, ``€``), else a currency's name (``US Dollar``)."""
    try:
        return parse_currency(text)
    except FunnelError:
        named = currency_of_name(text)
        if named is None:
            raise ValueProblem(
                "expected an ISO 4217 code like CAD, USD or EUR, or a name like US Dollar"
            ) from None
        return named


_TRUE = frozenset({"yes", "y", "true", "t", "1", "oui", "o", "vrai", "x", "✓"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "non", "faux"})
_UNKNOWN = frozenset({"unknown", "inconnu", "?", "n/a", "na", "ne sais pas", "nsp"})


def parse_bool(text: str) -> int | None:
    word = fold(text)
    if word in _TRUE:
        return 1
    if word in _FALSE:
        return 0
    if word in _UNKNOWN:
        return None
    raise ValueProblem("expected yes/no (oui/non, true/false, 1/0) or unknown")


_FREQUENCIES = {
    "once": "once", "one-time": "once", "one time": "once", "single": "once",
    "unique": "once", "une fois": "once", "ponctuel": "once", "ponctuelle": "once",
    "monthly": "monthly", "month": "monthly", "mensuel": "monthly", "mensuelle": "monthly",
    "par mois": "monthly",
    "quarterly": "quarterly", "quarter": "quarterly", "trimestriel": "quarterly",
    "trimestrielle": "quarterly", "par trimestre": "quarterly",
    "yearly": "yearly", "annual": "yearly", "annually": "yearly", "year": "yearly",
    "annuel": "yearly", "annuelle": "yearly", "par an": "yearly", "par annee": "yearly",
}  # fmt: skip


def parse_frequency(text: str) -> str:
    found = _FREQUENCIES.get(fold(text))
    if found is None:
        raise ValueProblem("expected once, monthly, quarterly or yearly")
    return found


_PERCENT = re.compile(r"(\d{1,3})(?:[.,]0+)?\s*%?")


def parse_probability(text: str) -> int:
    match = _PERCENT.fullmatch(text)
    if not match or int(match[1]) > 100:
        raise ValueProblem("expected a whole percentage from 0 to 100")
    return int(match[1])


def parse_time_cell(text: str) -> str:
    match = re.fullmatch(r"(\d{1,2})[:h](\d{2})(?::\d{2})?\s*([ap]m)?", text.strip().lower())
    if not match:
        raise ValueProblem("expected a time like 14:30")
    hour, minute = int(match[1]), int(match[2])
    if match[3]:
        if not 1 <= hour <= 12:
            raise ValueProblem("expected a time like 14:30")
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueProblem("expected a time like 14:30")
    return f"{hour:02d}:{minute:02d}"


_DONE_WORDS = frozenset({"done", "fait", "faite", "termine", "terminee", "completed", "closed"})
_OPEN_FU_WORDS = frozenset({"open", "ouvert", "a faire", "todo", "to do", "pending", "en cours"})


#: A promise closed without being kept (funnel's own export writes them: a lead won or lost
#: cancels its open promises).
_CANCELLED_FU_WORDS = frozenset({"cancelled", "canceled", "annule", "annulee", "abandonne"})
#: A follow-up row's status: open, done or cancelled.
OPEN, DONE, CANCELLED = "open", "done", "cancelled"


def parse_done_status(text: str) -> str:
    word = fold(text)
    if word in _DONE_WORDS:
        return DONE
    if word in _OPEN_FU_WORDS:
        return OPEN
    if word in _CANCELLED_FU_WORDS:
        return CANCELLED
    raise ValueProblem("expected open, done or cancelled")


def parse_cancel_reason(text: str) -> str:
    """Why funnel cancelled a promise, as its export writes it (``follow_ups.cancel_reason``)."""
    word = fold(text).replace(" ", "-")
    if word in CANCEL_REASONS:
        return word
    raise ValueProblem(f"expected {' or '.join(CANCEL_REASONS)}")


def collapse_keep_lines(text: str) -> str:
    return "\n".join(" ".join(part.split()) for part in text.splitlines() if part.strip())


def parse_activity_type(text: str) -> str:
    """An activity type, its synonyms normalised (:func:`funnelcli.activity_types.judge`); a
    doubtful new type is kept as written (the import warns about it)."""
    verdict = activity_types.judge(text)
    if verdict is None:
        raise ValueProblem(activity_types.EXPECTED)
    return verdict.word
