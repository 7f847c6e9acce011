"""The coordinators' web page: how long the status page and a report download take.

A commune of U units (60% filed the Resolution 57 report, 10% drafting) on a throwaway
database; one coordinator signed in. Measured over real HTTP (aiohttp client against the
bot's own aiohttp server): the status page `/web/` (median and p95 of R requests) and the
.xlsx report download. Baseline in the same run: the chat's `/tinhhinh`, the same standing
queries rendered as text, through the conversation service.

    .venv/bin/python benchmarks/web.py [--units 13,500] [--requests 20]
        [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from benchmarks._databases import connected, throwaway_database  # noqa: E402
from connectors.base import Incoming  # noqa: E402
from drills.ports import free_port  # noqa: E402
from reportbot.app import Application  # noqa: E402
from reportbot.config import Settings  # noqa: E402
from reportbot.conversation.values import encode_value  # noqa: E402
from reportbot.forms_folder import load_forms  # noqa: E402
from reportbot.store.models import (  # noqa: E402
    Answer,
    FormTemplateRecord,
    Identity,
    Person,
    Submission,
    Unit,
)
from reportbot.web.signin import SignIn  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 19, 9, 0, tzinfo=TZ)
FORM = "nq57_bao_cao_6_thang"
ANSWERS = {"tong_so_can_bo": 20, "so_can_bo_quan_triet": 18, "kinh_phi": 1_500_000}


async def seed(units: int) -> None:
    """U units; 60% submitted, 10% drafting; one coordinator with a console identity."""
    await load_forms([ROOT / "forms" / f"{FORM}.yaml"])
    record = await FormTemplateRecord.filter(key=FORM).first()
    assert record is not None
    await Unit.bulk_create(
        [Unit(code=f"dv{i:04d}", name=f"Đơn vị số {i}", type="phong") for i in range(units)]
    )
    created = await Unit.all().order_by("id")
    moment = NOW - timedelta(days=2)
    for index, unit in enumerate(created):
        share = index % 10
        if share >= 7:
            continue
        submission = await Submission.create(
            form_key=FORM,
            template=record,
            unit=unit,
            period_key="2026-H2",
            status="submitted" if share < 6 else "draft",
            revision=1 if share < 6 else 0,
            submitted_at=moment if share < 6 else None,
            created_at=moment,
            updated_at=moment,
        )
        await Answer.bulk_create(
            [
                Answer(
                    submission=submission, question_id=q, value=encode_value(v), updated_at=moment
                )
                for q, v in ANSWERS.items()
            ]
        )
    person = await Person.create(name="Điều phối", unit=created[0], role="coordinator")
    await Identity.create(platform="console", external_id="coord", chat_id="coord", person=person)


async def timed(run: Callable[[], Awaitable[object]], times: int) -> list[float]:
    """Milliseconds of each of `times` runs (after one warm-up)."""
    await run()
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        await run()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


async def measure(backend: str, units: int, requests: int, workdir: Path) -> None:
    async with throwaway_database(backend, workdir) as url, connected(url):
        await seed(units)
        port = free_port()
        settings = Settings(
            database_url=url,
            media_dir=workdir / "media",
            env={"REPORTBOT_WEB_PUBLIC_URL": f"http://127.0.0.1:{port}"},
        )
        app = Application(settings, clock=lambda: NOW)
        await app.service.start()
        runner = web.AppRunner(app.web_app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        signin = SignIn(
            lambda: NOW, link_lifetime=timedelta(minutes=15), session_lifetime=timedelta(hours=1)
        )
        person = await Person.get(name="Điều phối")
        _state, session = await signin.exchange(await signin.issue_link(person.id))
        cookies = {"reportbot_web": session or ""}
        base = f"http://127.0.0.1:{port}"
        counter = iter(range(10**9))
        try:
            async with aiohttp.ClientSession(cookies=cookies) as http:

                async def page() -> None:
                    async with http.get(f"{base}/web/") as response:
                        assert response.status == 200
                        await response.read()

                async def xlsx() -> None:
                    path = f"{base}/web/bao-cao/{FORM}/2026-H2.xlsx"
                    async with http.get(path) as response:
                        assert response.status == 200
                        await response.read()

                async def chat() -> None:
                    message = Incoming(
                        platform="console",
                        user_id="coord",
                        chat_id="coord",
                        text="/tinhhinh",
                        update_id=f"b{next(counter)}",
                    )
                    replies = await app.service(message)
                    assert "Tình hình" in replies[0].text

                baseline = await timed(chat, requests)
                pages = await timed(page, requests)
                files = await timed(xlsx, max(3, requests // 5))
        finally:
            await runner.cleanup()
            await app.service.close()
        base_ms = statistics.median(baseline)
        for name, values in (
            ("chat /tinhhinh", baseline),
            ("GET /web/", pages),
            ("GET .xlsx", files),
        ):
            median = statistics.median(values)
            print(
                f"| {backend} | {units} | {name} | {len(values)} | {median:,.1f} | "
                f"{p95(values):,.1f} | {median / base_ms:.2f} |"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="13,500")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print("| backend | units | what | runs | median ms | p95 ms | ratio to chat |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            for units in (int(u) for u in args.units.split(",")):
                await measure(backend, units, args.requests, Path(folder))


if __name__ == "__main__":
    asyncio.run(main())
