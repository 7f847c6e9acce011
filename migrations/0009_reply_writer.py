"""Which worker wrote a step's replies (issue 17): its holder id, NULL for every existing row.

A reply row whose writer's advisory lock is free (the worker died between the commit and the
send) is sent again at once instead of 60 s after it was written (`store.replies.due`). Rows
written before this migration, or by a process that holds no lock, keep the 60 s rule.

A column rather than a key in the JSON payload: the redelivery job tests the writer of every
kept reply every 2 s, in SQL, without parsing each payload (as `inbox.claimed_by` is tested);
the payload stays what the connector sends, and an older release inserting without the
column leaves it NULL, which is the old rule.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0008_organisation_sheets")]

    initial = False

    operations = [
        ops.AddField(
            model_name="OutboxEntry",
            name="writer",
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
