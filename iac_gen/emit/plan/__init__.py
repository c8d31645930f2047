"""The deployment plan both emitters render: parameters, and resources in deployment order.

Built from the desired state (never from raw YAML). Concrete values become expressions only
where a deployment needs them to vary: the workspace and location, values an environment
overlay changes (each a parameter whose default is the base value), ids of resources in the
same resource group (`resourceId(...)` so a different workspace parameter still works) and
values the desired state cannot know (where a local folder was uploaded: a required parameter).

Local code folders and model paths become asset versions the template registers before the
deployments that use them (`iac_gen.desired.asset_versions`). The switch for teams that
register assets themselves is a deploy-time parameter, not a compile option, so one template
serves both: `<deployment>CodeId` / `<deployment>ModelId` default to empty, and the deployment
then uses the registered version; a caller who passes an id gets that id deployed, and the
asset version is skipped (a condition) unless another deployment still needs it.

The modules, in the order `build.build_plan` uses them: `environments` (each environment's
name and state), `parameters` (which values become parameters: names, defaults, help),
`expressions` (concrete values -> ARM/Bicep expressions), `ordering` (the resources in
deployment order, with the traffic step and its `endpointExists` condition), and `paths`
(reading and writing paths into plain JSON bodies). Importers use this package's names.
"""

from iac_gen.emit.plan.build import Plan, build_plan
from iac_gen.emit.plan.ordering import (
    ASSET_VERSION_TYPES,
    CREATE_ENDPOINT,
    TEMPLATE_SCHEMA,
    Resource,
)
from iac_gen.emit.plan.parameters import (
    ENDPOINT_EXISTS_PARAM,
    LOCATION_PARAM,
    MIRROR_TRAFFIC,
    TRAFFIC,
    WORKSPACE_PARAM,
    Parameter,
    traffic_paths,
)
from iac_gen.vocabulary import WORKSPACE_TYPE

__all__ = [
    "ASSET_VERSION_TYPES",
    "CREATE_ENDPOINT",
    "ENDPOINT_EXISTS_PARAM",
    "LOCATION_PARAM",
    "MIRROR_TRAFFIC",
    "TEMPLATE_SCHEMA",
    "TRAFFIC",
    "WORKSPACE_PARAM",
    "WORKSPACE_TYPE",
    "Parameter",
    "Plan",
    "Resource",
    "build_plan",
    "traffic_paths",
]
