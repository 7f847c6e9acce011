from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import DB_DEFAULT_NOT_SET
from tortoise.indexes import Index


class _AddFieldFillingRows(ops.AddField):
    """AddField for a NOT NULL column on a table that already holds rows.

    The column is added with a database DEFAULT (`fill`), so rows written by an earlier release
    get that value; the migration state keeps the model's field as it is (no database default),
    so the state still equals the models. Without it, `ADD COLUMN version INT NOT NULL` is
    refused by SQLite ("Cannot add a NOT NULL column with default value NULL") and by PostgreSQL
    ("contains null values") as soon as one report exists.
    """

    def __init__(self, model_name: str, name: str, field: fields.Field, fill: object) -> None:
        super().__init__(model_name=model_name, name=name, field=field)
        self.fill = fill

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        field = model._meta.fields_map[self.name]
        field.db_default = self.fill
        try:
            await state_editor.add_field(model, self.name)
        finally:
            field.db_default = DB_DEFAULT_NOT_SET


class Migration(migrations.Migration):
    dependencies = [("models", "0004_inbox")]

    initial = False

    operations = [
        _AddFieldFillingRows(
            model_name="Submission",
            name="version",
            field=fields.IntField(default=0),
            fill=0,
        ),
        ops.AddField(
            model_name="InboxEntry",
            name="claimed_by",
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name="InboxEntry",
            name="claimed_until",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name="InboxEntry",
            index=Index(fields=["platform", "user_id", "status"]),
        ),
    ]
