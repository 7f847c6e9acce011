"""`reportbot units list` and `people list`: an admin checks, after importing the CSV files,
who has joined the bot, commune by commune. Everything is set up through the CLI itself
(org add, units/people import, invite create); joining a chat through the store's own
`ensure_identity`, as registration does."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot import cli as core_cli
from reportbot.coordination.people.fields import parse_role
from reportbot.store.database import tortoise_config
from reportbot.store.queries.people import ensure_identity, find_person
from reportbot.vocabulary.kinds import ROLE_CODES, role_name

UNITS = (
    "code,name,type,commune\n"
    "hoiphunu,Hội Liên hiệp Phụ nữ,doan_the,xa-a\n"
    "th_a,Trường Tiểu học An Bình,truong_hoc,xa-a\n"
    "vhxh,Phòng Văn hóa - Xã hội,phong,xa-b\n"
)
PEOPLE = (
    "name,phone,unit,role\n"
    "Nguyễn Thị Lan,0912345678,hoiphunu,officer\n"
    "Đỗ Văn Đông,0912000111,hoiphunu,officer\n"
    "Trần Văn Bình,0987654321,th_a,officer\n"
    "Lê Thị Cúc,0905111222,vhxh,officer\n"
)


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """`reportbot` in this process on a test database, with two communes imported."""
    for name in [k for k in os.environ if k.startswith("REPORTBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", database_url)
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    main = core_cli.main
    assert main(["org", "add", "xa-a", "Xã An Bình"]) == 0
    assert main(["org", "add", "xa-b", "Xã Bình Minh"]) == 0
    assert main(["units", "import", str(tmp_path / "units.csv")]) == 0
    assert main(["people", "import", str(tmp_path / "people.csv")]) == 0
    return main


def join(database_url: str, phone: str, platform: str) -> None:
    """The person of `phone` talks to the bot on `platform`."""

    async def work() -> None:
        EXECUTOR_CACHE.clear()
        await Tortoise.init(config=tortoise_config(database_url))
        try:
            person = await find_person(phone, default_phone="")
            assert person is not None
            await ensure_identity(person.id, platform, f"u{phone}", "x")
        finally:
            await Tortoise.close_connections()

    asyncio.run(work())


def test_units_list_counts_who_joined_per_unit_and_commune(cli, database_url, capsys) -> None:
    join(database_url, "0912345678", "telegram")
    join(database_url, "0912345678", "zalo_oa")  # one person on two platforms counts once
    join(database_url, "0905111222", "zalo_bot")
    capsys.readouterr()
    assert cli(["units", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # by hand, in Vietnamese order of name: Hội, Phòng, Trường
    assert lines[1:] == [
        "hoiphunu · Hội Liên hiệp Phụ nữ · đoàn thể · xa-a · 1/2",
        "vhxh · Phòng Văn hóa - Xã hội · phòng chuyên môn · xa-b · 1/1",
        "th_a · Trường Tiểu học An Bình · trường học · xa-a · 0/1",
        "3 đơn vị; 2/4 người đã kết nối với bot.",
    ]
    assert cli(["units", "list", "--commune", "Xã An Bình"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 đơn vị; 1/3 người đã kết nối với bot."


def test_people_list_shows_who_to_chase_with_their_open_invite(cli, database_url, capsys) -> None:
    join(database_url, "0912345678", "telegram")
    assert cli(["invite", "create", "--phone", "0987654321", "--days", "3"]) == 0
    capsys.readouterr()
    assert cli(["people", "list", "--commune", "xa-a", "--not-joined"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "Đỗ Văn Đông · 0912000111 · cán bộ đầu mối · hoiphunu · chưa kết nối"
    assert out[2].startswith(
        "Trần Văn Bình · 0987654321 · cán bộ đầu mối · th_a · chưa kết nối, mã mời"
    )
    assert out[3:] == ["2 người."]
    assert cli(["people", "list", "--unit", "hoiphunu"]) == 0
    out = capsys.readouterr().out
    assert "Nguyễn Thị Lan · 0912345678 · cán bộ đầu mối · hoiphunu · telegram" in out
    assert "Lê Thị Cúc" not in out and out.rstrip().endswith("2 người.")


def test_an_unknown_commune_is_one_line_and_exit_1(cli, capsys, monkeypatch) -> None:
    capsys.readouterr()
    assert cli(["people", "list", "--commune", "khong-co"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "reportbot: Không tìm thấy xã hoặc tỉnh “khong-co” (mã hoặc tên); xem: reportbot org list\n"
    )
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")
    assert cli(["units", "list", "--commune", "xa-b"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Code · Name · Type · Commune · Joined/People",
        "vhxh · Phòng Văn hóa - Xã hội · offices · xa-b · 0/1",
        "Units: 1; people who joined the bot: 0/1.",
    ]


def test_role_words_are_the_vocabularys_and_read_back_by_the_import() -> None:
    """The roster names a role as the vocabulary does (DOMAIN.md: cán bộ đầu mối), and an
    admin who copies that word into a people CSV gets the same role back."""
    assert role_name("officer") == "cán bộ đầu mối"
    assert role_name("coordinator", "en") == "coordinator"
    for role in ROLE_CODES:
        for locale in ("vi", "en"):
            assert parse_role(role_name(role, locale)) == role


def test_people_list_names_a_coordinator_in_each_language(cli, tmp_path, capsys, monkeypatch):
    (tmp_path / "more.csv").write_text(
        "name,phone,unit,role\nPhan Văn Tổng,0903000444,vhxh,chuyên viên\n", encoding="utf-8"
    )
    assert cli(["people", "import", str(tmp_path / "more.csv")]) == 0
    capsys.readouterr()
    assert cli(["people", "list", "--unit", "vhxh"]) == 0
    out = capsys.readouterr().out  # no commune given: a coordinator who sees everything
    assert "Phan Văn Tổng · 0903000444 · chuyên viên tổng hợp (xem: tất cả) · vhxh" in out
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")
    assert cli(["people", "list", "--unit", "vhxh"]) == 0
    out = capsys.readouterr().out
    assert "Phan Văn Tổng · 0903000444 · coordinator (sees: everything) · vhxh" in out
    assert "Lê Thị Cúc · 0905111222 · officer · vhxh" in out


def test_an_empty_commune_is_refused_not_read_as_every_commune(cli, capsys) -> None:
    """A script whose variable is empty (`--commune "$XA"`) must not list the deployment."""
    capsys.readouterr()
    assert cli(["people", "list", "--commune", ""]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Không tìm thấy xã hoặc tỉnh “”" in captured.err


def test_an_unknown_unit_is_one_line_and_exit_1_not_an_empty_list(cli, capsys) -> None:
    """A mistyped unit code must not read as "nobody in this unit" (an admin would then
    invite everyone again); a code in other letters' case is the same unit."""
    capsys.readouterr()
    assert cli(["people", "list", "--unit", "hoi_phu_nu"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "reportbot: Không tìm thấy đơn vị “hoi_phu_nu”; xem mã đơn vị: reportbot units list\n"
    )
    assert cli(["people", "list", "--unit", "vhxh", "--commune", "xa-a"]) == 1
    assert "“vhxh”" in capsys.readouterr().err
    assert cli(["people", "list", "--unit", "HOIPHUNU"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("2 người.")
