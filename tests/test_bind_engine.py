"""Answers bound to their question (issue 13, engine side): stale buttons, replies, edited
messages, joined pastes, albums, empty multi-selects and optional files.

The engine is driven through the same `Harness` as tests/test_engine.py; expected numbers and
texts are written by hand from forms/nq57_*.yaml (Câu 1 = co_ke_hoach, Câu 5 = so_tin_bai_web).
"""

from __future__ import annotations

from typing import Any

from connectors.base import Attachment, Outgoing
from connectors.binding import question_token
from reportbot.conversation.state import ConversationState
from tests.support import NQ57_SCRIPT
from tests.test_engine import NQ57_T, Harness

KEY = (NQ57_T.key, "2026-H2")
BINDING = f"{NQ57_T.key}@2025.1@2026-H2"  # form, version, period


def _answers(bot: Harness) -> dict[str, Any]:
    return bot.reports[KEY].answers


def _asked(replies: list[Outgoing]) -> Outgoing:
    return next(r for r in reversed(replies) if r.question_id is not None)


def _open_until(bot: Harness, qid: str, **per_question: dict[str, Any]) -> dict[str, str]:
    """Open the report and answer the script until `qid` is asked; the binding of every
    question asked on the way, by question id. `per_question` adds Incoming fields."""
    bot.say("/baocao")
    replies = bot.send("2")  # the current period (the overdue one is listed first)
    tokens: dict[str, str] = {}
    for question_id, typed, _ in NQ57_SCRIPT:
        asked = _asked(replies)
        assert asked.question_id == question_id
        tokens[question_id] = asked.question or ""
        if question_id == qid:
            return tokens
        replies = bot.send(typed, **per_question.get(question_id, {}))
    raise AssertionError(f"{qid} never asked")


def test_every_question_message_carries_its_binding_with_the_form_version() -> None:
    tokens = _open_until(Harness(), "su_kien")
    assert tokens["co_ke_hoach"] == question_token("co_ke_hoach", BINDING)
    assert tokens["so_tin_bai_web"] == question_token("so_tin_bai_web", BINDING)
    assert len(set(tokens.values())) == len(tokens)


def test_a_tap_on_question_1s_old_keyboard_edits_question_1_not_question_18() -> None:
    bot = Harness()
    tokens = _open_until(bot, "binh_dan_hoc_vu_so")
    assert "Câu 22/27" in bot.say("/tieptuc")  # where the officer is (18th that applies)
    assert _answers(bot)["co_ke_hoach"] == "yes"
    # "Không" on Câu 1 clears the plan's number and date: asked first, as a typed change is.
    confirm = bot.say(choice="no", reply_to_question=tokens["co_ke_hoach"])
    assert "KH-12/HPN" in confirm and _answers(bot)["co_ke_hoach"] == "yes"
    yes = question_token("co_ke_hoach", BINDING)  # the confirmation carries Câu 1's binding
    done = bot.say(choice="yes", reply_to_question=yes)
    assert "Đã sửa câu 1: Không" in done
    assert _answers(bot)["co_ke_hoach"] == "no"
    assert "binh_dan_hoc_vu_so" not in _answers(bot)  # Câu 22 unchanged (unanswered)
    assert bot.state.question == "binh_dan_hoc_vu_so"  # back where the officer was
    assert "Câu 22/27" in done and "Bình dân học vụ số" in done  # re-asked, same number


def test_a_reply_to_an_old_question_edits_it_with_the_same_rules() -> None:
    bot = Harness()
    tokens = _open_until(bot, "tong_so_can_bo")
    refused = bot.say("9999", reply_to_question=tokens["so_tin_bai_web"])
    assert "5.000" in refused and _answers(bot)["so_tin_bai_web"] == 12
    assert bot.state.question == "tong_so_can_bo"
    changed = bot.say("20", reply_to_question=tokens["so_tin_bai_web"])
    assert "Đã sửa câu 5: 20" in changed and _answers(bot)["so_tin_bai_web"] == 20
    assert bot.state.question == "tong_so_can_bo" and "tong_so_can_bo" not in _answers(bot)


