from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0004_inbox")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Submission",
            name="version",
            field=fields.IntField(default=0),
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
