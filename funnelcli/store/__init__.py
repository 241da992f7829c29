"""The store: the one place that opens the database file.

``open_db()`` checks that the file is a funnel database (or empty), creates it readable by its
owner only, sets WAL, ``foreign_keys=ON``, ``synchronous=FULL`` and the busy timeout on every
connection, and applies pending migrations under ``BEGIN IMMEDIATE``.

Reads use the plain ``sqlite3`` connection: opening an up-to-date database does not import
sqlite-utils (≈200 ms of start-up). sqlite-utils is loaded only when a database must be migrated
(``Migrations``) or when a caller asks for ``Store.db``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from funnelcli.errors import (
    DatabaseLocked,
    FunnelError,
    InputFileError,
    NotAFunnelDatabase,
    PermissionDenied,
    StorageError,
    UsageError,
)
from funnelcli.store.migrations import SCHEMA_VERSION
from funnelcli.text import fold

if TYPE_CHECKING:  # pragma: no cover
    from sqlite_utils import Database

#: ``PRAGMA application_id`` of every funnel database: "FNL1".
APPLICATION_ID = 0x464E4C31
SQLITE_MAGIC = b"SQLite format 3\x00"


class Store:
    """An open funnel database: a ``sqlite3`` connection in autocommit mode plus transactions."""

    def __init__(self, conn: sqlite3.Connection, path: Path, busy_timeout: float) -> None:
        self.conn = conn
        self.path = path
        self.busy_timeout = busy_timeout
        self.created = False  # open_db made the file: the CLI says so once

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken for writing up front (``BEGIN IMMEDIATE``).

        A deferred transaction that upgrades to a write gets SQLITE_BUSY at once, whatever the
        busy timeout; ``IMMEDIATE`` waits for the lock instead. Any exception rolls back.
        """
        with self.translate_errors():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
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

    def close(self) -> None:
        self.conn.close()


#: SQLite's primary result codes (the low byte of an extended code) that a user can cause.
_BUSY, _LOCKED, _PERM, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    5,
    6,
    3,
    8,
    10,
    11,
    13,
    14,
    26,
)


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF
    text = str(exc).lower()  # errors raised by the sqlite3 module itself carry no code
    for needle, primary in (
        ("locked", _BUSY),
        ("busy", _BUSY),
        ("readonly", _READONLY),
        ("read-only", _READONLY),
        ("full", _FULL),
        ("disk i/o", _IOERR),
        ("malformed", _CORRUPT),
        ("not a database", _NOTADB),
        ("unable to open", _CANTOPEN),
    ):
        if needle in text:
            return primary
    return None


def translate(exc: sqlite3.Error, path: Path, busy_timeout: float = 0) -> FunnelError:
    """Turn a sqlite3 error into the FunnelError (and exit code) the user should see."""
    code = _primary_code(exc)
    if code in (_BUSY, _LOCKED):
        return DatabaseLocked(
            f"the database {path} is locked by another funnel command "
            f"(waited {busy_timeout:g} s): try again",
            hint="raise the wait with FUNNEL_BUSY_TIMEOUT=<seconds>",
        )
    if code in (_READONLY, _PERM):
        return PermissionDenied(
            f"cannot write to {path}: the database is read-only",
            hint="check the permissions of the file and of its folder",
        )
    if code == _FULL:
        return StorageError(f"I/O failure on {path}: {exc}", hint="free some disk space")
    if code == _IOERR:
        return StorageError(f"I/O failure on {path}: {exc}", hint="check the disk and the file")
    if code == _CORRUPT:
        return StorageError(
            f"the database file {path} is corrupt ({exc})",
            hint="restore a backup: funnel restore BACKUP.db",
        )
    if code == _NOTADB:
        return NotAFunnelDatabase(f"{path} is not a funnel database (not an SQLite file)")
    if code == _CANTOPEN:
        return PermissionDenied(
            f"cannot open {path}: {exc}", hint="check the permissions of the file and folder"
        )
    return StorageError(f"database error on {path}: {exc}")


def _fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


