"""A form's calculations in its worksheet: one column per calculation, after the questions.

Values are those stored with the submission (as ODK stores them), so a calculation changed
in a later version of the form never changes what an old report sent; a report stored
before calculations were kept has them computed once from its answers. The header is the
calculation's label, or its name when it has none, as KoboToolbox exports an unlabelled
`calculate` column.
"""

from __future__ import annotations

from reportbot.forms.schema import FormTemplate, pick
from reportbot.mirror.records import ColumnSpec

CALCULATE_KIND = "calculate"


def calculation_columns(template: FormTemplate) -> list[ColumnSpec]:
    """One column per calculation of this template version, in its order."""
    return [
        ColumnSpec(calc.name, pick(calc.label, "vi") or calc.name, CALCULATE_KIND)
        for calc in template.calculations
    ]
