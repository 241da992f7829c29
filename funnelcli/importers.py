"""CSV machinery for ``funnel import``: pure, streaming and strict. No SQLite, Typer or Rich.

- :func:`open_csv` opens a file, detects its encoding (UTF-8 with or without BOM, UTF-16/32 with
  BOM, else cp1252, else what charset-normalizer finds) and its delimiter (``,`` ``;`` tab ``|``:
  the one for which every sampled row has the header's number of fields), honours Excel's
  ``sep=;`` first line, checks the header (no empty or duplicate names) and yields records with
  the line number they start on. Memory does not grow with the file: lines are read one at a
  time, with a cap on their length.
- :func:`map_columns` matches headers case-, accent- and punctuation-insensitively against
  English and French synonyms of every field (``--map`` overrides, unknown columns are ignored).
- :class:`LeadParser`, :class:`FollowUpParser` and :class:`ActivityParser` turn a record into
  normalised values (exact cents, ISO dates, lower-case emails) or a list of :class:`Problem`.
  Dates are ISO first, then day/month per ``--dayfirst/--monthfirst`` or, without a flag,
  inferred per column: a day above 12 tells the order (:class:`DateColumn`).

Anything that cannot be read is a :class:`~funnelcli.errors.DataError` naming the line; a row
that does not validate is a list of problems (line, column, value, reason) for the caller to
reject or report.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from funnelcli import dates
from funnelcli.errors import DataError, FunnelError, UsageError, read_error
from funnelcli.money import MAX_CENTS, parse_amount, parse_currency
from funnelcli.text import clean, fold, unneutralize

#: Bytes looked at to detect the encoding; lines looked at to detect the delimiter.
SAMPLE_BYTES = 64 * 1024
SAMPLE_LINES = 200
#: Longest field (characters) and physical line accepted; longer means a broken file.
MAX_FIELD = 128 * 1024
MAX_LINE = 4 * 1024 * 1024
#: Delimiters tried, in the order they are named in messages.
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
#: What a spreadsheet runs as a formula; the export prefixes such cells with ``'``.

KINDS = ("leads", "follow-ups", "activities")


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one cell (or row) of the file is invalid."""

    line: int
    column: str | None
    value: str | None
    reason: str

    def describe(self) -> str:
        where = f"line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            where += f", value {shown!r}"
        return f"{where}: {self.reason}"


class ValueProblem(Exception):
    """Raised by a cell parser: the reason the value is invalid."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Restart(Exception):  # noqa: N818 - a signal, not an error
    """The file must be read again with other settings (found out part-way through)."""

    def __init__(
        self, *, encoding: str | None = None, orders: dict[str, bool] | None = None, why: str
    ) -> None:
        super().__init__(why)
        self.encoding = encoding
        self.orders = orders or {}
        self.why = why


# --------------------------------------------------------------------------- encoding


@dataclass(frozen=True, slots=True)
class Encoding:
    codec: str  # what Python decodes with
    label: str  # what the person is told
    guessed: bool = False  # not certain: a notice is printed
    ascii_sample: bool = False  # UTF-8 chosen on an ASCII-only sample: may turn out cp1252


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 (BOM)"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (BOM)"),
)


def detect_encoding(sample: bytes, *, complete: bool) -> Encoding:
    """The encoding of a file from its first bytes (``complete``: the sample is the whole file)."""
    for bom, codec, label in _BOMS:
        if sample.startswith(bom):
            return Encoding(codec, label)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return Encoding("utf-8", "UTF-8", ascii_sample=sample.isascii())
    if b"\x00" in sample:  # UTF-16 without BOM, or a binary file: the reader names the line
        return Encoding("utf-8", "UTF-8")
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        pass
    else:
        return Encoding("cp1252", "cp1252 (Windows/Excel; not UTF-8)", guessed=True)
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise DataError(
            "cannot tell the encoding of the file: it is not UTF-8 nor cp1252",
            hint="pass --encoding, e.g. --encoding latin-1",
        )
    return Encoding(best.encoding, f"{best.encoding} (guessed)", guessed=True)


#: Codecs Python calls text encodings that do not read a file of characters: escapes, domain
#: names, and the one that refuses everything.
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs", "oem"}
)
_EXPECTED_ENCODINGS = "expected e.g. utf-8, utf-8-sig, utf-16, cp1252, latin-1"


def check_encoding(name: str) -> Encoding:
    """``--encoding NAME``: a character encoding Python knows (``utf-8``, ``cp1252``,
    ``latin-1``…); codecs that are not (``rot13``, ``base64``, ``punycode``) are refused."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise UsageError(f"unknown encoding {name!r}: {_EXPECTED_ENCODINGS}") from None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        raise UsageError(f"{name!r} is not a text encoding: {_EXPECTED_ENCODINGS}")
    codec = "utf-8-sig" if info.name == "utf-8" else info.name  # a BOM is never data
    return Encoding(codec, f"{name} (from --encoding)")


def settle_byte_order(encoding: Encoding, sample: bytes) -> Encoding:
    """``--encoding utf-16`` (or utf-32) on a file without a byte-order mark: the order its
    NUL bytes show (``n\\0a\\0`` is little-endian), else an error naming both choices."""
    unit = {"utf-16": 2, "utf-32": 4}.get(encoding.codec)
    if unit is None or any(sample.startswith(bom) for bom, _, _ in _BOMS):
        return encoding
    # The high bytes of Latin text are NULs: first in each unit big-endian, last little-endian.
    first, last = sample[0::unit].count(0), sample[unit - 1 :: unit].count(0)
    if first == last:
        raise DataError(
            f"the file has no byte-order mark and its bytes do not tell whether it is "
            f"{encoding.codec}-le or {encoding.codec}-be",
            hint=f"pass --encoding {encoding.codec}-le or --encoding {encoding.codec}-be",
        )
    order = "le" if last > first else "be"
    return Encoding(f"{encoding.codec}-{order}", f"{encoding.label}, {order.upper()} without BOM")


def parse_delimiter(text: str) -> str:
    """``--delimiter``: one of ``, ; | tab`` (also written as a word or ``\\t``)."""
    words = {
        ",": ",", "comma": ",", "virgule": ",",
        ";": ";", "semicolon": ";", "point-virgule": ";",
        "\t": "\t", "\\t": "\t", "tab": "\t", "tabulation": "\t",
        "|": "|", "pipe": "|",
    }  # fmt: skip
    found = words.get(text.strip().lower() if text.strip() else text)
    if found is None:
        raise UsageError(f"invalid --delimiter {text!r}: expected one of ',', ';', '|' or 'tab'")
    return found


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Dialect:
    delimiter: str
    detected: bool  # False: from --delimiter or from Excel's sep= line
    sep_line: bool  # the file starts with Excel's "sep=X" line

    @property
    def label(self) -> str:
        name = DELIMITER_NAMES[self.delimiter]
        shown = "tab" if self.delimiter == "\t" else f"'{self.delimiter}'"
        how = "detected" if self.detected else ("sep= line" if self.sep_line else "--delimiter")
        return f"{shown} ({name}, {how})"


_SEP_LINE = re.compile(r"^\ufeff?\s*sep=(.)\s*$", re.IGNORECASE)


