"""How an import writes its new leads and remembers their keys, kept cheap without changing a
value: a column every lead of a batch leaves at its default is written into the batch's
statement (:class:`~funnelcli.store.new_leads.NewLeads`); the filter of the inserted keys is
sized for the rows the file seems to have (:func:`~funnelcli.services.imports.bits.filter_bits`),
and a false positive only costs a lookup."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from helpers import examples, rows
from hypothesis import given, settings
from hypothesis import strategies as st

from funnelcli.services.imports import bits, matching
from funnelcli.services.imports.lines import InsertedLines
from funnelcli.store.new_leads import NewLeads


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def summary(result) -> str:
    return result.stdout.strip().splitlines()[-1].removeprefix("dry run, nothing written: ")


# ------------------------------------------------------------ new leads, batch by batch


def new_leads(conn: sqlite3.Connection) -> NewLeads:
    return NewLeads(
        conn,
        ["email", "notes"],
        staged=False,
        with_currency=True,
        defaults={"updated_at": "2026-11-29T14:00:00Z", "stage_id": 1, "currency": "CAD"},
        entry_stage_id=4,
    )


class Row:
    def __init__(self, email: str | None, notes: str | None, currency: str | None) -> None:
        self.email, self.notes, self.currency = email, notes, currency


def test_a_column_no_lead_of_the_batch_fills_is_written_in_the_statement(funnel, db_path):
    funnel("init")
    conn = sqlite3.connect(db_path)
    new = new_leads(conn)
    for i in range(3):
        new.add(
            Row(f"p{i}@x.ca", None, None),
            f"P{i}",
            f"2026-01-0{i + 1}T00:00:00Z",
            None,
            None,
        )
    new.flush()
    conn.commit()
    assert list(new.statements) == [frozenset({"notes", "currency", "dates_estimated"})]
    sql = next(iter(new.statements.values()))[0]
    assert "coalesce(NULL, 'CAD')" in sql and "?4" not in sql  # name, created, email bound
    assert rows(db_path, "SELECT name, email, notes, currency, dates_estimated FROM leads") == [
        {"name": f"P{i}", "email": f"p{i}@x.ca", "notes": None, "currency": "CAD",
         "dates_estimated": 0}
        for i in range(3)
    ]  # fmt: skip


@pytest.mark.parametrize("filled", [0, 1, 2], ids=["first", "middle", "last"])
def test_a_column_one_lead_of_the_batch_fills_stays_bound(funnel, db_path, filled):
    funnel("init")
    conn = sqlite3.connect(db_path)
    new = new_leads(conn)
    for i in range(3):
        notes = "other: q@x.ca" if i == filled else None
        currency = "USD" if i == filled else None
        new.add(
            Row(f"p{i}@x.ca", notes, currency),
            f"P{i}",
            "2026-01-01T00:00:00Z",
            None,
            None,
            estimated=1 if i == filled else 0,
        )
    new.flush()
    conn.commit()
    assert list(new.statements) == [frozenset()]
    assert rows(db_path, "SELECT notes, currency, dates_estimated FROM leads ORDER BY id") == [
        {"notes": "other: q@x.ca", "currency": "USD", "dates_estimated": 1}
        if i == filled
        else {"notes": None, "currency": "CAD", "dates_estimated": 0}
        for i in range(3)
    ]


def test_a_whole_import_stores_what_each_batch_wrote(funnel, db_path, tmp_path):
    # 2,000 rows a batch: the first batch fills no notes, the second fills one (a second email)
    lines = [f"P{i},p{i}@x.ca,{i + 1},2026-01-05" for i in range(4500)]
    lines[3000] = "P3000,p3000@x.ca; other@x.ca,3001 USD,2026-01-05"
    path = write(tmp_path, "Name,Email,Amount,Created\n" + "\n".join(lines) + "\n")
    result = funnel("import", path)
    assert "4500 inserted" in summary(result)
    stored = rows(db_path, "SELECT id, notes, currency, amount_cents FROM leads ORDER BY id")
    assert len(stored) == 4500
    assert [r["id"] for r in stored if r["notes"] is not None] == [3001]
    assert "other@x.ca" in stored[3000]["notes"]
    assert [r["currency"] for r in stored].count("USD") == 1 and stored[3000]["currency"] == "USD"
    assert [r["amount_cents"] for r in stored] == [(i + 1) * 100 for i in range(4500)]


# ------------------------------------------------------------ the filter of inserted keys


def test_the_filter_is_sized_for_the_rows_expected():
    assert bits.filter_bits(None) == bits.FILTER_BITS  # standard input: not known
    assert bits.filter_bits(0) == bits.filter_bits(1) == bits.MIN_FILTER_BITS
    assert bits.filter_bits(100_000) == 1 << 24  # 12.8 M bits wanted: 2 MiB
    assert bits.filter_bits(100_000) >= 100_000 * bits.BITS_PER_ROW
    assert bits.filter_bits(10_000_000) == bits.FILTER_BITS


@pytest.fixture
def filter_sizes(monkeypatch) -> list[int]:
    sizes: list[int] = []

    class Recorded(bits.KeyFilter):
        def __init__(self, size: int = bits.FILTER_BITS) -> None:
            sizes.append(size)
            super().__init__(size)

    monkeypatch.setattr(matching, "KeyFilter", Recorded)
    return sizes


def test_a_file_gets_a_filter_for_its_size(funnel, tmp_path, filter_sizes):
    body = "".join(f"Person {i},person{i}@example.com\n" for i in range(6000))
    funnel("import", write(tmp_path, "Name,Email\n" + body))
    # the placeholder, then the filter sized at the first batch (2,000 of 6,000 rows read)
    assert filter_sizes[0] == bits.MIN_FILTER_BITS
    assert filter_sizes[1:] == [bits.filter_bits(6000)] == [1 << 20]


def test_a_database_with_leads_gets_the_smallest_filter(funnel, tmp_path, filter_sizes):
    # every key is looked up in a database that had leads: the filter is never read
    body = "".join(f"Person {i},person{i}@example.com\n" for i in range(6000))
    path = write(tmp_path, "Name,Email\n" + body)
    funnel("import", path)
    filter_sizes.clear()
    assert "6000 unchanged" in summary(funnel("import", path))
    assert filter_sizes == [bits.MIN_FILTER_BITS, bits.MIN_FILTER_BITS]


def test_a_full_filter_finds_the_same_leads(funnel, db_path, tmp_path, monkeypatch):
    # Later rows repeat earlier batches' emails and names: with a filter of 64 bits every key
    # "may" be there, so each is looked up: the same merges, the same leads.
    lines = [f"P{i},p{i}@x.ca,," for i in range(2500)]
    lines += [f"P{i},P{i}@X.CA,," for i in range(0, 2500, 100)]  # lines 2502-2526
    lines += [f"N{i},,Acme,555-{i:04d}" for i in range(10)] + ["N3,,Acme,555-0003"]
    path = write(tmp_path, "Name,Email,Company,Phone\n" + "\n".join(lines) + "\n")
    funnel("init")
    expected = funnel("import", path, "--dry-run")
    monkeypatch.setattr(matching, "filter_bits", lambda expected_rows: 64)
    result = funnel("import", path)
    assert summary(result) == summary(expected)
    assert "2510 inserted" in summary(result) and "26 duplicates in file" in summary(result)
    assert "line 2503 merged into line 102 (same email and name)" in result.stderr
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 2510}]


# ------------------------------------------------------------ the line of each inserted lead


@settings(max_examples=examples(200))
@given(
    gaps=st.lists(st.sampled_from([1, 1, 1, 1, 2, 5]), max_size=300),  # mostly consecutive
    cuts=st.lists(st.integers(0, 300), max_size=6),
)
def test_inserted_lines_give_back_each_leads_line(gaps, cuts):
    lines, line = [], 1
    for gap in gaps:  # each lead's line: after the one before, sometimes with rows left out
        line += gap
        lines.append(line)
    kept = InsertedLines()
    edges = sorted({0, len(lines), *(c for c in cuts if c < len(lines))})
    for start, end in itertools.pairwise(edges):  # batches of any size
        kept.extend(lines[start:end])
    assert len(kept) == len(lines)
    assert [kept[n] for n in range(len(lines))] == lines
    with pytest.raises(IndexError):
        kept[len(lines)]


def test_a_merge_names_the_line_past_rows_left_out(funnel, tmp_path):
    # rejected and merged rows in the first batch shift the lines of the leads after them
    rows_ = [f"P{i},p{i}@x.ca" for i in range(2100)]
    rows_[10] = "P10,not-an-email"  # line 12, rejected
    rows_[20] = "P5,p5@x.ca"  # line 22, merged into line 7
    rows_.append("P1500,p1500@x.ca")  # line 2102, second batch: merged into line 1502
    path = write(tmp_path, "Name,Email\n" + "\n".join(rows_) + "\n")
    result = funnel("import", path, "--rejects", tmp_path / "rejects.csv")
    assert "  line 22 merged into line 7 (same email and name)\n" in result.stderr
    assert "  line 2102 merged into line 1502 (same email and name)\n" in result.stderr
    assert summary(result) == (
        "leads: 2098 inserted, 0 updated, 0 unchanged, 1 rejected, 2 duplicates in file"
    )
