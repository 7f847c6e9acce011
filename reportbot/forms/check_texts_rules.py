"""What an admin reads about a template's rules: expressions, calculations, metadata,
repeats, defaults and periods ("code" the problem, "code.fix" how to fix it).

The English texts are the checkers' historical messages (see forms/check_texts.py).
"""

from __future__ import annotations

from reportbot.forms.check_texts_paths import PATH_TEXTS
from reportbot.vocabulary.catalogue import register

_EXPRESSION_FIX = {
    "vi": "Sửa biểu thức theo cú pháp XLSForm, ví dụ ${{q}} = 'yes' and ${{so}} > 0.",
    "en": "Write it in XLSForm syntax, e.g. ${{q}} = 'yes' and ${{n}} > 0.",
}

TEXTS: dict[str, dict[str, str]] = {
    # -- expression syntax (the detail of an expression problem; position from 0) -------------
    "expr_unterminated_string": {
        "vi": "thiếu dấu nháy đóng chuỗi ở vị trí {position}",
        "en": "unterminated string at {position}",
    },
    "expr_invalid_reference": {
        "vi": "tham chiếu ${{…}} sai ở vị trí {position}",
        "en": "invalid reference at {position}",
    },
    "expr_unterminated_reference": {
        "vi": "thiếu dấu }} đóng tham chiếu ở vị trí {position}",
        "en": "unterminated reference at {position}",
    },
    "expr_unexpected_character": {
        "vi": "ký tự lạ {value} ở vị trí {position}",
        "en": "unexpected character {value} at {position}",
    },
    "expr_unexpected_end": {
        "vi": "biểu thức kết thúc giữa chừng ở vị trí {position}",
        "en": "unexpected end of expression at {position}",
    },
    "expr_unexpected": {
        "vi": "gặp {value} không đúng chỗ ở vị trí {position}",
        "en": "unexpected {value} at {position}",
    },
    "expr_too_deep": {
        "vi": "biểu thức lồng quá sâu ở vị trí {position}",
        "en": "expression too deeply nested at {position}",
    },
    "expr_expected_paren": {
        "vi": "thiếu dấu ')' ở vị trí {position}",
        "en": "expected ')' at {position}",
    },
    "expr_unknown_name": {
        "vi": "tên {value} không có ở vị trí {position} (câu hỏi viết là ${{ten}})",
        "en": "unknown name {value} at {position}",
    },
    "expr_unknown_function": {
        "vi": "hàm {value} không được hỗ trợ ở vị trí {position}",
        "en": "unknown function {value} at {position}",
    },
    "expr_expected_comma": {
        "vi": "thiếu dấu ',' hoặc ')' ở vị trí {position}",
        "en": "expected ',' or ')' at {position}",
    },
    "expr_argument_count": {
        "vi": "hàm {value}() cần {count} (vị trí {position})",
        "en": "expected {count} for {value}() at {position}",
    },
    "expr_regex_long": {
        "vi": "mẫu regex dài quá {limit} ký tự ở vị trí {position}",
        "en": "regex pattern longer than {limit} characters at {position}",
    },
    "expr_regex_unbounded": {
        "vi": "mẫu regex dùng tham chiếu ngược hoặc nhìn trước/sau, không giới hạn được "
        "(vị trí {position})",
        "en": "regex pattern uses back-references or look-around, which cannot be bounded "
        "at {position}",
    },
    "expr_regex_invalid": {
        "vi": "mẫu regex sai ở vị trí {position}",
        "en": "invalid regex pattern at {position}",
    },
    "expr_not_text": {"vi": "biểu thức phải là chữ", "en": "expression must be text"},
    "expr_too_long": {
        "vi": "biểu thức dài quá {limit} ký tự",
        "en": "expression longer than {limit} characters at {limit}",
    },
    "expr_empty": {"vi": "biểu thức trống", "en": "empty expression"},
    "expr_too_deep_whole": {
        "vi": "biểu thức lồng quá sâu",
        "en": "expression too deeply nested",
    },
    "expr_too_costly": {
        "vi": "biểu thức quá nặng khi thay các phép tính vào",
        "en": "expression too costly once its calculations are expanded",
    },
    # -- metadata and calculations --------------------------------------------------------------
    "metadata_shape": {
        "vi": "metadata: phải là danh sách, mỗi mục có name và type",
        "en": "metadata: a list of name/type entries",
    },
    "metadata_shape.fix": {
        "vi": "Viết metadata: [name: hom_nay, type: today].",
        "en": "Write metadata: [name: today, type: today].",
    },
    "metadata_name": {
        "vi": "metadata: tên {value} không hợp lệ",
        "en": "metadata: invalid name {value}",
    },
    "metadata_name.fix": {
        "vi": "Đặt tên không dấu, không khoảng trắng, bắt đầu bằng chữ.",
        "en": "Use a name without spaces or accents, starting with a letter.",
    },
    "metadata_type": {
        "vi": "metadata: loại {value} không có; các loại: {allowed}",
        "en": "metadata: type {value} is not one of {allowed}",
    },
    "metadata_type.fix": {
        "vi": "Chọn một loại trong danh sách.",
        "en": "Choose one of the listed types.",
    },
    "calculation_type": {
        "vi": "calculation: kiểu {value} không có; các kiểu: {allowed}",
        "en": "calculation: type {value} is not one of {allowed}",
    },
    "calculation_type.fix": {
        "vi": "Ghi một kiểu trong danh sách, hoặc bỏ type để bot tự xác định theo biểu thức.",
        "en": "Write one of the listed types, or leave type out: the expression decides it.",
    },
    "lists_shape": {
        "vi": "lists: phải là {{tên danh sách: [{{cột: chữ}}]}} (tối đa 50 danh sách, "
        "20000 dòng, 64 cột)",
        "en": "lists: {{list name: [{{column: text}}]}} (at most 50 lists, 20000 rows, 64 columns)",
    },
    "lists_shape.fix": {
        "vi": "Viết lists: {{tinh: [{{name: hn, label: Hà Nội, ma_so: '01'}}]}}, hoặc bớt dòng.",
        "en": "Write lists: {{province: [{{name: hn, label: Hanoi, code: '01'}}]}}, or fewer rows.",
    },
    "calculations_shape": {
        "vi": "calculations: phải là danh sách (tối đa 300)",
        "en": "calculations: a list (at most 300)",
    },
    "calculations_shape.fix": {
        "vi": "Viết mỗi phép tính là - name: …, calculation: ….",
        "en": "Write each as - name: ..., calculation: ....",
    },
    "calculation_not_mapping": {
        "vi": "phép tính phải gồm name và calculation",
        "en": "must be a mapping",
    },
    "calculation_not_mapping.fix": {
        "vi": "Viết - name: tong, calculation: ${{a}} + ${{b}}.",
        "en": "Write - name: total, calculation: ${{a}} + ${{b}}.",
    },
    "calculation_name": {
        "vi": "id: tên phép tính {value} không hợp lệ: chỉ chữ không dấu, chữ số, '_', '-', '.'",
        "en": "id: {value}: letters, digits, '_', '-' or '.'",
    },
    "calculation_name.fix": {
        "vi": "Đổi tên, ví dụ tong_so (không dấu, không khoảng trắng).",
        "en": "Rename it, e.g. total (no spaces, no accents).",
    },
    "calculation_duplicate": {
        "vi": "tên {value} đã dùng cho một câu hỏi hoặc phép tính khác",
        "en": "duplicate id {value}",
    },
    "calculation_duplicate.fix": {
        "vi": "Đổi tên một trong hai.",
        "en": "Rename one of the two.",
    },
    "calculation_empty": {
        "vi": "calculation: cần một biểu thức",
        "en": "calculation: an expression is needed",
    },
    "calculation_empty.fix": {
        "vi": "Điền biểu thức vào cột calculation, ví dụ ${{nam}} + ${{nu}}.",
        "en": "Fill the calculation column, e.g. ${{men}} + ${{women}}.",
    },
    "calculation_current": {
        "vi": "calculation: dấu '.' không có nghĩa ở đây",
        "en": "calculation: '.' has no meaning here",
    },
    "calculation_current.fix": {
        "vi": "Thay '.' bằng ${{tên_câu_hỏi}}.",
        "en": "Replace '.' with ${{question_name}}.",
    },
    "calculation_cycle": {
        "vi": "calculation: các phép tính đọc lẫn nhau thành vòng: {value}",
        "en": "calculation: the calculations read each other in a cycle: {value}",
    },
    "calculation_cycle.fix": {
        "vi": "Bỏ một tham chiếu trong vòng để không phép tính nào phụ thuộc chính nó.",
        "en": "Remove one reference so no calculation depends on itself.",
    },
    "calculation_reference": {
        "vi": "calculation: ${{{name}}} không phải câu hỏi hay phép tính của biểu mẫu",
        "en": "calculation: ${{{name}}} is not a question or a calculation",
    },
    "calculation_reference.fix": {
        "vi": "Sửa tên trong ${{…}} cho đúng tên một câu hỏi hoặc phép tính.",
        "en": "Correct the name inside ${{...}} to a question or a calculation.",
    },
    # -- repeats ------------------------------------------------------------------------------
    "repeats_shape": {
        "vi": "repeats: phải là danh sách, mỗi mục có name, label, count",
        "en": "repeats: a list of name/label/count entries",
    },
    "repeats_shape.fix": {
        "vi": "Viết repeats: [name: thanh_vien, label: Thành viên].",
        "en": "Write repeats: [name: member, label: Member].",
    },
    "repeat_no_name": {"vi": "repeats: mỗi nhóm lặp cần name", "en": "repeats: each needs a name"},
    "repeat_no_name.fix": {"vi": "Thêm name cho nhóm lặp.", "en": "Give the repeat a name."},
    "repeat_count_invalid": {
        "vi": "repeat_count: {detail} trong {value}",
        "en": "repeat_count: {detail} in {value}",
    },
    "repeat_count_invalid.fix": _EXPRESSION_FIX,
    "repeat_count_reference": {
        "vi": "repeat_count: ${{{name}}} không phải câu hỏi của biểu mẫu này",
        "en": "repeat_count: ${{{name}}} is not a question of this form",
    },
    "repeat_count_reference.fix": {
        "vi": "Sửa tên trong ${{…}} cho đúng tên một câu hỏi.",
        "en": "Correct the name inside ${{...}} to a question.",
    },
    # -- defaults (the detail of default_invalid) ------------------------------------------------
    "default_empty": {
        "vi": "giá trị mặc định trống: bỏ nó hoặc điền một giá trị",
        "en": "an empty default: remove it or give a value",
    },
    "default_below": {
        "vi": "giá trị mặc định {value} nhỏ hơn min ({limit})",
        "en": "the default {value} is below min ({limit})",
    },
    "default_above": {
        "vi": "giá trị mặc định {value} lớn hơn max ({limit})",
        "en": "the default {value} is above max ({limit})",
    },
    "default_yes_no": {
        "vi": "{value} là giá trị có/không, không hợp với câu hỏi loại {kind}",
        "en": "{value} is a yes/no value, not a default for a {kind} question",
    },
    "default_too_long": {
        "vi": "giá trị mặc định dài quá {limit} ký tự",
        "en": "a default longer than {limit} characters",
    },
    "default_none_for_type": {
        "vi": "câu hỏi loại {kind} không thể có giá trị mặc định",
        "en": "a {kind} question cannot have a default",
    },
    "default_minutes": {
        "vi": "{value} là một số: YAML đọc giờ không có ngoặc kép thành số phút; "
        'viết trong ngoặc kép, ví dụ default: "{time}"',
        "en": "{value} is a number: YAML reads an unquoted time as minutes; "
        'write it in quotes, e.g. default: "{time}"',
    },
    "default_not_scalar": {
        "vi": "{value} không phải chữ hay số",
        "en": "{value} is not a text or a number",
    },
    "default_not_number": {"vi": "{value} không phải một số", "en": "{value} is not a number"},
    "default_relative_date": {
        "vi": "{value} thay đổi mỗi ngày; hãy cho một ngày cố định như 20/06/2026",
        "en": "{value} changes every day; give a fixed date such as 20/06/2026",
    },
    "default_not_choice": {
        "vi": "{value} không phải lựa chọn của câu hỏi này (các lựa chọn: {allowed})",
        "en": "{value} is not a choice of this question (choices: {allowed})",
    },
    "default_not_answer": {
        "vi": "giá trị mặc định không hợp với câu hỏi loại {kind}: {detail}",
        "en": "the default is not a valid {kind} answer: {detail}",
    },
    # -- periods -------------------------------------------------------------------------------
    "period_deadlines_text": {
        "vi": "deadlines phải là danh sách ngày, không phải một đoạn chữ {value}",
        "en": "deadlines must be a list of texts, not the single text {value}",
    },
    "period_unknown_kind": {
        "vi": "loại kỳ {value} không có; chọn một trong: {allowed}",
        "en": "unknown period kind {value}; expected one of: {allowed}",
    },
    "period_start_only_one_off": {
        "vi": "ngày bắt đầu (start) chỉ dùng cho kỳ one_off, không dùng cho kỳ {kind}",
        "en": "'start' is only used by one_off periods, not by {kind} ones",
    },
    "period_deadline_count": {
        "vi": "kỳ {kind} cần đúng {expected} ({shape}), đang có {value}",
        "en": "a {kind} period needs exactly {expected} ({shape}), got {value}",
    },
    "period_day_of_month": {
        "vi": "hạn nộp {value} của kỳ {kind} phải là một ngày trong tháng từ 1 đến 31 "
        "(29 đến 31 rơi vào ngày cuối của tháng ngắn hơn)",
        "en": "{kind} deadline {value} must be a day of the month from 1 to 31 "
        "(29 to 31 fall on the last day of shorter months)",
    },
    "period_day_of_year": {
        "vi": "hạn nộp {value} của kỳ {kind} không phải một ngày có thật (dd/mm)",
        "en": "{kind} deadline {value} is not a real day of the year (dd/mm)",
    },
    "period_halves_order": {
        "vi": "hai hạn nộp của kỳ six_monthly phải theo thứ tự trong năm: "
        "được {value} rồi {second}",
        "en": "six_monthly deadlines must be in calendar order, first half then second half: "
        "got {value} then {second}",
    },
    "period_one_off_start": {
        "vi": "kỳ one_off cần ngày bắt đầu (dd/mm/yyyy)",
        "en": "a one_off period needs a start date (dd/mm/yyyy)",
    },
    "period_one_off_bad_start": {
        "vi": "ngày bắt đầu {value} của kỳ one_off không phải ngày có thật (dd/mm/yyyy)",
        "en": "one_off start {value} is not a real date (dd/mm/yyyy)",
    },
    "period_one_off_bad_deadline": {
        "vi": "hạn nộp {value} của kỳ one_off không phải ngày có thật (dd/mm/yyyy)",
        "en": "one_off deadline {value} is not a real date (dd/mm/yyyy)",
    },
    "period_one_off_order": {
        "vi": "ngày bắt đầu {value} của kỳ one_off sau hạn nộp {second}",
        "en": "one_off start {value} is after its deadline {second}",
    },
    "period_problem": {"vi": "{detail}", "en": "{detail}"},
    "period_problem.fix": {
        "vi": "Sửa kỳ báo cáo: ví dụ period six_monthly với deadlines 20/06 20/12.",
        "en": "Correct the period: e.g. period six_monthly with deadlines 20/06 20/12.",
    },
    "period_shape_day": {
        "vi": 'một ngày trong tháng như "20"',
        "en": 'a day of the month such as "20"',
    },
    "period_shape_halves": {
        "vi": 'dd/mm cho mỗi nửa năm, như "20/06", "20/12"',
        "en": 'dd/mm for each half, such as "20/06", "20/12"',
    },
    "period_shape_year": {"vi": 'dd/mm như "20/12"', "en": 'dd/mm such as "20/12"'},
    "period_shape_once": {
        "vi": 'dd/mm/yyyy như "20/12/2026"',
        "en": 'dd/mm/yyyy such as "20/12/2026"',
    },
}

TEXTS.update(PATH_TEXTS)  # unsupported functions, paths and lookups (check_texts_paths)
RULES = register("formrule", TEXTS)
