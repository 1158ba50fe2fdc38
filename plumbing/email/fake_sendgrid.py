"""A local stand-in for SendGrid's Mail Send endpoint, for tests and benchmarks.

It listens on 127.0.0.1 only, counts what it accepts by hubflow's email key, and can be
told to answer each email's successive requests with faults (a status code, or
"timeout": hold the request past the client's patience and drop it unanswered).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = int | str  # a status code, or "timeout"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # read at bind time: many dispatcher threads connect at once


class FakeSendGrid:
    def __init__(
        self, *, delay: float = 0.0, script: Sequence[Answer] = (), hold: float = 2.0
    ) -> None:
        self.delay, self.script, self.hold = delay, list(script), hold
        self.accepted: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.answer_for: dict[str, int] = {}  # email key -> fixed status (e.g. 400)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeSendGrid:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _decide(self, key: str) -> Answer:
        with self._lock:
            n = self.requests[key]
            self.requests[key] += 1
            if key in self.answer_for:
                return self.answer_for[key]
            return self.script[n] if n < len(self.script) else 202

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with fake._lock:
                    stats = {
                        "accepted": sum(fake.accepted.values()),
                        "distinct": len(fake.accepted),
                        "requests": sum(fake.requests.values()),
                    }
                payload = json.dumps(stats).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                if len(raw) < length:  # the sender died mid-request: SendGrid got nothing
                    self.close_connection = True
                    return
                body = json.loads(raw or b"{}")
                personalization = (body.get("personalizations") or [{}])[0]
                key = str(personalization.get("custom_args", {}).get("hubflow_email_key", ""))
                answer = fake._decide(key)
                if fake.delay:
                    time.sleep(fake.delay)
                if answer == "timeout":
                    time.sleep(fake.hold)
                    self.close_connection = True
                    return
                status = int(answer)
                if status in (200, 202):
                    with fake._lock:
                        fake.accepted[key] += 1
                        fake.bodies.append(body)
                        fake.headers.append(dict(self.headers))
                    payload = b""
                else:
                    payload = json.dumps(
                        {"errors": [{"message": f"fake SendGrid says {status}", "field": None}]}
                    ).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("X-Message-Id", f"fake-{key[-12:]}")
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def main() -> None:
    """Run the fake on its own (e.g. in another process for a benchmark); print its URL."""
    import argparse

    parser = argparse.ArgumentParser(description="A local fake SendGrid Mail Send endpoint.")
    parser.add_argument("--delay", type=float, default=0.02)
    args = parser.parse_args()
    fake = FakeSendGrid(delay=args.delay)
    print(fake.url, flush=True)
    fake._server.serve_forever()


if __name__ == "__main__":
    main()
