"""The Telegram connector in polling mode against the fake Bot API: messages, buttons, files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from connectors.base import (
    Address,
    AttachmentTooLarge,
    AttachmentUnavailable,
    Choice,
    ConnectorContext,
    DeliveryError,
    FetchesAttachments,
    Incoming,
    Outgoing,
)
from connectors.telegram import TelegramConfigError, create
from connectors.text_split import split_text
from tests.fakes.telegram import FakeTelegram, Script
from tests.telegram_fixtures import wait_seen

USER = 424242
OTHER = 515151


# ------------------------------------------------------------------------- configuration


def test_no_token_means_no_connector() -> None:
    context = ConnectorContext(handler=Script(), env={"REPORTBOT_TELEGRAM_API_URL": "http://x"})
    assert create(context) is None


def test_webhook_without_secret_is_refused() -> None:
    env = {
        "REPORTBOT_TELEGRAM_TOKEN": "1:x",
        "REPORTBOT_TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhook/telegram",
    }
    with pytest.raises(TelegramConfigError, match="WEBHOOK_SECRET"):
        create(ConnectorContext(handler=Script(), env=env))
    env["REPORTBOT_TELEGRAM_WEBHOOK_SECRET"] = "has spaces and ümlauts"
    with pytest.raises(TelegramConfigError, match="WEBHOOK_SECRET"):
        create(ConnectorContext(handler=Script(), env=env))


def test_config_never_shows_the_token() -> None:
    connector = create(
        ConnectorContext(handler=Script(), env={"REPORTBOT_TELEGRAM_TOKEN": "123:SECRET"})
    )
    assert connector is not None
    assert "SECRET" not in repr(connector.config)
    assert connector.capabilities.buttons and connector.capabilities.can_edit
    assert connector.capabilities.max_text_length == 4096


# ------------------------------------------------------------------------- polling basics


async def test_polling_text_round_trip(tg: FakeTelegram, start_bot) -> None:
    script = Script()
    await start_bot(script)
    assert tg.calls_of("deleteWebhook"), "polling must remove any webhook first"
    tg.enqueue(tg.text_update(USER, "xin chào"))
    await tg.wait_bot_messages(USER, 1)
    incoming = script.seen[0]
    assert incoming.platform == "telegram"
    assert incoming.user_id == str(USER) and incoming.chat_id == str(USER)
    assert incoming.text == "xin chào"
    assert incoming.is_private
    assert incoming.display_name == "Nguyễn Văn An"
    assert incoming.language_code == "vi"
    assert incoming.update_id is not None and int(incoming.update_id) > 0
    assert incoming.message_id == "1"
    assert tg.sent_texts(USER) == ["echo: xin chào"]


async def test_polling_confirms_offsets_and_keeps_chat_order(tg: FakeTelegram, start_bot) -> None:
    script = Script()
    await start_bot(script)
    updates = [tg.text_update(USER, f"tin {n}") for n in range(5)]
    updates += [tg.text_update(OTHER, f"khác {n}") for n in range(3)]
    tg.enqueue(*updates)
    await wait_seen(tg, script, 8)
    mine = [i.text for i in script.seen if i.chat_id == str(USER)]
    assert mine == [f"tin {n}" for n in range(5)]
    await tg.wait_for(lambda: not tg.updates, what="updates confirmed by offset")
    offsets = [int(c.params["offset"]) for c in tg.calls_of("getUpdates") if "offset" in c.params]
    assert offsets and offsets[-1] == updates[-1]["update_id"] + 1


async def test_polling_survives_server_errors(tg: FakeTelegram, start_bot) -> None:
    script = Script()
    tg.fail_next("getUpdates", 2, status=502)
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "vẫn nhận được"))
    await wait_seen(tg, script, 1)
    assert script.seen[0].text == "vẫn nhận được"


async def test_command_menu_in_vietnamese_and_english(tg: FakeTelegram, start_bot) -> None:
    await start_bot(Script())
    default = '{"type": "default"}'
    vietnamese = {c["command"] for c in tg.commands[(default, "vi")]}
    english = {c["command"] for c in tg.commands[(default, "en")]}
    assert {"start", "baocao", "gui", "huy"} <= vietnamese
    assert {"start", "report", "submit", "cancel"} <= english
    assert tg.commands[(default, "")] == tg.commands[(default, "vi")]
    descriptions = {c["command"]: c["description"] for c in tg.commands[(default, "vi")]}
    assert descriptions["baocao"] == "Làm báo cáo"


async def test_group_message_is_marked_not_private(tg: FakeTelegram, start_bot) -> None:
    script = Script(lambda i: [Outgoing("Vui lòng nhắn riêng cho bot.")])
    await start_bot(script)
    tg.enqueue(tg.group_text_update(USER, -100123, "/baocao"))
    await wait_seen(tg, script, 1)
    assert script.seen[0].is_private is False
    assert script.seen[0].chat_id == "-100123"
    await tg.wait_for(lambda: tg.sent_texts(-100123) == ["Vui lòng nhắn riêng cho bot."])


async def test_a_sticker_is_unsupported_and_a_voice_note_is_an_audio_file(
    tg: FakeTelegram, start_bot
) -> None:
    script = Script(lambda i: [Outgoing("Bot chỉ đọc được chữ, ảnh và tệp.")])
    await start_bot(script)
    tg.enqueue(tg.sticker_update(USER), tg.voice_update(USER))
    await wait_seen(tg, script, 2)
    assert [i.unsupported for i in script.seen] == ["sticker", None]
    assert all(i.text is None for i in script.seen)
    voice = script.seen[1].attachment
    assert voice is not None and voice.kind == "audio" and voice.mime_type == "audio/ogg"


async def test_handler_failure_gives_a_polite_sorry(tg: FakeTelegram, start_bot) -> None:
    def broken(incoming: Incoming) -> Sequence[Outgoing]:
        raise RuntimeError("database exploded at line 42")

    await start_bot(Script(broken))
    tg.enqueue(tg.text_update(USER, "1"))
    (message,) = await tg.wait_bot_messages(USER, 1)
    assert message["text"].startswith("Xin lỗi")
    assert "Traceback" not in message["text"] and "exploded" not in message["text"]


# ------------------------------------------------------------------------- text handling


async def test_markup_is_sent_literally(tg: FakeTelegram, start_bot) -> None:
    script = Script(lambda i: [Outgoing(f"Anh/chị đã nhập: {i.text}")])
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "<b>x</b> & <i>y"))
    await tg.wait_bot_messages(USER, 1)
    assert tg.sent_texts(USER) == ["Anh/chị đã nhập: <b>x</b> & <i>y"]
    sent = tg.calls_of("sendMessage")[0].params
    assert "parse_mode" not in sent


async def test_long_text_is_split_on_lines_with_keyboard_last(tg: FakeTelegram, start_bot) -> None:
    lines = [f"{n:04d}. " + "câu trả lời " * 8 for n in range(120)]
    text = "\n".join(lines)
    assert len(text) > 2 * 4096
    choices = (Choice("Gửi", "/gui"), Choice("Sửa", "/sua"))
    await start_bot(Script(lambda i: [Outgoing(text, choices=choices)]))
    tg.enqueue(tg.text_update(USER, "/xemlai"))
    await tg.wait_for(lambda: any(m.get("reply_markup") for m in tg.bot_messages(USER)))
    messages = tg.bot_messages(USER)
    assert len(messages) == len(split_text(text, 4096)) >= 3
    assert all(len(m["text"]) <= 4096 for m in messages)
    assert "\n".join(m["text"] for m in messages) == text
    assert [bool(m.get("reply_markup")) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert all(m["text"].split("\n")[0].startswith(("0", "1")) for m in messages)


# ------------------------------------------------------------------------- buttons


def ask(text: str, *labels: str, **kwargs: object) -> Outgoing:
    choices = tuple(Choice(label, f"v{n}") for n, label in enumerate(labels))
    return Outgoing(text, choices=choices, **kwargs)  # type: ignore[arg-type]


async def test_choice_buttons_press_and_edit(tg: FakeTelegram, start_bot) -> None:
    def reply(incoming: Incoming) -> Sequence[Outgoing]:
        if incoming.choice is None:
            return [
                ask(
                    "Đơn vị đã ban hành kế hoạch chưa?",
                    "Có",
                    "Không",
                    "Đang xây dựng kế hoạch thực hiện",
                    question_id="co_ke_hoach",
                )
            ]
        return [Outgoing(f"Đã lưu: {incoming.choice}")]

    script = Script(reply)
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "/baocao"))
    (question,) = await tg.wait_bot_messages(USER, 1)
    assert tg.buttons(question) == [["Có", "Không"], ["Đang xây dựng kế hoạch thực hiện"]]

    tg.enqueue(tg.press(USER, "Không"))
    await tg.wait_for(lambda: "Đã lưu: v1" in tg.sent_texts(USER))
    assert script.seen[-1].choice == "v1"
    assert script.seen[-1].text is None
    assert len(tg.answered_callbacks) == 1
    edited = tg.bot_messages(USER)[0]
    assert edited["text"] == "Đơn vị đã ban hành kế hoạch chưa?\n\n✅ Không"
    assert "reply_markup" not in edited
    edit_call = tg.calls_of("editMessageText")[0]
    send_after = tg.calls_of("sendMessage")[-1]
    assert edit_call.at <= send_after.at, "the question is edited before the next message"


async def test_command_button_is_a_choice_without_edit(tg: FakeTelegram, start_bot) -> None:
    review = Outgoing(
        "Xem lại:\n1. Có kế hoạch: Có",
        choices=(Choice("Sửa câu 1", "/sua 1"), Choice("Gửi báo cáo", "/gui")),
    )
    script = Script(lambda i: [review] if i.choice is None else [Outgoing("Câu 1: ...")])
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "/xemlai"))
    await tg.wait_bot_messages(USER, 1)
    tg.enqueue(tg.press(USER, "Sửa câu 1"))
    await tg.wait_bot_messages(USER, 2)
    assert script.seen[-1].choice == "/sua 1"
    assert not tg.calls_of("editMessageText")
    assert tg.bot_messages(USER)[0].get("reply_markup"), "review keyboard stays usable"
    assert len(tg.answered_callbacks) == 1


async def test_too_many_choices_fall_back_to_numbers(tg: FakeTelegram, start_bot) -> None:
    labels = [f"Thôn {n}" for n in range(1, 131)]
    await start_bot(Script(lambda i: [ask("Chọn thôn:", *labels)]))
    tg.enqueue(tg.text_update(USER, "bắt đầu"))
    (message,) = await tg.wait_bot_messages(USER, 1)
    assert "reply_markup" not in message
    assert "1. Thôn 1" in message["text"] and "130. Thôn 130" in message["text"]


async def test_multi_select_toggles_then_done(tg: FakeTelegram, start_bot) -> None:
    question = ask(
        "Sự kiện đã tổ chức?",
        "Ngày KH&CN Việt Nam (18/5)",
        "Ngày Đổi mới sáng tạo (1/10)",
        "Ngày Chuyển đổi số (10/10)",
        multi=True,
        selected=("v0",),
    )

    def reply(incoming: Incoming) -> Sequence[Outgoing]:
        if incoming.choices is None:
            return [question]
        return [Outgoing("Đã lưu " + ",".join(incoming.choices))]

    script = Script(reply)
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "bắt đầu"))
    (message,) = await tg.wait_bot_messages(USER, 1)
    assert tg.buttons(message) == [
        ["☑ Ngày KH&CN Việt Nam (18/5)"],
        ["☐ Ngày Đổi mới sáng tạo (1/10)"],
        ["☐ Ngày Chuyển đổi số (10/10)"],
        ["✅ Xong / Done"],
    ]
    # Two quick presses carrying the same (old) copy of the message: both must count.
    first = tg.press(USER, "Chuyển đổi số")
    second = tg.press(USER, "18/5")
    tg.enqueue(first, second)
    # The keyboard's last state (the first edit may give way to the second, unsent).
    await tg.wait_for(lambda: tg.buttons(tg.bot_messages(USER)[0])[0][0].startswith("☐"))
    await tg.wait_for(lambda: len(tg.answered_callbacks) == 2)
    assert len(script.seen) == 1, "toggling does not reach the application"
    assert tg.buttons(tg.bot_messages(USER)[0])[0] == ["☐ Ngày KH&CN Việt Nam (18/5)"]
    assert tg.buttons(tg.bot_messages(USER)[0])[2] == ["☑ Ngày Chuyển đổi số (10/10)"]

    tg.enqueue(tg.press(USER, "Đổi mới"))
    await tg.wait_for(lambda: tg.buttons(tg.bot_messages(USER)[0])[1][0].startswith("☑"))
    tg.enqueue(tg.press(USER, "Xong"))
    await wait_seen(tg, script, 2)
    assert script.seen[-1].choices == ("v1", "v2")
    await tg.wait_for(lambda: "Đã lưu v1,v2" in tg.sent_texts(USER))
    final = tg.bot_messages(USER)[0]
    assert final["text"].endswith("\n\n✅ Ngày Đổi mới sáng tạo (1/10), Ngày Chuyển đổi số (10/10)")
    assert "reply_markup" not in final


async def test_stale_button_on_edited_question_still_answers(tg: FakeTelegram, start_bot) -> None:
    """A press on a message whose edit reports 'not modified' is not an error."""
    script = Script(lambda i: [ask("Có hay không?", "Có", "Không")] if i.choice is None else [])
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "x"))
    (message,) = await tg.wait_bot_messages(USER, 1)
    press = tg.press(USER, "Có")
    stale = tg.callback_update(USER, message["message_id"], press["callback_query"]["data"])
    tg.enqueue(press)
    await tg.wait_calls("editMessageText", 1)  # sent: the stale press's edit cannot replace it
    tg.enqueue(stale)
    await wait_seen(tg, script, 3)
    await tg.wait_calls("editMessageText", 2)
    assert tg.bot_messages(USER)[0]["text"] == "Có hay không?\n\n✅ Có"


# ------------------------------------------------------------------------- files


async def test_photo_arrives_lazily_and_downloads_when_fetched(
    tg: FakeTelegram, start_bot, tmp_path: Path
) -> None:
    script = Script(lambda i: [Outgoing("Đã nhận ảnh.")])
    connector = await start_bot(script)
    content = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    tg.enqueue(tg.photo_update(USER, content, caption="Ảnh hội nghị"))
    await wait_seen(tg, script, 1)
    incoming = script.seen[0]
    attachment = incoming.attachment
    assert attachment is not None and attachment.kind == "photo"
    assert incoming.text == "Ảnh hội nghị"
    # Handed over as a reference: nothing fetched, nothing on disk until the application asks.
    assert attachment.path is None and not tg.calls_of("getFile")
    assert not (tmp_path / "media").exists()
    assert attachment.file_id and tg.files[attachment.file_id].size == len(content)
    assert isinstance(connector, FetchesAttachments)
    folder = tmp_path / "media" / "people" / "7"
    fetched = await connector.fetch_attachment(attachment, folder, 10_000_000)
    assert fetched.path is not None and Path(fetched.path).parent == folder
    assert Path(fetched.path).read_bytes() == content
    assert fetched.size == len(content) and fetched.file_id == attachment.file_id


async def test_document_keeps_name_and_type(tg: FakeTelegram, start_bot, tmp_path: Path) -> None:
    script = Script(lambda i: [])
    connector = await start_bot(script)
    tg.enqueue(tg.document_update(USER, b"%PDF-1.4 bao cao", "Báo cáo Q2.pdf"))
    await wait_seen(tg, script, 1)
    attachment = script.seen[0].attachment
    assert attachment is not None and attachment.kind == "file"
    assert attachment.name == "Báo cáo Q2.pdf" and attachment.mime_type == "application/pdf"
    fetched = await connector.fetch_attachment(attachment, tmp_path / "f", 1_000_000)
    assert fetched.path is not None and fetched.path.endswith(".pdf")
    assert Path(fetched.path).read_bytes() == b"%PDF-1.4 bao cao"
    again = await connector.fetch_attachment(attachment, tmp_path / "f", 1_000_000)
    assert again.path != fetched.path, "each fetch its own file: deleting one spares the other"


async def test_file_over_the_limit_is_refused_before_getfile(
    tg: FakeTelegram, start_bot, tmp_path: Path
) -> None:
    script = Script()
    connector = await start_bot(script, MAX_FILE_MB="1")
    tg.enqueue(tg.document_update(USER, b"x" * 100, "video.mp4", "video/mp4", size=3 * 1024 * 1024))
    tg.enqueue(tg.photo_update(USER, b"y" * 200))
    await wait_seen(tg, script, 2)
    big, small = (incoming.attachment for incoming in script.seen)
    assert big is not None and small is not None
    with pytest.raises(AttachmentTooLarge) as too_large:
        await connector.fetch_attachment(big, tmp_path, 50 * 1024 * 1024)
    # The connector's own limit (1 MB) is lower than what the application allowed.
    assert (too_large.value.size, too_large.value.limit) == (3 * 1024 * 1024, 1024 * 1024)
    assert not tg.calls_of("getFile"), "the declared size already says no"
    with pytest.raises(AttachmentTooLarge) as over_quota:
        await connector.fetch_attachment(small, tmp_path, 150)
    assert over_quota.value.limit == 150, "the application's lower limit (a quota) wins"
    assert list(tmp_path.iterdir()) == []


async def test_file_download_failure_is_unavailable(
    tg: FakeTelegram, start_bot, tmp_path: Path
) -> None:
    script = Script()
    connector = await start_bot(script)
    update = tg.document_update(USER, b"abc", "a.pdf")
    tg.files.clear()  # Telegram no longer knows the file: getFile answers 400
    tg.enqueue(update)
    await wait_seen(tg, script, 1)
    attachment = script.seen[0].attachment
    assert attachment is not None
    with pytest.raises(AttachmentUnavailable):
        await connector.fetch_attachment(attachment, tmp_path / "f", 1_000_000)
    assert not (tmp_path / "f").exists() or list((tmp_path / "f").iterdir()) == []


async def test_download_errors_never_log_the_token(
    tg: FakeTelegram, start_bot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    script = Script()
    connector = await start_bot(script)
    tg.fail_next("download", 1, status=502)  # retried
    tg.fail_next("download", 1, status=404)  # given up
    tg.enqueue(tg.photo_update(USER, b"\xff\xd8 anh"))
    await wait_seen(tg, script, 1)
    attachment = script.seen[0].attachment
    assert attachment is not None
    with pytest.raises(AttachmentUnavailable) as failure:
        await connector.fetch_attachment(attachment, tmp_path / "f", 1_000_000)
    assert len(tg.calls_of("download")) == 2
    assert "404" in caplog.text
    for text in (caplog.text, str(failure.value)):
        assert tg.token not in text and tg.token.split(":")[1] not in text
    assert list((tmp_path / "f").iterdir()) == [], "no partial file left"


async def test_outgoing_attachments_are_uploaded(
    tg: FakeTelegram, start_bot, tmp_path: Path
) -> None:
    chart = tmp_path / "bieu_do.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 50)
    sheet = tmp_path / "tong_hop.xlsx"
    sheet.write_bytes(b"PK\x03\x04 sheet")
    await start_bot(
        Script(
            lambda i: [
                Outgoing("Biểu đồ tổng hợp", attachment_path=str(chart)),
                Outgoing("", attachment_path=str(sheet)),
            ]
        )
    )
    tg.enqueue(tg.text_update(USER, "/tonghop"))
    await tg.wait_bot_messages(USER, 3)
    assert tg.calls_of("sendPhoto")[0].files["photo"] == chart.read_bytes()
    assert tg.calls_of("sendDocument")[0].files["document"] == sheet.read_bytes()
    assert tg.sent_texts(USER) == ["Biểu đồ tổng hợp"]
    kinds = [
        next(k for k in ("photo", "text", "document") if k in m) for m in tg.bot_messages(USER)
    ]
    assert kinds == ["photo", "text", "document"]


# ------------------------------------------------------------------------- send()


async def test_send_delivers_reminders_in_order(tg: FakeTelegram, start_bot) -> None:
    connector = await start_bot(Script())
    address = Address("telegram", str(USER), str(USER))
    button = (Choice("Làm ngay", "/baocao"),)
    await connector.send(address, [Outgoing("Nhắc 1"), Outgoing("Nhắc 2", choices=button)])
    assert tg.sent_texts(USER) == ["Nhắc 1\n\nNhắc 2"], "send() returns once delivered"
    assert tg.buttons(tg.last_bot_message(USER)) == [["Làm ngay"]]
    await connector.send(address, [Outgoing("Nhắc 3"), Outgoing("Nhắc 4")])
    assert tg.sent_texts(USER)[1:] == ["Nhắc 3\n\nNhắc 4"]


async def test_send_to_a_user_who_blocked_the_bot_raises(tg: FakeTelegram, start_bot) -> None:
    connector = await start_bot(Script())
    tg.blocked.add(OTHER)
    with pytest.raises(DeliveryError, match="blocked"):
        await connector.send(Address("telegram", str(OTHER), str(OTHER)), [Outgoing("Nhắc")])
    await connector.send(Address("telegram", str(USER), str(USER)), [Outgoing("Vẫn gửi được")])
    assert tg.sent_texts(USER) == ["Vẫn gửi được"]
