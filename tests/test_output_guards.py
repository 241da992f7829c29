"""Every file funnel writes goes through ``funnelcli.outfiles``: never onto the live database or a
name SQLite owns, never a rename over a device, a pipe or a link, errors that name the file,
neutralised rejects, owner-only saved reports. Issue 12."""

from __future__ import annotations

import ast
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import funnel_process, rows

BAD = "Name,Email,Amount,Created\nAl,al@x.ca,10,2026-01-01\nBo,bo@,12,2026-01-02\nCy,cy@x.ca,-5,\n"
BAD_LINES = [
    "Name,Email,Amount,Created,line,reason",
    "Bo,bo@,12,2026-01-02,3,Email: invalid email: expected an address like name@example.com",
]


def write(folder: Path, text: str, name: str = "in.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.fixture
def live(funnel, tmp_path, monkeypatch):
    """A live database ``x/live.db`` with one lead, and the working folder ``x``."""
    folder = tmp_path / "x"
    folder.mkdir()
    monkeypatch.chdir(folder)
    db = folder / "live.db"
    funnel("--db", db, "add", "Marie")
    return db


# --------------------------------------------------------------------------- 1. the live database

#: Each command that writes a file, given the live database and the target.
WRITERS = {
    "import --rejects": lambda db, t: ["--db", db, "import", "../in.csv", "--rejects", t],
    "export --output": lambda db, t: ["--db", db, "export", "--output", t, "--force"],
    "report --save": lambda db, t: ["--db", db, "report", "--save", t, "--force"],
    "backup": lambda db, t: ["--db", db, "backup", t, "--force"],
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("spelling", ["NAME", "./../x/NAME", "ABSOLUTE", "symlink", "hard link"])
def test_no_output_replaces_the_live_database(funnel, tmp_path, monkeypatch, writer, spelling):
    folder = tmp_path / "x"
    folder.mkdir()
    monkeypatch.chdir(folder)
    name = "live.svg" if writer == "report --save" else "live.db"  # --save wants .svg/.html
    db = folder / name
    funnel("--db", db, "add", "Marie")
    write(tmp_path, BAD)
    target = {"NAME": name, "./../x/NAME": f"./../x/{name}", "ABSOLUTE": str(db)}.get(spelling)
    if spelling == "symlink":
        target = "alias" + db.suffix
        os.symlink(name, target)
    elif spelling == "hard link":
        target = "hard" + db.suffix
        os.link(name, target)
    before, files = db.read_bytes(), listing(folder)
    result = funnel(*WRITERS[writer](db, target), code=2)
    assert result.stderr.endswith(
        f"Error: {Path(target)} is the live database itself: choose another file\n"
    )
    assert db.read_bytes() == before
    assert listing(folder) == files
    assert rows(db, "SELECT name FROM leads") == [{"name": "Marie"}]


@pytest.mark.parametrize("writer", ["import --rejects", "export --output", "backup"])
@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_no_output_takes_a_name_sqlite_owns(funnel, live, writer, suffix):
    """A backup written to bk.db-wal vanishes when SQLite next closes bk.db: refused, whether
    there is a bk.db or not (it may appear later). (--save names end in .svg or .html.)"""
    target = "bk.db" + suffix
    what = {"import --rejects": "rejects file", "export --output": "export file"}.get(
        writer, "backup"
    )
    result = funnel(*WRITERS[writer](live, target), code=2)
    assert result.stderr.endswith(
        f"Error: cannot write the {what} {target}: a name ending in -wal, -shm or -journal "
        "belongs to an SQLite database, which would delete or overwrite it\n"
        "Hint: choose another file name\n"
    )
    assert not Path(target).exists()


def test_a_hard_link_to_the_live_write_ahead_log_is_refused(funnel, live):
    import sqlite3

    reader = sqlite3.connect(live)  # keeps live.db-wal in place
    try:
        reader.execute("SELECT count(*) FROM leads").fetchone()
        os.link("live.db-wal", "notes.csv")
        result = funnel("--db", live, "export", "--output", "notes.csv", "--force", code=2)
        assert result.stderr == (
            f"Error: notes.csv is the -wal file of the live database {live}: choose another file\n"
        )
    finally:
        reader.close()


# --------------------------------------------------------------------------- 2. special files


def _device(folder: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (1, 3) or /dev/full (1, 7), inside the test's folder."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    path = folder / name
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    try:
        os.close(os.open(path, os.O_WRONLY))
    except OSError:
        pytest.skip("this file system does not allow device nodes")
    return path


def test_a_device_is_written_in_place_never_renamed_over(funnel, db_path, tmp_path):
    null = _device(tmp_path, "null", 3)
    funnel("import", write(tmp_path, BAD), "--rejects", null)
    funnel("export", "--output", null)  # no --force needed: nothing is replaced
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert os.lstat(null).st_rdev == os.makedev(1, 3)
    assert [n for n in os.listdir(tmp_path) if n.endswith(".tmp")] == []
    assert rows(db_path, "SELECT name FROM leads") == [{"name": "Al"}]


def test_a_full_device_exits_74_naming_it_and_imports_nothing(funnel, db_path, tmp_path):
    full = _device(tmp_path, "full", 7)
    funnel("add", "Marie")
    result = funnel("import", write(tmp_path, BAD), "--rejects", full, code=74)
    assert result.stderr.endswith(
        f"Error: cannot write the rejects file {full}: disk full\nHint: free some disk space\n"
    )
    assert rows(db_path, "SELECT name FROM leads") == [{"name": "Marie"}]  # rolled back
    result = funnel("export", "--output", full, code=74)
    assert result.stderr == (
        f"Error: cannot write the export file {full}: disk full\nHint: free some disk space\n"
    )
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_a_named_pipe_is_streamed_to_its_reader(funnel, tmp_path):
    funnel("add", "Marie")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    # The reader is there before the writer: the export (well under the pipe's 64 KiB) never waits.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        funnel("export", "--output", fifo)
        data = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert data.decode() == funnel("export").stdout
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symbolic_link_is_refused_or_its_target_written_never_replaced(funnel, tmp_path):
    funnel("add", "Marie")
    real = write(tmp_path, "precious\n", "real.csv")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = funnel("export", "--output", link, code=2)
    assert result.stderr == (
        f"Error: {link} is a symbolic link to {real}: it was left untouched\n"
        f"Hint: add --force to write to {real} (the link stays as it is)\n"
    )
    result = funnel("import", write(tmp_path, BAD), "--rejects", link, code=2)
    assert result.stderr.endswith(
        f"Error: {link} is a symbolic link to {real}: it was left untouched\n"
        f"Hint: give the path of the file itself: {real}\n"
    )
    assert real.read_text() == "precious\n"
    funnel("export", "--output", link, "--force")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == funnel("export").stdout
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_rejects_to_standard_output(funnel, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = funnel("import", write(tmp_path, BAD), "--rejects", "-")
    assert result.stdout.splitlines()[:2] == BAD_LINES
    assert result.stdout.splitlines()[-1] == (
        "leads: 1 inserted, 0 updated, 0 unchanged, 2 rejected, 0 duplicates in file"
    )
    assert not (tmp_path / "-").exists()


# --------------------------------------------------------------------------- 14. neutralised


def test_the_rejects_file_is_neutralised_like_an_export(funnel, db_path, tmp_path):
    rejects = tmp_path / "rejects.csv"
    source = write(
        tmp_path,
        "Name,Email,Phone\n\"=cmd|' /C calc'!A0\",bad@,@SUM(1)\n+Plus,ok@x.ca,-1\nFine,also@,\n",
    )
    funnel("import", source, "--rejects", rejects)
    assert rejects.read_text().splitlines() == [
        "Name,Email,Phone,line,reason",
        "'=cmd|' /C calc'!A0,bad@,'@SUM(1),2,"
        "Email: invalid email: expected an address like name@example.com",
        "Fine,also@,,4,Email: invalid email: expected an address like name@example.com",
    ]
    # fixed in a spreadsheet and imported as is: the values come back without the apostrophe
    rejects.write_text(rejects.read_text().replace("bad@", "fixed@x.ca"))
    funnel("import", rejects, "--rejects", tmp_path / "again.csv")
    assert rows(db_path, "SELECT name, phone FROM leads WHERE email = 'fixed@x.ca'") == [
        {"name": "=cmd|' /C calc'!A0", "phone": "@SUM(1)"}
    ]


def test_import_excel_writes_the_rejects_file_for_excel(funnel, tmp_path):
    rejects = tmp_path / "rejects.csv"
    funnel("import", write(tmp_path, BAD), "--rejects", rejects, "--excel")
    data = rejects.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[:2] == [
        line.replace(",", ";") for line in BAD_LINES
    ]
    result = funnel("import", write(tmp_path, BAD), "--excel", code=2)
    assert result.stderr == "Error: --excel shapes the --rejects file: give --rejects FILE too\n"


# --------------------------------------------------------------------------- 15. report --save


def test_saved_reports_are_owner_only_and_replaced_only_with_force(funnel, tmp_path):
    funnel("add", "Marie")
    svg = tmp_path / "dashboard.svg"
    old = os.umask(0o022)
    try:
        funnel("report", "--save", svg)
        assert stat.S_IMODE(svg.stat().st_mode) == 0o600
        svg.write_text("keep me")
        result = funnel("report", "--save", svg, code=2)
        assert result.stdout == ""  # refused before the report is drawn
        assert result.stderr == (
            f"Error: {svg} already exists: it was left untouched\nHint: add --force to replace it\n"
        )
        assert svg.read_text() == "keep me"
        funnel("report", "--save", svg, "--force")
    finally:
        os.umask(old)
    assert svg.read_text().startswith("<svg")
    assert stat.S_IMODE(svg.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- full disk


def test_a_backup_on_a_full_disk_names_the_backup(tmp_path):
    """A real process whose files cannot grow past 256 KiB (RLIMIT_FSIZE: the write fails
    like on a full disk): the error names the backup, not the live database."""
    db = tmp_path / "live.db"
    many = "".join(f"P{i},p{i}@x.ca,{'x' * 100}\n" for i in range(3000))
    source = write(tmp_path, "Name,Email,Notes\n" + many)
    env = {"FUNNEL_DB": str(db), "PYTHONDONTWRITEBYTECODE": "1"}
    assert funnel_process("import", str(source), env=env).returncode == 0
    assert db.stat().st_size > 512 * 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    target = tmp_path / "bk.db"
    result = subprocess.run(
        [sys.executable, "-m", "funnelcli", "backup", str(target)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=small_files,
    )
    assert result.returncode == 74, result.stderr
    assert result.stderr.startswith(f"Error: cannot write the backup {target}: ")
    assert listing(tmp_path) == ["in.csv", "live.db"]


# --------------------------------------------------------------------------- one way to write


def test_only_outfiles_puts_files_in_place():
    """The next output option cannot forget a guard: renaming, linking and whole-file writes
    live in funnelcli/outfiles.py alone."""
    package = Path(__file__).resolve().parent.parent / "funnelcli"
    forbidden = {"replace", "rename", "renames", "link", "move", "copy", "copy2", "copyfile"}
    found = []
    for path in package.rglob("*.py"):
        if path.name == "outfiles.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Attribute):
                continue
            owner = node.value
            module = isinstance(owner, ast.Name) and owner.id in ("os", "shutil")
            if node.attr in ("write_text", "write_bytes") or (module and node.attr in forbidden):
                found.append(f"{path.relative_to(package)}:{node.lineno} {node.attr}")
    assert found == []
