"""Meaning checks on a typed `Spec` (IAC2xx): what the schema cannot say.

Each rule has its own stable code and a message saying what is wrong and what is allowed.
Facts come from the Azure ML docs and SDK (names, traffic, mirror traffic, limits).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Diagnostic, Location
from iac_gen.spec.model import Deployment, Probe, Spec

NAME_RE = re.compile(r"^[A-Za-z](?:-?[A-Za-z0-9])*\Z")  # \Z: `$` allows a final newline
NAME_RULE = (
    "3-32 characters, starting with a letter; letters, digits and single dashes; "
    "not ending in a dash"
)
MAX_DEPLOYMENTS = 20
MAX_MANAGED_INSTANCES = 50
MAX_TIMEOUT_MS = {"managed": 180_000, "kubernetes": 300_000}
MAX_MIRROR_PERCENT = 50
MAX_KUBERNETES_NAME_TOTAL = 62  # endpoint name + deployment name on Kubernetes

Locate = Callable[[str], Location]
UAI_ID_RE = re.compile(
    r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/"
    r"microsoft\.managedidentity/userassignedidentities/[^/]+$",
    re.IGNORECASE,
)
NAME_MAX = 255  # bytes in one path component (Linux, macOS, Windows)
_URL_RE = re.compile(r"^(?:https?|azureml|wasbs?|abfss?|adl)://", re.IGNORECASE)


def is_url(value: str) -> bool:
    """A remote location (storage, datastore or registry URI), not a local path."""
    return _URL_RE.match(value) is not None


_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def path_problem(path: Path, kind: str) -> str | None:
    """Why `path` is not a usable `kind` (dir | file | any), or None. Never raises: a NUL
    byte or an over-long name is a problem of the input, not of the program."""
    text = str(path)
    if "\0" in text:
        return "contains a NUL byte"
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            return f"has a name longer than {NAME_MAX} bytes"
    try:
        mode = os.stat(path).st_mode  # one stat answers both "exists" and "is a folder"
    except OSError as exc:
        if exc.errno in _MISSING:  # what `Path.exists()` calls missing
            return "does not exist"
        return f"cannot be read ({exc.strerror or exc})"
    except ValueError as exc:
        return f"cannot be read ({exc})"
    is_dir = stat.S_ISDIR(mode)
    if kind == "dir" and not is_dir:
        return "is a file, not a folder"
    if kind == "file" and is_dir:
        return "is a folder, not a file"
    return None


def unpinned(ref: str) -> str | None:
    """Why an asset reference cannot be deployed by a template, or None. A workspace label
    (`azureml:name@latest`) is resolved by azure-ai-ml on the client, by asking the workspace,
    before its PUT; ARM would send it verbatim and the service refuses it. A missing version
    is refused by azure-ai-ml itself ("Version must be provided")."""
    # A registry label (azureml://registries/.../labels/latest) is sent as written by
    # azure-ai-ml too and resolved by the service; lint MOE023 reports it as unpinned.
    if not ref.startswith("azureml:") or ref.startswith("azureml:/"):
        return None
    body = ref[len("azureml:") :]
    if body.startswith("AzureML-"):
        return None  # curated environment: azure-ai-ml sends it as written, labels included
    if "@" in body:
        name, _, label = body.partition("@")
        return (
            f"names label '{label}', which a template cannot resolve (ARM needs a version); "
            f"pin one: azureml:{name}:<version>"
        )
    if ":" not in body:
        return f"has no version; pin one: azureml:{body}:<version>"
    return None


def valid_name(name: str) -> bool:
    return 3 <= len(name) <= 32 and NAME_RE.match(name) is not None


class _Checker:
    def __init__(self, spec: Spec, locate: Locate, prefix: str):
        self.spec = spec
        self.locate = locate
        self.prefix = prefix
        self.diags: list[Diagnostic] = []
        # (folder, path as written, kind) -> path_problem: a spec's deployments usually
        # name one code folder, looked at once per check.
        self.problems: dict[tuple[str, str, str], str | None] = {}

    def add(self, code: str, path: str, message: str) -> None:
        self.diags.append(Diagnostic(code, self.prefix + message, self.locate(path)))

    def run(self) -> list[Diagnostic]:
        self.names()
        self.deployment_count()
        self.endpoint_kind()
        self.traffic()
        self.mirror()
        self.identity()
        for dep in self.spec.deployments:
            self.deployment(dep)
        self.autoscale()
        self.suppressions()
        return self.diags

    def names(self) -> None:
        ep = self.spec.endpoint
        if not valid_name(ep.name):
            self.add("IAC201", "name", f"endpoint name '{ep.name}' is invalid: {NAME_RULE}")
        seen: set[str] = set()
        for dep in self.spec.deployments:
            base = f"deployments.{dep.name}"
            if not valid_name(dep.name):
                self.add(
                    "IAC202",
                    f"{base}.name",
                    f"deployment name '{dep.name}' is invalid: {NAME_RULE}",
                )
            if dep.name in seen:
                self.add(
                    "IAC203",
                    f"{base}.name",
                    f"deployment name '{dep.name}' is used twice; names must be unique",
                )
            seen.add(dep.name)
            declared = _raw_deployment(self.spec, dep.name).get("endpoint_name")
            if declared is not None and declared != ep.name:
                self.add(
                    "IAC204",
                    f"{base}.endpoint_name",
                    f"deployment '{dep.name}' names endpoint '{declared}' but belongs to "
                    f"endpoint '{ep.name}'",
                )

    def deployment_count(self) -> None:
        count = len(self.spec.deployments)
        if count > MAX_DEPLOYMENTS:
            self.add(
                "IAC223",
                "deployments",
                f"{count} deployments; an endpoint allows at most {MAX_DEPLOYMENTS}",
            )

    def endpoint_kind(self) -> None:
        ep = self.spec.endpoint
        for dep in self.spec.deployments:
            if dep.type == "kubernetes" and not ep.is_kubernetes:
                self.add(
                    "IAC217",
                    f"deployments.{dep.name}.type",
                    f"deployment '{dep.name}' is a kubernetes deployment but endpoint "
                    f"'{ep.name}' is managed; set the endpoint's 'compute' or use type managed",
                )
            total = len(ep.name) + len(dep.name)
            if ep.is_kubernetes and total > MAX_KUBERNETES_NAME_TOTAL:
                self.add(
                    "IAC233",
                    f"deployments.{dep.name}.name",
                    f"endpoint and deployment names together have {total} characters; "
                    f"Kubernetes allows at most {MAX_KUBERNETES_NAME_TOTAL}",
                )
            if dep.type == "managed" and ep.is_kubernetes:
                self.add(
                    "IAC218",
                    f"deployments.{dep.name}.type",
                    f"deployment '{dep.name}' is managed but endpoint '{ep.name}' runs on "
                    f"Kubernetes compute '{ep.compute}'; use type: kubernetes",
                )

    def traffic(self) -> None:
        traffic = self.spec.endpoint.traffic
        declared = {d.name for d in self.spec.deployments}
        for name, pct in traffic.items():
            if name not in declared:
                self.add(
                    "IAC206",
                    f"traffic.{name}",
                    f"traffic names deployment '{name}', which is not declared; "
                    f"declared: {_names(declared)}",
                )
            if not 0 <= pct <= 100:
                self.add(
                    "IAC207", f"traffic.{name}", f"traffic to '{name}' is {pct}; allowed 0-100"
                )
        total = sum(traffic.values())
        if traffic and total not in (0, 100):
            self.add(
                "IAC205",
                "traffic",
                f"traffic sums to {total}; it must be empty, all 0, or sum to 100",
            )

    def mirror(self) -> None:
        ep = self.spec.endpoint
        mirror = ep.mirror_traffic
        if not mirror:
            return
        declared = {d.name for d in self.spec.deployments}
        if ep.is_kubernetes:
            self.add(
                "IAC211",
                "mirror_traffic",
                "mirror traffic is not supported on Kubernetes endpoints; remove mirror_traffic",
            )
        targets = [n for n, pct in mirror.items() if pct != 0]
        if len(targets) > 1:
            self.add(
                "IAC208",
                "mirror_traffic",
                f"mirror traffic goes to {len(targets)} deployments ({', '.join(targets)}); "
                "at most one deployment may receive mirrored traffic",
            )
        for name, pct in mirror.items():
            path = f"mirror_traffic.{name}"
            if name not in declared:
                self.add(
                    "IAC206",
                    path,
                    f"mirror_traffic names deployment '{name}', which is not declared; "
                    f"declared: {_names(declared)}",
                )
            if not 0 <= pct <= MAX_MIRROR_PERCENT:
                self.add(
                    "IAC209",
                    path,
                    f"mirror traffic to '{name}' is {pct}; allowed 0-{MAX_MIRROR_PERCENT} percent",
                )
            if pct and ep.traffic.get(name, 0) > 0:
                self.add(
                    "IAC210",
                    path,
                    f"deployment '{name}' takes {ep.traffic[name]}% live traffic and cannot also "
                    "receive mirrored traffic; mirror to a deployment with 0 live traffic",
                )

    def identity(self) -> None:
        ident = self.spec.endpoint.identity
        if ident is None:
            return
        uai = ident.user_assigned_identities
        for index, value in enumerate(uai):
            if not UAI_ID_RE.match(value):
                self.add(
                    "IAC239",
                    f"identity.user_assigned_identities.{index}.resource_id",
                    f"user-assigned identity '{value}' is not an ARM id; give "
                    "/subscriptions/<id>/resourceGroups/<group>/providers/"
                    "Microsoft.ManagedIdentity/userAssignedIdentities/<name>",
                )
        if len(uai) > 1:
            self.add(
                "IAC212",
                "identity.user_assigned_identities",
                f"{len(uai)} user-assigned identities; an endpoint allows at most one",
            )
        wants_uai = "user_assigned" in ident.type.split(",")
        if wants_uai and not uai:
            self.add(
                "IAC213",
                "identity.type",
                f"identity type '{ident.type}' needs one entry in user_assigned_identities",
            )
        if uai and not wants_uai:
            self.add(
                "IAC213",
                "identity.user_assigned_identities",
                f"user_assigned_identities given but identity type is '{ident.type}'; "
                "use user_assigned or system_assigned,user_assigned",
            )

    def deployment(self, dep: Deployment) -> None:
        """The rules of one deployment that the schema cannot express.

        Long because it is a list of independent checks of one deployment (compute,
        probes, asset references, local paths), each a few lines with its own code."""
        base = f"deployments.{dep.name}"
        kind = dep.type
        if kind == "managed":
            if not dep.instance_type:
                self.add(
                    "IAC214",
                    base,
                    f"managed deployment '{dep.name}' needs instance_type (e.g. Standard_DS3_v2)",
                )
            if dep.instance_count is None:
                self.add(
                    "IAC215",
                    base,
                    f"managed deployment '{dep.name}' needs instance_count "
                    f"(1-{MAX_MANAGED_INSTANCES})",
                )
            elif not 1 <= dep.instance_count <= MAX_MANAGED_INSTANCES:
                self.add(
                    "IAC215",
                    f"{base}.instance_count",
                    f"instance_count is {dep.instance_count}; managed deployments allow "
                    f"1-{MAX_MANAGED_INSTANCES}",
                )
            if dep.scale_settings is not None and dep.scale_settings.type != "default":
                self.add(
                    "IAC216",
                    f"{base}.scale_settings.type",
                    f"scale_settings type '{dep.scale_settings.type}' is only for Kubernetes "
                    "deployments; managed deployments allow only 'default' (use autoscale)",
                )
        elif dep.instance_count is not None and dep.instance_count < 1:
            self.add(
                "IAC215",
                f"{base}.instance_count",
                f"instance_count is {dep.instance_count}; it must be at least 1",
            )
        req = dep.request_settings
        if req is not None and req.request_timeout_ms is not None:
            limit = MAX_TIMEOUT_MS.get(kind, MAX_TIMEOUT_MS["managed"])
            if not 1 <= req.request_timeout_ms <= limit:
                self.add(
                    "IAC220",
                    f"{base}.request_settings.request_timeout_ms",
                    f"request_timeout_ms is {req.request_timeout_ms}; {kind} deployments "
                    f"allow 1-{limit}",
                )
        for probe_name in ("liveness_probe", "readiness_probe", "startup_probe"):
            probe: Probe | None = getattr(dep, probe_name)
            if probe is None:
                continue
            for field_name in (
                "initial_delay",
                "period",
                "timeout",
                "success_threshold",
                "failure_threshold",
            ):
                value = getattr(probe, field_name)
                if value is not None and value < 1:
                    self.add(
                        "IAC221",
                        f"{base}.{probe_name}.{field_name}",
                        f"{probe_name}.{field_name} is {value}; it must be at least 1",
                    )
            if (
                probe_name == "liveness_probe"
                and probe.success_threshold is not None
                and probe.success_threshold != 1
            ):
                self.add(
                    "IAC222",
                    f"{base}.liveness_probe.success_threshold",
                    f"liveness_probe.success_threshold is {probe.success_threshold}; it must be 1",
                )
        self.inline_assets(dep, base)
        self.code_path(dep, base)

    def inline_assets(self, dep: Deployment, base: str) -> None:
        env = dep.inline_environment
        if env is not None:
            path = f"{base}.environment"
            if env.image is None and env.build_path is None:
                self.add(
                    "IAC240",
                    path,
                    "inline environment needs an image or a build context (build.path)",
                )
            elif env.image is not None and env.build_path is not None:
                self.add(
                    "IAC240",
                    path,
                    "inline environment gives both image and build; give one of them",
                )
            if env.conda_file is not None:
                self.local_path(env.conda_file, f"{path}.conda_file", "conda file", "file")
            if env.build_path is not None and not is_url(env.build_path):
                self.local_path(env.build_path, f"{path}.build.path", "build context", "dir")
        model = dep.inline_model
        if model is not None:
            if model.path is None:
                self.add(
                    "IAC240",
                    f"{base}.model",
                    "inline model needs a path (a local file or folder); or reference a "
                    "registered one as azureml:<name>:<version>",
                )
            elif not is_url(model.path):
                self.local_path(model.path, f"{base}.model.path", "model path", "any")
        for key, ref, kind in (
            ("model", dep.model, "model"),
            ("environment", dep.environment, "environment"),
            (
                "code_configuration.code",
                dep.code_configuration.code if dep.code_configuration else None,
                "code",
            ),
        ):
            problem = unpinned(ref) if ref else None
            if problem:
                self.add("IAC238", f"{base}.{key}", f"{kind} '{ref}' {problem}")

    def code_path(self, dep: Deployment, base: str) -> None:
        code = dep.code_configuration.code if dep.code_configuration else None
        if not code or code.startswith("azureml:") or is_url(code):
            return
        path = f"{base}.code_configuration.code"
        if self.local_path(code, path, "code folder", "dir"):
            assert dep.code_configuration is not None
            if not dep.code_configuration.scoring_script:
                self.add(
                    "IAC237",
                    f"{base}.code_configuration",
                    f"code_configuration gives the local folder '{code}' but no scoring_script; "
                    "name the scoring script, relative to that folder",
                )

    def local_path(self, value: str, path: str, what: str, kind: str) -> bool:
        """Check a local path as azure-ai-ml resolves it: from the folder of the file that
        names it (it may leave the spec's folder). True when it is usable."""
        if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value) or os.path.isabs(value):
            self.add(
                "IAC226",
                path,
                f"{what} '{value}' is absolute, which ties the spec to one machine; use a path "
                "relative to the file that names it",
            )
            return False
        folder = self.spec.path_base(path)
        key = (str(folder), value, kind)
        if key in self.problems:
            problem = self.problems[key]
        else:
            problem = self.problems[key] = path_problem(folder / value, kind)
        if problem:
            self.add("IAC227", path, f"{what} '{value}' {problem} (resolved from {folder})")
            return False
        return True

    def autoscale(self) -> None:
        declared = {d.name for d in self.spec.deployments}
        for name, auto in self.spec.autoscale.items():
            base = f"autoscale.{name}"
            if name not in declared:
                self.add(
                    "IAC229",
                    base,
                    f"autoscale for '{name}', which is not a declared deployment; "
                    f"declared: {_names(declared)}",
                )
            if not auto.min_instances <= auto.default_instances <= auto.max_instances:
                self.add(
                    "IAC228",
                    base,
                    f"autoscale for '{name}' has min {auto.min_instances}, default "
                    f"{auto.default_instances}, max {auto.max_instances}; "
                    "it needs min <= default <= max",
                )
            for index, sched in enumerate(auto.schedules):
                if not (sched.min_instances <= sched.default_instances <= sched.max_instances):
                    self.add(
                        "IAC230",
                        f"{base}.schedules.{index}",
                        f"schedule '{sched.name}' has min {sched.min_instances}, default "
                        f"{sched.default_instances}, max {sched.max_instances}; "
                        "it needs min <= default <= max",
                    )
                if (sched.start is None) != (sched.end is None):
                    self.add(
                        "IAC230",
                        f"{base}.schedules.{index}",
                        f"schedule '{sched.name}' gives only one of start and end; give both "
                        "or neither (all day)",
                    )
                elif sched.start is not None and sched.end is not None and sched.start >= sched.end:
                    self.add(
                        "IAC230",
                        f"{base}.schedules.{index}",
                        f"schedule '{sched.name}' starts at {sched.start} and ends at "
                        f"{sched.end}; start must be before end",
                    )

    def suppressions(self) -> None:
        for index, sup in enumerate(self.spec.suppressions):
            if not sup.reason.strip():
                self.add(
                    "IAC231",
                    f"lint.suppress.{index}.reason",
                    f"suppression of rule '{sup.rule}' has an empty reason; say why it does "
                    "not apply",
                )


def _raw_deployment(spec: Spec, name: str) -> dict[str, Any]:
    """The deployment's mapping in the canonical document (for keys the model does not keep)."""
    for item in spec.document.get("deployments") or ():
        if isinstance(item, dict) and item.get("name") == name:
            return item
    return {}


def _names(names: set[str]) -> str:
    return ", ".join(sorted(names)) if names else "(none)"


def semantic_diagnostics(spec: Spec, locate: Locate, prefix: str = "") -> list[Diagnostic]:
    """All IAC2xx problems of `spec`; `prefix` (e.g. "environment 'dev': ") starts messages."""
    return _Checker(spec, locate, prefix).run()
