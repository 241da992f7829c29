"""What the commands that look after the data print: ``check``, ``backup``, ``restore``,
``demo``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from funnelcli.i18n import _, check_words, ngettext
from funnelcli.render import Column, Format, Output, Record


def _ids_text(record: Record) -> str:
    ids = record["lead_ids"]
    shown = ", ".join(str(i) for i in ids[:8])
    return shown + (f" … (+{len(ids) - 8})" if len(ids) > 8 else "")


CHECK_COLUMNS = (
    Column("title", "Problem"),
    Column("count", "Leads", justify="right"),
    Column("lead_ids", "Lead ids", text=_ids_text),
    Column("hint", "Fix"),
)


def check(out: Output, findings: Sequence[Any], fmt: Format) -> list[dict[str, Any]]:
    """``funnel check``: every rule for scripts, the problems found for people; returns those."""
    records: list[dict[str, Any]] = [
        {
            "rule": f.rule,
            "title": f.text()[0],
            "count": f.count,
            "lead_ids": f.lead_ids,
            "hint": f.text()[1],
            "details": f.details,
        }
        for f in findings
    ]
    found = [r for r in records if r["count"]]
    if fmt is Format.JSON:
        out.json(records)
    elif fmt is Format.CSV:
        out.csv(
            [
                {
                    **r,
                    "lead_ids": " ".join(map(str, r["lead_ids"])),
                    "details": "; ".join(r["details"]),
                }
                for r in records
            ]
        )
    elif not found:
        out.line(_("No problems found."))
    else:
        said = {f.rule: f.text(_) for f in findings if f.count}  # for people: their language
        shown = [{**r, "title": said[r["rule"]][0], "hint": said[r["rule"]][1]} for r in found]
        out.records(shown, CHECK_COLUMNS, fmt, title=_("Data-quality problems"))
        for record in found:
            details = record["details"]
            for detail in details[:5]:
                out.line(f"  {record['rule']}: {check_words.detail(detail)}")
            if len(details) > 5:
                more = _("… {n} more (see --format json)").format(n=len(details) - 5)
                out.line(f"  {record['rule']}: {more}")
    return found


def backed_up(out: Output, done: Any, fmt: Format) -> None:
    record = {"path": str(done.path), "bytes": done.size, "leads": done.leads}
    text = ngettext(
        "Backed up {n} lead to {path} ({size} KiB, integrity ok)",
        "Backed up {n} leads to {path} ({size} KiB, integrity ok)",
        done.leads,
    ).format(n=done.leads, path=done.path, size=done.size // 1024)
    out.result(fmt, record, text)


def restored(out: Output, done: Any, fmt: Format) -> None:
    kept = str(done.kept.path) if done.kept else None
    if fmt is Format.TABLE:
        out.line(
            ngettext(
                "Restored {n} lead from {source} into {live}",
                "Restored {n} leads from {source} into {live}",
                done.leads,
            ).format(n=done.leads, source=done.source, live=done.live)
        )
        if kept:
            out.line(_("The replaced database is kept in {path}").format(path=kept))
        return
    record = {"backup": str(done.source), "database": str(done.live), "leads": done.leads}
    out.result(fmt, {**record, "kept": kept}, "")


def demo_built(out: Output, summary: Any) -> None:
    out.note(
        _(
            "Demo database {path}: {leads} leads ({open} open, {won} won, {lost} lost), "
            "{activities} activities, {follow_ups} follow-ups ({overdue} overdue)."
        ).format_map(vars(summary))
    )
