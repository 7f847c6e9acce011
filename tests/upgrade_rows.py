"""A commune's database as the first release (schema after migration 0004_inbox) wrote it.

Copied by hand from a database that release's own code filled (`git show 8cffd29:...`, run
with `reportbot chat --at ...`: its people import, three officers filing, one sending again):
the values, the JSON of answers and conversation states and the timestamps are what it wrote.
Only the form definition is today's (the old one reads the same, checked by hand: 28 questions).
"""

from __future__ import annotations

import json
from datetime import datetime

from reportbot.forms.loader import load_yaml_template, template_to_definition
from tests.conftest import NQ57

T0 = "2025-01-02 08:00:00+00:00"  # the form's publication, before every period of the drill

UNITS = (  # id, code, name, type
    (1, "vhxh", "Phòng Văn hóa - Xã hội", "phong"),
    (3, "hoiphunu", "Hội Liên hiệp Phụ nữ xã", "doan_the"),
    (4, "doanthanhnien", "Đoàn Thanh niên xã", "doan_the"),
    (5, "th_dakpxi", "Trường Tiểu học Đăk Pxi", "truong_hoc"),
)
PEOPLE = (  # id, name, phone, role, unit id, console user id
    (1, "Nguyễn Thị Lan", "0905000001", "officer", 3, "u-lan"),
    (2, "Trần Văn Minh", "0905000002", "coordinator", 1, "u-minh"),
    (3, "Lê Văn Hùng", "0905000011", "officer", 5, "u-hung"),
    (5, "Phạm Thu Hà", "0905000013", "officer", 4, "u-ha"),
)
SUBMISSIONS = (  # id, unit, status, revision, created by, sent by, sent at, created, updated
    (1, 3, "submitted", 2, 1, 1, "2026-11-20 01:00:00.085371+00:00",
     "2026-11-20 01:00:00.059163+00:00", "2026-11-22 02:00:00.105317+00:00"),
    (2, 4, "draft", 0, 5, None, None,
     "2026-11-21 03:00:00.107682+00:00", "2026-11-21 03:00:00.121024+00:00"),
    (5, 5, "submitted", 1, 3, 3, "2026-11-21 07:10:00.129882+00:00",
     "2026-11-21 07:00:00.095161+00:00", "2026-11-21 07:10:00.129882+00:00"),
)  # fmt: skip
_LAN = {
    "co_ke_hoach": '"yes"', "so_ke_hoach": '"KH-12/HPN"', "ngay_ke_hoach": '"2026-03-01"',
    "chuyen_muc_web": '"co"', "so_tin_bai_web": "15", "so_infographic_web": "3",
    "so_video_web": "2", "so_tin_bai_zalo": "1000", "so_infographic_zalo": "0",
    "so_video_zalo": "4", "so_buoi_truyen_thong": "5", "so_nguoi_tham_du": "250",
    "tong_so_can_bo": "30", "so_can_bo_quan_triet": "30", "tong_can_bo_truyen_thong": "10",
    "so_can_bo_tt_dao_tao": "7", "su_kien": '["ngay_18_5","ngay_10_10"]',
    "binh_dan_hoc_vu_so": '"no"', "kinh_phi": "15000000", "mo_hinh_hay": '"Ngày chủ nhật số"',
    "de_xuat": '"Xin thêm kinh phí"',
}  # fmt: skip
_HA = {  # a draft left at so_can_bo_tt_dao_tao
    "co_ke_hoach": '"no"', "chuyen_muc_web": '"chua_co"', "so_tin_bai_web": "6",
    "so_infographic_web": "2", "so_video_web": "1", "so_tin_bai_zalo": "0",
    "so_infographic_zalo": "3", "so_video_zalo": "0", "so_buoi_truyen_thong": "18",
    "so_nguoi_tham_du": "18", "tong_so_can_bo": "4", "so_can_bo_quan_triet": "2",
    "tong_can_bo_truyen_thong": "2",
}  # fmt: skip
_HUNG = {
    "co_ke_hoach": '"yes"', "so_ke_hoach": '"KH-03/TH"', "ngay_ke_hoach": '"2026-01-10"',
    "chuyen_muc_web": '"co"', "so_tin_bai_web": "4", "so_infographic_web": "1",
    "so_video_web": "1", "so_tin_bai_zalo": "2", "so_infographic_zalo": "0",
    "so_video_zalo": "0", "so_buoi_truyen_thong": "3", "so_nguoi_tham_du": "120",
    "tong_so_can_bo": "25", "so_can_bo_quan_triet": "25", "tong_can_bo_truyen_thong": "2",
    "so_can_bo_tt_dao_tao": "1", "hoat_dong_truong_hoc": '["stem","cau_lac_bo"]',
    "so_hoat_dong_truong_hoc": "6", "su_kien": '["ngay_1_10"]', "binh_dan_hoc_vu_so": '"no"',
    "kinh_phi": "2000000",
}  # fmt: skip
ANSWERS = {1: (_LAN, 1), 2: (_HA, 5), 5: (_HUNG, 3)}  # submission: (answers, answered by)
STATES = {  # person: the conversation state JSON the old engine wrote
    1: '{"mode": "idle", "last": ["nq57_bao_cao_6_thang", "2026-H2"]}',
    5: '{"mode": "answering", "form": "nq57_bao_cao_6_thang", "period": "2026-H2", '
    '"q": "so_can_bo_tt_dao_tao"}',
    3: '{"mode": "idle", "last": ["nq57_bao_cao_6_thang", "2026-H2"]}',
}
ZALO_TOKENS = (
    '{"access_token": "at-old", "refresh_token": "rt-old", "expires_at": 1795000000.0, '
    '"seed": "5f1c"}'
)
PENDING_PAYLOAD = (
    '{"platform": "console", "user_id": "u-ha", "chat_id": "u-ha", "text": "1", "choice": null, '
    '"choices": null, "attachment": null, "display_name": null, "language_code": null, '
    '"message_id": null, "update_id": "c-7", "is_private": true, "unsupported": null, '
    '"received_at": null}'
)
OTHER_ROWS = (  # the rows of the other tables, as the old code's columns
    "INSERT INTO reminder_deliveries (person_id, form_key, period_key, kind, status, due_at, "
    "sent_at, attempts, created_at) VALUES (5, 'nq57_bao_cao_6_thang', '2026-H2', 'd-7', "
    "'sent', '2026-12-13 01:00:00+00:00', '2026-12-13 01:00:02+00:00', 1, "
    "'2026-12-13 01:00:00+00:00')",
    "INSERT INTO inbox (platform, update_id, user_id, chat_id, payload, status, attempts, "
    "received_at, processed_at) VALUES ('zalo_oa', 'msg-1', 'z-ha', 'z-ha', '{}', 'done', 1, "
    "'2026-11-21 03:00:00+00:00', '2026-11-21 03:00:01+00:00')",
    # Hà's answer to so_can_bo_tt_dao_tao, accepted but not handled (the old bot was killed):
    # the payload as the old release's inbox.encode_message wrote it
    "INSERT INTO inbox (platform, update_id, user_id, chat_id, payload, status, attempts, "
    "received_at) VALUES ('console', 'c-7', 'u-ha', 'u-ha', '" + PENDING_PAYLOAD + "', "
    "'pending', 0, '2026-11-21 03:01:00+00:00')",
    "INSERT INTO outbox (topic, key, payload, seq, attempts, due_at, last_error, created_at) "
    "VALUES ('sheet', '1', '{}', 2, 3, "
    "'2026-11-22 02:05:00+00:00', 'quota', '2026-11-22 02:00:00+00:00')",
    "INSERT INTO job_leases (name, holder, expires_at) VALUES "
    "('sheet-mirror', 'vm:12806:c25ea07d', '2000-01-01 00:00:00+00:00')",
    "INSERT INTO audit_log (person_id, action, detail, created_at) VALUES "
    "(NULL, 'people.import', '{\"created\": 3}', '2026-11-20 00:00:00+00:00')",
)
COUNTS = {  # rows of each table the upgrade must keep, counted by hand from the rows above
    "units": 4, "people": 4, "identities": 4, "form_templates": 1, "submissions": 3,
    "answers": 55, "conversation_states": 3, "reminder_deliveries": 1, "inbox": 2,
    "outbox": 1, "connector_state": 1, "job_leases": 1, "audit_log": 1,
}  # fmt: skip


