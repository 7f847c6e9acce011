"""The installed package's version, read from its metadata (one source: pyproject.toml)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """The installed reportbot version, or 'unknown' when run from a bare source tree."""
    try:
        return version("reportbot")
    except PackageNotFoundError:
        return "unknown"
