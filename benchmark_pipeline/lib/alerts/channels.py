"""The channels an alert travels by: email over SMTP and a webhook taking a JSON POST (a Slack or
Teams incoming webhook, or any receiver). Neither ever puts a secret in what it raises: an
SMTP password is never echoed, and a webhook's URL (whose path is often its secret) is shown
by its scheme and host only."""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

import httpx

from .message import Alert

SECURITY_MODES = ("starttls", "ssl", "none")


class AlertDeliveryError(RuntimeError):
    """A channel could not deliver; the message names the channel without its secrets."""


class AlertSettingsError(AlertDeliveryError):
    """A channel's settings are wrong: trying again cannot help."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    security: str = "starttls"
    user: str | None = None
    password: str | None = None
    timeout_seconds: float = 30.0

    def describe(self) -> str:
        return f"email to {', '.join(self.recipients)} via {self.host}:{self.port}"


def recipients(addresses: str | None) -> tuple[str, ...]:
    """``"a@x.org, b@y.org"`` as ``("a@x.org", "b@y.org")``."""
    return tuple(a.strip() for a in (addresses or "").split(",") if a.strip())


def webhook_origin(url: str) -> str:
    """A webhook URL without its path, query or credentials: safe to show."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}" + (f":{parts.port}" if parts.port else "")


def email_message(settings: SmtpSettings, alert: Alert) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message.set_content(alert.text())
    return message


def send_email(settings: SmtpSettings, alert: Alert) -> None:
    """Send ``alert`` by email; raises ``AlertDeliveryError`` naming the server, never the
    password."""
    if settings.security not in SECURITY_MODES:
        raise AlertSettingsError(
            f"ALERT_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not "
            f"{settings.security!r}"
        )
    where = f"{settings.host}:{settings.port}"
    try:
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        with smtp:
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(email_message(settings, alert))
    except smtplib.SMTPAuthenticationError as exc:
        raise AlertDeliveryError(
            f"the SMTP server {where} refused the login of {settings.user!r} "
            f"(code {exc.smtp_code}); check ALERT_SMTP_USER and ALERT_SMTP_PASSWORD"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise AlertDeliveryError(
            f"email via {where} failed: {type(exc).__name__}: {_without(str(exc), settings.password)}"
        ) from None


def post_webhook(url: str, alert: Alert, *, timeout_seconds: float = 15.0) -> None:
    """POST ``alert.json_body()`` to ``url``; raises ``AlertDeliveryError`` naming only the
    webhook's scheme and host."""
    origin = webhook_origin(url)
    try:
        response = httpx.post(url, json=alert.json_body(), timeout=timeout_seconds)
    except httpx.HTTPError as exc:
        raise AlertDeliveryError(f"webhook at {origin} failed: {type(exc).__name__}") from None
    if response.status_code >= 300:
        # The body may echo the request's path, which holds the webhook's secret: not shown.
        raise AlertDeliveryError(f"webhook at {origin} answered HTTP {response.status_code}")


def _without(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text
