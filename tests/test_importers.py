"""The pure CSV machinery: encodings, dialects, strict parsing, header mapping, values, dates."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnelcli.errors import DataError, InputFileError, InvalidAmount, UsageError
from funnelcli.importers import cells, datecolumn, leads, stages
from funnelcli.importers.columns import ColumnMap, map_columns, parse_pairs
from funnelcli.importers.csvfile import MAX_FIELD, CsvFile
from funnelcli.importers.encoding import check_encoding
from funnelcli.importers.problems import ValueProblem
from funnelcli.importers.synonyms import field_of
from funnelcli.models import Stage, StageKind
from funnelcli.money import parse_amount
from funnelcli.pipeline import Pipeline
from funnelcli.services.imports.job import open_source
from funnelcli.services.imports.options import load_mapping_file
from funnelcli.text import clean, normalize_email, unneutralize

NOW = datetime.fromisoformat("2026-11-29T09:00:00").astimezone()


def write(tmp_path: Path, data: bytes | str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def open_csv(path: Path, **kwargs) -> CsvFile:
    """The file as the import hands it over: a binary stream the caller opened."""
    return CsvFile(io.BytesIO(path.read_bytes()), display=str(path), **kwargs)


def records(path: Path, **kwargs) -> tuple[CsvFile, list[tuple[int, list[str]]]]:
    source = open_csv(path, **kwargs)
    return source, list(source.records())


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "codec", "guessed"),
    [
        ("name,email\nZoé,z@x.ca\n".encode(), "utf-8", False),
        (codecs.BOM_UTF8 + "name,email\nZoé,z@x.ca\n".encode(), "utf-8-sig", False),
        ("name,email\nZoé,z@x.ca\n".encode("utf-16"), "utf-16", False),
        ("name,email\nZoé,z@x.ca\n".encode("cp1252"), "cp1252", True),
    ],
)
def test_encoding_is_detected_and_the_text_decoded(tmp_path, data, codec, guessed):
    source, rows = records(write(tmp_path, data))
    assert source.encoding.codec == codec
    assert source.encoding.guessed is guessed
    assert source.header == ["name", "email"]
    assert rows == [(2, ["Zoé", "z@x.ca"])]


def test_forced_encoding_wins_and_an_unknown_one_is_a_usage_error(tmp_path):
    path = write(tmp_path, "name;email\nZoé;z@x.ca\n".encode("latin-1"))
    source, rows = records(path, encoding=check_encoding("latin-1"))
    assert rows == [(2, ["Zoé", "z@x.ca"])]
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        check_encoding("klingon")


def test_utf8_sample_then_cp1252_bytes_is_read_as_cp1252(tmp_path):
    head = "name,email\n" + "".join(f"P{i},p{i}@x.ca\n" for i in range(7000))
    path = write(tmp_path, head.encode() + "Zoé,z@x.ca\n".encode("cp1252"))
    source, rows = records(path)
    assert source.encoding.codec == "cp1252"
    assert "line 7002 is not UTF-8" in source.notes[0][1]
    assert rows[-1] == (7002, ["Zoé", "z@x.ca"])


def test_invalid_utf8_after_real_utf8_is_a_data_error(tmp_path):
    head = "name,email\nZoé,z@x.ca\n" + "".join(f"P{i},p{i}@x.ca\n" for i in range(7000))
    path = write(tmp_path, head.encode() + b"Bad\xe9,b@x.ca\n")
    source = open_csv(path)
    with pytest.raises(DataError, match="line 7003: bytes that are not valid utf-8"):
        list(source.records())


# --------------------------------------------------------------------------- dialects


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(tmp_path, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["name", "company", "amount"])
    writer.writerow(["Zoé", "Acme, inc; ltd", "1 234,56 $"])
    writer.writerow(["Al", "Bo | Co", "12"])
    source, rows = records(write(tmp_path, buffer.getvalue()))
    assert source.dialect.delimiter == delimiter
    assert source.dialect.detected
    assert rows[0][1] == ["Zoé", "Acme, inc; ltd", "1 234,56 $"]


def test_ambiguous_delimiter_exits_65_suggesting_the_flag(tmp_path):
    path = write(tmp_path, "a;b,c\n1;2,3\n4;5,6\n")
    with pytest.raises(DataError, match="cannot tell the delimiter") as caught:
        open_csv(path)
    assert caught.value.exit_code == 65
    assert "--delimiter" in (caught.value.hint or "")
    source, rows = records(path, delimiter=";")
    assert rows == [(2, ["1", "2,3"]), (3, ["4", "5,6"])]


def test_excel_sep_line_sets_the_delimiter_and_counts_in_line_numbers(tmp_path):
    source, rows = records(write(tmp_path, "sep=;\nname;email\nZoé;z@x.ca\n\n;\nAl;a@x.ca\n"))
    assert source.dialect.delimiter == ";"
    assert source.dialect.sep_line
    assert source.header == ["name", "email"]
    assert rows == [(3, ["Zoé", "z@x.ca"]), (5, ["", ""]), (6, ["Al", "a@x.ca"])]


def test_quoted_newlines_keep_the_line_number_of_the_record_start(tmp_path):
    text = 'name,notes\nA,"one\ntwo\nthree"\nB,x\n'
    _, rows = records(write(tmp_path, text))
    assert rows == [(2, ["A", "one\ntwo\nthree"]), (5, ["B", "x"])]


def test_the_records_can_be_read_again_while_they_are_read(tmp_path):
    """A date column's first pass reads the file from the top in the middle of the parse."""
    text = "sep=;\nname;notes\n" + "".join(f"P{i};{'x' * (i % 50)}\n" for i in range(5000))
    path = write(tmp_path, text.encode("utf-16"))  # decoded ahead, by chunks
    source, expected = records(path)
    found = []
    for number, record in enumerate(source.records()):
        found.append(record)
        if number in (0, 2500, 4999):
            with source.reread() as again:
                assert list(again) == expected
    assert found == expected