def _moment(value: object) -> object:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def statements(dialect: str) -> list[tuple[str, list[object]]]:
    """The old rows as (SQL, parameters) in the dialect's placeholders ('?' or '$1')."""
    rows: list[tuple[str, list[object]]] = []

    def add(table: str, values: dict[str, object]) -> None:
        if dialect != "sqlite":  # asyncpg takes times as datetimes, SQLite as the text it stores
            values = {k: _moment(v) if k.endswith("_at") else v for k, v in values.items()}
        marks = [("?" if dialect == "sqlite" else f"${n}") for n in range(1, len(values) + 1)]
        columns = ", ".join(values)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(marks)})"
        rows.append((sql, list(values.values())))

    for uid, code, name, kind in UNITS:
        add("units", {"id": uid, "code": code, "name": name, "type": kind, "active": True,
                      "created_at": T0})  # fmt: skip
    for pid, name, phone, role, unit, user in PEOPLE:
        add("people", {"id": pid, "name": name, "phone": phone, "role": role, "unit_id": unit,
                       "locale": "vi", "active": True, "created_at": T0})  # fmt: skip
        add("identities", {"platform": "console", "external_id": user, "chat_id": user,
                           "display_name": name, "person_id": pid, "created_at": T0})  # fmt: skip
    definition = json.dumps(template_to_definition(load_yaml_template(NQ57)[0]))
    add("form_templates", {"id": 2, "key": "nq57_bao_cao_6_thang", "version": 1,
                           "declared_version": "2025.1", "content_hash": "old-release",
                           "definition": definition, "source_name": "nq57_bao_cao_6_thang.yaml",
                           "active": True, "created_at": T0})  # fmt: skip
    for sid, unit, status, revision, by, sent_by, sent_at, created, updated in SUBMISSIONS:
        add("submissions", {"id": sid, "form_key": "nq57_bao_cao_6_thang", "template_id": 2,
                            "unit_id": unit, "period_key": "2026-H2", "status": status,
                            "revision": revision, "created_by_id": by,
                            "submitted_by_id": sent_by, "submitted_at": sent_at,
                            "created_at": created, "updated_at": updated})  # fmt: skip
        answers, person = ANSWERS[sid]
        for qid, value in answers.items():
            add("answers", {"submission_id": sid, "question_id": qid, "value": value,
                            "answered_by_id": person, "updated_at": updated})  # fmt: skip
    for person, data in STATES.items():
        add("conversation_states", {"person_id": person, "data": data, "updated_at": T0})
    add("connector_state", {"connector": "zalo_oa", "key": "tokens", "value": ZALO_TOKENS,
                            "updated_at": T0})  # fmt: skip
    rows.extend((sql, []) for sql in OTHER_ROWS)
    return rows
