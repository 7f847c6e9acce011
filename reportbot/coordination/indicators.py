"""The plan's indicators: figures the commune must report as a percentage against a target.

An indicator applies to any form that has its questions, so a new version of the form (or
another form asking the same questions) is measured the same way. Two kinds:

- a ratio of sums over the units that filed (officials informed out of all officials);
- a share of units (units that issued a plan out of the units that answered).
"""

from __future__ import annotations

from dataclasses import dataclass

from reportbot.forms.schema import FormTemplate, Text


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator and its target in percent, due by a year of the plan."""

    key: str
    label: Text
    target: int
    due: str
    numerator: str | None = None
    denominator: str | None = None
    question: str | None = None
    value: str | None = None
    excluded: tuple[str, ...] = ()

    def applies_to(self, template: FormTemplate) -> bool:
        """Whether the form asks every question the indicator needs."""
        needed = [q for q in (self.numerator, self.denominator, self.question) if q]
        return bool(needed) and all(template.question(q) is not None for q in needed)


PLAN_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="can_bo_quan_triet",
        label={
            "vi": "Cán bộ, công chức, viên chức được quán triệt Nghị quyết 57",
            "en": "Officials and public employees informed of Resolution 57",
        },
        target=100,
        due="2025",
        numerator="so_can_bo_quan_triet",
        denominator="tong_so_can_bo",
    ),
    Indicator(
        key="can_bo_tt_dao_tao",
        label={
            "vi": "Người làm công tác truyền thông được đào tạo kỹ năng truyền thông số",
            "en": "Communication staff trained in digital communication skills",
        },
        target=70,
        due="2030",
        numerator="so_can_bo_tt_dao_tao",
        denominator="tong_can_bo_truyen_thong",
    ),
    Indicator(
        key="don_vi_co_ke_hoach",
        label={
            "vi": "Đơn vị đã ban hành kế hoạch thực hiện",
            "en": "Units that issued an implementation plan",
        },
        target=100,
        due="2025",
        question="co_ke_hoach",
        value="yes",
    ),
    Indicator(
        key="don_vi_co_chuyen_muc",
        label={
            "vi": "Trang thông tin điện tử có chuyên mục về Nghị quyết 57",
            "en": "Web pages with a Resolution 57 column",
        },
        target=100,
        due="2025",
        question="chuyen_muc_web",
        value="co",
        excluded=("chua_co_trang_ttdt",),
    ),
)


def indicators_for(template: FormTemplate) -> list[Indicator]:
    """The plan's indicators a form can measure."""
    return [indicator for indicator in PLAN_INDICATORS if indicator.applies_to(template)]
