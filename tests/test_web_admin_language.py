"""Admin output in one language at a time: Vietnamese by default, English with
REPORTBOT_LOCALE=en, never both on one line (reportbot/cli/language.py)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import FORMS_DIR
from tests.test_cli import run_cli

# A label followed by its translation in brackets, as the output used to read.
DOUBLED = re.compile(r"[^\x00-\x7f][^()]*\((?:version|database|active forms|outbox|min|running)")


def test_status_and_forms_speak_vietnamese_then_english(tmp_path: Path) -> None:
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'bot.db'}"}
    english = {**env, "REPORTBOT_LOCALE": "en"}
    form = str(FORMS_DIR / "example_monthly.yaml")

    # Commands that do not depend on each other run together: each is mostly the
    # interpreter's start, and none writes what another reads.
    def run(args: list[str], environment: dict[str, str]) -> str:
        return run_cli(args, env=environment, cwd=tmp_path).stdout

    with ThreadPoolExecutor(max_workers=3) as pool:
        migrated = pool.submit(run, ["db", "migrate"], env)
        validated = pool.submit(run, ["forms", "validate", form], english)
        done = migrated.result().strip()
        assert done.startswith("reportbot: cơ sở dữ liệu đã cập nhật: 9 migration (0001_initial,")
        assert not DOUBLED.search(done), done
        loaded = run(["forms", "load", form], env)
        reads = [
            pool.submit(run, ["status"], env),
            pool.submit(run, ["status"], english),
            pool.submit(run, ["forms", "list"], english),
        ]
    vi, en, listing = (read.result() for read in reads)
    assert "bao_cao_nhanh_cds_hang_thang: phiên bản 1 (phiên bản mới)" in loaded
    assert vi.splitlines()[0].startswith("Phiên bản: reportbot ")
    assert "Mẫu báo cáo đang dùng: 1" in vi
    assert "Hàng đợi gửi: 0, cũ nhất 0 phút" in vi
    assert not DOUBLED.search(vi), vi

    assert en.splitlines()[0].startswith("Version: reportbot ")
    assert "Active forms: 1" in en and "Outbox: 0, oldest 0 min" in en
    assert "Units / people: 0 / 0" in en
    assert not re.search(r"[À-ỹđĐ]", en), en  # not a Vietnamese word left
    assert "\tactive\tMonthly digital transformation quick report" in listing
    assert re.search(r": OK \(bao_cao_nhanh_cds_hang_thang, \d+ questions\)", validated.result())
