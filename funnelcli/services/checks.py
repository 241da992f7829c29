"""``funnel check``: the data-quality audit. Bad data gives false predictions.

Each rule returns the leads it flags and a one-line fix (the command to run). The rules are the
SPEC's: opportunities without amount or expected close date, expected close already past, open
leads with no next action, stale leads, duplicate emails, leads without source, won deals without
amount, leads never contacted two days after creation, and promises pushed back three times or more;
and (issue 14) the leads whose dates an import estimated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from funnelcli import dates
from funnelcli.errors import UsageError
from funnelcli.i18n import N_, _
from funnelcli.models import follow_up_ref
from funnelcli.pipeline import Pipeline
from funnelcli.services import closed_promises
from funnelcli.services.stages import load
from funnelcli.store import Store, Tx, quick_check
from funnelcli.store import checks as q
from funnelcli.store.estimated import estimated_count, estimated_leads, names
from funnelcli.store.migrations import all_recorded
from funnelcli.text import fold

DEFAULT_STALE_DAYS = 30
MAX_STALE_DAYS = 36_500
NEVER_CONTACTED_DAYS = 2
SNOOZED_TIMES = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's result: the leads it flags (sorted ids) and how to fix them. ``title`` and
    ``hint`` are English templates (in the catalogue) filled with ``words``: :meth:`text` says
    them in English (JSON, CSV) or, given ``_``, in the interface's language."""

    rule: str
    title: str
    lead_ids: list[int]
    hint: str
    details: list[str] = field(default_factory=list)
    words: dict[str, object] = field(default_factory=dict)

    def text(self, translate: Callable[[str], str] = str) -> tuple[str, str]:
        """``(title, hint)`` filled in, through ``translate`` (``i18n._`` for people)."""
        return (
            translate(self.title).format(**self.words),
            translate(self.hint).format(**self.words),
        )

    @property
    def count(self) -> int:
        return len(self.lead_ids)


def _rules(pipeline: Pipeline) -> q.RuleStages:
    return q.RuleStages(
        [s.id for s in pipeline.open],
        pipeline.opportunity_ids(),
        pipeline.won.id,
        pipeline.open[0].id,
        # every stage, lost too: a lead lost then reopened at the first stage has moved
        all_recorded(s.id for s in pipeline.stages),
    )


def _cutoffs(now: datetime, stale_days: int) -> q.Cutoffs:
    if not 1 <= stale_days <= MAX_STALE_DAYS:
        raise UsageError(
            _(
                "invalid --stale-days {stale_days}: expected a number of days from 1 to "
                "{MAX_STALE_DAYS}"
            ).format(stale_days=stale_days, MAX_STALE_DAYS=MAX_STALE_DAYS)
        )
    return q.Cutoffs(
        now.date().isoformat(),
        dates.to_storage(now - timedelta(days=stale_days)),
        dates.to_storage(now - timedelta(days=NEVER_CONTACTED_DAYS)),
    )


def audit(
    conn: Tx,
    pipeline: Pipeline,
    now: datetime,
    stale_days: int = DEFAULT_STALE_DAYS,
) -> list[Finding]:
    """Every rule, in a fixed order, including those that flag nothing."""
    cutoffs = _cutoffs(now, stale_days)
    stages = _rules(pipeline)
    flagged = q.flagged_leads(conn, stages, cutoffs)
    duplicates = q.duplicate_emails(conn, stages.open_ids)
    snoozed = q.snoozed_often(conn, SNOOZED_TIMES)
    return [
        Finding(
            "opportunity_without_amount",
            N_("Open opportunities without an amount"),
            flagged["opportunity_without_amount"],
            N_("funnel qualify LEAD --amount AMOUNT"),
        ),
        Finding(
            "opportunity_without_close_date",
            N_("Open opportunities without an expected close date"),
            flagged["opportunity_without_close_date"],
            N_("funnel qualify LEAD --expected-close DATE"),
        ),
        Finding(
            "close_date_passed",
            N_("Expected close date already past"),
            flagged["close_date_passed"],
            N_("funnel qualify LEAD --expected-close DATE, or close it: funnel win/lose LEAD"),
        ),
        Finding(
            "no_next_action",
            N_("Open leads with no open follow-up (no next action)"),
            flagged["no_next_action"],
            N_("funnel follow-up add LEAD 'what you will do' --due WHEN"),
        ),
        Finding(
            "stale",
            N_("Stale: no activity or stage change for {days} days"),
            flagged["stale"],
            N_("funnel log LEAD call 'checked in', or funnel lose LEAD --reason 'went silent'"),
            words={"days": stale_days},
        ),
        duplicate_finding(conn, duplicates),
        Finding(
            "no_source",
            N_("Leads without a source"),
            flagged["no_source"],
            N_("funnel edit LEAD --source SOURCE"),
        ),
        Finding(
            "won_without_amount",
            N_("Won deals without an amount"),
            flagged["won_without_amount"],
            N_("funnel edit LEAD --amount AMOUNT"),
        ),
        Finding(
            "never_contacted",
            N_("Never contacted {days} days after creation"),
            flagged["never_contacted"],
            N_("funnel log LEAD call 'first contact', or funnel advance LEAD"),
            words={"days": NEVER_CONTACTED_DAYS},
        ),
        Finding(
            "snoozed_often",
            N_("Follow-ups pushed back {times} times or more"),
            sorted({lead_id for lead_id, _ in snoozed}),
            N_(
                "keep the promise: funnel follow-up done ID, or renegotiate it with the prospect "
                "and correct it: funnel follow-up edit ID --due WHEN"
            ),
            [f"follow-up {follow_up_ref(fid)} (lead {lid})" for lid, fid in snoozed],
            words={"times": SNOOZED_TIMES},
        ),
        estimated_finding(conn),
        closed_promises.finding(conn, stages.open_ids),
    ]