class CsvFile:
    """An open CSV input: encoding and dialect known, header read and checked."""

    def __init__(
        self,
        path: Path,
        *,
        display: str,
        encoding: Encoding | None = None,
        delimiter: str | None = None,
    ) -> None:
        self.path = path
        self.display = display
        try:
            self._raw: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise read_error(exc, display) from None
        try:
            self._open(encoding, delimiter)
        except BaseException:
            self.close()
            raise

    def _open(self, encoding: Encoding | None, delimiter: str | None) -> None:
        try:
            self.size: int | None = self._raw.seek(0, io.SEEK_END)
            self._raw.seek(0)
            sample = self._raw.read(SAMPLE_BYTES)
            self._raw.seek(0)
        except OSError as exc:
            raise read_error(exc, self.display) from None
        if not sample:
            raise DataError(f"{self.display} is empty: expected a header row and data rows")
        self.encoding = (
            settle_byte_order(encoding, sample)
            if encoding
            else detect_encoding(sample, complete=len(sample) < SAMPLE_BYTES)
        )
        self._text = io.TextIOWrapper(
            self._raw, encoding=self.encoding.codec, errors="strict", newline=""
        )
        self.lines_read = 0
        head: list[str] = []
        try:
            for line in self._lines():
                head.append(line)
                if len(head) >= SAMPLE_LINES:
                    break
        except UnicodeDecodeError as exc:
            self._decode_error(exc)
        except UnicodeError as exc:  # a codec whose errors are not decode errors
            raise DataError(f"cannot read {self.display} as {self.encoding.codec}: {exc}") from None
        offset = 0
        sep = _SEP_LINE.match(head[0].rstrip("\r\n")) if head else None
        if sep and sep[1] in DELIMITERS:
            head.pop(0)
            offset = 1
        if not head:
            raise DataError(f"{self.display} has no header row")
        exhausted = len(head) + offset < SAMPLE_LINES
        if delimiter is not None:
            self.dialect = Dialect(delimiter, detected=False, sep_line=bool(offset))
        elif sep and sep[1] in DELIMITERS:
            self.dialect = Dialect(sep[1], detected=False, sep_line=True)
        else:
            self.dialect = Dialect(
                self._detect_delimiter(head, exhausted), detected=True, sep_line=False
            )
        self._offset = offset
        self._source = itertools.chain(head, self._lines())
        self._reader = csv.reader(self._source, delimiter=self.dialect.delimiter, strict=True)
        self.header_line = offset + 1
        header = self._next_record()
        if header is None:
            raise DataError(f"{self.display} has no header row")
        self.header = self._check_header(header[1])

    # ------------------------------------------------------------ lines

    def _lines(self) -> Iterator[str]:
        readline = self._text.readline
        while True:
            line = readline(MAX_LINE)
            if not line:
                return
            self.lines_read += 1
            if "\x00" in line:
                raise DataError(
                    f"{self.display} line {self.lines_read}: NUL byte (a binary file, or UTF-16 "
                    "without a byte-order mark?)",
                    hint="if the file is UTF-16, pass --encoding utf-16",
                )
            if len(line) >= MAX_LINE and line[-1] not in "\r\n":
                raise DataError(
                    f"{self.display} line {self.lines_read}: longer than {MAX_LINE:,} characters"
                )
            yield line

    def _decode_error(self, exc: UnicodeDecodeError) -> None:
        line, byte = self._locate_bad_bytes(exc)
        if self.encoding.ascii_sample:
            raise Restart(
                encoding="cp1252",
                why=f"line {line} is not UTF-8 (byte {byte:#04x}): read as cp1252 (Windows/Excel)",
            ) from None
        raise DataError(
            f"{self.display} line {line}: bytes that are not valid "
            f"{self.encoding.codec.removesuffix('-sig')} "
            f"(byte {byte:#04x})",
            hint="pass the file's encoding with --encoding (e.g. cp1252 or utf-8)",
        ) from None

    def _locate_bad_bytes(self, exc: UnicodeDecodeError) -> tuple[int, int]:
        """The line of the first undecodable byte (the text layer decodes ahead, by chunks)."""
        decoder = codecs.getincrementaldecoder(self.encoding.codec)()
        line = 1
        try:
            with open(self.path, "rb") as raw:
                while chunk := raw.read(1 << 20):
                    try:
                        line += decoder.decode(chunk).count("\n")
                    except UnicodeDecodeError as found:
                        before = found.object[: found.start]
                        line += before.decode(self.encoding.codec, errors="replace").count("\n")
                        return line, found.object[found.start]
        except OSError:
            pass
        return line, exc.object[exc.start]

    # ------------------------------------------------------------ dialect

    def _detect_delimiter(self, head: list[str], exhausted: bool) -> str:
        consistent: list[str] = []
        scores: list[tuple[float, str]] = []
        for delimiter in DELIMITERS:
            records: list[list[str]] = []
            try:
                for record in csv.reader(head, delimiter=delimiter, strict=True):
                    if record:
                        records.append(record)
            except csv.Error:
                if exhausted:
                    continue  # a broken file whichever the delimiter: reported while reading
            if not exhausted and len(records) > 2:
                records.pop()  # the last sampled record may be cut in the middle
            if not records or len(records[0]) < 2:
                continue
            width = len(records[0])
            rows = records[1:]
            matching = sum(1 for r in rows if len(r) == width)
            if matching == len(rows):
                consistent.append(delimiter)
            scores.append((matching / len(rows) if rows else 1.0, delimiter))
        if len(consistent) == 1:
            return consistent[0]
        if len(consistent) > 1:
            names = " and ".join(repr(d) if d != "\t" else "tab" for d in consistent)
            raise DataError(
                f"cannot tell the delimiter of {self.display}: {names} both give every row "
                "the header's number of fields",
                hint="name it with --delimiter ';' (or ',', '|', tab)",
            )
        scores.sort(reverse=True)
        if scores and scores[0][0] >= 0.8 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            return scores[0][1]  # a few broken rows: they are reported one by one
        if not scores:
            return ","  # a single column
        raise DataError(
            f"cannot tell the delimiter of {self.display}: no delimiter among , ; tab | gives "
            "every sampled row the header's number of fields",
            hint="name it with --delimiter ';' (or ',', '|', tab)",
        )

    # ------------------------------------------------------------ records

    def _next_record(self) -> tuple[int, list[str]] | None:
        for line, fields in self._records_from(self.header_line):
            return line, fields
        return None

    def _records_from(self, start: int) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        offset = self._offset
        line = start
        try:
            for fields in reader:
                if fields:
                    yield line, fields
                line = reader.line_num + offset + 1
        except csv.Error as exc:
            raise DataError(_csv_problem(self.display, line, str(exc))) from None
        except UnicodeDecodeError as exc:
            self._decode_error(exc)
        except UnicodeError as exc:
            raise DataError(f"cannot read {self.display} as {self.encoding.codec}: {exc}") from None

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Data records, each with the number of the line it starts on (the header is skipped)."""
        return self._records_from(self._reader.line_num + self._offset + 1)

    @property
    def bytes_read(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def _check_header(self, header: list[str]) -> list[str]:
        names = [h.strip() for h in header]
        if names and names[0].startswith("\ufeff"):
            names[0] = names[0][1:].strip()
        seen: dict[str, int] = {}
        for position, name in enumerate(names, start=1):
            if not name:
                raise DataError(
                    f"{self.display} line {self.header_line}: column {position} has no name in "
                    "the header row",
                    hint="give every column a name (or delete the empty column)",
                )
            folded = fold(name)
            if folded in seen:
                raise DataError(
                    f"{self.display} line {self.header_line}: duplicate column {name!r} "
                    f"(columns {seen[folded]} and {position})",
                    hint="rename one of them",
                )
            seen[folded] = position
        return names

    def close(self) -> None:
        text = getattr(self, "_text", None)
        if text is not None:
            text.detach()
        self._raw.close()


def _csv_problem(display: str, line: int, message: str) -> str:
    lowered = message.lower()
    if "field larger than field limit" in lowered:
        return (
            f"{display} line {line}: a field longer than {MAX_FIELD:,} characters "
            "(an unterminated quote?)"
        )
    if "unexpected end of data" in lowered or "eof" in lowered:
        return f"{display} line {line}: unterminated quote (the quoted field never ends)"
    return f"{display} line {line}: malformed CSV ({message})"


csv.field_size_limit(MAX_FIELD)


def open_csv(
    path: Path,
    *,
    display: str | None = None,
    encoding: Encoding | None = None,
    delimiter: str | None = None,
) -> CsvFile:
    return CsvFile(path, display=display or str(path), encoding=encoding, delimiter=delimiter)


# --------------------------------------------------------------------------- header mapping


def header_key(text: str) -> str:
    """``'Date de création'`` -> ``'datedecreation'``: case, accents and punctuation ignored."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _table(text: str) -> dict[str, tuple[str, ...]]:
    """``field: synonym, synonym…`` lines -> {field: synonyms} (continuation lines indented)."""
    table: dict[str, tuple[str, ...]] = {}
    current = ""
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not raw.startswith(" ") and ":" in line:
            current, _, line = line.partition(":")
            table[current] = ()
        table[current] += tuple(w.strip() for w in line.split(",") if w.strip())
    return table


