"""What an admin reads when a template's `indicators:` section is refused ("code" the problem,
"code.fix" how to fix it).

The English texts are the checker's historical messages (see forms/check_texts.py); a literal
brace is doubled ("{{key, label}}" reads "{key, label}").
"""

from __future__ import annotations

from reportbot.vocabulary.catalogue import register

_KINDS = "ratio_of_sums, share_of_units_with_value, count, average"

TEXTS: dict[str, dict[str, str]] = {
    "not_a_list": {
        "vi": "phải là một danh sách, mỗi mục có {{key, label, kind, ...}}",
        "en": "must be a list of {{key, label, kind, ...}}",
    },
    "not_a_list.fix": {
        "vi": "Viết mỗi chỉ tiêu trên một dòng bắt đầu bằng “- ”, ví dụ "
        "- {{key: ty_le, kind: count, ...}}.",
        "en": "Write each indicator on a line starting with “- ”, e.g. "
        "- {{key: share, kind: count, ...}}.",
    },
    "too_many": {
        "vi": "nhiều nhất {limit} chỉ tiêu",
        "en": "at most {limit} indicators",
    },
    "too_many.fix": {
        "vi": "Bỏ bớt chỉ tiêu, hoặc tách thành hai biểu mẫu.",
        "en": "Remove some indicators, or split the form in two.",
    },
    "duplicate_key": {
        "vi": "khóa chỉ tiêu bị trùng",
        "en": "duplicate indicator key",
    },
    "duplicate_key.fix": {
        "vi": "Đặt cho mỗi chỉ tiêu một key riêng.",
        "en": "Give each indicator its own key.",
    },
    "not_a_mapping": {
        "vi": "phải là một bảng khóa - giá trị (key, label, kind …)",
        "en": "must be a mapping",
    },
    "not_a_mapping.fix": {
        "vi": "Viết chỉ tiêu dạng {{key: ..., label: ..., kind: ...}}.",
        "en": "Write the indicator as {{key: ..., label: ..., kind: ...}}.",
    },
    "unknown_field": {
        "vi": "trường {value} không có trong chỉ tiêu",
        "en": "unknown field {value}",
    },
    "unknown_field.fix": {
        "vi": "Xóa trường này hoặc sửa lại chính tả của nó.",
        "en": "Remove the field or correct its spelling.",
    },
    "key_invalid": {
        "vi": "key: chỉ gồm chữ thường không dấu, chữ số và dấu _",
        "en": "key: lowercase letters, digits, underscore",
    },
    "key_invalid.fix": {
        "vi": "Viết key bắt đầu bằng chữ cái, ví dụ ty_le_dat (tối đa 48 ký tự).",
        "en": "Start the key with a letter, e.g. share_met (at most 48 characters).",
    },
    "kind_unknown": {
        "vi": "kind {value} không có; các loại: " + _KINDS,
        "en": "kind {value} is not one of: " + _KINDS,
    },
    "kind_unknown.fix": {
        "vi": "Chọn một loại trong danh sách trên.",
        "en": "Choose one of the kinds listed.",
    },
    "field_needed": {
        "vi": "chỉ tiêu loại {kind} cần trường {value}",
        "en": "a {kind} indicator needs {value}",
    },
    "field_needed.fix": {
        "vi": "Thêm trường {value} là tên (id) của một câu hỏi trong biểu mẫu.",
        "en": "Add {value} naming a question (its id) of the form.",
    },
    "field_not_applicable": {
        "vi": "trường {value} không dùng cho chỉ tiêu loại {kind}",
        "en": "{value} does not apply to a {kind} indicator",
    },
    "field_not_applicable.fix": {
        "vi": "Xóa trường {value}, hoặc đổi kind cho đúng loại chỉ tiêu.",
        "en": "Remove {value}, or change the kind.",
    },
    "due_year": {
        "vi": "due phải là một năm, ví dụ 2030",
        "en": "due must be a year such as 2030",
    },
    "due_year.fix": {
        "vi": "Ghi năm đến hạn bằng bốn chữ số, ví dụ due: 2030.",
        "en": "Write the year with four digits, e.g. due: 2030.",
    },
    "label_shape": {
        "vi": "label phải là một đoạn chữ hoặc {{vi: ..., en: ...}} có vi",
        "en": "label must be a text or {{vi: ..., en: ...}} with vi",
    },
    "label_shape.fix": {
        "vi": "Thêm tên chỉ tiêu bằng tiếng Việt, ví dụ label: Tỷ lệ cán bộ được tập huấn.",
        "en": "Add the indicator's Vietnamese name, e.g. label: Tỷ lệ cán bộ được tập huấn.",
    },
    "question_unknown": {
        "vi": "{field}: {value} không phải câu hỏi của biểu mẫu này",
        "en": "{field}: {value} is not a question of this form",
    },
    "question_unknown.fix": {
        "vi": "Ghi đúng id của một câu hỏi trong phần questions.",
        "en": "Write the id of one of the form's questions.",
    },
    "question_type": {
        "vi": "{field}: {value} là câu hỏi loại {type}, cần loại {allowed}",
        "en": "{field}: {value} is a {type} question, not {allowed}",
    },
    "question_type.fix": {
        "vi": "Chọn một câu hỏi thuộc loại {allowed}.",
        "en": "Choose a question of type {allowed}.",
    },
    "value_not_choice": {
        "vi": "value {value} không có trong các lựa chọn: {allowed}",
        "en": "value {value} is not one of: {allowed}",
    },
    "value_not_choice.fix": {
        "vi": "Ghi value bằng giá trị (value) của một lựa chọn của câu hỏi.",
        "en": "Write one of the question's choice values.",
    },
    "excluded_shape": {
        "vi": "excluded phải là danh sách các giá trị lựa chọn",
        "en": "excluded must be a list of choice values",
    },
    "excluded_shape.fix": {
        "vi": "Viết excluded dạng [gia_tri_1, gia_tri_2].",
        "en": "Write excluded as [value_1, value_2].",
    },
    "excluded_value": {
        "vi": "excluded {value} không phải một lựa chọn khác của câu hỏi",
        "en": "excluded {value} is not another choice value",
    },
    "excluded_value.fix": {
        "vi": "Chỉ ghi các giá trị lựa chọn của câu hỏi, khác với value.",
        "en": "List only the question's choice values, other than value.",
    },
    "target_number": {
        "vi": "target phải là một số",
        "en": "target must be a number",
    },
    "target_number.fix": {
        "vi": "Ghi chỉ tiêu bằng số, ví dụ target: 90.",
        "en": "Write the target as a number, e.g. target: 90.",
    },
    "target_percent": {
        "vi": "target phải từ 0 đến 100 (phần trăm)",
        "en": "target must be from 0 to 100 (percent)",
    },
    "target_percent.fix": {
        "vi": "Ghi chỉ tiêu phần trăm từ 0 đến 100, ví dụ target: 90.",
        "en": "Write the percentage from 0 to 100, e.g. target: 90.",
    },
    "target_negative": {
        "vi": "target phải từ 0 trở lên",
        "en": "target must be from 0 or more",
    },
    "target_negative.fix": {
        "vi": "Ghi chỉ tiêu bằng một số không âm.",
        "en": "Write a target of 0 or more.",
    },
}

INDICATORS = register("formindicator", TEXTS)
