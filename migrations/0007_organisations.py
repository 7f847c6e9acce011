"""Organisations above units (issue 17): province -> commune -> unit.

Creates the default commune and attaches every existing unit to it, so a single-commune
deployment keeps working with no change. Coordinators keep no organisation (they see the
whole deployment, as before) until one is given to them. Publications get a scope (None:
everything, as before).
"""

from datetime import UTC, datetime

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

# Kept here rather than imported: a migration must not change when the code moves on.
_DEFAULT_CODE = "mac-dinh"
_DEFAULT_NAME = "Xã (mặc định)"
_NOW = datetime.now(UTC).isoformat(sep=" ")


def _organisation_field(related_name: str, column: str) -> fields.ForeignKeyField:
    return fields.ForeignKeyField(
        "models.Organisation",
        source_field=column,
        null=True,
        db_constraint=True,
        to_field="id",
        related_name=related_name,
        on_delete=OnDelete.SET_NULL,
    )


class Migration(migrations.Migration):
    dependencies = [("models", "0006_person_units")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Organisation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, max_length=64)),
                ("name", fields.CharField(max_length=255)),
                ("kind", fields.CharField(default="commune", max_length=16)),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "models.Organisation",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="children",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "organisations",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A level above units, province then commune, a unit belongs to one commune.",
            },
            bases=["Model"],
        ),
        ops.AddField(model_name="Unit", name="organisation", field=_organisation_field("units", "organisation_id")),
        ops.AddField(model_name="Person", name="organisation", field=_organisation_field("people", "organisation_id")),
        ops.AddField(
            model_name="Invite",
            name="organisation",
            field=_organisation_field("invites", "organisation_id"),
        ),
        ops.AddField(
            model_name="FormTemplateRecord", name="scope", field=_organisation_field("publications", "scope_id")
        ),
        ops.RunSQL(
            [
                "INSERT INTO organisations (code, name, kind, created_at) "
                f"VALUES ('{_DEFAULT_CODE}', '{_DEFAULT_NAME}', 'commune', '{_NOW}')",
                "UPDATE units SET organisation_id = "
                f"(SELECT id FROM organisations WHERE code = '{_DEFAULT_CODE}')",
            ],
            reverse_sql=[
                "UPDATE units SET organisation_id = NULL",
                f"DELETE FROM organisations WHERE code = '{_DEFAULT_CODE}'",
            ],
        ),
    ]