def test_a_binding_of_another_form_version_or_a_closed_report_stores_nothing() -> None:
    bot = Harness()
    _open_until(bot, "so_tin_bai_web")
    before = dict(_answers(bot))
    old = question_token("co_ke_hoach", f"{NQ57_T.key}@2024.9@2026-H2")
    assert "đã đóng" in bot.say(choice="no", reply_to_question=old)
    assert _answers(bot) == before and bot.state.question == "so_tin_bai_web"
    other_period = question_token("co_ke_hoach", f"{NQ57_T.key}@2025.1@2026-H1")
    assert "đã đóng" in bot.say(choice="no", reply_to_question=other_period)
    assert _answers(bot) == before
    bot.say("/huy")
    token = question_token("co_ke_hoach", BINDING)
    assert "đã đóng" in bot.say(choice="no", reply_to_question=token)
    assert _answers(bot) == before


def test_an_edited_message_that_answered_a_question_edits_that_answer() -> None:
    bot = Harness()
    _open_until(bot, "tong_so_can_bo", so_tin_bai_web={"message_id": "m5"})
    changed = bot.say("150", edited=True, message_id="m5")
    assert "Đã sửa câu 5: 150" in changed and _answers(bot)["so_tin_bai_web"] == 150
    hint = bot.say("7", edited=True, message_id="m-unknown")
    assert "/sua N" in hint and "tong_so_can_bo" not in _answers(bot)
    assert "/sua N" in bot.say("/gui", edited=True, message_id="m-other")  # never a command
    assert bot.reports[KEY].status == "draft"
    # The map survives the store's edge; states stored before it existed still load.
    stored = bot.state.to_dict()
    assert ["m5", "so_tin_bai_web"] in stored["msgs"]
    assert ConversationState.from_dict(stored).answered_by("m5") == "so_tin_bai_web"
    del stored["msgs"]
    assert ConversationState.from_dict(stored).answered == []


def test_a_joined_paste_is_stored_whole_and_said_to_be_joined() -> None:
    bot = Harness()
    _open_until(bot, "mo_hinh_hay")
    paste = "Mô hình " + "x" * 9_000
    reply = bot.say(paste, parts=3)
    assert "Đã ghép 3 tin nhắn" in reply
    assert _answers(bot)["mo_hinh_hay"] == paste
    assert bot.state.question == "kho_khan"
    refused = bot.say("y" * 10_001)
    assert "tối đa 10.000 ký tự" in refused and "kho_khan" not in _answers(bot)


def test_an_album_is_stored_as_every_file() -> None:
    bot = Harness()
    _open_until(bot, "tep_bao_cao")
    pages = tuple(
        Attachment(kind="photo", path=f"media/7/trang-{n}.jpg", name=f"trang-{n}.jpg")
        for n in (1, 2, 3)
    )
    bot.say(None, attachment=pages[0], attachments=pages)
    value = _answers(bot)["tep_bao_cao"]
    assert [f["path"] for f in value["files"]] == [
        "media/7/trang-1.jpg",
        "media/7/trang-2.jpg",
        "media/7/trang-3.jpg",
    ]
    assert value["name"] == "trang-1.jpg, trang-2.jpg, trang-3.jpg"


def test_an_optional_file_question_offers_a_skip_and_understands_no_file() -> None:
    for typed in ("không có", "Không", "0"):
        bot = Harness()
        _open_until(bot, "tep_bao_cao")
        asked = _asked(bot.send("/tieptuc"))
        assert [c.payload for c in asked.choices] == ["/boqua"]
        assert "gửi ảnh hoặc tệp" in bot.say(None, unsupported="voice")  # not "answer in text"
        assert "Đã bỏ qua" in bot.say(typed)
        assert bot.state.mode == "review" and "tep_bao_cao" not in _answers(bot)


