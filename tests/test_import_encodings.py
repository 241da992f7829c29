"""Encodings decided by evidence: a corpus of files written here from Python strings, each
decoded exactly (charset-normalizer alone calls short French cp1252 files cp1250 or cp775, and
trying cp1252 first reads Russian, Greek and Japanese files as mojibake)."""

from __future__ import annotations

import codecs
import io

import pytest
from helpers import rows

from funnelcli.importers.csvfile import CsvFile
from funnelcli.importers.encoding import check_encoding

#: (name, company, city) rows in each language: short files are the hard case.
TEXTS = {
    "french": [
        ("Nom", "Société", "Ville"),
        ("André Lefèvre", "Boulangerie Ménard", "Montréal"),
        ("Élodie Garçon", "Café de l'Étoile", "Québec"),
        ("Noël Bérubé", "Crèmerie « Chez Zoé »", "Trois-Rivières"),
    ],
    "spanish": [
        ("Nombre", "Compañía", "Ciudad"),
        ("José Núñez", "Señor Camarón", "Logroño"),
        ("María Peña", "Ibérica Ñandú", "Cádiz"),
    ],
    "german": [
        ("Name", "Firma", "Stadt"),
        ("Jürgen Müller", "Bäckerei Größe GmbH", "Köln"),
        ("Ulrike Schäfer", "Straßenbau Köhler", "München"),
    ],
    "portuguese": [
        ("Nome", "Empresa", "Cidade"),
        ("João Conceição", "Pão de Açúcar Ltda", "São Paulo"),
        ("António Gonçalves", "Limões & Maçãs", "Évora"),
    ],
    "russian": [
        ("Имя", "Компания", "Город"),
        ("Иван Петров", "ООО Ромашка", "Москва"),
        ("Мария Смирнова", "Завод Прогресс", "Санкт-Петербург"),
    ],
    "japanese": [
        ("名前", "会社", "都市"),
        ("山田太郎", "株式会社テスト", "東京"),
        ("佐藤花子", "東京商事", "大阪"),
    ],
    "greek": [
        ("Όνομα", "Εταιρεία", "Πόλη"),
        ("Γιώργος Παπαδόπουλος", "Ελληνική Τεχνική ΑΕ", "Αθήνα"),
        ("Μαρία Κωνσταντίνου", "Αθηναϊκή Εμπορική", "Θεσσαλονίκη"),
    ],
}

CORPUS = [
    *[(lang, codec) for lang in ("french", "spanish", "german", "portuguese") for codec in
      ("cp1252", "latin-1")],
    ("russian", "cp1251"),
    ("japanese", "shift_jis"),
    ("greek", "cp1253"),
    *[(lang, codec) for lang in ("french", "russian", "japanese") for codec in
      ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be")],
]  # fmt: skip


def csv_text(lines: list[tuple[str, ...]], delimiter: str = ";") -> str:
    return "".join(delimiter.join(line) + "\r\n" for line in lines)


def read(data: bytes, **kwargs) -> CsvFile:
    return CsvFile(io.BytesIO(data), display="in.csv", **kwargs)


@pytest.mark.parametrize("short", [True, False], ids=["two lines", "whole"])
@pytest.mark.parametrize(("language", "codec"), CORPUS)
def test_each_file_of_the_corpus_is_decoded_exactly(language, codec, short):
    lines = TEXTS[language][:2] if short else TEXTS[language]
    source = read(csv_text(lines).encode(codec))
    assert (tuple(source.header), *(tuple(f) for _, f in source.records())) == tuple(lines), (
        source.encoding
    )


@pytest.mark.parametrize(
    ("codec", "label"),
    [
        ("cp1252", "cp1252 (Windows/Excel; not UTF-8)"),
        ("cp1251", "cp1251 (guessed)"),
        ("cp1253", "cp1253 (guessed)"),
        ("utf-16-le", "UTF-16 LE (no BOM; guessed)"),
        ("utf-16-be", "UTF-16 BE (no BOM; guessed)"),
        ("utf-16", "UTF-16 (BOM)"),
        ("utf-8-sig", "UTF-8 with BOM"),
    ],
)
def test_the_reading_line_names_the_encoding_found(codec, label):
    language = {"cp1251": "russian", "cp1253": "greek"}.get(codec, "french")
    assert read(csv_text(TEXTS[language]).encode(codec)).encoding.label == label


def test_a_polish_cp1250_file_is_not_read_as_cp1252():
    """charset-normalizer ranks cp1252 first for it: read as cp1252 it shows '³' and '¯'."""
    lines = [("Imię", "Firma"), ("Łukasz Wiśniewski", "Zakład Żółć"), ("Małgosia", "Świt")]
    source = read(csv_text(lines).encode("cp1250"))
    assert source.encoding.codec == "cp1250"
    assert [tuple(f) for _, f in source.records()] == lines[1:]


def test_encoding_option_always_wins():
    data = csv_text(TEXTS["french"]).encode("cp1252")
    forced = read(data, encoding=check_encoding("cp1250"))
    assert forced.encoding.codec == "cp1250"
    assert forced.header == ["Nom", "Société", "Ville"]  # the same bytes in cp1250
    assert next(forced.records())[1][0] == "André Lefčvre"  # è is č in cp1250


def test_a_binary_file_with_nuls_on_both_sides_is_not_taken_for_utf16():
    data = b"name,email\n" + bytes(range(256)) * 4
    assert read_encoding(data) == "utf-8"  # the reader then names the NUL byte's line


def read_encoding(data: bytes) -> str:
    from funnelcli.importers.encoding import detect_encoding

    return detect_encoding(data, complete=True).codec


def test_a_russian_file_imports_in_cyrillic(funnel, db_path, tmp_path):
    path = tmp_path / "ru.csv"
    path.write_bytes(csv_text(TEXTS["russian"]).encode("cp1251"))
    result = funnel("import", path, "--map", "Имя=name", "--map", "Компания=company")
    assert "encoding cp1251 (guessed)" in result.stderr
    assert rows(db_path, "SELECT name, company FROM leads ORDER BY id") == [
        {"name": "Иван Петров", "company": "ООО Ромашка"},
        {"name": "Мария Смирнова", "company": "Завод Прогресс"},
    ]


def test_utf16_boms_are_all_read():
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        source = read(bom + csv_text(TEXTS["greek"]).encode(codec))
        assert source.header == list(TEXTS["greek"][0])
