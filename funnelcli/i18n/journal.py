"""The journal's summaries (``added 1 lead, 1 stage change; changed 1 lead``, ``undo of entry
4``), which the database stores in English words of a fixed grammar (``store/journal.py``),
worded again in the interface's language when shown. JSON and CSV keep the stored text."""

from __future__ import annotations

import re

from funnelcli.i18n import _, is_french, ngettext

_REVERT = re.compile(r"^(undo|redo) of entry (\d+)(?:: (.*))?$")
_COUNT = re.compile(r"^(\d+) (.+)$")


def _rows(n: int, word: str) -> str | None:
    """``3 stage changes`` (a table's word, singular or plural) in the interface's language."""
    words = {
        ("stage", "stages"): ngettext("{n} stage", "{n} stages", n),
        ("setting", "settings"): ngettext("{n} setting", "{n} settings", n),
        ("lead", "leads"): ngettext("{n} lead", "{n} leads", n),
        ("follow-up", "follow-ups"): ngettext("{n} follow-up", "{n} follow-ups", n),
        ("activity", "activities"): ngettext("{n} activity", "{n} activities", n),
        ("stage change", "stage changes"): ngettext("{n} stage change", "{n} stage changes", n),
        ("external id", "external ids"): ngettext("{n} external id", "{n} external ids", n),
        ("deal key", "deal keys"): ngettext("{n} deal key", "{n} deal keys", n),
    }
    for forms, said in words.items():
        if word in forms:
            return said.format(n=n)
    return None


def _counts(text: str) -> str | None:
    verbs = {
        "added": _("added {rows}"),
        "changed": _("changed {rows}"),
        "deleted": _("deleted {rows}"),
    }
    parts = []
    for part in text.split("; "):
        verb, _space, rest = part.partition(" ")
        if verb not in verbs:
            return None
        rows = []
        for count in rest.split(", "):
            found = _COUNT.match(count)
            said = found and _rows(int(found[1]), found[2])
            if not said:
                return None
            rows.append(said)
        parts.append(verbs[verb].format(rows=", ".join(rows)))
    return _("; ").join(parts)


def summary(text: str) -> str:
    """A stored summary for people: the same text in English; French words in French (a text
    that does not follow the grammar is shown as stored)."""
    if not is_french() or not text:
        return text
    if text == "(purged)":
        return _("(purged)")
    revert = _REVERT.match(text)
    if revert:
        kind, entry, rest = revert.groups()
        head = (_("undo of entry {id}") if kind == "undo" else _("redo of entry {id}")).format(
            id=entry
        )
        if not rest:
            return head
        said = _counts(rest)
        return text if said is None else _("{entry}: {changes}").format(entry=head, changes=said)
    said = _counts(text)
    return text if said is None else said
