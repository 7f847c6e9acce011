"""A reminder whose send timed out is uncertain: never resent, not tried on another route."""

from __future__ import annotations

from connectors.base import Address
from connectors.sending import DeliveryUncertain
from reportbot.store.models import Identity, ReminderDelivery
from tests.conftest import FakeClock
from tests.support import load_shipped_forms
from tests.test_reminders_support import RecordingConnector, commune, local, worker_for


async def test_an_uncertain_reminder_stays_sending_and_is_never_resent(db: str) -> None:
    await load_shipped_forms()
    (doubtful, _) = await commune(2)
    # A newer route for the doubtful person, tried first; its send gets no answer. The older
    # route must not be tried after that: the message may have arrived.
    await Identity.create(platform="other", external_id="o-1", chat_id="o-1", person=doubtful)
    clock = FakeClock(local(2026, 6, 17, 8, 0))
    fake = RecordingConnector("fake", clock)
    other = RecordingConnector("other", clock)
    tries: list[str] = []

    async def no_answer(address: Address) -> None:
        tries.append(address.user_id)
        raise DeliveryUncertain("sendMessage: no answer in time")

    other.on_send = no_answer
    worker = worker_for([fake, other], clock)
    for _ in range(3):
        await worker.run_once()
        clock.advance(minutes=1)
    row = await ReminderDelivery.get(person=doubtful, kind="d-3")
    assert (row.status, row.attempts) == ("sending", 1)
    assert tries == ["o-1"], "sent once, never again"
    assert [d.user_id for d in fake.delivered] == ["u-p001"], "no fallback to another route"