def test_a_late_month_first_date_is_found_by_a_first_pass_over_the_column(tmp_path):
    lines = ["Name,Date", "Al,03/04/2026", *(f"P{i},2026-01-02" for i in range(3000))]
    source = open_csv(write(tmp_path, "\n".join([*lines, "Bo,12/31/2025"]) + "\n"))
    parser = lead_parser(map_columns(source.header, "leads"), reread=source.reread)
    rows = [parser.parse(line, fields) for line, fields in source.records()]
    assert rows[0].created_at == "2026-03-04T05:00:00Z"
    assert rows[-1].created_at == "2025-12-31T05:00:00Z"
    assert parser.notes() == [
        (
            3003,
            "dates in column 'Date' read month first (line 3003: '12/31/2025' cannot be day "
            "first); --dayfirst to override",
        )
    ]


def test_formula_neutralisation_is_undone():
    assert unneutralize("'=SUM(A1)") == "=SUM(A1)"
    assert unneutralize("'+1 514 555 0100") == "+1 514 555 0100"
    assert unneutralize("'-") == "-"
    assert unneutralize("'quoted'") == "'quoted'"
    assert unneutralize("l'entreprise") == "l'entreprise"
    assert unneutralize("''=x") == "'=x"  # the export wrote the text '=x as ''=x
    assert unneutralize("'") == "'"


# --------------------------------------------------------------------------- strictness


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name,email\nA,a@x.ca\nB,"b@x.ca\nC,c@x.ca\n', "line 3: unterminated quote"),
        ('name,email\nA,"a"x@x.ca\n', "line 2: malformed CSV"),
        ("name,email\nA,a@x.ca\nB\x00,b@x.ca\n", "line 3: NUL byte"),
        ("name,,email\nA,,a\n", "line 1: column 2 has no name"),
        ("", "is empty"),
    ],
)
def test_broken_files_are_data_errors_naming_the_line(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=message) as caught:
        source = open_csv(path)
        list(source.records())
    assert caught.value.exit_code == 65


def test_an_oversized_field_is_reported(tmp_path):
    path = write(tmp_path, 'name,notes\nA,"' + "x" * (MAX_FIELD + 10) + '"\n')
    source = open_csv(path)
    with pytest.raises(DataError, match="line 2: a field longer than"):
        list(source.records())


def test_missing_file_and_folder_are_input_file_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file") as caught:
        open_source(tmp_path / "nope.csv", "nope.csv")
    assert caught.value.exit_code == 66
    with pytest.raises(InputFileError, match="it is a folder"):
        open_source(tmp_path, str(tmp_path))


def test_a_row_with_the_wrong_number_of_fields_is_a_row_problem(tmp_path):
    columns = map_columns(["name", "email"], "leads")
    parser = lead_parser(columns)
    assert parser.parse(4, ["Zoé", "z@x.ca", "extra"])[0].describe() == (
        "line 4: expected 2 fields (as in the header), found 3 (extra: 'extra')"
    )
    assert parser.parse(5, ["", ""]) is None  # an empty row
    assert parser.parse(6, ["   "]) is None


