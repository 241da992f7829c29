"""The delimiter of a CSV file: ``--delimiter``, Excel's ``sep=;`` first line, else detected
(``,`` ``;`` tab ``|``: the one for which every sampled row has the header's number of fields;
a report's footer is not a row, see :mod:`.footer`)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass

from funnelcli.errors import DataError, UsageError
from funnelcli.i18n import N_, _
from funnelcli.importers.footer import without_footer

#: Delimiters tried, in the order they are named in messages.
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

#: Excel's first line naming the delimiter.
SEP_LINE = re.compile(r"^\ufeff?\s*sep=(.)\s*$", re.IGNORECASE)

_HINT = N_("name it with --delimiter ';' (or ',', '|', tab)")


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
        raise UsageError(
            _("invalid --delimiter {text!r}: expected one of ',', ';', '|' or 'tab'").format(
                text=text
            )
        )
    return found


def sep_line_delimiter(first_line: str) -> str | None:
    """The delimiter Excel's ``sep=X`` line names, or None when the line is not one."""
    found = SEP_LINE.match(first_line.rstrip("\r\n"))
    return found[1] if found and found[1] in DELIMITERS else None


def detect_delimiter(head: Sequence[str], *, exhausted: bool, display: str) -> str:
    """The delimiter of the sampled lines ``head`` (``exhausted``: they are the whole file)."""
    consistent: list[str] = []
    scores: list[tuple[float, str]] = []
    for delimiter in DELIMITERS:
        records: list[list[str]] = []
        try:
            records.extend(csv.reader(head, delimiter=delimiter, strict=True))
        except csv.Error:
            if exhausted:
                continue  # a broken file whichever the delimiter: reported while reading
        if exhausted:
            records = without_footer(records)  # a report's footer has fewer fields
        else:
            records = [record for record in records if record]
            if len(records) > 2:
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
            _(
                "cannot tell the delimiter of {file}: {names} both give every row "
                "the header's number of fields"
            ).format(file=display, names=names),
            hint=_(_HINT),
        )
    scores.sort(reverse=True)
    if scores and scores[0][0] >= 0.8 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
        return scores[0][1]  # a few broken rows: they are reported one by one
    if not scores:
        return ","  # a single column
    raise DataError(
        _(
            "cannot tell the delimiter of {file}: no delimiter among , ; tab | gives "
            "every sampled row the header's number of fields"
        ).format(file=display),
        hint=_(_HINT),
    )
