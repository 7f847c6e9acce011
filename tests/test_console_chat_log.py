"""The console chat's terminal is the conversation: no log line ever lands in it.

A coordinator at `reportbot chat` reopens a report; the notice to the unit's officer cannot
reach them (they are not at this terminal). Before, that printed "WARNING
reportbot.coordination.reporting.reopen: reopen notice to person 1 on console failed: ..."
in the middle of the Vietnamese chat; now the coordinator reads, in Vietnamese, that nobody
was reached, and the terminal shows nothing else.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest

from reportbot.cli.chat_run import CHAT_LOG, _log_beside_the_chat
from reportbot.config import Settings
from reportbot.ops.logs import setup_logging
from reportbot.store.models import Submission
from tests.conftest import FORMS_DIR
from tests.test_cli import run_cli
from tests.test_ops_logs import report_lines


async def test_a_reopen_notice_nobody_here_can_read_leaves_the_chat_clean(
    db: str, tmp_path: Path
) -> None:
    env = {
        "REPORTBOT_DATABASE_URL": db,
        "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
        "REPORTBOT_MEDIA_DIR": str(tmp_path / "media"),
        "REPORTBOT_MIRROR_XLSX": str(tmp_path / "mirror.xlsx"),
    }
    officer = run_cli(
        ["chat", "--at", "2026-11-26T10:00"],
        env=env,
        cwd=tmp_path,
        stdin="\n".join(report_lines()) + "\n",
        timeout=120,
    )
    assert "✅ Đã gửi" in officer.stdout, officer.stderr[-2000:]
    coordinator = run_cli(
        ["chat", "--as", "Minh", "--at", "2027-01-05T09:00"],
        env=env,
        cwd=tmp_path,
        stdin="/mo hoi phu nu\n",
        timeout=120,
    )
    assert coordinator.returncode == 0
    assert "🔓 Đã mở lại" in coordinator.stdout
    assert "Chưa liên lạc được cán bộ nào của đơn vị qua bot" in coordinator.stdout
    assert (await Submission.get(unit__code="hoiphunu")).status == "reopened"
    assert coordinator.stderr == ""  # no WARNING line, nothing in English
    assert "WARNING" not in coordinator.stdout and "person 1" not in coordinator.stdout


@pytest.fixture
def restored_logging():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_the_chat_logs_to_a_file_beside_the_media_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    setup_logging(verbose=False)
    settings = Settings(media_dir=tmp_path / "media")
    stream = _log_beside_the_chat(argparse.Namespace(verbose=False), settings)
    assert stream is not None
    logging.getLogger("reportbot.sheets").warning("mirror workbook is locked")
    stream.close()
    assert "mirror workbook is locked" in (tmp_path / CHAT_LOG).read_text(encoding="utf-8")
    assert "mirror workbook is locked" not in capsys.readouterr().err
    # with -v the person asked to see the log: it stays on the terminal
    assert _log_beside_the_chat(argparse.Namespace(verbose=True), settings) is None


async def test_a_template_that_did_not_load_is_still_told_at_the_terminal(
    db: str, tmp_path: Path
) -> None:
    """The log goes to a file in the chat; an admin trying a broken form must still see why
    it is missing, with its file and line."""
    forms = tmp_path / "forms"
    forms.mkdir()
    for shipped in FORMS_DIR.glob("*.yaml"):
        (forms / shipped.name).write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    (forms / "hong.yaml").write_text("key: hong\ntitle: [\n", encoding="utf-8")
    env = {
        "REPORTBOT_DATABASE_URL": db,
        "REPORTBOT_FORMS_DIR": str(forms),
        "REPORTBOT_MEDIA_DIR": str(tmp_path / "media"),
        "REPORTBOT_MIRROR_XLSX": str(tmp_path / "mirror.xlsx"),
    }
    said = run_cli(["chat"], env=env, cwd=tmp_path, stdin="", timeout=120)
    assert said.returncode == 0, said.stderr[-2000:]
    assert "reportbot: mẫu chưa được tải: " in said.stderr
    assert "hong.yaml" in said.stderr
