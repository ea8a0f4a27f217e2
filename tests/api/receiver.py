"""A webhook receiver on loopback for the tests: records what it is sent, and can be
taken down and brought back on the same port."""

import http.server
import socket
import threading

PORTS = range(8121, 8130)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the http.server name)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.received.append((dict(self.headers), body))
        self.send_response(self.server.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


class Receiver:
    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.answer = 204
        self.port = self._free_port()
        self.server = None

    @staticmethod
    def _free_port() -> int:
        for port in PORTS:
            with socket.socket() as probe:
                # as the server will bind: a port left in TIME_WAIT by an earlier test's
                # connections is free, one another receiver listens on is not
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise RuntimeError("no free port for the test receiver")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/livelihood"

    def up(self):
        server = http.server.HTTPServer(("127.0.0.1", self.port), _Handler)
        server.received, server.answer = self.received, self.answer
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.server = server
        return self

    def down(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
