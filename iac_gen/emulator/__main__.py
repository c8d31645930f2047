"""`python -m iac_gen.emulator --data DIR --port N`: serve fixture data over HTTPS.

Prints the base URL and the CA file to trust, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from iac_gen.emulator.data import fleet, load_data_dir
from iac_gen.emulator.faults import Fault
from iac_gen.emulator.server import Emulator, TrustmeMissing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m iac_gen.emulator",
        description="Local HTTPS emulator of the ARM and Resource Graph read APIs.",
    )
    parser.add_argument("--data", type=Path, help="folder of JSON ARM bodies (default: demo fleet)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--page-size", type=int, default=100, help="items per list page")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each reply")
    parser.add_argument("--faults", type=Path, help="JSON array of fault objects to inject")
    parser.add_argument("--token", help="accept only this bearer token (default: any)")
    args = parser.parse_args(argv)

    try:
        bodies = load_data_dir(args.data) if args.data else fleet()
        faults = []
        if args.faults:
            faults = [Fault.from_dict(f) for f in json.loads(args.faults.read_text("utf-8"))]
    except (OSError, ValueError, TypeError) as exc:
        sys.stderr.write(f"emulator: {exc}\n")
        return 2
    emulator = Emulator(
        bodies,
        port=args.port,
        page_size=args.page_size,
        latency=args.latency,
        token=args.token,
        faults=faults,
    )
    try:
        emulator.start()
    except TrustmeMissing as exc:
        sys.stderr.write(f"emulator: {exc}\n")
        return 2
    sys.stdout.write(f"url: {emulator.url}\nca_file: {emulator.ca_file}\n")
    sys.stdout.write(f"resources: {len(emulator.index)}\n")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        bad = emulator.violations()
        emulator.stop()
        for line in bad:
            sys.stderr.write(f"violation: {line}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
