"""The sentences of start-up: a wrong setting, a database that cannot be opened, a command
line that cannot run. Catalogue `startup` (key -> {"vi", "en"}), read through
`reportbot.startup_errors` or `reportbot.vocabulary.say("startup:KEY", locale, ...)`.

Each sentence names the variable (or option) and quotes the offending value, in one language:
the IT officer reads Vietnamese unless REPORTBOT_LOCALE=en.
"""

from __future__ import annotations

from reportbot.vocabulary import register

_DAYS_OFF = "REPORTBOT_EXTRA_DAYS_OFF"

TEXTS: dict[str, dict[str, str]] = {
    # reportbot.config
    "config_file_missing": {
        "vi": "REPORTBOT_CONFIG: không tìm thấy tệp {path}",
        "en": "REPORTBOT_CONFIG: file {path} not found",
    },
    "config_file_invalid": {
        "vi": "{path}: tệp cấu hình sai cú pháp TOML: {detail}",
        "en": "{path}: the configuration file is not valid TOML: {detail}",
    },
    "database_url": {
        "vi": "{name}: cần dạng sqlite://tệp.db hoặc postgres://user@host/db, nhận được {value!r}",
        "en": "{name}: expected sqlite://file.db or postgres://user@host/db, got {value!r}",
    },
    "database_url_port": {
        "vi": "{name}: cổng {value!r} trong địa chỉ cơ sở dữ liệu không hợp lệ, cần một số từ 1 "
        "đến 65535 (thường là 5432)",
        "en": "{name}: the port {value!r} of the database address is not valid, expected 1 to "
        "65535 (usually 5432)",
    },
    "database_url_parameter": {
        "vi": "{name}: không dùng được tham số {value!r} sau dấu ?; dùng được: {allowed}",
        "en": "{name}: the parameter {value!r} after the ? cannot be used; usable: {allowed}",
    },
    "database_url_sslmode": {
        "vi": "{name}: sslmode={value!r} không hợp lệ, chọn một trong {allowed}",
        "en": "{name}: sslmode={value!r} is not valid, choose one of {allowed}",
    },
    "database_url_password": {
        "vi": "{name}: tên người dùng hoặc mật khẩu trong địa chỉ cơ sở dữ liệu có ký tự / ? "
        "hoặc # chưa mã hoá; viết chúng dạng %2F, %3F, %23 (và @ dạng %40)",
        "en": "{name}: the user name or password in the database address has an unencoded "
        "/ ? or # character; write them as %2F, %3F, %23 (and @ as %40)",
    },
    "database_url_ssl": {
        "vi": "{name}: ssl={value!r} không hợp lệ, chọn một trong {allowed}",
        "en": "{name}: ssl={value!r} is not valid, choose one of {allowed}",
    },
    "database_url_sslrootcert": {
        "vi": "{name}: sslrootcert={value!r}: không đọc được tệp chứng chỉ gốc (CA) này (không "
        "có tệp hoặc không phải tệp PEM); chép tệp CA của nhà cung cấp PostgreSQL vào máy và "
        "ghi đường dẫn đầy đủ của nó",
        "en": "{name}: sslrootcert={value!r}: cannot read this root (CA) certificate file (no "
        "such file, or not a PEM file); copy your PostgreSQL provider's CA file onto this "
        "machine and give its full path",
    },
    "database_url_host": {
        "vi": "{name}: host={value!r}: chỉ dùng khi địa chỉ không ghi máy, ví dụ "
        "postgres://user@/db?host=/var/run/postgresql",
        "en": "{name}: host={value!r}: only usable when the address names no host, e.g. "
        "postgres://user@/db?host=/var/run/postgresql",
    },
    "database_url_whole": {
        "vi": "{name}: {key}={value!r} không hợp lệ, cần một số nguyên từ {minimum} trở lên",
        "en": "{name}: {key}={value!r} is not valid, expected a whole number of at least {minimum}",
    },
    "database_url_seconds": {
        "vi": "{name}: {key}={value!r} không hợp lệ, cần một số giây lớn hơn 0 (ví dụ 30 hoặc 2.5)",
        "en": "{name}: {key}={value!r} is not valid, expected a number of seconds above 0 (e.g. "
        "30 or 2.5)",
    },
    "timezone": {
        "vi": "{name}: {value!r} không phải múi giờ hợp lệ, ví dụ Asia/Ho_Chi_Minh",
        "en": "{name}: {value!r} is not a known time zone, e.g. Asia/Ho_Chi_Minh",
    },
    "timezone_etc_gmt": {
        "vi": "{name}: {value!r} nghĩa là {means} (trong tên Etc/GMT dấu bị đảo ngược), không "
        "phải giờ Việt Nam; dùng tên vùng, ví dụ Asia/Ho_Chi_Minh (UTC+07:00)",
        "en": "{name}: {value!r} means {means} (Etc/GMT names reverse the sign), not "
        "Vietnam's time; use a region name, e.g. Asia/Ho_Chi_Minh (UTC+07:00)",
    },
    "choice": {
        "vi": "{name}: {value!r} không hợp lệ, chọn một trong {allowed}",
        "en": "{name}: {value!r} is not valid, choose one of {allowed}",
    },
    "port": {
        "vi": "{name}: {value!r} không phải cổng hợp lệ, cần một số từ 1 đến 65535",
        "en": "{name}: {value!r} is not a valid port, expected 1 to 65535",
    },
    "clock": {
        "vi": "{name}: {value!r} cần dạng HH:MM",
        "en": "{name}: {value!r} is not a time, expected HH:MM",
    },
    "boolean": {
        "vi": "{name}: {value!r} cần true hoặc false",
        "en": "{name}: {value!r} is neither true nor false",
    },
    # features' settings (web page, media, sheet mirror)
    "url": {
        "vi": "{name}: cần địa chỉ bắt đầu bằng http:// hoặc https://, nhận {value!r}",
        "en": "{name}: expected an address starting with http:// or https://, got {value!r}",
    },
    "positive": {
        "vi": "{name}: cần một số lớn hơn 0, nhận {value!r}",
        "en": "{name}: expected a number greater than 0, got {value!r}",
    },
    "database_pool": {
        "vi": "{name}: cần số kết nối cơ sở dữ liệu là một số nguyên từ 1 đến {maximum}, nhận "
        "{value!r} (mọi tiến trình cộng lại phải dưới max_connections của PostgreSQL)",
        "en": "{name}: expected a number of database connections, a whole number from 1 to "
        "{maximum}, got {value!r} (all processes together must stay under PostgreSQL's "
        "max_connections)",
    },
    "whole": {
        "vi": "{name}: cần một số nguyên từ {minimum} trở lên, nhận được {value!r}",
        "en": "{name}: expected a whole number of at least {minimum}, got {value!r}",
    },
    "mirror": {
        "vi": "bảng tính sao chép: {problem}",
        "en": "sheet mirror: {problem}",
    },
    # reportbot.reminders.days_off
    "days_off_date": {
        "vi": _DAYS_OFF + ": ngày không hợp lệ {entry!r}, cần dạng YYYY-MM-DD",
        "en": _DAYS_OFF + ": invalid date {entry!r}, expected YYYY-MM-DD",
    },
    "days_off_many": {
        "vi": _DAYS_OFF + ": {count} mục, nhiều hơn giới hạn {limit} mục",
        "en": _DAYS_OFF + ": {count} entries, more than the limit of {limit}",
    },
    "days_off_entry": {
        "vi": _DAYS_OFF + ": không hiểu {entry!r}, cần dạng YYYY-MM-DD, "
        "YYYY-MM-DD..YYYY-MM-DD hoặc YYYY-MM-DD=tên",
        "en": _DAYS_OFF + ": cannot read {entry!r}, expected YYYY-MM-DD, "
        "YYYY-MM-DD..YYYY-MM-DD or YYYY-MM-DD=name",
    },
    "days_off_range": {
        "vi": _DAYS_OFF + ": khoảng ngày {entry!r} ngược chiều hoặc dài quá {days} ngày",
        "en": _DAYS_OFF + ": the range {entry!r} is reversed or longer than {days} days",
    },
    # a connector's own line ({"vi", "en"} from connectors.base.ConnectorStartError)
    "connector": {"vi": "{problem}", "en": "{problem}"},
    # reportbot.store.database
    "db_folder_missing": {
        "vi": "Không mở được cơ sở dữ liệu {url}: thư mục {folder} không tồn tại",
        "en": "Cannot open the database {url}: the folder {folder} does not exist",
    },
    "db_folder_read_only": {
        "vi": "Không mở được cơ sở dữ liệu {url}: không có quyền ghi vào {folder}",
        "en": "Cannot open the database {url}: the folder {folder} is not writable",
    },
    "db_unreachable": {
        "vi": "Không kết nối được cơ sở dữ liệu {url}: {reason}; kiểm tra PostgreSQL đang chạy và "
        "REPORTBOT_DATABASE_URL (máy, cổng, tên cơ sở dữ liệu, người dùng, mật khẩu)",
        "en": "Cannot reach the database {url}: {reason}; check that PostgreSQL is running and "
        "REPORTBOT_DATABASE_URL (host, port, database name, user, password)",
    },
    "db_full": {
        "vi": "Không ghi được vào cơ sở dữ liệu {url}: hết dung lượng đĩa (hoặc cơ sở dữ liệu "
        "đã đầy). Những gì đã lưu trước lỗi vẫn giữ nguyên: giải phóng dung lượng ổ đĩa chứa "
        "cơ sở dữ liệu rồi chạy lại lệnh",
        "en": "Cannot write to the database {url}: the disk (or the database) is full. What "
        "was stored before the error stays: free space on the disk that holds the database, "
        "then run the command again",
    },
    "db_read_only": {
        "vi": "Không ghi được vào cơ sở dữ liệu {url}: cơ sở dữ liệu chỉ cho đọc (người dùng chạy "
        "bot không có quyền ghi). Những gì đã lưu trước lỗi vẫn giữ nguyên: cho người dùng này "
        "quyền ghi tệp cơ sở dữ liệu, các tệp -wal, -shm và thư mục chứa chúng (chown), rồi "
        "chạy lại lệnh",
        "en": "Cannot write to the database {url}: it is read-only (the user running the bot "
        "may not write it). What was stored before the error stays: give that user write "
        "access to the database file, its -wal and -shm files and their folder (chown), then "
        "run the command again",
    },
    "db_read_only_server": {
        "vi": "Không ghi được vào cơ sở dữ liệu {url}: máy chủ chỉ nhận lệnh đọc (một máy dự "
        "phòng - standby?). Những gì đã lưu trước lỗi vẫn giữ nguyên: trỏ "
        "REPORTBOT_DATABASE_URL tới máy chủ chính (primary), rồi chạy lại lệnh",
        "en": "Cannot write to the database {url}: the server only accepts reads (a standby?). "
        "What was stored before the error stays: point REPORTBOT_DATABASE_URL at the primary, "
        "then run the command again",
    },
    "db_in_use": {
        "vi": "Một bản reportbot khác (tiến trình {pid}) đang chạy trên cơ sở dữ liệu {url}; hai "
        "bản trên một tệp SQLite sẽ ghi đè câu trả lời của nhau. Không khởi động: dừng bản kia "
        "trước (kill {pid}), hoặc dùng PostgreSQL để chạy nhiều tiến trình. Khoá: {lock}",
        "en": "Another copy of reportbot (process {pid}) is running on the database {url}; two "
        "copies on one SQLite file overwrite each other's answers. Not starting: stop that one "
        "first (kill {pid}), or use PostgreSQL to run several processes. Lock: {lock}",
    },
    "db_backup_postgres": {
        "vi": "`reportbot db backup` chỉ dùng cho SQLite; với PostgreSQL dùng pg_dump "
        "(deploy/backup.sh, docs/DEPLOY.md B.6)",
        "en": "`reportbot db backup` is for SQLite only; with PostgreSQL use pg_dump "
        "(deploy/backup.sh, docs/DEPLOY.md B.6)",
    },
    "db_backup_missing": {
        "vi": "Không có tệp cơ sở dữ liệu {url} để sao lưu; kiểm tra REPORTBOT_DATABASE_URL",
        "en": "There is no database file {url} to back up; check REPORTBOT_DATABASE_URL",
    },
    "db_backup_exists": {
        "vi": "{path}: tệp đã có, không ghi đè; chọn một tên khác",
        "en": "{path}: the file exists and is not overwritten; choose another name",
    },
    "db_backup_damaged": {
        "vi": "Bản sao lưu không qua được kiểm tra của SQLite ({detail}); không ghi tệp nào",
        "en": "The backup failed SQLite's check ({detail}); no file was written",
    },
    "db_backup_no_folder": {
        "vi": "Không sao lưu được vào {path}: thư mục {folder} không có; tạo thư mục đó trước "
        "hoặc chọn một đường dẫn khác",
        "en": "Cannot back up to {path}: the folder {folder} does not exist; create it first "
        "or choose another path",
    },
    "db_backup_full": {
        "vi": "Không sao lưu được vào {path}: ổ đĩa chứa tệp này đã đầy; không ghi tệp nào (cơ "
        "sở dữ liệu không bị thay đổi)",
        "en": "Cannot back up to {path}: the disk that holds it is full; no file was written "
        "(the database itself is unchanged)",
    },
    "db_backup_failed": {
        "vi": "Không sao lưu được vào {path}: {reason}; không ghi tệp nào (cơ sở dữ liệu không "
        "bị thay đổi): kiểm tra quyền ghi và ổ đĩa của thư mục đó",
        "en": "Cannot back up to {path}: {reason}; no file was written (the database itself "
        "is unchanged): check that folder's write permission and disk",
    },
    "db_in_use_postgres": {
        "vi": "Một bản reportbot khác với vai trò all đang chạy trên cơ sở dữ liệu {url}. Không "
        "khởi động: dừng bản kia trước, hoặc chạy nhiều tiến trình bằng --role web và --role "
        "worker (docs/DEPLOY.md)",
        "en": "Another copy of reportbot with role all is running on the database {url}. Not "
        "starting: stop that one first, or run several processes as --role web and --role "
        "worker (docs/DEPLOY.md)",
    },
    "db_client_setting": {
        "vi": "Không kết nối được cơ sở dữ liệu {url}: {reason}; với sslmode=verify-ca hoặc "
        "verify-full, ghi tệp chứng chỉ gốc (CA) của nhà cung cấp vào REPORTBOT_DATABASE_URL: "
        "...?sslmode=verify-full&sslrootcert=/etc/reportbot/ca.pem",
        "en": "Cannot reach the database {url}: {reason}; with sslmode=verify-ca or "
        "verify-full, give your provider's root (CA) certificate file in "
        "REPORTBOT_DATABASE_URL: ...?sslmode=verify-full&sslrootcert=/etc/reportbot/ca.pem",
    },
    # reportbot.store.migrating
    "db_newer": {
        "vi": "Cơ sở dữ liệu đã được một bản mới hơn cập nhật (migration {names}); bản này chỉ "
        "biết đến {latest}. Không thay đổi gì: cài bản mới hơn đó hoặc khôi phục bản sao lưu",
        "en": "The database was migrated by a newer release (migration {names}); this release "
        "knows up to {latest}. Nothing was changed: install that newer release or restore "
        "the backup",
    },
    "db_migration_failed": {
        "vi": "Migration {name} không chạy được: {reason}; bước này đã được hoàn tác, cơ sở "
        "dữ liệu vẫn ở {kept}. Sửa lỗi rồi chạy lại `reportbot db migrate`",
        "en": "Migration {name} failed: {reason}; that step was rolled back, the database "
        "stays at {kept}. Fix the cause and run `reportbot db migrate` again",
    },
    "db_migration_slow": {
        "vi": "Migration {name} chạy quá {seconds} giây nên đã dừng: bước này đã được hoàn tác, "
        "không thay đổi gì, cơ sở dữ liệu vẫn ở {kept}. Dừng bot (giờ bảo trì) rồi chạy lại "
        "với nhiều thời gian hơn: REPORTBOT_MIGRATE_STEP_TIMEOUT=600 reportbot db migrate",
        "en": "Migration {name} ran longer than {seconds} s and was stopped: that step was "
        "rolled back, nothing was changed, the database stays at {kept}. Stop the bot (a "
        "maintenance window) and run it again with more time: "
        "REPORTBOT_MIGRATE_STEP_TIMEOUT=600 reportbot db migrate",
    },
    # process roles and the run/chat commands
    "role_unknown": {
        "vi": "REPORTBOT_ROLE={value!r}: cần một trong {allowed}",
        "en": "REPORTBOT_ROLE={value!r}: expected one of {allowed}",
    },
    "role_needs_postgres": {
        "vi": "--role {role} cần PostgreSQL (REPORTBOT_DATABASE_URL=postgres://…); với SQLite "
        "chỉ chạy được --role all",
        "en": "--role {role} needs PostgreSQL (REPORTBOT_DATABASE_URL=postgres://…); SQLite "
        "runs only --role all",
    },
    "no_platform": {
        "vi": "--role {role}: không có kết nối nền tảng nào được cấu hình; đặt "
        "REPORTBOT_TELEGRAM_TOKEN, REPORTBOT_ZALO_BOT_TOKEN hoặc các REPORTBOT_ZALO_OA_* trong "
        "reportbot.env (docs/DEPLOY.md), hoặc thử bot trong cửa sổ lệnh bằng `reportbot chat`",
        "en": "--role {role}: no platform connector is configured; set "
        "REPORTBOT_TELEGRAM_TOKEN, REPORTBOT_ZALO_BOT_TOKEN or the REPORTBOT_ZALO_OA_* settings "
        "in reportbot.env (docs/DEPLOY.md), or try the bot in a terminal with `reportbot chat`",
    },
    "at_format": {
        "vi": "{value!r}: cần dạng YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM",
        "en": "{value!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM",
    },
    "at_refused": {
        "vi": "--at không dùng được trên cơ sở dữ liệu có {count} tài khoản thật (Telegram, "
        "Zalo...): nhắc nhở của họ sẽ bị ghi với giờ giả. Hãy dùng một cơ sở dữ liệu thử "
        "(REPORTBOT_DATABASE_URL).",
        "en": "--at is refused on a database with {count} real accounts (Telegram, Zalo...): "
        "their reminders would be written with a pretended time. Use a test database "
        "(REPORTBOT_DATABASE_URL).",
    },
    "forms_folder_missing": {
        "vi": "REPORTBOT_FORMS_DIR: không có thư mục mẫu báo cáo {folder} và cơ sở dữ liệu chưa "
        "có mẫu nào; chạy từ thư mục chứa forms/ hoặc đặt REPORTBOT_FORMS_DIR",
        "en": "REPORTBOT_FORMS_DIR: no forms folder {folder} and no form stored in the "
        "database; start from the folder holding forms/ or set REPORTBOT_FORMS_DIR",
    },
    "port_in_use_fix": {
        "vi": "có thể một bản reportbot khác đang chạy (xem `ps aux | grep reportbot`); đặt "
        "REPORTBOT_HTTP_PORT một cổng khác hoặc dừng chương trình đang dùng cổng này",
        "en": "another copy of reportbot may be running (see `ps aux | grep reportbot`); set "
        "another REPORTBOT_HTTP_PORT or stop the program using this port",
    },
}

STARTUP = register("startup", TEXTS)