# --------------------------------------------------------------------------- mapping


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nom", "name"),
        ("E-mail", "email"),
        ("COURRIEL", "email"),
        ("Téléphone", "phone"),
        ("Société", "company"),
        ("Entreprise", "company"),
        ("Provenance", "source"),
        ("Montant", "amount"),
        ("Date de création", "created"),
        ("Date", "created"),
        ("Étape", "stage"),
        ("Statut", "status"),
        ("Date de clôture", "closed"),
        ("Expected close date", "expected_close"),
        ("Décideur", "decision_maker"),
        ("Fréquence d'achat", "frequency"),
        ("Prénom", "first_name"),
        ("Probabilité", "probability"),
        ("utm_campaign", None),
    ],
)
def test_headers_match_english_and_french_synonyms(header, field):
    assert field_of("leads", header) == field


def test_map_columns_lists_unknown_columns_and_honours_overrides():
    columns = map_columns(
        ["Nom", "Courriel", "Notes internes", "Ref"],
        "leads",
        {"Ref": "external_id", "notes internes": "ignore"},
    )
    assert columns.fields == {"name": 0, "email": 1, "external_id": 3}
    assert columns.ignored == ("Notes internes",)


def test_two_columns_meaning_one_field_take_the_first_synonym_unless_mapped():
    columns = map_columns(["Nom", "Courriel", "Email"], "leads")
    assert columns.fields["email"] == 2  # 'email' comes before 'courriel' among the synonyms
    assert columns.collisions == (("email", "Email", ("Courriel",)),)
    columns = map_columns(["Nom", "Email", "Courriel"], "leads", {"Courriel": "email"})
    assert columns.fields["email"] == 2
    assert columns.ignored == ("Email",)


def test_bad_map_flags():
    with pytest.raises(UsageError, match="unknown field 'colour'"):
        map_columns(["Nom"], "leads", {"Nom": "colour"})
    with pytest.raises(DataError, match="has no column 'Missing'"):
        map_columns(["Nom"], "leads", {"Missing": "name"})
    with pytest.raises(UsageError, match="expected COLUMN=FIELD"):
        parse_pairs(["nonsense"], "--map")


def test_mapping_file(tmp_path):
    path = write(
        tmp_path,
        'kind = "leads"\nid-column = "ID"\ndates = "monthfirst"\n'
        '[columns]\n"Full Name" = "name"\n[stages]\n"Closed Won" = "won"\n',
        "map.toml",
    )
    mapping = load_mapping_file(path)
    assert mapping.columns == {"Full Name": "name"}
    assert mapping.stages == {"Closed Won": "won"}
    assert mapping.id_column == "ID"
    assert mapping.dayfirst is False
    bad = write(tmp_path, "colums = {}\n", "bad.toml")
    with pytest.raises(DataError, match="unknown keys: colums"):
        load_mapping_file(bad)
    broken = write(tmp_path, "[columns\n", "broken.toml")
    with pytest.raises(DataError, match="not valid TOML"):
        load_mapping_file(broken)
    with pytest.raises(InputFileError):
        load_mapping_file(tmp_path / "none.toml")


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "cents", "currency"),
    [
        ("1234.5", 123450, None),
        ("1,234.50", 123450, None),
        ("1 234,56 $", 123456, None),
        ("1\u00a0234,56 $", 123456, None),
        ("$1,234.50", 123450, None),
        ("1 234,50 €", 123450, "EUR"),
        ("CAD 1200", 120000, "CAD"),
        ("12000", 1200000, None),
    ],
)
def test_amounts_are_exact_cents(text, cents, currency):
    assert cells.parse_money(text) == (cents, currency)


@pytest.mark.parametrize("text", ["-5", "abc", "12.3.4", "1.2345"])
def test_bad_amounts_are_value_problems(text):
    with pytest.raises(ValueProblem):
        cells.parse_money(text)


@pytest.mark.parametrize(
    "text",
    [
        "Marie@Acme.CA",
        " marie @ acme.ca ",
        "MAILTO:m@x.ca",
        "a.b+c@d-e.quebec",
        "m\u2003@x.ca",
        "m\xa0@x.ca\t",
    ],
)
def test_email_parsing_matches_the_lead_service(text):
    assert cells.parse_email(text.strip()) == normalize_email(text)