def merge_commands(ids: list[int], names: dict[int, str]) -> list[str]:
    """``funnel merge 3 7`` for each group of these leads (sharing an email) that also share
    a name, accents and case ignored (the import's identity rule): the same person, entered
    twice. The oldest lead is kept."""
    groups: dict[str, list[int]] = {}
    for lead_id in ids:
        groups.setdefault(fold(names.get(lead_id, "")), []).append(lead_id)
    return [
        f"funnel merge {' '.join(map(str, group))}" for group in groups.values() if len(group) > 1
    ]


def duplicate_finding(conn: Tx, duplicates: list[tuple[str, list[int]]]) -> Finding:
    """Open leads sharing an email: the hint names the merge to run where they share a name
    too; leads with other names may be colleagues sharing an address."""
    names = q.lead_names(conn, [i for _, ids in duplicates for i in ids])
    details = []
    merges: list[str] = []
    for email, ids in duplicates:
        commands = merge_commands(ids, names)
        merges += commands
        details.append(
            f"{email}: {', '.join(map(str, ids))}" + "".join(f" → {c}" for c in commands)
        )
    if len(merges) > 1:
        hint = N_(
            "the same person: {merge} (one per email: see the details); "
            "funnel edit LEAD --email … where they are different people"
        )
    elif merges:
        hint = N_(
            "the same person: {merge}; funnel edit LEAD --email … where they are different people"
        )
    else:
        hint = N_(
            "different names: funnel edit LEAD --email … where they are different people, or "
            "funnel merge KEEP OTHER if one person"
        )
    return Finding(
        "duplicate_email",
        N_("Open leads sharing an email (likely duplicates)"),
        sorted(i for _, ids in duplicates for i in ids),
        hint,
        details,
        words={"merge": merges[0]} if merges else {},
    )


def estimated_finding(conn: Tx) -> Finding:
    """The leads whose created or close date an import estimated (``leads.dates_estimated``):
    the cycle and the monthly figures leave them out; a file with their dates fixes them."""
    found = estimated_leads(conn)
    by_date: dict[str, list[int]] = {"created": [], "closed": []}
    for lead_id, bits in found:
        for name in names(bits):
            by_date[name].append(lead_id)
    return Finding(
        "dates_estimated",
        N_("Dates estimated by an import (left out of the cycle and the monthly figures)"),
        [lead_id for lead_id, _ in found],
        N_(
            "funnel import FILE with the dates (--map 'COLUMN=created', 'COLUMN=closed'): "
            "its real dates replace the estimates"
        ),
        [f"{name}: {', '.join(map(str, ids))}" for name, ids in by_date.items() if ids],
    )


def check(store: Store, *, stale_days: int = DEFAULT_STALE_DAYS) -> list[Finding]:
    """The audit's findings; a corrupt page SQLite can see is an I/O failure (74) first."""
    now = dates.now()
    quick_check(store)
    with store.read() as conn:
        return audit(conn, load(conn), now, stale_days)


def problem_count(conn: Tx, pipeline: Pipeline, now: datetime) -> int:
    """How many (rule, lead) problems the audit finds: the dashboard's figure, the sum of the
    counts :func:`audit` lists, counted in SQL without reading the leads' ids."""
    stages = _rules(pipeline)
    return (
        q.flagged_counts(conn, stages, _cutoffs(now, DEFAULT_STALE_DAYS))
        + q.duplicate_count(conn, stages.open_ids)
        + q.snoozed_lead_count(conn, SNOOZED_TIMES)
        + estimated_count(conn)
        + closed_promises.count(conn, stages.open_ids)
    )