def _create_file(path: Path) -> None:
    """Create an empty database file readable and writable by its owner only (0600)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another process created it first: fine
    except PermissionError:
        raise PermissionDenied(
            f"cannot create the database {path}: permission denied",
            hint="choose a writable folder with --db or FUNNEL_DB",
        ) from None
    except FileNotFoundError:
        raise UsageError(
            f"cannot create the database {path}: the folder {path.parent} does not exist"
        ) from None
    except OSError as exc:
        raise StorageError(f"cannot create the database {path}: {exc.strerror}") from None
    os.close(fd)


def _check_header(path: Path) -> bool:
    """True when the file is empty (a new database); refuse anything that is not SQLite."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a database file") from None
    except PermissionError:
        raise PermissionDenied(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from None
    if not header:
        return True
    if header != SQLITE_MAGIC:
        raise NotAFunnelDatabase(
            f"{path} is not a funnel database (not an SQLite file); it was left untouched",
            hint="point --db or FUNNEL_DB at a funnel database, or at a new file name",
        )
    return False


def _identify(conn: sqlite3.Connection, path: Path) -> int:
    """The database's schema version; refuse foreign and newer databases. Reads only."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id == 0:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise NotAFunnelDatabase(
                f"{path} is an SQLite database but not a funnel database; it was left untouched",
                hint="point --db or FUNNEL_DB at a funnel database, or at a new file name",
            )
        return 0
    if app_id != APPLICATION_ID:
        raise NotAFunnelDatabase(
            f"{path} is not a funnel database (application id {app_id:#x}); it was left untouched"
        )
    if version > SCHEMA_VERSION:
        raise NotAFunnelDatabase(
            f"{path} was made by a newer version of funnel (schema {version}, this version "
            f"knows {SCHEMA_VERSION}); it was left untouched",
            hint="upgrade funnel: pip install --upgrade funnelcli",
        )
    return version


def _migrate(store: Store) -> None:
    """Apply pending steps in one IMMEDIATE transaction: all of them, or none.

    ``Migrations.apply`` wraps each step in ``db.atomic()``, which nests as a savepoint inside
    this transaction, so a step that fails halfway leaves the database at its old version.
    """
    from funnelcli.store import migrations

    with store.write() as conn:
        # Another process may have migrated while we waited for the lock.
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            migrations.build().apply(store.db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _uri(path: Path, mode: str) -> str:
    """A ``file:`` URI that funnel builds itself: ``--db`` is always a plain path.

    The user's string is never handed to SQLite as is: ``:memory:`` would be a database that
    vanishes at exit, and ``file:x.db?mode=rwc`` a URI that bypasses every check here.
    ``as_uri`` percent-encodes ``?``, ``#`` and ``%`` in file names.
    """
    return f"{Path(os.path.abspath(path)).as_uri()}?mode={mode}"


def _connect(path: Path, mode: str, timeout: float = 5.0) -> sqlite3.Connection:
    return sqlite3.connect(
        _uri(path, mode),
        uri=True,
        timeout=timeout,
        isolation_level=None,
        check_same_thread=False,
    )


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file: not even the checkpoint-on-close of a WAL."""
    return _connect(path, "ro")


#: SQLITE_READONLY_ROLLBACK: a hot journal that a read-only connection may not roll back.
_READONLY_ROLLBACK = 776


def _identify_copy(path: Path) -> int:
    """Identify a database whose hot rollback journal must be rolled back before it can be read.

    The rollback happens on a private copy of the file and its journal, so a foreign or newer
    database is still refused untouched; only a funnel database we may open is rolled back in
    place (by the read-write connection that follows).
    """
    from funnelcli.outfiles import scratch_copy

    with scratch_copy(path, ("-journal",)) as copy:
        conn = _connect(copy, "rw")
        try:
            return _identify(conn, path)
        finally:
            conn.close()


def inspect(path: Path) -> tuple[int, dict[str, str]]:
    """Schema version and settings of an existing database, read without changing it.

    Refuses (NotAFunnelDatabase) anything that is not a funnel database; ``(0, {})`` for an
    empty file.
    """
    path = Path(path)
    _check_regular(path)
    if _check_header(path):
        return 0, {}
    try:
        conn = _read_only(path)
        try:
            version = _identify(conn, path)
            has_settings = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'"
            ).fetchone()
            settings = dict(conn.execute("SELECT key, value FROM settings")) if has_settings else {}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) == _READONLY_ROLLBACK:
            return _identify_copy(path), {}
        raise translate(exc, path) from exc
    return version, settings


def _check_regular(path: Path) -> None:
    """A database is a regular file (or a symlink to one): not a device, a FIFO or a folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # reported by whoever opens it
    if stat.S_ISDIR(mode):
        raise UsageError(f"{path} is a folder, not a database file")
    if not stat.S_ISREG(mode):
        raise UsageError(
            f"{path} is not a regular file (a device or a pipe): it cannot hold a funnel database",
            hint="point --db or FUNNEL_DB at a file name",
        )


def _owner_only(path: Path) -> None:
    """Make a database funnel initialises, and its ``-wal``/``-shm``, readable by its owner only.

    A leftover ``-wal``/``-shm`` that its owner may not write (after a read-only episode) gets
    the owner's read and write bits back, or SQLite would refuse to open the database.
    """
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        try:
            info = os.stat(name)
            if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) != 0o600:
                os.chmod(name, 0o600)
        except OSError:
            continue  # missing, or not ours: SQLite reports what matters


def _fix_sidecars(path: Path) -> None:
    """Give a leftover ``-wal``/``-shm`` its owner's write bit when the database itself has it."""
    try:
        if not os.stat(path).st_mode & stat.S_IWUSR:
            return
    except OSError:
        return
    for name in (f"{path}-wal", f"{path}-shm"):
        try:
            info = os.stat(name)
            if info.st_uid == os.geteuid() and not info.st_mode & stat.S_IWUSR:
                os.chmod(name, stat.S_IMODE(info.st_mode) | stat.S_IRUSR | stat.S_IWUSR)
        except OSError:
            continue


