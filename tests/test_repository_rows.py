"""The repository's first reads of a person's state and a unit's reports, in plain SQL: a fresh
read gives the same views as the cache built step by step from the committed changes
(answers decoded, calculations apart, the moment of sending aware and in UTC)."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

from reportbot.conversation.session import UnitInfo
from reportbot.conversation.state import Mode
from reportbot.service import ConversationService
from reportbot.store.forms import store_template
from reportbot.store.models import ConversationState, Person, Submission
from reportbot.store.repository import Repository
from tests.calc_support import xlsform_template
from tests.conftest import FORMS_DIR, NQ57, FakeClock
from tests.support import Chat, load_shipped_forms, nq57_lines, seed_commune

NQ57_KEY = "nq57_bao_cao_6_thang"
COMPARED = ("id", "version", "status", "revision", "submitted_at", "submitted_by")


async def test_a_fresh_read_of_a_submitted_report_equals_the_cached_view(
    service: ConversationService,
) -> None:
    chat = Chat(service, "u-hoiphunu")
    lines = nq57_lines()
    await chat.say(lines[0])
    for line in ["1", *lines[1:]]:
        await chat.say(line)
    person = await Person.get(name__contains="hoiphunu").prefetch_related("unit")
    unit_id = person.unit.id  # type: ignore[union-attr]
    cached = await service.repository.reports(unit_id)
    fresh = await Repository().reports(unit_id)
    assert list(fresh) == list(cached) and len(fresh) == 1
    (key,) = fresh
    stored, known = fresh[key], cached[key]
    assert stored.status == "submitted" and stored.submitted_by == person.id
    assert stored.submitted_at is not None and stored.submitted_at.utcoffset() == timedelta(0)
    for name in COMPARED:
        assert getattr(stored, name) == getattr(known, name), name
    assert stored.answers == known.answers and len(stored.answers) > 10
    row = await Submission.get(id=stored.id)
    assert stored.submitted_at == row.submitted_at  # the moment the ORM reads
    state = await Repository().conversation(person.id)
    assert state == await service.repository.conversation(person.id)


async def test_calculations_are_read_apart_from_answers(
    db: str, clock: FakeClock, tmp_path: Path
) -> None:
    await seed_commune()
    template = xlsform_template(tmp_path)
    await store_template(template, "can_bo.xlsx", now=clock.now - timedelta(days=365))
    service = ConversationService(UTC, clock=clock)
    chat = Chat(service, "u-hoiphunu")
    for line in ("/baocao", "1", "3", "1"):  # 3 men, 1 woman: 4 in all, 25% women
        await chat.say(line)
    await service.close()
    person = await Person.get(name__contains="hoiphunu").prefetch_related("unit")
    (view,) = (await Repository().reports(person.unit.id)).values()  # type: ignore[union-attr]
    assert view.answers == {"nam": 3, "nu": 1}
    assert view.calculated == {"tong": 4, "ty_le": 25, "xep_loai": "chưa đạt"}


async def test_a_units_forms_are_cached_until_the_forms_are_loaded_again(db: str) -> None:
    await load_shipped_forms(NQ57)
    repository = Repository()
    team = UnitInfo(1, "cns", "Tổ công nghệ số", "to_cns")
    other = UnitInfo(2, "x", "Khác", "khac")  # a type no shipped form is for
    first = await repository.forms_for(team)
    assert list(first) == [NQ57_KEY] and await repository.forms_for(other) == {}
    assert await repository.forms_for(team) is first  # cached: computed once per unit
    await load_shipped_forms(FORMS_DIR / "example_monthly.yaml")  # only for to_cns
    assert await repository.forms_for(team) is first  # the forms are cached as well
    repository.forget_forms()  # what storing a template does (app, template upload)
    again = await repository.forms_for(team)
    assert set(again) == {NQ57_KEY, "bao_cao_nhanh_cds_hang_thang"}
    assert await repository.forms_for(other) == {}


async def test_the_state_read_with_the_person_is_the_stored_one(
    service: ConversationService,
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.say("/baocao")
    await chat.say("2")  # the current period: now answering its first question
    known = await service.repository.person("console", "u-hoiphunu")
    assert known is not None
    answering = await service.repository.conversation(known.id)
    assert answering.mode == Mode.ANSWERING and answering.question is not None

    fresh = Repository()  # a restarted process: the state comes with the person
    person = await fresh.person("console", "u-hoiphunu")
    assert person is not None
    await ConversationState.filter(person_id=person.id).update(data='{"mode": "idle"}')
    # read with the person, before that change: no second read (one process owns its states)
    assert await fresh.conversation(person.id) == answering
    never = await fresh.person("console", "u-vhxh")  # never talked: idle
    assert never is not None and (await fresh.conversation(never.id)).mode == Mode.IDLE

    # Several workers: a state is read on every step, never kept from the person's read.
    shared = Repository(shared=True)
    assert await shared.person("console", "u-hoiphunu") is not None
    assert (await shared.conversation(person.id)).mode == Mode.IDLE
