"""A CSV input read from a binary stream the caller opened: encoding and delimiter detected,
header checked, records yielded with the line they start on (a report's footer left out).

Memory does not grow with the file: lines are read one at a time, with a cap on their length.
The stream must be seekable: the records can be read again from the top (:meth:`CsvFile.reread`)
while they are being read, and the detection looks at the start of the file first.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Generator, Iterator
from typing import BinaryIO

from funnelcli.errors import DataError, read_error
from funnelcli.i18n import _, thousands
from funnelcli.importers.dialect import Dialect, detect_delimiter, sep_line_delimiter
from funnelcli.importers.encoding import (
    CP1252_FALLBACK,
    Encoding,
    detect_encoding,
    find_undecodable,
    settle_byte_order,
)
from funnelcli.importers.footer import FooterFilter
from funnelcli.text import fold

#: Bytes looked at to detect the encoding; lines looked at to detect the delimiter.
SAMPLE_BYTES = 64 * 1024
SAMPLE_LINES = 200
#: Longest field (characters) and physical line accepted; longer means a broken file.
MAX_FIELD = 128 * 1024
MAX_LINE = 4 * 1024 * 1024

Record = tuple[int, list[str]]


class CsvFile:
    """An open CSV input: encoding and dialect known, header read and checked.

    ``notes`` tell what the person should know about the reading (line, text), e.g. a file that
    looked like UTF-8 and turned out cp1252 further down; ``renamed`` the repeated column names
    that were numbered.
    """

    def __init__(
        self,
        raw: BinaryIO,
        *,
        display: str,
        encoding: Encoding | None = None,
        delimiter: str | None = None,
    ) -> None:
        self._raw = raw
        self.display = display
        self.notes: list[tuple[int, str]] = []
        #: Repeated column names, numbered: (position, name, new name).
        self.renamed: list[tuple[int, str, str]] = []
        #: A report's footer left out (:mod:`.footer`): the line before it, its rows.
        self.footer: tuple[int, int] | None = None
        csv.field_size_limit(MAX_FIELD)
        try:
            self.size: int | None = raw.seek(0, io.SEEK_END)
            raw.seek(0)
            sample = raw.read(SAMPLE_BYTES)
        except OSError as exc:
            raise read_error(exc, display) from None
        if not sample:
            raise DataError(
                _("{file} is empty: expected a header row and data rows").format(file=display)
            )
        complete = len(sample) < SAMPLE_BYTES
        self.encoding = (
            settle_byte_order(encoding, sample)
            if encoding
            else detect_encoding(sample, complete=complete)
        )
        if self.encoding.ascii_sample and not complete:
            self._check_utf8()
        self._offset = 0
        head = self._head()
        sep = sep_line_delimiter(head[0]) if head else None
        if sep is not None:
            head.pop(0)
            self._offset = 1
        if not head:
            raise DataError(_("{file} has no header row").format(file=display))
        if delimiter is not None:
            self.dialect = Dialect(delimiter, detected=False, sep_line=sep is not None)
        elif sep is not None:
            self.dialect = Dialect(sep, detected=False, sep_line=True)
        else:
            exhausted = len(head) + self._offset < SAMPLE_LINES
            found = detect_delimiter(head, exhausted=exhausted, display=display)
            self.dialect = Dialect(found, detected=True, sep_line=False)
        self.header_line = self._offset + 1
        with contextlib.closing(self._read()) as records:
            header = next(records, None)
        if header is None:
            raise DataError(_("{file} has no header row").format(file=display))
        self.header = self._check_header(header[1])

    def _check_utf8(self) -> None:
        """A file whose sample is ASCII is UTF-8 only if the rest is: else it is read as cp1252
        (Windows/Excel), as a file whose sample showed it."""
        try:
            bad = find_undecodable(self._raw, "utf-8")
        except OSError as exc:
            raise read_error(exc, self.display) from None
        if bad is not None:
            line, byte = bad
            self.encoding = CP1252_FALLBACK
            self.notes.append(
                (
                    line,
                    f"line {line} is not UTF-8 (byte {byte:#04x}): read as cp1252 "
                    "(Windows/Excel); --encoding to override",
                )
            )

    # ------------------------------------------------------------ lines

    def _text(self) -> io.TextIOWrapper:
        self._raw.seek(0)
        return io.TextIOWrapper(
            self._raw, encoding=self.encoding.codec, errors="strict", newline=""
        )

    def _head(self) -> list[str]:
        text = self._text()
        head: list[str] = []
        try:
            for line in self._lines(text):
                head.append(line)
                if len(head) >= SAMPLE_LINES:
                    break
        except UnicodeError as exc:
            self._decode_error(exc)
        finally:
            text.detach()
        return head

    def _lines(self, text: io.TextIOWrapper) -> Iterator[str]:
        readline = text.readline
        number = 0
        while True:
            line = readline(MAX_LINE)
            if not line:
                return
            number += 1
            if "\x00" in line:
                raise DataError(
                    _(
                        "{file} line {line}: NUL byte (a binary file, or UTF-16 "
                        "without a byte-order mark?)"
                    ).format(file=self.display, line=number),
                    hint=_("if the file is UTF-16, pass --encoding utf-16"),
                )
            if len(line) >= MAX_LINE and line[-1] not in "\r\n":
                raise DataError(
                    _("{display} line {number}: longer than {MAX_LINE} characters").format(
                        display=self.display, number=number, MAX_LINE=thousands(MAX_LINE)
                    )
                )
            yield line

    def _decode_error(self, exc: UnicodeError) -> None:
        if not isinstance(exc, UnicodeDecodeError):  # a codec whose errors are not decode errors
            raise DataError(
                _("cannot read {display} as {codec}: {exc}").format(
                    display=self.display, codec=self.encoding.codec, exc=exc
                )
            ) from None
        try:
            found = find_undecodable(self._raw, self.encoding.codec)
        except OSError:
            found = None
        line, byte = found or (1, exc.object[exc.start])
        raise DataError(
            _("{file} line {line}: bytes that are not valid {codec} (byte {byte})").format(
                file=self.display,
                line=line,
                codec=self.encoding.codec.removesuffix("-sig"),
                byte=f"{byte:#04x}",
            ),
            hint=_("pass the file's encoding with --encoding (e.g. cp1252 or utf-8)"),
        ) from None

    # ------------------------------------------------------------ records

    def _read(self) -> Generator[Record, None, None]:
        """Every record from the top of the file, the header first, with its first line."""
        text = self._text()
        offset = self._offset
        line = offset + 1
        try:
            lines = self._lines(text)
            if offset:
                next(lines)  # Excel's sep= line
            reader = csv.reader(lines, delimiter=self.dialect.delimiter, strict=True)
            footer: FooterFilter | None = None  # set at the header
            for fields in reader:
                if fields and footer is not None and footer.after is None:
                    yield line, fields  # most rows: no blank line before them
                elif footer is not None:
                    yield from footer.step((line, fields))
                elif fields:  # the header (blank lines before it are skipped)
                    yield line, fields
                    footer = FooterFilter(len(fields))
                line = reader.line_num + offset + 1
            if footer is None:
                return
            footer.finish()
            if footer.found is not None and self.footer is None:
                self.footer = footer.found
                after, count = footer.found
                self.notes.append(
                    (
                        after,
                        f"ignored {count} footer line{'s' if count != 1 else ''} after line "
                        f"{after} (after a blank line, fewer fields than the header: a "
                        "report's footer, not data)",
                    )
                )
        except csv.Error as exc:
            raise DataError(_csv_problem(self.display, line, str(exc))) from None
        except UnicodeError as exc:
            self._decode_error(exc)
        finally:
            text.detach()

    def records(self) -> Generator[Record, None, None]:
        """Data records, each with the number of the line it starts on (the header is skipped)."""
        records = self._read()
        next(records, None)
        return records

    @contextlib.contextmanager
    def reread(self) -> Iterator[Iterator[Record]]:
        """The data records again from the top, while :meth:`records` is being read; its
        reading position is restored afterwards."""
        position = self._raw.tell()
        records = self.records()
        try:
            yield records
        finally:
            records.close()
            self._raw.seek(position)

    @property
    def bytes_read(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def _check_header(self, header: list[str]) -> list[str]:
        """The column names, a repeated one numbered (``Company name (2)``: HubSpot repeats
        labels), each rename kept in :attr:`renamed`; an empty name is an error."""
        names = [h.strip() for h in header]
        if names and names[0].startswith("\ufeff"):
            names[0] = names[0][1:].strip()
        for position, name in enumerate(names, start=1):
            if not name:
                raise DataError(
                    _("{file} line {line}: column {position} has no name in the header row").format(
                        file=self.display, line=self.header_line, position=position
                    ),
                    hint=_("give every column a name (or delete the empty column)"),
                )
        taken = {fold(name) for name in names}
        seen: dict[str, int] = {}
        for index, name in enumerate(names):
            folded = fold(name)
            if folded not in seen:
                seen[folded] = 1
                continue
            number = seen[folded]
            while True:
                number += 1
                numbered = f"{name} ({number})"
                if fold(numbered) not in taken:
                    break
            seen[folded] = number
            taken.add(fold(numbered))
            names[index] = numbered
            self.renamed.append((index + 1, name, numbered))
        return names


def _csv_problem(display: str, line: int, message: str) -> str:
    lowered = message.lower()
    if "field larger than field limit" in lowered:
        return _(
            "{display} line {line}: a field longer than {MAX_FIELD} characters "
            "(an unterminated quote?)"
        ).format(display=display, line=line, MAX_FIELD=thousands(MAX_FIELD))
    if "unexpected end of data" in lowered or "eof" in lowered:
        return _("{display} line {line}: unterminated quote (the quoted field never ends)").format(
            display=display, line=line
        )
    return _("{display} line {line}: malformed CSV ({message})").format(
        display=display, line=line, message=message
    )
