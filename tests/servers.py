"""Servers on loopback that receive what the app sends: an SMTP server (aiosmtpd) and an HTTP
server standing in for the work-chat robots. Tests use them as fixtures (see `smtp_server`,
`robot_server` in the test modules)."""
from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

OK = b'{"errcode":0,"errmsg":"ok"}'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server received: (recipients, parsed message) per mail."""

    def __init__(self):
        self.mails: list = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.inbox = Inbox()
        self.port = port or free_port()
        self._controller = None

    def start(self) -> "SmtpServer":
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None

    @property
    def mails(self) -> list:
        return self.inbox.mails


class RobotServer:
    """Records each POST (path, content type, JSON body) and answers `answer`."""

    def __init__(self):
        self.received: list = []
        self.answer = OK
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.received.append((self.path, self.headers["Content-Type"], json.loads(body)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(owner.answer)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
