"""How long a write takes to reach the user's app through the local webhooks quickstart.

A sandbox server (`running_server`, its webhook worker running) has a test-mode endpoint
pointing at a real `pivotal webhooks listen --forward-to APP` process; APP is a small
HTTP server in this process. Each round creates a customer through the API and times
from the API's answer to the app receiving `customer.created`. Prints the median, the
95th percentile and the worst (the quickstart promises "within a second").

    .venv/bin/python benchmarks/webhook_latency.py [--events 50]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from pivotal_cli.sandbox.adapters.testing import running_server
from pivotal_cli.sandbox.data.timeutil import to_us, utc_now
from pivotal_cli.sandbox.webhooks import endpoints

ARRIVED: dict[str, float] = {}
SEEN = threading.Condition()


class App(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        event = json.loads(body)
        with SEEN:
            ARRIVED[event["data"]["object"]["id"]] = time.perf_counter()
            SEEN.notify_all()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=50)
    args = parser.parse_args()
    app = ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp, running_server(db=Path(tmp) / "s.db") as server:
        endpoint = endpoints.add(
            server.sandbox.store,
            "acme",
            f"http://127.0.0.1:{port}/",
            test_mode=True,
            now_us=to_us(utc_now()),
        )
        command = [str(Path(sys.executable).with_name("pivotal")), "webhooks", "listen"]
        command += ["--port", str(port), "--secret", endpoint["secret"]]
        command += ["--forward-to", f"http://127.0.0.1:{app.server_port}/"]
        listen = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PIVOTAL_STATE_DIR": str(Path(tmp) / "state")},
        )
        assert listen.stderr is not None
        for line in listen.stderr:
            if line.startswith("Ready."):
                break
        latencies = []
        with httpx.Client(headers={"Authorization": f"Bearer {server.test_key}"}) as api:
            for i in range(args.events):
                answer = api.post(f"{server.base_url}/customers", json={"name": f"Latency {i}"})
                answered = time.perf_counter()
                customer_id = answer.json()["id"]
                with SEEN:
                    SEEN.wait_for(lambda cid=customer_id: cid in ARRIVED, timeout=10)
                latencies.append((ARRIVED[customer_id] - answered) * 1000)
        listen.terminate()
        listen.wait()
    app.shutdown()
    latencies.sort()
    p95 = latencies[max(0, round(len(latencies) * 0.95) - 1)]
    print(
        f"{len(latencies)} customer.created events, API answer -> app: "
        f"median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
        f"max {latencies[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