_LEAD_REF = """
lead: lead, lead ref, prospect, client, contact
lead_id: lead id, lead_id, id du lead, id du prospect
lead_email: lead email, lead_email, email, e-mail, courriel, contact email, courriel du contact,
    email du lead
lead_external_id: lead external id, lead_external_id, external id, external_id, crm id,
    id externe, identifiant externe
"""

#: Header synonyms (English and French) of every field, per kind of import. Headers are compared
#: with case, accents, blanks and punctuation ignored (:func:`header_key`).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": _table("""
name: name, nom, full name, nom complet, contact, contact name, nom du contact, lead, lead name,
    prospect, nom du prospect, client name, nom du client, person, personne, deal name,
    opportunity name, nom de l'opportunité
first_name: first name, firstname, given name, prénom
last_name: last name, lastname, surname, family name, nom de famille
company: company, company name, entreprise, nom de l'entreprise, société, organisation,
    organization, organisme, compagnie, account, account name, compte, business, employer,
    employeur, raison sociale, firm, firme
email: email, e-mail, email address, e-mail address, mail, courriel, adresse courriel,
    adresse électronique, adresse e-mail, adresse email, mél, contact email, work email
phone: phone, phone number, telephone, téléphone, tél, tel, numéro de téléphone,
    no de téléphone, mobile, cell, cellulaire, portable, contact phone, work phone
source: source, lead source, provenance, origine, origin, canal, channel, source du lead,
    source du prospect, referral source, utm source
notes: notes, note, comments, comment, commentaires, commentaire, message, remarques, remarque,
    description, details, détails, observations
external_id: external id, external_id, id externe, identifiant externe, crm id, record id,
    lead id, contact id, opportunity id, deal id, référence
stage: stage, étape, phase, pipeline stage, deal stage, sales stage, étape du pipeline,
    étape de vente, stade
status: status, statut, état, lead status, deal status, state, outcome, résultat
created: created, created at, created_at, created on, created date, date created,
    creation date, date de création, créé le, date, submitted, submitted at, submitted on,
    submission date, date de soumission, timestamp, horodatage, date d'entrée, received,
    reçu le, lead date, date du lead, date d'inscription, signup date
closed: closed, closed at, closed_at, closed on, close date, closed date, closing date,
    date closed, date de clôture, date de fermeture, date de conclusion, clôturé le, fermé le,
    won date, lost date
expected_close: expected close, expected_close, expected close date, expected closing date,
    estimated close date, forecast close date, date de clôture prévue, clôture prévue,
    date prévue, date de fermeture prévue, date de conclusion prévue
amount: amount, montant, value, valeur, deal value, deal amount, opportunity amount,
    expected revenue, revenue, revenu, chiffre d'affaires, budget, montant estimé,
    valeur estimée, valeur du contrat, contract value, price, prix, total
currency: currency, devise, monnaie, currency code, code devise
frequency: frequency, purchase frequency, fréquence, fréquence d'achat, recurrence,
    récurrence, billing frequency, facturation
price_only: price only, price_only, price is the only factor, only price matters,
    prix seulement, prix uniquement, seul critère prix, le prix est le seul critère
decision_maker: decision maker, decision_maker, décideur, qui décide, who decides,
    preneur de décision
contact_decides: contact decides, contact_decides, contact is decision maker,
    is decision maker, le contact décide, contact décideur, contact est le décideur
needs_approval: needs approval, needs_approval, approval required, executive approval,
    requires approval, approbation requise, approbation de la direction, approbation,
    besoin d'approbation
prerequisites: prerequisites, prérequis, préalables, conditions préalables,
    other prerequisites, autres prérequis, requirements, exigences
probability: probability, probabilité, win probability, probability (%),
    probabilité de gain, chance, chances
lost_reason: lost reason, lost_reason, loss reason, reason lost, closed lost reason,
    raison de la perte, motif de perte, motif de la perte, pourquoi perdu
"""),
    "follow-ups": _table(
        _LEAD_REF
        + """
text: text, promise, promesse, what, quoi, task, tâche, subject, sujet, description, action,
    next action, prochaine action, follow-up, suivi, relance, texte
due: due, due date, due_date, échéance, date d'échéance, date, when, quand, date de relance,
    date de suivi, follow-up date, next action date
due_time: due time, due_time, time, heure, heure d'échéance
created: created, created at, created_at, date de création, créé le
done: done, done at, done_at, completed, completed at, fait le, réalisé le, terminé le,
    date de réalisation
done_note: done note, done_note, outcome, résultat, compte rendu
status: status, statut, état
"""
    ),
    "activities": _table(
        _LEAD_REF
        + """
type: type, activity type, kind, genre, type d'activité, type d'action, action
text: text, description, note, notes, texte, subject, sujet, details, détails, commentaire,
    comment, summary, résumé
at: at, date, when, quand, date de l'activité, occurred at, activity date, timestamp,
    horodatage, date de l'action
