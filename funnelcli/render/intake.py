"""``funnel intake``: a line per submission (``12 created``, ``queued``), or the records."""

from __future__ import annotations

from collections.abc import Sequence

from funnelcli.i18n import _
from funnelcli.models.intake import IntakeOutcome
from funnelcli.render import Format, Output

KEYS = ("status", "id", "follow_up_id", "submission", "reason")


def record(outcome: IntakeOutcome) -> dict[str, object]:
    return {
        "status": outcome.status,
        "id": outcome.lead.id if outcome.lead else None,
        "follow_up_id": outcome.follow_up_id,
        "submission": outcome.digest,
        "reason": outcome.reason,
    }


def outcomes(out: Output, done: Sequence[IntakeOutcome], fmt: Format) -> None:
    if any(o.lead is not None and o.status != "duplicate" for o in done):
        out.committed(_("the submission was recorded"), _("its lead id"))
    rows = [record(o) for o in done]
    if fmt is Format.JSON:
        out.json(rows)
    elif fmt is Format.CSV:
        out.csv(rows, KEYS)
    else:
        for o in done:
            if o.status == "rejected":
                from funnelcli.i18n.import_words import SUBMISSION_TEMPLATES, reword

                # kept in English (the .reason file, JSON): worded here
                reason = reword(o.reason or "", SUBMISSION_TEMPLATES)
                out.warn(
                    _("submission {digest} rejected: {reason}").format(
                        digest=o.digest[:12], reason=reason
                    )
                )
            else:
                out.line(f"{o.lead.id} {o.status}" if o.lead else o.status)
