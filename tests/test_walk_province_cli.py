"""The province's people as the IT officer lists and invites them from the CLI (walk, issue 17).

docs/DEPLOY.md, "A province: communes": people imported with a `commune` column (a commune's
or the province's coordinator), then `reportbot invite create --phone ...` and `reportbot
people list`. Before the fix the province's coordinator, imported with `kontum`, got an invite
card reading "Dành cho: chuyên viên tổng hợp của UBND xã" (the commune's generic name), and
`people list` showed him as "chuyên viên tổng hợp · —": nowhere did the officer read what he
will see. `org add` also printed "Đã thêm tỉnh Tỉnh Kon Tum".
"""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import run_cli

UNITS = "mã;tên;loại;xã\r\nhpn-dp;Hội Phụ nữ xã Đăk Pxi;doan_the;xa-dak-pxi\r\n"
PEOPLE = (
    "họ tên;số điện thoại;đơn vị;vai trò;xã\r\n"
    "Nguyễn Thị Lan;905000001;hpn-dp;cán bộ;\r\n"
    "Trần Văn Minh;905000002;;chuyên viên;xa-dak-pxi\r\n"
    "Lê Văn Tỉnh;905000005;;chuyên viên;kontum\r\n"
    "Đinh Thị Quản;905000006;;quản trị;\r\n"
)


def _cli(db: str, tmp_path: Path, *args: str, locale: str = "vi") -> tuple[int, str, str]:
    env = {"REPORTBOT_DATABASE_URL": db, "REPORTBOT_LOCALE": locale}
    result = run_cli(list(args), env=env, cwd=tmp_path)
    return result.returncode, result.stdout, result.stderr


def _province(db: str, tmp_path: Path) -> list[str]:
    """The DEPLOY.md steps up to the people import; what `org add` printed."""
    said = []
    for args in (
        ("org", "add", "kontum", "Tỉnh Kon Tum", "--kind", "province"),
        ("org", "add", "xa-dak-pxi", "Xã Đăk Pxi", "--parent", "kontum"),
    ):
        code, out, err = _cli(db, tmp_path, *args)
        assert code == 0, err
        said.append(out.strip())
    (tmp_path / "don_vi.csv").write_bytes(b"\xef\xbb\xbf" + UNITS.encode())
    (tmp_path / "can_bo.csv").write_bytes(b"\xef\xbb\xbf" + PEOPLE.encode())
    for args in (("units", "import", "don_vi.csv"), ("people", "import", "can_bo.csv")):
        code, out, err = _cli(db, tmp_path, *args)
        assert code == 0, out + err
    return said


def test_org_add_names_the_province_once_and_refuses_a_code_nobody_can_type(
    db: str, tmp_path: Path
) -> None:
    assert _province(db, tmp_path) == [
        "Đã thêm Tỉnh Kon Tum (mã kontum).",
        "Đã thêm Xã Đăk Pxi (mã xa-dak-pxi), thuộc kontum.",
    ]
    code, out, err = _cli(db, tmp_path, "org", "add", "Ngọc Réo", "Ngọc Réo", "--parent", "kontum")
    assert code == 1 and out == ""
    assert err == (
        "reportbot: Mã “Ngọc Réo”: chỉ dùng chữ không dấu, chữ số, '_', '.' hoặc '-' "
        "(tối đa 64 ký tự), ví dụ xa-dak-pxi.\n"
    )
    code, out, err = _cli(db, tmp_path, "org", "add", "ngoc-reo", "Ngọc Réo", "--parent", "kontum")
    assert (code, out) == (0, "Đã thêm xã Ngọc Réo (mã ngoc-reo), thuộc kontum.\n"), err


def test_an_imported_coordinators_invite_names_what_they_will_see(db: str, tmp_path: Path) -> None:
    _province(db, tmp_path)
    cards = {}
    for phone in ("0905000002", "0905000005", "0905000006"):
        code, out, err = _cli(db, tmp_path, "invite", "create", "--phone", phone)
        assert code == 0, err
        cards[phone] = out.splitlines()[1]
    assert cards == {
        "0905000002": "Dành cho: chuyên viên tổng hợp của Xã Đăk Pxi",
        "0905000005": "Dành cho: chuyên viên tổng hợp của Tỉnh Kon Tum",
        "0905000006": "Dành cho: quản trị viên của UBND xã",  # the whole deployment, as before
    }


