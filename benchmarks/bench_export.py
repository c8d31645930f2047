"""Export throughput against the local ARM emulator with injected latency.

1,000 deployments (10 endpoints x 100), 50 ms added to every reply, concurrency 8: the ideal
is concurrency / latency = 160 GETs per second; the target is at least 90 % of it (issue 13).
Runs `iac-gen export` in a subprocess exactly as a user would (HTTPS, bearer token from
IAC_GEN_ARM_TOKEN, the emulator CA in REQUESTS_CA_BUNDLE), and times the whole command minus
the interpreter start-up measured separately.

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
        requests_seen = len(emu.records)
        answered = sorted(r.at for r in emu.records)
        bundle = json.loads(out.read_text(encoding="utf-8")) if took.returncode == 0 else {}
    _measure.check(took)
    deployments = sum(1 for r in bundle["resources"] if r["type"].endswith("/deployments"))
    # Requests in flight: from the first request's arrival (its answer minus the injected
    # latency) to the last answer. Excludes interpreter start-up and SDK import time.
    window = max(answered[-1] - answered[0] + args.latency, 1e-9)
    bound = requests_seen * args.latency / args.concurrency  # concurrency / latency requests/s
    share = bound / window
    print(f"run {run_no}")
    print(_measure.line(f"iac-gen export ({deployments} deployments)", took))
    print(_measure.line("bare interpreter (--version)", startup))
    print(
        f"  {requests_seen} requests in flight {window:.2f} s; bound (requests x latency / "
        f"concurrency) {bound:.2f} s; {share:.0%} of the bound; target >= 90%: "
        f"{'ok' if share >= 0.9 else 'BELOW'}"
    )
    return 0


def main() -> int:
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
