"""E-mail over SMTP: `Mailer(url).send(to, subject, text, html)`, failing with `MailError`."""

from __future__ import annotations

from server.hardware.mail.smtp import Mailer, MailError, SmtpConfig

__all__ = ["MailError", "Mailer", "SmtpConfig"]
