"""The SMS channel behind a small interface; the backend is a setting (SMS_BACKEND).

A real gateway is configuration: a class with `send(phone, text)` named by the setting. The
shipped backend only records what would be sent, in the log (the phone masked: no full phone
numbers in logs) and in `outbox`, which tests read like django.core.mail.outbox.
"""

import logging
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

from pairing.validators import mask_phone

logger = logging.getLogger("ledgers.sms")

# Bounded: a long-running worker with the logging backend must not grow without end.
outbox: deque[tuple[str, str]] = deque(maxlen=10_000)


class SmsBackend:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Writes each message to the log instead of a gateway."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)
        outbox.append((phone, text))


def backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
