"""The conversation's messages about changing answers: a question number that does not apply,
a choice an earlier answer filtered out, a skip with no question asked, a report already sent,
and two officers of one unit on the same report.
Merged into the one conversation catalogue by `reportbot.conversation.i18n`."""

from __future__ import annotations

EDIT_MESSAGES: dict[str, dict[str, str]] = {
    # Stable question numbers (numbering.py): a number of the form that does not apply now.
    "edit_not_applicable": {
        "vi": "Câu {number} không áp dụng với các câu trả lời hiện tại của báo cáo này. "
        "Gõ /xemlai để xem các câu đang áp dụng.",
        "en": "Question {number} does not apply given this report's current answers. "
        "Type /review to see the questions that apply.",
    },
    # cascading selects and repeats
    "choice_filtered_out": {
        "vi": "lựa chọn “{value}” không còn phù hợp với câu trả lời trước, xin chọn lại.",
        "en": "the choice “{value}” no longer fits an earlier answer, please choose again.",
    },
    # /boqua on the review or the "send now?" question: the report is open, no question asked
    "skip_nothing_asked": {
        "vi": "Không có câu hỏi nào đang chờ để bỏ qua. Gõ /sua <số> để sửa một câu, "
        "/tieptuc để làm tiếp.",
        "en": "No question is waiting to be skipped. Type /edit <number> to change an answer, "
        "/continue to go on.",
    },
    # two officers of one unit on the same report (routing.colleagues)
    "edit_overtaken": {
        "vi": "⚠️ {name} cũng đang sửa báo cáo này: câu {number} vừa được sửa thành "
        "“{value}”. Câu trả lời của anh/chị chưa được lưu; gửi lại nếu vẫn muốn sửa.",
        "en": "⚠️ {name} is also editing this report: question {number} was just changed "
        "to “{value}”. Your answer was not saved; send it again to change it anyway.",
    },
    # /gui, /xemlai… once the report was sent and the officer left it (a double tap on "Gửi")
    "already_sent": {
        "vi": "“{title}” – {period} đã gửi (lần {revision}); không có gì mới để gửi. Gõ /tieptuc "
        "để xem lại hoặc sửa (được sửa đến hết ngày {deadline}).",
        "en": "“{title}” – {period} was submitted (revision {revision}); there is nothing new "
        "to send. Type /continue to review or change it (until the end of {deadline}).",
    },
    "already_sent_locked": {
        "vi": "“{title}” – {period} đã gửi (lần {revision}) và đã hết hạn sửa ({deadline}); "
        "muốn sửa, xin đề nghị chuyên viên mở lại.",
        "en": "“{title}” – {period} was submitted (revision {revision}) and can no longer be "
        "changed ({deadline}); to change it, ask the coordinator to reopen it.",
    },
    # /gui on a sent report whose answers are all as sent: nothing is sent, nobody is told
    "unchanged_since_sent": {
        "vi": "“{title}” – {period}: không câu trả lời nào khác với bản đã gửi lần {revision} "
        "lúc {time}, nên không gửi lại. Muốn sửa, gõ /sua <số câu>; gõ /huy để thoát.",
        "en": "“{title}” – {period}: no answer differs from revision {revision}, sent at "
        "{time}, so nothing was sent again. To change an answer, type /edit <number>; "
        "/cancel to leave.",
    },
    # The review of a sent report whose answers are all as sent: /gui would only refuse
    "review_sent": {
        "vi": "Đã gửi lần {revision} lúc {time}; chưa sửa câu nào.",
        "en": "Sent as revision {revision} at {time}; no answer changed since.",
    },
    # The same review after /gui at a question of such a report (one message, not two)
    "review_not_resent": {
        "vi": "Không câu trả lời nào khác với bản đã gửi lần {revision} lúc {time}, nên không "
        "gửi lại.",
        "en": "No answer differs from revision {revision}, sent at {time}, so nothing was "
        "sent again.",
    },
    "review_footer_sent": {
        "vi": "Gõ /sua <số> để sửa một câu rồi /gui để gửi lại, /huy để thoát.",
        "en": "Type /edit <number> to change an answer, then /submit to send it again; "
        "/cancel to leave.",
    },
    "colleague_changed": {
        "vi": "ℹ️ Câu {number} vừa được {name} sửa thành “{value}”.",
        "en": "ℹ️ Question {number} was just changed by {name} to “{value}”.",
    },
}
