from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_reminders_leases_audit')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='ReminderDelivery',
            index=Index(fields=['form_key', 'period_key']),
        ),
    ]
