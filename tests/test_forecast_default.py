"""The forecast's default method is chosen by backtest (issue 16, item 3), and that choice is
kept for the day in the cache folder, until the history it learnt from changes."""

from __future__ import annotations

import json

from test_backtest import history

CACHE = "cache/funnel/forecast-method.json"
FORECAST = ("report", "forecast", "-f", "json")


def cached(tmp_path) -> dict:
    return json.loads((tmp_path / CACHE).read_text())


def chosen_then_edited(funnel, tmp_path) -> None:
    """The history's choice (model) made and kept, then edited by hand in the cache to stage."""
    history(funnel)
    funnel(*FORECAST)
    kept = cached(tmp_path)
    [key] = kept
    kept[key]["method"] = "stage"
    (tmp_path / CACHE).write_text(json.dumps(kept))


def test_the_default_forecast_is_the_backtests_choice(funnel, tmp_path):
    history(funnel)
    plain = json.loads(funnel(*FORECAST).stdout)
    assert plain["method"] == "model" and plain["auto"]["chosen"] == "model"
    assert plain == json.loads(funnel(*FORECAST, "--method", "auto").stdout)
    [(key, entry)] = cached(tmp_path).items()
    assert key.split("|")[1] == "2026-11-29" and entry["method"] == "model"
    # the dashboard's forecast takes the same method
    dashboard = json.loads(funnel("report", "-f", "json").stdout)
    assert dashboard == json.loads(funnel("report", "-f", "json", "--method", "model").stdout)


def test_the_choice_is_reused_for_the_day_until_the_history_changes(funnel, tmp_path):
    # Prove the reuse: a choice edited by hand is what the next report shows.
    chosen_then_edited(funnel, tmp_path)
    assert json.loads(funnel(*FORECAST).stdout)["method"] == "stage"
    # Today's writes do not touch the history before this month: still reused.
    funnel("add", "Today's lead", "--amount", "500")
    assert json.loads(funnel(*FORECAST).stdout)["method"] == "stage"
    # A lead dated back into that history changes it: the backtest runs again.
    funnel("add", "Old lead", "--at", "2026-07-15")
    assert json.loads(funnel(*FORECAST).stdout)["method"] == "model"
    assert len(cached(tmp_path)) == 2


def test_another_day_chooses_again(funnel, tmp_path):
    chosen_then_edited(funnel, tmp_path)
    tomorrow = {"FUNNEL_NOW": "2026-11-30T09:00:00"}
    assert json.loads(funnel(*FORECAST, env=tomorrow).stdout)["method"] == "model"
    assert [k.split("|")[1] for k in cached(tmp_path)] == ["2026-11-30"]  # yesterday's dropped


def test_a_short_history_runs_no_backtest(funnel, tmp_path):
    history(funnel, wins={"1": "06-10", "2": "07-10"})
    report = json.loads(funnel(*FORECAST).stdout)
    assert report["method"] == "auto" and report["auto"]["chosen"] is None
    assert not (tmp_path / CACHE).exists()


def test_a_cache_that_cannot_be_written_changes_nothing(funnel, tmp_path):
    history(funnel)
    (tmp_path / "cache").write_text("a file where the folder would go")
    report = json.loads(funnel(*FORECAST).stdout)
    assert report["method"] == "model"
    (tmp_path / "cache").unlink()
    (tmp_path / "cache" / "funnel").mkdir(parents=True)
    (tmp_path / CACHE).write_text("{not json")
    assert json.loads(funnel(*FORECAST).stdout) == report
