"""Export throughput against the local ARM emulator with injected latency.

1,000 deployments (10 endpoints x 100), 50 ms added to every reply, concurrency 8: the ideal
is concurrency / latency = 160 GETs per second; the target is at least 90 % of it (issue 13).
Runs `iac-gen export` in a subprocess exactly as a user would (HTTPS, bearer token from
IAC_GEN_ARM_TOKEN, the emulator CA in REQUESTS_CA_BUNDLE), and times the whole command minus
the interpreter start-up measured separately.

The floor, measured in the same run against the same emulator: a minimal client (this file
with `--floor`: `http.client` over keep-alive TLS, as many threads as the concurrency, no
retries, bounds or checks) sending exactly the GETs the export sent and decoding each JSON
answer. On a loaded machine both move together; export / floor is what iac-gen itself costs.

    .venv/bin/python benchmarks/bench_export.py [--latency 0.05] [--concurrency 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import _measure  # benchmarks/_measure.py

from iac_gen.emulator import Emulator
from iac_gen.emulator.data import fleet

SUB = "00000000-0000-4000-8000-000000000001"
TOKEN = "benchmark-token"


def _window(emu: Emulator, latency: float) -> tuple[int, float]:
    """(requests seen, seconds from the first request's arrival to the last answer)."""
    answered = sorted(r.at for r in emu.records)
    return len(answered), max(answered[-1] - answered[0] + latency, 1e-9)


def floor_client(argv: list[str]) -> int:
    """`--floor URL CA TOKEN CONCURRENCY FILE`: GET every path in FILE (one a line) with
    CONCURRENCY threads over keep-alive HTTPS connections; decode each answer."""
    import http.client
    import ssl
    import threading
    from urllib.parse import urlsplit

    url, ca, token, concurrency, listing = argv
    host = urlsplit(url)
    paths = Path(listing).read_text(encoding="utf-8").splitlines()
    context = ssl.create_default_context(cafile=ca)
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPSConnection(host.hostname or "", host.port, context=context)
        while True:
            with lock:
                if not paths:
                    break
                path = paths.pop()
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            json.loads(conn.getresponse().read())
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(int(concurrency))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 0


def one_run(args: argparse.Namespace, run_no: int) -> int:
    bodies = fleet(
        subscriptions=(SUB,),
        endpoints=args.endpoints,
        deployments_per_endpoint=args.deployments,
    )
    with (
        Emulator(bodies, latency=args.latency, token=TOKEN) as emu,
        tempfile.TemporaryDirectory() as tmp,
    ):
        env = dict(
            os.environ,
            IAC_GEN_ARM_TOKEN=TOKEN,
            REQUESTS_CA_BUNDLE=str(emu.ca_file),
            SSL_CERT_FILE=str(emu.ca_file),
        )
        out = Path(tmp) / "live.json"
        base = [sys.executable, "-m", "iac_gen"]
        startup = _measure.run([*base, "--version"], env=env)
        cmd = [
            *base,
            "export",
            "--subscription",
            SUB,
            "--resource-group",
            "rg-ml-prod",
            "--workspace",
            "mlw-prod",
            "-o",
            str(out),
            "--arm-endpoint",
            emu.url,
            "--concurrency",
            str(args.concurrency),
            "--quiet",
            "--output",
            "json",
        ]
        took = _measure.run(cmd, env=env)
        emu.assert_only_allowed()
        # Requests in flight: from the first request's arrival (its answer minus the injected
        # latency) to the last answer. Excludes interpreter start-up and SDK import time.
        requests_seen, window = _window(emu, args.latency)
        listing = Path(tmp) / "paths.txt"
        sent = [f"{r.path}?{r.query}" if r.query else r.path for r in emu.records]
        listing.write_text("\n".join(p for p in sent if "?" in p), encoding="utf-8")
        emu.reset_records()
        floor_cmd = [sys.executable, __file__, "--floor", emu.url, str(emu.ca_file), TOKEN]
        floor = _measure.run([*floor_cmd, str(args.concurrency), str(listing)], env=env)
        floor_seen, floor_window = _window(emu, args.latency)
        bundle = json.loads(out.read_text(encoding="utf-8")) if took.returncode == 0 else {}
    _measure.check(took)
    _measure.check(floor)
    deployments = sum(1 for r in bundle["resources"] if r["type"].endswith("/deployments"))
    bound = requests_seen * args.latency / args.concurrency  # concurrency / latency requests/s
    share = bound / window
    floor_bound = floor_seen * args.latency / args.concurrency
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"run {run_no} (load average {load})")
    print(_measure.line(f"iac-gen export ({deployments} deployments)", took))
    print(_measure.line("floor client (same GETs)", floor))
    print(_measure.line("bare interpreter (--version)", startup))
    print(
        f"  {requests_seen} requests in flight {window:.2f} s; bound (requests x latency / "
        f"concurrency) {bound:.2f} s; {share:.0%} of the bound; target >= 90%: "
        f"{'ok' if share >= 0.9 else 'BELOW'}"
    )
    print(
        f"  floor: {floor_seen} requests in flight {floor_window:.2f} s, "
        f"{floor_bound / floor_window:.0%} of its bound; "
        f"export / floor {window / floor_window:.2f}x"
    )
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--floor"]:
        return floor_client(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--deployments", type=int, default=100, help="per endpoint")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for run_no in range(1, args.runs + 1):
        one_run(args, run_no)
    return 0


if __name__ == "__main__":
    sys.exit(main())
