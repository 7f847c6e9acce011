"""ODK Web Forms' own engine (@getodk/xforms-engine on npm), run by Node, as a test oracle.

The package is pinned in tests/oracles/odk/package.json and package-lock.json and installed
with `npm ci` into a cache folder keyed by those files (REPORTBOT_ODK_CACHE, else
~/.cache/reportbot/odk-oracle), never into the repository. Nothing is skipped: without node
or npm, or with the registry unreachable, `engine_folder` raises and the tests fail loudly.

One Node process (tests/oracles/odk/run.mjs) serves a whole test module: it reads one JSON
request per line and answers one JSON line (see run.mjs for the format).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).parent / "oracles" / "odk"
_PINNED = ("package.json", "package-lock.json")
_NODE_MAJOR = 20  # @getodk/xforms-engine 0.22.0 declares node ^20.19.3 || ^22.12.0 || ^24.11.0


def _cache_root() -> Path:
    configured = os.environ.get("REPORTBOT_ODK_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "reportbot" / "odk-oracle"


def engine_folder() -> Path:
    """The folder holding run.mjs and the pinned node_modules, installed once per pin (a
    file lock keeps parallel test workers from installing twice). Raises RuntimeError when
    node or npm is missing or `npm ci` fails."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"ODK oracle: `{tool}` is missing (apt-get install nodejs npm)")
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    major = version.stdout.strip().lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < _NODE_MAJOR:
        raise RuntimeError(f"ODK oracle: node {version.stdout.strip()} is older than 20")
    digest = hashlib.sha256(b"".join((SOURCE / name).read_bytes() for name in _PINNED))
    folder = _cache_root() / digest.hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "node_modules" / ".installed").exists():
            for name in _PINNED:
                shutil.copyfile(SOURCE / name, folder / name)
            done = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"ODK oracle: npm ci failed in {folder}:\n{done.stderr}")
            (folder / "node_modules" / ".installed").touch()
        # run.mjs beside node_modules, so that Node resolves the pinned packages from it
        script = (SOURCE / "run.mjs").read_bytes()
        if not (folder / "run.mjs").exists() or (folder / "run.mjs").read_bytes() != script:
            (folder / "run.mjs").write_bytes(script)
    return folder


def xform_of(workbook: Path) -> str:
    """The XForm XML pyxform writes for an XLSForm workbook (what ODK tools load)."""
    from pyxform.xls2xform import convert

    return convert(xlsform=str(workbook)).xform


class OdkEngine:
    """A long-lived Node process running ODK's engine; `run` sends one form and its steps."""

    def __init__(self) -> None:
        folder = engine_folder()
        self._process = subprocess.Popen(
            ["node", str(folder / "run.mjs")],
            cwd=folder,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            env={**os.environ, "TZ": "UTC"},  # today() is the same day on both sides
        )

    def run(self, xform: str, steps: list[list[tuple[str, str]]]) -> list[dict[str, Any]]:
        """The state of every leaf node (by ODK reference) before any answer, then after each
        step. Raises RuntimeError with ODK's message when the engine refuses the form."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"xform": xform, "steps": steps}) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("ODK oracle: the node process ended")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"ODK engine: {reply['error']}")
        return list(reply["steps"])

    def close(self) -> None:
        """End the Node process (it ends on its own when stdin closes)."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


if __name__ == "__main__":  # `make test` installs the engine before the tests, loudly
    print(f"ODK oracle ready in {engine_folder()}")
