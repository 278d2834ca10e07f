"""A real SMTP server on 127.0.0.1 (aiosmtpd) that the tests stop and start again, and an app whose
SMTP settings point at it. What the server received is read back as parsed messages."""
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from portal.services import notifications

PORTAL_URL = "https://nastavnik.school62.example"
SENDER = "nastavnik@school62.example"


class Received:
    """aiosmtpd's handler: keeps every accepted message."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [message_from_bytes(e.original_content or e.content, policy=policy.default) for e in self.envelopes]

    def to(self, address: str):
        return [m for e, m in zip(self.envelopes, self.messages) if address in e.rcpt_tos]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """Start, stop and start again on the same port, as a relay that goes down and comes back."""

    def __init__(self):
        self.port = _free_port()
        self.received = Received()
        self.controller = None

    def start(self):
        self.controller = Controller(self.received, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.received.messages


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app, smtp):
    """The app with mail on: SMTP to the test server, plain (a relay on the same host), links to PORTAL_URL."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_SECURITY="none", SMTP_USER="",
                      SMTP_PASSWORD="", MAIL_SENDER=SENDER, PORTAL_URL=PORTAL_URL)
    notifications.configure(mail_enabled=True)
    yield app
    notifications.configure(mail_enabled=False)
