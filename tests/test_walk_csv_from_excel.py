"""People and units lists as a Vietnamese IT officer's Excel saves them (walk, issue 17).

Excel 2010/2013, still on many commune PCs, has no "CSV UTF-8": its "CSV (Comma delimited)"
writes the Windows ANSI code page, Windows-1258 on a Vietnamese Windows (tone marks as
separate combining characters), with semicolons where the list separator is ';'; its
"Unicode Text" writes UTF-16 with a BOM and tabs. Before the fix both were refused with
"hãy lưu từ Excel dạng CSV UTF-8", a choice that Excel does not have. On an English Windows
the ANSI page (1252) has no Vietnamese letters and Excel writes '?' in their place:
"Nguy?n Th? Lan" was imported as the officer's name without a word.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from reportbot.coordination.people.people_import import import_people, import_units
from reportbot.store.models import Person, Unit
from reportbot.store.queries.organisations import add_organisation

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

UNITS = (
    "Mã;Tên;Loại;Đơn vị cấp trên;Xã\r\n"
    "ubnd-dp;UBND xã Đăk Pxi;Cơ quan;;xa-dak-pxi\r\n"
    "hpn-dp;Hội Liên hiệp Phụ nữ xã;Đoàn thể;ubnd-dp;Xã Đăk Pxi\r\n"
    ";;;;\r\n"
    ";;;;\r\n"
)
PEOPLE = (
    "Họ tên;Số điện thoại;Mã đơn vị;Vai trò;Xã\r\n"
    "Nguyễn Thị Lan;905000001;hpn-dp;cán bộ;\r\n"
    "Lê Văn Tỉnh;905000005;;chuyên viên;kontum\r\n"
    ";;;;\r\n"
)
# What the import must store, written out by hand (NFC, as typed on a phone).
NAMES = {"0905000001": "Nguyễn Thị Lan", "0905000005": "Lê Văn Tỉnh"}
UNIT_NAMES = {"ubnd-dp": "UBND xã Đăk Pxi", "hpn-dp": "Hội Liên hiệp Phụ nữ xã"}


def windows_1258(text: str) -> bytes:
    """Text as Windows-1258 stores Vietnamese: precomposed base letters (â, ê, ô, ơ, ư, ă,
    đ), the tone as a combining mark after them (the code page has no 'ễ')."""
    out = b""
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return out


async def _province() -> None:
    await add_organisation("kontum", "Tỉnh Kon Tum", "province")
    await add_organisation("xa-dak-pxi", "Xã Đăk Pxi", parent="kontum")


async def _stored() -> tuple[dict[str, str], dict[str, str]]:
    units = {u.code: u.name for u in await Unit.all()}
    people = {p.phone: p.name for p in await Person.all()}
    return units, people


async def test_windows_1258_csv_from_a_vietnamese_excel_is_read(db: str, tmp_path: Path) -> None:
    await _province()
    units = tmp_path / "don_vi.csv"
    units.write_bytes(windows_1258(UNITS))
    assert b"\xcc" in units.read_bytes() or b"\xd2" in units.read_bytes()  # a combining tone
    result = await import_units(units, now=NOW)
    assert result.ok and result.created == 2, [p.render() for p in result.problems]
    people = tmp_path / "can_bo.csv"
    people.write_bytes(windows_1258(PEOPLE))
    result = await import_people(people, now=NOW)
    assert result.ok and result.created == 2, [p.render() for p in result.problems]
    assert await _stored() == (UNIT_NAMES, NAMES)


async def test_excel_unicode_text_utf16_with_tabs_is_read(db: str, tmp_path: Path) -> None:
    await _province()
    units = tmp_path / "don_vi.txt"
    units.write_bytes(UNITS.replace(";", "\t").encode("utf-16"))  # BOM + UTF-16LE, as Excel
    result = await import_units(units, now=NOW)
    assert result.ok and result.created == 2, [p.render() for p in result.problems]
    people = tmp_path / "can_bo.txt"
    people.write_bytes(PEOPLE.replace(";", "\t").encode("utf-16"))
    result = await import_people(people, now=NOW)
    assert result.ok and result.created == 2, [p.render() for p in result.problems]
    assert await _stored() == (UNIT_NAMES, NAMES)


async def test_names_whose_letters_excel_replaced_by_question_marks_are_refused(
    db: str, tmp_path: Path
) -> None:
    await _province()
    await import_units(_utf8(tmp_path / "don_vi.csv", UNITS), now=NOW)
    # English Windows: '?' for each letter cp1252 lacks (ễ, ị, ă, ỉ; it has ê)
    english_header = "name;phone;unit;role;commune\r\n" + PEOPLE.split("\r\n", 1)[1]
    people = tmp_path / "can_bo.csv"
    people.write_bytes(english_header.encode("cp1252", errors="replace"))
    result = await import_people(people, now=NOW)
    assert not result.ok
    assert [p.render("vi") for p in result.problems] == [
        f"{people}:2: tên: 'Nguy?n Th? Lan' có dấu “?” thay cho chữ: Excel đã làm mất dấu "
        "tiếng Việt khi lưu; hãy lưu lại dạng “CSV UTF-8” hoặc “Unicode Text”",
        f"{people}:2: vai trò: không có vai trò 'cán b?' (cán bộ, chuyên viên hoặc quản trị)",
        f"{people}:3: tên: 'Lê V?n T?nh' có dấu “?” thay cho chữ: Excel đã làm mất dấu "
        "tiếng Việt khi lưu; hãy lưu lại dạng “CSV UTF-8” hoặc “Unicode Text”",
    ]
    # The Vietnamese header lost its letters too: said so, not "missing column".
    people.write_bytes(PEOPLE.encode("cp1252", errors="replace"))
    result = await import_people(people, now=NOW)
    assert [p.render("vi") for p in result.problems] == [
        f"{people}:1: tệp: 'H? tên;S? ?i?n tho?i;Mã ??n v?;Vai trò;Xã' có dấu “?” thay cho "
        "chữ: Excel đã làm mất dấu tiếng Việt khi lưu; hãy lưu lại dạng “CSV UTF-8” hoặc "
        "“Unicode Text”"
    ]
    assert await Person.all().count() == 0


def _utf8(path: Path, text: str) -> Path:
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # Excel's "CSV UTF-8": a BOM
    return path


async def test_a_file_in_no_known_encoding_names_the_choices_excel_has(
    db: str, tmp_path: Path
) -> None:
    path = tmp_path / "can_bo.csv"
    path.write_bytes("Họ tên;Số điện thoại\r\n".encode() + b"\x81\x8a\x9a\xec\r\n")
    result = await import_people(path, now=NOW)
    assert [p.render("vi") for p in result.problems] == [
        f"{path}:2: tệp: không đọc được chữ trong tệp (không phải UTF-8, UTF-16 hay "
        "Windows-1258): hãy lưu từ Excel dạng “CSV UTF-8” hoặc “Unicode Text”"
    ]
    assert [p.render("en") for p in result.problems] == [
        f"{path}:2: file: unreadable text (neither UTF-8, UTF-16 nor Windows-1258): save it "
        "from Excel as “CSV UTF-8” or “Unicode Text”"
    ]


async def test_a_utf8_file_with_one_damaged_byte_is_refused_not_read_as_windows_1258(
    db: str, tmp_path: Path
) -> None:
    """Read as Windows-1258, UTF-8 Vietnamese has no tone marks to give it away: "Nguyễn"
    would be imported as "Nguyá»…n". A file full of well-formed UTF-8 with one bad byte is
    damaged UTF-8: refused at the bad byte's line, nothing stored."""
    await _province()
    await import_units(_utf8(tmp_path / "don_vi.csv", UNITS), now=NOW)
    path = tmp_path / "can_bo.csv"
    # An English header: "Họ" holds ọ, whose byte 0x8D Windows-1258 lacks, which would hide it.
    english = "name;phone;unit;role;commune\r\n" + PEOPLE.split("\r\n", 1)[1]
    damaged = english.encode().replace(b"L\xc3\xaa V", b"L\xc3\xaa\xff V")  # line 3
    assert b"\x8d" not in damaged and b"\x90" not in damaged
    path.write_bytes(b"\xef\xbb\xbf" + damaged)
    result = await import_people(path, now=NOW)
    assert [p.render("vi") for p in result.problems] == [
        f"{path}:3: tệp: không đọc được chữ trong tệp (không phải UTF-8, UTF-16 hay "
        "Windows-1258): hãy lưu từ Excel dạng “CSV UTF-8” hoặc “Unicode Text”"
    ]
    assert await Person.all().count() == 0


async def test_damaged_utf8_without_its_bom_is_refused_too(db: str, tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" writes a BOM, other tools do not: the well-formed UTF-8 around the
    bad byte tells it apart from Windows-1258 all the same."""
    await _province()
    await import_units(_utf8(tmp_path / "don_vi.csv", UNITS), now=NOW)
    path = tmp_path / "can_bo.csv"
    english = "name;phone;unit;role;commune\r\n" + PEOPLE.split("\r\n", 1)[1]
    damaged = english.encode().replace(b"L\xc3\xaa V", b"L\xc3\xaa\xff V")  # line 3
    assert not damaged.startswith(b"\xef\xbb\xbf") and b"\x8d" not in damaged
    path.write_bytes(damaged)
    result = await import_people(path, now=NOW)
    assert [p.render("en") for p in result.problems] == [
        f"{path}:3: file: unreadable text (neither UTF-8, UTF-16 nor Windows-1258): save it "
        "from Excel as “CSV UTF-8” or “Unicode Text”"
    ]
    assert await Person.all().count() == 0