def test_values_of_qualification_fields():
    assert cells.parse_bool("Oui") == 1
    assert cells.parse_bool("false") == 0
    assert cells.parse_bool("inconnu") is None
    assert cells.parse_frequency("Mensuel") == "monthly"
    assert cells.parse_frequency("annually") == "yearly"
    assert cells.parse_probability("40 %") == 40
    with pytest.raises(ValueProblem):
        cells.parse_probability("140")
    with pytest.raises(ValueProblem):
        cells.parse_bool("peut-être")


# --------------------------------------------------------------------------- dates


def date_column(order=None, instant=False, column=()) -> datecolumn.DateColumn:
    """A date column; ``column``: its (line, text) cells, for its first pass."""
    return datecolumn.DateColumn(
        "Date",
        instant=instant,
        order=order,
        now=NOW,
        cursor=datecolumn.Cursor(),
        first_pass=lambda: datecolumn.month_first_evidence(column),
    )


def test_iso_first_then_slashed_dates():
    column = date_column()
    assert column("2026-04-03") == "2026-04-03"  # never read day-first
    assert column("15/03/2026") == "2026-03-15"
    assert column("03/04/2026") == "2026-04-03"  # the column is day-first
    assert column("15.03.26") == "2026-03-15"
    assert column("15 mars 2026") == "2026-03-15"
    column.check_resolved()


def test_instants_are_stored_in_utc():
    column = date_column(instant=True)
    assert column("2026-03-15") == "2026-03-15T04:00:00Z"  # local midnight, EDT
    assert column("2026-01-15 14:30") == "2026-01-15T19:30:00Z"
    assert column("2026-01-15T14:30:00Z") == "2026-01-15T14:30:00Z"
    assert column("1/15/2026 2:30 PM") == "2026-01-15T19:30:00Z"


def test_month_first_evidence_after_an_ambiguous_date_decides_in_a_first_pass():
    column = date_column()
    assert column("03/04/2026") == "2026-04-03"  # nothing else in the column: day first
    cells = [(2, "03/04/2026"), (3, "03/15/2026")]
    column = date_column(column=cells)
    assert column("03/04/2026") == "2026-03-04"  # the first pass found month-first evidence
    assert column.order is False
    assert column.month_first == (3, "03/15/2026")
    again = date_column(order=False)
    assert again("03/04/2026") == "2026-03-04"


def test_a_column_that_never_tells_asks_for_the_flag():
    column = date_column()
    column("03/04/2026")
    with pytest.raises(DataError, match="ambiguous dates in column 'Date'") as caught:
        column.check_resolved()
    assert "--dayfirst or --monthfirst" in (caught.value.hint or "")
    flagged = date_column(order=True)
    flagged("03/04/2026")
    flagged.check_resolved()


def test_mixed_orders_in_one_column_are_an_error():
    column = date_column()
    column("15/03/2026")
    with pytest.raises(DataError, match="mixes day-first dates"):
        column("03/15/2026")


def test_with_a_flag_a_date_that_does_not_fit_is_a_value_problem():
    column = date_column(order=False)
    with pytest.raises(ValueProblem, match="no month 15: not a date with --monthfirst"):
        column("15/03/2026")
    with pytest.raises(ValueProblem):
        column("2026-02-30")


# --------------------------------------------------------------------------- rows


def pipeline(open_names: tuple[str, ...]) -> Pipeline:
    """The open stages named, then won and lost (ids in that order)."""
    names = [*open_names, "won", "lost"]
    kinds = [StageKind.OPEN] * len(open_names) + [StageKind.WON, StageKind.LOST]
    return Pipeline(
        Stage(i, name, i, 0, kind, is_opportunity=name == "qualified")
        for i, (name, kind) in enumerate(zip(names, kinds, strict=True), start=1)
    )


def lead_parser(mapped: ColumnMap, stage_map=None, reread=None) -> leads.LeadParser:
    words = stages.StageWords(pipeline(("new", "qualified")), stage_map or {})
    return leads.LeadParser(mapped, stages=words, now=NOW, reread=reread)


def test_a_lead_row_is_normalised():
    columns = map_columns(
        ["Prénom", "Nom", "Courriel", "Provenance", "Montant", "Statut", "Date", "Clôturé le"],
        "leads",
    )
    parser = lead_parser(columns, {"Signé": "won"})
    row = parser.parse(
        2,
        [
            "Zoé",
            "Roy",
            " ZOE@X.CA ",
            "Salon Expo",
            "1 234,56 $",
            "Signé",
            "2026-01-05",
            "2026-02-01",
        ],
    )
    assert isinstance(row, leads.LeadValues)
    assert row.name == "Zoé Roy"
    assert row.values == {
        "name": "Zoé Roy",
        "email": "zoe@x.ca",
        "source": "salon-expo",
        "amount_cents": 123456,
    }
    assert row.stage.name == "won"
    assert row.created_at == "2026-01-05T05:00:00Z"
    assert row.closed_at == "2026-02-01T05:00:00Z"


