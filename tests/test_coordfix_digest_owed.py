"""A coordinator gets no digest of a form no unit of theirs must file (never "Đã nộp: 0/0").

A form for schools only: Xã Bình Minh has a school, Xã An Bình has none. After the deadline
the reminders worker sends its digests: An Bình's coordinator hears only of the form for
every unit; Bình Minh's and the province's hear of both, the school form as "0/1".
"""

from __future__ import annotations

from reportbot.store.models import Unit
from tests.conftest import FakeClock
from tests.province_support import local, publish, seed_province
from tests.test_reminders_support import RecordingConnector, worker_for


async def digests_by_reader(clock: FakeClock) -> dict[str, list[str]]:
    """The head line of every digest the worker sends, by coordinator."""
    fake = RecordingConnector("console", clock)
    await worker_for([fake], clock).run_once()
    found: dict[str, list[str]] = {}
    for delivered in fake.delivered:
        if delivered.text.startswith("📊"):
            found.setdefault(delivered.user_id, []).append(delivered.text.split("\n")[0:2])
    return {who: sorted(" / ".join(head) for head in heads) for who, heads in found.items()}


async def test_no_digest_of_a_form_none_of_the_readers_units_must_file(db: str) -> None:
    organisations = await seed_province()
    await Unit.create(
        code="th-b",
        name="Trường Tiểu học Bình Minh",
        type="truong_hoc",
        organisation_id=organisations["xa-b"].id,
    )
    await publish("chung", "Báo cáo chung")
    await publish("truong", "Báo cáo trường học", unit_types="[truong_hoc]")
    clock = FakeClock(local(2026, 12, 21, 9, 0))
    digests = await digests_by_reader(clock)
    common = (
        "📊 Tình hình nộp báo cáo: Báo cáo chung – năm 2026 (hạn 20/12/2026) / Đã nộp: 0/{} đơn vị."
    )
    school = (
        "📊 Tình hình nộp báo cáo: Báo cáo trường học – năm 2026 (hạn 20/12/2026) / "
        "Đã nộp: 0/1 đơn vị."
    )
    assert digests["c-xa-a"] == [common.format(2)]
    assert digests["c-xa-b"] == [common.format(2), school]
    assert digests["c-hoa-binh"] == [common.format(4), school]
    assert all("0/0" not in head for heads in digests.values() for head in heads)


async def test_the_province_reads_each_unit_with_its_commune_even_on_one_communes_form(
    db: str,
) -> None:
    """Review finding: the digest named communes only when its own list spanned several, so
    for a form of one commune the province read "Hội Phụ nữ An Bình" where /tinhhinh and the
    web pages say "Hội Phụ nữ An Bình (Xã An Bình)" (coordination/names.commune_labels)."""
    organisations = await seed_province()
    await publish("rieng_a", "Báo cáo riêng xã An Bình", organisations["xa-a"])
    fake = RecordingConnector("console", FakeClock(local(2026, 12, 21, 9, 0)))
    await worker_for([fake], fake.clock).run_once()
    by_reader = {d.user_id: d.text for d in fake.delivered if d.text.startswith("📊")}
    assert "(Xã An Bình)" in by_reader["c-hoa-binh"], by_reader["c-hoa-binh"]
    assert "(Xã An Bình)" not in by_reader["c-xa-a"], by_reader["c-xa-a"]
