"""Issue 14, "done when": each CRM export in ``tests/fixtures/crm`` imports with **no options**
into the right leads and won/lost, ``report kpis`` over it equals the independent computation in
``NAME.expected.json`` (written by ``expected.py`` with the ``csv`` module only, never with
funnel's code), and a second import of the same file changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
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


def expected(name: str) -> dict:
    return json.loads((CRM / f"{name}.expected.json").read_text(encoding="utf-8"))


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

    again = funnel("import", CRM / want["file"])
    assert summary_line(again) == (
        f"leads: 0 inserted, 0 updated, {want['distinct_records']} unchanged, 0 rejected, "
        f"{want['data_rows'] - want['distinct_records']} duplicates in file"
    )
    assert kpis(funnel) == report
