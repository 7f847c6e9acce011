from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_reminder_period_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InboxEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=32)),
                ('update_id', fields.CharField(max_length=128)),
                ('user_id', fields.CharField(default='', max_length=128)),
                ('chat_id', fields.CharField(default='', max_length=128)),
                ('payload', fields.TextField(default='', unique=False)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('processed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'inbox', 'app': 'models', 'unique_together': (('platform', 'update_id'),), 'pk_attr': 'id', 'table_description': 'A verified platform update, stored before it is acknowledged, processed exactly once.'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='ProcessedUpdate'),
    ]