def test_lead_row_problems():
    columns = map_columns(["Name", "Email", "Stage", "Created", "Closed"], "leads")
    parser = lead_parser(columns)
    problems = parser.parse(7, ["Al", "nope", "Engaging", "2027-01-01", ""])
    assert [p.describe() for p in problems] == [
        "line 7, column 'Email', value 'nope': invalid email: expected an address like "
        "name@example.com",
        "line 7, column 'Stage', value 'Engaging': unknown stage: expected one of new, "
        "qualified, won, lost, or map it with --stage-map 'Engaging=STAGE'",
    ]
    # closed before its creation (the other CRM's record was made later): the close is kept,
    # the created date left for the import to estimate from it, and the row named in a warning
    early = parser.parse(8, ["Al", "a@x.ca", "won", "2026-03-01", "2026-02-01"])
    assert (early.created_at, early.closed_at) == (None, "2026-02-01T05:00:00Z")
    assert parser.warnings() == [
        "1 row closed before their created date (line 8): the close date in column 'Closed' "
        "is kept, the created date is estimated from it (marked, left out of the sales cycle)"
    ]
    assert parser.parse(9, ["", "", "", "", ""]) is None
    nameless = parser.parse(10, ["", "", "new", "2026-01-01", ""])
    assert nameless[0].reason == "no name, company, email or phone: nothing to import"


def test_open_row_close_date_becomes_the_expected_close():
    columns = map_columns(["Name", "Stage", "Close Date"], "leads")
    row = lead_parser(columns).parse(2, ["Al", "qualified", "2027-01-31"])
    assert row.closed_at is None
    assert row.values["expected_close"] == "2027-01-31"


def test_stage_map_to_an_unknown_stage_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown stage 'gagné'"):
        stages.StageWords(pipeline(("new",)), {"Won": "gagné"})


@given(st.text(alphabet="0123456789.,", min_size=1, max_size=24))
def test_the_fast_amount_path_agrees_with_the_general_parser(text):
    """parse_money reads common forms without money.parse_amount: same cents, same refusals."""
    try:
        expected = (parse_amount(text).cents, None)
    except InvalidAmount:
        expected = None
    try:
        found = cells.parse_money(text)
    except ValueProblem:
        found = None
    assert found == expected


def test_amounts_too_large_are_refused_on_the_fast_path_too():
    assert cells.parse_money("100000000000") == (100_000_000_000_00, None)  # the largest
    for text in ("100000000001", "9999999999999", "100,000,000,001.00"):
        with pytest.raises(ValueProblem, match="too large"):
            cells.parse_money(text)


@given(st.text(alphabet=st.sampled_from("aZ.@-_ \t\xa0\u2003\u200b\x01éß:mailto"), max_size=16))
def test_email_parsing_agrees_with_the_lead_service_on_any_text(text):
    cell = clean(text)  # what the row parser hands over: stripped, no control characters
    try:
        expected = normalize_email(text)
    except ValueError:
        expected = None
    try:
        found = cells.parse_email(cell) if cell else None
    except ValueProblem:
        found = None
    assert found == expected


CELLS = [
    "", " ", "Zoé", " Zoé ", "Zoé  Roy", "'=1+1", "'", "a|'b", "x\ty", "a\nb", "\x1b[31m", "\xa0",
    "m@x.ca", " M@X.CA", "nope", "1234.5", "1,234.50", "1 234,56 $", "-5", "12.345",
    "2026-01-05", "05/01/2026", "13/01/2026", "won", "Engaging", "salon expo", "yes",
]  # fmt: skip


@given(st.lists(st.sampled_from(CELLS) | st.text(max_size=5), min_size=6, max_size=6))
def test_the_fast_path_of_a_row_gives_what_the_general_path_gives(fields):
    columns = map_columns(["Name", "Email", "Amount", "Created", "Stage", "Source"], "leads")
    fast, general = lead_parser(columns), lead_parser(columns)
    try:
        expected = general._cells(3, fields)
    except DataError as exc:  # a date column that cannot be read either way
        with pytest.raises(type(exc)):
            fast.cells(3, fields)
        return
    assert fast.cells(3, fields) == expected
