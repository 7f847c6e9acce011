"""The `reportbot` command run as an IT officer runs it: its own process, no standard input."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def run_cli(
    args: Sequence[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`python -m reportbot.cli ARGS` with `env`, output captured, two minutes at most."""
    return subprocess.run(
        [sys.executable, "-m", "reportbot.cli", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
