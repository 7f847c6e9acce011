"""A form published from the command line reaches officers of the running bot (walk, issue 17).

docs/DEPLOY.md has the IT officer publish with `reportbot forms import mau.xlsx --scope kontum
--yes` while the web process and the workers run. Before the fix each process kept the form set
it had loaded at start (only a publication made in that same process dropped it), so officers
kept being offered the old set until the bot and every worker were restarted: the walk's
officers opened the Resolution 57 report straight away, never asked about the new one.
Here real processes: one `web`, one `worker`, the CLI as a separate process, Telegram faked
(each process keeps its own set: one worker shows what every worker did).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from openpyxl import Workbook

from reportbot.store.models import InboxEntry
from tests.conftest import ROOT
from tests.fakes.telegram import FakeTelegram
from tests.workers_harness import SECRET, Cluster, seed_officers, wait_until

NEW_TITLE = "Báo cáo chuyển đổi số hằng tháng"


def _workbook(path: Path) -> Path:
    """A small XLSForm as an admin makes it: two number questions, monthly, for every unit."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required"])
    survey.append(["integer", "so_hoi_nghi", "Số hội nghị đã tổ chức", "yes"])
    survey.append(["integer", "so_nguoi", "Số người tham dự", "yes"])
    book.create_sheet("choices").append(["list_name", "name", "label"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "version", "period", "deadlines"])
    settings.append(["cds_thang", NEW_TITLE, "1", "monthly", "20"])
    book.save(path)
    return path


async def _cli(cluster: Cluster, *args: str) -> tuple[int, str]:
    """`reportbot ARGS` as the IT officer types it, with the service's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update({"PYTHONPATH": str(ROOT), "REPORTBOT_DATABASE_URL": cluster.database_url})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "reportbot.cli",
        *args,
        cwd=cluster.folder,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def _say(telegram: FakeTelegram, cluster: Cluster, user: int, text: str) -> str:
    """Send one message through the web process; the bot's answer once a worker handled it."""
    before = len(telegram.sent_texts(user))
    done = await InboxEntry.filter(status="done").count()
    status = await telegram.post_webhook(cluster.webhook, telegram.text_update(user, text), SECRET)
    assert status == 200

    async def answered() -> bool:
        handled = await InboxEntry.filter(status="done").count() > done
        return handled and len(telegram.sent_texts(user)) > before

    await wait_until(answered, f"the answer to {text!r}", timeout=90)
    return "\n".join(telegram.sent_texts(user)[before:])


async def _offered_within(
    telegram: FakeTelegram, cluster: Cluster, user: int, seconds: float
) -> None:
    """Type /baocao until the new form is offered, failing after `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    shown = ""
    while asyncio.get_running_loop().time() < deadline:
        shown = await _say(telegram, cluster, user, "/baocao")
        if NEW_TITLE in shown:
            return
        await _say(telegram, cluster, user, "/huy")
        await asyncio.sleep(0.5)
    raise AssertionError(f"the new form was not offered within {seconds} s: {shown}")


async def test_a_form_published_from_the_cli_is_offered_by_running_workers(
    pg: str, tmp_path: Path
) -> None:
    (user,) = await seed_officers(1)
    async with FakeTelegram() as telegram:
        cluster = Cluster(telegram, pg, tmp_path)
        try:
            await cluster.start_all({"web": "web", "worker": "worker"})
            first = await _say(telegram, cluster, user, "/baocao")
            assert NEW_TITLE not in first, first
            await _say(telegram, cluster, user, "/huy")

            code, out = await _cli(
                cluster, "forms", "import", str(_workbook(tmp_path / "mau.xlsx")), "--yes"
            )
            assert code == 0, out
            assert "cds_thang: v1" in out, out

            # Each process looks again at the stored forms every few seconds (FORMS_RECHECK_S).
            await _offered_within(telegram, cluster, user, seconds=30)
            for _ in range(2):  # and keeps offering it
                shown = await _say(telegram, cluster, user, "/baocao")
                assert "Chọn báo cáo cần làm" in shown, shown
                assert NEW_TITLE in shown, shown
        finally:
            codes = await cluster.stop()
        for name, code in codes.items():
            assert code == 0, cluster.log(name)
            assert "Traceback" not in cluster.log(name), cluster.log(name)
