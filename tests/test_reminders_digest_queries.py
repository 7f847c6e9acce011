"""The digests of a run cost a fixed number of queries, however many coordinators get one.

Each coordinator's scope (their commune or province) and its units were read per digest: three
queries or more per coordinator. Counted here from tortoise's own query log
("tortoise.db_client" logs every statement at DEBUG), never timed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from reportbot.periods import period_by_key
from reportbot.reminders.schedule import COORDINATORS, DIGEST_BEFORE, Due, Recipient, Slot
from reportbot.store.models import Person, Unit
from reportbot.store.queries.organisations import add_organisation, set_person_organisation
from tests.conftest import FakeClock
from tests.support import load_shipped_forms
from tests.test_reminders_support import FORM, PERIOD, TZ, file_report, local, worker_for

COMMUNES = 5


class _Statements(logging.Handler):
    """Counts the SQL statements tortoise runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lstrip().upper()
        if text.startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.count += 1


@pytest.fixture
def statements() -> Iterator[_Statements]:
    log = logging.getLogger("tortoise.db_client")
    handler, level = _Statements(), log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


async def _coordinators(count: int) -> list[int]:
    """`count` coordinators, spread over the province, its communes and the deployment."""
    province = await add_organisation(f"tinh-{count}", f"Tỉnh {count}", "province")
    communes = [
        await add_organisation(f"xa-{count}-{n}", f"Xã {count}-{n}", parent=province.code)
        for n in range(COMMUNES)
    ]
    for n, commune in enumerate(communes):
        for k in range(2):
            unit = await Unit.create(
                code=f"u{count}-{n}-{k}",
                name=f"Đơn vị {count}-{n}-{k}",
                type="doan_the",
                organisation_id=commune.id,
            )
            if k == 0:
                await file_report(unit, local(2026, 6, 10, 9, 0))
    unit = await Unit.get(code=f"u{count}-0-0")
    ids = []
    for n in range(count):
        person = await Person.create(name=f"Chuyên viên {n}", unit=unit, role="coordinator")
        where = [None, province.id, *(c.id for c in communes)][n % (COMMUNES + 2)]
        if where is not None:
            await set_person_organisation(person.id, where)
        ids.append(person.id)
    return ids


async def _digest_statements(count: int, statements: _Statements) -> tuple[int, list[str]]:
    clock = FakeClock(local(2026, 6, 19, 9, 0))
    worker = worker_for([], clock)
    templates = await worker.templates()
    period = period_by_key(templates[FORM].period, PERIOD, TZ)
    slot = Slot(FORM, period, DIGEST_BEFORE, COORDINATORS, clock(), clock() + timedelta(days=1))
    dues = [Due(slot, Recipient(person_id, None)) for person_id in await _coordinators(count)]
    before = statements.count
    texts = await worker.digest_messages(dues, templates, {"fake"})
    return statements.count - before, [text.text for text in texts]


async def test_digests_of_50_coordinators_cost_what_5_cost(
    db: str, statements: _Statements
) -> None:
    await load_shipped_forms()
    few, _ = await _digest_statements(5, statements)
    many, many_texts = await _digest_statements(50, statements)
    print(f"queries for the digests: 5 coordinators {few}, 50 coordinators {many}")
    assert many == few
    # 10 when written (23 for 5 coordinators and 146 for 50 before the batching), 11 since the
    # units are named by the reader's scope (one read of whether the deployment spans several
    # communes, per form and period); 0 would mean the counter saw nothing, and then
    # `many == few` would prove nothing.
    assert 0 < few <= 11
    assert len(many_texts) == 50
    # still each coordinator's own units: the deployment's (no commune) hears of every unit
    # of the period, the province's of its communes', a commune's of its own unit alone
    everything, province, commune = many_texts[0], many_texts[1], many_texts[2]
    assert "Đơn vị 5-0-1" in everything and "Đơn vị 50-4-1" in everything
    assert "Đơn vị 50-4-1" in province and "Đơn vị 5-0-1" not in province
    assert "Đơn vị 50-0-1" in commune and "Đơn vị 50-1-1" not in commune
