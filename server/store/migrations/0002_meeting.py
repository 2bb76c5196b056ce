from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('office', fields.ForeignKeyField('models.Office', source_field='office_id', db_constraint=True, to_field='slug', related_name='meetings', on_delete=OnDelete.CASCADE)),
                ('official', fields.CharField(max_length=40)),
                ('day', fields.DateField()),
                ('ref', fields.CharField(max_length=20)),
                ('phone', fields.CharField(max_length=16)),
                ('name', fields.CharField(default='', max_length=100)),
                ('purpose', fields.CharField(max_length=20)),
                ('details', fields.TextField(default='', unique=False)),
                ('lang', fields.CharField(default='bn', max_length=2)),
                ('status', fields.CharField(max_length=12)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason_code', fields.CharField(default='', max_length=20)),
                ('reason', fields.TextField(default='', unique=False)),
                ('forwarded_from', fields.CharField(default='', max_length=40)),
                ('escalated', fields.BooleanField(default=False)),
                ('last_event_id', fields.CharField(max_length=32)),
            ],
            options={'table': 'meeting', 'app': 'models', 'indexes': [Index(fields=['office_id', 'official', 'status']), Index(fields=['office_id', 'day'])], 'pk_attr': 'id', 'table_description': 'A request to meet an official and what became of it.'},
            bases=['Model'],
        ),
    ]
