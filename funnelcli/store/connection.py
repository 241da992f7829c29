"""An open funnel database: one ``sqlite3`` connection in autocommit mode, and its transactions.

Reads use the plain ``sqlite3`` connection: opening an up-to-date database does not import
sqlite-utils (≈200 ms of start-up). sqlite-utils is loaded only when a database must be migrated
(``Migrations``) or when a caller asks for ``Store.db``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from funnelcli.store.sqlite_errors import translate

if TYPE_CHECKING:  # pragma: no cover
    from sqlite_utils import Database

#: An open transaction (``Store.read()`` / ``Store.write()``). Services hand it, unopened, to
#: the store's query functions: only ``funnelcli.store`` runs SQL on it.
Tx = sqlite3.Connection


class Store:
    """An open funnel database: a ``sqlite3`` connection in autocommit mode plus transactions."""

    def __init__(self, conn: sqlite3.Connection, path: Path, busy_timeout: float) -> None:
        self.conn = conn
        self.path = path
        self.busy_timeout = busy_timeout
        self.created = False  # open_db made the file: the CLI says so once
        #: The command line the journal records for each write (set by the CLI), or a function
        #: that words it: a command that only reads never pays for it.
        self.command: str | Callable[[], str] = "funnel"
        #: Writes are journaled once the schema has the journal (open_db says so).
        self.journaled = False

    @contextlib.contextmanager
    def write(self, *, journal: bool = True) -> Iterator[Tx]:
        """One write transaction, taken for writing up front (``BEGIN IMMEDIATE``).

        A deferred transaction that upgrades to a write gets SQLITE_BUSY at once, whatever the
        busy timeout; ``IMMEDIATE`` waits for the lock instead. Any exception rolls back.

        The transaction opens a journal entry (``store/journal.py``) that records every row it
        changes, so that no write command can forget to be undoable; ``journal=False`` only
        for the writes that edit the journal itself (prune, purge).
        """
        with self.translate_errors():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                entry = self._open_entry() if journal and self.journaled else None
                yield self.conn
                if entry is not None:
                    from funnelcli.store import journal as journal_store

                    journal_store.close_entry(self.conn, entry)
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _open_entry(self) -> int:
        from funnelcli import dates
        from funnelcli.store import journal as journal_store

        command = self.command if isinstance(self.command, str) else self.command()
        return journal_store.open_entry(self.conn, command, dates.to_storage(dates.now()))

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the database
        (``PRAGMA data_version``): a long reader can tell whether it read one state."""
        with self.translate_errors():
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        """A read snapshot: every query inside sees the same committed state; never waits."""
        with self.translate_errors():
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")

    @cached_property
    def db(self) -> Database:
        """A sqlite-utils ``Database`` on the same connection (imports sqlite-utils)."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

    @contextlib.contextmanager
    def translate_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise translate(exc, self.path, self.busy_timeout) from exc

    @contextlib.contextmanager
    def secure_delete(self) -> Iterator[None]:
        """Writes inside overwrite what they delete with zeros (for a purge)."""
        with self.translate_errors():
            self.conn.execute("PRAGMA secure_delete = ON")
        try:
            yield
        finally:
            with self.translate_errors():
                self.conn.execute("PRAGMA secure_delete = OFF")

    def checkpoint(self) -> None:
        """Fold the WAL into the database file and empty it."""
        with self.translate_errors():
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.conn.close()


def _uri(path: Path, mode: str) -> str:
    """A ``file:`` URI that funnel builds itself: ``--db`` is always a plain path.

    The user's string is never handed to SQLite as is: ``:memory:`` would be a database that
    vanishes at exit, and ``file:x.db?mode=rwc`` a URI that bypasses every check here.
    ``as_uri`` percent-encodes ``?``, ``#`` and ``%`` in file names.
    """
    return f"{Path(os.path.abspath(path)).as_uri()}?mode={mode}"


def connect(path: Path, mode: str, timeout: float = 5.0) -> sqlite3.Connection:
    return sqlite3.connect(
        _uri(path, mode),
        uri=True,
        timeout=timeout,
        isolation_level=None,
        check_same_thread=False,
    )


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file: not even the checkpoint-on-close of a WAL."""
    return connect(path, "ro")
