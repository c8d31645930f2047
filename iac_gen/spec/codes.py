"""Every diagnostic code the spec layer emits, with its meaning (stable; never reuse a code).

IAC0xx reading files, IAC1xx shape (JSON Schema, CLI v2 file grouping), IAC2xx meaning,
IAC3xx command-line options against the spec.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    "IAC001": "a SPEC argument names no file or folder",
    "IAC002": "file larger than 1 MiB",
    "IAC003": "file is not UTF-8 (position of the first bad byte)",
    "IAC004": "YAML syntax error",
    "IAC005": "duplicate mapping key",
    "IAC006": "more than 100 000 values after alias expansion (alias bomb)",
    "IAC007": "empty file (no YAML document)",
    "IAC008": "several YAML documents where one is expected",
    "IAC009": "nesting deeper than 64 levels",
    "IAC010": "unsupported YAML tag, bad merge key or bad tagged scalar",
    "IAC011": "alias to an undefined (or not yet finished, recursive) anchor",
    "IAC012": "no spec files found (empty folder or no endpoint)",
    "IAC013": "file cannot be read",
    "IAC014": "mapping key that is not plain text",
    "IAC015": "number that is NaN or infinite (.nan, .inf, 1.0e+400)",
    "IAC101": "top level is not a mapping",
    "IAC102": "unknown key (with 'did you mean')",
    "IAC103": "wrong value type",
    "IAC104": "required key missing",
    "IAC105": "value not among the allowed values",
    "IAC106": "number outside its allowed range",
    "IAC107": "text not in the expected form",
    "IAC108": "other schema violation (e.g. empty list where one item is needed)",
    "IAC110": "several CLI v2 endpoint files in one folder",
    "IAC111": "CLI v2 deployment file whose endpoint cannot be implied (no endpoint_name, "
    "several endpoint files of that name, or a Kubernetes endpoint without its file)",
    "IAC112": "batch endpoint or deployment file (only online endpoints compile)",
    "IAC113": "unfilled placeholder ({{...}}, <...>, ..._place_holder) in a CLI v2 file",
    "IAC114": "iac-gen sidecar file (environments, ownership, ...) with no CLI v2 endpoint "
    "next to it, or restating a key",
    "IAC201": "invalid endpoint name",
    "IAC202": "invalid deployment name",
    "IAC203": "duplicate deployment name",
    "IAC204": "deployment's endpoint_name differs from its endpoint",
    "IAC205": "traffic neither empty, all 0, nor summing to 100",
    "IAC206": "traffic or mirror_traffic names an undeclared deployment",
    "IAC207": "traffic percentage outside 0-100",
    "IAC208": "mirror traffic to more than one deployment",
    "IAC209": "mirror traffic above 50 percent",
    "IAC210": "mirror traffic to a deployment that takes live traffic",
    "IAC211": "mirror traffic on a Kubernetes endpoint",
    "IAC212": "more than one user-assigned identity",
    "IAC213": "identity type inconsistent with the identities given",
    "IAC214": "managed deployment without instance_type",
    "IAC215": "instance_count missing (managed) or outside 1-50",
    "IAC216": "managed deployment with non-default scale_settings",
    "IAC217": "kubernetes deployment on a managed endpoint",
    "IAC218": "managed deployment on a Kubernetes endpoint",
    "IAC219": "Kubernetes endpoint without compute",
    "IAC220": "request_timeout_ms outside 1-180000 (managed) / 1-300000 (Kubernetes)",
    "IAC221": "probe value below 1",
    "IAC222": "liveness probe success_threshold other than 1",
    "IAC223": "more than 20 deployments",
    "IAC224": "environment overlay adds (or renames) a key the base spec lacks",
    "IAC225": "environment overlay names a deployment the base spec lacks",
    "IAC226": "local path (code, model, conda file, build context) is absolute",
    "IAC227": "local path does not exist, is not the kind required (folder or file), or "
    "cannot be used (NUL byte, over-long name)",
    "IAC228": "autoscale not min <= default <= max",
    "IAC229": "autoscale for an undeclared deployment",
    "IAC230": "autoscale schedule range or time window inconsistent",
    "IAC231": "lint suppression with an empty reason",
    "IAC232": "the same endpoint defined twice",
    "IAC233": "Kubernetes endpoint and deployment names longer than 62 characters together",
    # IAC235 (inline model or environment refused) is retired: inline assets compile now.
    "IAC236": "target value Azure refuses (subscription not a GUID, bad resource group, "
    "workspace or location name)",
    "IAC237": "local code folder without scoring_script",
    "IAC238": "workspace asset label (azureml:name@latest) or missing version",
    "IAC239": "user-assigned identity that is not an ARM id",
    "IAC240": "inline environment without image or build (or with both), or inline model "
    "without path",
    "IAC310": "a target option (--subscription, ...) differs from the spec's target",
    "IAC311": "--env names an environment the spec does not define",
    "IAC312": "a target option (--subscription, ...) holds a value Azure refuses",
    "IAC313": "SOURCE_DATE_EPOCH names a time after the year 9999",
    "IAC314": "--traffic / --mirror-traffic entry that is not NAME=PERCENT, or names a "
    "deployment twice",
    "IAC315": "--traffic / --mirror-traffic given for more than one endpoint",
    "IAC316": "rollout --from / --to names a deployment the spec does not declare",
    "IAC317": "rollout --steps not whole percentages that increase and end at 100",
    "IAC318": "rollout --from and --to name the same deployment",
    "IAC319": "rollout impossible for this spec: not one endpoint, neither deployment takes "
    "traffic, or --mirror-first where mirroring is not allowed (Kubernetes endpoint, --to "
    "takes live traffic, --mirror-percent outside 1..50)",
}

# Codes a fixture folder cannot show (a missing path, a 1 MiB file, an unreadable file, the
# SOURCE_DATE_EPOCH environment variable);
# unit tests cover them instead.
# --traffic / --mirror-traffic problems (IAC314, IAC315) come from options, not files.
# So do the rollout options (IAC316-319).
NOT_FROM_FIXTURES = frozenset(
    {"IAC001", "IAC002", "IAC013", "IAC313", "IAC314", "IAC315"}
    | {"IAC316", "IAC317", "IAC318", "IAC319"}
)
