"""The typed spec: frozen dataclasses every later stage reads (never raw YAML).

Field names and units are those of the Azure ML CLI v2 YAML (`auth_mode`, `instance_count`,
`request_timeout_ms` in ms, probe delays in seconds). Values are kept as the user wrote them
(lower-case CLI enums such as `aad_token`); mapping to ARM casing happens in `desired.py`.
`None` means "the spec says nothing": defaults are applied downstream, so lint can tell a
stated value from a defaulted one.

Every `Spec` carries `locations`, a map from a *spec path* to where it was written. Spec paths
name deployments by name, not index: `deployments.blue.instance_count`, `traffic.blue`,
`autoscale.blue.max_instances`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Location
from iac_gen.spec.frozen import frozen
from iac_gen.vocabulary import DEFAULT_API_VERSION


@frozen
class Target:
    """Where the endpoint lives. CLI v2 files name none; command-line options supply it."""

    subscription: str | None = None
    resource_group: str | None = None
    workspace: str | None = None
    location: str | None = None
    api_version: str = DEFAULT_API_VERSION


@frozen
class Identity:
    """`type` as in CLI v2.

    system_assigned | user_assigned | system_assigned,user_assigned | none.
    """

    type: str
    user_assigned_identities: tuple[str, ...] = ()  # ARM resource ids


@frozen
class Probe:
    """Probe settings; times in seconds (CLI v2 units)."""

    initial_delay: int | None = None
    period: int | None = None
    timeout: int | None = None
    success_threshold: int | None = None
    failure_threshold: int | None = None


@frozen
class RequestSettings:
    """Request limits; times in milliseconds (CLI v2 units)."""

    request_timeout_ms: int | None = None
    max_concurrent_requests_per_instance: int | None = None
    max_queue_wait_ms: int | None = None


@frozen
class CodeConfiguration:
    """`code` is a local folder (relative to the spec) or an asset reference `azureml:...`."""

    code: str | None = None
    scoring_script: str | None = None


@frozen
class InlineModel:
    """A model declared in the deployment file (CLI v2 `model: {path: ...}`).

    `path` is as written, relative to the file that names it (`Spec.path_base`). A template
    cannot upload the files, so the model's id is a template parameter.
    """

    path: str | None = None
    name: str | None = None
    version: str | None = None
    type: str | None = None
    description: str | None = None
    properties: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)


@frozen
class Route:
    """An inference route of an environment: the path and the port the server answers on."""

    path: str
    port: int


@frozen
class InlineEnvironment:
    """An environment declared in the deployment file (`image`, `conda_file`, `build`, ...).

    It becomes an `environments/versions` resource named as azure-ai-ml names it (see
    `iac_gen.desired.environments`). Paths are relative to the file that names them.
    """

    name: str | None = None
    version: str | None = None
    image: str | None = None
    conda_file: str | None = None
    build_path: str | None = None
    dockerfile_path: str | None = None
    inference_config: Mapping[str, Route] = field(default_factory=dict)  # liveness_route, ...
    os_type: str | None = None
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    properties: Mapping[str, str] = field(default_factory=dict)


@frozen
class ScaleSettings:
    """The deployment's own scaling (CLI v2 `scale_settings`); polling interval in seconds."""

    type: str = "default"  # default | target_utilization
    min_instances: int | None = None
    max_instances: int | None = None
    polling_interval: int | None = None  # seconds
    target_utilization_percentage: int | None = None


@frozen
class Deployment:
    """One deployment of the endpoint, in CLI v2 terms."""

    name: str
    type: str = "managed"  # managed | kubernetes
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    properties: Mapping[str, str] = field(default_factory=dict)
    model: str | None = None
    inline_model: InlineModel | None = None
    model_mount_path: str | None = None
    code_configuration: CodeConfiguration | None = None
    environment: str | None = None
    inline_environment: InlineEnvironment | None = None
    environment_variables: Mapping[str, str] = field(default_factory=dict)
    instance_type: str | None = None
    instance_count: int | None = None
    app_insights_enabled: bool | None = None
    egress_public_network_access: str | None = None  # enabled | disabled
    request_settings: RequestSettings | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    scale_settings: ScaleSettings | None = None
    data_collector: Mapping[str, Any] | None = None  # CLI v2 shape, passed through
    resources: Mapping[str, Any] | None = None  # kubernetes requests/limits


@frozen
class Endpoint:
    """The online endpoint: authentication, identity, network access and traffic."""

    name: str
    auth_mode: str | None = (
        None  # key | aml_token | aad_token (None: not stated, service default key)
    )
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    properties: Mapping[str, str] = field(default_factory=dict)
    identity: Identity | None = None  # None: not stated, service default system_assigned
    public_network_access: str | None = None  # enabled | disabled; None: default enabled
    compute: str | None = None  # set only for Kubernetes endpoints
    traffic: Mapping[str, int] = field(default_factory=dict)
    mirror_traffic: Mapping[str, int] = field(default_factory=dict)

    @property
    def is_kubernetes(self) -> bool:
        return self.compute is not None