"""
    ),
}

#: Words that mean "do not import this column" in ``--map COL=ignore``.
IGNORE_WORDS = frozenset({"", "-", "ignore", "ignorer", "skip", "none"})


def _synonym_index(kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, words in SYNONYMS[kind].items():
        index[header_key(name)] = name
        for word in words:
            index.setdefault(header_key(word), name)
    return index


_INDEXES = {kind: _synonym_index(kind) for kind in SYNONYMS}


def field_of(kind: str, text: str) -> str | None:
    """The field a header (or a ``--map`` target) means for this kind, or None."""
    return _INDEXES[kind].get(header_key(text))


def resolve_field(kind: str, text: str, option: str = "--map") -> str | None:
    """A ``--map`` target: a field name or synonym; ``ignore`` means None. Unknown: exit 2."""
    if text.strip().lower() in IGNORE_WORDS:
        return None
    found = field_of(kind, text)
    if found is None:
        raise UsageError(
            f"{option}: unknown field {text!r} for {kind}: expected one of "
            f"{', '.join(SYNONYMS[kind])} (or 'ignore')"
        )
    return found


def parse_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``--map "Col=field"`` / ``--stage-map "Won=won"`` into a dict (the last one wins)."""
    pairs: dict[str, str] = {}
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip():
            raise UsageError(f"invalid {option} {value!r}: expected COLUMN=FIELD like 'Nom=name'")
        pairs[left.strip()] = right.strip()
    return pairs


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column holds which field; what is ignored."""

    kind: str
    headers: tuple[str, ...]
    fields: dict[str, int]  # field -> column index
    ignored: tuple[str, ...]  # columns not imported (unknown, or mapped to ignore)

    def column(self, name: str) -> str:
        return self.headers[self.fields[name]]

    def describe(self) -> str:
        return ", ".join(f"{self.headers[i]}→{f}" for f, i in self.fields.items())


def map_columns(
    headers: Sequence[str],
    kind: str,
    overrides: dict[str, str] | None = None,
    *,
    id_column: str | None = None,
    display: str = "the file",
) -> ColumnMap:
    """Match the header row against the synonyms of ``kind``; ``overrides`` wins (``--map``)."""
    explicit: dict[int, str | None] = {}

    def column_index(name: str, option: str) -> int:
        for i, header in enumerate(headers):
            if header == name:
                return i
        for i, header in enumerate(headers):
            if header_key(header) == header_key(name):
                return i
        raise DataError(
            f"{display} has no column {name!r} (named by {option}); its columns are: "
            + ", ".join(headers)
        )

    for name, target in (overrides or {}).items():
        explicit[column_index(name, "--map")] = resolve_field(kind, target)
    if id_column:
        target = "external_id" if kind == "leads" else "lead_external_id"
        explicit[column_index(id_column, "--id-column")] = target
    fields: dict[str, int] = {}
    by_synonym: dict[str, int] = {}
    for i, wanted in explicit.items():
        if wanted is None:
            continue
        if wanted in fields:
            raise UsageError(
                f"columns {headers[fields[wanted]]!r} and {headers[i]!r} are both mapped to "
                f"{wanted}: map only one"
            )
        fields[wanted] = i
    ignored: list[str] = []
    for i, header in enumerate(headers):
        if i in explicit:
            if explicit[i] is None:
                ignored.append(header)
            continue
        found = field_of(kind, header)
        if found is None or found in fields:
            ignored.append(header)
            continue
        if found in by_synonym:
            first = headers[by_synonym[found]]
            raise DataError(
                f"columns {first!r} and {header!r} of {display} both mean {found}",
                hint=f"choose one with --map '{header}=ignore' (or --map '{first}=ignore')",
            )
        by_synonym[found] = i
    fields.update(by_synonym)
    ordered = {f: fields[f] for f in SYNONYMS[kind] if f in fields}
    return ColumnMap(kind, tuple(headers), ordered, tuple(ignored))


# --------------------------------------------------------------------------- mapping files


@dataclass(frozen=True, slots=True)
class MappingFile:
    """A ``--mapping FILE.toml``: the flags of a repeated, scripted import."""

    columns: dict[str, str] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)
    kind: str | None = None
    id_column: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    dayfirst: bool | None = None
    closed_without_opportunity: bool | None = None


_MAPPING_KEYS = {
    "columns", "stages", "kind", "id-column", "delimiter", "encoding", "dates",
    "closed-without-opportunity",
}  # fmt: skip


def load_mapping(path: Path) -> MappingFile:
    """Read a mapping file (TOML); see the README for its keys."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise read_error(exc, f"the mapping file {path}") from None
    except UnicodeDecodeError:
        raise DataError(f"the mapping file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"the mapping file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - _MAPPING_KEYS)
    if unknown:
        raise DataError(
            f"the mapping file {path} has unknown keys: {', '.join(unknown)}; expected "
            + ", ".join(sorted(_MAPPING_KEYS))
        )

    def table(key: str) -> dict[str, str]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise DataError(f"the mapping file {path}: [{key}] must map names to names")
        return dict(value)

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise DataError(f"the mapping file {path}: {key} must be a string")
        return value

    dates_value = text("dates")
    dayfirst: bool | None = None
    if dates_value is not None:
        order = dates_value.strip().lower()
        if order not in ("dayfirst", "monthfirst"):
            raise DataError(
                f"the mapping file {path}: dates = {dates_value!r}, expected "
                "'dayfirst' or 'monthfirst'"
            )
        dayfirst = order == "dayfirst"
    closed = data.get("closed-without-opportunity")
    if closed is not None and not isinstance(closed, bool):
        raise DataError(f"the mapping file {path}: closed-without-opportunity must be true/false")
    kind = text("kind")
    if kind is not None and kind not in KINDS:
        raise DataError(
            f"the mapping file {path}: kind = {kind!r}, expected one of {', '.join(KINDS)}"
        )
    return MappingFile(
        columns=table("columns"),
        stages=table("stages"),
        kind=kind,
        id_column=text("id-column"),
        delimiter=text("delimiter"),
        encoding=text("encoding"),
        dayfirst=dayfirst,
        closed_without_opportunity=closed,
    )


# --------------------------------------------------------------------------- values


def collapse(text: str) -> str:
    """One line, single spaces (``" ".join(text.split())``, skipped when it changes nothing)."""
    if "  " in text or not text.isprintable():
        return " ".join(text.split())
    return text


def parse_email(text: str) -> str:
    """Lower case, no blanks (as :func:`funnelcli.text.normalize_email`), or a problem."""
    email = text.casefold()
    if " " in email or not email.isprintable():  # any blank (tab, NBSP…) or line break
        email = "".join(email.split())
    if email.startswith("mailto:"):
        email = email[7:]
    # As the pattern [^@\s]+@[^@\s]+\.[^@\s]+ (blanks are gone): one @, something before it,
    # a dot with something on both sides after it.
    local, _, domain = email.partition("@")
    if not local or "@" in domain or "." not in domain[1:-1]:
        raise ValueProblem("invalid email: expected an address like name@example.com")
    return email


_SOURCES: dict[str, str] = {}


def parse_source(text: str) -> str:
    """``Web Form`` -> ``web-form`` (as :func:`funnelcli.text.normalize_source`)."""
    found = _SOURCES.get(text)
    if found is None:
        found = "-".join(text.casefold().split())
        if len(_SOURCES) < 1000:  # a file has a few sources, repeated on every row
            _SOURCES[text] = found
    return found


