"""The encoding of a CSV file: byte-order marks, UTF-8, UTF-16, else a guess decided by the
characters (:func:`detect_encoding`); ``--encoding`` always wins.

Detection looks at the first bytes only; :func:`find_undecodable` reads on to the first byte a
codec refuses (a file whose sample is ASCII may hold cp1252 bytes further down).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import BinaryIO

from funnelcli.errors import DataError, UsageError
from funnelcli.i18n import _


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
#: What a file whose sample reads as Western European cp1252 text is read as.
CP1252 = Encoding("cp1252", "cp1252 (Windows/Excel; not UTF-8)", guessed=True)


def detect_encoding(sample: bytes, *, complete: bool) -> Encoding:
    """The encoding of a file from its first bytes (``complete``: the sample is the whole file).

    Byte-order marks, then UTF-8, then UTF-16 without a mark (its NUL bytes tell the order),
    then :func:`_guess`."""
    for bom, codec, label in BOMS:
        if sample.startswith(bom):
            return Encoding(codec, label)
    if b"\x00" in sample:  # UTF-16 without BOM (Cyrillic in it is ASCII bytes), or binary
        utf16 = _utf16_without_bom(sample)
        if utf16 is not None:
            return utf16
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return Encoding("utf-8", "UTF-8", ascii_sample=sample.isascii())
    if b"\x00" in sample:  # a binary file: the reader names the line of the NUL byte
        return Encoding("utf-8", "UTF-8")
    return _guess(sample)


def _utf16_without_bom(sample: bytes) -> Encoding | None:
    """UTF-16 without a byte-order mark: the high byte of every ASCII character (delimiters,
    line breaks) is a NUL, on one side of each pair (``n\\0a\\0`` is little-endian); a binary
    file has NULs on both sides, and does not decode to lines of printable text."""
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    order = "le" if odd > 4 * even else "be" if even > 4 * odd else None
    if order is None:
        return None
    codec = f"utf-16-{order}"
    try:
        text = sample[: len(sample) & ~1].decode(codec)
    except UnicodeDecodeError:
        return None
    lines = text.splitlines()
    if len(lines) < 2 and len(sample) > 1000 or not all(line.isprintable() for line in lines):
        return None
    return Encoding(codec, f"UTF-16 {order.upper()} (no BOM; guessed)", guessed=True)


#: Single-byte code pages of Latin script. charset-normalizer often names one of them for a short
#: French or Spanish cp1252 file (cp1250, cp775…) and cp1252 for a Polish cp1250 one: between
#: these the characters decide (:data:`_WESTERN`), not its ranking.
_LATIN_PAGES = frozenset(
    str.split(
        "cp1250 cp1252 cp1254 cp1257 cp1258 latin_1 iso8859_2 iso8859_3 iso8859_4 iso8859_9 "
        "iso8859_10 iso8859_13 iso8859_14 iso8859_15 iso8859_16 cp437 cp775 cp850 cp852 cp857 "
        "cp858 cp860 cp861 cp863 cp865 mac_roman mac_latin2 mac_iceland mac_turkish hp_roman8"
    )
)
#: What text of Western European languages (French, Spanish, Portuguese, German, Italian, Dutch,
#: Nordic…) holds beyond ASCII, read as cp1252: accented letters, typographic punctuation, €, £,
#: no-break space. A Polish or Czech cp1250 file read as cp1252 shows ``³`` ``¹`` ``¥`` ``¯``.
_WESTERN = frozenset(
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœšžßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŸŒŠŽªº¿¡€£"
    "«»‘’‚“”„–—…•°§©®™·\u00a0"
)


def _guess(sample: bytes) -> Encoding:
    """A file that is not UTF-8: charset-normalizer's guess, except among Latin code pages
    where cp1252 is taken when the sample decodes to Western European text."""
    from charset_normalizer import from_bytes

    guesses = [match.encoding for match in from_bytes(sample)]
    western = _is_western(sample)
    if western and (not guesses or guesses[0] in _LATIN_PAGES):
        return CP1252
    # Read as cp1252, a sample with non-Western characters is another Latin page (cp1250…).
    likely = [codec for codec in guesses if not (codec == "cp1252" and western is False)]
    if likely or guesses:
        codec = (likely or guesses)[0]
        return Encoding(codec, f"{codec} (guessed)", guessed=True)
    raise DataError(
        _("cannot tell the encoding of the file: it is not UTF-8 nor cp1252"),
        hint=_("pass --encoding, e.g. --encoding latin-1"),
    )


def _is_western(sample: bytes) -> bool | None:
    """Does the sample read as cp1252 give only Western European characters beyond ASCII?
    None: cp1252 cannot decode it."""
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return all(ch in _WESTERN for ch in text if ch > "\x7f")


#: Codecs Python calls text encodings that do not read a file of characters: escapes, domain
#: names, and the one that refuses everything.
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs", "oem"}
)


def check_encoding(name: str) -> Encoding:
    """``--encoding NAME``: a character encoding Python knows (``utf-8``, ``cp1252``,
    ``latin-1``…); codecs that are not (``rot13``, ``base64``, ``punycode``) are refused."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise UsageError(
            _(
                "unknown encoding {name!r}: expected e.g. utf-8, utf-8-sig, utf-16, cp1252, latin-1"
            ).format(name=name)
        ) from None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        raise UsageError(
            _(
                "{name!r} is not a text encoding: expected e.g. utf-8, utf-8-sig, utf-16, "
                "cp1252, latin-1"
            ).format(name=name)
        )
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
            _(
                "the file has no byte-order mark and its bytes do not tell whether it is "
                "{codec}-le or {codec}-be"
            ).format(codec=encoding.codec),
            hint=_("pass --encoding {codec}-le or --encoding {codec}-be").format(
                codec=encoding.codec
            ),
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
