"""Fixed-size bit sets: memory does not grow with the file, lookups cost no query.

:class:`Bits` holds small integers (the ids of rows an import has matched); :class:`KeyFilter`
holds the keys an import has inserted as bits of their hashes: a clear bit means "certainly
not inserted", a set bit "maybe: look it up".
"""

from __future__ import annotations

#: Bits of a key filter: 2**26 bits = 8 MiB, ~1.5 % false positives (an extra index lookup) at
#: a million rows.
FILTER_BITS = 1 << 26


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
