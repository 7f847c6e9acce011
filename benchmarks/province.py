"""A province on one deployment (issue 17, step 1): 100 communes x 20 units x 3 officers.

Seeds a province, its communes, 2,000 units (60 % filed a four-question six-monthly report,
10 % have a draft), 6,000 officers with one identity each, one coordinator per commune and
one for the province. Then, median of `--repeats`:

- **who is due**: `reminders.store.outstanding_officers` for 2026-H2 over every officer, the
  form published for every unit (baseline) and then published for the province (every
  commune below it: the publication scope is read and applied);
- **consolidation**: the whole deployment's `consolidate` (baseline: one computation, no
  scope) against the provincial coordinator's `consolidate_scope` (the same figures over the
  2,000 units plus the per-commune breakdown of 100 communes), and one commune's;
- **digests**: the digest facts of every coordinator (100 communes + the province);
- **one spreadsheet per commune** (`benchmarks/_commune_sheets.py`): the cells of one
  commune's own spreadsheet (`--units` units, both periods of Resolution 57, written by the
  real mirror to a local workbook and through gspread to the Sheets fake) against Google's
  10,000,000-cell limit, and the baseline: the other communes in the deployment's one sheet.

Goal of the issue: a provincial consolidation over 2,000 units in <= 2 s.

    .venv/bin/python benchmarks/province.py [--communes 100] [--units 20] [--officers 3]
        [--repeats 3] [--backends sqlite,postgres] [--sheets-only]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._commune_sheets import commune_sheet_cells, print_figures  # noqa: E402
from benchmarks._databases import connected, throwaway_database  # noqa: E402
from reportbot.coordination.reporting.consolidate import consolidate  # noqa: E402
from reportbot.coordination.reporting.province import consolidate_scope  # noqa: E402
from reportbot.forms.loader import parse_yaml_template  # noqa: E402
from reportbot.periods import period_by_key  # noqa: E402
from reportbot.reminders.store import digest_facts, outstanding_officers  # noqa: E402
from reportbot.store.forms import store_template  # noqa: E402
from reportbot.store.models import (  # noqa: E402
    Answer,
    FormTemplateRecord,
    Identity,
    Organisation,
    Person,
    Submission,
    Unit,
)
from reportbot.store.queries.organisations import scope_of, unit_ids_in  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2026, 1, 5, 8, 0, tzinfo=TZ).astimezone(UTC)
NOW = datetime(2026, 12, 22, 9, 0, tzinfo=TZ).astimezone(UTC)
PERIOD = "2026-H2"
BATCH = 2000
FORM = """
key: bao_cao_tinh
version: "1"
title: {vi: Báo cáo số liệu 6 tháng}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: co_ke_hoach, type: yes_no, label: "Đã ban hành kế hoạch chưa?"}
  - {id: so_can_bo, type: integer, label: Tổng số cán bộ}
  - {id: so_quan_triet, type: integer, label: Số cán bộ đã được quán triệt}
  - {id: kinh_phi, type: integer, label: "Kinh phí đã chi (đồng)"}
"""


def bench_identity(person_id: int) -> Identity:
    """Each person's one identity, on the benchmarks' fake platform."""
    user = f"p{person_id}"
    return Identity(platform="bench", external_id=user, chat_id=user, person_id=person_id)


async def seed(
    communes: int,
    units: int,
    officers: int,
    identity: Callable[[int], Identity] = bench_identity,
) -> dict[str, Any]:
    """The province as it stands on 22/12/2026, after the deadline of 2026-H2 (who files is
    the same whatever the date: 60 % filed on 15/12, 10 % have a draft)."""
    rng = random.Random(17)
    template, issues = parse_yaml_template(FORM, "bao_cao_tinh.yaml")
    assert template is not None and not issues, issues
    await store_template(template, "bao_cao_tinh.yaml", now=PUBLISHED)
    record = await FormTemplateRecord.get(key="bao_cao_tinh")
    province = await Organisation.create(code="tinh", name="Tỉnh", kind="province")
    await Organisation.bulk_create(
        [
            Organisation(code=f"xa{c:03d}", name=f"Xã {c:03d}", kind="commune", parent=province)
            for c in range(communes)
        ]
    )
    commune_ids = await Organisation.filter(kind="commune", parent=province).values_list(
        "id", flat=True
    )
    await Unit.bulk_create(
        [
            Unit(
                code=f"x{c}u{u:02d}",
                name=f"Đơn vị {u:02d} xã {c}",
                type="doan_the",
                organisation_id=cid,
            )
            for c, cid in enumerate(commune_ids)
            for u in range(units)
        ],
        batch_size=BATCH,
    )
    unit_ids = await Unit.all().values_list("id", flat=True)
    await Person.bulk_create(
        [
            Person(name=f"Cán bộ {uid}-{k}", unit_id=uid, role="officer")
            for uid in unit_ids
            for k in range(officers)
        ]
        + [
            Person(name=f"Điều phối {cid}", role="coordinator", organisation_id=cid)
            for cid in commune_ids
        ]
        + [Person(name="Điều phối tỉnh", role="coordinator", organisation_id=province.id)],
        batch_size=BATCH,
    )
    await Identity.bulk_create(
        [identity(pid) for pid in await Person.all().values_list("id", flat=True)],
        batch_size=BATCH,
    )
    await _reports(rng, record.id, list(unit_ids))
    return {"template": template, "province": province.id, "commune": commune_ids[0]}


async def _reports(rng: random.Random, record_id: int, unit_ids: list[int]) -> None:
    rolls = {uid: rng.random() for uid in unit_ids}
    filing = [uid for uid in unit_ids if rolls[uid] < 0.7]
    moment = datetime(2026, 12, 15, 9, 0, tzinfo=TZ).astimezone(UTC)
    await Submission.bulk_create(
        [
            Submission(
                form_key="bao_cao_tinh",
                template_id=record_id,
                unit_id=uid,
                period_key=PERIOD,
                status="submitted" if rolls[uid] < 0.6 else "draft",
                revision=1 if rolls[uid] < 0.6 else 0,
                submitted_at=moment if rolls[uid] < 0.6 else None,
                created_at=moment,
                updated_at=moment,
            )
            for uid in filing
        ],
        batch_size=BATCH,
    )
    rows = await Submission.all().values_list("id", flat=True)
    await Answer.bulk_create(
        [
            Answer(submission_id=sid, question_id=qid, value=value, updated_at=moment)
            for sid in rows
            for qid, value in (
                ("co_ke_hoach", '"yes"' if sid % 3 else '"no"'),
                ("so_can_bo", str(10 + sid % 17)),
                ("so_quan_triet", str(5 + sid % 11)),
                ("kinh_phi", str(1_000_000 + 1000 * (sid % 97))),
            )
        ],
        batch_size=BATCH,
    )


async def median(work: Callable[[], Awaitable[Any]], repeats: int) -> tuple[float, Any]:
    """Median seconds of `repeats` runs, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


