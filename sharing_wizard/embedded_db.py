"""An embedded PostgreSQL for development and tests, so a fresh clone needs no database server.

Used only when ``DATABASE_URL`` is unset. The server comes from the ``pgserver`` package
(PostgreSQL 16 binaries on PyPI); its data lives in ``.pgdata/`` at the top of the repository.
Every process that calls :func:`database_url` holds a handle on the server; when the last one
exits, the server stops.
"""

import atexit
import hashlib
import json
import os
import signal
import sys
import tempfile
import warnings
from pathlib import Path

# PostgreSQL listens on a Unix socket inside the data directory, and a socket path may not be
# longer than 107 bytes: a checkout in a deep folder keeps its data under the temp folder instead.
MAX_DATA_DIR_LENGTH = 80


def default_data_dir(repo_dir: Path) -> Path:
    data_dir = repo_dir / ".pgdata"
    if len(str(data_dir)) <= MAX_DATA_DIR_LENGTH:
        return data_dir
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"sharing-wizard-pgdata-{digest}"


DATA_DIR = Path(os.environ.get("EMBEDDED_PGDATA") or default_data_dir(Path(__file__).resolve().parent.parent))
DATABASE_NAME = "sharing_wizard"


def _prune_dead_handles(data_dir: Path) -> None:
    """Forget processes that died without letting go of the server.

    pgserver keeps the PIDs holding the server in ``.handle_pids.json`` and stops the server when
    the last one exits. A process killed with SIGKILL (runserver's autoreloader does that to its
    child) never removes itself, so the server would never stop and a later start could not tell.
    """
    pid_file = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(pid_file.read_text())
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if _is_alive(pid)]
    if alive != pids:
        pid_file.write_text(json.dumps(alive))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_cleanly_on_sigterm() -> None:
    """Let ``kill`` stop the server too: the default SIGTERM action skips atexit handlers."""
    try:
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    except ValueError:  # not the main thread: leave signals alone
        pass


def database_url() -> str:
    """Start (or attach to) the embedded server and return a URL for the project's database."""
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    DATA_DIR.mkdir(exist_ok=True)
    _prune_dead_handles(DATA_DIR)
    server = pgserver.get_server(DATA_DIR, cleanup_mode="stop")
    atexit.register(_prune_dead_handles, DATA_DIR)
    _exit_cleanly_on_sigterm()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 (a constant)
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)
