"""Another commit's tree for a benchmark's baseline, measured in the same invocation.

`export(ref, into)` writes the tree at git commit `ref` (``git archive``) into a folder with
the calling benchmark script copied over it, so both trees run the same measurement code;
`run_json` runs that script in a fresh process and reads the JSON line it prints last.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def export(ref: str, into: Path, script: Path) -> Path:
    """The tree at `ref` extracted under `into`, with `script` (a benchmark) copied in."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    for helper in (script, Path(__file__)):
        copy = into / "benchmarks" / helper.name
        copy.write_text(helper.read_text(encoding="utf-8"), encoding="utf-8")
    return into


def run_json(tree: Path, script: str, args: list[str]) -> Any:
    """Run `benchmarks/<script>` of `tree` with `args` in a fresh process: its last line, JSON."""
    out = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / script), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])
