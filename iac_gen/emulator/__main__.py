"""`python -m iac_gen.emulator [--data DIR | --spec FILE] --port N`: serve ARM data over HTTPS.

`--spec` serves what a spec deploys, as Azure would return it (the desired state plus the
fields the service fills in, and the workspace), so export and drift can be tried with no
Azure subscription. Prints the base URL and the CA file to trust, then serves until
interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from iac_gen.diagnostics import InputError
from iac_gen.emulator.data import fleet, load_data_dir, served, workspace_body
from iac_gen.emulator.faults import Fault
from iac_gen.emulator.server import Emulator, TrustmeMissing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m iac_gen.emulator",
        description="Local HTTPS emulator of the ARM and Resource Graph read APIs.",
    )
    parser.add_argument("--data", type=Path, help="folder of JSON ARM bodies (default: demo fleet)")
    parser.add_argument("--spec", type=Path, help="serve what this spec deploys, as Azure would")
    parser.add_argument("--env", help="with --spec: the environment overlay to deploy")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--page-size", type=int, default=100, help="items per list page")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each reply")
    parser.add_argument("--faults", type=Path, help="JSON array of fault objects to inject")
    parser.add_argument("--token", help="accept only this bearer token (default: any)")
    args = parser.parse_args(argv)

    try:
        if args.spec and args.data:
            raise ValueError("give --data or --spec, not both")
        if args.spec:
            bodies = spec_bodies(args.spec, args.env)
        else:
            bodies = load_data_dir(args.data) if args.data else fleet()
        faults = []
        if args.faults:
            faults = [Fault.from_dict(f) for f in json.loads(args.faults.read_text("utf-8"))]
    except InputError as exc:
        for diagnostic in exc.diagnostics:
            sys.stderr.write(f"{diagnostic}\n")
        return 2
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


def spec_bodies(spec_path: Path, env: str | None) -> list[dict[str, object]]:
    """What `spec_path` deploys, as ARM GET bodies, plus its workspace."""
    from iac_gen.desired import desired_state
    from iac_gen.spec.load import load_specs
    from iac_gen.spec.overlay import resolve

    bodies: list[dict[str, object]] = []
    for spec in load_specs([spec_path]):
        resolved = resolve(spec, env)
        bodies += [served(r) for r in desired_state(resolved).resources]
        target = resolved.target
        if target.subscription and target.resource_group and target.workspace:
            bodies.append(
                workspace_body(
                    target.subscription,
                    target.resource_group,
                    target.workspace,
                    location=target.location or "westeurope",
                )
            )
    return bodies


if __name__ == "__main__":
    sys.exit(main())
