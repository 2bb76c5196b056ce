"""Records and configuration in SQL (Tortoise ORM): what outlives a day of live state."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Office(Model):
    slug = fields.CharField(primary_key=True, max_length=40)
    name_bn = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    # The whole office configuration as imported (rules, services, counters, officials).
    config = fields.JSONField()
    # Bumped when live state had to be rebuilt, so that screens know to resync.
    epoch = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "office"


class Service(Model):
    id = fields.IntField(primary_key=True)
    office = fields.ForeignKeyField("models.Office", related_name="services")
    code = fields.CharField(max_length=2)
    prefix_bn = fields.CharField(max_length=4)
    name_bn = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    charter = fields.JSONField()

    class Meta:
        table = "service"
        unique_together = (("office", "code"),)


class Counter(Model):
    id = fields.IntField(primary_key=True)
    office = fields.ForeignKeyField("models.Office", related_name="counters")
    number = fields.IntField()
    name_bn = fields.CharField(max_length=100)
    name_en = fields.CharField(max_length=100)
    services = fields.JSONField()
    state = fields.CharField(max_length=10, default="closed")

    class Meta:
        table = "counter"
        unique_together = (("office", "number"),)


class Official(Model):
    id = fields.IntField(primary_key=True)
    office = fields.ForeignKeyField("models.Office", related_name="officials")
    slug = fields.CharField(max_length=40)
    name_bn = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    title_bn = fields.CharField(max_length=200)
    title_en = fields.CharField(max_length=200)
    email = fields.CharField(max_length=200, default="")

    class Meta:
        table = "official"
        unique_together = (("office", "slug"),)


class StaffUser(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=60, unique=True)
    display_name = fields.CharField(max_length=120, default="")
    password_hash = fields.CharField(max_length=200)
    role = fields.CharField(max_length=10)
    office = fields.ForeignKeyField("models.Office", related_name="staff")
    official_slug = fields.CharField(max_length=40, null=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_user"


class ApiKey(Model):
    id = fields.IntField(primary_key=True)
    # SHA-256 of the key: keys are long and random, so a slow hash buys nothing here.
    digest = fields.CharField(max_length=64, unique=True)
    hint = fields.CharField(max_length=12)
    role = fields.CharField(max_length=10)
    office = fields.ForeignKeyField("models.Office", related_name="api_keys")
    label = fields.CharField(max_length=120, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"


class Token(Model):
    id = fields.CharField(primary_key=True, max_length=32)
    office = fields.ForeignKeyField("models.Office", related_name="tokens")
    day = fields.DateField()
    service = fields.CharField(max_length=2)
    number = fields.IntField()
    prefix = fields.CharField(max_length=2)
    prefix_bn = fields.CharField(max_length=4)
    status = fields.CharField(max_length=12)
    phone = fields.CharField(max_length=16)
    priority = fields.BooleanField(default=False)
    counter = fields.IntField(null=True)
    pinned = fields.BooleanField(default=False)
    # Place in the queue: issue order within the day, priority tokens far ahead.
    score = fields.BigIntField()
    recalls = fields.IntField(default=0)
    transfers = fields.IntField(default=0)
    lang = fields.CharField(max_length=2, default="bn")
    outcome = fields.TextField(default="")
    issued_at = fields.DatetimeField()
    called_at = fields.DatetimeField(null=True)
    served_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    # The stream id of the newest event applied, so an older one can never overwrite it.
    last_event_id = fields.CharField(max_length=32)

    class Meta:
        table = "token"
        indexes = (("office_id", "day", "status"),)


class EventLog(Model):
    """Every event of every office, once: the history behind reports and audits."""

    id = fields.BigIntField(primary_key=True)
    office = fields.ForeignKeyField("models.Office", related_name="events")
    event_id = fields.CharField(max_length=32)
    type = fields.CharField(max_length=40)
    at = fields.DatetimeField()
    token_id = fields.CharField(max_length=32, null=True, db_index=True)
    data = fields.JSONField()

    class Meta:
        table = "event_log"
        unique_together = (("office", "event_id"),)


class AuditLog(Model):
    """Who did what, when, from which device."""

    id = fields.BigIntField(primary_key=True)
    office = fields.ForeignKeyField("models.Office", related_name="audit")
    event_id = fields.CharField(max_length=32, null=True)
    at = fields.DatetimeField()
    actor_kind = fields.CharField(max_length=10)
    actor_id = fields.CharField(max_length=40)
    actor_name = fields.CharField(max_length=120, default="")
    role = fields.CharField(max_length=10)
    device = fields.CharField(max_length=200, default="")
    action = fields.CharField(max_length=40)
    target = fields.CharField(max_length=64, default="")
    detail = fields.JSONField(default=dict)

    class Meta:
        table = "audit_log"
        unique_together = (("office", "event_id"),)


class Meeting(Model):
    """A request to meet an official and what became of it."""

    id = fields.CharField(primary_key=True, max_length=32)
    office = fields.ForeignKeyField("models.Office", related_name="meetings")
    official = fields.CharField(max_length=40)
    # The day the citizen asked for; `ref` (DC-014) is numbered per official per such day.
    day = fields.DateField()
    ref = fields.CharField(max_length=20)
    phone = fields.CharField(max_length=16)
    name = fields.CharField(max_length=100, default="")
    purpose = fields.CharField(max_length=20)
    details = fields.TextField(default="")
    lang = fields.CharField(max_length=2, default="bn")
    status = fields.CharField(max_length=12)
    requested_at = fields.DatetimeField()
    seen_at = fields.DatetimeField(null=True)
    replied_at = fields.DatetimeField(null=True)
    at = fields.DatetimeField(null=True)
    reason_code = fields.CharField(max_length=20, default="")
    reason = fields.TextField(default="")
    forwarded_from = fields.CharField(max_length=40, default="")
    escalated = fields.BooleanField(default=False)
    # The stream id of the newest event applied, so an older one can never overwrite it.
    last_event_id = fields.CharField(max_length=32)

    class Meta:
        table = "meeting"
        indexes = (("office_id", "official", "status"), ("office_id", "day"))


class Outbox(Model):
    """One SMS or e-mail to send: written once per (event, template), sent at most once.

    States: queued (waiting, maybe after a failure) → sending (handed to the sender,
    committed before the gateway is called) → sent; or failed (refused for good, or
    interrupted mid-send on a gateway that cannot drop duplicates) and dead (retries used
    up). Failed and dead rows wait for an admin to resend them.
    """

    id = fields.BigIntField(primary_key=True)
    # "<event id>:<template>" (or "<inbound id>:<template>"): a second delivery of the same
    # event inserts nothing.
    key = fields.CharField(max_length=120, unique=True)
    # A plain column, not a foreign key: a message is queued straight from a Redis event, and
    # an office live in Redis but not (yet) in SQL must not hold up the notifier.
    office_id = fields.CharField(max_length=40)
    channel = fields.CharField(max_length=8, default="sms")
    phone = fields.CharField(max_length=16, default="", db_index=True)
    email = fields.CharField(max_length=200, default="")
    template = fields.CharField(max_length=40)
    lang = fields.CharField(max_length=2, default="bn")
    subject = fields.CharField(max_length=200, default="")
    text = fields.TextField()
    parts = fields.IntField(default=1)
    state = fields.CharField(max_length=8, default="queued")
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    sending_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    gateway = fields.CharField(max_length=60, default="")
    gateway_message_id = fields.CharField(max_length=120, null=True, db_index=True)
    # Set when a message whose first delivery is unknown is sent again by hand.
    possibly_duplicate = fields.BooleanField(default=False)
    delivery = fields.CharField(max_length=20, default="")
    token_id = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox"
        indexes = (("channel", "state", "next_attempt_at"), ("office_id", "created_at"))


class InboundSms(Model):
    """A citizen's SMS reply and what it did, once per gateway message id."""

    id = fields.BigIntField(primary_key=True)
    provider_id = fields.CharField(max_length=120, unique=True)
    office_id = fields.CharField(max_length=40, null=True)
    phone = fields.CharField(max_length=16)
    text = fields.CharField(max_length=400)
    action = fields.CharField(max_length=12)
    outcome = fields.CharField(max_length=20, default="")
    token_id = fields.CharField(max_length=32, null=True)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "inbound_sms"