#: ``1,234,567``: a first group that is not 0, then groups of three (read without the general
#: parser, as are ``1234`` and ``1234.5``).
_GROUPED_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:,\d{3}){1,4}")


def parse_money(text: str) -> tuple[int, str | None]:
    """Exact cents and the currency the text names (``1 234,56 €`` -> 123456, EUR)."""
    if text.isascii():  # the forms most files use, without the general parser
        whole, dot, part = text.partition(".")
        if not dot or (len(part) <= 2 and part.isdigit()):
            if whole.isdigit() and len(whole) <= 13:
                digits = whole
            elif "," in whole and _GROUPED_AMOUNT.fullmatch(whole):
                digits = whole.replace(",", "")
            else:
                digits = ""
            if digits:
                cents = int(digits) * 100
                if part:
                    cents += int(part) * (10 if len(part) == 1 else 1)
                if cents <= MAX_CENTS:  # else the general parser says why it is refused
                    return cents, None
    try:
        money = parse_amount(text)
    except FunnelError as exc:
        raise ValueProblem(_reason(exc.message)) from None
    return money.cents, money.currency


def parse_currency_cell(text: str) -> str:
    try:
        return parse_currency(text)
    except FunnelError as exc:
        raise ValueProblem(_reason(exc.message)) from None


def _reason(message: str) -> str:
    """``invalid amount 'x': expected …`` -> ``expected …`` (the value is shown beside it)."""
    head, sep, tail = message.partition(": ")
    return tail if sep and "'" in head else message


_TRUE = frozenset({"yes", "y", "true", "t", "1", "oui", "o", "vrai", "x", "✓"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "non", "faux"})
_UNKNOWN = frozenset({"unknown", "inconnu", "?", "n/a", "na", "ne sais pas", "nsp"})


def parse_bool(text: str) -> int | None:
    word = fold(text)
    if word in _TRUE:
        return 1
    if word in _FALSE:
        return 0
    if word in _UNKNOWN:
        return None
    raise ValueProblem("expected yes/no (oui/non, true/false, 1/0) or unknown")


_FREQUENCIES = {
    "once": "once", "one-time": "once", "one time": "once", "single": "once",
    "unique": "once", "une fois": "once", "ponctuel": "once", "ponctuelle": "once",
    "monthly": "monthly", "month": "monthly", "mensuel": "monthly", "mensuelle": "monthly",
    "par mois": "monthly",
    "quarterly": "quarterly", "quarter": "quarterly", "trimestriel": "quarterly",
    "trimestrielle": "quarterly", "par trimestre": "quarterly",
    "yearly": "yearly", "annual": "yearly", "annually": "yearly", "year": "yearly",
    "annuel": "yearly", "annuelle": "yearly", "par an": "yearly", "par annee": "yearly",
}  # fmt: skip


def parse_frequency(text: str) -> str:
    found = _FREQUENCIES.get(fold(text))
    if found is None:
        raise ValueProblem("expected once, monthly, quarterly or yearly")
    return found


_PERCENT = re.compile(r"(\d{1,3})(?:[.,]0+)?\s*%?")


def parse_probability(text: str) -> int:
    match = _PERCENT.fullmatch(text)
    if not match or int(match[1]) > 100:
        raise ValueProblem("expected a whole percentage from 0 to 100")
    return int(match[1])


def parse_time_cell(text: str) -> str:
    match = re.fullmatch(r"(\d{1,2})[:h](\d{2})(?::\d{2})?\s*([ap]m)?", text.strip().lower())
    if not match:
        raise ValueProblem("expected a time like 14:30")
    hour, minute = int(match[1]), int(match[2])
    if match[3]:
        if not 1 <= hour <= 12:
            raise ValueProblem("expected a time like 14:30")
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueProblem("expected a time like 14:30")
    return f"{hour:02d}:{minute:02d}"


# --------------------------------------------------------------------------- dates


