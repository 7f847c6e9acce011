"""The typed state at the store's edge: states stored by earlier versions keep working."""

from __future__ import annotations

import json

from reportbot.service import ConversationService
from reportbot.store.models import Answer, ConversationState, Person, Submission
from tests.support import NQ57_SCRIPT, Chat


async def file_and_submit(chat: Chat) -> None:
    await chat.say("/baocao")
    await chat.say("2")
    for _, typed, _ in NQ57_SCRIPT:
        await chat.say(typed)
    await chat.say("/gui")
    await chat.say("có")


async def test_an_edit_stored_in_the_old_shape_is_sent_after_an_upgrade(
    service: ConversationService,
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await file_and_submit(chat)
    person = await Person.get(unit__code="hoiphunu")
    submission = await Submission.get(unit__code="hoiphunu")
    # What the engine before the typed state stored while an officer changed a sent report.
    old = {
        "mode": "review",
        "form": submission.form_key,
        "period": submission.period_key,
        "overlay": {"so_tin_bai_web": "77"},
        "clears": ["kho_khan"],
        "review": [],
    }
    await ConversationState.filter(person=person).update(data=json.dumps(old))
    service.repository._states.clear()  # a restarted bot reads the state from the database
    assert "77" in await chat.say("/xemlai")
    await chat.say("/gui")
    assert "lần 2" in await chat.say("có")
    stored = await Answer.get(submission=submission, question_id="so_tin_bai_web")
    assert stored.value == "77"
    row = await ConversationState.get(person=person)
    assert json.loads(row.data) == {
        "mode": "idle",
        "last": [submission.form_key, submission.period_key],
    }


async def test_held_edits_are_stored_in_the_shape_earlier_versions_read(
    service: ConversationService,
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await file_and_submit(chat)
    await chat.say("/baocao")
    await chat.say("2")
    await chat.say("/sua 5")
    await chat.say("88")
    person = await Person.get(unit__code="hoiphunu")
    data = json.loads((await ConversationState.get(person=person)).data)
    assert data["mode"] == "review" and data["overlay"] == {"so_tin_bai_web": "88"}
    assert data["clears"] == []
    stored = await Answer.get(submission__unit__code="hoiphunu", question_id="so_tin_bai_web")
    assert stored.value == "12"  # not written before it is sent again
