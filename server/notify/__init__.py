"""Notifications: SMS and e-mail to citizens that are never lost and never sent twice.

    events ──► Notifier (consumer group "notifier") ──► outbox rows (SQL, unique key)
                                                          │
                           Sender (one loop per gateway) ◄┘──► SmsGateway / Mailer

The consumer only inserts rows (idempotent by "<event id>:<template>"), so a slow or dead
gateway never holds up the stream. The sender's docstring states what happens to a message
whose process died between the gateway call and recording it.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from server.hardware.mail import Mailer
from server.hardware.sms import open_gateway
from server.notify.consumer import GROUP, Notifier
from server.notify.messages import Composer
from server.notify.sender import Sender
from server.notify.templates import Renderer
from server.notify.transports import MailTransport, SmsTransport, Transport
from server.queue.store import QueueStore
from server.settings import Settings

__all__ = ["GROUP", "Notifications", "Notifier", "Sender", "build"]


@dataclass
class Notifications:
    """What the app keeps: the consumer's handler, the sender, and the composer for replies."""

    notifier: Notifier
    sender: Sender
    composer: Composer
    # The inbound webhook's HMAC key (settings.sms_webhook_secret); None accepts nothing.
    webhook_secret: str | None = None


def mailer_from(settings: Settings) -> Mailer | None:
    if not settings.smtp_url:
        return None
    return Mailer(settings.smtp_url, sender=settings.smtp_from)


def build(settings: Settings, store: QueueStore, redis: Redis) -> Notifications:
    """Wire templates, gateways and the sender from settings (gateways open lazily)."""
    composer = Composer(Renderer(settings.templates_dir), settings.sms_max_parts)
    mailer = mailer_from(settings)
    transports: list[Transport] = [SmsTransport(open_gateway(settings.sms_gateway, mailer=mailer))]
    if mailer is not None:
        transports.append(MailTransport(mailer))
    sender = Sender(transports, settings, redis)
    notifier = Notifier(store, composer, settings, on_queued=sender.wake)
    return Notifications(notifier, sender, composer, settings.sms_webhook_secret)
