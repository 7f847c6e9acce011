"""The typed conversation state, its stored shape, the command table and the parsed input."""

from __future__ import annotations

import pytest

from connectors.base import Incoming
from reportbot.conversation.commands import OFFICER_COMMANDS, CommandTable, ParsedCommand
from reportbot.conversation.inputs import prepare
from reportbot.conversation.state import ConversationState, Mode, PendingEdits
from tests.test_engine import NQ57_T, Harness

# States exactly as the engine before the typed state stored them (one per mode and shape).
OLD_STATES = [
    {"mode": "idle"},
    {"mode": "idle", "last": ["nq57_bao_cao_6_thang", "2026-H2"]},
    {"mode": "choosing", "options": [["nq57_bao_cao_6_thang", "2026-H2"], ["m", "2026-11"]]},
    {"mode": "answering", "form": "nq57_bao_cao_6_thang", "period": "2026-H2", "q": "so_video_web"},
    {
        "mode": "answering",
        "form": "nq57_bao_cao_6_thang",
        "period": "2026-H2",
        "q": "so_video_web",
        "edit_one": True,
        "review": ["co_ke_hoach", "so_ke_hoach"],
    },
    {
        "mode": "review",
        "form": "nq57_bao_cao_6_thang",
        "period": "2026-H2",
        "overlay": {"so_tin_bai_web": "77", "kinh_phi": "2500000"},
        "clears": ["kho_khan"],
        "review": ["co_ke_hoach"],
        "last": ["nq57_bao_cao_6_thang", "2026-H1"],
    },
    {"mode": "confirm", "form": "nq57_bao_cao_6_thang", "period": "2026-H2"},
]


@pytest.mark.parametrize("stored", OLD_STATES)
def test_stored_states_of_running_bots_read_and_write_back_unchanged(stored: dict) -> None:
    state = ConversationState.from_dict(stored)
    assert state.to_dict() == stored


def test_the_typed_fields_mean_what_the_old_keys_meant() -> None:
    state = ConversationState.from_dict(OLD_STATES[5])
    assert state.mode is Mode.REVIEW and state.mode == "review"
    assert state.report == ("nq57_bao_cao_6_thang", "2026-H2")
    assert state.last == ("nq57_bao_cao_6_thang", "2026-H1")
    assert state.held is not None and state.held.clears == {"kho_khan"}
    state.held.decode(NQ57_T)
    assert state.held.values == {"so_tin_bai_web": 77, "kinh_phi": 2_500_000}


@pytest.mark.parametrize(
    "damaged",
    [{"mode": "flying"}, {"mode": "answering"}, {"mode": "review", "form": "x"}, {}, None],
)
def test_a_damaged_or_empty_state_reads_as_idle(damaged: dict | None) -> None:
    assert ConversationState.from_dict(damaged).mode is Mode.IDLE


def test_an_edit_held_by_the_old_engine_is_sent_with_the_report() -> None:
    bot = Harness()
    bot.file_whole_report()
    bot.say("/gui")
    bot.say("có")
    view = bot.reports[(NQ57_T.key, "2026-H2")]
    # A bot upgraded while an officer was changing the sent report: the old dict shape.
    bot.state = {
        "mode": "review",
        "form": NQ57_T.key,
        "period": "2026-H2",
        "overlay": {"so_tin_bai_web": "77"},
        "clears": [],
        "review": [],
    }
    assert "77" in bot.say("/xemlai")
    bot.say("/gui")
    assert "lần 2" in bot.say("có")
    assert view.answers["so_tin_bai_web"] == 77 and view.revision == 2


def test_draft_and_sent_report_edits_take_one_shape() -> None:
    bot = Harness()
    bot.say("/baocao")
    bot.say("2")
    bot.say("có")
    assert bot.state.held is None  # a draft's edits are written with their message
    for _, typed, _ in [(None, "KH-1", None), (None, "01/03/2026", None)]:
        bot.say(typed)
    assert bot.reports[(NQ57_T.key, "2026-H2")].answers["so_ke_hoach"] == "KH-1"
    bot2 = Harness()
    bot2.file_whole_report()
    bot2.say("/gui")
    bot2.say("có")
    bot2.say("/baocao")
    bot2.say("2")
    bot2.say("/sua 5")
    bot2.say("77")
    held = bot2.state.held
    assert isinstance(held, PendingEdits) and held.values == {"so_tin_bai_web": 77}
    assert bot2.reports[(NQ57_T.key, "2026-H2")].answers["so_tin_bai_web"] == 12
    assert bot2.state.to_dict()["overlay"] == {"so_tin_bai_web": "77"}


def test_the_engine_never_changes_the_state_it_was_given() -> None:
    bot = Harness()
    bot.file_whole_report()
    bot.say("/gui")
    bot.say("có")
    bot.say("/baocao")
    bot.say("2")
    before = bot.state
    snapshot = before.to_dict()
    bot.say("/sua 5")
    bot.say("77")
    assert before.to_dict() == snapshot


def test_a_command_table_is_an_instance_and_extends_without_leaking() -> None:
    table = OFFICER_COMMANDS.copy()
    table.add("tong hop", "summary")
    table.add("xem", "show")
    assert table.parse("Tổng hợp") == ParsedCommand("summary", "")
    assert table.parse("xem") is None  # one short word alone needs the slash
    assert table.parse("/xem 5") == ParsedCommand("show", "5")
    assert OFFICER_COMMANDS.parse("tong hop") is None
    assert OFFICER_COMMANDS.parse("/tonghop") == ParsedCommand("unknown", "tonghop")
    assert CommandTable().parse("sua 5") == ParsedCommand("edit", "5")
    assert CommandTable().parse("sua 5", bare_words=False) is None


def test_prepare_reads_a_message_once() -> None:
    parsed = prepare(Incoming("t", "1", "1", text="  Gửi  "))
    assert parsed.text == "Gửi" and parsed.command == ParsedCommand("submit", "")
    button = prepare(Incoming("t", "1", "1", text="x", choice="/sua 3"))
    assert button.command == ParsedCommand("edit", "3")
    answer = prepare(Incoming("t", "1", "1", text="gui", choice="gui"), bare_words=False)
    assert answer.command is None
    # Joined pastes are read whole up to 20,000 characters (the question decides what it keeps).
    assert prepare(Incoming("t", "1", "1", text="x" * 20_000)).problem is None
    assert prepare(Incoming("t", "1", "1", text="x" * 20_001)).problem == "too_long"
    assert prepare(Incoming("t", "1", "1", text=" ")).problem == "empty_message"
