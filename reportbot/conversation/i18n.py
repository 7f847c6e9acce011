"""Every sentence the bot says, in Vietnamese first and English second.

`say(key, locale, **params)` formats one message. Parsing errors come from
`reportbot.conversation.parsing.PARSE_ERROR_MESSAGES` and are merged here, so there is one
catalogue to review.
"""

from __future__ import annotations

from reportbot.conversation.parsing import PARSE_ERROR_MESSAGES
from reportbot.conversation.texts_bind import BIND_MESSAGES
from reportbot.conversation.texts_edits import EDIT_MESSAGES
from reportbot.conversation.texts_opening import OPENING_MESSAGES
from reportbot.conversation.texts_types import TYPE_MESSAGES
from reportbot.vocabulary.catalogue import register, render

MESSAGES: dict[str, dict[str, str]] = {
    "welcome": {
        "vi": "Xin chào {name}! Tôi là trợ lý báo cáo của {unit}.\n"
        "Gõ /baocao để làm báo cáo, /trogiup để xem các lệnh.",
        "en": "Hello {name}! I am the reporting assistant of {unit}.\n"
        "Type /report to file a report, /help for the commands.",
    },
    "idle_hint": {
        "vi": "Anh/chị muốn làm gì?",
        "en": "What would you like to do?",
    },
    "help": {
        "vi": "Lệnh làm báo cáo:\n"
        "/baocao – làm báo cáo\n"
        "/tieptuc – làm tiếp báo cáo đang dở\n"
        "/quaylai – quay lại câu trước\n"
        "/boqua – bỏ qua câu không bắt buộc\n"
        "/xemlai – xem lại các câu trả lời\n"
        "/sua 5 – sửa câu số 5\n"
        "/gui – gửi báo cáo\n"
        "/huy – dừng lại (câu trả lời đã lưu vẫn còn)\n"
        "Trên Zalo gõ không cần dấu gạch chéo, ví dụ: xem lai, sua 5, gui.",
        "en": "Commands for filing a report:\n"
        "/report – file a report\n"
        "/continue – resume a report in progress\n"
        "/back – previous question\n"
        "/skip – skip an optional question\n"
        "/review – review your answers\n"
        "/edit 5 – change answer 5\n"
        "/submit – submit the report\n"
        "/cancel – stop (saved answers are kept)\n"
        "On Zalo, type the words without the slash, e.g. review, edit 5, submit.",
    },
    "no_unit": {
        "vi": "Tài khoản của anh/chị chưa gắn với đơn vị nào. Xin liên hệ quản trị viên.",
        "en": "Your account is not linked to a unit yet. Please contact the administrator.",
    },
    "no_forms": {
        "vi": "Hiện đơn vị {unit} không có báo cáo nào cần nộp.",
        "en": "There is no report for {unit} to file right now.",
    },
    "choose_report": {
        "vi": "Chọn báo cáo cần làm:",
        "en": "Choose the report to work on:",
    },
    "progress": {"vi": "Câu {index}/{total}", "en": "Question {index}/{total}"},
    # the total moved with a repeat's entries (conversation.repeat_progress)
    "progress_added": {
        "vi": " – thêm {count} câu cho {entries}",
        "en": " – questions added for {entries}: {count}",
    },
    "progress_removed": {
        "vi": " – bớt {count} câu (bỏ {entries})",
        "en": " – questions removed with {entries}: {count}",
    },
    "optional_hint": {
        "vi": "(Không bắt buộc – gõ /boqua để bỏ qua)",
        "en": "(Optional – type /skip to skip)",
    },
    "default_hint": {
        "vi": "(Gõ /boqua để dùng giá trị mặc định: {value})",
        "en": "(Type /skip to use the default: {value})",
    },
    "current_value": {"vi": "Đang ghi: {value}", "en": "Current answer: {value}"},
    "multi_hint": {
        "vi": "Có thể chọn nhiều: gõ các số cách nhau bởi dấu phẩy, ví dụ 1, 3.",
        "en": "You may choose several: type the numbers separated by commas, e.g. 1, 3.",
    },
    "multi_done": {"vi": "✔ Xong", "en": "✔ Done"},
    "attachment_hint": {
        "vi": "Gửi ảnh hoặc tệp vào đây.",
        "en": "Send the photo or file here.",
    },
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "required": {
        "vi": "Câu này bắt buộc, xin anh/chị trả lời.",
        "en": "This question is required, please answer it.",
    },
    "skipped": {"vi": "Đã bỏ qua.", "en": "Skipped."},
    "first_question": {
        "vi": "Đây là câu đầu tiên.",
        "en": "This is the first question.",
    },
    "number_range": {
        "vi": "Xin nhập số từ {min} đến {max}.",
        "en": "Please enter a number from {min} to {max}.",
    },
    "number_min": {"vi": "Xin nhập số từ {min} trở lên.", "en": "Please enter {min} or more."},
    "number_max": {"vi": "Xin nhập số không quá {max}.", "en": "Please enter at most {max}."},
    "text_min": {
        "vi": "Câu trả lời cần ít nhất {min} ký tự.",
        "en": "The answer needs at least {min} characters.",
    },
    "text_max": {
        "vi": "Câu trả lời dài quá: tối đa {max} ký tự.",
        "en": "The answer is too long: at most {max} characters.",
    },
    "text_one_line": {
        "vi": "Xin trả lời trên một dòng.",
        "en": "Please answer on one line.",
    },
    "constraint_failed": {
        "vi": "Câu trả lời chưa hợp lệ, xin kiểm tra lại.",
        "en": "That answer is not valid, please check it.",
    },
    "need_attachment": {
        "vi": "Xin gửi ảnh hoặc tệp (hoặc gõ /boqua nếu không có).",
        "en": "Please send a photo or file (or /skip if you have none).",
    },
    "need_photo": {
        "vi": "Câu này cần một ảnh, xin gửi ảnh.",
        "en": "This question needs a photo, please send one.",
    },
    "attachment_not_expected": {
        "vi": "Câu này không cần tệp đính kèm, xin trả lời bằng chữ.",
        "en": "This question does not take an attachment, please answer in text.",
    },
    "review_title": {
        "vi": "📋 Xem lại: {title} – {period}",
        "en": "📋 Review: {title} – {period}",
    },
    "review_unanswered": {"vi": "— chưa trả lời", "en": "— not answered"},
    "review_footer": {
        "vi": "Gõ /sua <số> để sửa một câu (ví dụ /sua 5), /gui để gửi báo cáo, /tieptuc để "
        "làm tiếp, /quaylai để về câu vừa làm.",
        "en": "Type /edit <number> to change an answer (e.g. /edit 5), /submit to submit, "
        "/continue to go on, /back to return to the last question.",
    },
    # The review while required answers are missing: /gui would only be refused.
    "review_footer_missing": {
        "vi": "Gõ /tieptuc để làm tiếp các câu còn thiếu, /sua <số> để sửa một câu (ví dụ "
        "/sua 5), /quaylai để về câu vừa làm. Trả lời đủ rồi mới gửi được báo cáo.",
        "en": "Type /continue to go on with the missing questions, /edit <number> to change an "
        "answer (e.g. /edit 5), /back to return to the last question. The report can be "
        "sent once they are answered.",
    },
    "report_in_progress": {
        "vi": "Anh/chị đang làm dở “{title}” – kỳ {period}: đã trả lời {done} câu, còn {left} "
        "câu.\n"
        "Bấm “Làm tiếp” để tiếp tục, hoặc “Chọn báo cáo khác”.",
        "en": "You are in the middle of {title} – {period}: {done} answered, {left} to go.\n"
        "Press “Continue” to go on, or “Choose another report”.",
    },
    "button_other_report": {"vi": "Chọn báo cáo khác", "en": "Choose another report"},
    "review_missing": {
        "vi": "Còn {count} câu bắt buộc chưa trả lời (đánh dấu ❗).",
        "en": "Required answers missing: {count} (marked ❗).",  # "1 … answers are" otherwise
    },
    "button_submit": {"vi": "📨 Gửi báo cáo", "en": "📨 Submit"},
    "button_answer_missing": {
        "vi": "▶️ Trả lời câu còn thiếu",
        "en": "▶️ Answer the missing questions",
    },
    "button_report": {"vi": "📝 Làm báo cáo", "en": "📝 File a report"},
    "button_continue": {"vi": "▶️ Làm tiếp", "en": "▶️ Continue"},
    "button_help": {"vi": "❓ Trợ giúp", "en": "❓ Help"},
    "button_edit": {"vi": "✏️ {number}. {label}", "en": "✏️ {number}. {label}"},
    "edit_which": {
        "vi": "Xin ghi số thứ tự câu cần sửa, ví dụ /sua {example} (từ 1 đến {count}).",
        "en": "Please give the number of the answer to change, e.g. /edit {example} "
        "(1 to {count}).",
    },
    "edit_no_report": {
        "vi": "Chưa có báo cáo nào đang mở. Gõ /baocao để bắt đầu.",
        "en": "No report is open. Type /report to start.",
    },
    "missing_required": {
        "vi": "Còn {count} câu bắt buộc chưa trả lời. Mời anh/chị trả lời tiếp:",
        "en": "Required answers missing: {count}. Please continue:",
    },
    "confirm_submit": {
        "vi": "Gửi “{title}” – {period} cho UBND xã? Sau khi gửi vẫn sửa được đến hết "
        "ngày {deadline}.",
        "en": "Submit “{title}” – {period}? You can still change it until the end of {deadline}.",
    },
    "confirm_submit_late": {
        "vi": "Gửi “{title}” – {period} cho UBND xã? Đã quá hạn (hết ngày {deadline}): sau khi "
        "gửi, báo cáo được khoá; muốn sửa phải đề nghị chuyên viên mở lại.",
        "en": "Submit “{title}” – {period}? It is past its deadline ({deadline}): once sent it "
        "is locked; to change it, ask the coordinator to reopen it.",
    },
    "confirm_answer": {
        "vi": "Xin chọn Có để gửi hoặc Không để xem lại.",
        "en": "Please choose Yes to submit or No to go back.",
    },
    "submitted": {
        "vi": "✅ Đã gửi “{title}” – {period} lúc {time} (lần {revision}). Cảm ơn anh/chị!\n"
        "Có thể sửa đến hết ngày {deadline}: gõ /baocao rồi chọn câu cần sửa.",
        "en": "✅ “{title}” – {period} submitted at {time} (revision {revision}). Thank you!\n"
        "You can change it until the end of {deadline}: type /report, then pick an answer.",
    },
    "submitted_late": {
        "vi": "✅ Đã gửi “{title}” – {period} lúc {time} (nộp muộn, hạn là {deadline}). "
        "Cảm ơn anh/chị!",
        "en": "✅ “{title}” – {period} submitted at {time} (late, it was due {deadline}). "
        "Thank you!",
    },
    "resubmitted": {
        "vi": "✅ Đã gửi lại “{title}” – {period} lúc {time} (lần {revision}). Cảm ơn anh/chị!",
        "en": "✅ “{title}” – {period} submitted again at {time} (revision {revision}). Thank you!",
    },
    "submit_cancelled": {
        "vi": "Chưa gửi. Anh/chị có thể xem lại và sửa.",
        "en": "Not submitted. You can review and change your answers.",
    },
    "locked_now": {
        "vi": "Đã hết hạn sửa báo cáo này ({deadline}); thay đổi chưa gửi không được lưu.",
        "en": "The deadline to change this report has passed ({deadline}); unsent changes are "
        "discarded.",
    },
    "cancelled_draft": {
        "vi": "Đã dừng. Các câu trả lời đã được lưu; gõ /tieptuc khi muốn làm tiếp.",
        "en": "Stopped. Your answers are saved; type /continue when you want to go on.",
    },
    "cancelled_edits": {
        "vi": "Đã huỷ các thay đổi chưa gửi. Báo cáo đã gửi vẫn giữ nguyên.",
        "en": "Unsent changes were discarded. The submitted report is unchanged.",
    },
    "nothing_to_cancel": {
        "vi": "Không có gì đang làm dở.",
        "en": "Nothing is in progress.",
    },
    "nothing_to_continue": {
        "vi": "Không có báo cáo nào đang làm dở.",
        "en": "There is no report in progress.",
    },
    "not_in_report": {
        "vi": "Lệnh này dùng khi đang làm báo cáo. Gõ /baocao để bắt đầu.",
        "en": "That command works while filing a report. Type /report to start.",
    },
    "not_in_report_waiting": {
        "vi": "Lệnh này dùng khi đang làm báo cáo. Gõ /tieptuc để làm tiếp báo cáo đang dở.",
        "en": "That command works while filing a report. Type /continue to resume yours.",
    },
    "unknown_command": {
        "vi": "Tôi không hiểu lệnh “{command}”. Gõ /trogiup để xem các lệnh.",
        "en": "I don't know the command “{command}”. Type /help for the commands.",
    },
    "choose_from_list": {
        "vi": "Xin chọn một mục trong danh sách (gõ số thứ tự).",
        "en": "Please choose an item from the list (type its number).",
    },
    "empty_message": {
        "vi": "Tin nhắn trống. Xin gõ câu trả lời hoặc /trogiup.",
        "en": "The message is empty. Please type an answer or /help.",
    },
    "too_long": {
        "vi": "Tin nhắn dài quá ({length} ký tự); xin gửi không quá {max} ký tự.",
        "en": "The message is too long ({length} characters); please keep it under {max}.",
    },
    "unsupported": {
        "vi": "Xin lỗi, tôi chưa đọc được loại tin nhắn này. Xin trả lời bằng chữ.",
        "en": "Sorry, I cannot read this kind of message. Please answer in text.",
    },
    "unexpected_attachment": {
        "vi": "Tôi chưa cần tệp lúc này. Gõ /baocao để làm báo cáo.",
        "en": "I don't need a file right now. Type /report to file a report.",
    },
    "edit_conflict": {
        "vi": "⚠️ {name} cũng đang sửa báo cáo này và vừa thay đổi câu trả lời anh/chị định "
        "sửa. Câu trả lời của anh/chị chưa được lưu; xin xem lại rồi gửi lại nếu cần.",
        "en": "⚠️ {name} is also editing this report and just changed the answer you were "
        "changing. Your answer was not saved; please check it and send it again if needed.",
    },
    "internal_error": {
        "vi": "Xin lỗi, hệ thống đang gặp sự cố; câu trả lời trước đó vẫn được lưu. "
        "Xin thử lại sau ít phút.",
        "en": "Sorry, something went wrong on our side; your earlier answers are saved. "
        "Please try again in a few minutes.",
    },
    "unregistered": {
        "vi": "Xin chào! Để dùng trợ lý báo cáo, anh/chị cần mã mời từ chuyên viên Phòng Văn "
        "hóa - Xã hội. Khi có mã, gửi mã đó vào đây (ví dụ: /start ABCD1234).",
        "en": "Hello! To use the reporting assistant you need an invite code from the "
        "coordinator. When you have it, send it here (e.g. /start ABCD1234).",
    },
    # One reply for an unknown, used or expired code: someone guessing codes learns nothing.
    "invite_refused": {
        "vi": "Mã mời “{code}” không dùng được (sai, đã dùng hoặc đã hết hạn). Xin kiểm tra "
        "lại, hoặc xin chuyên viên Phòng Văn hóa - Xã hội cấp mã mới.",
        "en": "The invite code “{code}” cannot be used (wrong, already used or expired). "
        "Please check it, or ask the coordinator for a new one.",
    },
    "invite_throttled": {
        "vi": "Anh/chị đã thử quá nhiều mã mời. Xin đợi khoảng 10 phút rồi gửi lại mã.",
        "en": "Too many invite codes tried. Please wait about 10 minutes and send the code again.",
    },
    "registered": {
        "vi": "Đăng ký thành công! Anh/chị là {role} của {unit}.",
        "en": "You are registered as {role} of {unit}.",
    },
    "already_registered": {
        "vi": "Tài khoản này đã được đăng ký ({name}, {unit}).",
        "en": "This account is already registered ({name}, {unit}).",
    },
    "role_officer": {"vi": "cán bộ đầu mối", "en": "the reporting officer"},
    "role_coordinator": {"vi": "chuyên viên tổng hợp", "en": "the coordinator"},
    "role_admin": {"vi": "quản trị viên", "en": "the administrator"},
    "group_refusal": {
        "vi": "Báo cáo được làm trong tin nhắn riêng với tôi, không làm trong nhóm. "
        "Xin nhắn riêng cho tôi.",
        "en": "Reports are filed in a private chat with me, not in groups. "
        "Please message me privately.",
    },
    "clear_confirm": {
        "vi": "Đổi câu trả lời này thì {count} câu sau không còn áp dụng và sẽ bị xoá:\n{lines}\n"
        "Anh/chị có đồng ý đổi không?",
        # English counts in brackets or after a colon: "1 answers" otherwise.
        "en": "With this change, answers that no longer apply will be removed ({count}):\n"
        "{lines}\nDo you want to make the change?",
    },
    "clear_confirm_answer": {
        "vi": "Xin chọn Có để đổi (và xoá các câu trên) hoặc Không để giữ nguyên.",
        "en": "Please choose Yes to change (removing the answers above) or No to keep them.",
    },
    "clear_kept": {
        "vi": "Đã giữ nguyên câu trả lời cũ.",
        "en": "The earlier answer is kept.",
    },
    "rule_broken": {
        "vi": "⚠️ Sau thay đổi này, câu {number} ({label}) không còn hợp lệ: {message}\n"
        "Xin trả lời lại câu {number}.",
        "en": "⚠️ After this change, question {number} ({label}) is no longer valid: "
        "{message}\nPlease answer question {number} again.",
    },
    "rules_broken": {
        "vi": "Chưa gửi được: {count} câu trả lời không hợp lệ:\n{lines}\n"
        "Mời anh/chị sửa lần lượt, bắt đầu từ câu {first}:",
        "en": "Not sent yet: answers that break the form's rules ({count}):\n{lines}\n"
        "Please correct them in turn, starting with question {first}:",
    },
    "rule_next": {
        "vi": "Còn câu {number} ({label}) chưa hợp lệ: {message}",
        "en": "Question {number} ({label}) is still not valid: {message}",
    },
    "review_broken": {
        "vi": "⚠️ {value} – {message}",
        "en": "⚠️ {value} – {message}",
    },
    "review_broken_count": {
        "vi": "Có {count} câu trả lời chưa hợp lệ (đánh dấu ⚠️), cần sửa trước khi gửi.",
        "en": "Answers that break the form's rules: {count} (marked ⚠️); correct them before "
        "sending.",
    },
    "review_invalid": {
        "vi": "⚠️ {value} (giá trị không hợp lệ, cần sửa)",
        "en": "⚠️ {value} (not a valid value, please correct it)",
    },
    "stored_value_invalid": {
        "vi": "giá trị đã lưu không hợp lệ, xin nhập lại.",
        "en": "the stored value is not valid, please enter it again.",
    },
}

MESSAGES.update(PARSE_ERROR_MESSAGES)
MESSAGES.update(BIND_MESSAGES)
MESSAGES.update(TYPE_MESSAGES)
MESSAGES.update(EDIT_MESSAGES)
MESSAGES.update(OPENING_MESSAGES)


Catalog = dict[str, dict[str, str]]
"""Messages by key, each a text per language; 'vi' is always present."""

CONVERSATION = register("conversation", MESSAGES)


def localize(catalog: Catalog, key: str, locale: str = "vi", /, **params: object) -> str:
    """Format message `key` of a catalog that is not registered, falling back to Vietnamese.

    Kept for callers holding a bare dict; registered catalogues use `Catalogue.say`.
    """
    return render(catalog[key], locale, params)


def say(key: str, locale: str = "vi", /, **params: object) -> str:
    """Format the conversation's message `key` in `locale` (falling back to Vietnamese)."""
    return render(MESSAGES[key], locale, params)
