"""Every sentence the coordination commands say, Vietnamese first and English second."""

from __future__ import annotations

from reportbot.vocabulary.catalogue import register
from reportbot.vocabulary.kinds import PERIOD_KINDS, UNIT_TYPES, period_kind_name, unit_type_name

MESSAGES: dict[str, dict[str, str]] = {
    "refused_coordinator": {
        "vi": "Xin lỗi anh/chị, lệnh này chỉ dành cho chuyên viên tổng hợp và quản trị viên. "
        "Nếu cần, xin liên hệ Phòng Văn hóa - Xã hội.",
        "en": "Sorry, this command is for coordinators and administrators only. "
        "Please contact the Culture and Society Office if you need it.",
    },
    "refused_admin": {
        "vi": "Xin lỗi anh/chị, lệnh này chỉ dành cho quản trị viên. "
        "Nếu cần, xin liên hệ quản trị viên của xã.",
        "en": "Sorry, this command is for administrators only. "
        "Please ask the commune's administrator.",
    },
    "refused_other_unit": {
        "vi": "Xin lỗi anh/chị, anh/chị chỉ xem được báo cáo của đơn vị mình ({unit}). "
        "Gõ /xem để xem báo cáo của đơn vị.",
        "en": "Sorry, you can only see your own unit's reports ({unit}). Type /view to see them.",
    },
    # an admin's document that is no template (a people list in .csv, a PDF): nothing used
    "not_a_template": {
        "vi": "Tệp “{name}” không phải mẫu báo cáo nên chưa được dùng. Bot nhận mẫu dạng "
        ".yaml, .xlsx hoặc .xls (XLSForm). Danh sách đơn vị, cán bộ (.csv) nhập bằng lệnh "
        "reportbot units import / people import trên máy chủ.",
        "en": "“{name}” is not a report form, so it was not used. The bot takes forms as "
        ".yaml, .xlsx or .xls (XLSForm). Lists of units and people (.csv) are imported with "
        "reportbot units import / people import on the server.",
    },
    "refused_template": {
        "vi": "Cảm ơn anh/chị. Chỉ quản trị viên mới đăng được mẫu báo cáo; "
        "tệp này chưa được dùng. Gõ /baocao để làm báo cáo.",
        "en": "Thank you. Only administrators can publish report forms; this file was not "
        "used. Type /report to file a report.",
    },
    "no_unit_of_yours": {
        "vi": "Tài khoản của anh/chị chưa gắn với đơn vị nào. Xin liên hệ quản trị viên.",
        "en": "Your account is not linked to a unit yet. Please contact the administrator.",
    },
    "unit_needed": {
        "vi": "Xin ghi mã đơn vị sau lệnh, ví dụ: /{command} hoiphunu",
        "en": "Please give the unit code after the command, e.g. /{command} hoiphunu",
    },
    "unit_unknown": {
        "vi": "Không tìm thấy đơn vị “{unit}”. Xin kiểm tra lại mã đơn vị.",
        "en": "No unit “{unit}” was found. Please check the unit code.",
    },
    "unit_ambiguous": {
        "vi": "Có nhiều đơn vị khớp với “{unit}”: {names}. Xin ghi mã đơn vị.",
        "en": "Several units match “{unit}”: {names}. Please give the unit code.",
    },
    "form_unknown": {
        "vi": "Không có mẫu báo cáo “{form}”. Các mẫu đang dùng: {forms}.",
        "en": "There is no form “{form}”. Forms in use: {forms}.",
    },
    "form_needed": {
        "vi": "Có nhiều mẫu báo cáo, xin ghi mã mẫu: {forms}.",
        "en": "There are several forms; please name one: {forms}.",
    },
    # `reportbot report` without --form: the option to type, not the chat's words
    "form_option_needed": {
        "vi": "Có nhiều mẫu báo cáo, xin ghi --form MÃ với một trong các mã mẫu: {forms}.",
        "en": "There are several forms; please give --form KEY with one of: {forms}.",
    },
    "no_forms": {
        "vi": "Chưa có mẫu báo cáo nào được đăng.",
        "en": "No report form has been published yet.",
    },
    "period_unknown": {
        "vi": "Kỳ “{period}” không đúng với mẫu này (ví dụ: {example}).",
        "en": "“{period}” is not a period of this form (e.g. {example}).",
    },
    "no_report": {
        "vi": "{unit} chưa có báo cáo nào{what}.",
        "en": "{unit} has no report{what}.",
    },
    "no_submitted_report": {
        "vi": "{unit} chưa có báo cáo nào đã nộp{what} để mở lại.",
        "en": "{unit} has no submitted report{what} to reopen.",
    },
    "view_header": {
        "vi": "📄 {unit} ({code})\n{title} – {period}\nTình trạng: {status}",
        "en": "📄 {unit} ({code})\n{title} – {period}\nStatus: {status}",
    },
    "view_no_answers": {
        "vi": "(chưa có câu trả lời nào)",
        "en": "(no answers yet)",
    },
    "state_submitted": {
        "vi": "đã nộp lúc {time} (lần {revision})",
        "en": "submitted at {time} (revision {revision})",
    },
    "state_submitted_late": {
        "vi": "nộp muộn lúc {time} (lần {revision})",
        "en": "submitted late at {time} (revision {revision})",
    },
    # Sent again (after a reopening or before the deadline): the time is the first sending,
    # which decides on time or late; the revision is the one counted.
    "state_resubmitted": {
        "vi": "nộp lần đầu lúc {time}; đã gửi lại, bản đang tính là lần {revision}",
        "en": "first submitted at {time}; sent again, revision {revision} counts",
    },
    "state_resubmitted_late": {
        "vi": "nộp muộn lần đầu lúc {time}; đã gửi lại, bản đang tính là lần {revision}",
        "en": "first submitted late at {time}; sent again, revision {revision} counts",
    },
    "state_draft": {"vi": "đang soạn", "en": "draft"},
    "state_reopened": {
        "vi": "được mở lại để sửa (nộp lần đầu lúc {time}; đang tính bản gửi lần {revision})",
        "en": "reopened for changes (first submitted at {time}; revision {revision} counts)",
    },
    # A late report stays late while reopened (store.standing): /xem says so, as the counts do.
    "state_reopened_late": {
        "vi": "được mở lại để sửa (nộp muộn lần đầu lúc {time}; đang tính bản gửi lần {revision})",
        "en": "reopened for changes (first submitted late at {time}; revision {revision} counts)",
    },
    "reopen_done": {
        "vi": "🔓 Đã mở lại báo cáo “{title}” – {period} của {unit} để đơn vị sửa.",
        "en": "🔓 Reopened “{title}” – {period} of {unit} for changes.",
    },
    "reopen_told": {
        "vi": "Đã báo cho: {people}.",
        "en": "Told: {people}.",
    },
    "reopen_nobody": {
        "vi": "Chưa liên lạc được cán bộ nào của đơn vị qua bot (chưa đăng ký hoặc không gửi "
        "được). Xin anh/chị báo trực tiếp cho đơn vị.",
        "en": "No officer of the unit could be reached through the bot (not registered or "
        "delivery failed). Please tell the unit directly.",
    },
    "reopen_not_submitted": {
        "vi": "Báo cáo “{title}” – {period} của {unit} chưa được nộp nên không cần mở lại; "
        "đơn vị vẫn đang soạn được.",
        "en": "“{title}” – {period} of {unit} has not been submitted, so there is nothing to "
        "reopen; the unit can still edit it.",
    },
    "reopen_already": {
        "vi": "Báo cáo “{title}” – {period} của {unit} đã được mở lại từ trước.",
        "en": "“{title}” – {period} of {unit} is already reopened.",
    },
    "reopen_notice": {
        "vi": "🔓 Báo cáo “{title}” – {period} của {unit} đã được {who} mở lại để anh/chị "
        "chỉnh sửa. Gõ /baocao để sửa, xong gõ /gui để gửi lại.",
        "en": "🔓 {who} reopened “{title}” – {period} of {unit} so that you can change it. "
        "Type /report to edit it, then /submit to send it again.",
    },
    "status_title": {
        "vi": "📊 Tình hình nộp báo cáo ({time})",
        "en": "📊 Filing status ({time})",
    },
    "status_form": {
        "vi": "{title} – {period} (hạn {deadline}{overdue})",
        "en": "{title} – {period} (due {deadline}{overdue})",
    },
    "status_overdue": {"vi": ", đã quá hạn", "en": ", overdue"},
    "status_line": {"vi": "• {label}: {count}{names}", "en": "• {label}: {count}{names}"},
    "status_total": {
        "vi": "Tổng: {total} đơn vị phải nộp; đã nộp {filed}/{total}.",
        # English counts after a colon or in brackets: "1 units" otherwise.
        "en": "Total: units that must file: {total}; filed: {filed}/{total}.",
    },
    "status_previous": {
        "vi": "Kỳ trước ({period}): còn {count} đơn vị chưa nộp: {names}.",
        "en": "Previous period ({period}): not filed yet ({count}): {names}.",
    },
    "bucket_on_time": {"vi": "Đã nộp đúng hạn", "en": "Filed on time"},
    "bucket_late": {"vi": "Nộp muộn", "en": "Filed late"},
    "bucket_drafting": {"vi": "Đang soạn", "en": "Drafting"},
    "bucket_not_started": {"vi": "Chưa bắt đầu", "en": "Not started"},
    # After the deadline, a unit that owes the report in the digest's words (one vocabulary
    # in chat, files, chart and web: "Chưa bắt đầu" read as if nothing were due yet).
    "bucket_drafting_overdue": {"vi": "Quá hạn, đang soạn", "en": "Overdue, drafting"},
    # "Quá hạn, chưa nộp" is every unit not filed (the digest, the report's section III),
    # drafting ones included: the bucket without a draft has words of its own.
    "bucket_not_started_overdue": {
        "vi": "Quá hạn, chưa bắt đầu soạn",
        "en": "Overdue, not started",
    },
    "reopened_mark": {"vi": "mở lại", "en": "reopened"},
    "summary_title": {
        "vi": "📑 Tổng hợp: {title} – {period}",
        "en": "📑 Summary: {title} – {period}",
    },
    "summary_filed": {
        "vi": "Đã nộp {filed}/{total} đơn vị (đúng hạn {on_time}, muộn {late}); "
        "chưa nộp {missing}.",
        "en": "{filed}/{total} units filed ({on_time} on time, {late} late); {missing} not filed.",
    },
    "summary_indicators": {"vi": "Chỉ tiêu:", "en": "Indicators:"},
    "summary_indicator": {
        "vi": "• {label}: {numerator}/{denominator} = {percent} (mục tiêu {target}{due}) – "
        "{verdict}",
        "en": "• {label}: {numerator}/{denominator} = {percent} (target {target}{due}) – {verdict}",
    },
    "verdict_met": {"vi": "đạt", "en": "met"},
    "verdict_not_met": {"vi": "chưa đạt", "en": "not met"},
    "verdict_none": {"vi": "chưa có số liệu", "en": "no data"},
    "verdict_zero_base": {
        "vi": "không tính được: mẫu số bằng 0",
        "en": "cannot be computed: the denominator is 0",
    },
    "summary_numbers": {
        "vi": "Số liệu (tổng · trung bình mỗi đơn vị · số đơn vị có số liệu):",
        "en": "Figures (total · average per unit · units reporting):",
    },
    "summary_number": {
        "vi": "• {label}: {total} · {average} · {count}",
        "en": "• {label}: {total} · {average} · {count}",
    },
    "summary_texts": {"vi": "Ý kiến của các đơn vị:", "en": "What the units wrote:"},
    "summary_none_filed": {
        "vi": "Chưa có đơn vị nào nộp báo cáo kỳ này.",
        "en": "No unit has filed for this period yet.",
    },
    "summary_files": {
        "vi": "Kèm theo: bảng tính (.xlsx), báo cáo (.docx) và biểu đồ.",
        "en": "Attached: workbook (.xlsx), report (.docx) and chart.",
    },
    "file_xlsx": {"vi": "Bảng tổng hợp (Excel)", "en": "Summary workbook (Excel)"},
    "file_docx": {"vi": "Báo cáo tổng hợp (Word)", "en": "Summary report (Word)"},
    "file_png": {
        "vi": "Biểu đồ tình hình nộp và các chỉ tiêu",
        "en": "Chart of filing status and indicators",
    },
    "invite_usage": {
        "vi": "Cách dùng: /moi MÃ_ĐƠN_VỊ [cán bộ | chuyên viên | quản trị], ví dụ: /moi hoiphunu",
        "en": "Usage: /invite UNIT_CODE [officer | coordinator | admin], e.g. /invite hoiphunu",
    },
    "invite_card": {
        "vi": "🎟 Mã mời: {code}\nDành cho: {role} của {unit}\nHết hạn: {expires} (dùng một lần)\n"
        "Telegram: {link}\n\nTin nhắn gửi qua Zalo:\n{zalo}",
        "en": "🎟 Invite code: {code}\nFor: {role} of {unit}\nExpires: {expires} (single use)\n"
        "Telegram: {link}\n\nMessage to send on Zalo:\n{zalo}",
    },
    "invite_from_default": {"vi": "UBND xã", "en": "the commune"},
    "invite_zalo_text": {
        "vi": "Chào anh/chị, {inviter} mời anh/chị dùng trợ lý báo cáo với vai trò {role} của "
        "{unit}. Trên Telegram, mở đường dẫn {link} ; trên Zalo, nhắn cho tài khoản trợ lý "
        "báo cáo mã: {code} . Mã chỉ dùng một lần, hết hạn ngày {expires}.",
        "en": "Hello, {inviter} invites you to use the reporting assistant as {role} of "
        "{unit}. On Telegram open {link} ; on Zalo, send the reporting assistant the code "
        "{code} . The code works once and expires on {expires}.",
    },
    "invite_zalo_text_code_only": {
        "vi": "Chào anh/chị, {inviter} mời anh/chị dùng trợ lý báo cáo với vai trò {role} của "
        "{unit}. Xin nhắn cho tài khoản trợ lý báo cáo mã: {code} . Mã chỉ dùng một lần, "
        "hết hạn ngày {expires}.",
        "en": "Hello, {inviter} invites you to use the reporting assistant as {role} of "
        "{unit}. Please send the reporting assistant the code {code} . The code works once "
        "and expires on {expires}.",
    },
    "invite_link_missing": {
        "vi": "chưa có đường dẫn: đặt REPORTBOT_TELEGRAM_BOT_USERNAME (tên bot, không có @)",
        "en": "no link yet: set REPORTBOT_TELEGRAM_BOT_USERNAME (the bot's name, without @)",
    },
    "template_errors": {
        "vi": "❌ Mẫu “{name}” chưa dùng được, có {count} lỗi cần sửa:\n{errors}\n\n"
        "Sửa xong xin gửi lại tệp.",
        "en": "❌ The form “{name}” cannot be used yet; problems to fix ({count}):\n{errors}\n\n"
        "Please send the file again once fixed.",
    },
    "template_confirm": {
        "vi": "Anh/chị có muốn đăng mẫu này không? (có/không)",
        "en": "Publish this form? (yes/no)",
    },
    "template_confirm_again": {
        "vi": "Xin trả lời “có” để đăng mẫu hoặc “không” để hủy.",
        "en": "Please answer “yes” to publish the form or “no” to cancel.",
    },
    "template_published": {
        "vi": "✅ Đã đăng “{title}” (mã {key}), phiên bản {version}. Báo cáo mới sẽ dùng "
        "phiên bản này; các báo cáo đang soạn dở vẫn giữ phiên bản cũ.",
        "en": "✅ Published “{title}” ({key}), version {version}. New reports use this "
        "version; drafts in progress keep their version.",
    },
    "template_unchanged": {
        "vi": "Mẫu “{title}” không có gì thay đổi so với phiên bản {version} đang dùng; "
        "không cần đăng lại.",
        "en": "“{title}” is the same as version {version} in use; nothing to publish.",
    },
    "template_cancelled": {
        "vi": "Đã hủy, mẫu chưa được đăng.",
        "en": "Cancelled; the form was not published.",
    },
    "person_unknown": {
        "vi": "Không có ai với số điện thoại {phone}. Xin nhập danh sách cán bộ trước.",
        "en": "Nobody has the phone number {phone}. Please import the people first.",
    },
    "preview": {
        "vi": "📝 Xem trước mẫu “{title}”\n"
        "• Mã mẫu: {key}; phiên bản khai báo: {version}\n"
        "• Số câu hỏi: {count}\n"
        "• Đơn vị phải nộp: {unit_types}\n"
        "• Kỳ báo cáo: {kind}, hạn {deadlines}\n"
        "• Hạn gần nhất: {next_deadline}\n"
        "• {change}",
        "en": "📝 Preview of “{title}”\n"
        "• Form key: {key}; declared version: {version}\n"
        "• Questions: {count}\n"
        "• Units that file it: {unit_types}\n"
        "• Period: {kind}, due {deadlines}\n"
        "• Next deadline: {next_deadline}\n"
        "• {change}",
    },
    "preview_next": {"vi": "{period} – hết ngày {deadline}", "en": "{period} – end of {deadline}"},
    "preview_no_next": {"vi": "không còn kỳ nào", "en": "no period left"},
    "commune_unknown": {
        "vi": "Không tìm thấy xã “{commune}” (mã hoặc tên); xem `reportbot org list`.",
        "en": "No commune “{commune}” (code or name); see `reportbot org list`.",
    },
    "preview_all_units": {"vi": "tất cả đơn vị", "en": "every unit"},
    "preview_in_scope": {"vi": "{units} thuộc {scope}", "en": "{units} in {scope}"},
    "preview_new_form": {
        "vi": "Mẫu mới, sẽ là phiên bản 1.",
        "en": "A new form; it becomes version 1.",
    },
    "preview_new_version": {
        "vi": "Phiên bản mới {version} của mẫu đang dùng (hiện là phiên bản {current}). "
        "Báo cáo đang soạn dở vẫn giữ phiên bản cũ; bảng tính thêm cột mới, giữ cột cũ.",
        "en": "New version {version} of a form in use (now version {current}). Drafts in "
        "progress keep their version; the sheet gains new columns and keeps the old ones.",
    },
    "preview_added": {"vi": "Câu mới: {ids}", "en": "New questions: {ids}"},
    "preview_removed": {"vi": "Câu bỏ đi: {ids}", "en": "Questions removed: {ids}"},
    "preview_changed": {"vi": "Câu thay đổi: {ids}", "en": "Questions changed: {ids}"},
    "preview_same": {
        "vi": "Không khác phiên bản {current} đang dùng.",
        "en": "The same as version {current} in use.",
    },
    "preview_warnings": {"vi": "Lưu ý:", "en": "Notes:"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    # -- /tonghop: choosing the form by number (coordination/reporting/summary_choice.py) ---
    "summary_choose_form": {
        "vi": "Có nhiều mẫu báo cáo. Chọn mẫu cần tổng hợp (gõ số hoặc bấm nút):",
        "en": "Several forms are in use. Choose the one to consolidate (type its number or "
        "press its button):",
    },
    "summary_choose_number": {
        "vi": "Xin gõ một số từ 1 đến {count}, hoặc gõ lại /tonghop.",
        "en": "Please type a number from 1 to {count}, or type /summary again.",
    },
    # -- the coordinators' web page (reportbot/web) ------------------------------------------
    "web_link": {
        "vi": "🔗 Liên kết đăng nhập trang theo dõi báo cáo (chỉ dùng được một lần, hết hạn sau "
        "{minutes} phút; đừng chuyển cho người khác):\n{link}\n\nMở liên kết rồi bấm "
        "“Đăng nhập”. Phiên làm việc kéo dài {hours} giờ.",
        "en": "🔗 Sign-in link to the reports page (single use, expires in {minutes} minutes; do "
        "not forward it):\n{link}\n\nOpen it and press “Đăng nhập” (sign in). The session "
        "lasts {hours} hours.",
    },
    "web_off": {
        "vi": "Trang theo dõi báo cáo chưa được bật trên máy chủ này. Xin nhờ quản trị viên đặt "
        "REPORTBOT_WEB_PUBLIC_URL (xem README, mục trang web). Trong lúc chờ, /tinhhinh và "
        "/tonghop cho biết tình hình và số liệu ngay trong cuộc trò chuyện.",
        "en": "The reports web page is not switched on for this server. Please ask the "
        "administrator to set REPORTBOT_WEB_PUBLIC_URL (see the README, web page section). "
        "Meanwhile /status and /summary give the filing status and the figures in this chat.",
    },
}


class Problem(ValueError):
    """Something a person asked for cannot be done; `key` names the message to show."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, locale: str = "vi") -> str:
        """The sentence to show."""
        return t(self.key, locale, **self.params)


COORDINATION = register("coordination", MESSAGES)


def t(key: str, locale: str = "vi", /, **params: object) -> str:
    """Format message `key` of MESSAGES in `locale`, falling back to Vietnamese."""
    return COORDINATION.say(key, locale, **params)


# The kinds live in the vocabulary; these names stay importable from here.
__all__ = [
    "COORDINATION",
    "MESSAGES",
    "PERIOD_KINDS",
    "UNIT_TYPES",
    "Problem",
    "period_kind_name",
    "t",
    "unit_type_name",
]
