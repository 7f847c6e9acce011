"""Render office files (.xlsx, .docx) the way a person would print them: LibreOffice → PDF → PNG.

LibreOffice headless converts with its own throwaway profile per call (two conversions at once
with one shared profile block each other), poppler's pdfinfo/pdftotext/pdftoppm read the PDF.
Tests that need these skip with the install command when the tools are missing on a
developer's machine; on CI (`CI` set) they fail, since scripts/ensure-system-packages.sh
installs them there, as PostgreSQL is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CONVERT_TIMEOUT_S = 240  # a cold LibreOffice start on a loaded 2-core machine takes ~20-60 s
TOOLS = ("soffice", "pdfinfo", "pdftotext", "pdftoppm")


def system_tool_missing(message: str) -> None:
    """Skip the calling test on a developer's machine; fail it in CI, where the setup installs
    every system package the tests need (a silent skip there would hide a broken setup)."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_tools(tools: tuple[str, ...] = TOOLS) -> None:
    """Stop the calling test, naming the packages, when LibreOffice or poppler is missing."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        system_tool_missing(
            f"missing {', '.join(missing)}: run scripts/ensure-system-packages.sh "
            "(libreoffice-calc-nogui, libreoffice-writer-nogui, poppler-utils)"
        )


def to_pdf(source: Path, out_dir: Path) -> Path:
    """Convert an .xlsx/.docx to PDF with LibreOffice headless; return the PDF's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        command = [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S, check=False
        )
    pdf = out_dir / f"{source.stem}.pdf"
    if done.returncode != 0 or not pdf.exists():
        raise AssertionError(f"LibreOffice could not convert {source.name}: {done.stderr[-500:]}")
    return pdf


def page_count(pdf: Path) -> int:
    """The number of pages of a PDF (pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError(f"pdfinfo gave no page count for {pdf}")


def page_text(pdf: Path, page: int) -> str:
    """The text of one page (1-based), in reading layout (pdftotext -layout)."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def page_png(pdf: Path, page: int, out_dir: Path, dpi: int = 80) -> Path:
    """Render one page (1-based) to a PNG a person (or the file viewer) can look at."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / f"{pdf.stem}-p{page}"
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), *pages, "-singlefile", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    return prefix.with_suffix(".png")
