"""When a promise falls due: ``--reply-within 1bd`` (business days, Monday to Friday) or a
plain duration (``4h``, ``2d``) after a moment."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

from funnelcli.dates.human import When, parse_duration
from funnelcli.errors import InvalidDate
from funnelcli.i18n import _
from funnelcli.text import fold

#: Compiled when a delay is typed (``re`` caches it): the default delay needs no parsing.
_BUSINESS = r"^\s*(\d{1,3})\s*(?:bd|business\s*days?|working\s*days?|jours?\s*ouvrables?)\s*$"


class Within(NamedTuple):
    """A delay: whole business days, or a duration."""

    business_days: int | None
    duration: timedelta | None = None


def parse_within(text: str) -> Within:
    """``1bd``, ``2 business days``, ``3 jours ouvrables``, or ``4h``/``2d``/``1w``."""
    short = (text or "").strip()
    count = short.removesuffix("bd")
    if count != short and count.isascii() and count.isdigit() and len(count) <= 3:
        return Within(int(count))  # ``1bd``, the default, read without compiling the pattern
    found = re.match(_BUSINESS, fold(text or ""))
    if found:
        return Within(int(found[1]))
    try:
        return Within(None, parse_duration(text))
    except InvalidDate:
        raise InvalidDate(
            _("invalid delay {text!r}: expected e.g. 1bd (business days), 2d, 1w or 4h").format(
                text=text
            )
        ) from None


def add_business_days(day: date, count: int) -> date:
    """The ``count``-th weekday after ``day`` (Saturday and Sunday are not counted: one
    business day after a Friday or a Sunday is the Monday)."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def due_after(moment: datetime, within: Within) -> When:
    """The due date (and time, for a delay in hours or minutes) ``within`` after ``moment``."""
    local = moment.astimezone()
    if within.business_days is not None:
        return When(add_business_days(local.date(), within.business_days))
    assert within.duration is not None
    due = (local + within.duration).astimezone()
    whole_days = within.duration % timedelta(days=1) == timedelta(0)
    return When(due.date(), None if whole_days else due.time().replace(second=0, microsecond=0))
