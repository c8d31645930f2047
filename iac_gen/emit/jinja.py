"""One Jinja2 environment for every emitter, built once per process.

`StrictUndefined` turns a missing variable into an error instead of empty text; autoescape
is off because each output language has its own escaping filter (`arm`, `bicep`), and
every value reaches a template through one of them. Compiled templates are cached by the
environment, so compiling a thousand specs parses each template once.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2

from iac_gen.emit.values import (
    arm_json,
    arm_parameter_value,
    bicep_identifier,
    bicep_literal,
    bicep_string,
)
from iac_gen.resources import templates_dir


def plain_json(value: Any) -> str:
    """JSON text with no ARM escaping, for the fixed parts of a parameters file."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def parameter_json(value: Any) -> str:
    """JSON text of one parameter value (see `arm_parameter_value` for what is escaped)."""
    return json.dumps(arm_parameter_value(value), ensure_ascii=False, sort_keys=True)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.filters["arm"] = arm_json
    env.filters["bicep"] = bicep_literal
    env.filters["bicep_string"] = bicep_string
    env.filters["ident"] = bicep_identifier
    env.filters["json"] = plain_json
    env.filters["parameter"] = parameter_json
    return env


@cache
def template(name: str) -> jinja2.Template:
    return environment().get_template(name)
