from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_meeting')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InboundSms',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('provider_id', fields.CharField(unique=True, max_length=120)),
                ('office_id', fields.CharField(null=True, max_length=40)),
                ('phone', fields.CharField(max_length=16)),
                ('text', fields.CharField(max_length=400)),
                ('action', fields.CharField(max_length=12)),
                ('outcome', fields.CharField(default='', max_length=20)),
                ('token_id', fields.CharField(null=True, max_length=32)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'inbound_sms', 'app': 'models', 'pk_attr': 'id', 'table_description': "A citizen's SMS reply and what it did, once per gateway message id."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Outbox',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('office_id', fields.CharField(max_length=40)),
                ('channel', fields.CharField(default='sms', max_length=8)),
                ('phone', fields.CharField(default='', db_index=True, max_length=16)),
                ('email', fields.CharField(default='', max_length=200)),
                ('template', fields.CharField(max_length=40)),
                ('lang', fields.CharField(default='bn', max_length=2)),
                ('subject', fields.CharField(default='', max_length=200)),
                ('text', fields.TextField(unique=False)),
                ('parts', fields.IntField(default=1)),
                ('state', fields.CharField(default='queued', max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sending_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('gateway', fields.CharField(default='', max_length=60)),
                ('gateway_message_id', fields.CharField(null=True, db_index=True, max_length=120)),
                ('possibly_duplicate', fields.BooleanField(default=False)),
                ('delivery', fields.CharField(default='', max_length=20)),
                ('token_id', fields.CharField(null=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox', 'app': 'models', 'indexes': [Index(fields=['channel', 'state', 'next_attempt_at']), Index(fields=['office_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One SMS or e-mail to send: written once per (event, template), sent at most once.'},
            bases=['Model'],
        ),
    ]
