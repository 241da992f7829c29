"""``funnel demo``: a realistic, deterministic demo database (never the user's real one).

The data comes from :mod:`.demo_simulation` (a demo and a meeting really do raise the odds of
winning, so ``report paths`` shows a signal). Same seed and same "now" give the same database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from funnelcli import dates, outfiles
from funnelcli.errors import FunnelError, UsageError
from funnelcli.i18n import _, thousands
from funnelcli.services.demo_data import world
from funnelcli.services.demo_simulation import Generator
from funnelcli.services.followups import overdue_count
from funnelcli.services.stages import load
from funnelcli.store import demo as q
from funnelcli.store import inspect, open_db

DEFAULT_PATH = Path("funnel-demo.db")
MAX_LEADS = 1_000_000


@dataclass
class Summary:
    path: Path
    leads: int = 0
    won: int = 0
    lost: int = 0
    open: int = 0
    activities: int = 0
    follow_ups: int = 0
    overdue: int = 0
    planted: dict[str, int] = field(default_factory=dict)


def _retire(path: Path) -> None:
    """Fold an earlier demo's WAL into its file and remove it, so that no stale ``-wal``
    beside ``path`` can be replayed onto the new demo once it is renamed into place."""
    if Path(f"{path}-wal").exists():
        store = open_db(path, create=False)
        try:
            store.checkpoint()
        finally:
            store.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _check_target(path: Path) -> None:
    """Refuse to replace anything but an earlier demo database (reading it changes nothing)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise UsageError(
            _("{path} is a folder: give the demo database a file name").format(path=path)
        )
    try:
        __, settings = inspect(path)
    except FunnelError:
        raise UsageError(
            _("{path} exists and is not a funnel demo database: refusing to overwrite it").format(
                path=path
            ),
            hint=_("choose another file: funnel demo --db other-demo.db"),
        ) from None
    if settings.get("demo") != "true":
        raise UsageError(
            _("{path} is a real funnel database, not a demo: refusing to overwrite it").format(
                path=path
            ),
            hint=_("choose another file: funnel demo --db other-demo.db"),
        )


def build(
    path: Path = DEFAULT_PATH,
    *,
    leads: int = 2000,
    seed: int = 42,
    months: int = 12,
    live_db: Path | None = None,
) -> Summary:
    """Create (or re-create) the demo database at ``path`` and fill it."""
    if not 1 <= leads <= MAX_LEADS:
        raise UsageError(
            _("invalid --leads {leads}: expected 1 to {MAX_LEADS}").format(
                leads=leads, MAX_LEADS=thousands(MAX_LEADS)
            )
        )
    if not 1 <= months <= 120:
        raise UsageError(_("invalid --months {months}: expected 1 to 120").format(months=months))
    path = Path(path)
    _check_target(path)
    # Built in a temporary file beside the target and renamed at the end: an interrupted demo
    # leaves the earlier one whole, and a killed one leaves a temporary file (already marked as
    # a demo) that the next run removes.
    output = outfiles.open_output(
        path, live_db=live_db, force=False, replace=True, streams=False, what="demo database"
    )
    assert isinstance(output, outfiles.AtomicFile)  # streams=False: always a file
    try:
        store = open_db(output.tmp)
        try:
            with store.write() as conn:
                q.mark_demo(conn)
            now = dates.now()
            with store.write() as conn:
                generator = Generator(load(conn), now, seed, months, world())
                generator.run(leads)
                q.insert_all(
                    conn,
                    leads=generator.leads,
                    stage_changes=generator.changes,
                    activities=generator.activities,
                    follow_ups=generator.follow_ups,
                )
            with store.read() as conn:
                # the dashboard's own count (a promise due earlier today is overdue too)
                overdue = overdue_count(conn, now)
        finally:
            store.close()  # the last connection: SQLite folds the WAL into the file
        _retire(output.path)
    except BaseException:
        output.discard()
        raise
    output.commit()
    counts = generator.summary_counts
    return Summary(
        path=path,
        leads=leads,
        won=counts["won"],
        lost=counts["lost"],
        open=counts["open"],
        activities=len(generator.activities),
        follow_ups=len(generator.follow_ups),
        overdue=overdue,
        planted=dict(generator.planted),
    )