def test_done_with_nothing_ticked_explains_and_keeps_the_keyboard() -> None:
    bot = Harness()
    _open_until(bot, "su_kien")
    replies = bot.send(choices=())
    assert "Chưa chọn mục nào" in replies[0].text
    again = _asked(replies)
    assert again.question_id == "su_kien" and again.multi and again.selected == ()
    assert again.question == question_token("su_kien", BINDING)
    assert "su_kien" not in _answers(bot) and bot.state.question == "su_kien"
    # A refused combination ("not held" with an event) is explained and keeps the ticks.
    refused = bot.send(choices=("chua_to_chuc", "ngay_18_5"))
    kept = _asked(refused)
    assert kept.question_id == "su_kien" and set(kept.selected) == {"chua_to_chuc", "ngay_18_5"}
    assert "su_kien" not in _answers(bot)


def test_an_old_skip_button_never_skips_the_question_asked_now() -> None:
    bot = Harness()
    tokens = _open_until(bot, "tep_bao_cao")
    assert "Câu 24/27" in bot.say("/sua 24")  # back to the good practices (answered)
    kept = _answers(bot)["mo_hinh_hay"]
    # The file question's "Không có" (/boqua), tapped now: it belongs to Câu 27.
    told = bot.say(choice="/boqua", reply_to_question=tokens["tep_bao_cao"])
    assert "Nút này thuộc câu 27" in told and "Câu 24/27" in told
    assert _answers(bot)["mo_hinh_hay"] == kept and bot.state.question == "mo_hinh_hay"
    # Typed, /boqua is the officer's word for the question asked now.
    assert "Đã bỏ qua" in bot.say("/boqua")
    assert "mo_hinh_hay" not in _answers(bot)


def test_every_optional_question_offers_the_skip_as_a_button() -> None:
    bot = Harness()
    _open_until(bot, "mo_hinh_hay")  # optional long text (Câu 24)
    asked = _asked(bot.send("/tieptuc"))
    assert [(c.label, c.payload, c.button_only) for c in asked.choices] == [
        ("⏭ Bỏ qua", "/boqua", True)  # a button only: plain text keeps the /boqua hint
    ]
    required = Harness()
    _open_until(required, "tong_so_can_bo")  # required integer (Câu 13)
    assert _asked(required.send("/tieptuc")).choices == ()
    # The button, tapped where it was asked: the question is skipped.
    skipped = bot.say(choice="/boqua", reply_to_question=asked.question)
    assert "Đã bỏ qua" in skipped and "Câu 25/27" in skipped
    assert "mo_hinh_hay" not in _answers(bot)


def test_an_old_report_chooser_button_is_not_an_answer() -> None:
    bot = Harness()
    menu = bot.send("/baocao")
    chooser = [c.payload for m in menu for c in m.choices]  # "#1", "#2": reports, not options
    bot.say("2")
    for typed in ("có", "KH-12/HPN", "01/03/2026"):
        bot.say(typed)
    assert bot.state.question == "chuyen_muc_web"  # Câu 4, options 1-3
    told = bot.say(choice=chooser[0])  # its "#1" once became option 1 ("Đã có")
    assert "Nút này thuộc một tin nhắn cũ" in told and "Câu 4/27" in told
    assert "chuyen_muc_web" not in _answers(bot) and bot.state.question == "chuyen_muc_web"
    # At a question typed, not tapped, the old button is no "Tin nhắn trống" either.
    bot.say("1")
    told = bot.say(choice=chooser[0])
    assert "Nút này thuộc một tin nhắn cũ" in told and "so_tin_bai_web" not in _answers(bot)
    # A button of the question asked, even an unbound one (sent before buttons were bound).
    fresh = Harness()
    fresh.say("/baocao")
    fresh.say("2")
    assert "Câu 2/27" in fresh.say(choice="yes") and _answers(fresh)["co_ke_hoach"] == "yes"
