"""Issue 14, item 4: dates an import does not find are kept, marked estimated
(``leads.dates_estimated``: 1 created, 2 closed), and corrected by a later file; a close
before a lead's creation in funnel moves the creation back instead of the close forward."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import rows

NOW = "2026-11-29T14:00:00Z"  # conftest's FUNNEL_NOW


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def leads(db: Path) -> list[dict]:
    return rows(db, "SELECT id, created_at, closed_at, dates_estimated FROM leads ORDER BY id")


def history(db: Path, lead: int = 1) -> list[tuple]:
    return [
        (r["from_stage_id"], r["to_stage_id"], r["at"])
        for r in rows(
            db,
            "SELECT from_stage_id, to_stage_id, at FROM stage_changes WHERE lead_id = ? "
            "ORDER BY at, id",
            (lead,),
        )
    ]


def test_missing_dates_are_kept_and_marked_estimated(funnel, db_path, tmp_path):
    path = write(
        tmp_path,
        "Id,Name,Stage,Created,Closed\n"
        "1,Open no date,new,,\n"
        "2,Won no date,won,,\n"
        "3,Won closed only,won,,2026-03-20 12:00\n"
        "4,Won both,won,2026-01-10 12:00,2026-03-20 12:00\n"
        "5,Open dated,new,2026-01-10 12:00,\n",
    )
    result = funnel("import", path)
    assert leads(db_path) == [
        {"id": 1, "created_at": NOW, "closed_at": None, "dates_estimated": 1},
        {"id": 2, "created_at": NOW, "closed_at": NOW, "dates_estimated": 3},
        {"id": 3, "created_at": "2026-03-20T16:00:00Z", "closed_at": "2026-03-20T16:00:00Z",
         "dates_estimated": 1},
        {"id": 4, "created_at": "2026-01-10T17:00:00Z", "closed_at": "2026-03-20T16:00:00Z",
         "dates_estimated": 0},
        {"id": 5, "created_at": "2026-01-10T17:00:00Z", "closed_at": None, "dates_estimated": 0},
    ]  # fmt: skip
    assert (
        "these dates are marked estimated: the sales cycle and the monthly figures leave them "
        "out, and 'funnel check' lists them (import a file with the date column to replace them)"
    ) in result.stderr


def test_a_later_file_with_the_dates_clears_the_marks_and_moves_the_history(
    funnel, db_path, tmp_path
):
    funnel("import", write(tmp_path, "Id,Name,Stage\n1,Al,won\n2,Bo,new\n"))
    assert [lead["dates_estimated"] for lead in leads(db_path)] == [3, 1]
    dated = write(
        tmp_path,
        "Id,Name,Stage,Created,Closed\n"
        "1,Al,won,2026-01-10 12:00,2026-03-20 12:00\n"
        "2,Bo,new,2026-02-01 12:00,\n",
        "dated.csv",
    )
    result = funnel("import", dated, "-f", "json")
    assert '"updated": 2' in result.stdout
    assert '"dates_found": 3' in result.stdout
    assert leads(db_path) == [
        {"id": 1, "created_at": "2026-01-10T17:00:00Z", "closed_at": "2026-03-20T16:00:00Z",
         "dates_estimated": 0},
        {"id": 2, "created_at": "2026-02-01T17:00:00Z", "closed_at": None, "dates_estimated": 0},
    ]  # fmt: skip
    # created at the opportunity stage (3), won (6): the history moved with the dates
    assert history(db_path, 1) == [
        (None, 3, "2026-01-10T17:00:00Z"),
        (3, 6, "2026-03-20T16:00:00Z"),
    ]
    assert history(db_path, 2) == [(None, 1, "2026-02-01T17:00:00Z")]
    # the summaries the triggers keep follow the moved history
    assert rows(db_path, "SELECT last_event_at FROM leads ORDER BY id") == [
        {"last_event_at": "2026-03-20T16:00:00Z"},
        {"last_event_at": "2026-02-01T17:00:00Z"},
    ]
    # and a third import changes nothing
    again = funnel("import", dated, "-f", "json")
    assert '"unchanged": 2' in again.stdout


def test_closing_a_known_lead_without_a_close_date_marks_it(funnel, db_path, tmp_path):
    funnel("import", write(tmp_path, "Id,Name,Created\n1,Al,2026-01-10 12:00\n"))
    result = funnel("import", write(tmp_path, "Id,Name,Stage\n1,Al,won\n", "won.csv"))
    assert "1 closed row(s) had no close date: they were closed at the import's time" in (
        result.stderr
    )
    assert leads(db_path)[0]["dates_estimated"] == 2


def test_a_close_before_the_creation_takes_the_files_created_date(funnel, db_path, tmp_path):
    """The other CRM knew the deal before funnel did: the win of 2026-03-20 stays on its day
    (it was moved to the creation, 2026-11-29, and the cycle read 0 days)."""
    funnel("import", write(tmp_path, "Id,Name\n1,Al\n"))  # created now, estimated
    funnel("edit", "1", "--company", "Acme")  # a real lead since: any lead created in funnel
    path = write(
        tmp_path,
        "Id,Name,Stage,Created,Closed\n1,Al,won,2026-01-10 12:00,2026-03-20 12:00\n",
        "won.csv",
    )
    funnel("import", path)
    assert leads(db_path) == [
        {"id": 1, "created_at": "2026-01-10T17:00:00Z", "closed_at": "2026-03-20T16:00:00Z",
         "dates_estimated": 0},
    ]  # fmt: skip
    assert history(db_path) == [
        (None, 1, "2026-01-10T17:00:00Z"),
        (1, 3, "2026-03-20T16:00:00Z"),
        (3, 6, "2026-03-20T16:00:00Z"),
    ]


def test_a_close_before_the_creation_moves_the_creation_back_and_warns(funnel, db_path, tmp_path):
    funnel("add", "Al", "--external-id", "1", "--at", "2026-11-02")
    path = write(tmp_path, "Id,Name,Stage,Closed\n1,Al,won,2026-03-20 12:00\n", "won.csv")
    result = funnel("import", path, "-f", "json")
    assert (
        "Warning: line 2 closes lead 1 on 2026-03-20, before its creation in funnel "
        "(2026-11-02): its creation was moved back to the close date (marked estimated)"
    ) in result.stderr
    assert '"redated": [\n    "line 2 closes lead 1' in result.stdout
    assert leads(db_path) == [
        {"id": 1, "created_at": "2026-03-20T16:00:00Z", "closed_at": "2026-03-20T16:00:00Z",
         "dates_estimated": 1},
    ]  # fmt: skip
    assert [at for _, _, at in history(db_path)] == ["2026-03-20T16:00:00Z"] * 3


def test_a_close_before_a_stage_change_in_funnel_is_recorded_after_it(funnel, db_path, tmp_path):
    funnel("add", "Al", "--external-id", "1", "--at", "2026-11-02")
    funnel("advance", "1", "contacted", "--at", "2026-11-05")
    path = write(tmp_path, "Id,Name,Stage,Closed\n1,Al,won,2026-03-20 12:00\n", "won.csv")
    result = funnel("import", path)
    assert (
        "Warning: line 2 closes lead 1 on 2026-03-20, before its last stage change in funnel "
        "(2026-11-05): closed on 2026-11-05 instead"
    ) in result.stderr
    at = history(db_path)
    assert [a for _, _, a in at] == sorted(a for _, _, a in at)
    assert leads(db_path)[0]["closed_at"] == at[-1][2]


def test_show_says_which_dates_are_estimated(funnel, tmp_path):
    funnel("import", write(tmp_path, "Id,Name,Stage\n1,Al,won\n2,Bo,new\n"))
    funnel("import", write(tmp_path, "Id,Name,Created\n2,Bo,2026-02-01 12:00\n", "b.csv"))
    al = json.loads(funnel("show", "1", "-f", "json").stdout)
    bo = json.loads(funnel("show", "2", "-f", "json").stdout)
    assert (al["dates_estimated"], bo["dates_estimated"]) == (["created", "closed"], [])
    text = funnel("show", "1").stdout
    assert "  Created      2026-11-29 09:00 (estimated by an import)\n" in text
    assert "  Closed       2026-11-29 09:00 (estimated by an import)\n" in text
    assert "estimated" not in funnel("show", "2").stdout


def test_a_row_closed_before_its_created_date_keeps_the_close_and_estimates_the_creation(
    funnel, db_path, tmp_path
):
    # Salesforce after a data migration: CreatedDate is the day the records were loaded.
    path = write(
        tmp_path,
        "Id,Name,StageName,CreatedDate,CloseDate,Amount\n"
        "A1,Migrated win,Closed Won,2026-02-23,2024-02-03,1000\n"
        "A2,Real win,Closed Won,2024-01-10,2024-02-10,500\n"
        "A3,Open deal,Prospecting,2026-02-23,2024-02-03,200\n",
    )
    result = funnel("import", path)
    assert (
        "Warning: 1 row closed before their created date (line 2): the close date in column "
        "'CloseDate' is kept, the created date is estimated from it (marked, left out of the "
        "sales cycle)"
    ) in result.stderr
    got = rows(db_path, "SELECT external_id, created_at, closed_at, dates_estimated, "
               "expected_close FROM leads ORDER BY id")  # fmt: skip
    assert got == [
        {"external_id": "A1", "created_at": "2024-02-03T05:00:00Z",
         "closed_at": "2024-02-03T05:00:00Z", "dates_estimated": 1, "expected_close": None},
        {"external_id": "A2", "created_at": "2024-01-10T05:00:00Z",
         "closed_at": "2024-02-10T05:00:00Z", "dates_estimated": 0, "expected_close": None},
        # an open deal's "close date" is its expected close, whatever its created date
        {"external_id": "A3", "created_at": "2026-02-23T05:00:00Z", "closed_at": None,
         "dates_estimated": 0, "expected_close": "2024-02-03"},
    ]  # fmt: skip
    cycle = json.loads(
        funnel("report", "cycle", "--from", "2024-01", "--to", "2024-12", "--format", "json").stdout
    )
    assert cycle["deals"] == 1 and cycle["left_out_estimated"] == 1
    again = funnel("import", path)
    assert again.stdout.strip().endswith("0 inserted, 0 updated, 3 unchanged, 0 rejected, "
                                         "0 duplicates in file")  # fmt: skip
