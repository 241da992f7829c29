"""The log of actions taken on leads: ``funnel log LEAD TYPE [TEXT] [--at]``.

Types follow :mod:`funnelcli.activity_types`: known types and their synonyms are normalised
(``E-mail`` -> ``email``), a new word that looks like a typo of one (``cal``) is refused unless
``--new-type``. Keeping a promise (``follow-up done``) records an activity of type ``follow-up``.
"""

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from funnelcli import activity_types, dates
from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.models import Activity, Lead
from funnelcli.services.lookup import resolve
from funnelcli.services.moves import event_moment
from funnelcli.store import followups as fq
from funnelcli.store.activity_types import type_counts, type_in_use
from funnelcli.text import clean

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.store import Store
    from funnelcli.store.connection import Tx


def normalize_type(value: str) -> activity_types.Verdict:
    """``' E-Mail '`` -> ``'email'`` (:func:`funnelcli.activity_types.judge`); refuses what is
    not a word."""
    verdict = activity_types.judge(value)
    if verdict is None:
        raise UsageError(
            _("invalid activity type {value!r}: expected {choices} or one custom word").format(
                value=value, choices=", ".join(activity_types.KNOWN[:6])
            )
        )
    return verdict


def check_new_type(conn: "Tx", value: str, verdict: activity_types.Verdict) -> None:
    """Refuse a doubtful new type (a likely typo) unless it is already in use."""
    if verdict.doubt is None or type_in_use(conn, verdict.word):
        return
    raise UsageError(
        _("unknown activity type {value!r}: {doubt}").format(
            value=value, doubt=_doubt(verdict.doubt)
        ),
        hint=_(
            "--new-type records {word!r} as a new type; funnel log --types lists the types"
        ).format(word=verdict.word),
    )


def _doubt(doubt: str) -> str:
    """``did you mean call?`` (English in :mod:`funnelcli.activity_types`, where the import
    reads it too) in the interface's language."""
    if doubt.startswith("did you mean ") and doubt.endswith("?"):
        near = doubt.removeprefix("did you mean ").removesuffix("?").split(" or ")
        return _("did you mean {types}?").format(types=_(" or ").join(near))
    return _(doubt)


class Logged(NamedTuple):
    activity: Activity
    lead: Lead


def log(
    store: "Store",
    lead_ref: str,
    type_: str,
    text: str | None = None,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
    new_type: bool = False,
) -> Logged:
    """Record an action taken on a lead (``at``: when it happened, default now); a doubtful
    new type is refused unless ``new_type``."""
    now = (now or dates.now()).astimezone()
    verdict = normalize_type(type_)
    kind = verdict.word
    with store.write() as conn:
        if not new_type:
            check_new_type(conn, type_, verdict)
        lead = resolve(conn, lead_ref)
        stamp = event_moment(conn, lead, at, now=now)
        activity_id = fq.insert_activity(
            conn, lead.id, kind, clean(text), stamp, dates.to_storage(now)
        )
        activity = fq.get_activity(conn, activity_id)
        assert activity is not None
        return Logged(activity, lead)


def types(store: "Store") -> list[activity_types.TypeUse]:
    """The known types (with their synonyms), then the other types in use, with their counts."""
    with store.read() as conn:
        counts = type_counts(conn)
    listed = [
        activity_types.TypeUse(kind, True, activity_types.SYNONYMS[kind], counts.pop(kind, 0))
        for kind in activity_types.KNOWN
    ]
    return listed + [activity_types.TypeUse(k, False, (), n) for k, n in sorted(counts.items())]
