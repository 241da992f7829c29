"""A backtest reads each cut-off in its own snapshot: when another process commits meanwhile,
it runs again on the database as it is then, and refuses (75) a database that keeps changing,
rather than show figures half old, half new."""

from __future__ import annotations

import json
import sqlite3

from test_backtest import BACKTEST, history

from funnelcli.services.reports import backtest


def _write_elsewhere(db_path, cents: int) -> None:
    """Another process's commit: lead 2 (won in July) worth another amount."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE leads SET amount_cents = ? WHERE id = 2", (cents,))
    conn.close()


def _figures(result) -> dict:
    data = json.loads(result.stdout)
    data.pop("as_of")
    return data


def test_a_write_during_the_backtest_makes_it_run_again(funnel, db_path, monkeypatch):
    history(funnel)
    runs = []
    real_run, real_forecasts = backtest._run, backtest._forecasts

    def counted(*args, **kwargs):
        runs.append(1)
        return real_run(*args, **kwargs)

    def meanwhile(*args, **kwargs):
        if len(runs) == 1:  # the first run only, at its first cut-off
            _write_elsewhere(db_path, 300_000)
        return real_forecasts(*args, **kwargs)

    monkeypatch.setattr(backtest, "_run", counted)
    monkeypatch.setattr(backtest, "_forecasts", meanwhile)
    during = _figures(funnel(*BACKTEST, "-f", "json"))
    assert len(runs) == 2
    monkeypatch.setattr(backtest, "_run", real_run)  # (not undo(): the fixtures' env too)
    monkeypatch.setattr(backtest, "_forecasts", real_forecasts)
    after = _figures(funnel(*BACKTEST, "-f", "json"))
    assert during == after  # every cut-off saw the database as it is now
    july = [p for p in after["periods"] if p["cut_off"] == "2026-07-31"][0]
    last_period = {m["method"]: m for m in july["methods"]}["last_period"]
    assert last_period["forecast"]["cents"] == 300_000  # July's wins, the new amount


def test_a_database_that_keeps_changing_is_refused(funnel, db_path, monkeypatch):
    history(funnel)
    real_forecasts = backtest._forecasts
    amounts = iter(range(300_000, 400_000, 100))

    def always(*args, **kwargs):
        _write_elsewhere(db_path, next(amounts))
        return real_forecasts(*args, **kwargs)

    monkeypatch.setattr(backtest, "_forecasts", always)
    refused = funnel(*BACKTEST, "-f", "json", code=75)
    assert refused.stdout == ""
    assert refused.stderr == (
        "Error: the database kept changing during the backtest (3 runs)\n"
        "Hint: run it again when the other writes are done\n"
    )
