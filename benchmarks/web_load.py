"""Web speed on the demo data: N concurrent clients for S seconds on loopback, hitting a
role's home page (signed in with a session cookie) and one API endpoint (API token).

    .venv/bin/python benchmarks/web_load.py [--clients 50] [--seconds 30] [--workers 1]
        [--runs 3] [--page /] [--api /api/org/teams] [--role leader]

It builds a fresh demo database (SQLite unless HEARD_DATABASE_URL is set), starts
`heard serve` as a separate process, and prints requests/s and p50/p95/p99 per target and
overall for each run, then the medians across runs.
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
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _http import build_request, run_load  # noqa: E402

from heard.accounts.policy import OPERATOR, Role  # noqa: E402
from heard.accounts.signin import sign_in  # noqa: E402
from heard.accounts.tokens import create_token  # noqa: E402
from heard.app import Heard  # noqa: E402
from heard.demo.generator import DEMO_PASSWORD, PERSONAS  # noqa: E402
from heard.settings import Settings  # noqa: E402

ROOT = Path(__file__).parent.parent
HEARD = str(ROOT / ".venv" / "bin" / "heard")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str], role: Role) -> tuple[str, str]:
    """Load the demo, then sign the persona in and give them a token, as a user would."""
    subprocess.run([HEARD, "demo", "--reset"], env=env, check=True, capture_output=True)
    heard = Heard(Settings.from_env(env))
    email = PERSONAS[role][0]
    with heard.transaction() as s:
        signed = sign_in(s, heard.settings, email, DEMO_PASSWORD, "bench")
        token = create_token(s, OPERATOR, email=email, name="benchmark")
    heard.close()
    return signed.cookie_value, token.secret


def wait_until_up(port: int) -> None:
    """Wait for a real answer, not just an open port: the app may still be starting."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", default="/")
    parser.add_argument("--api", default="/api/org/teams")
    parser.add_argument("--role", default="leader", choices=[r.value for r in Role])
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="heard-bench-")
    env = dict(os.environ)
    env.setdefault("HEARD_DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    cookie, token = prepare(env, Role(args.role))
    port = free_port()
    server = subprocess.Popen([HEARD, "serve", "--port", str(port), "--workers",
                               str(args.workers)], env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        host = f"127.0.0.1:{port}"
        targets = [
            (f"page {args.page}", build_request(args.page, host,
                                                {"Cookie": f"heard_session={cookie}"})),
            (f"api {args.api}", build_request(args.api, host,
                                              {"Authorization": f"Bearer {token}"})),
        ]
        run_load("127.0.0.1", port, targets, 5, 3)  # warm-up
        runs = []
        for n in range(args.runs):
            result = run_load("127.0.0.1", port, targets, args.clients, args.seconds)
            summary = result.summary()
            runs.append(summary)
            print(f"run {n + 1}: errors={result.errors} " + json.dumps(summary, indent=1))
        print("median across runs:")
        for name in runs[0]:
            med = {k: statistics.median(r[name][k] for r in runs) for k in runs[0][name]}
            print(f"  {name:<28} rps={med['rps']:.0f} p50={med['p50_ms']:.1f} ms "
                  f"p95={med['p95_ms']:.1f} ms p99={med['p99_ms']:.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
