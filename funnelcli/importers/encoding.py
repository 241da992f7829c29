"""The encoding of a CSV file: byte-order marks, UTF-8, else cp1252, else a guess; ``--encoding``.

Detection looks at the first bytes only; :func:`find_undecodable` reads on to the first byte a
codec refuses (a file whose sample is ASCII may hold cp1252 bytes further down).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import BinaryIO

from funnelcli.errors import DataError, UsageError


@dataclass(frozen=True, slots=True)
class Encoding:
    codec: str  # what Python decodes with
    label: str  # what the person is told
    guessed: bool = False  # not certain: a notice is printed
    ascii_sample: bool = False  # UTF-8 chosen on an ASCII-only sample: may turn out cp1252


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 (BOM)"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (BOM)"),
)

#: What a file whose sample looked like UTF-8 is read as when a later byte is not UTF-8.
CP1252_FALLBACK = Encoding("cp1252", "cp1252 (not UTF-8)", guessed=True)


def detect_encoding(sample: bytes, *, complete: bool) -> Encoding:
    """The encoding of a file from its first bytes (``complete``: the sample is the whole file)."""
    for bom, codec, label in BOMS:
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
    if unit is None or any(sample.startswith(bom) for bom, _, _ in BOMS):
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


def find_undecodable(raw: BinaryIO, codec: str) -> tuple[int, int] | None:
    """The line and value of the first byte of ``raw`` (read from the start) that ``codec``
    refuses, or None when the whole file decodes. Leaves ``raw`` wherever it stopped."""
    raw.seek(0)
    decoder = codecs.getincrementaldecoder(codec)()
    ascii_safe = codec == "utf-8"  # ASCII chunks need no decoding, only their lines counted
    line = 1
    while chunk := raw.read(1 << 20):
        if ascii_safe and chunk.isascii() and not decoder.getstate()[0]:
            line += chunk.count(b"\n")
            continue
        try:
            line += decoder.decode(chunk).count("\n")
        except UnicodeDecodeError as found:
            before = found.object[: found.start]
            line += before.decode(codec, errors="replace").count("\n")
            return line, found.object[found.start]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as found:
        return line, found.object[found.start]
    return None