async def measure(backend: str, args: argparse.Namespace) -> None:
    """Seed one database and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database(backend, Path(folder)) as url, connected(url):
            start = time.perf_counter()
            seeded = await seed(args.communes, args.units, args.officers)
            print(f"[{backend}] seeded in {time.perf_counter() - start:.1f} s")
            template = seeded["template"]
            period = period_by_key(template.period, PERIOD, TZ)
            province = await scope_of(seeded["province"])
            commune = await scope_of(seeded["commune"])

            async def due() -> int:
                return len(await outstanding_officers(template, PERIOD))

            base_due, n_due = await median(due, args.repeats)
            await FormTemplateRecord.filter(key="bao_cao_tinh").update(scope_id=seeded["province"])
            scoped_due, n_scoped = await median(due, args.repeats)
            assert n_due == n_scoped, (n_due, n_scoped)
            print(f"[{backend}] who is due: {n_due} officers owe 2026-H2")
            ratio = scoped_due / base_due
            print(f"  {'published for every unit (baseline)':38} {base_due * 1000:8.1f} ms")
            print(f"  {'published for the province':38} {scoped_due * 1000:8.1f} ms  x{ratio:.2f}")

            def whole() -> Awaitable[Any]:
                return consolidate("bao_cao_tinh", template, period, now=NOW, tz=TZ)

            def scoped(scope: Any) -> Callable[[], Awaitable[Any]]:
                return lambda: consolidate_scope(
                    "bao_cao_tinh", template, period, now=NOW, tz=TZ, scope=scope
                )

            base, data = await median(whole, args.repeats)
            prov, split = await median(scoped(province), args.repeats)
            one, part = await median(scoped(commune), args.repeats)
            assert split.total.filed == data.filed and len(split.communes) == args.communes
            print(f"[{backend}] consolidation, {data.filed}/{data.total} units filed")
            print(f"  {'whole deployment, no scope (baseline)':38} {base * 1000:8.1f} ms")
            label = f"province + {len(split.communes)} communes' breakdown"
            print(f"  {label:38} {prov * 1000:8.1f} ms  x{prov / base:.2f}  (goal <= 2000 ms)")
            label = f"one commune ({part.total.total} units)"
            print(f"  {label:38} {one * 1000:8.1f} ms  x{one / base:.2f}")

            scopes = [await scope_of(cid) for cid in await _communes()] + [province]

            async def digests_each() -> int:  # baseline: every coordinator's facts read alone
                for scope in scopes:
                    await digest_facts(template, PERIOD, scope)
                return len(scopes)

            async def digests_once() -> int:  # what the digest composer does
                whole = await digest_facts(template, PERIOD)
                for scope in scopes:
                    whole.within(await unit_ids_in(scope))
                return len(scopes)

            alone, count = await median(digests_each, 1)
            once, _ = await median(digests_once, args.repeats)
            print(f"[{backend}] digest facts of {count} coordinators")
            print(f"  {'each read alone (baseline)':38} {alone * 1000:8.1f} ms")
            label, ratio = "read once, narrowed per coordinator", once / alone
            print(f"  {label:38} {once * 1000:8.1f} ms  x{ratio:.2f}")


async def _communes() -> list[int]:
    query = Organisation.filter(kind="commune", code__startswith="xa")
    return list(await query.values_list("id", flat=True))


def main() -> None:
    """Parse the options and run each backend."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--officers", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--sheets-only", action="store_true", help="the spreadsheet figure")
    args = parser.parse_args()
    if not args.sheets_only:
        for backend in args.backends.split(","):
            asyncio.run(measure(backend, args))
    sizes = (args.communes, args.units, args.officers)
    print_figures(asyncio.run(commune_sheet_cells(*sizes)), *sizes)


if __name__ == "__main__":
    main()
