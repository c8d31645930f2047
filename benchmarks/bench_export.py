"""Export throughput against the local ARM emulator with injected latency.

1,000 deployments (10 endpoints x 100), 50 ms added to every reply, concurrency 8: the ideal
is concurrency / latency = 160 GETs per second; the target is at least 80 % of it (128/s).
Runs `iac-gen export` in a subprocess exactly as a user would (HTTPS, bearer token from
IAC_GEN_ARM_TOKEN, the emulator CA in REQUESTS_CA_BUNDLE), and times the whole command minus
the interpreter start-up measured separately.

    .venv/bin/python benchmarks/bench_export.py [--latency 0.05] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from iac_gen.emulator import Emulator
from iac_gen.emulator.data import fleet

SUB = "00000000-0000-4000-8000-000000000001"
TOKEN = "benchmark-token"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--deployments", type=int, default=100, help="per endpoint")
    args = parser.parse_args()

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
        t0 = time.perf_counter()
        subprocess.run([*base, "--version"], env=env, check=True, capture_output=True)
        startup = time.perf_counter() - t0
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
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        emu.assert_only_allowed()
        requests_seen = len(emu.records)
        answered = sorted(r.at for r in emu.records)
        bundle = json.loads(out.read_text(encoding="utf-8"))
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return proc.returncode
    deployments = sum(1 for r in bundle["resources"] if r["type"].endswith("/deployments"))
    # Requests in flight: from the first request's arrival (its answer minus the injected
    # latency) to the last answer. Excludes interpreter start-up and SDK import time.
    window = max(answered[-1] - answered[0] + args.latency, 1e-9)
    rate = requests_seen / window
    ideal = args.concurrency / args.latency if args.latency else float("inf")
    share = rate / ideal if ideal != float("inf") else 1.0
    print(f"deployments exported: {deployments}")
    print(
        f"requests: {requests_seen} served in {window:.2f}s; whole command {elapsed:.2f}s "
        f"(bare interpreter start-up {startup:.2f}s)"
    )
    print(f"throughput: {rate:.1f} req/s; ideal {ideal:.0f} req/s; {share:.0%} of ideal")
    target = 0.8 * ideal
    verdict = "PASS" if rate >= target else "BELOW TARGET"
    print(f"target >= {target:.0f} req/s (80% of concurrency/latency): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
