"""What Zalo OA really sends, beyond texts and photos: files, links, group chats, rate limits.

Each event is built by the fake (`tests/fakes/zalo_oa.py`), which cites the Zalo page or the
public integration it copies the shape from; everything goes over real HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from connectors.base import Address, Outgoing
from tests.fakes._server import ScriptedHandler
from tests.fakes.zalo_oa import FakeZaloOa

PDF = b"%PDF-1.4\n% bao cao\n"


async def test_a_file_the_officer_sends_is_downloaded_as_a_file(
    oa_fake: FakeZaloOa, oa: Callable[..., Any], tmp_path: Path
) -> None:
    handler = ScriptedHandler(lambda m: [Outgoing(text="Đã nhận")])
    connector, url = await oa(handler)
    link = oa_fake.add_photo("bao-cao-thang-11.pdf", PDF, "application/pdf")
    event = oa_fake.file_event("u-1", link, "Báo cáo tháng 11.pdf", msg_id="file-1")
    assert await oa_fake.post_event(url, event) == 200
    [incoming] = handler.incoming
    assert incoming.unsupported is None, "a file is an answer, not something unreadable"
    assert incoming.attachment is not None
    assert incoming.attachment.kind == "file"
    assert incoming.attachment.name == "Báo cáo tháng 11.pdf"
    # Lazy (its URL) until the media gate, at a file question, has the connector fetch it.
    assert incoming.attachment.path is None and incoming.attachment.file_id == link
    fetched = await connector.fetch_attachment(incoming.attachment, tmp_path / "media", 10**6)
    assert fetched.path is not None and fetched.name == "Báo cáo tháng 11.pdf"
    assert Path(fetched.path).read_bytes() == PDF
    assert Path(fetched.path).parent == tmp_path / "media"


async def test_a_pasted_link_is_read_as_its_text(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    drive = "https://drive.google.com/drive/folders/1AbC-anh-hien-truong"
    assert await oa_fake.post_event(url, oa_fake.link_event("u-1", drive)) == 200
    # With a text too (what the user typed around the link), that text is the answer.
    typed = oa_fake.link_event("u-1", drive, text=f"Ảnh ở đây: {drive}")
    assert await oa_fake.post_event(url, typed) == 200
    bare, with_text = handler.incoming
    assert bare.unsupported is None and bare.text == drive
    assert with_text.text == f"Ảnh ở đây: {drive}"


async def test_a_location_sent_at_the_top_of_the_message_is_read(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    # The shape of the public guide github.com/hoangnd25/monorepo (wip/zalo-platform-
    # integration.md, "Incoming Location Message"): `message.location`, strings.
    event = oa_fake.event(
        "user_send_location", "u-1", location={"latitude": "10.762622", "longitude": "106.66"}
    )
    assert await oa_fake.post_event(url, event) == 200
    [incoming] = handler.incoming
    assert incoming.location == (10.762622, 106.66, None)


async def test_a_group_message_is_not_answered_privately_again_and_again(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    replies = ScriptedHandler(lambda m: [Outgoing(text="Báo cáo gửi trong chat riêng với OA")])
    _, url = await oa(replies)
    group = "4a9bada229cec09099df"
    assert await oa_fake.post_event(url, oa_fake.group_event(group, "u-7", "chào cả nhóm")) == 200
    [incoming] = replies.incoming
    assert incoming.is_private is False
    assert incoming.user_id == "u-7" and incoming.chat_id == group
    assert incoming.text == "chào cả nhóm"
    await oa_fake.wait_for(lambda: len(oa_fake.group_sent) == 1)
    assert oa_fake.group_sent[0].user_id == group
    assert oa_fake.group_sent[0].text == "Báo cáo gửi trong chat riêng với OA"
    assert oa_fake.sent == [], "nothing went to the person's private chat"


async def test_zalo_rate_limit_answer_is_retried_not_lost(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    connector, url = await oa(ScriptedHandler(lambda m: [Outgoing(text="Câu 2: Số lớp học?")]))
    oa_fake.refuse_next(times=2)  # -32 "Your application reached limit call api"
    assert await oa_fake.post_event(url, oa_fake.text_event("u-1", "12")) == 200
    await oa_fake.wait_sent("u-1", 1, timeout=5.0)
    assert oa_fake.texts("u-1") == ["Câu 2: Số lớp học?"]
    oa_fake.refuse_next()
    await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing(text="Nhắc hạn nộp")])
    assert oa_fake.texts("u-1")[-1] == "Nhắc hạn nộp"


async def test_a_signed_event_the_bot_ignores_is_never_refused(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    # A ZNS delivery receipt as a public guide shows it (github.com/hoangnd25/monorepo,
    # wip/zalo-platform-integration.md, "Template Delivery Webhook"): `sender` and `recipient`
    # are bare strings. A 4xx would be a failed delivery to Zalo: retried, and the webhook
    # disabled after enough of them, with every officer's message behind it.
    receipt = {
        "app_id": oa_fake.app_id,
        "sender": "1800000000000000001",
        "recipient": "84987654321",
        "event_name": "user_received_message",
        "msg_id": "a4d0243feee163bd3af2",
        "delivery_time": "1626926350000",
        "timestamp": oa_fake.text_event("u-0", "")["timestamp"],
    }
    assert await oa_fake.post_event(url, receipt) == 200
    odd_echo = {**oa_fake.echo_event("u-1", "Chào"), "message": "not an object"}
    assert await oa_fake.post_event(url, odd_echo) == 200
    # A user's message of that shape is still refused: it cannot be read.
    bad = {**oa_fake.text_event("u-1", "x"), "sender": "u-1"}
    assert await oa_fake.post_event(url, bad) == 400
    assert await oa_fake.post_event(url, oa_fake.text_event("u-1", "barrier")) == 200
    assert [m.text for m in handler.incoming] == ["barrier"]


async def test_replies_to_a_group_sent_later_by_address_go_to_the_group(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    # The inbox workers and the recovery send a stored update's replies by its Address.
    connector, _ = await oa(ScriptedHandler())
    group = "4a9bada229cec09099df"
    await connector.send(Address("zalo_oa", "u-7", group), [Outgoing(text="Gửi trong nhóm")])
    await connector.send(Address("zalo_oa", "u-7", "u-7"), [Outgoing(text="Gửi riêng")])
    assert [(s.user_id, s.text) for s in oa_fake.group_sent] == [(group, "Gửi trong nhóm")]
    assert oa_fake.texts() == ["Gửi riêng"]
