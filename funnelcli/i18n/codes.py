"""Codes the database stores (activity types, lead fields, purchase frequencies, forecast
methods, quarter labels), shown in the interface's language. JSON and CSV keep the codes; a
code without a French word (a type or a frequency the user typed) is shown as stored."""

from __future__ import annotations

import functools
import re

from funnelcli.i18n import is_french

_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


@functools.cache
def _words(context: str) -> dict[str, str]:
    from funnelcli.i18n.french import catalogue

    pgettext = catalogue().pgettext
    words = {
        "activity": {
            "call": pgettext("activity", "call"),
            "email": pgettext("activity", "email"),
            "meeting": pgettext("activity", "meeting"),
            "demo": pgettext("activity", "demo"),
            "proposal": pgettext("activity", "proposal"),
            "note": pgettext("activity", "note"),
            "follow-up": pgettext("activity", "follow-up"),
            "source": pgettext("activity", "source"),
            "web-form": pgettext("activity", "web-form"),
        },
        "field": {
            "name": pgettext("field", "name"),
            "email": pgettext("field", "email"),
            "phone": pgettext("field", "phone"),
            "company": pgettext("field", "company"),
            "source": pgettext("field", "source"),
            "amount": pgettext("field", "amount"),
            "currency": pgettext("field", "currency"),
            "notes": pgettext("field", "notes"),
            "frequency": pgettext("field", "frequency"),
            "term": pgettext("field", "term"),
            "probability": pgettext("field", "probability"),
            "expected close": pgettext("field", "expected close"),
            "decision maker": pgettext("field", "decision maker"),
            "price only": pgettext("field", "price only"),
            "contact decides": pgettext("field", "contact decides"),
            "needs approval": pgettext("field", "needs approval"),
            "prerequisites": pgettext("field", "prerequisites"),
            "external id": pgettext("field", "external id"),
            "lost reason": pgettext("field", "lost reason"),
            "billed until": pgettext("field", "billed until"),
            "stage": pgettext("field", "stage"),
        },
        "frequency": {
            "once": pgettext("frequency", "once"),
            "monthly": pgettext("frequency", "monthly"),
            "quarterly": pgettext("frequency", "quarterly"),
            "yearly": pgettext("frequency", "yearly"),
        },
        "kind": {
            "open": pgettext("kind", "open"),
            "won": pgettext("kind", "won"),
            "lost": pgettext("kind", "lost"),
        },
        "method": {
            "stage": pgettext("method", "stage"),
            "history": pgettext("method", "history"),
            "model": pgettext("method", "model"),
            "pipeline": pgettext("method", "pipeline"),
            "last_period": pgettext("method", "last_period"),
            "mean_of_4": pgettext("method", "mean_of_4"),
        },
        "short method": {
            "last_period": pgettext("short method", "last"),
            "mean_of_4": pgettext("short method", "mean4"),
        },
    }
    return words[context]


def shown(context: str, code: str) -> str:
    """``shown("activity", "call")``: ``appel`` in French, ``call`` in English."""
    if not is_french():
        return code
    return _words(context).get(code, code)


def activity_type(code: str) -> str:
    return shown("activity", code)


def field_name(field: str) -> str:
    """A lead's column as the outputs name it, in English (``amount_cents`` → ``amount``)."""
    return field.removesuffix("_cents").replace("_", " ")


def field_label(field: str) -> str:
    """A lead's field in the interface's language (``amount_cents`` → ``amount``, ``montant``)."""
    return shown("field", field_name(field))


def frequency(code: str) -> str:
    return shown("frequency", code)


def method(code: str) -> str:
    return shown("method", code)


#: The baselines' short names in a narrow table (English: ``last``, ``mean4``).
_SHORT = {"last_period": "last", "mean_of_4": "mean4"}


def short_method(code: str) -> str:
    """A method's name in a narrow table: ``last`` for ``last_period``."""
    if not is_french():
        return _SHORT.get(code, code)
    return _words("short method").get(code) or shown("method", code)


def period(label: str) -> str:
    """``2026-Q4`` → ``2026-T4`` (trimestre) in French; a month ``2026-11`` is the same."""
    if not is_french():
        return label
    return _QUARTER.sub(r"\1-T\2", label)
