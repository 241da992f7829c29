"""A ``--source`` that names no lead: the same error for ``list`` and ``report``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from funnelcli.errors import NotFoundError
from funnelcli.i18n import _

if TYPE_CHECKING:
    from funnelcli.store import Tx

#: How ``--source`` names the leads without a source.
NO_SOURCE = "(none)"


def unknown_source(conn: Tx, source: str) -> NotFoundError:
    """The error for ``--source SOURCE`` when no lead has it, listing the known ones."""
    from funnelcli.store.reports import sources  # the reports' SQL: only on this error path

    known = sources.known(conn)
    return NotFoundError(
        _("no lead has the source {source!r}: expected one of {value}").format(
            source=source, value=", ".join([*known, NO_SOURCE]) if known else NO_SOURCE
        ),
    )
