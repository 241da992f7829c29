"""Activity types: the one rule for the words ``funnel log`` and ``funnel import`` store.

**The word.** The text is case-folded (``ß`` -> ``ss``), blanks around it dropped and blanks
inside joined by ``-`` (``Site visit`` -> ``site-visit``); what is left must be letters, digits,
``-`` and ``_``, at most :data:`MAX_LENGTH` characters. Anything else is not a type: ``log``
refuses it, an import rejects the row.

**Its meaning.** A known type (:data:`KNOWN`) or one of its synonyms (:data:`SYNONYMS`:
``e-mail``, ``courriel`` -> ``email``; compared with accents, ``-`` and ``_`` ignored, so
``followup`` is ``follow-up``) is stored as the known type. Any other word is a new type, and a
new type is *doubtful* when it is probably a mistake: one edit (a letter added, dropped or
changed, or two neighbours swapped) from a known type or a synonym (``cal``, ``emial``), or not
starting with a letter (``42``, ``2nd-call``). A type already in use in the database is never
doubtful: it was chosen once.

**The two policies** (they differ only here): ``funnel log`` refuses a doubtful type (exit 2,
"did you mean call?") unless ``--new-type``; ``funnel import`` stores it as written and warns
once, listing such values with their counts, so that a file imported yesterday does not start
failing today.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from funnelcli.i18n import N_
from funnelcli.text import fold

#: The longest type stored.
MAX_LENGTH = 40

#: The known types: the article's six, ``follow-up`` (recorded when a promise is kept) and
#: ``source`` (a later source of a lead, recorded by a re-import).
KNOWN = ("call", "email", "meeting", "demo", "proposal", "note", "follow-up", "source")

#: Types that are not actions taken on a lead: ``report paths`` and ``check`` leave them out.
NOT_ACTIONS = ("source",)

#: Other words for the known types (English, French, Spanish).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "call": ("phone", "phone call", "appel", "appel téléphonique", "tel", "téléphone", "llamada"),
    "email": ("e-mail", "mail", "courriel", "mél", "correo"),
    "meeting": ("rdv", "rendez-vous", "réunion", "rencontre", "meet", "reunión"),
    "demo": ("démo", "demonstration", "démonstration", "demostración"),
    "proposal": ("quote", "devis", "soumission", "proposition", "offre", "propuesta"),
    "note": ("notes", "memo", "commentaire", "comment", "nota"),
    "follow-up": ("suivi", "relance", "seguimiento"),
    "source": ("provenance", "origine"),
}

#: What a refused word is told (``log``) or a rejected row says (import).
EXPECTED = f"expected {', '.join(KNOWN[:6])} or one custom word"

_WORD = re.compile(rf"[\w-]{{1,{MAX_LENGTH}}}")


def _key(word: str) -> str:
    """``'E-Mail'`` -> ``'email'``: how words are compared (accents, blanks, ``-``, ``_``
    ignored)."""
    return "".join(ch for ch in fold(word) if ch not in " -_")


_CANONICAL: dict[str, str] = {_key(k): k for k in KNOWN} | {
    _key(s): k for k, words in SYNONYMS.items() for s in words
}


class Verdict(NamedTuple):
    """What the rule says of a word: the type to store, and why it is doubtful (else None)."""

    word: str
    known: bool
    doubt: str | None = None


class TypeUse(NamedTuple):
    """A line of ``funnel log --types``."""

    type: str
    known: bool
    synonyms: tuple[str, ...]
    actions: int


def word_of(text: str) -> str | None:
    """The word a text is (``'Site visit'`` -> ``'site-visit'``), or None when it is not one."""
    word = "-".join((text or "").casefold().split())
    return word if _WORD.fullmatch(word) else None


def judge(text: str) -> Verdict | None:
    """The type to store for ``text`` and whether it is doubtful; None: not a word at all.

    The caller still has to ask the database whether a doubtful word is already in use."""
    word = word_of(text)
    if word is None:
        return None
    key = _key(word)
    known = _CANONICAL.get(key)
    if known is not None:
        return Verdict(known, True)
    if not word[0].isalpha():
        return Verdict(word, False, N_("a type starts with a letter"))
    near = sorted({k for c, k in _CANONICAL.items() if _one_edit(key, c)})
    if near:
        return Verdict(word, False, f"did you mean {' or '.join(near)}?")
    return Verdict(word, False)


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one letter added, dropped or changed, or by two
    neighbouring letters swapped (``emial``/``email``)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short))
    return short[i:] == long_[i + 1 :]
