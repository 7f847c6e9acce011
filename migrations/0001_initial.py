from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='ConnectorState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('connector', fields.CharField(max_length=32)),
                ('key', fields.CharField(max_length=64)),
                ('value', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'connector_state', 'app': 'models', 'unique_together': (('connector', 'key'),), 'pk_attr': 'id', 'table_description': 'Small durable values a connector keeps (e.g. rotating OAuth tokens).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FormTemplateRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=64)),
                ('version', fields.IntField()),
                ('declared_version', fields.CharField(max_length=64)),
                ('content_hash', fields.CharField(max_length=64)),
                ('definition', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('source_name', fields.CharField(null=True, max_length=255)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'form_templates', 'app': 'models', 'unique_together': (('key', 'version'),), 'pk_attr': 'id', 'table_description': 'One stored version of a form template, with its normalised definition.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.CharField(max_length=32)),
                ('key', fields.CharField(max_length=128)),
                ('payload', fields.TextField(default='{}', unique=False)),
                ('seq', fields.IntField(default=1)),
                ('attempts', fields.IntField(default=0)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox', 'app': 'models', 'unique_together': (('topic', 'key'),), 'pk_attr': 'id', 'table_description': 'Work that leaves the process later (sheet rows, notifications), coalesced per key.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProcessedUpdate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=32)),
                ('update_id', fields.CharField(max_length=128)),
                ('processed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'processed_updates', 'app': 'models', 'unique_together': (('platform', 'update_id'),), 'pk_attr': 'id', 'table_description': 'A platform update already handled, so a redelivered one does nothing twice.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Unit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=255)),
                ('type', fields.CharField(db_index=True, max_length=32)),
                ('parent', fields.ForeignKeyField('models.Unit', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.SET_NULL)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'units', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An office, association, school or village team that files reports.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Person',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=255)),
                ('phone', fields.CharField(null=True, db_index=True, max_length=32)),
                ('role', fields.CharField(default='officer', max_length=16)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='people', on_delete=OnDelete.SET_NULL)),
                ('locale', fields.CharField(default='vi', max_length=8)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'people', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An officer, coordinator or admin, who may have several platform identities.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConversationState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.OneToOneField('models.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='conversation', on_delete=OnDelete.CASCADE)),
                ('data', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'conversation_states', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Where a person is in a conversation: JSON written by the engine, read back on resume.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Identity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=32)),
                ('external_id', fields.CharField(max_length=128)),
                ('chat_id', fields.CharField(max_length=128)),
                ('display_name', fields.CharField(null=True, max_length=255)),
                ('person', fields.ForeignKeyField('models.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='identities', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'identities', 'app': 'models', 'unique_together': (('platform', 'external_id'),), 'pk_attr': 'id', 'table_description': "A person's account on one platform, found by platform and external user id."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invite',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('role', fields.CharField(default='officer', max_length=16)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('models.Person', source_field='person_id', null=True, db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.CASCADE)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('used_by', fields.ForeignKeyField('models.Identity', source_field='used_by_id', null=True, db_constraint=True, to_field='id', related_name='invites_used', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'invites', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A single-use code that binds a platform account to a person and unit.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Submission',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('form_key', fields.CharField(max_length=64)),
                ('template', fields.ForeignKeyField('models.FormTemplateRecord', source_field='template_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.CASCADE)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.CASCADE)),
                ('period_key', fields.CharField(max_length=32)),
                ('status', fields.CharField(default='draft', max_length=16)),
                ('revision', fields.IntField(default=0)),
                ('created_by', fields.ForeignKeyField('models.Person', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='submissions_created', on_delete=OnDelete.SET_NULL)),
                ('submitted_by', fields.ForeignKeyField('models.Person', source_field='submitted_by_id', null=True, db_constraint=True, to_field='id', related_name='submissions_sent', on_delete=OnDelete.SET_NULL)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'submissions', 'app': 'models', 'unique_together': (('form_key', 'unit', 'period_key'),), 'pk_attr': 'id', 'table_description': "A unit's report for one form and period, one row per (form, unit, period)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Answer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('submission', fields.ForeignKeyField('models.Submission', source_field='submission_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('question_id', fields.CharField(max_length=64)),
                ('value', fields.TextField(unique=False)),
                ('answered_by', fields.ForeignKeyField('models.Person', source_field='answered_by_id', null=True, db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'answers', 'app': 'models', 'unique_together': (('submission', 'question_id'),), 'pk_attr': 'id', 'table_description': 'One answer to one question of a submission, its value as JSON text.'},
            bases=['Model'],
        ),
    ]
