"""A real SMTP server for the notification tests (aiosmtpd from PyPI).

Prints `READY <port>` once it accepts connections, then one JSON line per received message
with the envelope and the message decoded by Python's own email parser (an implementation
independent of lettre): headers, and the text and HTML parts.
"""
import asyncio
import json
import socket
import sys
import threading
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller

lock = threading.Lock()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": str(message.get("Message-ID", "")),
            "subject": str(message.get("Subject", "")),
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "content_language": str(message.get("Content-Language", "")),
            "content_type": message.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        with lock:
            sys.stdout.write(json.dumps(record) + "\n")
            sys.stdout.flush()
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()
    try:
        # Runs until the test closes our stdin (or kills us).
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