def missing_database(path: Path) -> InputFileError:
    return InputFileError(
        f"the database {path} does not exist",
        hint="create it with `funnel init` (or `funnel add`), or check --db and FUNNEL_DB",
    )


def open_db(path: Path, *, busy_timeout: float = 10.0, create: bool = True) -> Store:
    """Open (creating and migrating when needed) the funnel database at ``path``.

    With ``create=False`` a missing file is refused (InputFileError): a command that only reads
    must never create an empty database, or a mistyped path would make a cron job report
    nothing. The file is identified on a read-only connection first: a foreign or newer
    database is refused before anything (a WAL checkpoint, a journal-mode switch) could change
    it.
    """
    path = Path(path)
    created = False
    if not os.path.lexists(path):
        if not create:
            raise missing_database(path)
        _create_file(path)
        created = True
    version, _ = inspect(path)
    if version == 0:
        _owner_only(path)  # a new (or empty, pre-made) database holds personal data
    _fix_sidecars(path)
    try:
        conn = _connect(path, "rw", busy_timeout)
    except sqlite3.Error as exc:
        raise translate(exc, path, busy_timeout) from exc
    store = Store(conn, path, busy_timeout)
    store.created = created
    conn.create_function("funnel_fold", 1, _fold, deterministic=True)
    try:
        with store.translate_errors():
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            version = _identify(conn, path)
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                _migrate(store)
    except BaseException:
        conn.close()
        raise
    return store


def quick_check(store: Store) -> None:
    """``PRAGMA quick_check``: a corrupt page SQLite can see is an I/O failure (74), said now."""
    with store.translate_errors():
        rows = [row[0] for row in store.conn.execute("PRAGMA quick_check(5)")]
    if rows != ["ok"]:
        raise StorageError(
            f"the database file {store.path} is corrupt: {'; '.join(rows)}",
            hint="restore a backup: funnel restore BACKUP.db",
        )


def ensure_parent(path: Path) -> None:
    """Create the folder of the default database location (owner-only) if missing."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except PermissionError:
        raise PermissionDenied(
            f"cannot create the folder {path.parent}: permission denied"
        ) from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageError(f"cannot create the folder {path.parent}: disk full") from None
        raise StorageError(f"cannot create the folder {path.parent}: {exc.strerror}") from None


def backup(store: Store, copy_path: Path, *, target: Path) -> int:
    """Copy the live database into ``copy_path`` (an empty file) with SQLite's backup API;
    return the number of leads in the copy.

    The copy is one consistent snapshot even while another process writes (the backup runs in
    a single step inside a read transaction), checked with ``PRAGMA integrity_check``. The
    caller writes ``copy_path`` beside ``target`` and renames it into place
    (:mod:`funnelcli.outfiles`); errors writing it name ``target``.
    """
    try:
        copy = _connect(copy_path, "rw")
        try:
            store.conn.backup(copy)
            # A backup is one self-contained file: reading it (restore, --db) then needs no
            # -wal/-shm beside it, and copying it by hand cannot leave half of it behind.
            copy.execute("PRAGMA journal_mode = DELETE")
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise StorageError(f"the backup failed its integrity check: {result}")
            return copy.execute("SELECT count(*) FROM leads").fetchone()[0]
        finally:
            copy.close()
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if "full" in text:
            raise StorageError(
                f"cannot write the backup {target}: disk full", hint="free some disk space"
            ) from exc
        if "disk i/o" in text:
            raise StorageError(f"cannot write the backup {target}: {exc}") from exc
        raise translate(exc, store.path, store.busy_timeout) from exc


def verify_backup(path: Path) -> int:
    """Check that ``path`` is a whole funnel database this version can open: its lead count.

    Refuses a foreign or newer file (78), an empty one (2) and one that fails
    ``PRAGMA integrity_check`` (74), reading it without changing it.
    """
    version, _ = inspect(path)
    if version == 0:
        raise UsageError(f"{path} is an empty database, not a funnel backup")
    try:
        conn = _read_only(path)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
            if result != ["ok"]:
                raise StorageError(
                    f"the backup {path} is corrupt: {'; '.join(result)}; nothing was restored"
                )
            return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if _primary_code(exc) == _CORRUPT:
            raise StorageError(
                f"the backup {path} is corrupt ({exc}); nothing was restored"
            ) from exc
        raise translate(exc, path) from exc


def restore(store: Store, source: Path) -> None:
    """Copy the database ``source`` over the live one with SQLite's backup API.

    The copy runs in one step, which holds the live database's write lock throughout: another
    process sees the old state or the new one. SQLite itself writes the pages through the live
    database's WAL, so no leftover ``-wal`` file can be replayed onto the restored data (the
    danger of restoring with ``cp``).
    """
    with store.translate_errors():
        conn = _read_only(source)
        try:
            conn.backup(store.conn)
        finally:
            conn.close()
        if store.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            store.conn.execute("PRAGMA journal_mode = WAL")
        if store.conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            _migrate(store)  # a backup made by an older version
