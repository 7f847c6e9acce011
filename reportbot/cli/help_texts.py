"""The command line's help in Vietnamese: each English help text of the parsers, translated.

The parsers are declared in English (in each feature's own `register`), and
`reportbot.cli.parser.localize` swaps every text for its Vietnamese line here when the CLI
speaks Vietnamese (the default; `REPORTBOT_LOCALE=en` keeps English). A test walks every
parser and fails on a help text missing from this table.
"""

from __future__ import annotations

HELP_VI: dict[str, str] = {
    "A reporting assistant for commune officers.": "Trợ lý báo cáo cho cán bộ cơ sở.",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "debug logging": "ghi nhật ký chi tiết (gỡ lỗi)",
    "show program's version number and exit": "hiện phiên bản rồi thoát",
    "start the bot with every configured connector": "chạy bot với mọi kết nối đã cấu hình",
    "talk to the bot in the terminal": "trò chuyện với bot ngay trong cửa sổ lệnh",
    "database tasks": "việc với cơ sở dữ liệu",
    "form templates": "mẫu báo cáo",
    "sheet mirror (Google Sheets or .xlsx)": "bảng tính sao chép (Google Sheets hoặc .xlsx)",
    "units of the commune": "các đơn vị của xã",
    "people": "người dùng",
    "invite codes": "mã mời",
    "the consolidated report of a form and period": "báo cáo tổng hợp của một mẫu và một kỳ",
    "current and next reporting periods of the forms, with reminders": (
        "kỳ báo cáo hiện tại và kỳ tới của các mẫu, kèm lịch nhắc"
    ),
    "preview the reminders (the bot sends them)": "xem trước các lời nhắc (bot tự gửi)",
    "the province and its communes": "tỉnh và các xã",
    "every unit and who joined": "mọi đơn vị và số người đã kết nối",
    "one commune or a province": "một xã hoặc một tỉnh",
    "every person, their units and chats": "mọi người dùng, đơn vị và kênh trò chuyện của họ",
    "the people of one unit": "người dùng của một đơn vị",
    "only those who have not joined a chat yet": "chỉ những người chưa kết nối với bot",
    "version, database, backlog (read-only)": "phiên bản, cơ sở dữ liệu, hàng đợi (chỉ xem)",
    "all: everything in one process (default, or REPORTBOT_ROLE); web: store updates and answer "
    "the platforms; worker: handle stored updates and send replies (web and worker need "
    "PostgreSQL; see docs/DEPLOY.md)": (
        "all: mọi việc trong một tiến trình (mặc định, hoặc REPORTBOT_ROLE); web: nhận, lưu tin "
        "và trả lời nền tảng; worker: xử lý tin đã lưu và gửi trả lời (web và worker cần "
        "PostgreSQL; xem docs/DEPLOY.md)"
    ),
    "pretend the clock shows this local time (YYYY-MM-DD or YYYY-MM-DDTHH:MM), then runs on "
    "from there; for demos": (
        "coi như đồng hồ đang chỉ giờ địa phương này (YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM) rồi chạy "
        "tiếp từ đó; để trình diễn"
    ),
    "person id, phone or part of the name": "mã người dùng, số điện thoại hoặc một phần tên",
    "apply pending migrations": "áp dụng các bản nâng cấp cơ sở dữ liệu còn chờ",
    "copy the SQLite database to FILE, safely while the bot runs or after a crash": (
        "sao chép cơ sở dữ liệu SQLite vào FILE, an toàn cả khi bot đang chạy hoặc sau sự cố"
    ),
    "check template files": "kiểm tra tệp mẫu báo cáo",
    "store templates (a changed file: new version)": (
        "lưu mẫu báo cáo (tệp đã sửa: phiên bản mới)"
    ),
    "list stored templates": "liệt kê các mẫu đã lưu",
    "check a YAML or XLSForm template and publish it": (
        "kiểm tra một mẫu YAML hoặc XLSForm rồi đăng"
    ),
    "files (default: the forms folder)": "các tệp (mặc định: thư mục forms)",
    "publish without asking": "đăng không cần hỏi lại",
    "publish for one commune or a province (default: all)": (
        "đăng cho một xã hoặc một tỉnh (mặc định: tất cả)"
    ),
    "rebuild every worksheet from the database": "dựng lại mọi trang tính từ cơ sở dữ liệu",
    "backlog and last error": "số thay đổi chờ ghi và lỗi gần nhất",
    "deliver pending changes now": "ghi ngay các thay đổi đang chờ",
    "create or update units from a CSV file": "tạo hoặc cập nhật đơn vị từ tệp CSV",
    "columns: code, name, type, parent": "các cột: code, name, type, parent",
    "create or update people from a CSV file": "tạo hoặc cập nhật người dùng từ tệp CSV",
    "columns: name, phone, unit, role": "các cột: name, phone, unit, role",
    "create a single-use invite": "tạo một mã mời dùng một lần",
    "the unit's code": "mã của đơn vị",
    "invite a person already imported, by phone": "mời một người đã nhập, theo số điện thoại",
    "days before it expires (14)": "số ngày trước khi mã hết hạn (14)",
    "the commune or province a coordinator will see": "xã hoặc tỉnh mà chuyên viên được xem",
    "form key or words of its title (default: the only form)": (
        "mã mẫu báo cáo hoặc vài chữ trong tên mẫu (mặc định: mẫu duy nhất)"
    ),
    "e.g. 2026-H2 (default: latest filed)": "ví dụ 2026-H2 (mặc định: kỳ nộp gần nhất)",
    "file to write": "tệp cần ghi",
    "a commune, or a province and its communes (default: all)": (
        "một xã, hoặc một tỉnh và các xã của tỉnh (mặc định: tất cả)"
    ),
    "a form key (default: every form)": "mã mẫu báo cáo (mặc định: mọi mẫu)",
    "pretend the clock shows this local time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)": (
        "coi như đồng hồ đang chỉ giờ địa phương này (YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM)"
    ),
    "show what would be sent to whom and when": "cho xem sẽ gửi gì, cho ai, khi nào",
    "preview at this local time instead of now (YYYY-MM-DD or YYYY-MM-DDTHH:MM)": (
        "xem trước tại giờ địa phương này thay vì bây giờ (YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM)"
    ),
    "add a commune or a province": "thêm một xã hoặc một tỉnh",
    "every province and commune, with its units": "mọi tỉnh và xã, kèm các đơn vị",
    "a short code, e.g. xa-dak-pxi": "một mã ngắn, ví dụ xa-dak-pxi",
    "the name shown to people": "tên hiển thị cho mọi người",
    "give a commune its own spreadsheet": "cho một xã bảng tính riêng",
    "the commune (code or name)": "xã (mã hoặc tên)",
    "the Google spreadsheet id": "mã bảng tính Google",
    "the commune's own Google spreadsheet": "bảng tính Google riêng của xã",
    "the local workbook (default: beside REPORTBOT_MIRROR_XLSX, named after the code)": (
        "tệp Excel riêng trên máy chủ (mặc định: cạnh REPORTBOT_MIRROR_XLSX, đặt theo mã xã)"
    ),
    "back to the deployment's spreadsheet": "trở lại bảng tính chung",
    "the province (code or name)": "tỉnh (mã hoặc tên)",
}

# argparse's own words (its section titles, its usage prefix) and its common errors.
TITLES_VI = {"positional arguments": "tham số", "options": "tùy chọn"}
USAGE_VI = "cách dùng: "
ERRORS_VI: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"thiếu tham số: \1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"\1: không có lựa chọn \2 (chọn một trong: \3)",
    ),
    (r"unrecognized arguments: (.*)", r"không hiểu tham số: \1"),
    (r"argument (\S+): expected one argument", r"\1: cần một giá trị"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"\1: giá trị không hợp lệ: \3"),
    # An option's own check (e.g. --at) already speaks the CLI's language: only the frame.
    (r"argument (\S+): (.*)", r"\1: \2"),
)
