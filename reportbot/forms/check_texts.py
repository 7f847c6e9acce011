"""What an admin reads when a form template is refused: each problem and how to fix it.

Key "code" is the problem (it quotes the offending value), "code.fix" the one line that says
how to fix it. The English texts are the checkers' historical messages: the XLSForm reader
still finds the column a problem is about from its English head ("relevant: ...").
Braces are placeholders only: a literal shape such as name/type is written without them.
"""

from __future__ import annotations

from reportbot.forms.check_texts_places import PLACES
from reportbot.vocabulary.catalogue import register

TEXTS: dict[str, dict[str, str]] = {
    **PLACES,
    # -- the file as a whole -------------------------------------------------------------------
    "cannot_read": {"vi": "không đọc được tệp: {detail}", "en": "cannot read: {detail}"},
    "cannot_read.fix": {
        "vi": "Lưu lại tệp dạng văn bản UTF-8 (YAML) rồi gửi lại.",
        "en": "Save the file again as UTF-8 text (YAML) and send it again.",
    },
    "invalid_yaml": {"vi": "YAML sai cú pháp: {detail}", "en": "invalid YAML: {detail}"},
    "invalid_yaml.fix": {
        "vi": "Kiểm tra thụt lề và dấu hai chấm ở dòng này (dùng dấu cách, không dùng tab).",
        "en": "Check the indentation and colons on this line (spaces, not tabs).",
    },
    "not_a_mapping": {
        "vi": "tệp phải là một bảng khóa - giá trị (key, title, period, questions …)",
        "en": "expected a mapping with key, title, ...",
    },
    "not_a_mapping.fix": {
        "vi": "Mở đầu tệp bằng các dòng key:, title:, period:, questions:.",
        "en": "Start the file with the lines key:, title:, period:, questions:.",
    },
    "too_large": {"vi": "tệp lớn hơn {size} MB", "en": "larger than {size} MB"},
    "too_large.fix": {
        "vi": "Bỏ hình ảnh và trang thừa trong tệp rồi gửi lại.",
        "en": "Remove pictures and extra sheets from the file and send it again.",
    },
    "not_a_template": {
        "vi": "không phải tệp mẫu báo cáo (cần .yaml, .xlsx hoặc .xls): {value}",
        "en": "not a form template (expected .yaml or .xlsx): {value}",
    },
    "not_a_template.fix": {
        "vi": "Gửi tệp XLSForm (.xlsx) hoặc tệp mẫu .yaml.",
        "en": "Send an XLSForm workbook (.xlsx) or a .yaml template.",
    },
    # -- top-level fields ------------------------------------------------------------------------
    "top_unknown_field": {"vi": "trường {value} không có trong mẫu", "en": "unknown field {value}"},
    "top_unknown_field.fix": {
        "vi": "Xóa trường này hoặc sửa lại tên (key, version, title, period, questions …).",
        "en": "Remove it or correct its name (key, version, title, period, questions, ...).",
    },
    "key_invalid": {
        "vi": "mã biểu mẫu {value}: bắt buộc, chỉ chữ thường không dấu, chữ số và '_'",
        "en": "required: lowercase letters, digits, underscore (got {value})",
    },
    "key_invalid.fix": {
        "vi": "Đặt mã như bao_cao_quy (chữ thường không dấu, bắt đầu bằng chữ).",
        "en": "Use a key such as quarterly_report (lowercase, starting with a letter).",
    },
    "version_invalid": {
        "vi": 'phiên bản {value} phải là một đoạn chữ như "2025.1"',
        "en": 'must be a text such as "2025.1" (got {value})',
    },
    "version_invalid.fix": {
        "vi": 'Viết phiên bản trong ngoặc kép, ví dụ version: "2025.1".',
        "en": 'Quote the version, e.g. version: "2025.1".',
    },
    "text_required": {
        "vi": "{field}: bắt buộc phải có (tiếng Việt; thêm tiếng Anh nếu được)",
        "en": "{field} is required (vi, and en if you can)",
    },
    "text_required.fix": {
        "vi": "Thêm nội dung tiếng Việt cho {field}.",
        "en": "Add a Vietnamese text for {field}.",
    },
    "text_empty": {"vi": "{field}: đang để trống", "en": "{field} is empty"},
    "text_empty.fix": {"vi": "Điền nội dung cho {field}.", "en": "Write a text for {field}."},
    "text_language": {
        "vi": "{field}: ngôn ngữ {value} không được hỗ trợ (chỉ vi, en)",
        "en": "{field}: unknown language {value}",
    },
    "text_language.fix": {
        "vi": "Dùng vi (tiếng Việt) hoặc en (tiếng Anh).",
        "en": "Use vi (Vietnamese) or en (English).",
    },
    "text_not_text": {
        "vi": "{field}.{language}: phải là một đoạn chữ",
        "en": "{field}.{language} must be a text",
    },
    "text_not_text.fix": {
        "vi": "Viết nội dung sau {language}: trên cùng dòng.",
        "en": "Write the text after {language}: on the same line.",
    },
    "text_no_vi": {
        "vi": "{field}: thiếu nội dung tiếng Việt (vi)",
        "en": "{field} needs a Vietnamese text (vi)",
    },
    "text_no_vi.fix": {
        "vi": "Thêm dòng vi: với nội dung tiếng Việt.",
        "en": "Add a vi: line with the Vietnamese text.",
    },
    "text_shape": {
        "vi": "{field}: phải là một đoạn chữ, hoặc các dòng vi: … và en: …",
        "en": "{field} must be a text or vi: ..., en: ...",
    },
    "text_shape.fix": {
        "vi": "Viết {field}: Nội dung, hoặc xuống dòng với vi: và en:.",
        "en": "Write {field}: Text, or vi: and en: on the lines below.",
    },
    "unit_types_shape": {
        "vi": "unit_types: phải là danh sách mã loại đơn vị",
        "en": "must be a list of unit type keys",
    },
    "unit_types_shape.fix": {
        "vi": "Viết unit_types: [xa, phuong] (các mã loại đơn vị).",
        "en": "Write unit_types: [commune, ward] (unit type keys).",
    },
    "unit_type_invalid": {
        "vi": "mã loại đơn vị {value} không hợp lệ",
        "en": "invalid unit type {value}",
    },
    "unit_type_invalid.fix": {
        "vi": "Dùng mã chữ thường không dấu, ví dụ xa, phuong, truong_hoc.",
        "en": "Use lowercase keys without accents, e.g. commune, ward.",
    },
    "period_required": {
        "vi": "period: bắt buộc, gồm kind (loại kỳ) và deadlines (hạn nộp)",
        "en": "required: kind: ..., deadlines: [...]",
    },
    "period_required.fix": {
        "vi": 'Thêm period: với kind: six_monthly và deadlines: ["20/06", "20/12"].',
        "en": 'Add period: with kind: six_monthly and deadlines: ["20/06", "20/12"].',
    },
    "period_kind": {
        "vi": "loại kỳ {value} không có; chọn một trong: {allowed}",
        "en": "kind must be one of {allowed} (got {value})",
    },
    "period_kind.fix": {
        "vi": "Chọn monthly (tháng), quarterly (quý), six_monthly (6 tháng), annual (năm) "
        "hoặc one_off (một lần).",
        "en": "Choose monthly, quarterly, six_monthly, annual or one_off.",
    },
    "deadlines_shape": {
        "vi": "deadlines: phải là danh sách ngày hạn (được {value})",
        "en": "deadlines must be a list (got {value})",
    },
    "deadlines_shape.fix": {
        "vi": 'Viết deadlines: ["20/06", "20/12"].',
        "en": 'Write deadlines: ["20/06", "20/12"].',
    },
    "reminders_shape": {
        "vi": "reminders: phải là danh sách số ngày (0 đến 60), được {value}",
        "en": "must be a list of days (0 to 60), got {value}",
    },
    "reminders_shape.fix": {
        "vi": "Viết reminders: [7, 3, 1] (số ngày trước hạn nộp).",
        "en": "Write reminders: [7, 3, 1] (days before the deadline).",
    },
    # -- questions -----------------------------------------------------------------------------
    "questions_none": {
        "vi": "mẫu cần ít nhất một câu hỏi",
        "en": "at least one question is required",
    },
    "questions_none.fix": {
        "vi": "Thêm câu hỏi vào questions (với XLSForm: vào trang survey).",
        "en": "Add questions (in an XLSForm: rows of the survey sheet).",
    },
    "questions_too_many": {
        "vi": "quá nhiều câu hỏi: tối đa {limit}, mẫu có {value}",
        "en": "at most {limit} questions (the form has {value})",
    },
    "questions_too_many.fix": {
        "vi": "Tách thành hai biểu mẫu.",
        "en": "Split the form into two forms.",
    },
    "questions_unanswerable": {
        "vi": "không có câu hỏi nào để trả lời (chỉ có ghi chú)",
        "en": "no question takes an answer",
    },
    "questions_unanswerable.fix": {
        "vi": "Thêm ít nhất một câu hỏi không phải note.",
        "en": "Add at least one question that is not a note.",
    },
    "question_not_mapping": {
        "vi": "câu hỏi phải gồm các trường id, type, label",
        "en": "must be a mapping",
    },
    "question_not_mapping.fix": {
        "vi": "Viết câu hỏi dạng - id: …, type: …, label: ….",
        "en": "Write the question as - id: ..., type: ..., label: ....",
    },
    "relevant_cycle": {
        "vi": "relevant: điều kiện của các câu hỏi đọc lẫn nhau thành vòng: {value}",
        "en": "relevant: the questions' conditions read each other in a cycle: {value}",
    },
    "relevant_cycle.fix": {
        "vi": "Bỏ một tham chiếu trong vòng để câu hỏi không phụ thuộc chính nó.",
        "en": "Remove one reference of the cycle so no question depends on itself.",
    },
    "unknown_field": {"vi": "trường {value} không có", "en": "unknown field {value}"},
    "unknown_field.fix": {
        "vi": "Xóa trường này hoặc sửa tên (id, type, label, hint, required, relevant …).",
        "en": "Remove it or correct its name (id, type, label, hint, required, relevant, ...).",
    },
    "id_invalid": {
        "vi": "id: tên {value} không hợp lệ: chỉ chữ không dấu, chữ số, '_', '-', '.', "
        "bắt đầu bằng chữ (tối đa 64)",
        "en": "id: {value}: letters, digits, '_', '-' or '.', starting with a letter (max 64)",
    },
    "id_invalid.fix": {
        "vi": "Đổi tên, ví dụ so_nguoi (không dấu, không khoảng trắng).",
        "en": "Rename it, e.g. people_count (no spaces, no accents).",
    },
    "duplicate_id": {
        "vi": "tên {value} đã dùng cho một câu hỏi khác",
        "en": "duplicate id {value}",
    },
    "duplicate_id.fix": {
        "vi": "Đổi tên một trong hai câu hỏi.",
        "en": "Rename one of the two questions.",
    },
    "reserved_id": {
        "vi": "tên {value} là tên dành riêng của bot",
        "en": "{value} is reserved",
    },
    "reserved_id.fix": {
        "vi": "Đổi tên câu hỏi; unit_type, unit_code, period do bot tự điền.",
        "en": "Rename the question; unit_type, unit_code and period are filled by the bot.",
    },
    "type_unknown": {
        "vi": "type: loại câu hỏi {value} không có; các loại: {allowed}",
        "en": "type {value} is not one of: {allowed}",
    },
    "type_unknown.fix": {
        "vi": "Chọn một loại trong danh sách (kiểm tra lỗi chính tả).",
        "en": "Choose one of the listed types (check the spelling).",
    },
    "required_value": {
        "vi": "required: chỉ nhận true, false hoặc một điều kiện (được {value})",
        "en": "required must be true, false or a condition (got {value})",
    },
    "required_value.fix": {
        "vi": "Viết required: true hoặc bỏ dòng này.",
        "en": "Write required: true or remove the line.",
    },
    "note_required": {
        "vi": "required: ghi chú (note) không thể bắt buộc",
        "en": "a note cannot be required",
    },
    "note_required.fix": {
        "vi": "Bỏ required ở ghi chú này.",
        "en": "Remove required from this note.",
    },
    "constraint_needs_message": {
        "vi": "constraint: cần thêm constraint_message để cán bộ biết vì sao bị từ chối",
        "en": "a constraint needs a constraint_message",
    },
    "constraint_needs_message.fix": {
        "vi": 'Thêm constraint_message, ví dụ "Số phải từ 0 đến 100".',
        "en": 'Add a constraint_message, e.g. "The number must be from 0 to 100".',
    },
    "repeat_unknown": {
        "vi": "repeat: nhóm lặp {value} không có trong repeats của mẫu",
        "en": "repeat {value} is not in the form's repeats",
    },
    "repeat_unknown.fix": {
        "vi": "Khai báo nhóm lặp trong repeats hoặc sửa tên.",
        "en": "Declare the repeat under repeats or correct its name.",
    },
    "default_not_allowed": {
        "vi": "default: câu hỏi loại {value} không thể có giá trị mặc định",
        "en": "default: a {value} question cannot have one",
    },
    "default_not_allowed.fix": {
        "vi": "Bỏ giá trị mặc định của câu hỏi này.",
        "en": "Remove the default of this question.",
    },
    "default_invalid": {"vi": "default: {detail}", "en": "default: {detail}"},
    "default_invalid.fix": {
        "vi": "Sửa giá trị mặc định cho đúng loại câu hỏi, hoặc bỏ nó.",
        "en": "Give a default the question accepts, or remove it.",
    },
    "impossible_value": {
        "vi": "{field}: ${{{name}}} không bao giờ có giá trị {value} (các giá trị: {allowed})",
        "en": "{field}: ${{{name}}} can never be {value} (its values: {allowed})",
    },
    "impossible_value.fix": {
        "vi": "So sánh với giá trị (cột name trong trang choices), không phải nhãn.",
        "en": "Compare with a choice value (the choices sheet's name column), not its label.",
    },
    "bound_not_number": {
        "vi": "{field}: phải là một số (được {value})",
        "en": "{field} must be a number (got {value})",
    },
    "bound_not_number.fix": {
        "vi": "Viết một số, ví dụ 0 hoặc 100.",
        "en": "Write a number, e.g. 0 or 100.",
    },
    "bound_not_applicable": {
        "vi": "{field}: không dùng cho câu hỏi loại {value}",
        "en": "{field} does not apply to a {value} question",
    },
    "bound_not_applicable.fix": {
        "vi": "Bỏ {field} hoặc đổi loại câu hỏi thành integer/decimal.",
        "en": "Remove {field} or make the question integer or decimal.",
    },
    "min_above_max": {
        "vi": "min ({low}) lớn hơn max ({high})",
        "en": "min ({low}) is greater than max ({high})",
    },
    "min_above_max.fix": {"vi": "Đổi chỗ min và max.", "en": "Swap min and max."},
    "choices_not_applicable": {
        "vi": "choices: câu hỏi loại {value} không có lựa chọn",
        "en": "choices do not apply to a {value} question",
    },
    "choices_not_applicable.fix": {
        "vi": "Bỏ choices hoặc đổi loại thành select_one/select_multiple.",
        "en": "Remove the choices or make it select_one or select_multiple.",
    },
    "choices_none": {
        "vi": "choices: câu hỏi lựa chọn cần ít nhất 1 lựa chọn",
        "en": "a select question needs at least 1 choice",
    },
    "choices_none.fix": {
        "vi": "Thêm các lựa chọn (với XLSForm: các dòng trong trang choices).",
        "en": "Add choices (in an XLSForm: rows of the choices sheet).",
    },
    "choice_shape": {
        "vi": "mỗi lựa chọn gồm value và label",
        "en": "each choice is value: ..., label: ...",
    },
    "choice_shape.fix": {
        "vi": "Viết - value: co, label: Có.",
        "en": "Write - value: yes, label: Yes.",
    },
    "choice_value_invalid": {
        "vi": "giá trị lựa chọn {value}: chỉ chữ không dấu, chữ số, _ (tối đa 40)",
        "en": "choice value {value}: letters, digits, _ (max 40)",
    },
    "choice_value_invalid.fix": {
        "vi": "Đổi giá trị, ví dụ co_ke_hoach (không dấu, không khoảng trắng).",
        "en": "Change the value, e.g. has_plan (no spaces, no accents).",
    },
    "choice_value_duplicate": {
        "vi": "giá trị lựa chọn {value} lặp lại",
        "en": "duplicate choice value {value}",
    },
    "choice_value_duplicate.fix": {
        "vi": "Đổi một trong hai giá trị cho khác nhau.",
        "en": "Make the two values different.",
    },
    "expression_not_text": {
        "vi": "{field}: phải là một biểu thức (đoạn chữ)",
        "en": "{field} must be an expression text",
    },
    "expression_not_text.fix": {
        "vi": 'Viết biểu thức trong ngoặc kép, ví dụ "${{tuoi}} >= 18".',
        "en": 'Quote the expression, e.g. "${{age}} >= 18".',
    },
    "expression_invalid": {
        "vi": "{field}: {detail} trong {value}",
        "en": "{field}: {detail} in {value}",
    },
    "expression_invalid.fix": {
        "vi": "Sửa biểu thức theo cú pháp XLSForm, ví dụ ${{q}} = 'yes' and ${{so}} > 0.",
        "en": "Write it in XLSForm syntax, e.g. ${{q}} = 'yes' and ${{n}} > 0.",
    },
    "reference_unknown": {
        "vi": "{field}: ${{{name}}} không phải câu hỏi của biểu mẫu này",
        "en": "{field}: ${{{name}}} is not a question of this form",
    },
    "reference_unknown.fix": {
        "vi": "Sửa tên trong ${{…}} cho đúng cột name của một câu hỏi.",
        "en": "Correct the name inside ${{...}} to the name of a question.",
    },
    "current_only_constraint": {
        "vi": "{field}: dấu '.' (câu trả lời này) chỉ dùng trong constraint",
        "en": "{field}: '.' (this answer) is only for constraints",
    },
    "current_only_constraint.fix": {
        "vi": "Thay '.' bằng ${{tên_câu_hỏi}}.",
        "en": "Replace '.' with ${{question_name}}.",
    },
    "choice_filter_not_select": {
        "vi": "choice_filter: chỉ câu hỏi lựa chọn mới có lựa chọn để lọc",
        "en": "choice_filter: only a select question has choices to filter",
    },
    "choice_filter_not_select.fix": {
        "vi": "Bỏ choice_filter ở câu hỏi này.",
        "en": "Remove the choice_filter of this question.",
    },
}

CHECKS = register("formcheck", TEXTS)
