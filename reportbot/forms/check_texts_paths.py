"""What an admin reads about ODK constructs the expression reader refuses or reads in its own
way: functions the bot cannot run, XPath paths, choice-list lookups and pulldata() (merged
into the "formrule" catalogue by forms/check_texts_rules.py)."""

from __future__ import annotations

PATH_TEXTS: dict[str, dict[str, str]] = {
    "choice_filter_too_costly": {
        "vi": "choice_filter: đọc danh sách instance() và chạy một lần cho mỗi lựa chọn: "
        "{count} lựa chọn × {cost} bước vượt giới hạn {limit} bước",
        "en": "choice_filter: reads an instance() list and runs once per choice: {count} "
        "choices x {cost} steps is over the {limit}-step limit",
    },
    "choice_filter_too_costly.fix": {
        "vi": "Lọc bằng cột của chính lựa chọn (ví dụ tinh = ${{tinh}}) thay vì đọc danh sách.",
        "en": "Filter on the choice's own columns (e.g. state = ${{state}}) instead of a list.",
    },
    "expr_curly_quote": {
        "vi": "dấu nháy cong {value} ở vị trí {position}: biểu thức cần dấu nháy thẳng ' hoặc \" "
        "(Excel tự đổi khi gõ; tắt tự sửa hoặc gõ lại)",
        "en": "curly quote {value} at {position}: expressions need straight quotes ' or \" "
        "(Excel's autocorrect changes them; turn it off or retype)",
    },
    "expr_last_saved": {
        "vi": "${{last-saved#...}} ở vị trí {position} chưa được hỗ trợ: bot không đọc câu trả "
        "lời của lần báo cáo trước trong biểu thức",
        "en": "${{last-saved#...}} at {position} is not supported: the bot does not read the "
        "previous report's answers in expressions",
    },
    "expr_unsupported_function": {
        "vi": "hàm ODK {value}() không dùng được ở vị trí {position}: {reason}",
        "en": "ODK function {value}() is not supported at {position}: {reason}",
    },
    "expr_path_unsupported": {
        "vi": "đường dẫn XPath ở vị trí {position} không được hỗ trợ: chỉ đọc được "
        "instance('danh_sách')/root/item[...]/cột của trang choices, còn câu hỏi viết ${{tên}}",
        "en": "XPath path at {position} is not supported: only "
        "instance('list')/root/item[...]/column of the choices sheet, and ${{name}} for a question",
    },
    "expr_instance_literal": {
        "vi": "instance() cần tên danh sách viết trong dấu nháy, ví dụ instance('tinh') "
        "(vị trí {position})",
        "en": "instance() needs a list name in quotes, e.g. instance('province') at {position}",
    },
    "expr_instance_unknown": {
        "vi": "instance({value}) ở vị trí {position} không phải danh sách của trang choices: "
        "bot chỉ đọc danh sách trong trang choices (không đọc biểu mẫu khác, tệp CSV hay "
        "danh sách thực thể); muốn tra bảng thì chép bảng vào trang choices với list_name đó",
        "en": "instance({value}) at {position} is not a list of the choices sheet: the bot reads "
        "only lists of the choices sheet (no other form, CSV file or entity list); to look a "
        "table up, copy it to the choices sheet under that list_name",
    },
    "expr_instance_path": {
        "vi": "đường dẫn sau instance() ở vị trí {position} phải có dạng "
        "/root/item[điều_kiện]/cột (một điều kiện, một cột)",
        "en": "the path after instance() at {position} must read /root/item[condition]/column "
        "(one condition, one column)",
    },
    "expr_instance_column": {
        "vi": "instance(...)/root/item ở vị trí {position} cần /cột phía sau (chỉ count() "
        "đếm được các mục)",
        "en": "instance(...)/root/item at {position} needs a /column after it (only count() "
        "counts the items)",
    },
    "expr_lookup_compare": {
        "vi": "so sánh hai đường dẫn instance() với nhau ở vị trí {position} chưa được hỗ trợ: "
        "so sánh với một giá trị, ví dụ ${{q}} hoặc 'chữ'",
        "en": "comparing two instance() paths with each other at {position} is not supported: "
        "compare with one value, e.g. ${{q}} or 'text'",
    },
    "expr_pulldata_shape": {
        "vi": "pulldata() cần 4 đối số, ba đối số đầu là chữ trong dấu nháy "
        "(danh sách, cột lấy, cột so khớp) (vị trí {position})",
        "en": "pulldata() needs 4 arguments, the first three quoted texts "
        "(list, column, key column) at {position}",
    },
    "expr_pulldata_csv": {
        "vi": "pulldata('{value}', ...) ở vị trí {position} đọc tệp CSV “{value}.csv” gửi kèm "
        "biểu mẫu, bot không nhận tệp kèm: hãy chép bảng đó vào trang choices với list_name "
        "“{value}” rồi đọc bằng instance('{value}')/root/item[cột_khóa = giá_trị]/cột "
        "(chạy được cả trong ODK)",
        "en": "pulldata('{value}', ...) at {position} reads the CSV file “{value}.csv” attached "
        "to the form, and the bot takes no attached files: copy that table to the choices sheet "
        "with list_name “{value}” and read it with instance('{value}')/root/item[key = value]/"
        "column (which ODK runs too)",
    },
}
