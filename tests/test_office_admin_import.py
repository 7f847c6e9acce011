"""Admin CSV imports in Vietnamese: messages with the offending value, unit types by their
Vietnamese name, phone numbers checked against libphonenumber's Vietnamese ranges."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reportbot.coordination.people.fields import normalize_phone, parse_unit_type
from reportbot.coordination.people.people_import import (
    import_people,
    import_units,
)
from reportbot.forms.loader import KNOWN_UNIT_TYPES
from reportbot.store.models import Person, Unit

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Đoàn thể", "doan_the"),
        ("ĐOÀN THỂ", "doan_the"),
        ("doan the", "doan_the"),
        ("doan_the", "doan_the"),
        ("Trường học", "truong_hoc"),
        ("Phòng", "phong"),
        ("Tổ công nghệ số cộng đồng", "to_cns"),
        ("to CNS", "to_cns"),
        ("Cơ quan, đơn vị", "co_quan"),
        ("Đoàn thanh niên", None),
        ("", None),
    ],
)
def test_unit_types_by_their_vietnamese_name(typed: str, code: str | None) -> None:
    assert parse_unit_type(typed, KNOWN_UNIT_TYPES) == code


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("0905 123 456", "0905123456"),
        ("+84 905 123 456", "0905123456"),
        ("84 905 123 456", "0905123456"),
        ("905123456", "0905123456"),  # Excel dropped the leading zero
        ("024 3825 1234", "02438251234"),  # a Hà Nội landline
        ("0000000000", None),
        ("0123456789", None),  # 01xx mobile numbers ended in 2018
        ("+1 650 253 0000", None),  # valid, but not Vietnamese
        ("09051234567890123", None),
        ("0905-123-45a", None),
        ("0" * 5000, None),
    ],
)
def test_phone_numbers_are_validated(typed: str, phone: str | None) -> None:
    assert normalize_phone(typed) == phone


async def test_units_with_vietnamese_type_names_are_imported(db: str, tmp_path: Path) -> None:
    text = (
        "Mã,Tên,Loại,Đơn vị cấp trên\n"
        'ubnd,UBND xã,"Cơ quan, đơn vị",\n'
        "doan_tn,Đoàn Thanh niên xã,Đoàn thể,ubnd\n"
        "th1,Trường Tiểu học số 1,trường học,ubnd\n"
    )
    result = await import_units(write(tmp_path, "don_vi.csv", text), now=NOW)
    assert result.ok, [str(p) for p in result.problems]
    types = dict(await Unit.all().values_list("code", "type"))
    assert types == {"ubnd": "co_quan", "doan_tn": "doan_the", "th1": "truong_hoc"}


async def test_unit_problems_in_vietnamese_then_english(db: str, tmp_path: Path) -> None:
    text = "code,name,type,parent\nkinh te,Phòng Kinh tế,Hội đoàn,\nx,X,phong,x\n"
    path = write(tmp_path, "loi.csv", text)
    result = await import_units(path, now=NOW)
    assert [p.render("vi") for p in result.problems] == [
        f"{path}:2: mã: 'kinh te': chỉ dùng chữ không dấu, chữ số, '_', '.' hoặc '-' "
        "(tối đa 64 ký tự)",
        f"{path}:2: loại: không có loại đơn vị 'Hội đoàn' (có: co_quan, doan_the, phong, "
        "to_cns, truong_hoc)",
        f"{path}:3: đơn vị cấp trên: một đơn vị không thể là cấp trên của chính nó",
    ]
    assert [p.render("en") for p in result.problems][1] == (
        f"{path}:2: type: unknown unit type 'Hội đoàn' (known: co_quan, doan_the, phong, "
        "to_cns, truong_hoc)"
    )
    assert not await Unit.exists()


async def test_people_problems_quote_the_value(db: str, tmp_path: Path) -> None:
    await Unit.create(code="ubnd", name="UBND xã", type="co_quan")
    text = (
        "Họ tên;Số điện thoại;Mã đơn vị;Vai trò\n"
        "Nguyễn Văn A;0000000000;ubnd;cán bộ\n"
        "Trần Thị B;0905 000 002;khong_co;chuyên viên\n"
        "Lê C;0905000002;ubnd;trưởng phòng\n"
        "Phạm D;0905.000.002;ubnd;\n"
    )
    path = write(tmp_path, "can_bo.csv", text)
    result = await import_people(path, now=NOW)
    assert [p.render("vi") for p in result.problems] == [
        f"{path}:2: số điện thoại: '0000000000' không phải số điện thoại Việt Nam "
        "(10 chữ số, ví dụ 0905123456)",
        f"{path}:3: đơn vị: không có đơn vị 'khong_co': hãy nhập danh sách đơn vị trước",
        f"{path}:4: số điện thoại: '0905000002' đã có ở dòng 3",
        f"{path}:4: vai trò: không có vai trò 'trưởng phòng' (cán bộ, chuyên viên hoặc quản trị)",
        f"{path}:5: số điện thoại: '0905.000.002' đã có ở dòng 3",
    ]
    assert result.problems[0].render("en") == (
        f"{path}:2: phone: '0000000000' is not a Vietnamese phone number "
        "(10 digits, e.g. 0905123456)"
    )
    assert not await Person.exists()


async def test_a_long_value_is_quoted_short(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "dai.csv", "code,name,type\n" + "x" * 500 + " y,Tên,phong\n")
    result = await import_units(path, now=NOW)
    (problem,) = result.problems
    assert problem.render("vi").startswith(f"{path}:2: mã: '{'x' * 59}…': chỉ dùng")