def test_people_list_says_which_commune_or_province_each_coordinator_sees(
    db: str, tmp_path: Path
) -> None:
    _province(db, tmp_path)
    code, out, err = _cli(db, tmp_path, "people", "list")
    assert code == 0, err
    assert out.splitlines() == [
        "Tên · Điện thoại · Vai trò · Đơn vị · Kết nối",
        "Đinh Thị Quản · 0905000006 · quản trị viên (xem: tất cả) · — · chưa kết nối",
        "Lê Văn Tỉnh · 0905000005 · chuyên viên tổng hợp (xem: kontum) · — · chưa kết nối",
        "Nguyễn Thị Lan · 0905000001 · cán bộ đầu mối · hpn-dp · chưa kết nối",
        "Trần Văn Minh · 0905000002 · chuyên viên tổng hợp (xem: xa-dak-pxi) · — · chưa kết nối",
        "4 người.",
    ]
    code, out, err = _cli(db, tmp_path, "people", "list", locale="en")
    assert out.splitlines()[1:3] == [
        "Đinh Thị Quản · 0905000006 · admin (sees: everything) · — · not joined",
        "Lê Văn Tỉnh · 0905000005 · coordinator (sees: kontum) · — · not joined",
    ]


def test_forms_import_preview_names_the_commune_or_province_it_publishes_for(
    db: str, tmp_path: Path
) -> None:
    """Before: "• Đơn vị phải nộp: tất cả đơn vị" whatever --scope said, the only line the
    IT officer reads before adding --yes."""
    _province(db, tmp_path)
    workbook = _workbook(tmp_path / "mau.xlsx")
    shown = {}
    for scope in ("kontum", "xa-dak-pxi", None):
        args = ["forms", "import", str(workbook), "--yes"] + (["--scope", scope] if scope else [])
        code, out, err = _cli(db, tmp_path, *args)
        assert code == 0, out + err
        shown[scope] = next(line for line in out.splitlines() if "Đơn vị phải nộp" in line)
    assert shown == {
        "kontum": "• Đơn vị phải nộp: tất cả đơn vị thuộc Tỉnh Kon Tum",
        "xa-dak-pxi": "• Đơn vị phải nộp: tất cả đơn vị thuộc Xã Đăk Pxi",
        # without --scope a new version keeps the latest one's (store_template): the commune's
        None: "• Đơn vị phải nộp: tất cả đơn vị thuộc Xã Đăk Pxi",
    }


def _workbook(path: Path) -> Path:
    """A one-question XLSForm for every unit type."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required"])
    survey.append(["integer", "so_ho", "Số hộ dùng dịch vụ công trực tuyến", "yes"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "version"])
    settings.append(["rieng_xa", "Báo cáo riêng", "1"])
    book.save(path)
    return path


def test_the_zalo_text_names_the_inviting_commune_or_province(db: str, tmp_path: Path) -> None:
    """Seen: every Zalo text began "Chào anh/chị, UBND xã mời…", even the province's."""
    _province(db, tmp_path)
    texts = {}
    for phone in ("0905000001", "0905000002", "0905000005", "0905000006"):
        code, out, err = _cli(db, tmp_path, "invite", "create", "--phone", phone)
        assert code == 0, err
        texts[phone] = out.strip().splitlines()[-1]
    assert texts["0905000001"].startswith("Chào anh/chị, Xã Đăk Pxi mời anh/chị dùng")
    assert texts["0905000002"].startswith("Chào anh/chị, Xã Đăk Pxi mời anh/chị dùng")
    assert texts["0905000005"].startswith("Chào anh/chị, Tỉnh Kon Tum mời anh/chị dùng")
    assert texts["0905000006"].startswith("Chào anh/chị, UBND xã mời anh/chị dùng")
    code, out, err = _cli(db, tmp_path, "invite", "create", "--phone", "0905000005", locale="en")
    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith("Hello, Tỉnh Kon Tum invites you to use")
