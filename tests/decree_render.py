"""Render office files the way an office sees them: LibreOffice headless to PDF, poppler to text
and PNG. Used by the Decree 30 document and report workbook tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.office_render import require_tools

# A cold LibreOffice start on a loaded 2-core machine takes tens of seconds; this bounds a hang,
# it is not a speed requirement.
CONVERT_DEADLINE_S = 240


def need_tools() -> None:
    """Skip on a developer machine without LibreOffice/poppler; fail in CI."""
    require_tools(("soffice", "pdftotext", "pdftoppm"))


def to_pdf(source: Path, workdir: Path) -> Path:
    """Convert an office file to PDF with LibreOffice headless (its own profile directory, so
    parallel runs and a user's open LibreOffice do not collide)."""
    need_tools()
    profile = workdir / "lo-profile"
    outdir = workdir / "pdf"
    outdir.mkdir(exist_ok=True)
    command = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        str(source),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=CONVERT_DEADLINE_S, check=False
    )
    pdf = outdir / (source.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice made no PDF: {result.stdout} {result.stderr}"
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed (pdftotext -layout)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def first_page_png(pdf: Path, target: Path, *, dpi: int = 80) -> Path:
    """Page 1 as a PNG at `target`."""
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), stem],
        check=True,
        capture_output=True,
    )
    return stem.with_suffix(".png")
