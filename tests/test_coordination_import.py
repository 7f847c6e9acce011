"""Units and people imported from CSV files: every bad row reported, all or nothing, idempotent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot import cli as core_cli
from reportbot.coordination.people.fields import normalize_phone
from reportbot.coordination.people.people_import import import_people, import_units
from reportbot.store.database import tortoise_config
from reportbot.store.models import AuditLog, Person, Unit

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
UNITS_CSV = (
    "code,name,type,parent\n"
    "ubnd,UBND xã Đăk Pxi,co_quan,\n"
    "vhxh,Phòng Văn hóa - Xã hội,phong,ubnd\n"
    "hoiphunu,Hội Liên hiệp Phụ nữ xã,doan_the,ubnd\n"
    'cns_thon1,"Tổ công nghệ số cộng đồng thôn 1, Đăk Pxi",to_cns,vhxh\n'
)
PEOPLE_CSV = (
    "Họ tên;Số điện thoại;Mã đơn vị;Vai trò\n"
    "Nguyễn Thị Lan;0905 000 001;hoiphunu;cán bộ\n"
    "Trần Văn Minh;+84905000002;vhxh;chuyên viên\n"
    "Y Blăk;905000003;cns_thon1;\n"
    "Lê Quản Trị;0905.000.004;;quản trị\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def units_by_code() -> dict[str, tuple[str, str, str | None]]:
    result = {}
    for unit in await Unit.all().select_related("parent"):
        result[unit.code] = (unit.name, unit.type, unit.parent.code if unit.parent else None)
    return result


async def test_units_import_creates_the_tree_and_a_rerun_changes_nothing(
    db: str, tmp_path: Path
) -> None:
    path = write(tmp_path, "don_vi.csv", UNITS_CSV)
    result = await import_units(path, now=NOW)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 4, 0, 0)
    assert await units_by_code() == {
        "ubnd": ("UBND xã Đăk Pxi", "co_quan", None),
        "vhxh": ("Phòng Văn hóa - Xã hội", "phong", "ubnd"),
        "hoiphunu": ("Hội Liên hiệp Phụ nữ xã", "doan_the", "ubnd"),
        "cns_thon1": ("Tổ công nghệ số cộng đồng thôn 1, Đăk Pxi", "to_cns", "vhxh"),
    }
    again = await import_units(path, now=NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert await Unit.all().count() == 4

    changed = write(
        tmp_path,
        "don_vi_2.csv",
        UNITS_CSV.replace("Hội Liên hiệp Phụ nữ xã,doan_the,ubnd", "Hội Phụ nữ xã,doan_the,vhxh"),
    )
    third = await import_units(changed, now=NOW)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
    assert (await units_by_code())["hoiphunu"] == ("Hội Phụ nữ xã", "doan_the", "vhxh")
    actions = await AuditLog.all().order_by("id").values_list("action", flat=True)
    assert actions == ["units.import", "units.import", "units.import"]


async def test_units_import_reports_every_bad_row_and_writes_nothing(
    db: str, tmp_path: Path
) -> None:
    await Unit.create(code="ubnd", name="UBND xã", type="co_quan")
    text = (
        "ma,ten,loai,don vi cap tren\n"  # Vietnamese headers without diacritics
        "vhxh,Phòng Văn hóa - Xã hội,phong,ubnd\n"
        ",Không có mã,phong,\n"
        "kinh te,Phòng Kinh tế,phong,ubnd\n"
        "vhxh,Trùng mã,phong,\n"
        "truong1,,truong_hc,\n"
        "a,Đơn vị A,doan_the,b\n"
        "b,Đơn vị B,doan_the,a\n"
        "c,Đơn vị C,doan_the,khong_co\n"
        "d,Đơn vị D,doan_the,d\n"
    )
    path = write(tmp_path, "loi.csv", text)
    result = await import_units(path, now=NOW)
    problems = [p.render("en") for p in result.problems]
    assert problems[:5] == [
        f"{path}:3: code: required",
        f"{path}:4: code: 'kinh te': letters, digits, '_', '.' or '-' only (max 64)",
        f"{path}:5: code: 'vhxh' is already on line 2",
        f"{path}:6: name: required",
        f"{path}:6: type: unknown unit type 'truong_hc' (known: co_quan, doan_the, phong, "
        "to_cns, truong_hoc)",
    ]
    assert sorted(problems[5:]) == [
        f"{path}:10: parent: a unit cannot be its own parent",
        f"{path}:7: parent: 'b' is below 'a': parents would form a loop",
        f"{path}:8: parent: 'a' is below 'b': parents would form a loop",
        f"{path}:9: parent: no unit 'khong_co' in this file or in the database",
    ]
    assert await Unit.all().values_list("code", flat=True) == ["ubnd"]
    assert not await AuditLog.exists()


async def test_a_file_with_a_missing_column_or_wrong_encoding(db: str, tmp_path: Path) -> None:
    missing = await import_units(write(tmp_path, "thieu.csv", "code,name\nx,X\n"), now=NOW)
    assert [p.render("en") for p in missing.problems] == [
        f"{tmp_path / 'thieu.csv'}:1: type: missing column (the header must name: "
        "code, name, type, parent, commune)"
    ]
    legacy = tmp_path / "windows.csv"  # saved as plain "CSV" by Excel: an 8-bit code page
    legacy.write_bytes(b"code,name,type\nx,Ph\xf2ng V\xe3n h\xf3a,phong\n")
    result = await import_units(legacy, now=NOW)  # 1252 (ò after 'h' is no 1258 tone): read
    assert result.ok and (await Unit.get(code="x")).name == "Phòng Vãn hóa"
    unreadable = tmp_path / "unreadable.csv"  # 0x81 is in neither code page
    unreadable.write_bytes(b"code,name,type\ny,Ph\x81ng,phong\n")
    result = await import_units(unreadable, now=NOW)
    assert len(result.problems) == 1
    assert "neither UTF-8, UTF-16 nor Windows-1258" in result.problems[0].render("en")
    assert result.problems[0].render("en").endswith("“CSV UTF-8” or “Unicode Text”")


async def test_people_import_matches_by_phone_and_is_idempotent(db: str, tmp_path: Path) -> None:
    await import_units(write(tmp_path, "don_vi.csv", UNITS_CSV), now=NOW)
    path = write(tmp_path, "can_bo.csv", "\ufeff" + PEOPLE_CSV)  # Excel's BOM
    result = await import_people(path, now=NOW)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 4, 0, 0)
    people = {
        p.phone: (p.name, p.role, p.unit.code if p.unit else None)
        for p in await Person.all().select_related("unit")
    }
    assert people == {
        "0905000001": ("Nguyễn Thị Lan", "officer", "hoiphunu"),
        "0905000002": ("Trần Văn Minh", "coordinator", "vhxh"),
        "0905000003": ("Y Blăk", "officer", "cns_thon1"),
        "0905000004": ("Lê Quản Trị", "admin", None),
    }
    again = await import_people(path, now=NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    moved = write(
        tmp_path, "can_bo_2.csv", PEOPLE_CSV.replace("0905 000 001;hoiphunu", "0905000001;vhxh")
    )
    third = await import_people(moved, now=NOW)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
    assert await Person.all().count() == 4


async def test_people_import_reports_every_bad_row_and_writes_nothing(
    db: str, tmp_path: Path
) -> None:
    await import_units(write(tmp_path, "don_vi.csv", UNITS_CSV), now=NOW)
    text = (
        "name,phone,unit,role\n"
        "Nguyễn Văn A,0905000001,hoiphunu,officer\n"
        ",0905000002,hoiphunu,officer\n"
        "Trần B,12345,hoiphunu,officer\n"
        "Lê C,0905000001,hoiphunu,officer\n"
        "Phạm D,0905000005,khong_co,officer\n"
        "Võ E,0905000006,,officer\n"
        "Đặng F,0905000007,vhxh,truong phong\n"
        "Bùi G,,vhxh,coordinator\n"
    )
    path = write(tmp_path, "nguoi.csv", text)
    result = await import_people(path, now=NOW)
    assert [p.render("en") for p in result.problems] == [
        f"{path}:3: name: required",
        f"{path}:4: phone: '12345' is not a Vietnamese phone number (10 digits, e.g. 0905123456)",
        f"{path}:5: phone: '0905000001' is already on line 2",
        f"{path}:6: unit: no unit 'khong_co': import the units first",
        f"{path}:7: unit: an officer needs a unit",
        f"{path}:8: role: unknown role 'truong phong' (officer, coordinator or admin)",
        f"{path}:9: phone: required",
    ]
    assert not await Person.exists()


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("0905 123 456", "0905123456"),
        ("+84 905 123 456", "0905123456"),
        ("84905123456", "0905123456"),
        ("905123456", "0905123456"),
        ("0905.123.456", "0905123456"),
        ("12345", None),
        ("090512345a", None),
    ],
)
def test_phone_numbers(typed: str, phone: str | None) -> None:
    assert normalize_phone(typed) == phone


async def _query(url: str, work):
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def test_the_cli_imports_both_files_and_fails_on_a_bad_one(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    for name in [k for k in __import__("os").environ if k.startswith("REPORTBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", database_url)
    units = write(tmp_path, "don_vi.csv", UNITS_CSV)
    people = write(tmp_path, "can_bo.csv", PEOPLE_CSV)
    assert core_cli.main(["units", "import", str(units)]) == 0
    assert "Đơn vị: 4 mới," in capsys.readouterr().out
    assert core_cli.main(["people", "import", str(people)]) == 0
    assert "4 mới," in capsys.readouterr().out
    assert core_cli.main(["people", "import", str(people)]) == 0
    assert "Người dùng: 0 mới, 0 cập nhật, 4 không đổi" in capsys.readouterr().out
    bad = write(tmp_path, "loi.csv", "code,name,type\nmoi,Đơn vị mới,doan_the\n,Không mã,phong\n")
    assert core_cli.main(["units", "import", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip() == f"{bad}:3: mã: chưa điền (bắt buộc)"
    assert "chưa nhập gì" in captured.err and "nothing" not in captured.err
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")  # one language at a time, English when asked
    assert core_cli.main(["units", "import", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.err == "reportbot: 1 problem, nothing imported\n"
    assert captured.out.strip() == f"{bad}:3: code: required"
    assert core_cli.main(["people", "import", str(people)]) == 0
    assert "People: 0 new, 0 updated, 4 unchanged" in capsys.readouterr().out

    async def codes():
        return sorted(await Unit.all().values_list("code", flat=True))

    assert asyncio.run(_query(database_url, codes)) == ["cns_thon1", "hoiphunu", "ubnd", "vhxh"]
