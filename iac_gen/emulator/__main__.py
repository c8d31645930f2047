"""`python -m iac_gen.emulator [--data DIR | --spec FILE...] --port N`: serve ARM data over HTTPS.

`--spec` serves what a spec deploys, as Azure would return it (the desired state plus the
fields the service fills in, and the workspace), so export and drift can be tried with no
Azure subscription. Given more than once, the specs are deployed in order over each other,
as successive PUTs (what the service keeps from an earlier PUT is kept). `--api-version`
shapes the bodies like GETs of that api-version; `--code-folders` names the upload folder of
code assets (it shows in the injected `AML_APP_ROOT`). Prints the base URL and the CA file to
trust, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from iac_gen.diagnostics import InputError
from iac_gen.emulator.data import fleet, load_data_dir, served, workspace_body
from iac_gen.emulator.faults import Fault
from iac_gen.emulator.server import Emulator, TrustmeMissing


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iac_gen.emulator",
        description="Local HTTPS emulator of the ARM and Resource Graph read APIs.",
    )
    parser.add_argument("--data", type=Path, help="folder of JSON ARM bodies (default: demo fleet)")
    parser.add_argument(
        "--spec",
        type=Path,
        action="append",
        help="serve what this spec deploys, as Azure would (repeat: deployed in order)",
    )
    parser.add_argument("--api-version", help="with --spec: shape bodies like GETs of this version")
    for option in ("subscription", "resource-group", "workspace", "location"):
        parser.add_argument(f"--{option}", help=f"with --spec: the target {option} (CLI v2 YAML)")
    parser.add_argument(
        "--code-folders", type=Path, help='with --spec: JSON {"<code asset id>": "<folder>"}'
    )
    parser.add_argument("--env", help="with --spec: the environment overlay to deploy")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--page-size", type=int, default=100, help="items per list page")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each reply")
    parser.add_argument("--faults", type=Path, help="JSON array of fault objects to inject")
    parser.add_argument("--token", help="accept only this bearer token (default: any)")
    return parser


def _bodies(args: argparse.Namespace) -> list[dict[str, object]]:
    """What to serve: the spec(s) deployed, a data folder, or the demo fleet."""
    if args.spec and args.data:
        raise ValueError("give --data or --spec, not both")
    if not args.spec:
        return load_data_dir(args.data) if args.data else fleet()
    folders = {}
    if args.code_folders:
        folders = json.loads(args.code_folders.read_text("utf-8"))
    target = {
        "subscription": args.subscription,
        "resource_group": args.resource_group,
        "workspace": args.workspace,
        "location": args.location,
    }
    return spec_bodies(
        args.spec,
        args.env,
        api_version=args.api_version,
        code_folders=folders,
        target={k: v for k, v in target.items() if v},
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        bodies = _bodies(args)
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


def spec_bodies(
    spec_path: Path | Sequence[Path],
    env: str | None,
    *,
    api_version: str | None = None,
    code_folders: Mapping[str, str] | None = None,
    target: Mapping[str, str] | None = None,
) -> list[dict[str, object]]:
    """What the spec(s) deploy, as ARM GET bodies, plus the workspace. Several specs are
    deployed in order: a later one's resources replace the earlier ones', keeping what the
    service keeps from an earlier PUT."""
    from iac_gen.desired import desired_state
    from iac_gen.spec.load import load_specs
    from iac_gen.spec.overlay import resolve

    paths = [spec_path] if isinstance(spec_path, Path) else list(spec_path)
    folders = {str(k).lower(): str(v) for k, v in (code_folders or {}).items()}
    served_bodies: dict[str, dict[str, object]] = {}
    for path in paths:
        for spec in load_specs([path], target or None):
            resolved = resolve(spec, env)
            for resource in desired_state(resolved).resources:
                key = str(resource.get("id", "")).lower()
                served_bodies[key] = served(
                    resource,
                    api_version=api_version,
                    previous=served_bodies.get(key),
                    code_folders=folders,
                )
            where = resolved.target
            if where.subscription and where.resource_group and where.workspace:
                workspace = workspace_body(
                    where.subscription,
                    where.resource_group,
                    where.workspace,
                    location=where.location or "westeurope",
                )
                served_bodies.setdefault(str(workspace["id"]).lower(), workspace)
    return list(served_bodies.values())


if __name__ == "__main__":
    sys.exit(main())
