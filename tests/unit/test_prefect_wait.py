"""`hubflow relay` and `serve --prefect-api-url` wait for their Prefect server: one started
beside them takes 10-25 s here, and a busy one can miss a few probes (seen in CI: a shared
test server that did not answer for 15 s, then the old limit, stopped serve)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hubflow.runtime.supervise import CannotStart, wait_for_prefect
from tests.system.helpers import free_port


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def late_server() -> Iterator[str]:
    """A Prefect-like API that starts answering 1.5 s from now."""
    port = free_port()
    servers: list[ThreadingHTTPServer] = []

    def start() -> None:
        time.sleep(1.5)
        server = ThreadingHTTPServer(("127.0.0.1", port), Health)
        servers.append(server)
        server.serve_forever(poll_interval=0.1)

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/api"
    for server in servers:  # it has started by now (every test waits for it or fails)
        server.shutdown()
        server.server_close()
    thread.join(timeout=5)


def test_a_server_that_answers_late_is_waited_for(
    late_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    wait_for_prefect(late_server, timeout=20)
    assert time.monotonic() - started >= 1.4
    said = capsys.readouterr().out
    assert f"waiting for the Prefect server at {late_server} (up to 20 s)" in said


def test_no_server_at_all_is_said_with_its_address() -> None:
    api = f"http://127.0.0.1:{free_port()}/api"
    with pytest.raises(CannotStart) as refused:
        wait_for_prefect(api, timeout=1)
    assert str(refused.value) == (
        f"the Prefect server at {api} did not answer within 1 s: is it running, and is that "
        "its address (PREFECT_API_URL, or serve's --prefect-api-url)?"
    )


def test_a_server_already_up_is_not_waited_for(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Health)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        wait_for_prefect(f"http://127.0.0.1:{port}/api/", timeout=1)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert capsys.readouterr().out == ""
