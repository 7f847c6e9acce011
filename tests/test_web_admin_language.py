"""Admin output in one language at a time: Vietnamese by default, English with
REPORTBOT_LOCALE=en, never both on one line (reportbot/cli/language.py)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import FORMS_DIR
from tests.test_cli import run_cli

# A label followed by its translation in brackets, as the output used to read.
DOUBLED = re.compile(r"[^\x00-\x7f][^()]*\((?:version|database|active forms|outbox|min|running)")


def test_status_and_forms_speak_vietnamese_then_english(tmp_path: Path) -> None:
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'bot.db'}"}
    form = str(FORMS_DIR / "example_monthly.yaml")
    migrated = run_cli(["db", "migrate"], env=env, cwd=tmp_path).stdout.strip()
    assert migrated.startswith("reportbot: cơ sở dữ liệu đã cập nhật: 9 migration (0001_initial,")
    assert not DOUBLED.search(migrated), migrated
    loaded = run_cli(["forms", "load", form], env=env, cwd=tmp_path).stdout
    assert "bao_cao_nhanh_cds_hang_thang: phiên bản 1 (phiên bản mới)" in loaded
    vi = run_cli(["status"], env=env, cwd=tmp_path).stdout
    assert vi.splitlines()[0].startswith("Phiên bản: reportbot ")
    assert "Mẫu báo cáo đang dùng: 1" in vi and "Hàng đợi gửi: 0, cũ nhất 0 phút" in vi
    assert not DOUBLED.search(vi), vi

    english = {**env, "REPORTBOT_LOCALE": "en"}
    en = run_cli(["status"], env=english, cwd=tmp_path).stdout
    assert en.splitlines()[0].startswith("Version: reportbot ")
    assert "Active forms: 1" in en and "Outbox: 0, oldest 0 min" in en
    assert "Units / people: 0 / 0" in en
    assert not re.search(r"[À-ỹđĐ]", en), en  # not a Vietnamese word left
    listing = run_cli(["forms", "list"], env=english, cwd=tmp_path).stdout
    assert "\tactive\tMonthly digital transformation quick report" in listing
    validated = run_cli(["forms", "validate", form], env=english, cwd=tmp_path).stdout
    assert re.search(r": OK \(bao_cao_nhanh_cds_hang_thang, \d+ questions\)", validated)
