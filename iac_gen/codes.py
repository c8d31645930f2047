"""The diagnostic catalogue: every IAC code any command can print, in one place.

One entry per code: its stage (where in a run it can surface), the modules that raise it
(dotted, under `iac_gen`) and its meaning. Codes are stable: never reuse one; a code that
is no longer raised moves to `RETIRED` with the reason. `tests/test_code_catalogue.py`
walks the source and fails when a raised code is missing here, when a listed one is raised
nowhere, or when `raised_by` does not name exactly the modules that raise it.

Adding a code: one line in `CODES` (keep the numeric order), in the range of its stage.

One meaning per code, also where two stages look alike. "The same endpoint twice":
- IAC232 (every command that reads specs): one endpoint - same subscription, resource group,
  workspace and name - declared by two specs;
- IAC321 (compile only): endpoints of one name (in any letter case) in *different* targets,
  which compile would write to one output folder `DIR/<endpoint>/` (one folder on macOS and
  Windows when the names differ only in case); `validate` does not know the output layout;
- IAC430 (drift only): one endpoint - the same subscription, resource group, workspace and
  name - given to the drift engine twice by specs built in code (loading files refuses it
  first, as IAC232). Workspaces of one name in other subscriptions are other endpoints.

`validate` runs every check on a spec that `compile` runs (tests/compile/
test_validate_implies_compile.py): IAC320 (an incomplete target), IAC321 (output folders)
and IAC322 (an environment name the schema already refuses, IAC107) are compile's guards for
command-line choices and for specs built in code.
"""

from __future__ import annotations

from typing import NamedTuple

# Where a code can surface, in the order a run meets them.
STAGES: dict[str, str] = {
    "read": "reading a spec file (IAC0xx)",
    "shape": "the spec's shape: JSON Schema, CLI v2 file grouping (IAC1xx)",
    "meaning": "the spec's meaning: names, traffic, identity, scale, overlays (IAC2xx)",
    "output": "writing output files (IAC301-303)",
    "options": "command-line options and settings against the spec (IAC31x)",
    "compile": "compile's own checks: target, output folders, parameters files (IAC32x)",
    "export": "export options and the bundle (IAC33x)",
    "usage": "the command line itself (IAC34x)",
    "lint": "lint options (IAC35x)",
    "settings": "configuration files (IAC36x)",
    "live": "live input: --live files, export bundles, import (IAC41x)",
    "waivers": "waivers files (IAC42x)",
    "drift": "drift's matching (IAC43x)",
    "whatif": "ARM what-if input (IAC44x)",
    "report": "saved results read back by `report` (IAC50x)",
}


class Code(NamedTuple):
    """One catalogue entry."""

    stage: str
    raised_by: str  # space-separated modules under iac_gen, e.g. "spec.load spec.discover"
    meaning: str


