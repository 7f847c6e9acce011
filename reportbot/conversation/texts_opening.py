"""The conversation's messages on opening a report: the intro of a new draft, taking one up
again, a late or locked report, a submitted report opened for changes. Merged into the one
conversation catalogue by `reportbot.conversation.i18n`."""

from __future__ import annotations

OPENING_MESSAGES: dict[str, dict[str, str]] = {
    # above the /baocao menu, per overdue report (listed first: conversation.menu_order)
    "menu_overdue": {
        "vi": "⏰ Số {number} ({period}) quá hạn {late} ngày (hạn {deadline}): nên làm trước.",
        "en": "⏰ No. {number} ({period}) – days overdue: {late} (due {deadline}): do it first.",
    },
    "report_intro": {
        "vi": "📋 {title}\nKỳ: {period}. Hạn nộp: hết ngày {deadline}.\n"
        "Gồm {total} câu hỏi{branching}. Câu trả lời được lưu ngay sau mỗi câu.",
        "en": "📋 {title}\nPeriod: {period}. Due by the end of {deadline}.\n"
        "Questions: {total}{branching}. Each answer is saved as soon as you send it.",
    },
    # The intro counts the form's numbered questions, as "Câu 2/27" does; when some of them
    # depend on earlier answers it says so, rather than a second, smaller count. Both notes
    # share one bracket, joined with "; " (conversation.opening).
    "intro_branching": {
        "vi": "có câu chỉ hỏi tùy câu trả lời trước",
        "en": "some asked only depending on earlier answers",
    },
    "intro_repeats": {
        "vi": "thêm câu cho mỗi mục “{entries}”",
        "en": "more for each “{entries}” entry",
    },
    "report_resume": {
        "vi": "Tiếp tục “{title}” – {period}: đã trả lời {done} câu, còn {left} câu.",
        "en": "Resuming {title} – {period}: {done} answered, {left} to go.",
    },
    # Nothing required is empty: the questions "left" are optional ones, skipped or not seen.
    "report_resume_optional": {
        "vi": "Tiếp tục “{title}” – {period}: đã trả lời {done} câu, đủ các câu bắt buộc; "
        "{left} câu không bắt buộc còn để trống.",
        "en": "Resuming {title} – {period}: {done} answered, all required answers given; "
        "optional questions left empty: {left}.",
    },
    "report_late_note": {
        "vi": "Lưu ý: kỳ này đã quá hạn ({deadline}); báo cáo sẽ được ghi nhận nộp muộn.",
        "en": "Note: this period is overdue ({deadline}); the report will count as late.",
    },
    "report_locked": {
        "vi": "“{title}” – {period} đã gửi và đã hết hạn sửa ({deadline}). "
        "Nếu cần sửa, xin liên hệ chuyên viên Phòng Văn hóa - Xã hội để mở lại.",
        "en": "{title} – {period} was submitted and can no longer be changed (due {deadline}). "
        "Ask the coordinator to reopen it if you need to.",
    },
    "report_submitted_edit": {
        "vi": "“{title}” – {period} đã gửi (lần {revision}). Anh/chị có thể sửa đến hết "
        "ngày {deadline}: chọn câu cần sửa rồi gõ /gui để gửi lại, /huy để bỏ thay đổi.",
        "en": "{title} – {period} was submitted (revision {revision}). You can change it until "
        "the end of {deadline}: pick an answer to change, then /submit again, or /cancel.",
    },
    # /baocao while a sent report is open (conversation.opening): sent, not "làm dở"; its
    # empty optional questions are no work left.
    "report_open_sent": {
        "vi": "Anh/chị đang mở “{title}” – kỳ {period}, đã gửi (lần {revision}).{changes}\n"
        "Bấm “Làm tiếp” để tiếp tục, hoặc “Chọn báo cáo khác”.",
        "en": "You have {title} – {period} open, submitted (revision {revision}).{changes}\n"
        "Press “Continue” to go on, or “Choose another report”.",
    },
    "report_open_reopened": {
        "vi": "Anh/chị đang mở “{title}” – kỳ {period}, đã gửi (lần {revision}) và được mở "
        "lại để sửa.{changes}\nBấm “Làm tiếp” để tiếp tục, hoặc “Chọn báo cáo khác”.",
        "en": "You have {title} – {period} open, submitted (revision {revision}) and reopened "
        "for changes.{changes}\nPress “Continue” to go on, or “Choose another report”.",
    },
    "open_unsent_changes": {
        "vi": " Có thay đổi chưa gửi: gõ /gui để gửi lại.",
        "en": " It has changes not sent yet: /submit to send them.",
    },
    "report_reopened_edit": {
        "vi": "“{title}” – {period} đã được mở lại để sửa. Chọn câu cần sửa, "
        "xong gõ /gui để gửi lại.",
        "en": "{title} – {period} was reopened for changes. Pick an answer to change, "
        "then /submit again.",
    },
}
