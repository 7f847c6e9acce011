"""Turning Outgoing messages into Telegram messages and keyboards (pure functions)."""

from __future__ import annotations

from connectors.base import Choice, Outgoing
from connectors.telegram import keyboards
from connectors.telegram.render import pieces


def labels(markup) -> list[list[str]]:
    return [[button.text for button in row] for row in markup.inline_keyboard]


def test_plain_messages_join_the_next_one() -> None:
    question = Outgoing("Câu 2/19\nSố hiệu kế hoạch", question_id="so_ke_hoach")
    result = pieces([Outgoing("Đã lưu."), Outgoing("Còn 3 câu."), question])
    assert [p.text for p in result] == ["Đã lưu.\n\nCòn 3 câu.\n\nCâu 2/19\nSố hiệu kế hoạch"]
    unjoined = pieces([Outgoing("Đã lưu."), question], join=False)
    assert [p.text for p in unjoined] == ["Đã lưu.", "Câu 2/19\nSố hiệu kế hoạch"]


def test_joining_keeps_the_keyboard_and_the_limit() -> None:
    ask = Outgoing("Có kế hoạch chưa?", choices=(Choice("Có", "yes"), Choice("Không", "no")))
    (joined,) = pieces([Outgoing("Đã bỏ qua."), ask])
    assert joined.text == "Đã bỏ qua.\n\nCó kế hoạch chưa?"
    assert joined.markup is not None and labels(joined.markup) == [["Có", "Không"]]
    long = Outgoing("x" * 4090)
    result = pieces([long, ask])
    assert [p.text for p in result] == ["x" * 4090, "Có kế hoạch chưa?"]


def test_files_come_first_and_are_not_joined() -> None:
    result = pieces(
        [Outgoing("Đây là biểu đồ"), Outgoing("Biểu đồ quý", attachment_path="/m/c.png")]
    )
    assert [(p.text, p.file) for p in result] == [
        ("Đây là biểu đồ", None),
        (None, "/m/c.png"),
        ("Biểu đồ quý", None),
    ]
    assert [p.file for p in pieces([Outgoing("", attachment_path="/m/a.xlsx")])] == ["/m/a.xlsx"]


def test_empty_text_with_buttons_still_sends_the_buttons() -> None:
    (piece,) = pieces([Outgoing("", choices=(Choice("Gửi", "/gui"),))])
    assert piece.text == "…" and piece.markup is not None


def test_keyboard_layout_pairs_short_labels() -> None:
    message = Outgoing(
        "Chọn",
        choices=(
            Choice("Có", "yes"),
            Choice("Không", "no"),
            Choice("Đơn vị chưa có trang thông tin điện tử", "none"),
            Choice("Đã có", "a"),
            Choice("Chưa có", "b"),
            Choice("Khác", "c"),
        ),
    )
    markup = keyboards.build_markup(message, 100)
    assert markup is not None
    assert labels(markup) == [
        ["Có", "Không"],
        ["Đơn vị chưa có trang thông tin điện tử"],
        ["Đã có", "Chưa có"],
        ["Khác"],
    ]


def test_callback_data_fits_telegram_and_reads_back() -> None:
    payload = "p" * 56
    markup = keyboards.build_markup(Outgoing("?", choices=(Choice("A", payload),)), 100)
    assert markup is not None
    data = markup.inline_keyboard[0][0].callback_data
    assert data is not None and len(data.encode()) <= 64
    assert keyboards.decode(data) == keyboards.Press(keyboards.CHOICE, payload)
    assert keyboards.decode("someone else's data") is None
    assert keyboards.decode(None) is None
    too_long = Outgoing("?", choices=(Choice("A", "đ" * 40),))  # 80 bytes
    assert keyboards.build_markup(too_long, 100) is None
    (piece,) = pieces([too_long])
    assert piece.markup is None and "1. A" in (piece.text or "")


def test_multi_select_marks_toggle_and_selection() -> None:
    message = Outgoing(
        "Sự kiện?",
        choices=(Choice("18/5", "a"), Choice("1/10", "b"), Choice("Bỏ qua", "/boqua")),
        multi=True,
        selected=("b",),
    )
    markup = keyboards.build_markup(message, 100)
    assert markup is not None
    assert labels(markup) == [["☐ 18/5", "☑ 1/10"], ["Bỏ qua"], ["✅ Xong / Done"]]
    toggled = keyboards.toggle(keyboards.toggle(markup, "t:a"), "t:b")
    assert labels(toggled)[0] == ["☑ 18/5", "☐ 1/10"]
    assert keyboards.selected(toggled) == [("a", "18/5")]
    assert keyboards.label_of(toggled, "c:/boqua") == "Bỏ qua"