@frozen
class ScaleRule:
    """One Azure Monitor autoscale rule, in user terms.

    `metric` is a friendly name (cpu, memory, request_latency, requests_per_minute) or an
    Azure Monitor metric name; `operator` one of > >= < <= == !=; `direction` out | in.
    """

    metric: str
    operator: str
    threshold: float
    direction: str
    change: int = 1
    time_window_minutes: int = 5
    time_grain_minutes: int = 1
    statistic: str = "average"
    time_aggregation: str = "average"
    cooldown_minutes: int = 5


@frozen
class ScheduleProfile:
    """A recurring profile (e.g. weekends) with its own instance range."""

    name: str
    days: tuple[str, ...]
    min_instances: int
    max_instances: int
    default_instances: int
    timezone: str = "UTC"
    start: str | None = None  # "HH:MM"
    end: str | None = None


@frozen
class Autoscale:
    """Azure Monitor autoscale of one deployment: the instance range, rules and schedules."""

    min_instances: int
    max_instances: int
    default_instances: int
    rules: tuple[ScaleRule, ...] = ()
    schedules: tuple[ScheduleProfile, ...] = ()
    enabled: bool = True


@frozen
class Alerts:
    """Metric alert thresholds; defaults are the field manual's."""

    request_latency_p95_ms: float | None = 500
    error_rate_5xx_percent: float | None = 0.1
    cpu_percent: float | None = 80
    memory_percent: float | None = 80
    action_group: str | None = None  # ARM id of an action group
    severity: int = 2


@frozen
class Monitoring:
    """Diagnostic settings and metric alerts."""

    log_analytics_workspace: str | None = None  # ARM id; enables diagnostic settings
    alerts: Alerts | None = None


@frozen
class Ownership:
    """Who owns the endpoint and who approves its changes."""

    owner: str | None = None
    team: str | None = None
    approvers: tuple[str, ...] = ()
    runbook: str | None = None
    change_ticket: str | None = None
    from_tags: bool = False  # read from the endpoint's tags only: not written back as tags


@frozen
class Scorer:
    """A principal allowed to score the endpoint (role assignment when auth_mode is aad_token)."""

    principal_id: str
    principal_type: str = "ServicePrincipal"  # ServicePrincipal | User | Group


@frozen
class Policies:
    """Drift intent for run-time-owned fields."""

    traffic: str = "exact"  # exact | sum
    instance_count: str = "auto"  # auto (autoscale range when autoscale owns it) | exact


@frozen
class Suppression:
    """A lint rule turned off for this spec; the reason is mandatory."""

    rule: str
    reason: str
    location: Location | None = None


@frozen
class Spec:
    """One endpoint with its deployments and everything a pipeline and an audit need."""

    source: Path  # the native spec file, or the CLI v2 endpoint file
    format: str  # native | cliv2
    target: Target
    endpoint: Endpoint
    deployments: tuple[Deployment, ...] = ()
    autoscale: Mapping[str, Autoscale] = field(default_factory=dict)
    monitoring: Monitoring | None = None
    ownership: Ownership | None = None
    scorers: tuple[Scorer, ...] = ()
    policies: Policies = field(default_factory=Policies)
    suppressions: tuple[Suppression, ...] = ()
    environments: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # raw overlays
    environment: str | None = None  # the overlay applied by resolve(), if any
    files: tuple[Path, ...] = ()  # every file the spec was read from
    locations: Mapping[str, Location] = field(default_factory=dict)
    document: Mapping[str, Any] = field(default_factory=dict)  # canonical native document
    implied_endpoint: bool = False  # CLI v2 deployment files without an endpoint file

    def deployment(self, name: str) -> Deployment | None:
        for dep in self.deployments:
            if dep.name == name:
                return dep
        return None

    def locate(self, path: str) -> Location:
        """Where `path` (or its nearest written parent) is in the source."""
        probe = path
        while probe:
            loc = self.locations.get(probe)
            if loc is not None:
                return loc
            probe = probe.rpartition(".")[0]
        return Location(str(self.source), 1, 1)

    def path_base(self, path: str) -> Path:
        """The folder a relative path written at spec path `path` is resolved from: the folder
        of the file that names it, as azure-ai-ml resolves it (a CLI v2 deployment file's own
        folder, not the endpoint file's)."""
        loc = self.locate(path)
        return _folder_of(loc.file) if loc.file else self.source.parent


def _folder_of(file: str) -> Path:
    """The folder of a spec file (`Path(file).parent`; the file as a `Location` names it, in
    `Path`'s form): a fleet resolves every deployment's local paths from its files' few
    thousand folders, each parsed once."""
    return _folder(os.path.dirname(file))


@lru_cache(maxsize=4096)
def _folder(name: str) -> Path:
    return Path(name)
