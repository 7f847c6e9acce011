"""The service loads the form set when it starts, so that the first wave of officers does not
wait on that load; a template stored after the start and before the set is first used is seen
all the same, as it was when the set was loaded on first use."""

from __future__ import annotations

from reportbot.conversation.session import UnitInfo
from reportbot.service import ConversationService
from reportbot.store.models import FormTemplateRecord
from reportbot.store.repository import Repository
from tests.conftest import FORMS_DIR, NQ57, TZ, FakeClock
from tests.support import Chat, load_shipped_forms, seed_commune

NQ57_KEY = "nq57_bao_cao_6_thang"
MONTHLY = FORMS_DIR / "example_monthly.yaml"  # only for to_cns units
MONTHLY_KEY = "bao_cao_nhanh_cds_hang_thang"
TEAM = UnitInfo(1, "cns", "Tổ công nghệ số", "to_cns")


async def test_the_forms_are_loaded_when_the_service_starts(db: str, clock: FakeClock) -> None:
    await load_shipped_forms(NQ57)
    service = ConversationService(TZ, clock=clock)
    await service.start()
    try:
        # Withdrawn behind the repository's back (no `store_template`): a set loaded now
        # would be empty, the one loaded at start still offers the form.
        await FormTemplateRecord.all().update(active=False)
        assert list(await service.repository.forms()) == [NQ57_KEY]
    finally:
        await service.close()


async def test_a_template_stored_after_the_start_is_seen_on_first_use(
    db: str, clock: FakeClock
) -> None:
    await load_shipped_forms(NQ57)
    service = ConversationService(TZ, clock=clock)
    await service.start()
    try:
        await load_shipped_forms(MONTHLY)  # after the warm load, before any message
        assert set(await service.repository.forms_for(TEAM)) == {NQ57_KEY, MONTHLY_KEY}
        # From the first use on, the set is kept until the forms are loaded again, as before.
        first = await service.repository.forms()
        await FormTemplateRecord.filter(key=MONTHLY_KEY).update(active=False)
        assert await service.repository.forms() is first
        service.repository.forget_forms()
        assert list(await service.repository.forms()) == [NQ57_KEY]
    finally:
        await service.close()


async def test_an_officer_is_offered_a_form_stored_after_the_start(
    db: str, clock: FakeClock
) -> None:
    await seed_commune()
    service = ConversationService(TZ, clock=clock)
    await service.start()  # no form stored yet: the set loaded at start is empty
    try:
        await load_shipped_forms(NQ57)
        shown = await Chat(service, "u-hoiphunu").say("/baocao")
        assert "6 tháng đầu 2026" in shown, shown  # the form's periods: the form is offered
    finally:
        await service.close()


async def test_with_several_workers_the_forms_are_not_loaded_at_start(db: str) -> None:
    """Another process may store a template before this one's first message: a set loaded at
    start would miss it (the store counter counts this process's stores only)."""
    await load_shipped_forms(NQ57)
    repository = Repository(shared=True)
    await repository.start()
    try:
        await FormTemplateRecord.all().update(active=False)  # as another process would
        assert list(await repository.forms()) == []  # read at first use: the change seen
    finally:
        await repository.close()
