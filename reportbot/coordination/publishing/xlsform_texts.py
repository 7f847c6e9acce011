"""What an admin reads about an XLSForm workbook: problems ("code", with "code.fix", the one
line that says how to fix it) and the warnings of the preview.

Each problem is shown with its sheet, row and column (forms/diagnostics.py renders them); the
English texts are the reader's historical messages.
"""

from __future__ import annotations

from reportbot.vocabulary.catalogue import register

TEXTS: dict[str, dict[str, str]] = {
    # -- the workbook ----------------------------------------------------------------------
    "unreadable": {
        "vi": "không đọc được bảng tính {value}: tệp hỏng hoặc không phải .xlsx/.xls",
        "en": "cannot read the workbook {value}: damaged, or not an .xlsx/.xls file",
    },
    "unreadable.fix": {
        "vi": "Mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi lại.",
        "en": "Open it in Excel or LibreOffice, save it as .xlsx and send it again.",
    },
    "merged_cell": {
        "vi": "{detail} (ô này nằm trong vùng ô gộp {value}: chỉ ô đầu tiên của vùng có giá trị)",
        "en": "{detail} (the cell is inside the merged cells {value}: only the first has a value)",
    },
    "merged_cell.fix": {
        "vi": "Bỏ gộp ô {value} (Merge & Center → Unmerge Cells) rồi điền giá trị cho từng dòng.",
        "en": "Unmerge {value} (Merge & Center → Unmerge Cells) and fill the value on every row.",
    },
    "sheet_spaces": {
        "vi": "tên trang {value} có khoảng trắng thừa nên không được đọc (ODK cũng không đọc)",
        "en": "the sheet name {value} has extra spaces, so it is not read (ODK does not read it)",
    },
    "sheet_spaces.fix": {
        "vi": "Đổi tên trang thành {name}, không có khoảng trắng trước hay sau.",
        "en": "Rename the sheet {name}, without spaces before or after.",
    },
    "no_survey": {
        "vi": "bảng tính không có trang survey (hoặc trang này trống)",
        "en": "the workbook has no survey sheet (or it is empty)",
    },
    "no_survey.fix": {
        "vi": "Đặt tên trang câu hỏi là survey, với các cột type, name, label.",
        "en": "Name the questions' sheet survey, with the columns type, name, label.",
    },
    "pyxform": {
        "vi": "bảng tính không đúng chuẩn XLSForm; trình kiểm tra pyxform báo: «{detail}»",
        "en": "{detail} (pyxform)",
    },
    "pyxform.fix": {
        "vi": "Sửa dòng được nêu theo chuẩn XLSForm (xlsform.org), rồi gửi lại.",
        "en": "Correct the row named as the XLSForm standard asks (xlsform.org).",
    },
    "no_question": {
        "vi": "không có câu hỏi nào bot hỏi được",
        "en": "no question the bot can ask",
    },
    "no_question.fix": {
        "vi": "Thêm dòng câu hỏi (type, name, label) vào trang survey.",
        "en": "Add question rows (type, name, label) to the survey sheet.",
    },
    # -- settings ----------------------------------------------------------------------------
    "reminders_days": {
        "vi": "{value}: cần các số ngày trước hạn nộp, ví dụ 7 3 1 0",
        "en": "{value}: days before the deadline, e.g. 7 3 1 0",
    },
    "reminders_days.fix": {
        "vi": "Chỉ viết các số cách nhau bằng dấu cách.",
        "en": "Write only numbers separated by spaces.",
    },
    # -- rows of the survey and choices sheets -------------------------------------------------
    "required_cell": {"vi": "ô này bắt buộc phải điền", "en": "required"},
    "required_cell.fix": {
        "vi": "Điền ô này (tên không dấu, không khoảng trắng).",
        "en": "Fill this cell (a name without spaces).",
    },
    "choice_name": {
        "vi": "{value}: chỉ chữ không dấu, chữ số, '_', '.' hoặc '-' (tối đa 40)",
        "en": "{value}: letters, digits, '_', '.' or '-' only (max 40)",
    },
    "choice_name.fix": {
        "vi": "Đổi tên lựa chọn, ví dụ co_ke_hoach (không dấu, không khoảng trắng).",
        "en": "Rename the choice, e.g. has_plan (no spaces, no accents).",
    },
    "choice_duplicate": {
        "vi": "{value} đã có trong danh sách {list} (dòng {first})",
        "en": "{value} is already in list {list} (row {first})",
    },
    "choice_duplicate.fix": {
        "vi": "Đổi tên một trong hai lựa chọn, hoặc lọc danh sách bằng choice_filter.",
        "en": "Rename one of the two choices, or filter the list with a choice_filter.",
    },
    "choice_label_vi": {
        "vi": "thiếu nhãn tiếng Việt cho lựa chọn {value}",
        "en": "a Vietnamese label is needed ({value})",
    },
    "choice_label_vi.fix": {
        "vi": "Điền cột label (hoặc label::vi) cho lựa chọn này.",
        "en": "Fill the label (or label::vi) column of this choice.",
    },
    "question_label_vi": {
        "vi": "thiếu nhãn tiếng Việt cho câu hỏi {value}",
        "en": "a Vietnamese label is needed (label::vi) for {value}",
    },
    "question_label_vi.fix": {
        "vi": "Điền cột label (hoặc label::vi) của dòng này.",
        "en": "Fill the label (or label::vi) column of this row.",
    },
    "column_unsupported": {
        "vi": "cột {value} không được bot hỗ trợ",
        "en": "{value} are not supported by the bot; remove this column",
    },
    "column_unsupported.fix": {"vi": "Xóa cột này.", "en": "Remove this column."},
    "end_without_begin": {
        "vi": "dòng {value} không có dòng begin {what} tương ứng",
        "en": "{value} without a begin {what}",
    },
    "end_without_begin.fix": {
        "vi": "Thêm dòng begin tương ứng phía trên, hoặc xóa dòng này.",
        "en": "Add the matching begin row above, or remove this row.",
    },
    "begin_without_end": {
        "vi": "dòng {value} không có dòng end {what} tương ứng",
        "en": "{value} without an end {what}",
    },
    "begin_without_end.fix": {
        "vi": "Thêm dòng end group / end repeat tương ứng phía dưới.",
        "en": "Add the matching end group / end repeat row below.",
    },
    "calculate_incomplete": {
        "vi": "dòng calculate cần cả name và calculation",
        "en": "a calculate row needs a name and a calculation",
    },
    "calculate_incomplete.fix": {
        "vi": "Điền tên và biểu thức, ví dụ ${{nam}} + ${{nu}}.",
        "en": "Fill the name and the expression, e.g. ${{men}} + ${{women}}.",
    },
    "list_missing": {
        "vi": "danh sách {value} không có trong trang {sheet}",
        "en": "the list {value} is not on the {sheet} sheet",
    },
    "list_missing.fix": {
        "vi": "Thêm các dòng có list_name {value} vào trang {sheet}, hoặc sửa tên danh sách.",
        "en": "Add rows with list_name {value} to the {sheet} sheet, or correct the name.",
    },
    "range_parameters": {
        "vi": "range: cần start=.. end=.. step=.. là các số (được {value})",
        "en": "range: start=.. end=.. step=.. numbers (got {value})",
    },
    "range_parameters.fix": {
        "vi": "Viết ví dụ start=0 end=10 step=1 ở cột parameters.",
        "en": "Write e.g. start=0 end=10 step=1 in the parameters column.",
    },
    "loop_not_supported": {
        "vi": "vòng lặp theo danh sách {value} không được hỗ trợ ở đây",
        "en": "a loop over a list is not supported by the bot; use a begin repeat ({value})",
    },
    "loop_not_supported.fix": {
        "vi": "Dùng begin repeat thay cho vòng lặp.",
        "en": "Use a begin repeat instead.",
    },
    "select_unsupported": {
        "vi": "loại {value} không được hỗ trợ",
        "en": "{value} is not supported",
    },
    "select_unsupported.fix": {
        "vi": "Dùng select_one hoặc select_multiple với danh sách trong trang choices.",
        "en": "Use select_one or select_multiple with a list on the choices sheet.",
    },
    "type_unsupported": {
        "vi": "loại câu hỏi {value} không dùng được trong trò chuyện",
        "en": "type {value} is not supported by the bot",
    },
    "type_unsupported.fix": {
        "vi": "Đổi sang loại khác (text, integer, select_one …) hoặc xóa dòng này.",
        "en": "Use another type (text, integer, select_one, ...) or remove the row.",
    },
    "type_unknown": {
        "vi": "loại câu hỏi {value} không có (các loại: {allowed})",
        "en": "unknown type {value} (supported: {allowed})",
    },
    "type_unknown.fix": {
        "vi": "Kiểm tra lỗi chính tả ở cột type.",
        "en": "Check the spelling in the type column.",
    },
    "type_unknown_close": {
        "vi": "loại câu hỏi {value} không có — có phải {close}?",
        "en": "unknown type {value}: did you mean {close}?",
    },
    "type_unknown_close.fix": {
        "vi": "Sửa cột type thành {close}.",
        "en": "Write {close} in the type column.",
    },
    "type_missing": {"vi": "thiếu loại câu hỏi (cột type)", "en": "missing type"},
    "type_missing.fix": {
        "vi": "Điền cột type, ví dụ text, integer, select_one ds.",
        "en": "Fill the type column, e.g. text, integer, select_one list.",
    },
    "calculate_in_repeat": {
        "vi": "chưa hỗ trợ calculate bên trong nhóm lặp (repeat)",
        "en": "a calculate inside a repeat is not supported yet; move it out of the repeat",
    },
    "calculate_in_repeat.fix": {
        "vi": "Chuyển dòng calculate ra ngoài nhóm lặp.",
        "en": "Move the calculate row out of the repeat.",
    },
    "repeat_in_repeat": {
        "vi": "không hỗ trợ nhóm lặp lồng trong nhóm lặp",
        "en": "a repeat inside a repeat is not supported; ask for the inner list as text",
    },
    "repeat_in_repeat.fix": {
        "vi": "Hỏi danh sách bên trong bằng một câu hỏi dạng text.",
        "en": "Ask for the inner list with a text question.",
    },
    "loop_in_loop": {
        "vi": "không hỗ trợ vòng lặp lồng trong vòng lặp hoặc nhóm lặp",
        "en": "a loop inside a loop or a repeat",
    },
    "loop_in_loop.fix": {
        "vi": "Đưa vòng lặp ra ngoài.",
        "en": "Move the loop out.",
    },
    "loop_list": {
        "vi": "begin loop cần name và một danh sách có trong trang choices (được {value})",
        "en": "begin loop over LIST needs a name and a list from the choices sheet ({value})",
    },
    "loop_list.fix": {
        "vi": "Viết begin loop over ten_danh_sach và điền cột name.",
        "en": "Write begin loop over list_name and fill the name column.",
    },
    "expression": {"vi": "{detail} trong {value}", "en": "{detail} in {value}"},
    "expression.fix": {
        "vi": "Sửa biểu thức theo cú pháp XLSForm, ví dụ ${{q}} = 'yes'.",
        "en": "Write it in XLSForm syntax, e.g. ${{q}} = 'yes'.",
    },
    "reference": {
        "vi": "${{{name}}} không phải câu hỏi của biểu mẫu này",
        "en": "${{{name}}} is not a question of this form",
    },
    "reference.fix": {
        "vi": "Sửa tên trong ${{…}} cho đúng cột name của một câu hỏi.",
        "en": "Correct the name inside ${{...}} to the name of a question.",
    },
    # -- warnings shown in the preview --------------------------------------------------------
    "warn_sheet": {"vi": "trang {value} bị bỏ qua", "en": "sheet {value} ignored"},
    "warn_sheet_close": {
        "vi": "trang {value} bị bỏ qua: có phải {close}?",
        "en": "sheet {value} ignored: did you mean {close}?",
    },
    "warn_column": {"vi": "cột {value} bị bỏ qua", "en": "column {value} ignored"},
    "warn_column_close": {
        "vi": "cột {value} bị bỏ qua: bot không đọc cột này — có phải {close}?",
        "en": "column {value} ignored: did you mean {close}?",
    },
    "warn_settings_column": {
        "vi": "trang settings: {detail}",
        "en": "settings {detail}",
    },
    "warn_display_only": {
        "vi": "cột {value} bị bỏ qua (chỉ để trình bày)",
        "en": "column {value} ignored (display only)",
    },
    "warn_appearance": {
        "vi": "cột {value} bị bỏ qua (chỉ để trình bày): {detail}",
        "en": "column {value} ignored (display only): {detail}",
    },
    "warn_one_language": {
        "vi": "cột {value} bị bỏ qua: cán bộ chỉ thấy một ngôn ngữ",
        "en": "column {value} ignored: officers see one language",
    },
    "warn_no_vi_labels": {
        "vi": "không có nhãn tiếng Việt: cán bộ sẽ thấy nhãn bằng {value}",
        "en": "no Vietnamese labels: officers will see the labels in {value}",
    },
    "warn_no_vi_title": {
        "vi": "trang settings không có form_title tiếng Việt: tên biểu mẫu là {value}",
        "en": "no Vietnamese form_title in settings: the title is {value}",
    },
    "warn_no_form_id": {
        "vi": "thiếu form_id: mã biểu mẫu lấy từ tên tệp ({value}); thêm form_id để đổi tên "
        "tệp không tạo biểu mẫu mới",
        "en": "no form_id: the key comes from the file name ({value}); add form_id so that "
        "renaming the file cannot make a new form",
    },
    "warn_key_from_id": {
        "vi": "mã biểu mẫu là {value} (từ form_id {origin})",
        "en": "the form key is {value} (from form_id {origin})",
    },
    "warn_key_from_title": {
        "vi": "mã biểu mẫu là {value} (từ form_title {origin})",
        "en": "the form key is {value} (from form_title {origin})",
    },
    "warn_metadata": {
        "vi": "trường siêu dữ liệu {value} bị bỏ qua (dòng {row})",
        "en": "metadata field {value} ignored (row {row})",
    },
    "warn_regex_partial": {
        "vi": "survey, dòng {row}, cột {column}: regex {value} không có ^…$: ODK Collect đòi cả "
        "câu trả lời khớp, bot (như biểu mẫu web) nhận câu trả lời chỉ chứa một đoạn khớp; "
        "muốn khớp cả câu trả lời thì viết {fixed}",
        "en": "survey, row {row}, column {column}: regex {value} has no ^…$: ODK Collect needs "
        "the whole answer to match, the bot (like web forms) takes an answer containing a "
        "match; to match the whole answer write {fixed}",
    },
    "warn_count_multiple": {
        "vi": "survey, dòng {row}, cột {column}: count({value}) luôn bằng 1 với câu hỏi chọn "
        "nhiều (như ODK), không đếm số lựa chọn đã chọn; muốn đếm số lựa chọn thì viết "
        "count-selected({value})",
        "en": "survey, row {row}, column {column}: count({value}) is always 1 for a "
        "multiple-choice question (as in ODK), it does not count the choices ticked; to count "
        "them write count-selected({value})",
    },
    "warn_media_only": {
        "vi": "{sheet}, dòng {row}: chỉ có tệp đa phương tiện, cán bộ thấy tên {value}",
        "en": "{sheet}, row {row}: only media, officers see the name {value}",
    },
}

XLSFORM = register("xlsform", TEXTS)
