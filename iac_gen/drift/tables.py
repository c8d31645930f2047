"""What the drift engine knows about Azure ML online endpoints, kept as versioned data.

Every entry here exists to stop a false alarm (server-owned fields, service defaults, casing,
duration and id spellings) or to say how much a difference matters (severity, category, the
spec field it belongs to). Each entry has a false-positive and a false-negative test in
`tests/drift/test_tables.py`. Bump `NORMALISATION_VERSION` whenever an entry changes: it is
recorded in every drift report so a verdict can be re-derived later.

Paths are ARM property paths written with dots; `*` stands for any key of a map
(`tags.*`, `properties.traffic.*`). `kind` is `endpoint`, `deployment`, `autoscale`
(`Microsoft.Insights/autoscalesettings`), `diagnostics` (`Microsoft.Insights/diagnosticSettings`)
or `*` (all). Azure Monitor bodies hold lists (profiles, rules, log entries); `LIST_KEYS`
says how each list becomes a map before normalising, so entries are compared by identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iac_gen import vocabulary

NORMALISATION_VERSION = "1.2.0"

# -- 0. Where the knowledge comes from. ------------------------------------------------------
# Recordings Microsoft's own clients made against the live Machine Learning Services RP (copied,
# with attribution, into `fixtures/recorded-*/`). Where docs and recordings disagree,
# recordings win. An entry with no source is listed as `unverified` in docs/normalisation.md.
_GH = "https://github.com/"
REC_PS = (
    _GH + "Azure/azure-powershell/blob/b7ee16ad5e22f07179560f6cf6a87cec63365a76/src/"
    "MachineLearningServices/MachineLearningServices.Autorest/test/"
    "CreateScenarioTestOnlineEndpoint.Recording.json"
)
REC_PS_DEPLOYMENT = (
    _GH + "Azure/azure-powershell/blob/b7ee16ad5e22f07179560f6cf6a87cec63365a76/src/"
    "MachineLearningServices/MachineLearningServices.Autorest/test/"
    "Get-AzMLWorkspaceOnlineDeployment.Recording.json"
)
REC_CLI_MANAGED = (
    _GH + "Azure/azure-cli-extensions/blob/2fdd96fc3056649fe32af3dc9e106de642fb5fbd/src/"
    "machinelearningservices/azext_mlv2/tests/latest/recordings/"
    "test_online_endpoint_mir_deployment_create.yaml"
)
REC_CLI_K8S = (
    _GH + "Azure/azure-cli-extensions/blob/f2ae6c4db222cd55061ee18bc2cdc045328a6253/src/"
    "machinelearningservices/azext_mlv2/tests/latest/recordings/"
    "test_online_endpoint_k8s_deployment_gpu.yaml"
)
AZURE_AI_ML_ENDPOINT_CONSTANTS = (
    _GH + "Azure/azure-sdk-for-python/blob/2be1f52208fa38ccd4a7f8c35d1196d3e61b7c6c/sdk/ml/"
    "azure-ai-ml/azure/ai/ml/constants/_endpoint.py"
)
BICEP_TYPES = (
    _GH + "Azure/bicep-types-az/tree/1f896de2db966ad91e8f7d7d981e11d32e4f5d8d/generated/"
    "machinelearningservices/microsoft.machinelearningservices/"
)
CLI_V2_DEPLOYMENT_YAML = (
    "https://learn.microsoft.com/azure/machine-learning/reference-yaml-deployment-managed-online"
)
CLI_V2_ENDPOINT_YAML = (
    "https://learn.microsoft.com/azure/machine-learning/reference-yaml-endpoint-online"
)
UNVERIFIED = "unverified"

# Resource types lower-cased, as drift compares them (ARM types are case-insensitive).
ENDPOINT_TYPE = vocabulary.ENDPOINT_TYPE.lower()
DEPLOYMENT_TYPE = vocabulary.DEPLOYMENT_TYPE.lower()
AUTOSCALE_TYPE = vocabulary.AUTOSCALE_TYPE.lower()
DIAGNOSTICS_TYPE = vocabulary.DIAGNOSTICS_TYPE.lower()
ALERT_TYPE = vocabulary.ALERT_TYPE.lower()
ROLE_ASSIGNMENT_TYPE = vocabulary.ROLE_ASSIGNMENT_TYPE.lower()

# Every resource kind drift knows - its ARM type, how it is matched, shaped, named and judged -
# is one entry of `kinds.KINDS`, which takes its whole-resource severities from section 4.
NOT_IN_LIVE_INPUT = "not in the live input"

# -- 1. Server-owned fields: never emitted, never drift (azure-ml-arm notes 2.1-2.9). --------
SERVER_OWNED: tuple[tuple[str, str, str], ...] = (
    ("*", "id", "resource id; matched on, not compared"),
    ("*", "name", "resource name; matched on, not compared"),
    ("*", "type", "resource type; matched on (any casing), not compared"),
    ("*", "apiVersion", "request metadata, not state"),
    ("*", "etag", "concurrency token"),
    ("*", "systemData", "created/modified by and at"),
    ("*", "properties.provisioningState", "operation state"),
    ("*", "properties.keys", "secret; always null on GET"),
    ("*", "identity.principalId", "system-assigned principal, generated"),
    ("*", "identity.tenantId", "tenant of the generated principal"),
    ("*", "identity.userAssignedIdentities.*.principalId", "read-only on the identity"),
    ("*", "identity.userAssignedIdentities.*.clientId", "read-only on the identity"),
    ("*", "sku.tier", "filled by the service; capacity is what the design sets"),
    (
        "*",
        "kind",
        "service metadata (`Managed`, `K8S`), never sent by azure-ai-ml; the compute type is "
        "compared through properties.endpointComputeType and properties.compute",
    ),
    ("endpoint", "properties.scoringUri", "generated URL"),
    ("endpoint", "properties.swaggerUri", "generated URL"),
    ("endpoint", "sku", "endpoints carry no SKU in the design; the service may echo one"),
    ("autoscale", "properties.name", "echo of the setting's name; matched by target, not name"),
    ("autoscale", "properties.targetResourceUri", "matched on (the deployment id)"),
    ("autoscale", "properties.targetResourceLocation", "the target's region; follows the target"),
    (
        "autoscale",
        "properties.profiles.*.rules.*.metricTrigger.metricResourceLocation",
        "region of the metric's resource; follows metricResourceUri",
    ),
    ("diagnostics", "scope", "matched on (the endpoint id); GET does not return it"),
    (
        "diagnostics",
        "properties.logs.*.retentionPolicy",
        "storage retention, deprecated; Log Analytics keeps its own retention (GET echoes "
        "{enabled: false, days: 0})",
    ),
)

# Keys the service adds to `properties.properties` (Terraform filters exactly these two).
SYSTEM_PROPERTY_KEYS: tuple[str, ...] = ("AzureAsyncOperationUri", "azureml.onlineendpointid")


# -- 2. Service defaults: applied to both sides when a value is absent. -----------------------
@dataclass(frozen=True)
class Default:
    kind: str
    path: str
    value: Any
    source: str
    # Apply only when this (path, value) holds on the same body; value None means "absent".
    when: tuple[str, Any] | None = None
    url: str = ""  # the recording or document that shows it (else `SOURCES`, else unverified)


_PROBE_DEFAULTS = (
    ("initialDelay", "PT10S", "CLI v2 YAML reference default 10 s (the REST spec names none)"),
    ("period", "PT10S", "REST spec ProbeSettings default"),
    ("timeout", "PT2S", "REST spec ProbeSettings default"),
    ("successThreshold", 1, "REST spec ProbeSettings default"),
    ("failureThreshold", 30, "REST spec ProbeSettings default"),
)

SERVICE_DEFAULTS: tuple[Default, ...] = (
    Default("endpoint", "identity.type", "SystemAssigned", "SDK sends SystemAssigned when unset"),
    Default("endpoint", "properties.authMode", "Key", "CLI v2 YAML default auth_mode key"),
    Default("endpoint", "properties.publicNetworkAccess", "Enabled", "REST spec default"),
    Default("deployment", "identity.type", "None", "deployments carry no identity of their own"),
    Default("deployment", "properties.appInsightsEnabled", False, "REST spec default"),
    Default("deployment", "properties.egressPublicNetworkAccess", "Enabled", "REST spec default"),
    Default("deployment", "properties.endpointComputeType", "Managed", "CLI v2 default type"),
    Default("deployment", "properties.requestSettings.requestTimeout", "PT5S", "REST spec"),
    Default("deployment", "properties.requestSettings.maxConcurrentRequestsPerInstance", 1, "REST"),
    # The service stores PT0S when the PUT omits it (every recorded managed GET, 2022-2024); the
    # setting is deprecated for managed deployments. No recording omits it on Kubernetes, where
    # the same value is assumed (one default for both types: a changed compute type is one
    # finding, not two).
    Default(
        "deployment",
        "properties.requestSettings.maxQueueWait",
        "PT0S",
        "recorded: PUT without requestSettings, GET maxQueueWait PT0S (managed; Kubernetes "
        "assumed)",
        url=REC_PS_DEPLOYMENT,
    ),
    *(
        Default("deployment", f"properties.{probe}.{name}", value, source)
        for probe in ("livenessProbe", "readinessProbe")
        for name, value, source in _PROBE_DEFAULTS
    ),
    Default(
        "deployment",
        "properties.scaleSettings.scaleType",
        "Default",
        "REST spec: DefaultScaleSettings for managed deployments when null",
        when=("properties.endpointComputeType", "Managed"),
    ),
    Default("deployment", "sku.name", "Default", "SDK always sends Default"),
    Default("autoscale", "properties.enabled", True, "REST spec AutoscaleSetting default true"),
    Default(
        "autoscale",
        "properties.predictiveAutoscalePolicy.scaleMode",
        "Disabled",
        "REST spec PredictiveAutoscalePolicy; GET echoes Disabled when unset",
    ),
    Default(
        "diagnostics",
        "properties.logAnalyticsDestinationType",
        "AzureDiagnostics",
        "REST spec: null (the default) means the AzureDiagnostics table",
    ),
)

# -- 3. Spelling: enum casing, case-insensitive strings, durations, ids, maps. ----------------
_RULE = "properties.profiles.*.rules.*."  # an autoscale rule inside a profile
ENUMS: dict[str, tuple[str, ...]] = {
    # The online endpoint's own enums, as iac_gen.vocabulary spells them.
    "properties.authMode": tuple(vocabulary.AUTH_MODE.values()),
    "properties.publicNetworkAccess": tuple(vocabulary.ACCESS.values()),
    "properties.egressPublicNetworkAccess": tuple(vocabulary.ACCESS.values()),
    "identity.type": tuple(vocabulary.IDENTITY.values()),
    "properties.endpointComputeType": tuple(vocabulary.COMPUTE_TYPE.values()),
    "properties.scaleSettings.scaleType": tuple(vocabulary.SCALE_TYPE.values()),
    "sku.name": ("Default",),
    "properties.dataCollector.rollingRate": tuple(vocabulary.ROLLING_RATE.values()),
    "properties.dataCollector.collections.*.dataCollectionMode": tuple(vocabulary.ACCESS.values()),
    _RULE + "metricTrigger.operator": (
        "Equals",
        "NotEquals",
        "GreaterThan",
        "GreaterThanOrEqual",
        "LessThan",
        "LessThanOrEqual",
    ),
    _RULE + "metricTrigger.statistic": ("Average", "Min", "Max", "Sum", "Count"),
    _RULE + "metricTrigger.timeAggregation": (
        "Average",
        "Minimum",
        "Maximum",
        "Total",
        "Count",
        "Last",
    ),
    _RULE + "scaleAction.direction": ("None", "Increase", "Decrease"),
    _RULE + "scaleAction.type": (
        "ChangeCount",
        "PercentChangeCount",
        "ExactCount",
        "ServiceAllowedNextValue",
    ),
    "properties.logAnalyticsDestinationType": ("AzureDiagnostics", "Dedicated"),
    "properties.predictiveAutoscalePolicy.scaleMode": ("Disabled", "ForecastOnly", "Enabled"),
}

# Strings Azure treats case-insensitively (VM size names, regions; regions also drop spaces).
CASE_INSENSITIVE: tuple[str, ...] = (
    "properties.instanceType",
    "location",
    # Azure Monitor echoes metric names, namespaces and resource ids in its own casing
    # (namespaces come back lower-case); ARM ids are case-insensitive.
    _RULE + "metricTrigger.metricName",
    _RULE + "metricTrigger.metricNamespace",
    _RULE + "metricTrigger.metricResourceUri",
    "properties.workspaceId",
    "properties.storageAccountId",
    "properties.eventHubAuthorizationRuleId",
    "properties.marketplacePartnerId",
)

DURATIONS: tuple[str, ...] = (
    "properties.requestSettings.requestTimeout",
    "properties.requestSettings.maxQueueWait",
    *(
        f"properties.{probe}.{name}"
        for probe in ("livenessProbe", "readinessProbe", "startupProbe")
        for name in ("initialDelay", "period", "timeout")
    ),
    "properties.scaleSettings.pollingInterval",
    _RULE + "metricTrigger.timeGrain",
    _RULE + "metricTrigger.timeWindow",
    _RULE + "scaleAction.cooldown",
)

# Whole numbers Azure Monitor spells as strings (`"minimum": "2"`); compared as integers.
NUMBER_STRINGS: tuple[str, ...] = (
    "properties.profiles.*.capacity.minimum",
    "properties.profiles.*.capacity.maximum",
    "properties.profiles.*.capacity.default",
    _RULE + "scaleAction.value",
)


# Lists turned into maps before normalising. `key`: the entry field naming it, or "#index"
# (rules keep their order on PUT and GET, and have no name). Log entries are keyed by
# category; a `categoryGroup` entry stands for the categories of `LOG_CATEGORY_GROUPS`.
@dataclass(frozen=True)
class ListKey:
    kind: str
    path: str
    key: str


LIST_KEYS: tuple[ListKey, ...] = (
    ListKey("autoscale", "properties.profiles", "name"),
    ListKey("autoscale", "properties.profiles.*.rules", "#index"),
    ListKey("diagnostics", "properties.logs", "category"),
)

# Defaults of each autoscale rule (list entries, so `SERVICE_DEFAULTS` cannot name them):
# filled on both sides when absent. REST spec MetricTrigger.dividePerInstance: false.
RULE_DEFAULTS: dict[str, Any] = {"metricTrigger.dividePerInstance": False}

# `allLogs` covers every log category of the resource type; for online endpoints these are
# the three AmlOnlineEndpoint* categories (Azure Monitor supported-logs reference). Other
# groups (e.g. `audit`) are kept as `group:<name>` keys: which categories they cover is not
# known offline, so they never stand in for a designed category.
LOG_CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    "alllogs": (
        "AmlOnlineEndpointConsoleLog",
        "AmlOnlineEndpointEventLog",
        "AmlOnlineEndpointTrafficLog",
    ),
}

# Asset references: `azureml:name:version`, workspace ARM ids and registry ids, any casing.
ASSET_IDS: dict[str, str] = {
    "properties.model": "models",
    "properties.environmentId": "environments",
    "properties.codeConfiguration.codeId": "codes",
    "properties.compute": "computes",
    "properties.dataCollector.collections.*.dataId": "data",
}


# Maps whose keys are compared one by one. `key_case`: how keys are compared.
# `presence`: only which keys exist matters (the values are server-filled).
@dataclass(frozen=True)
class MapPath:
    path: str
    key_case: str  # exact | insensitive | arm_id
    presence: bool = False
    drop_zero: bool = False


MAPS: tuple[MapPath, ...] = (
    MapPath("tags", "insensitive"),  # Azure tag names are case-insensitive
    MapPath("properties.traffic", "insensitive", drop_zero=True),  # 0 % == absent
    MapPath("properties.mirrorTraffic", "insensitive", drop_zero=True),
    MapPath("properties.properties", "exact"),
    MapPath("properties.environmentVariables", "exact"),
    MapPath("properties.dataCollector.collections", "exact"),
    MapPath("identity.userAssignedIdentities", "arm_id", presence=True),
    MapPath("properties.profiles", "exact"),  # autoscale profiles, by name (see LIST_KEYS)
    MapPath("properties.profiles.*.rules", "exact"),  # autoscale rules, by position
    MapPath("properties.logs", "insensitive"),  # diagnostic log categories
)


# Keys the service writes into a map after provisioning. They are not drift unless the design
# declares that key (then its value is compared like any other). Older GETs lack them, so this
# is not keyed on api-version.
@dataclass(frozen=True)
class ServiceWrittenKey:
    kind: str
    path: str  # the map
    key: str
    reason: str
    source: str


_MOUNT = "written by the service after provisioning: "
SERVICE_WRITTEN_KEYS: tuple[ServiceWrittenKey, ...] = (
    ServiceWrittenKey(
        "deployment",
        "properties.environmentVariables",
        "AZUREML_MODEL_DIR",
        _MOUNT + "where the model is mounted (recorded on a 2024-04-01 GET)",
        REC_PS_DEPLOYMENT,
    ),
    ServiceWrittenKey(
        "deployment",
        "properties.environmentVariables",
        "AZUREML_ENTRY_SCRIPT",
        _MOUNT + "the scoring script (recorded on a 2024-04-01 GET)",
        REC_PS_DEPLOYMENT,
    ),
    ServiceWrittenKey(
        "deployment",
        "properties.environmentVariables",
        "AML_APP_ROOT",
        _MOUNT + "where the code is mounted (recorded on a 2024-04-01 GET)",
        REC_PS_DEPLOYMENT,
    ),
    ServiceWrittenKey(
        "deployment",
        "properties.environmentVariables",
        "AZUREML_INFERENCE_PYTHON_PATH",
        "set by the inference runtime (azure-ai-ml's endpoint constants name it with the three "
        "above; no recorded GET shows it yet)",
        AZURE_AI_ML_ENDPOINT_CONSTANTS,
    ),
)


# Kubernetes resource quantities: the service respells them (`200Mi` -> `0.195Gi`, `0.1Gi` ->
# `0.100Gi`, CPU `300m` -> `0.3`). Compared as quantities: memory in Gi rounded to three
# decimals (the service's rounding), CPU in cores and GPU as a count, exactly.
@dataclass(frozen=True)
class Quantity:
    path: str
    unit: str  # memory | cpu | count
    reason: str
    source: str


_CRR = "properties.containerResourceRequirements."
QUANTITIES: tuple[Quantity, ...] = tuple(
    Quantity(f"{_CRR}{side}.{name}", unit, reason, REC_CLI_K8S)
    for side in ("containerResourceRequests", "containerResourceLimits")
    for name, unit, reason in (
        ("memory", "memory", "GET spells memory in Gi with 3 decimals: 200Mi -> 0.195Gi"),
        ("cpu", "cpu", "GET spells CPU in cores: 300m -> 0.3"),
        ("gpu", "count", "GET echoes the GPU count as a string: 1 -> 1"),
    )
)
QUANTITY_DECIMALS = {"memory": 3}  # decimals of the unit the service rounds to (Gi)


# Fields the design leaves unset that the service keeps from an earlier PUT or fills in: not
# drift (the design does not own them). Listed as not comparable, with this reason, so the
# evidence still shows the live value. Security fields are never listed here: auth mode,
# network exposure and identity are pinned by SERVICE_DEFAULTS whatever the spec says.
@dataclass(frozen=True)
class KeptWhenUnset:
    kind: str
    path: str
    when: tuple[str, Any]  # (path, canonical value) on the designed body
    reason: str
    source: str


KEPT_WHEN_UNSET: tuple[KeptWhenUnset, ...] = (
    KeptWhenUnset(
        "deployment",
        "properties.instanceType",
        ("properties.endpointComputeType", "Kubernetes"),
        "not set by the design; a Kubernetes deployment keeps the instance type of an earlier "
        "PUT (recorded: the update PUT sent none, GET kept gpuinstance)",
        REC_CLI_K8S,
    ),
)


# Fields some live shapes never carry: when the live body has no such key at all, the field is
# not compared (absent is not "removed"). An ARM GET always carries them.
@dataclass(frozen=True)
class ShapeOmitted:
    kind: str
    path: str
    reason: str
    source: str


AZURE_AI_ML_ONLINE_DEPLOYMENT = (
    _GH + "Azure/azure-sdk-for-python/blob/2be1f52208fa38ccd4a7f8c35d1196d3e61b7c6c/sdk/ml/"
    "azure-ai-ml/azure/ai/ml/entities/_deployment/online_deployment.py"
)
SHAPE_OMITTED: tuple[ShapeOmitted, ...] = (
    ShapeOmitted(
        "deployment",
        "location",
        "`az ml online-deployment show` prints no location: azure-ai-ml's deployment has none "
        "(`_to_rest_object(location)` takes the endpoint's); the endpoint's location is compared",
        AZURE_AI_ML_ONLINE_DEPLOYMENT,
    ),
)


# Only a settled body is the state to compare: a resource whose provisioningState is anything
# else is `not_checked` with that reason (the run exits 3). The PUT responses of every
# recording answer `Creating` / `Updating`, with scoringUri still null.
PROVISIONING_STATE = "properties.provisioningState"
SETTLED_STATES: tuple[str, ...] = ("Succeeded",)
UNSETTLED_STATES: dict[str, str] = {
    "Creating": "the resource is still being created",
    "Updating": "an update is still running",
    "Deleting": "the resource is being deleted",
    "Failed": "the last operation FAILED; the service did not reach the designed state",
    "Canceled": "the last operation was canceled before it completed",
}
PROVISIONING_SOURCE = REC_CLI_K8S


# Fields that exist only in some api-versions: compared only where both sides have the concept.
# The designed side has it when its apiVersion is in [since, until); the live side when its
# body carries the key (GET serialises every property of its api-version, null ones too:
# recorded `"dataCollector": null`) or, for an export bundle, by the api-version it read with.
@dataclass(frozen=True)
class VersionedField:
    kind: str
    path: str
    since: str | None  # first api-version with the field (None: all known)
    until: str | None  # first api-version without it (None: still there)
    reason: str
    source: str


API_VERSIONED: tuple[VersionedField, ...] = (
    VersionedField(
        "deployment",
        "properties.privateNetworkConnection",
        None,
        "2022-05-01",
        "2022-02-01-preview only (recorded on its GETs); later api-versions have "
        "egressPublicNetworkAccess instead",
        REC_CLI_MANAGED,
    ),
    VersionedField(
        "deployment",
        "properties.dataCollector",
        "2023-04-01-preview",
        None,
        "absent from the recorded 2022-02-01-preview GETs; recorded as null on a 2024-04-01 GET "
        "(that 2023-04-01-preview is the first api-version with it is unverified)",
        REC_PS_DEPLOYMENT,
    ),
)


# -- 4. Where a difference belongs in the spec, and how much it matters. ----------------------
@dataclass(frozen=True)
class FieldRule:
    kind: str
    path: str  # ARM path; `*` is a map key, a trailing `.**` covers everything below
    # Spec path; `{key}` is the map key; deployments get `deployments.<name>.`. Autoscale:
    # `{dep}` is the target deployment, `{profile}` is `` for the default profile and
    # `schedules.<name>.` for a schedule's profiles, `{edge}` start (or end for `<name>-end`).
    field: str
    severity: str
    category: str
    # (severity, category) for a value Azure has that the design does not (`added`), when
    # that matters less than losing a designed one (an extra log category is not a loss).
    added: tuple[str, str] | None = None


FIELD_RULES: tuple[FieldRule, ...] = (
    # endpoint
    FieldRule("endpoint", "properties.authMode", "auth_mode", "high", "security"),
    FieldRule(
        "endpoint", "properties.publicNetworkAccess", "public_network_access", "high", "security"
    ),
    FieldRule("endpoint", "identity.type", "identity.type", "high", "security"),
    FieldRule(
        "endpoint",
        "identity.userAssignedIdentities.*",
        "identity.user_assigned_identities",
        "high",
        "security",
    ),
    FieldRule("endpoint", "properties.traffic", "traffic", "high", "routing"),
    FieldRule("endpoint", "properties.traffic.*", "traffic.{key}", "high", "routing"),
    FieldRule("endpoint", "properties.mirrorTraffic.*", "mirror_traffic.{key}", "high", "routing"),
    FieldRule("endpoint", "properties.compute", "compute", "medium", "capacity"),
    FieldRule("endpoint", "properties.description", "description", "info", "metadata"),
    FieldRule("endpoint", "properties.properties.*", "properties.{key}", "info", "metadata"),
    FieldRule("endpoint", "tags.*", "tags.{key}", "info", "metadata"),
    FieldRule("endpoint", "location", "target.location", "medium", "configuration"),
    # deployment
    FieldRule("deployment", "identity.type", "identity.type", "high", "security"),
    FieldRule(
        "deployment",
        "identity.userAssignedIdentities.*",
        "identity.user_assigned_identities",
        "high",
        "security",
    ),
    FieldRule(
        "deployment",
        "properties.egressPublicNetworkAccess",
        "egress_public_network_access",
        "high",
        "security",
    ),
    FieldRule("deployment", "sku.capacity", "instance_count", "medium", "capacity"),
    FieldRule("deployment", "sku.name", "instance_count", "medium", "capacity"),
    FieldRule("deployment", "properties.instanceType", "instance_type", "medium", "capacity"),
    FieldRule("deployment", "properties.endpointComputeType", "type", "medium", "capacity"),
    FieldRule(
        "deployment",
        "properties.scaleSettings.scaleType",
        "scale_settings.type",
        "medium",
        "capacity",
    ),
    FieldRule(
        "deployment",
        "properties.scaleSettings.minInstances",
        "scale_settings.min_instances",
        "medium",
        "capacity",
    ),
    FieldRule(
        "deployment",
        "properties.scaleSettings.maxInstances",
        "scale_settings.max_instances",
        "medium",
        "capacity",
    ),
    FieldRule(
        "deployment",
        "properties.scaleSettings.pollingInterval",
        "scale_settings.polling_interval",
        "medium",
        "capacity",
    ),
    FieldRule(
        "deployment",
        "properties.scaleSettings.targetUtilizationPercentage",
        "scale_settings.target_utilization_percentage",
        "medium",
        "capacity",
    ),
    FieldRule(
        "deployment",
        "properties.containerResourceRequirements.**",
        "resources",
        "medium",
        "capacity",
    ),
    FieldRule("deployment", "properties.model", "model", "medium", "configuration"),
    FieldRule(
        "deployment", "properties.modelMountPath", "model_mount_path", "medium", "configuration"
    ),
    FieldRule("deployment", "properties.environmentId", "environment", "medium", "configuration"),
    FieldRule(
        "deployment",
        "properties.codeConfiguration.codeId",
        "code_configuration.code",
        "medium",
        "configuration",
    ),
    FieldRule(
        "deployment",
        "properties.codeConfiguration.scoringScript",
        "code_configuration.scoring_script",
        "medium",
        "configuration",
    ),
    FieldRule(
        "deployment",
        "properties.environmentVariables.*",
        "environment_variables.{key}",
        "low",
        "configuration",
    ),
    FieldRule(
        "deployment",
        "properties.requestSettings.requestTimeout",
        "request_settings.request_timeout_ms",
        "low",
        "configuration",
    ),
    FieldRule(
        "deployment",
        "properties.requestSettings.maxConcurrentRequestsPerInstance",
        "request_settings.max_concurrent_requests_per_instance",
        "low",
        "configuration",
    ),
    FieldRule(
        "deployment",
        "properties.requestSettings.maxQueueWait",
        "request_settings.max_queue_wait_ms",
        "low",
        "configuration",
    ),
    *(
        FieldRule(
            "deployment", f"properties.{arm}.{name}", f"{spec}.{field}", "low", "configuration"
        )
        for arm, spec in (
            ("livenessProbe", "liveness_probe"),
            ("readinessProbe", "readiness_probe"),
            ("startupProbe", "startup_probe"),
        )
        for name, field in (
            ("initialDelay", "initial_delay"),
            ("period", "period"),
            ("timeout", "timeout"),
            ("successThreshold", "success_threshold"),
            ("failureThreshold", "failure_threshold"),
        )
    ),
    FieldRule(
        "deployment",
        "properties.appInsightsEnabled",
        "app_insights_enabled",
        "low",
        "configuration",
    ),
    FieldRule(
        "deployment", "properties.dataCollector.**", "data_collector", "low", "configuration"
    ),
    FieldRule("deployment", "properties.description", "description", "info", "metadata"),
    FieldRule("deployment", "properties.properties.*", "properties.{key}", "info", "metadata"),
    FieldRule("deployment", "tags.*", "tags.{key}", "info", "metadata"),
    FieldRule("deployment", "location", "target.location", "medium", "configuration"),
    # autoscale settings (Azure Monitor owns the instance count within the range)
    FieldRule("autoscale", "properties.enabled", "autoscale.{dep}.enabled", "medium", "capacity"),
    FieldRule(
        "autoscale",
        "properties.predictiveAutoscalePolicy.scaleMode",
        "autoscale.{dep}",
        "medium",
        "capacity",
    ),
    *(
        FieldRule(
            "autoscale",
            f"properties.profiles.*.capacity.{arm}",
            f"autoscale.{{dep}}.{{profile}}{spec}_instances",
            "medium",
            "capacity",
        )
        for arm, spec in (("minimum", "min"), ("maximum", "max"), ("default", "default"))
    ),
    FieldRule(
        "autoscale",
        "properties.profiles.*.rules.**",
        "autoscale.{dep}.rules",
        "medium",
        "configuration",
    ),
    FieldRule(
        "autoscale",
        "properties.profiles.*.recurrence.frequency",
        "autoscale.{dep}.{profile}days",
        "medium",
        "configuration",
    ),
    FieldRule(
        "autoscale",
        "properties.profiles.*.recurrence.schedule.days",
        "autoscale.{dep}.{profile}days",
        "medium",
        "configuration",
    ),
    FieldRule(
        "autoscale",
        "properties.profiles.*.recurrence.schedule.timeZone",
        "autoscale.{dep}.{profile}timezone",
        "medium",
        "configuration",
    ),
    *(
        FieldRule(
            "autoscale",
            f"properties.profiles.*.recurrence.schedule.{part}",
            "autoscale.{dep}.{profile}{edge}",
            "medium",
            "configuration",
        )
        for part in ("hours", "minutes")
    ),
    FieldRule("autoscale", "tags.*", "tags.{key}", "info", "metadata"),
    FieldRule("autoscale", "location", "target.location", "low", "configuration"),
    # diagnostic settings: endpoint logs to Log Analytics are the audit trail
    FieldRule(
        "diagnostics",
        "properties.workspaceId",
        "monitoring.log_analytics_workspace",
        "high",
        "security",
    ),
    FieldRule(
        "diagnostics",
        "properties.logs.*.enabled",
        "monitoring.log_analytics_workspace",
        "high",
        "security",
        added=("low", "configuration"),
    ),
    FieldRule(
        "diagnostics",
        "properties.logAnalyticsDestinationType",
        "monitoring.log_analytics_workspace",
        "low",
        "configuration",
    ),
    *(
        # Another destination receives the endpoint's logs: outside the design's control.
        FieldRule("diagnostics", f"properties.{arm}", "monitoring", "medium", "security")
        for arm in (
            "storageAccountId",
            "eventHubAuthorizationRuleId",
            "eventHubName",
            "marketplacePartnerId",
        )
    ),
)

# Fields not in FIELD_RULES still get compared; this is what they are classified as.
FALLBACK_RULE = ("low", "configuration")

# Whole-resource findings (each kind names its own in `kinds.KINDS`).
MISSING_ENDPOINT = ("critical", "routing")
MISSING_DEPLOYMENT = ("high", "capacity")
UNMANAGED_WITH_TRAFFIC = ("high", "routing")
UNMANAGED_WITHOUT_TRAFFIC = ("medium", "capacity")
UNMANAGED_ENDPOINT = ("medium", "configuration")
# Autoscale: losing it freezes capacity (no scale-out under load) - a capacity risk, not an
# outage. Diagnostic settings: losing them stops the audit trail of requests and console
# output, and nothing else reports that loss - high, security. An unmanaged autoscale
# setting changes the instance count behind the design's back; an unmanaged diagnostic
# setting sends the endpoint's logs to a destination nobody reviewed.
MISSING_AUTOSCALE = ("medium", "capacity")
MISSING_DIAGNOSTICS = ("high", "security")
UNMANAGED_AUTOSCALE = ("medium", "capacity")
UNMANAGED_DIAGNOSTICS = ("medium", "security")
NOT_COMPARABLE = ("info", "configuration")

CATEGORIES: tuple[str, ...] = (
    "security",
    "routing",
    "capacity",
    "configuration",
    "metadata",
    "code",  # the running code against the repository (drift/code_assets.py)
)


# -- 5. Sources of the entries that do not carry their own. -----------------------------------
# Key: `<table>:<kind>:<path>` (kind `*` for tables without one). docs/normalisation.md lists
# every entry with its source; an entry missing here (and without its own) says `unverified`.
BICEP_TYPES_INSIGHTS = (
    _GH + "Azure/bicep-types-az/tree/1f896de2db966ad91e8f7d7d981e11d32e4f5d8d/generated/"
    "monitor_1/microsoft.insights/"
)
TAG_DOCS = (
    "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations"
)
_ML_ENUMS = (
    "properties.authMode",
    "properties.publicNetworkAccess",
    "properties.egressPublicNetworkAccess",
    "identity.type",
    "properties.endpointComputeType",
    "properties.scaleSettings.scaleType",
    "sku.name",
    "properties.dataCollector.rollingRate",
    "properties.dataCollector.collections.*.dataCollectionMode",
)
_PROBE_PATHS = tuple(
    f"properties.{probe}.{name}"
    for probe in ("livenessProbe", "readinessProbe")
    for name, _, _ in _PROBE_DEFAULTS
)
SOURCES: dict[str, str] = {
    "server_owned:*:id": REC_PS,
    "server_owned:*:name": REC_PS,
    "server_owned:*:type": REC_PS,
    "maps:*:properties.traffic": REC_PS,
    "maps:*:properties.mirrorTraffic": REC_PS,
    "maps:*:properties.properties": REC_CLI_K8S,
    "maps:*:properties.environmentVariables": REC_PS_DEPLOYMENT,
    "server_owned:*:systemData": REC_PS,
    "server_owned:*:properties.provisioningState": REC_CLI_K8S,
    "server_owned:*:identity.principalId": REC_PS,
    "server_owned:*:identity.tenantId": REC_PS,
    "server_owned:*:sku.tier": REC_CLI_MANAGED,
    "server_owned:*:kind": REC_CLI_K8S,
    "server_owned:endpoint:properties.scoringUri": REC_PS,
    "server_owned:endpoint:properties.swaggerUri": REC_PS,
    "system_property_keys:*:AzureAsyncOperationUri": REC_PS,
    "system_property_keys:*:azureml.onlineendpointid": REC_PS,
    "defaults:endpoint:identity.type": REC_CLI_MANAGED,
    "defaults:endpoint:properties.authMode": CLI_V2_ENDPOINT_YAML,
    "defaults:endpoint:properties.publicNetworkAccess": REC_PS,
    "defaults:deployment:identity.type": REC_PS_DEPLOYMENT,
    "defaults:deployment:properties.appInsightsEnabled": REC_PS_DEPLOYMENT,
    "defaults:deployment:properties.egressPublicNetworkAccess": REC_PS_DEPLOYMENT,
    "defaults:deployment:properties.endpointComputeType": CLI_V2_DEPLOYMENT_YAML,
    "defaults:deployment:properties.requestSettings.requestTimeout": REC_PS_DEPLOYMENT,
    "defaults:deployment:properties.requestSettings.maxConcurrentRequestsPerInstance": (
        REC_PS_DEPLOYMENT
    ),
    **{f"defaults:deployment:{p}": REC_PS_DEPLOYMENT for p in _PROBE_PATHS},
    "defaults:deployment:properties.scaleSettings.scaleType": REC_PS_DEPLOYMENT,
    "defaults:deployment:sku.name": REC_CLI_MANAGED,
    **{f"enums:*:{p}": BICEP_TYPES for p in _ML_ENUMS},
    **{f"enums:*:{p}": BICEP_TYPES_INSIGHTS for p in ENUMS if p not in _ML_ENUMS},
    "durations:*:properties.requestSettings.requestTimeout": REC_CLI_K8S,
    "durations:*:properties.requestSettings.maxQueueWait": REC_CLI_K8S,
    "durations:*:properties.scaleSettings.pollingInterval": REC_CLI_K8S,
    **{
        f"durations:*:properties.{probe}.{name}": REC_CLI_K8S
        for probe in ("livenessProbe", "readinessProbe")
        for name in ("initialDelay", "period", "timeout")
    },
    "asset_ids:*:properties.model": REC_CLI_MANAGED,
    "asset_ids:*:properties.environmentId": REC_CLI_MANAGED,
    "asset_ids:*:properties.codeConfiguration.codeId": REC_CLI_MANAGED,
    "asset_ids:*:properties.compute": REC_CLI_K8S,
    "maps:*:tags": TAG_DOCS,
}


def source_of(table: str, kind: str, path: str, own: str = "") -> str:
    """The recording or document behind one entry, or `unverified`."""
    return own or SOURCES.get(f"{table}:{kind}:{path}", UNVERIFIED)
