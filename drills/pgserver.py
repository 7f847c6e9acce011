"""A private PostgreSQL server for a drill: initdb + pg_ctl in a temp dir, never the shared one.

The drill may stop it (`pg_ctl stop -m immediate`) or freeze it (SIGSTOP to the postmaster and
its backends) without touching anybody else's database. As root (a container), the server runs
as the `postgres` user, since initdb refuses root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
from pathlib import Path

from drills.ports import free_port


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    raise FileNotFoundError(f"{name} not found on PATH nor in /usr/lib/postgresql/*/bin")


def _signal(pid: int, signum: int) -> None:
    """Signal one server process; a backend may exit between listing and signalling."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


class PrivatePostgres:
    """One throwaway cluster on 127.0.0.1:<port>, user postgres, trust authentication."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self._as_root = os.geteuid() == 0

    @property
    def url(self) -> str:
        """The database URL of the drill's database."""
        return f"postgres://postgres@127.0.0.1:{self.port}/drill"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        """initdb, start, create the database `drill`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._as_root:
            shutil.chown(self.folder, "postgres", "postgres")
            self.folder.parent.chmod(0o711)  # mkdtemp's 0700 would keep `postgres` out
        initdb = _tool("initdb")
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        port = str(self.port)
        self._run(_tool("createdb"), "-h", "127.0.0.1", "-p", port, "-U", "postgres", "drill")

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(
            _tool("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (`immediate`: like a crash of the database host)."""
        self._run(_tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def _pids(self) -> list[int]:
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return []
        postmaster = int(pid_file.read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """SIGSTOP the server and its backends: connections hang instead of failing."""
        for pid in self._pids():
            _signal(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT what `freeze` stopped."""
        for pid in self._pids():
            _signal(pid, signal.SIGCONT)

    def destroy(self) -> None:
        """Stop the server and delete its files."""
        self.thaw()
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
