"""How a message leaves the system: email through Django's backend, and group-chat robots
(DingTalk / WeCom JSON webhooks, DingTalk's HMAC-SHA256 signature). A channel raises
`DeliveryError` (or anything else) when the message did not get through; the caller records it.
`EmailSender` and `WebhookSender` are the senders the platform's one drain (hazardtrack.outbox)
uses for every outbox table; NoticesConfig.ready() registers them.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .choices import WebhookFlavour
from .models import WebhookEndpoint


class DeliveryError(Exception):
    """The destination refused or did not answer; the message is retried later."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str       # plain text (email)
    markdown: str   # the same, as markdown (group robots)


def send_email(*, to: str, message: Message, connection=None) -> None:
    EmailMessage(subject=message.subject, body=message.text, to=[to], connection=connection).send()


def email_connection():
    """One SMTP connection per batch, not per message."""
    return get_connection(fail_silently=False)


class EmailSender:
    """Email for one drain batch: one SMTP connection, opened at the first message."""

    def __init__(self) -> None:
        self.connection = None

    def send(self, row, message: Message) -> None:
        self.connection = self.connection or email_connection()
        send_email(to=row.recipient.email, message=message, connection=self.connection)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


class WebhookSender:
    """A post to the row's group robot."""

    def send(self, row, message: Message) -> None:
        send_webhook(endpoint=row.endpoint, message=message)

    def close(self) -> None:
        pass


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(endpoint: WebhookEndpoint, *, timestamp_ms: int | None = None) -> str:
    if not endpoint.secret:
        return endpoint.url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    query = urllib.parse.urlencode({"timestamp": timestamp_ms, "sign": dingtalk_signature(endpoint.secret, timestamp_ms)})
    return f"{endpoint.url}{'&' if '?' in endpoint.url else '?'}{query}"


def webhook_payload(endpoint: WebhookEndpoint, message: Message) -> dict:
    if endpoint.flavour == WebhookFlavour.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": message.markdown}}
    return {"msgtype": "markdown", "markdown": {"title": message.subject, "text": message.markdown}}


def send_webhook(*, endpoint: WebhookEndpoint, message: Message) -> None:
    body = json.dumps(webhook_payload(endpoint, message), ensure_ascii=False).encode()
    request = urllib.request.Request(
        signed_url(endpoint), data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "hazardtrack-notices"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTICES_WEBHOOK_TIMEOUT) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}: {exc.read(500).decode(errors='replace')}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"{exc.__class__.__name__}: {getattr(exc, 'reason', exc)}") from exc
    # DingTalk and WeCom answer 200 with {"errcode": N, "errmsg": ...}; non-zero is a refusal.
    try:
        result = json.loads(answer or b"{}")
    except ValueError:
        return
    if isinstance(result, dict) and result.get("errcode", 0) not in (0, "0"):
        raise DeliveryError(f"errcode {result.get('errcode')}: {result.get('errmsg', '')}")
