"""The whole of ``funnel intake``: parse a submission, record it, or queue it in the spool
when the database stays locked; flush the spool in order.

A submission that names nobody to contact is kept in the spool's ``rejected/`` with the reason
(exit 65); one whose honeypot field is filled is spam, dropped. Each recorded submission is its
own transaction (:func:`funnelcli.services.intake.record`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from funnelcli import spool
from funnelcli.dates.business import Within
from funnelcli.errors import DatabaseLocked, DataError
from funnelcli.i18n import _, english_message, ngettext
from funnelcli.importers import submission, webfields
from funnelcli.models.intake import IntakeOutcome as Outcome
from funnelcli.services import intake
from funnelcli.store import Store


class Settings(NamedTuple):
    input: str | None  # None: detected
    within: Within
    source: str
    honeypot: str | None


Parsed = list[tuple[str, webfields.WebLead | None]]


def read(raw: bytes, given: str | None, honeypot: str | None) -> Parsed:
    """The submissions in ``raw`` with their digests (None for spam); DataError (65) for what
    cannot be recorded."""
    if len(raw) > submission.MAX_BYTES:
        raise DataError(
            _("the submission is larger than {size} KiB").format(size=submission.MAX_BYTES // 1024)
        )
    found: Parsed = []
    for item in submission.parse(raw, given or submission.detect(raw)):
        sum_ = spool.digest(item.key)
        if webfields.is_spam(item.pairs, honeypot):
            found.append((sum_, None))
        else:
            web = webfields.map_fields(item.pairs, honeypot)
            found.append((sum_, webfields.contactable(web)))
    return found


def take(
    store: Store | None, folder: Path, raw: bytes, received: datetime, settings: Settings
) -> list[Outcome]:
    """Record the submission (after what waits in the spool), or queue it: always queued with
    no ``store`` (``--spool-only``), or when the database stays locked."""
    try:
        parsed = read(raw, settings.input, settings.honeypot)
    except DataError as exc:
        reason = english_message(read, raw, settings.input, settings.honeypot) or exc.message
        kept = spool.reject(folder, raw, reason, received=received)
        exc.hint = _("the submission is kept in {kept}").format(kept=kept)
        raise
    if all(web is None for _, web in parsed):
        return [Outcome("spam", sum_) for sum_, _ in parsed]
    earlier: list[Outcome] = []
    if store is not None:
        try:
            earlier = flush(store, folder, settings)
            return earlier + _record(store, parsed, received, settings)
        except DatabaseLocked:
            pass
    queued = spool.queue(folder, raw, received=received, input=settings.input)
    return [*earlier, Outcome("queued", queued.digest)]


def flush(store: Store, folder: Path, settings: Settings) -> list[Outcome]:
    """Record every waiting submission, oldest first, each file removed once committed;
    DatabaseLocked (75) leaves the rest waiting."""
    done: list[Outcome] = []
    for item in spool.pending(folder):
        raw = spool.read(item)
        try:
            parsed = read(raw, item.input, settings.honeypot)
        except DataError as exc:
            # the reason is kept (the rejected file, JSON) in English, like an import's problems
            reason = english_message(read, raw, item.input, settings.honeypot) or exc.message
            spool.reject(folder, raw, reason, received=item.received)
            done.append(Outcome("rejected", item.digest, reason=reason))
        else:
            done += _record(store, parsed, item.received, settings)
        spool.remove(item)
    return done


#: A spool older than this is reported by ``funnel check`` and the dashboard.
STALE_AFTER = timedelta(hours=1)


def stale_spool(db_path: Path, now: datetime) -> str | None:
    """The warning for submissions waiting beside the database for over an hour, or None."""
    folder = spool.folder_of(db_path)
    waiting = spool.pending(folder)
    if not waiting or now - waiting[0].received <= STALE_AFTER:
        return None
    since = waiting[0].received.astimezone().strftime("%Y-%m-%d %H:%M")
    return ngettext(
        "{count} web submission waiting in {folder} since {since}: run `funnel intake --flush` "
        "(or check its cron line)",
        "{count} web submissions waiting in {folder} since {since}: run `funnel intake --flush` "
        "(or check its cron line)",
        len(waiting),
    ).format(count=len(waiting), folder=folder, since=since)


def _record(
    store: Store,
    parsed: Parsed,
    received: datetime,
    settings: Settings,
) -> list[Outcome]:
    outcomes = []
    for sum_, web in parsed:
        if web is None:
            outcomes.append(Outcome("spam", sum_))
            continue
        done = intake.record(
            store, web, sum_, received=received, within=settings.within, source=settings.source
        )
        outcomes.append(Outcome(done.status, sum_, done.lead, done.follow_up_id))
    return outcomes
