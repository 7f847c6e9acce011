"""The publication watch never breaks a message, and sees every change of units' communes.

Before: a failing stamp query (database briefly down, a statement timeout) made `forms()` fail,
so the officer got the internal-error apology every 2 s; on PostgreSQL `id * organisation_id`
overflowed 32 bits once ids passed 2^31 ("integer out of range" on every check); and the
weighted sum could cancel when one import moved several units at once.
"""

from __future__ import annotations

import logging

import pytest

from reportbot.store import sql
from reportbot.store.models import Organisation, Unit
from reportbot.store.publication_watch import PublicationWatch

BIG = 2_000_000_000  # below 2^31 (an INT4 column holds it), its products are far above


async def _commune(code: str, **fields: object) -> Organisation:
    return await Organisation.create(code=code, name=f"Xã {code}", kind="commune", **fields)


async def test_a_failing_check_keeps_the_form_set_and_is_logged_once(
    db: str, caplog: pytest.LogCaptureFixture
) -> None:
    watch = PublicationWatch(recheck_s=0)
    await watch.loading()
    await sql.execute("ALTER TABLE units RENAME TO units_away")
    try:
        with caplog.at_level(logging.WARNING, logger="reportbot.store.publication_watch"):
            answers = [await watch.changed() for _ in range(3)]
    finally:
        await sql.execute("ALTER TABLE units_away RENAME TO units")
    assert answers == [False, False, False]  # the loaded set keeps serving
    failures = [r for r in caplog.records if r.name == "reportbot.store.publication_watch"]
    assert len(failures) == 1, [r.getMessage() for r in failures]
    assert await watch.changed() is False  # back: nothing changed meanwhile
    await Unit.create(code="thon2", name="Thôn 2", type="to_cns")
    assert await watch.changed() is True  # and a change is seen again


async def test_big_ids_do_not_overflow_the_check(db: str) -> None:
    commune = await _commune("xa_lon", id=BIG)
    await Unit.create(id=BIG, code="u_lon", name="Đơn vị lớn", type="phong", organisation=commune)
    watch = PublicationWatch(recheck_s=0)
    await watch.loading()
    assert await watch.changed() is False
    other = await _commune("xa_lon2", id=BIG + 1)
    await Unit.filter(id=BIG).update(organisation_id=other.id)
    assert await watch.changed() is True


async def test_two_units_swapping_communes_in_one_import_is_seen(db: str) -> None:
    first, second = await _commune("xa_a"), await _commune("xa_b")
    a = await Unit.create(code="u_a", name="Đơn vị A", type="phong", organisation=first)
    b = await Unit.create(code="u_b", name="Đơn vị B", type="phong", organisation=second)
    watch = PublicationWatch(recheck_s=0)
    await watch.loading()
    async with sql.transaction():
        await Unit.filter(id=a.id).update(organisation_id=second.id)
        await Unit.filter(id=b.id).update(organisation_id=first.id)
    assert await watch.changed() is True


async def test_moves_that_cancel_in_a_weighted_sum_are_seen(db: str) -> None:
    # Units 1 and 2 (ids as created): +2 on unit 1 and -1 on unit 2 leave sum(id x commune) as
    # it was (1*2 - 2*1 = 0), which the old stamp could not see.
    communes = [await _commune(f"xa_{n}") for n in range(4)]
    one = await Unit.create(code="u_1", name="Đơn vị 1", type="phong", organisation=communes[0])
    two = await Unit.create(code="u_2", name="Đơn vị 2", type="phong", organisation=communes[3])
    watch = PublicationWatch(recheck_s=0)
    await watch.loading()
    moves = {one.id: communes[2].id - communes[0].id, two.id: communes[2].id - communes[3].id}
    assert sum(unit * move for unit, move in moves.items()) == 0  # as the old stamp saw it
    await Unit.filter(id=one.id).update(organisation_id=communes[2].id)
    await Unit.filter(id=two.id).update(organisation_id=communes[2].id)
    assert await watch.changed() is True


async def test_a_postgresql_restart_mid_check_keeps_the_form_set() -> None:
    """At a PostgreSQL restart asyncpg raises ConnectionDoesNotExistError or
    AdminShutdownError, which tortoise passes through unconverted (review finding): the
    check must answer False like any other failure, not break the officer's message."""
    import asyncpg

    answers = iter([((1, 2, 3, 4, 5, 6),)])

    async def rows(_statement: str, _params: object) -> list:
        try:
            return list(next(answers))
        except StopIteration:
            raise asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed") from None

    watch = PublicationWatch(recheck_s=0, rows=rows)
    await watch.loading()
    assert await watch.changed() is False
    assert await watch.changed() is False
