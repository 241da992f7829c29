"""The import's fast paths agree with the rules they skip: two equal tuples of compared
values make no change (:meth:`LaterRows.changes`), a row with the lead's source and notes
is taken as it is (:meth:`LaterRows.take`), and a row's common path reads one email as the
column's parser does."""

from __future__ import annotations

from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from funnelcli.importers.cells import parse_email
from funnelcli.importers.emails import OTHER_EMAILS, parse_emails
from funnelcli.importers.leads import LeadParser, LeadValues
from funnelcli.importers.problems import ValueProblem
from funnelcli.services.imports.later_rows import LaterRows
from funnelcli.store.imports import KnownLead

NOW = "2026-11-29T09:00:00Z"
COLUMNS = ("name", "company", "email", "source", "notes", "amount_cents", "currency")
VALUES = st.one_of(st.none(), st.integers(0, 2), st.sampled_from(["a", "b", ""]))
OVERWRITABLE = st.one_of(st.none(), st.frozensets(st.sampled_from(COLUMNS)))


class FakeWriter:
    """Records the source actions a rule writes; knows the ones given."""

    def __init__(self, known: set[tuple[int, str, str]]) -> None:
        self.known = set(known)
        self.written: list[tuple[object, ...]] = []

    def has_activity(self, lead_id: int, kind: str, text: str) -> bool:
        return (lead_id, kind, text) in self.known

    def insert_activity(self, lead_id: int, kind: str, text: str, at: str, created: str) -> None:
        self.written.append((lead_id, kind, text, at, created))


def later(overwritable: frozenset[str] | None, known=()) -> tuple[LaterRows, FakeWriter]:
    writer = FakeWriter(set(known))
    return LaterRows(writer, NOW, overwritable), writer  # type: ignore[arg-type]


@settings(max_examples=examples(400))
@given(
    st.data(),
    st.integers(1, len(COLUMNS)),
    OVERWRITABLE,
)
def test_changes_of_equal_or_different_tuples_agree_with_the_column_rule(data, width, writable):
    names = COLUMNS[:width]
    old = tuple(data.draw(st.lists(VALUES, min_size=width, max_size=width)))
    # Often the same values (the re-import of an unchanged row), sometimes a few changed.
    new = tuple(
        data.draw(st.one_of(st.just(old), st.lists(VALUES, min_size=width, max_size=width)))
    )
    rows, _ = later(writable)
    assert rows.changes(names, new, old) == rows.changes_by_column(names, new, old)


TEXTS = st.one_of(
    st.none(),
    st.sampled_from(["web-form", "referral", "", "Call back", OTHER_EMAILS + "b@x.com"]),
    st.sampled_from(["Call back\n2026-01-02: Quote", "2026-01-02: Call back"]),
)


def lead(source, notes) -> KnownLead:
    values = dict.fromkeys(KnownLead._fields)
    values.update(id=7, name="Ann", source=source, notes=notes, created_at=NOW, dates_estimated=0)
    return KnownLead(**values)


def row(source, notes, created) -> LeadValues:
    values = dict.fromkeys(LeadValues._fields)
    values.update(line=2, name="Ann", display_name="Ann", source=source, notes=notes)
    values.update(created_at=created)
    return LeadValues(**values)


@settings(max_examples=examples(400))
@given(
    TEXTS,
    TEXTS,
    TEXTS,
    TEXTS,
    st.sampled_from([None, "2026-01-05T10:00:00Z"]),
    st.booleans(),
    OVERWRITABLE,
)
def test_take_agrees_with_the_rules_one_by_one(
    lead_source, lead_notes, row_source, row_notes, created, recorded_before, writable
):
    found = lead(lead_source, lead_notes)
    given_row = row(row_source, row_notes, created)
    known = {(7, "source", f"source: {row_source}")} if recorded_before else set()
    fast, fast_writer = later(writable, known)
    slow, slow_writer = later(writable, known)
    assert fast.take(found, given_row) == slow.apply(found, given_row)
    assert fast_writer.written == slow_writer.written
    assert (fast.sources, fast.notes) == (slow.sources, slow.notes)


def test_take_of_the_leads_own_values_changes_nothing():
    rows, writer = later(None)
    found = lead("web-form", "Call back")
    same = row("web-form", "Call back", None)
    assert rows.take(found, same) == (same, False)
    assert rows.changes(COLUMNS, ("Ann", None), ("Ann", None)) == {}
    assert writer.written == []


ADDRESSES = st.sampled_from(
    ["a@x.com", "B.Roy@Example.ORG", "mailto:c@y.ca", "d@x", "@x.com", "e@@x.com", "f@x.com."]
)
SEPARATORS = st.sampled_from([" / ", "; ", ",", " ", " | ", " (Greg) or "])


@given(st.lists(ADDRESSES, min_size=1, max_size=3), SEPARATORS)
@settings(max_examples=examples(200))
def test_the_common_paths_email_parser_agrees_with_the_columns_parser(addresses, separator):
    """A row's common path reads the email with ``parse_email`` (``LeadParser.FAST_PARSERS``):
    where it returns, it returns what the column's parser does, and it refuses every cell of
    several addresses, which the general path then reads with ``parse_emails``."""
    assert LeadParser.FAST_PARSERS["email"] is parse_email
    text = separator.join(addresses)
    try:
        fast = parse_email(text)
    except ValueProblem:
        return
    assert text.count("@") == 1
    assert parse_emails(text) == fast
