"""Reading an admin's CSV file: headers in English or Vietnamese, comma or semicolon, with the
physical line of every row so each problem can be reported as ``FILE:LINE: column: problem``."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reportbot.conversation.parsing import fold
from reportbot.coordination.people.import_texts import column_name, quoted, render
from reportbot.vocabulary.os_errors import os_reason

MAX_BYTES = 5 * 1024 * 1024
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # Windows-1258's combining tones
VOWELS = frozenset("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
NON_ASCII = bytes(range(0x80, 0x100))
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad row (or header) of an imported file: a message key and its parameters."""

    source: str
    line: int
    column: str
    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, source: str, line: int, column: str, key: str, **params: object) -> RowProblem:
        """A problem with the message `key` of import_texts, filled with `params`."""
        return cls(source, line, column, key, tuple(params.items()))

    def message(self, locale: str = "vi") -> str:
        """The problem alone, Vietnamese unless `locale` is 'en'."""
        # a parameter given in both languages ({'vi': ..., 'en': ...}) is shown in `locale`
        values = {
            name: (value.get(locale) or value["vi"])
            if isinstance(value, Mapping) and "vi" in value
            else value
            for name, value in self.params
        }
        return render(self.key, values, locale)

    def render(self, locale: str = "vi") -> str:
        """``FILE:LINE: column: problem`` in the admin's language."""
        column = column_name(self.column, locale)
        return f"{self.source}:{self.line}: {column}: {self.message(locale)}"

    def __str__(self) -> str:
        return self.render("vi")


@dataclass(slots=True)
class CsvTable:
    """The rows of a CSV file as {column: text}, each with its first physical line."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def header_key(text: str) -> str:
    """A header as a key: no diacritics, lower case, words joined by underscores."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def read_csv(path: Path, columns: Mapping[str, tuple[str, ...]], required: set[str]) -> CsvTable:
    """Read a CSV file whose header names `columns` (canonical name -> accepted spellings).

    Unknown columns are ignored; a missing required column, an unreadable file or a file that
    is not UTF-8 is reported as a problem on line 1. Blank lines are skipped.
    """
    source = str(path)
    table = CsvTable()
    text = _read_text(path, table)
    if text is None:
        return table
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        table.problems.append(RowProblem.of(source, 1, "file", "empty"))
        return table
    positions = _column_positions(header, columns)
    missing = [name for name in columns if name in required and name not in positions]
    if missing and "?" in first_line:  # Excel wrote '?' for the header's Vietnamese letters
        shown = quoted(first_line.strip())
        table.problems.append(RowProblem.of(source, 1, "file", "lost_letters", value=shown))
        return table
    table.problems.extend(_missing_column(source, name, columns) for name in missing)
    if missing:
        return table
    previous_end = reader.line_num
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        values = {
            name: record[index].strip() if index < len(record) else ""
            for name, index in positions.items()
        }
        table.rows.append((start, values))
    return table


def _read_text(path: Path, table: CsvTable) -> str | None:
    """The file as text, or None with the reason added to `table.problems`."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        table.problems.append(
            RowProblem.of(source, 1, "file", "cannot_read", reason=os_reason(exc))
        )
        return None
    if len(raw) > MAX_BYTES:
        table.problems.append(RowProblem.of(source, 1, "file", "too_big"))
        return None
    try:
        return decode_excel_text(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        table.problems.append(RowProblem.of(source, line, "file", "not_utf8"))
        return None


def decode_excel_text(raw: bytes) -> str:
    """A file as Excel saves it on a Vietnamese office PC, as text (NFC).

    "CSV UTF-8" (with or without its BOM); "Unicode Text" (UTF-16 with a BOM, tab-separated);
    or "CSV (Comma delimited)" of Excel 2010/2013, which have no UTF-8 choice and write the
    ANSI code page: Windows-1258 on a Vietnamese Windows, tones as combining marks, hence the
    NFC. Raises UnicodeDecodeError (at the first byte none of them reads) for anything else.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as not_utf8:
        if _mostly_utf8(raw):
            raise  # damaged UTF-8: as Windows-1258 "Nguyễn" would read "Nguyá»…n", unseen
        try:
            text = raw.decode("cp1258")
            # An English Windows writes 1252, whose ò, ì, ã... are 1258's tones and ă: a
            # tone after anything but a vowel says so (its lost letters are '?', refused).
            return (
                unicodedata.normalize("NFC", text)
                if _tones_on_vowels(text)
                else (raw.decode("cp1252"))
            )
        except UnicodeDecodeError:
            raise not_utf8 from None


def _mostly_utf8(raw: bytes) -> bool:
    """Whether `raw` is UTF-8 with a few bad bytes: its BOM, or most of its non-ASCII bytes in
    well-formed UTF-8 sequences. Windows-1258 text almost never forms them: its letters
    (0xC0-0xFF) are followed by ASCII or by other letters and tones, not by 0x80-0xBF."""
    if raw.startswith(codecs.BOM_UTF8):
        return True
    well_formed = sum(len(match) for match in UTF8_SEQUENCE.findall(raw))
    non_ascii = len(raw) - len(raw.translate(None, NON_ASCII))
    return well_formed >= 4 and well_formed * 2 >= non_ascii


def _tones_on_vowels(text: str) -> bool:
    """Whether every Windows-1258 tone mark in `text` follows a Vietnamese vowel."""
    return all(
        index > 0 and text[index - 1] in VOWELS
        for index, char in enumerate(text)
        if char in TONE_MARKS
    )


def _column_positions(header: list[str], columns: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Canonical column name -> index in the header (the first spelling found wins)."""
    aliases = {spelling: name for name, spellings in columns.items() for spelling in spellings}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        name = aliases.get(header_key(title))
        if name is not None and name not in positions:
            positions[name] = index
    return positions


def _missing_column(source: str, name: str, columns: Mapping[str, tuple[str, ...]]) -> RowProblem:
    """A required column the header lacks, listing the columns the file may have."""
    expected = {
        "vi": ", ".join(column_name(column, "vi") for column in columns),
        "en": ", ".join(columns),
    }
    return RowProblem.of(source, 1, name, "missing_column", expected=expected)
