"""A real PostgreSQL primary and a streaming replica of it, made by the test in a temporary folder.

The binaries come from the machine's PostgreSQL (``/usr/lib/postgresql/<version>/bin``) or, failing
that, from the ``pgserver`` package the project depends on. PostgreSQL refuses to run as root: as
root (here and in CI) the servers run as an ordinary system user, as pgserver does.
"""

import contextlib
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

NEEDED = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
RUN_AS = ("postgres", "pgserver", "sharing-wizard-pg")  # the first that exists; else the last is made


def bin_dir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True)
    with contextlib.suppress(ImportError):
        from pgserver._commands import POSTGRES_BIN_PATH

        candidates.append(Path(POSTGRES_BIN_PATH))
    for candidate in candidates:
        if all((candidate / name).is_file() for name in NEEDED):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def system_user() -> pwd.struct_passwd | None:
    """Who runs the servers: nobody else when not root."""
    if os.geteuid() != 0:
        return None
    for name in RUN_AS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    subprocess.run(["useradd", "--system", "--no-create-home", RUN_AS[-1]], check=True, capture_output=True)
    return pwd.getpwnam(RUN_AS[-1])


@dataclass
class Server:
    data: Path
    port: int

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, database: str = "postgres"):
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchone() if cursor.description else None


class Cluster:
    """A primary and a hot standby streaming from it (``pg_basebackup -R``)."""

    def __init__(self, bins: Path):
        self.bins = bins
        self.user = system_user()
        self.root = Path(tempfile.mkdtemp(prefix="replica-test-"))
        self.root.chmod(0o755)
        self.primary = Server(self.root / "primary", free_port())
        self.standby = Server(self.root / "standby", free_port())
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
            if not str(bins).startswith("/usr/"):  # pgserver's, inside the virtualenv: let them in
                from pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions

                ensure_prefix_permissions(bins)
                ensure_folder_permissions(bins, stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH)
                ensure_folder_permissions(bins.parent / "lib", stat.S_IRGRP | stat.S_IROTH)

    def run(self, name: str, *args: str) -> None:
        kwargs = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        result = subprocess.run(
            [str(self.bins / name), *args], capture_output=True, text=True, cwd=self.root, **kwargs
        )
        if result.returncode:
            raise RuntimeError(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def start_primary(self) -> None:
        self.run("initdb", "-D", str(self.primary.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        settings = [
            f"port = {self.primary.port}",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "wal_level = replica",
            "max_wal_senders = 4",
            "hot_standby = on",
            "shared_buffers = '32MB'",
            "fsync = off",  # a test's data need not survive a power cut
            "full_page_writes = off",
        ]
        with (self.primary.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")
        self.start(self.primary)

    def start_standby(self) -> None:
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
            "-D", str(self.standby.data), "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        with (self.standby.data / "postgresql.conf").open("a") as conf:
            # As docs/capacity.md advises: long snapshots (exports) neither hold up replay nor get
            # cancelled by it.
            conf.write(f"port = {self.standby.port}\nhot_standby_feedback = on\n")
        self.start(self.standby)

    def start(self, server: Server) -> None:
        log = self.root / f"{server.data.name}.log"
        self.run("pg_ctl", "-D", str(server.data), "-l", str(log), "-w", "-t", "60", "start")

    def stop(self, server: Server, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(server.data), "-m", mode, "-w", "stop")

    def wait_for(self, condition, what: str, timeout: float = 60) -> None:
        """Poll until ``condition()`` holds (a wait for replication, not a timed assertion)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout} s for {what}")
            time.sleep(0.05)

    def primary_lsn(self) -> str:
        return self.primary.query("SELECT pg_current_wal_lsn()::text")[0]

    def wait_replayed(self) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        target = self.primary_lsn()
        self.wait_for(
            lambda: self.standby.query(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0],
            "the standby to replay the primary's writes",
        )

    def wait_received(self) -> None:
        """Until the standby has received (not necessarily replayed) the primary's writes so far."""
        target = self.primary_lsn()
        self.wait_for(
            lambda: self.standby.query(f"SELECT pg_last_wal_receive_lsn() >= '{target}'::pg_lsn")[0],
            "the standby to receive the primary's writes",
        )

    def pause_replay(self) -> None:
        self.standby.query("SELECT pg_wal_replay_pause()")
        self.wait_for(
            lambda: self.standby.query("SELECT pg_get_wal_replay_pause_state()")[0] == "paused",
            "replay to pause",
        )

    def resume_replay(self) -> None:
        self.standby.query("SELECT pg_wal_replay_resume()")

    def close(self) -> None:
        for server in (self.standby, self.primary):
            if (server.data / "postmaster.pid").exists():
                with contextlib.suppress(RuntimeError):
                    self.stop(server, "immediate")
        shutil.rmtree(self.root, ignore_errors=True)
