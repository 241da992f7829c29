"""Activity types: the one place that says which words ``funnel log`` and ``funnel import`` take.

Both store one lower-case word, so that reports group ``Call`` and ``call``. They do not accept
the same words yet, and the difference is kept on purpose until the rule is settled:

- ``funnel log`` (:func:`for_log`): a word that starts with a letter, then letters, digits,
  ``-`` or ``_`` (``follow-up``, ``site-visit``); blanks around it are dropped, blanks inside
  refuse it;
- ``funnel import`` (:func:`for_import`): letters, digits, ``-`` and ``_`` in any order
  (``2nd-call``, ``42`` too), with blanks inside joined by ``-`` (``Site visit`` ->
  ``site-visit``), case-folded (``ß`` -> ``ss``).

Each entry point returns the word to store, or None when the text is refused; the callers say
why in their own terms (a usage error for ``log``, a row problem for an import).
"""

from __future__ import annotations

import re

#: The longest type either command stores.
MAX_LENGTH = 40

_LOG_WORD = re.compile(r"[^\W\d_][\w-]*")
_IMPORT_WORD = re.compile(rf"[\w-]{{1,{MAX_LENGTH}}}")

#: What an import says about a refused type (the row's problem).
IMPORT_EXPECTED = "expected one word like call, email, meeting, demo, proposal, note"


def for_log(value: str) -> str | None:
    """``funnel log``: ``' Call '`` -> ``'call'``; blanks, several words, non-words: None."""
    word = (value or "").strip().lower()
    if not _LOG_WORD.fullmatch(word) or len(word) > MAX_LENGTH:
        return None
    return word


def for_import(text: str) -> str | None:
    """``funnel import``: ``'Site visit'`` -> ``'site-visit'``, ``'2nd call'`` -> ``'2nd-call'``;
    anything but word characters and ``-``, or too long: None."""
    word = "-".join(text.casefold().split())
    if not _IMPORT_WORD.fullmatch(word):
        return None
    return word
