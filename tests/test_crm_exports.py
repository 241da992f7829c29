"""Issue 14, "done when": each CRM export in ``tests/fixtures/crm`` imports with **no options**
into the right leads and won/lost, ``report kpis`` over it equals the independent computation in
``NAME.expected.json`` (written by ``expected.py`` with the ``csv`` module only, never with
funnel's code), and a second import of the same file changes nothing."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil import parser as dateutil_parser
from helpers import rows

CRM = Path(__file__).parent / "fixtures" / "crm"
NAMES = sorted(p.name.removesuffix(".expected.json") for p in CRM.glob("*.expected.json"))
#: The fixtures whose key column is the CRM's own record id (the others key on names).
KEYED_BY_ID = {
    "dynamics-opportunities", "hubspot-contacts", "hubspot-deals", "kaggle-pipeline",
    "odoo-crm-lead", "pipedrive-deals", "salesforce-leads", "salesforce-opportunities",
    "zoho-leads", "zoho-potentials",
}  # fmt: skip
WIDE = ("--from", "1990-01-01", "--to", "2030-12-31")
#: Where each export writes a deal's created and close dates (None: it has none), and whether
#: its dates are day first: the sales cycle is computed from them here, with dateutil.
DATES = {
    "dynamics-opportunities": ("Created On", "Actual Close Date", False),
    "french-prospects": ("Date de création", "Date de clôture", True),
    "hubspot-contacts": ("Create Date", None, False),
    "hubspot-deals": ("Create Date", "Close Date", False),
    "kaggle-pipeline": ("engage_date", "close_date", False),
    "odoo-crm-lead": ("create_date", "date_closed", False),
    "pipedrive-deals": ("Deal - Deal created", "Deal - Won time", False),
    "salesforce-leads": ("CREATEDDATE", None, False),
    "salesforce-opportunities": ("CreatedDate", "CloseDate", False),
    "salesforce-report": ("Created Date", "Close Date", False),
    "spanish-semicolon": ("fecha", None, True),
    "zoho-leads": ("Created Time", None, False),
    "zoho-potentials": ("Created Time", "Closing Date", False),
}
TZ = ZoneInfo("America/Toronto")  # conftest's TZ


def expected(name: str) -> dict:
    return json.loads((CRM / f"{name}.expected.json").read_text(encoding="utf-8"))


def instant(text: str, dayfirst: bool) -> datetime | None:
    if not text.strip():
        return None
    if text.strip().isdigit():  # an Excel serial day number (1900 system)
        moment = datetime(1899, 12, 30) + timedelta(days=int(text))
    else:
        moment = dateutil_parser.parse(text, dayfirst=dayfirst)
    return (moment if moment.tzinfo else moment.replace(tzinfo=TZ)).astimezone(UTC)


def won_cycle(name: str, want: dict) -> tuple[int, int, float | None]:
    """(deals in the cycle, deals left out for a missing or inverted date, average days) of the
    won records, computed from the CSV with ``csv`` and dateutil (the last row of a key wins)."""
    created_col, closed_col, dayfirst = DATES[name]
    with open(CRM / want["file"], encoding=want["encoding"], newline="") as fh:
        records = list(csv.reader(fh, delimiter=want["delimiter"]))
    header = records[0]
    by_line: dict[int, list[str]] = {}
    reader_line = 2
    for record in records[1:]:
        by_line[reader_line] = record
        reader_line += 1 + sum(cell.count("\n") for cell in record)
    last = {r["key"]: r for r in want["rows"]}
    days, left_out = [], 0
    for row in last.values():
        if row["status"] != "won":
            continue
        cells = dict(zip(header, by_line[row["line"]], strict=False))
        created = instant(cells[created_col], dayfirst)
        closed = instant(cells[closed_col], dayfirst) if closed_col else None
        if created is None or closed is None or closed < created:
            left_out += 1
        else:
            days.append((closed - created).total_seconds() / 86400)
    return len(days), left_out, round(sum(days) / len(days), 2) if days else None


def summary_line(result) -> str:
    return result.stdout.strip().splitlines()[-1]


def kpis(funnel) -> dict:
    return json.loads(funnel("report", "kpis", *WIDE, "--format", "json").stdout)


@pytest.mark.parametrize("name", NAMES)
def test_export_imports_with_no_options_and_kpis_match_the_independent_computation(
    funnel, db_path, name
):
    want = expected(name)
    result = funnel("import", CRM / want["file"])
    assert summary_line(result).startswith(f"leads: {want['distinct_records']} inserted,")

    leads = rows(db_path, "SELECT l.*, s.name AS stage_name FROM leads l JOIN stages s "
                 "ON s.id = l.stage_id")  # fmt: skip
    assert len(leads) == want["distinct_records"]
    if name in KEYED_BY_ID:
        assert {lead["external_id"] for lead in leads} == {r["key"] for r in want["rows"]}
        by_key = {r["key"]: r for r in want["rows"]}  # the last row of a key wins
        for lead in leads:
            status = by_key[lead["external_id"]]["status"]
            shown = lead["stage_name"] if lead["stage_name"] in ("won", "lost") else "open"
            assert shown == status, (lead["external_id"], lead["stage_name"], status)

    report = kpis(funnel)
    assert report["leads_created"] == want["distinct_records"]
    assert report["win_rate"]["won"] == want["won"]
    assert report["win_rate"]["lost"] == want["lost"]
    assert report["open_opportunities"]["deals"] <= want["open"]
    currency = funnel("config", "currency").stdout.strip().rpartition(" ")[2]
    won = {
        entry["currency"]: Decimal(entry["total"]["amount"])
        for entry in report["won_deal_size"]
        if entry["deals_with_amount"]
    }
    want_won = {
        (currency if cur == "(default)" else cur): Decimal(total)
        for cur, total in want["won_amount_by_currency"].items()
    }
    assert won == want_won
    deals, left_out, average = won_cycle(name, want)
    cycle = report["sales_cycle"]
    assert (cycle["deals"], cycle["left_out_estimated"]) == (deals, left_out)
    assert cycle["average_days"] == average

    again = funnel("import", CRM / want["file"])
    assert summary_line(again) == (
        f"leads: 0 inserted, 0 updated, {want['distinct_records']} unchanged, 0 rejected, "
        f"{want['data_rows'] - want['distinct_records']} duplicates in file"
    )
    assert kpis(funnel) == report
