"""Optimistic concurrency on a unit's report: two workers (or two officers) never lose an edit.

Two repositories with `shared=True` stand for two worker processes (their own caches, their own
group writers) over one database; the store's version check must refuse the step decided on
an older report, name the colleague when the same question was changed, and let a step on
other questions go through once it re-read the report.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from reportbot.conversation.session import SubmissionChange, SubmissionView
from reportbot.store.models import Answer, Identity, Person, Submission, Unit
from reportbot.store.repository import Repository
from reportbot.store.versions import StaleWrite
from reportbot.store.writer import GroupCommitter, StepWrite
from tests.support import load_shipped_forms, seed_commune

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
KEY = ("nq57_bao_cao_6_thang", "2026-H2")


async def _two_officers() -> tuple[int, Person, Person]:
    """The Women's Union with two officers, and its report stored (version 1, no answers)."""
    people = await seed_commune()
    await load_shipped_forms()
    first = people["hoiphunu"]
    unit = await Unit.get(code="hoiphunu")
    second = await Person.create(name="Trần Thị Bình", unit=unit, role="officer")
    await Identity.create(platform="console", external_id="u-binh", chat_id="u-binh", person=second)
    offer = (await Repository().forms())[KEY[0]]
    view = SubmissionView(KEY[0], KEY[1], offer.template, offer.record_id)
    writer = GroupCommitter()
    try:
        await writer.commit(_write(first.id, unit.id, SubmissionChange(view, create=True)))
    finally:
        await writer.close()
    return unit.id, first, second


def _write(person_id: int, unit_id: int, change: SubmissionChange) -> StepWrite:
    return StepWrite(person_id, unit_id, None, change, None, NOW)


async def _answers() -> dict[str, str]:
    rows = await Answer.filter(submission__unit__code="hoiphunu").values_list(
        "question_id", "value"
    )
    return {str(q): str(v) for q, v in rows}


@pytest.fixture
async def writers(db: str):
    """Two group writers, as two worker processes have."""
    pair = (GroupCommitter(), GroupCommitter())
    yield pair
    for writer in pair:
        await writer.close()


async def test_other_question_is_reapplied_after_reading_again(db: str, writers) -> None:
    unit_id, first, second = await _two_officers()
    worker_a, worker_b = Repository(shared=True), Repository(shared=True)
    view_a = (await worker_a.reports(unit_id))[KEY]
    view_b = (await worker_b.reports(unit_id))[KEY]
    assert view_a.version == view_b.version == 1

    change_a = SubmissionChange(view_a, set_answers={"so_tin_bai_web": 12})
    await writers[0].commit(_write(first.id, unit_id, change_a))
    worker_a.apply(unit_id, change_a, None, NOW)

    stale = SubmissionChange(view_b, set_answers={"so_video_web": 2})
    with pytest.raises(StaleWrite) as refused:
        await writers[1].commit(_write(second.id, unit_id, stale))
    assert refused.value.other is None  # a different question: nobody to name
    assert await _answers() == {"so_tin_bai_web": "12"}  # the stale step wrote nothing

    # Worker B's cache is checked against the stored version on read: it reads again.
    fresh = (await worker_b.reports(unit_id))[KEY]
    assert fresh.version == 2 and fresh.answers == {"so_tin_bai_web": 12}
    again = SubmissionChange(fresh, set_answers={"so_video_web": 2})
    await writers[1].commit(_write(second.id, unit_id, again))
    assert await _answers() == {"so_tin_bai_web": "12", "so_video_web": "2"}
    assert (await Submission.get(unit_id=unit_id)).version == 3


async def test_same_question_names_the_colleague(db: str, writers) -> None:
    unit_id, first, second = await _two_officers()
    worker_a, worker_b = Repository(shared=True), Repository(shared=True)
    view_a = (await worker_a.reports(unit_id))[KEY]
    view_b = (await worker_b.reports(unit_id))[KEY]
    await writers[0].commit(
        _write(second.id, unit_id, SubmissionChange(view_a, set_answers={"kinh_phi": 5}))
    )
    with pytest.raises(StaleWrite) as refused:
        await writers[1].commit(
            _write(first.id, unit_id, SubmissionChange(view_b, set_answers={"kinh_phi": 9}))
        )
    assert refused.value.other == "Trần Thị Bình"
    assert await _answers() == {"kinh_phi": "5"}


async def test_one_batch_two_officers_same_question(db: str) -> None:
    """Two steps in one batch of one writer, both decided on the same version: one passes."""
    unit_id, first, second = await _two_officers()
    view = (await Repository().reports(unit_id))[KEY]
    writer = GroupCommitter()
    try:
        results = await asyncio.gather(
            writer.commit(
                _write(first.id, unit_id, SubmissionChange(view, set_answers={"kinh_phi": 1}))
            ),
            writer.commit(
                _write(second.id, unit_id, SubmissionChange(view, set_answers={"kinh_phi": 2}))
            ),
            return_exceptions=True,
        )
    finally:
        await writer.close()
    assert writer.batches == 1  # both were written (or refused) in one transaction
    assert results[0] is None
    assert isinstance(results[1], StaleWrite) and results[1].other == "Cán bộ hoiphunu"
    assert await _answers() == {"kinh_phi": "1"}
