"""An SMTP server on loopback that accepts every message and keeps it (aiosmtpd), for tests of
alert emails: plain SMTP, no TLS, no authentication (``ALERT_SMTP_SECURITY=none``).

    with SmtpSink() as sink:
        env = {"ALERT_SMTP_HOST": sink.host, "ALERT_SMTP_PORT": str(sink.port)}
        ...
        [mail] = sink.wait_for(1, timeout=30)
        assert mail.message["Subject"].startswith("Run failed")
"""

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from benchmark_pipeline_tests.support.inbox import Inbox
from benchmark_pipeline_tests.support.processes import free_port


@dataclass(frozen=True)
class ReceivedMail:
    """One message as delivered: the envelope's sender and recipients, and the parsed mail."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def text(self) -> str:
        """The plain-text body (the first text/plain part of a multipart message)."""
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else ""


class _Handler:
    def __init__(self, inbox: Inbox[ReceivedMail]) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.inbox.add(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpSink:
    """aiosmtpd's ``Controller`` on 127.0.0.1 and a free port, serving from its own thread."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.inbox: Inbox[ReceivedMail] = Inbox()
        self.port = 0
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ReceivedMail]:
        return self.inbox.items

    def wait_for(self, count: int, timeout: float) -> list[ReceivedMail]:
        """Every message once at least ``count`` have arrived (AssertionError after
        ``timeout`` seconds)."""
        return self.inbox.wait_for(count, timeout)

    def __enter__(self) -> "SmtpSink":
        self.port = free_port()
        self._controller = Controller(_Handler(self.inbox), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
