"""What the corrections return: the journal's entries (``undo``), ``merge``, ``delete`` and
``history --drop`` (apart from :mod:`funnelcli.models`: the everyday commands do not build
these types at start-up)."""

from typing import NamedTuple

from funnelcli.models import Lead, StageChange


class JournalEntry(NamedTuple):
    """One write command as the journal recorded it (``funnel undo --list``)."""

    id: int
    at: str
    command: str
    summary: str
    kind: str  # command, undo (reverts an entry) or redo (reverts an undo)
    reverts: int | None
    undone_by: int | None
    purged: bool  # a lead it touched was deleted with --purge: it can no longer be undone


class Reverted(NamedTuple):
    """``funnel undo`` / ``redo``: the entry reverted, and the entry that records the revert."""

    entry: JournalEntry
    by: int


class MergedLead(NamedTuple):
    """A lead merged into another (``funnel merge``), as it was, and what it brought."""

    lead: Lead
    follow_ups: int
    activities: int
    external_ids: list[str]
    filled: list[str]  # the kept lead's empty fields it filled (column names)
    notes: bool  # its notes were added to the kept lead's
    history: bool  # its stage history was kept (it was further along)
    earlier: bool  # it was created first: the kept lead takes its created date and source


class MergeResult(NamedTuple):
    """``funnel merge``: the kept lead, after, and the leads merged into it."""

    lead: Lead
    merged: list[MergedLead]


class LeadFootprint(NamedTuple):
    """A lead and what goes with it when it is deleted (``funnel delete`` asks with it)."""

    lead: Lead
    stage: str
    follow_ups: int
    activities: int
    moves: int


class Dropped(NamedTuple):
    """``funnel history LEAD --drop MOVE``: the move removed and where the lead stands now."""

    lead: Lead
    move: StageChange
    stage: str
