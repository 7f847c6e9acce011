"""Where the CPU of a benchmark run went (Linux /proc): our processes, PostgreSQL, the machine.

The figures are CPU seconds read before and after a stream; a process that ended in between
(a worker killed by the chaos) is missing from the "after" side, so its share is not counted.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far, 0 when unknown (or gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """User + system CPU time of this process (the driver and the fake Bot API)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def backends_of(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving `database` on this machine, by pid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and f" {database} " in title:
            found[int(entry.name)] = cpu_seconds(int(entry.name))
    return found


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all the machine's cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass
class Snapshot:
    """CPU counters at one moment of a run."""

    driver: float
    postgres: dict[int, float]
    busy: int
    total: int

    @classmethod
    def take(cls, database: str) -> Snapshot:
        """Read every counter now."""
        busy, total = machine_ticks()
        return cls(own_cpu_seconds(), backends_of(database), busy, total)


def spent(before: Snapshot, after: Snapshot) -> dict[str, float]:
    """Driver and PostgreSQL CPU seconds between two snapshots, and the machine's busy share
    (0..1 of all cores, every process on the machine included, other users' too)."""
    postgres = sum(after.postgres[pid] - before.postgres.get(pid, 0.0) for pid in after.postgres)
    ticks = after.total - before.total
    return {
        "driver": after.driver - before.driver,
        "postgres": postgres,
        "busy": (after.busy - before.busy) / ticks if ticks else 0.0,
    }
