"""``funnel undo`` and ``funnel redo``: reverting an entry of the journal; listing and trimming it.

An undo is a write like any other: its own entry records what it changed, so it can itself be
reverted (``redo``). ``undo`` without an id walks back through the commands (undos are skipped);
``undo ID`` reverts one entry only if no later entry still in effect touched the same rows —
reverting it would otherwise overwrite their work.
"""

from __future__ import annotations

from funnelcli.errors import NotFoundError, UsageError
from funnelcli.i18n import _
from funnelcli.models.corrections import JournalEntry, Reverted
from funnelcli.store import Store, Tx, journal


def _revert(conn: Tx, target: JournalEntry) -> Reverted:
    if target.purged:
        raise UsageError(
            _("entry {target} cannot be undone: a lead it touched was deleted with --purge").format(
                target=target.id
            )
        )
    if target.undone_by is not None:
        raise UsageError(
            _("entry {target} was already undone by entry {undone_by}").format(
                target=target.id, undone_by=target.undone_by
            )
        )
    later = journal.later_conflicts(conn, target.id)
    if later:
        names = ", ".join(map(str, later))
        raise UsageError(
            _(
                "entry {target} cannot be undone: later entries changed the same rows: {names}"
            ).format(target=target.id, names=names),
            hint=_("undo entry {value} first (see funnel undo --list)").format(value=later[-1]),
        )
    entry = journal.current_entry(conn)
    assert entry is not None, "a write always has an open journal entry"
    journal.revert(conn, target.id)
    journal.mark_revert(conn, entry, target)
    return Reverted(target, entry)


def undo(store: Store, entry_id: int | None = None) -> Reverted:
    """Revert entry ``entry_id``, or the newest command not undone yet."""
    with store.write() as conn:
        if entry_id is None:
            target = journal.last_to_undo(conn)
            if target is None:
                raise UsageError(_("nothing to undo: the journal has no command left to revert"))
        else:
            target = journal.get(conn, entry_id)
            if target is None:
                raise NotFoundError(
                    _("no journal entry {entry_id}").format(entry_id=entry_id),
                    hint=_("list them with: funnel undo --list"),
                )
        return _revert(conn, target)


def redo(store: Store) -> Reverted:
    """Revert the newest undo, if no command was run since."""
    with store.write() as conn:
        target = journal.last_to_redo(conn)
        if target is None:
            raise UsageError(_("nothing to redo: no undo since the last command"))
        return _revert(conn, target)


def entries(store: Store, limit: int | None) -> list[JournalEntry]:
    with store.read() as conn:
        return journal.entries(conn, limit)


def prune(store: Store, before: str) -> int:
    """Forget the entries recorded before ``before`` (stored instant): they can no longer be
    undone, and reports as of earlier dates lose their field history. Not itself journaled."""
    with store.write(journal=False) as conn:
        return journal.prune(conn, before)
