"""Report JSON as text: the standard library's ``json``, indented by two spaces, non-ASCII kept.

One layout is added: the items of a :class:`OnePerLine` array are each written on one line (the
forecast's list of left-out deals, which can be tens of thousands long, stays easy to read with
``grep`` or ``jq``).
"""

import json
import os
from typing import Any

#: Put between the items of a :class:`OnePerLine` array, to cut the array's text into items.
_CUT = "\x00"


class OnePerLine(list[Any]):
    """A JSON array that :func:`json_text` writes one item per line."""


def json_text(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``; a non-empty :class:`OnePerLine`
    array is written ``[``, then one compact item a line, then ``]``."""
    arrays: list[OnePerLine] = []
    token = os.urandom(8).hex()  # no string of the value can be taken for a stand-in

    def placed(item: Any) -> Any:
        if isinstance(item, OnePerLine) and item:
            arrays.append(item)
            return f"\x00{token} {len(arrays) - 1}"  # a stand-in until its lines replace it
        if isinstance(item, dict):
            return {key: placed(member) for key, member in item.items()}
        if isinstance(item, list | tuple):
            return [placed(member) for member in item]
        return item

    text = json.dumps(placed(value), ensure_ascii=False, indent=2)
    for index, items in enumerate(arrays):
        stand_in = json.dumps(f"\x00{token} {index}")
        at = text.index(stand_in)
        line = text[text.rfind("\n", 0, at) + 1 : at]
        text = text.replace(stand_in, _lines(items, len(line) - len(line.lstrip(" "))), 1)
    return text


def _lines(items: OnePerLine, indent: int) -> str:
    """The array's text: each item compact (``", "`` and ``": "``) on its line."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    # One call for the whole array (one C encoder, not one per item), then cut into items: the
    # cut, a lone string between items, cannot occur inside an item's text unless an item holds
    # it in a list of its own -- then each item is encoded alone.
    spaced: list[Any] = [_CUT] * (2 * len(items) - 1)
    spaced[::2] = items
    cut = ", " + encoder.encode(_CUT) + ", "
    texts = encoder.encode(spaced)[1:-1].split(cut)
    if len(texts) != len(items):
        texts = [encoder.encode(item) for item in items]
    inner = "\n" + " " * (indent + 2)
    return "[" + inner + ("," + inner).join(texts) + "\n" + " " * indent + "]"
