"""Sentences about answers bound to their question: edits from old buttons, replies and
corrected messages, joined pastes, empty multi-selects and skipped files (merged into the
conversation's catalogue by `i18n`)."""

from __future__ import annotations

BIND_MESSAGES: dict[str, dict[str, str]] = {
    "bound_edited": {
        "vi": "Đã sửa câu {number}: {value}",
        "en": "Changed question {number}: {value}",
    },
    "bound_closed": {
        "vi": "Câu hỏi này thuộc một báo cáo đã đóng hoặc không còn mở; không có gì được lưu.",
        "en": "That question belongs to a report that is closed or no longer open; "
        "nothing was stored.",
    },
    "bound_not_applicable": {
        "vi": "Câu {label} không còn áp dụng với các câu trả lời hiện tại; không có gì được lưu.",
        "en": "Question {label} no longer applies with the current answers; nothing was stored.",
    },
    "edit_how": {
        "vi": "Tôi không dùng được tin nhắn đã sửa. Để sửa một câu trả lời, gõ /xemlai rồi "
        "/sua N (N là số thứ tự của câu).",
        "en": "I cannot use an edited message. To change an answer, type /review, then "
        "/edit N (N is the question's number).",
    },
    "parts_joined": {
        "vi": "Đã ghép {parts} tin nhắn thành một câu trả lời ({length} ký tự).",
        "en": "Joined {parts} messages into one answer ({length} characters).",
    },
    "typed_before_asked": {
        "vi": "Tin nhắn “{text}” được gửi lại trước khi câu hỏi dưới đây hiện ra (câu trước đã "
        "nhận câu trả lời này), nên chưa dùng cho câu này. Nếu câu dưới cũng có câu trả lời "
        "đó, xin gõ lại “{text}”.",
        "en": "Your message “{text}” was sent again before the question below appeared (the "
        "question before already has this answer), so it was not used for it. If it is also "
        "the answer to the question below, please type “{text}” again.",
    },
    "typed_before_review": {
        "vi": "Tin nhắn “{text}” được gửi lại trước khi bảng xem lại hiện ra (câu vừa sửa đã "
        "nhận câu trả lời này), nên không mở câu {text}. Muốn sửa câu {text}, gõ /sua {text}.",
        "en": "Your message “{text}” was sent again before the review appeared (the question "
        "just changed already has this answer), so question {text} was not opened. To change "
        "question {text}, type /edit {text}.",
    },
    "bound_stale_button": {
        "vi": "Nút này thuộc câu {number}, không phải câu đang hỏi; không có gì thay đổi.",
        "en": "That button belongs to question {number}, not the one being asked; nothing changed.",
    },
    "stale_button": {
        "vi": "Nút này thuộc một tin nhắn cũ, không phải câu đang hỏi; không có gì thay đổi.",
        "en": "That button belongs to an older message, not the question being asked; "
        "nothing changed.",
    },
    "multi_none": {
        "vi": "Chưa chọn mục nào. Xin bấm vào các mục để đánh dấu ☑ rồi bấm Xong.",
        "en": "Nothing is ticked yet. Tap the items to tick them ☑, then tap Done.",
    },
    "button_skip_file": {"vi": "Không có", "en": "None"},
    "button_skip": {"vi": "⏭ Bỏ qua", "en": "⏭ Skip"},
}
