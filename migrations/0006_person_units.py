"""Several units per person: the person_units link table (issue 13).

The first unit of a person stays in people.unit_id, so existing databases need no row copied:
a person's units are that column plus these links.
"""

from pathlib import Path

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

# 0005 is written on another branch at the same time: follow it when it is present, so this
# file is right both before and after the two branches are merged.
_AFTER_0005 = (Path(__file__).parent / "0005_worker_claims_versions.py").exists()
_PREVIOUS = "0005_worker_claims_versions" if _AFTER_0005 else "0004_inbox"


class Migration(migrations.Migration):
    dependencies = [("models", _PREVIOUS)]

    initial = False

    operations = [
        ops.CreateModel(
            name="PersonUnit",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "models.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="unit_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="person_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "person_units",
                "app": "models",
                "unique_together": (("person", "unit"),),
                "pk_attr": "id",
                "table_description": "A unit a person reports for besides the first one, which stays in people.unit_id.",
            },
            bases=["Model"],
        ),
    ]
