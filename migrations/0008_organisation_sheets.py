"""A commune's own spreadsheet (issue 17): a Google spreadsheet id and a local workbook path.

Both empty for every existing organisation: each keeps writing to the deployment's
spreadsheet (REPORTBOT_SPREADSHEET_ID) or workbook (REPORTBOT_MIRROR_XLSX), as before.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0007_organisations")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Organisation",
            name="sheet_id",
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name="Organisation",
            name="workbook",
            field=fields.CharField(null=True, max_length=500),
        ),
    ]
