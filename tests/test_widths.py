"""Every table at 80, 100 and 120 columns on the demo database: contact details and figures are
never cut, empty columns are not drawn, and ``funnel overdue`` takes at most two lines a
follow-up (the rule of ``render.fit``)."""

from __future__ import annotations

import json

import pytest

from funnelcli.render import Column
from funnelcli.render.fit import fit

WIDTHS = (80, 100, 120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    import time

    from conftest import NOW, TZ
    from typer.testing import CliRunner

    from funnelcli.cli import app

    db = tmp_path_factory.mktemp("widths") / "funnel-demo.db"
    try:
        result = CliRunner().invoke(
            app,
            ["demo", "--db", str(db)],
            env={"FUNNEL_NOW": NOW, "TZ": TZ, "FUNNEL_DB": None, **cached(db)},
        )
    finally:
        time.tzset()
    assert result.exit_code == 0, result.output
    return db


def cached(db) -> dict[str, str]:
    """One cache folder for the module: the forecast's method is chosen once, by the demo."""
    return {"XDG_CACHE_HOME": str(db.parent / "cache")}


def at(funnel, demo, width: int, *args: object) -> str:
    env = {
        "FUNNEL_DB": str(demo),
        "TTY_COMPATIBLE": "1",
        "NO_COLOR": "1",
        "COLUMNS": str(width),
        **cached(demo),
    }
    out = funnel(*args, env=env).stdout
    for line in out.splitlines():
        assert len(line.rstrip()) <= width, line
    return out


def data(funnel, demo, *args: object):
    env = {"FUNNEL_DB": str(demo), **cached(demo)}
    return json.loads(funnel(*args, "--format", "json", env=env).stdout)


@pytest.mark.parametrize("width", WIDTHS)
def test_overdue_never_cuts_a_contact_and_takes_two_lines_at_most(funnel, demo, width):
    items = data(funnel, demo, "overdue")
    assert len(items) == 76
    out = at(funnel, demo, width, "overdue")
    body = out.splitlines()[4:]  # title, blank line, header, rule
    assert len(body) <= 2 * len(items)
    for item in items:
        contact = ", ".join(v for v in (item["phone"], item["email"]) if v)
        assert contact in out
    assert sum(1 for line in body if "late" in line[:12]) == len(items)


def test_overdue_is_one_line_a_follow_up_when_wide_enough(funnel, demo):
    out = at(funnel, demo, 200, "overdue")
    assert len(out.splitlines()) == 4 + 76
    assert "Contact" in out.splitlines()[2]


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_ids_stages_amounts_and_dates_whole(funnel, demo, width):
    leads = data(funnel, demo, "list", "--status", "won", "--limit", "30")
    out = at(funnel, demo, width, "list", "--status", "won", "--limit", "30")
    lines = out.splitlines()
    assert len(lines) == 2 + 30 + 1  # header, rule: one line a lead; how many more
    assert lines[-1] == "… 175 more: --limit 0 for all"
    for lead, line in zip(leads, lines[2:-1], strict=True):
        assert line.lstrip().startswith(f"{lead['id']}  ") and " won " in line
        if lead["amount_cents"] is not None:
            assert f"{lead['amount_cents'] / 100:,.2f} {lead['currency']}" in line


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "args",
    [
        ("report",),
        ("report", "funnel"),
        ("report", "forecast"),
        ("report", "kpis"),
        ("report", "monthly"),
        ("report", "sources"),
        ("report", "backtest"),
        ("report", "cycle"),
        ("report", "lost"),
        ("stages",),
        ("undo", "--list"),
        ("history", "5"),
        ("show", "167"),
    ],
)
def test_nothing_is_cut(funnel, demo, width, args):
    out = at(funnel, demo, width, *args)
    assert "…" not in out.replace("… and 1 more", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_follow_up_list_is_one_line_a_follow_up(funnel, demo, width):
    items = data(funnel, demo, "follow-up", "list")
    lines = at(funnel, demo, width, "follow-up", "list").splitlines()
    assert len(lines) == 2 + len(items)
    for item, line in zip(items, lines[2:], strict=True):
        assert line.split()[:2] == [f"F{item['id']}", item["due_date"]]


def test_the_dashboard_bars_narrow_and_the_forecast_labels_stay_on_one_line(funnel, demo):
    out = at(funnel, demo, 80, "report")
    assert "This quarter 2026-Q4  CAD" in out
    bars = [line for line in out.splitlines() if line.startswith("new ")]
    assert bars and bars[0].rstrip().endswith("█")


def test_an_empty_column_is_not_drawn(funnel):
    funnel("add", "Ann", "--company", "Acme")
    env = {"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "80"}
    header = funnel("list", env=env).stdout.splitlines()[0].split()
    assert header == ["ID", "Name", "Company", "Stage", "Created"]


def test_fit_drops_the_least_useful_column_then_cuts_the_widest():
    columns = [
        Column("a", "A", no_wrap=True),
        Column("b", "B", cut=True),
        Column("c", "C", cut=True),
        Column("d", "D", no_wrap=True, drop=1),
        Column("e", "E", keep=True),
    ]
    cells = [["1234", "x" * 30, "y" * 20, "2026-11-29", "a@b.example"]]
    # natural: 4 + 30 + 20 + 10 + 11 + 4 gaps of 2 = 83
    assert fit(columns, cells, 83) == (list(range(5)), {}, dict(enumerate([4, 30, 20, 10, 11])))
    # 73: 10 too many, taken from the widest cut column
    assert fit(columns, cells, 73).max_widths == {1: 20}
    # 50: 33 too many: B loses 10 to meet C at 20, then they lose 23 in turns (B first): 8 and 9
    assert fit(columns, cells, 50).max_widths == {1: 8, 2: 9}
    # 40: the narrowest (4 + 8 + 8 + 10 + 11 + 8) is 49: D goes; then B and C share what is left
    fitted = fit(columns, cells, 40)
    assert fitted.shown == [0, 1, 2, 4] and fitted.max_widths == {1: 9, 2: 10}
    # an empty column is not drawn
    assert fit(columns, [["1", "", "y", "", "e"]], 80).shown == [0, 2, 4]
