"""Fixed-size bit sets: memory does not grow with the file, lookups cost no query.

:class:`Bits` holds small integers (the ids of rows an import has matched); :class:`KeyFilter`
holds the keys an import has inserted as bits of their hashes: a clear bit means "certainly
not inserted", a set bit "maybe: look it up" (a false positive costs an index lookup, never a
wrong match).
"""

from __future__ import annotations

#: The largest key filter: 2**26 bits = 8 MiB, ~1.5 % false positives at a million keys.
FILTER_BITS = 1 << 26
#: The smallest (8 KiB).
MIN_FILTER_BITS = 1 << 16
#: Bits per row the file is expected to have: a row adds up to two keys (its id or name key,
#: and its email), so at most ~1.5 % false positives while the estimate holds.
BITS_PER_ROW = 128


def filter_bits(expected_rows: int | None) -> int:
    """The size of a key filter for a file of about ``expected_rows`` rows (``None``: not
    known, the largest): a power of two, from :data:`MIN_FILTER_BITS` to :data:`FILTER_BITS`.
    More rows than expected only make false positives more frequent."""
    if expected_rows is None:
        return FILTER_BITS
    wanted = 1 << (max(expected_rows, 1) * BITS_PER_ROW - 1).bit_length()
    return min(FILTER_BITS, max(MIN_FILTER_BITS, wanted))


class Bits:
    """A set of integers from 0 to ``size``."""

    __slots__ = ("_bytes",)

    def __init__(self, size: int) -> None:
        self._bytes = bytearray((size >> 3) + 1)

    def __contains__(self, number: int) -> bool:
        return bool(self._bytes[number >> 3] >> (number & 7) & 1)

    def add(self, number: int) -> None:
        self._bytes[number >> 3] |= 1 << (number & 7)

    def add_new(self, number: int) -> bool:
        """Add ``number``; False when it was there already."""
        byte, bit = number >> 3, 1 << (number & 7)
        if self._bytes[byte] & bit:
            return False
        self._bytes[byte] |= bit
        return True


class KeyFilter(Bits):
    """Keys (strings) as bits of their hashes (str hashes are cached: no hashing is redone)."""

    __slots__ = ("_mask",)

    def __init__(self, size: int = FILTER_BITS) -> None:
        super().__init__(size - 1)
        self._mask = size - 1

    def may_hold(self, key: str) -> bool:
        number = hash(key) & self._mask  # the bit test of Bits, inlined: once per row
        return bool(self._bytes[number >> 3] >> (number & 7) & 1)

    def add_key(self, key: str) -> None:
        number = hash(key) & self._mask
        self._bytes[number >> 3] |= 1 << (number & 7)