_SLASHED = re.compile(
    r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
_YEAR_FIRST = re.compile(
    r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)


class Cursor:
    """The line being parsed, shared by the cell parsers of one import (for messages)."""

    line = 0


class DateColumn:
    """Parses one date column: ISO first, then slashed dates in the column's day/month order.

    ``order`` is True (day first), False (month first) or None (infer). When inferring, a day
    above 12 tells the order; an ambiguous value (both parts ≤ 12) read before any evidence is
    taken day-first, and if the column then proves month-first the file is read again
    (:class:`Restart`). A column that stays ambiguous to the end is an error asking for a flag.
    """

    def __init__(
        self,
        header: str,
        *,
        instant: bool,
        order: bool | None,
        now: datetime,
        cursor: Cursor,
        future: bool = False,
    ) -> None:
        self.header = header
        self.instant = instant
        self.order = order
        self.inferred = order is None
        self.now = now
        self.cursor = cursor
        self.prefer = "future" if future else "past"
        self.dayfirst_seen: tuple[int, str] | None = None
        self.monthfirst_seen: tuple[int, str] | None = None
        self.ambiguous: tuple[int, str] | None = None
        self._cache: dict[str, str] = {}

    def _store(self, day: date, at: time | None = None, moment: datetime | None = None) -> str:
        """An instant (UTC ISO, naive meaning local time) or a local calendar date."""
        if not self.instant:
            if moment is not None and moment.tzinfo is not None:
                return moment.astimezone().date().isoformat()
            return day.isoformat()
        if moment is None:
            moment = datetime.combine(day, at or time())
        return dates.to_storage(moment)

    def __call__(self, text: str) -> str:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        value, cacheable = self._parse(text)
        if cacheable:
            if len(self._cache) >= 4096:
                self._cache.clear()
            self._cache[text] = value
        return value

    def _parse(self, text: str) -> tuple[str, bool]:
        if len(text) >= 8 and text[:4].isdigit() and text[4] == "-":
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                pass
            else:
                self._check_year(moment.year)
                if len(text) == 10:
                    return self._store(moment.date()), True
                if not self.instant:
                    local = moment.astimezone() if moment.tzinfo else moment
                    return local.date().isoformat(), True
                return self._store(moment.date(), moment=moment), False
        match = _SLASHED.fullmatch(text)
        if match:
            return self._slashed(match, text)
        match = _YEAR_FIRST.fullmatch(text)
        if match:
            year, month, day = int(match[1]), int(match[2]), int(match[3])
            return self._build(text, year, month, day, match[4], match[5], match[6], None)
        try:
            when = dates.parse_when(
                text,
                ref=self.now,
                dayfirst=self.order,
                prefer=self.prefer,  # type: ignore[arg-type]
            )
        except FunnelError as exc:
            raise ValueProblem(_date_reason(exc.message)) from None
        self._check_year(when.date.year)
        return self._store(when.date, when.time), when.time is None

    def _check_year(self, year: int) -> None:
        if not dates.MIN_YEAR <= year <= dates.MAX_YEAR:
            raise ValueProblem(f"year {year} is out of range")

    def _slashed(self, match: re.Match[str], text: str) -> tuple[str, bool]:
        first, second = int(match[1]), int(match[2])
        year_text = match[3]
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        order = self.order
        if order is None:
            if first > 12 and second <= 12:
                self._evidence(True, text)
                order = True
            elif second > 12 and first <= 12:
                self._evidence(False, text)
                order = False
            elif first > 12 and second > 12:
                raise ValueProblem("neither number can be the month")
            elif first == second or self.dayfirst_seen:
                order = True
            elif self.monthfirst_seen:
                order = False
            else:
                if self.ambiguous is None:
                    self.ambiguous = (self.cursor.line, text)
                order = True  # tentative: a month-first column is read again
        day, month = (first, second) if order else (second, first)
        if month > 12:
            flag = "--dayfirst" if self.order else "--monthfirst"
            raise ValueProblem(f"no month {month}: not a date with {flag}")
        return self._build(text, year, month, day, match[4], match[5], match[6], match[7])

    def _evidence(self, dayfirst: bool, text: str) -> None:
        here = (self.cursor.line, text)
        if dayfirst:
            if self.dayfirst_seen is None:
                self.dayfirst_seen = here
        elif self.monthfirst_seen is None:
            self.monthfirst_seen = here
            if self.ambiguous is not None and self.dayfirst_seen is None:
                raise Restart(
                    orders={self.header: False},
                    why=f"column {self.header!r} is month-first (line {here[0]}: {text!r})",
                )
        if self.dayfirst_seen and self.monthfirst_seen:
            (d_line, d_text), (m_line, m_text) = self.dayfirst_seen, self.monthfirst_seen
            raise DataError(
                f"column {self.header!r} mixes day-first dates (line {d_line}: {d_text!r}) and "
                f"month-first dates (line {m_line}: {m_text!r})",
                hint="say which with --dayfirst or --monthfirst; the rows that do not fit "
                "are then reported",
            )

    def _build(
        self,
        text: str,
        year: int,
        month: int,
        day: int,
        hour: str | None,
        minute: str | None,
        second: str | None,
        ampm: str | None,
    ) -> tuple[str, bool]:
        self._check_year(year)
        try:
            parsed = date(year, month, day)
        except ValueError as exc:
            raise ValueProblem(str(exc)) from None
        at = None
        if hour is not None:
            h, m, s = int(hour), int(minute or 0), int(second or 0)
            if ampm:
                if not 1 <= h <= 12:
                    raise ValueProblem("invalid time")
                h = h % 12 + (12 if ampm.lower() == "pm" else 0)
            if h > 23 or m > 59 or s > 59:
                raise ValueProblem("invalid time")
            at = time(h, m, s)
        return self._store(parsed, at), at is None

    def check_resolved(self) -> None:
        """After the last row: a column that never told its order is an error."""
        if self.inferred and self.ambiguous and not (self.dayfirst_seen or self.monthfirst_seen):
            line, text = self.ambiguous
            raise DataError(
                f"ambiguous dates in column {self.header!r} (line {line}: {text!r}): day or "
                "month first? No date in the column tells",
                hint="pass --dayfirst or --monthfirst",
            )


def _date_reason(message: str) -> str:
    reason = _reason(message)
    return (
        "expected a date like 2026-03-15 or 15/03/2026"
        if reason.startswith("expected an ISO")
        else reason
    )


# --------------------------------------------------------------------------- rows


CellParser = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class StageRef:
    """A stage as the parsers see it (the service builds these from the pipeline)."""

    id: int
    name: str
    kind: str  # open / won / lost
    rank: int


OPEN_WORDS = frozenset({"open", "ouvert", "ouverte", "en cours", "active", "actif", "new lead"})
WON_WORDS = frozenset({
    "won", "win", "closed won", "closed-won", "gagne", "gagnee", "signed", "signe", "signee",
    "conclu", "conclue", "vendu", "vendue", "sold",
})  # fmt: skip
LOST_WORDS = frozenset({
    "lost", "lose", "closed lost", "closed-lost", "perdu", "perdue", "disqualified",
    "disqualifie", "disqualifiee", "abandonne", "abandonnee", "rejected", "refuse", "refusee",
})  # fmt: skip


class StageWords:
    """Status words of a file -> stages: ``--stage-map`` first, then stage names, then won/lost."""

    def __init__(
        self,
        stages: Sequence[StageRef],
        stage_map: dict[str, str],
    ) -> None:
        self._by_name = {fold(s.name): s for s in stages}
        self.won = next(s for s in stages if s.kind == "won")
        self.lost = next(s for s in stages if s.kind == "lost")
        self._map: dict[str, StageRef | None] = {}
        for word, target in stage_map.items():
            folded = fold(target)
            if folded in self._by_name:
                self._map[fold(word)] = self._by_name[folded]
            elif folded in OPEN_WORDS:
                self._map[fold(word)] = None
            else:
                raise UsageError(
                    f"--stage-map {word}={target}: unknown stage {target!r}: expected one of "
                    + ", ".join(s.name for s in stages)
                )
        self._cache: dict[str, StageRef | None] = {}

    def __call__(self, text: str) -> StageRef | None:
        """The stage a word means; None for "open" (no stage given). Unknown: ValueProblem."""
        key = fold(text)
        if key in self._cache:
            return self._cache[key]
        if key in self._map:
            found = self._map[key]
        elif key in self._by_name:
            found = self._by_name[key]
        elif key in WON_WORDS:
            found = self.won
        elif key in LOST_WORDS:
            found = self.lost
        elif key in OPEN_WORDS:
            found = None
        else:
            raise ValueProblem(
                "unknown stage: expected one of "
                + ", ".join(self._by_name[k].name for k in self._by_name)
                + f", or map it with --stage-map '{text}=STAGE'"
            )
        if len(self._cache) < 1000:
            self._cache[key] = found
        return found


#: What a parser makes of a valid row.
V = TypeVar("V")


class RowParser(Generic[V]):
    """Common machinery: cell parsers per mapped column, problems with their column names;
    each kind turns a row's parsed cells into its values (:meth:`values`)."""

    #: The fields this kind knows, in the order of the values list.
    FIELDS: tuple[str, ...] = ()
    #: Date fields: name -> (instant?, a date ahead?).
    DATES: dict[str, tuple[bool, bool]] = {}

    def __init__(
        self,
        columns: ColumnMap,
        parsers: dict[str, CellParser | None],
        *,
        now: datetime,
        order: bool | None,
        orders: dict[str, bool] | None,
    ) -> None:
        self.columns = columns
        self.width = len(columns.headers)
        self.cursor = Cursor()
        self.now = now
        self.now_stamp = dates.to_storage(now)
        self.dates: list[DateColumn] = []
        parsers = dict(parsers)
        for name, (instant, future) in self.DATES.items():
            if name in columns.fields:
                header = columns.column(name)
                column = DateColumn(
                    header,
                    instant=instant,
                    order=(orders or {}).get(header, order),
                    now=now,
                    cursor=self.cursor,
                    future=future,
                )
                self.dates.append(column)
                parsers[name] = self._wrap_date(name, column)
        position = {name: i for i, name in enumerate(self.FIELDS)}
        self._specs = [
            (index, position[name], parsers.get(name), columns.headers[index])
            for name, index in columns.fields.items()
            if name in position
        ]
        self._nfields = len(self.FIELDS)
        self._fast_specs = [(index, position, parser) for index, position, parser, _ in self._specs]

    def _wrap_date(self, name: str, column: DateColumn) -> CellParser:
        return column

    def parse(self, line: int, fields: list[str]) -> V | list[Problem] | None:
        """A valid row's values, its problems, or None for an empty row."""
        cells, problems = self.cells(line, fields)
        if cells is None:
            return None
        if problems:
            return problems
        return self.values(line, cells)

    def values(self, line: int, cells: list[Any]) -> V | list[Problem]:
        """The values of a row whose cells all parsed (or the problems between cells)."""
        raise NotImplementedError

    def cells(self, line: int, fields: list[str]) -> tuple[list[Any] | None, list[Problem]]:
        """Parsed values by field position (None for an empty row) and the problems found."""
        self.cursor.line = line
        if len(fields) == self.width:
            # Most rows: every cell printable (no control character, line break or odd blank),
            # none starting with an apostrophe, not all empty. They are parsed without the
            # checks of the general path, which takes any row that turns out otherwise.
            stripped = list(map(str.strip, fields))
            joined = "|".join(stripped)
            if joined.isprintable() and "|'" not in joined and joined[:1] != "'" and any(stripped):
                values: list[Any] = [None] * self._nfields
                try:
                    for index, position, parser in self._fast_specs:
                        cell = stripped[index]
                        if cell:
                            values[position] = cell if parser is None else parser(cell)
                except ValueProblem:
                    pass  # reported by the general path
                else:
                    return values, []
        return self._cells(line, fields)

    def _cells(self, line: int, fields: list[str]) -> tuple[list[Any] | None, list[Problem]]:
        problems: list[Problem] = []
        if len(fields) != self.width:
            if not any(f.strip() for f in fields):
                return None, problems
            extra = ""
            if len(fields) > self.width:
                shown = ", ".join(repr(f) for f in fields[self.width :][:3])
                extra = f" (extra: {shown})"
            problems.append(
                Problem(
                    line,
                    None,
                    None,
                    f"expected {self.width} fields (as in the header), found {len(fields)}{extra}",
                )
            )
            return [], problems
        values: list[Any] = [None] * self._nfields
        for index, position, parser, header in self._specs:
            cell: str | None = fields[index].strip()
            if cell and not cell.isprintable():  # line breaks, tabs, odd blanks, control chars
                cell = clean(cell)  # as every command does: no escape sequence gets stored
            if not cell:
                continue
            if cell[0] == "'":
                cell = unneutralize(cell)
            if parser is None:
                values[position] = cell
                continue
            try:
                values[position] = parser(cell)
            except ValueProblem as problem:
                problems.append(Problem(line, header, cell, problem.reason))
        if not any(f.strip() for f in fields):
            return None, problems
        return values, problems

    def header_of(self, name: str) -> str | None:
        index = self.columns.fields.get(name)
        return None if index is None else self.columns.headers[index]

    def check_dates(self) -> None:
        """After the last row: every inferred date column must have told its order."""
        for column in self.dates:
            column.check_resolved()

    def _future(self, line: int, name: str, value: str | None, what: str) -> Problem | None:
        if value and value > self.now_stamp:
            return Problem(line, self.header_of(name), value, f"the {what} is in the future")
        return None


# Positions of lead values (the order of ``LeadParser.FIELDS``).
LEAD_FIELDS = (
    "name", "first_name", "last_name", "company", "email", "phone", "source", "notes",
    "external_id", "stage", "status", "created", "closed", "expected_close", "amount",
    "currency", "frequency", "price_only", "decision_maker", "contact_decides",
    "needs_approval", "prerequisites", "probability", "lost_reason",
)  # fmt: skip

#: Lead columns and the position of their value in ``LeadValues.cells``.
LEAD_COLUMN_POSITIONS = (
    ("name", 0), ("company", 3), ("email", 4), ("phone", 5), ("source", 6), ("notes", 7),
    ("external_id", 8), ("expected_close", 13), ("amount_cents", 14), ("currency", 15),
    ("frequency", 16), ("price_only", 17), ("decision_maker", 18), ("contact_decides", 19),
    ("needs_approval", 20), ("prerequisites", 21), ("probability", 22), ("lost_reason", 23),
)  # fmt: skip
LEAD_POSITION = dict(LEAD_COLUMN_POSITIONS)


class LeadValues:
    """One valid lead row, normalised (instants UTC ISO, dates YYYY-MM-DD, cents).

    ``cells`` holds the values by position (:data:`LEAD_COLUMN_POSITIONS`); ``None`` means the
    file has no value. ``values`` is the same as a dict of lead columns.
    """

    __slots__ = ("line", "cells", "display_name", "stage", "created_at", "closed_at")

    def __init__(
        self,
        line: int,
        cells: list[Any],
        display_name: str,
        stage: StageRef | None,
        created_at: str | None,
        closed_at: str | None,
    ) -> None:
        self.line = line
        self.cells = cells
        self.display_name = display_name
        self.stage = stage
        self.created_at = created_at
        self.closed_at = closed_at

    @property
    def name(self) -> str | None:
        """The name as written (None: the file has none and ``display_name`` is used)."""
        return self.cells[0]

    @property
    def values(self) -> dict[str, Any]:
        cells = self.cells
        return {c: cells[p] for c, p in LEAD_COLUMN_POSITIONS if cells[p] is not None}


class LeadParser(RowParser[LeadValues]):
    FIELDS = LEAD_FIELDS
    DATES = {
        "created": (True, False),
        "closed": (True, False),
        "expected_close": (False, True),
    }

    def __init__(
        self,
        columns: ColumnMap,
        *,
        stages: StageWords,
        now: datetime,
        order: bool | None = None,
        orders: dict[str, bool] | None = None,
    ) -> None:
        self.stages = stages
        super().__init__(
            columns,
            {
                "name": collapse,
                "first_name": collapse,
                "last_name": collapse,
                "email": parse_email,
                "source": parse_source,
                "stage": stages,
                "status": stages,
                "amount": parse_money,
                "currency": parse_currency_cell,
                "frequency": parse_frequency,
                "price_only": parse_bool,
                "contact_decides": parse_bool,
                "needs_approval": parse_bool,
                "probability": parse_probability,
            },
            now=now,
            order=order,
            orders=orders,
        )

    def values(self, line: int, cells: list[Any]) -> LeadValues | list[Problem]:
        name = cells[0]
        if cells[1] or cells[2]:
            first, last = cells[1], cells[2]
            if first:
                name = f"{first} {name or last or ''}".strip()
            elif not name:
                name = last
            cells[0] = name
        display = name or cells[3] or cells[4] or cells[5]
        if display and display is not name:  # a name is one line, like every lead's name
            display = collapse(display)
        if not display:
            return [
                Problem(line, None, None, "no name, company, email or phone: nothing to import")
            ]
        amount = cells[14]
        if amount is not None:
            cents, named = amount
            cells[14] = cents
            if named:
                currency = cells[15]
                if currency and named != currency:
                    return [
                        Problem(
                            line,
                            self.header_of("currency"),
                            currency,
                            f"the amount is in {named}, the currency column says {currency}",
                        )
                    ]
                cells[15] = named
        stage, status, created, closed = cells[9:13]
        # A closed status wins over an open stage; else the stage column, else the status.
        target = status if status is not None and status.kind != "open" else stage or status
        is_closed = target is not None and target.kind != "open"
        now = self.now_stamp
        if (created and created > now) or (is_closed and closed):
            problems = self._check_dates(line, created, closed if is_closed else None)
            if problems:
                return problems
        if not is_closed:
            if closed and cells[13] is None:
                # CRMs export one "Close Date": on an open deal it is the expected close.
                cells[13] = dates.local_date_of(closed).isoformat()
            closed = None
            cells[23] = None
        elif target.kind != "lost":
            cells[23] = None
        return LeadValues(line, cells, display, target, created, closed)

    def _check_dates(self, line: int, created: str | None, closed: str | None) -> list[Problem]:
        found = [
            self._future(line, "created", created, "created date"),
            self._future(line, "closed", closed, "close date"),
        ]
        if closed and created and closed < created:
            found.append(
                Problem(
                    line,
                    self.header_of("closed"),
                    closed,
                    "the close date is before the created date",
                )
            )
        return [p for p in found if p is not None]


@dataclass(slots=True)
class LeadRef:
    """How a follow-up or activity row names its lead."""

    external_id: str | None = None
    email: str | None = None
    ref: str | None = None  # a lead id, external id or email, as ``funnel`` accepts them

    def describe(self) -> str:
        return self.external_id or self.email or self.ref or ""


def _lead_ref(cells: list[Any]) -> LeadRef:
    lead, lead_id, email, external_id = cells[:4]
    return LeadRef(external_id=external_id, email=email, ref=lead or lead_id)


def _no_lead(line: int) -> Problem:
    return Problem(line, None, None, "no lead: give the lead's email, external id or id")


@dataclass(slots=True)
class FollowUpValues:
    line: int
    lead: LeadRef
    text: str
    due_date: str
    due_time: str | None
    created_at: str | None
    done_at: str | None
    done_note: str | None
    done: bool | None  # from a status column (None: not said)


_DONE_WORDS = frozenset({"done", "fait", "faite", "termine", "terminee", "completed", "closed"})
_OPEN_FU_WORDS = frozenset({"open", "ouvert", "a faire", "todo", "to do", "pending", "en cours"})


def parse_done_status(text: str) -> bool:
    word = fold(text)
    if word in _DONE_WORDS:
        return True
    if word in _OPEN_FU_WORDS:
        return False
    raise ValueProblem("expected open or done")


def collapse_keep_lines(text: str) -> str:
    return "\n".join(" ".join(part.split()) for part in text.splitlines() if part.strip())


_CLOCK = re.compile(r"[ T](\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)$")


class FollowUpParser(RowParser[FollowUpValues]):
    FIELDS = (
        "lead", "lead_id", "lead_email", "lead_external_id", "text", "due", "due_time",
        "created", "done", "done_note", "status",
    )  # fmt: skip
    DATES = {"due": (False, True), "created": (True, False), "done": (True, False)}

    def __init__(
        self,
        columns: ColumnMap,
        *,
        now: datetime,
        order: bool | None = None,
        orders: dict[str, bool] | None = None,
    ) -> None:
        super().__init__(
            columns,
            {
                "text": collapse_keep_lines,
                "done_note": collapse_keep_lines,
                "lead_email": parse_email,
                "due_time": parse_time_cell,
                "status": parse_done_status,
            },
            now=now,
            order=order,
            orders=orders,
        )

    def _wrap_date(self, name: str, column: DateColumn) -> CellParser:
        if name != "due":
            return column

        def due(text: str) -> tuple[str, str | None]:
            """A due date, with the time of day when the cell has one (2026-12-01 14:30)."""
            day = column(text)
            clock = _CLOCK.search(text)
            return day, parse_time_cell(clock[1]) if clock else None

        return due

    def values(self, line: int, cells: list[Any]) -> FollowUpValues | list[Problem]:
        ref = _lead_ref(cells)
        text, due, due_time, created, done, note, status = cells[4:]
        if not (ref.external_id or ref.email or ref.ref):
            return [_no_lead(line)]
        if not text:
            return [Problem(line, self.header_of("text"), None, "no text: what was promised?")]
        if not due:
            return [Problem(line, self.header_of("due"), None, "no due date")]
        found = [
            self._future(line, "created", created, "created date"),
            self._future(line, "done", done, "done date"),
        ]
        problems = [p for p in found if p is not None]
        if problems:
            return problems
        due_date, time_in_cell = due
        return FollowUpValues(
            line=line,
            lead=ref,
            text=text,
            due_date=due_date,
            due_time=due_time or time_in_cell,
            created_at=created,
            done_at=done,
            done_note=note,
            done=status,
        )


@dataclass(slots=True)
class ActivityValues:
    line: int
    lead: LeadRef
    type: str | None  # None: the file does not say (a new activity is a "note")
    text: str | None
    at: str


_TYPE = re.compile(r"[\w-]{1,40}")


def parse_activity_type(text: str) -> str:
    word = "-".join(text.casefold().split())
    if not _TYPE.fullmatch(word):
        raise ValueProblem("expected one word like call, email, meeting, demo, proposal, note")
    return word


class ActivityParser(RowParser[ActivityValues]):
    FIELDS = ("lead", "lead_id", "lead_email", "lead_external_id", "type", "text", "at")
    DATES = {"at": (True, False)}

    def __init__(
        self,
        columns: ColumnMap,
        *,
        now: datetime,
        order: bool | None = None,
        orders: dict[str, bool] | None = None,
    ) -> None:
        super().__init__(
            columns,
            {"lead_email": parse_email, "type": parse_activity_type, "text": collapse_keep_lines},
            now=now,
            order=order,
            orders=orders,
        )

    def values(self, line: int, cells: list[Any]) -> ActivityValues | list[Problem]:
        ref = _lead_ref(cells)
        kind, text, at = cells[4:]
        if not (ref.external_id or ref.email or ref.ref):
            return [_no_lead(line)]
        if not at:
            return [Problem(line, self.header_of("at"), None, "no date: when did it happen?")]
        future = self._future(line, "at", at, "date")
        if future:
            return [future]
        return ActivityValues(line=line, lead=ref, type=kind, text=text, at=at)


def required_columns(columns: ColumnMap, display: str) -> None:
    """Refuse a file none of whose columns can make the kind's records."""
    have = set(columns.fields)
    needs: dict[str, tuple[set[str], str]] = {
        "leads": (
            {"name", "first_name", "last_name", "company", "email", "phone"},
            "a lead's name, company, email or phone",
        ),
        "follow-ups": ({"lead", "lead_id", "lead_email", "lead_external_id"}, "the lead"),
        "activities": ({"lead", "lead_id", "lead_email", "lead_external_id"}, "the lead"),
    }
    wanted, what = needs[columns.kind]
    missing = [] if have & wanted else [what]
    if columns.kind == "follow-ups":
        missing += [
            w for f, w in (("text", "the promise's text"), ("due", "the due date")) if f not in have
        ]
    if columns.kind == "activities" and "at" not in have:
        missing.append("the date")
    if missing:
        raise DataError(
            f"no column of {display} holds {' or '.join(missing)} (columns: "
            f"{', '.join(columns.headers)})",
            hint="name the column with --map 'COLUMN=FIELD'",
        )
