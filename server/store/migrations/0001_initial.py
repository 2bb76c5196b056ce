import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Office',
            fields=[
                ('slug', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('name_bn', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('config', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('epoch', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'office', 'app': 'models', 'pk_attr': 'slug'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('digest', fields.CharField(unique=True, max_length=64)),
                ('hint', fields.CharField(max_length=12)),
                ('role', fields.CharField(max_length=10)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='api_keys', on_delete=OnDelete.CASCADE)),
                ('label', fields.CharField(default='', max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_key', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='audit', on_delete=OnDelete.CASCADE)),
                ('event_id', fields.CharField(null=True, max_length=32)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_kind', fields.CharField(max_length=10)),
                ('actor_id', fields.CharField(max_length=40)),
                ('actor_name', fields.CharField(default='', max_length=120)),
                ('role', fields.CharField(max_length=10)),
                ('device', fields.CharField(default='', max_length=200)),
                ('action', fields.CharField(max_length=40)),
                ('target', fields.CharField(default='', max_length=64)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'audit_log', 'app': 'models', 'unique_together': (('office', 'event_id'),), 'pk_attr': 'id', 'table_description': 'Who did what, when, from which device.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Counter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='counters', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('name_bn', fields.CharField(max_length=100)),
                ('name_en', fields.CharField(max_length=100)),
                ('services', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharField(default='closed', max_length=10)),
            ],
            options={'table': 'counter', 'app': 'models', 'unique_together': (('office', 'number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='events', on_delete=OnDelete.CASCADE)),
                ('event_id', fields.CharField(max_length=32)),
                ('type', fields.CharField(max_length=40)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('token_id', fields.CharField(null=True, db_index=True, max_length=32)),
                ('data', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'event_log', 'app': 'models', 'unique_together': (('office', 'event_id'),), 'pk_attr': 'id', 'table_description': 'Every event of every office, once: the history behind reports and audits.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Official',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='officials', on_delete=OnDelete.CASCADE)),
                ('slug', fields.CharField(max_length=40)),
                ('name_bn', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('title_bn', fields.CharField(max_length=200)),
                ('title_en', fields.CharField(max_length=200)),
                ('email', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'official', 'app': 'models', 'unique_together': (('office', 'slug'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Service',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='services', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=2)),
                ('prefix_bn', fields.CharField(max_length=4)),
                ('name_bn', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(max_length=200)),
                ('charter', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'service', 'app': 'models', 'unique_together': (('office', 'code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffUser',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=60)),
                ('display_name', fields.CharField(default='', max_length=120)),
                ('password_hash', fields.CharField(max_length=200)),
                ('role', fields.CharField(max_length=10)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='staff', on_delete=OnDelete.CASCADE)),
                ('official_slug', fields.CharField(null=True, max_length=40)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_user', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Token',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('service', fields.CharField(max_length=2)),
                ('number', fields.IntField()),
                ('prefix', fields.CharField(max_length=2)),
                ('prefix_bn', fields.CharField(max_length=4)),
                ('status', fields.CharField(max_length=12)),
                ('phone', fields.CharField(max_length=16)),
                ('priority', fields.BooleanField(default=False)),
                ('counter', fields.IntField(null=True)),
                ('pinned', fields.BooleanField(default=False)),
                ('score', fields.BigIntField()),
                ('recalls', fields.IntField(default=0)),
                ('transfers', fields.IntField(default=0)),
                ('lang', fields.CharField(default='bn', max_length=2)),
                ('outcome', fields.TextField(default='', unique=False)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('called_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('served_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_event_id', fields.CharField(max_length=32)),
            ],
            options={'table': 'token', 'app': 'models', 'indexes': [Index(fields=['office_id', 'day', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