CODES: dict[str, Code] = {
    "IAC001": Code("read", "spec.discover", "a SPEC argument names no file or folder"),
    "IAC002": Code("read", "spec.yaml_source", "file larger than 1 MiB"),
    "IAC003": Code(
        "read", "spec.yaml_source", "file is not UTF-8 (position of the first bad byte)"
    ),
    "IAC004": Code("read", "spec.yaml_source", "YAML syntax error"),
    "IAC005": Code("read", "spec.yaml_source", "duplicate mapping key"),
    "IAC006": Code(
        "read", "spec.yaml_source", "more than 100 000 values after alias expansion (alias bomb)"
    ),
    "IAC007": Code("read", "spec.load", "empty file (no YAML document)"),
    "IAC008": Code("read", "spec.load", "several YAML documents where one is expected"),
    "IAC009": Code("read", "spec.yaml_source", "nesting deeper than 64 levels"),
    "IAC010": Code(
        "read", "spec.yaml_source", "unsupported YAML tag, bad merge key or bad tagged scalar"
    ),
    "IAC011": Code(
        "read", "spec.yaml_source", "alias to an undefined (or not yet finished, recursive) anchor"
    ),
    "IAC012": Code(
        "read", "spec.discover spec.load", "no spec files found (empty folder or no endpoint)"
    ),
    "IAC013": Code("read", "spec.yaml_source", "file cannot be read"),
    "IAC014": Code("read", "spec.yaml_source", "mapping key that is not plain text"),
    "IAC015": Code(
        "read", "spec.yaml_source", "number that is NaN or infinite (.nan, .inf, 1.0e+400)"
    ),
    "IAC101": Code("shape", "spec.load", "top level is not a mapping"),
    "IAC102": Code("shape", "spec.schema_check", "unknown key (with 'did you mean')"),
    "IAC103": Code("shape", "spec.schema_check", "wrong value type"),
    "IAC104": Code("shape", "spec.schema_check", "required key missing"),
    "IAC105": Code("shape", "spec.schema_check", "value not among the allowed values"),
    "IAC106": Code("shape", "spec.schema_check", "number outside its allowed range"),
    "IAC107": Code("shape", "spec.schema_check", "text not in the expected form"),
    "IAC108": Code(
        "shape",
        "spec.schema_check",
        "other schema violation (e.g. empty list where one item is needed)",
    ),
    "IAC110": Code("shape", "spec.cliv2", "several CLI v2 endpoint files in one folder"),
    "IAC111": Code(
        "shape",
        "spec.cliv2",
        "CLI v2 deployment file whose endpoint cannot be implied (no endpoint_name, several "
        "endpoint files of that name, or a Kubernetes endpoint without its file)",
    ),
    "IAC112": Code(
        "shape", "spec.load", "batch endpoint or deployment file (only online endpoints compile)"
    ),
    "IAC113": Code(
        "shape",
        "spec.load",
        "unfilled placeholder ({{...}}, <...>, ..._place_holder) in a CLI v2 file",
    ),
    "IAC114": Code(
        "shape",
        "spec.cliv2",
        "iac-gen sidecar file (environments, ownership, ...) with no CLI v2 endpoint next to it, "
        "or restating a key",
    ),
    "IAC201": Code("meaning", "spec.semantics", "invalid endpoint name"),
    "IAC202": Code("meaning", "spec.semantics", "invalid deployment name"),
    "IAC203": Code("meaning", "spec.semantics", "duplicate deployment name"),
    "IAC204": Code(
        "meaning", "spec.semantics", "deployment's endpoint_name differs from its endpoint"
    ),
    "IAC205": Code("meaning", "spec.semantics", "traffic neither empty, all 0, nor summing to 100"),
    "IAC206": Code(
        "meaning", "spec.semantics", "traffic or mirror_traffic names an undeclared deployment"
    ),
    "IAC207": Code("meaning", "spec.semantics", "traffic percentage outside 0-100"),
    "IAC208": Code("meaning", "spec.semantics", "mirror traffic to more than one deployment"),
    "IAC209": Code("meaning", "spec.semantics", "mirror traffic above 50 percent"),
    "IAC210": Code(
        "meaning", "spec.semantics", "mirror traffic to a deployment that takes live traffic"
    ),
    "IAC211": Code("meaning", "spec.semantics", "mirror traffic on a Kubernetes endpoint"),
    "IAC212": Code("meaning", "spec.semantics", "more than one user-assigned identity"),
    "IAC213": Code(
        "meaning", "spec.semantics", "identity type inconsistent with the identities given"
    ),
    "IAC214": Code("meaning", "spec.semantics", "managed deployment without instance_type"),
    "IAC215": Code("meaning", "spec.semantics", "instance_count missing (managed) or outside 1-50"),
    "IAC216": Code(
        "meaning", "spec.semantics", "managed deployment with non-default scale_settings"
    ),
    "IAC217": Code("meaning", "spec.semantics", "kubernetes deployment on a managed endpoint"),
    "IAC218": Code("meaning", "spec.semantics", "managed deployment on a Kubernetes endpoint"),
    "IAC219": Code("meaning", "spec.cliv2", "Kubernetes endpoint without compute"),
    "IAC220": Code(
        "meaning",
        "spec.semantics",
        "request_timeout_ms outside 1-180000 (managed) / 1-300000 (Kubernetes)",
    ),
    "IAC221": Code("meaning", "spec.semantics", "probe value below 1"),
    "IAC222": Code("meaning", "spec.semantics", "liveness probe success_threshold other than 1"),
    "IAC223": Code("meaning", "spec.semantics", "more than 20 deployments"),
    "IAC224": Code(
        "meaning", "spec.overlay", "environment overlay adds (or renames) a key the base spec lacks"
    ),
    "IAC225": Code(
        "meaning", "spec.overlay", "environment overlay names a deployment the base spec lacks"
    ),
    "IAC226": Code(
        "meaning",
        "spec.semantics",
        "local path (code, model, conda file, build context) is absolute",
    ),
    "IAC227": Code(
        "meaning",
        "desired.environments desired.local_assets spec.semantics",
        "local path does not exist, is not the kind required (folder or file), or cannot be used "
        "(NUL byte, over-long name; at compile and drift: it holds a named pipe, a device, a "
        "link to nothing or a link back into itself, which azure-ai-ml cannot upload)",
    ),
    "IAC228": Code("meaning", "spec.semantics", "autoscale not min <= default <= max"),
    "IAC229": Code("meaning", "spec.semantics", "autoscale for an undeclared deployment"),
    "IAC230": Code(
        "meaning", "spec.semantics", "autoscale schedule range or time window inconsistent"
    ),
    "IAC231": Code("meaning", "spec.semantics", "lint suppression with an empty reason"),
    "IAC232": Code(
        "meaning",
        "spec.load",
        "the same endpoint (subscription, resource group, workspace and name, compared as Azure "
        "compares them: ignoring case) defined twice",
    ),
    "IAC233": Code(
        "meaning",
        "spec.semantics",
        "Kubernetes endpoint and deployment names longer than 62 characters together",
    ),
    "IAC236": Code(
        "meaning",
        "spec.check",
        "target value Azure refuses (subscription not a GUID, bad resource group, workspace or "
        "location name)",
    ),
    "IAC237": Code("meaning", "spec.semantics", "local code folder without scoring_script"),
    "IAC238": Code(
        "meaning",
        "spec.semantics",
        "workspace asset label (azureml:name@latest) or missing version",
    ),
    "IAC239": Code("meaning", "spec.semantics", "user-assigned identity that is not an ARM id"),
    "IAC240": Code(
        "meaning",
        "spec.semantics",
        "inline environment without image or build (or with both), or inline model without path",
    ),
    "IAC301": Code("output", "output_files", "an output path escapes the output folder"),
    "IAC302": Code(
        "output",
        "output_files",
        "an output folder or file cannot be made (a file where a folder is needed, or the reverse)",
    ),
    "IAC303": Code("output", "output_files", "writing an output file failed"),
    "IAC310": Code(
        "options",
        "spec.load",
        "a target option (--subscription, ...) differs from the spec's target",
    ),
    "IAC311": Code(
        "options", "spec.overlay", "--env names an environment the spec does not define"
    ),
    "IAC312": Code(
        "options", "spec.load", "a target option (--subscription, ...) holds a value Azure refuses"
    ),
    "IAC313": Code("options", "provenance", "SOURCE_DATE_EPOCH names a time after the year 9999"),
    "IAC314": Code(
        "options",
        "spec.load",
        "--traffic / --mirror-traffic entry that is not NAME=PERCENT, or names a deployment twice",
    ),
    "IAC315": Code(
        "options", "spec.load", "--traffic / --mirror-traffic given for more than one endpoint"
    ),
    "IAC316": Code(
        "options",
        "plan.rollout",
        "rollout --from / --to names a deployment the spec does not declare",
    ),
    "IAC317": Code(
        "options",
        "plan.rollout",
        "rollout --steps not whole percentages that increase and end at 100",
    ),
    "IAC318": Code("options", "plan.rollout", "rollout --from and --to name the same deployment"),
    "IAC319": Code(
        "options",
        "cli.rollout plan.rollout",
        "rollout impossible for this spec: not one endpoint, neither deployment takes traffic, or "
        "--mirror-first where mirroring is not allowed (Kubernetes endpoint, --to takes live "
        "traffic, --mirror-percent outside 1..50)",
    ),
    "IAC320": Code(
        "compile",
        "desired",
        "the target is incomplete (no subscription, resource group, workspace or location from "
        "the spec, options or settings) for a command that needs it",
    ),
    "IAC321": Code(
        "compile",
        "emit.compile",
        "two endpoints of one name (in any letter case) in different targets: their output "
        "folders `DIR/<endpoint>/` would be the same",
    ),
    "IAC322": Code(
        "compile", "emit.plan.environments", "environment name that cannot name a parameters file"
    ),
    "IAC323": Code(
        "compile",
        "cli.assets cli.compile cli.import_cmd",
        "unknown --target or --format value of compile, import or assets",
    ),
    "IAC330": Code(
        "export",
        "cli.export",
        "export options that do not go together (--graph with a workspace, several subscriptions "
        "without --graph, a missing target part)",
    ),
    "IAC331": Code("export", "cli.export", "--arm-endpoint is not an https URL (or loopback http)"),
    "IAC332": Code(
        "export", "cli.export", "an export option that is not a valid ARM name or id part"
    ),
    "IAC333": Code(
        "export", "cli.export", "export bundle larger than drift can read; nothing written (exit 3)"
    ),
    "IAC334": Code(
        "export",
        "cli.export",
        "--shard is not K/N with 1 <= K <= N (or is given without --graph)",
    ),
    "IAC340": Code("usage", "cli.app", "unknown command or option, or an argument too many"),
    "IAC341": Code(
        "usage", "cli.app", "a required argument or option, or an option's value, is missing"
    ),
    "IAC342": Code(
        "usage",
        "cli.app",
        "an option value is not allowed (not a choice, not a number, out of range)",
    ),
    "IAC343": Code(
        "usage",
        "cli.drift",
        "several --format values without --report: only one format can go to stdout",
    ),
    "IAC350": Code("lint", "rules.runner", "--select / --ignore names no lint rule"),
    "IAC360": Code(
        "settings", "config", "configuration file is not valid TOML (or cannot be read)"
    ),
    "IAC361": Code("settings", "config", "unknown setting in the configuration file"),
    "IAC362": Code(
        "settings", "config", "a setting has the wrong type or a value that is not allowed"
    ),
    "IAC410": Code("live", "live.load", "live input cannot be read (missing, a folder)"),
    "IAC411": Code("live", "live.load", "live input is not UTF-8"),
    "IAC412": Code("live", "live.load", "live input larger than the limit"),
    "IAC413": Code(
        "live",
        "live.load",
        "live input is not acceptable JSON (strict: no NaN, duplicate keys, deep nesting)",
    ),
    "IAC414": Code("live", "live.load", "live input of no known shape"),
    "IAC415": Code(
        "live",
        "live.readers.cliv2 live.readers.common live.shapes",
        "a bad item in the live input (not an object, no id or type, twice, a value that breaks "
        "the shape rules)",
    ),
    "IAC416": Code(
        "live",
        "live.readers.bundle",
        "export bundle that breaks its schema, a digest that does not match, or inconsistent parts",
    ),
    "IAC417": Code("live", "live.readers.cliv2", "a live item whose ARM id cannot be built"),
    "IAC418": Code(
        "live", "cli.import_cmd", "import --endpoint names no endpoint in the live input"
    ),
    "IAC420": Code(
        "waivers", "drift.waivers", "waivers file cannot be read (size, encoding, YAML)"
    ),
    "IAC421": Code("waivers", "drift.waivers", "waivers file breaks its schema"),
    "IAC422": Code("waivers", "drift.waivers", "duplicate key in the waivers file"),
    "IAC423": Code("waivers", "drift.waivers", "duplicate waiver id"),
    "IAC424": Code(
        "waivers",
        "drift.waivers",
        "a blanket waiver (`*` resource and `*` field): a warning, accepted",
    ),
    "IAC430": Code(
        "drift",
        "drift.match",
        "one endpoint (subscription, resource group, workspace and name) given to drift twice "
        "by specs built in code; loading spec files refuses it first (IAC232)",
    ),
    "IAC440": Code(
        "whatif",
        "cli.whatif plan.whatif",
        "whatif input is not ARM what-if output (unreadable, not JSON, no changes)",
    ),
    "IAC441": Code(
        "whatif", "plan.whatif", "what-if did not succeed (status other than Succeeded)"
    ),
    "IAC501": Code(
        "report",
        "report.load",
        "report input cannot be read (missing, not UTF-8, not strict JSON, too deep)",
    ),
    "IAC502": Code("report", "report.load", "report input is not a (valid) drift or lint result"),
    "IAC503": Code(
        "report",
        "cli.report",
        "a lint result in a format that renders only drift results",
    ),
    "IAC504": Code(
        "report", "report.load", "a drift result whose status or summary contradicts its content"
    ),
    "IAC510": Code(
        "report", "report.merge", "merge input that is not a shard's drift result (no shard)"
    ),
    "IAC511": Code(
        "report",
        "report.merge",
        "merge inputs that are not one complete set of shards (N differs, K twice, K missing)",
    ),
    "IAC512": Code(
        "report",
        "report.merge",
        "shards that judged different designs (spec or waivers files, environment, fail_on)",
    ),
    "IAC513": Code(
        "report",
        "report.merge",
        "shards judged by another iac-gen or normalisation version than the merge",
    ),
    "IAC514": Code("report", "report.merge", "shards that overlap (one resource in two shards)"),
    "IAC515": Code(
        "report",
        "report.merge",
        "a shard result that does not match the sha256 its manifest.json records",
    ),
}

# Codes no longer raised, with why; never given a new meaning.
RETIRED: dict[str, str] = {
    "IAC235": "inline model or environment refused: inline assets compile now",
}

# Codes a fixture folder cannot show (a missing path, a 1 MiB file, an unreadable file, the
# SOURCE_DATE_EPOCH environment variable, --traffic / --mirror-traffic and rollout options);
# unit tests cover them instead.
NOT_FROM_FIXTURES = frozenset(
    {"IAC001", "IAC002", "IAC013", "IAC313", "IAC314", "IAC315"}
    | {"IAC316", "IAC317", "IAC318", "IAC319"}
)


def meaning(code: str) -> str:
    """The catalogue's meaning of `code` (KeyError for a code that is not listed)."""
    return CODES[code].meaning


def of_stage(*stages: str) -> dict[str, str]:
    """Code -> meaning for the codes of the given stages, in code order."""
    return {code: entry.meaning for code, entry in CODES.items() if entry.stage in stages}
