"""Invariants of the message map kept in the state for edited messages (property tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reportbot.conversation.state import MESSAGE_MAP_SIZE, ConversationState

PAIRS = st.lists(
    st.tuples(st.sampled_from([str(n) for n in range(40)]), st.sampled_from(["q1", "q2", "q3"])),
    max_size=80,
)


@given(PAIRS)
def test_the_map_keeps_the_latest_answer_of_each_recent_message(pairs: list) -> None:
    state = ConversationState()
    for message_id, qid in pairs:
        state.remember(message_id, qid)
    assert len(state.answered) <= MESSAGE_MAP_SIZE == 20
    assert len({m for m, _ in state.answered}) == len(state.answered)  # one entry per message
    if pairs:
        message_id, qid = pairs[-1]
        assert state.answered_by(message_id) == qid  # the last one is never forgotten
    for message_id, qid in state.answered:
        later = [q for m, q in pairs if m == message_id]
        assert later[-1] == qid  # what a message answered last
    again = ConversationState.from_dict(state.to_dict())
    assert again.answered == state.answered


def test_no_message_id_is_not_remembered() -> None:
    state = ConversationState()
    state.remember(None, "q1")
    state.remember("", "q1")
    assert state.answered == [] and state.answered_by(None) is None
    assert "msgs" not in state.to_dict()
    damaged = ConversationState.from_dict({"mode": "idle", "msgs": [["1"], "x", ["2", "q2"]]})
    assert damaged.answered == [("2", "q2")]
