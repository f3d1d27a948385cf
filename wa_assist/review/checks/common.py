"""Shared views over functions, APIs and policies that several detections read."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wa_assist.review.registry import Hit
from wa_assist.review.template import Event, Loc, Resource, Template, as_list, get, ref_id

SAM_FN = "AWS::Serverless::Function"
RAW_FN = "AWS::Lambda::Function"
FUNCTIONS = (SAM_FN, RAW_FN)
SAM_SM = "AWS::Serverless::StateMachine"
RAW_SM = "AWS::StepFunctions::StateMachine"


def prop_path(r: Resource, *keys: Any) -> Loc:
    """Where the author wrote a property: on the resource, or in ``Globals`` when it is inherited."""
    if keys and keys[0] in r.inherited:
        return ("Globals", r.globals_section, *keys)
    return ("Resources", r.id, "Properties", *keys)


def at(r: Resource, *keys: Any, **fields: Any) -> Hit:
    """A hit on ``r``, pointing at the deepest of ``keys`` the author wrote (else at the resource)."""
    path: Loc = r.path
    if keys:
        path = prop_path(r, *keys)
    return Hit(r.id, path, {"resource": r.id, **fields})


def at_event(e: Event, **fields: Any) -> Hit:
    return Hit(e.function.id, e.path, {"resource": e.label, **fields})


def timeout(fn: Resource) -> int | None:
    value = fn.props.get("Timeout", 3)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def is_zip(fn: Resource) -> bool:
    return fn.props.get("PackageType", "Zip") != "Image"


def env_vars(fn: Resource) -> dict[str, Any]:
    value = get(fn.props, "Environment", "Variables", default={})
    return value if isinstance(value, dict) else {}


def statements(policy_document: Any) -> Iterator[dict[str, Any]]:
    for statement in as_list(get(policy_document, "Statement")):
        if isinstance(statement, dict):
            yield statement


def sam_policies(fn: Resource) -> list[Any]:
    """A SAM function's ``Policies`` (a managed policy name, a document, a policy template, or a list)."""
    if fn.type != SAM_FN:
        return []
    return as_list(fn.props.get("Policies"))


def sam_statements(fn: Resource) -> Iterator[dict[str, Any]]:
    """Inline statements of a SAM function's policies (not deployed when it names its own ``Role``)."""
    if fn.props.get("Role") is not None:
        return
    for policy in sam_policies(fn):
        if isinstance(policy, dict) and "Statement" in policy:
            yield from statements(policy)


def policy_templates(fn: Resource) -> Iterator[tuple[str, Any]]:
    """``(template name, parameters)`` of SAM policy templates such as ``DynamoDBCrudPolicy``."""
    if fn.props.get("Role") is not None:
        return
    for policy in sam_policies(fn):
        if isinstance(policy, dict) and "Statement" not in policy and len(policy) == 1:
            ((name, params),) = policy.items()
            if isinstance(name, str) and name.endswith("Policy"):
                yield name, params


def connected(t: Template, fn: Resource, permission: str = "Write") -> set[str]:
    """Resources a SAM connector lets ``fn`` reach with ``permission`` (embedded ``Connectors`` or a resource)."""
    found: set[str] = set()
    links: list[tuple[Any, Any]] = []
    embedded = fn.raw.get("Connectors")  # a resource attribute, beside Properties
    for conn in embedded.values() if isinstance(embedded, dict) else []:
        props = get(conn, "Properties", default={})
        links.append((props.get("Destination") if isinstance(props, dict) else None, get(props, "Permissions")))
    for conn in t.of_type("AWS::Serverless::Connector"):
        if get(conn.props, "Source", "Id") == fn.id:
            links.append((conn.props.get("Destination"), conn.props.get("Permissions")))
    for destination, permissions in links:
        if permission in as_list(permissions):
            found |= {d["Id"] for d in as_list(destination) if isinstance(d, dict) and isinstance(d.get("Id"), str)}
    return found


def expanded_statements(fn: Resource) -> tuple[list[dict[str, Any]], bool]:
    """A SAM function's inline statements plus its policy templates expanded as SAM expands them (the template
    definitions SAM ships, with the function's parameter values in place of their Refs), and whether every
    template could be expanded."""
    out = list(sam_statements(fn))
    complete = True
    for name, params in policy_templates(fn):
        definition = _policy_templates().get(name)
        values = params if isinstance(params, dict) else {}
        if not isinstance(definition, dict) or any(p not in values for p in definition.get("Parameters", {})):
            complete = False  # unknown to this SAM version, or missing parameters SAM would reject
            continue
        out.extend(statements(_with_parameters(definition.get("Definition"), values)))
    return out, complete


def _with_parameters(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("Ref"), str) and value["Ref"] in values:
            return values[value["Ref"]]
        return {k: _with_parameters(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_parameters(v, values) for v in value]
    return value


@functools.cache
def _policy_templates() -> dict[str, Any]:
    """SAM's policy template definitions, from the data aws-sam-translator ships (a JSON file, read once)."""
    try:
        from samtranslator import policy_templates_data
    except ImportError:  # pragma: no cover - a runtime dependency; without it templates stay unexpanded
        return {}
    try:
        data = json.loads(Path(policy_templates_data.POLICY_TEMPLATES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # pragma: no cover - a broken installation
        return {}
    templates = data.get("Templates") if isinstance(data, dict) else None
    return templates if isinstance(templates, dict) else {}


def actions(statement: dict[str, Any]) -> list[str]:
    return [a for a in as_list(statement.get("Action")) if isinstance(a, str)]


# --------------------------------------------------------------------------- APIs behind events


@dataclass
class Route:
    """One API route as SAM builds it from an event, with the API's effective settings."""

    event: Event
    kind: str  # "rest" or "http"
    api: Resource | None  # the explicit SAM API, or None for the implicit one
    api_props: dict[str, Any]

    @property
    def method(self) -> str:
        value = self.event.props.get("Method", "")
        return value.upper() if isinstance(value, str) else ""


def routes(t: Template) -> Iterator[Route]:
    owners = (SAM_FN, SAM_SM)
    for e in t.events("Api", "HttpApi", owners=owners):
        kind = "rest" if e.type == "Api" else "http"
        ref = e.props.get("RestApiId" if kind == "rest" else "ApiId")
        api = t.target(ref) if ref is not None else None
        if api is not None and api.type in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            yield Route(e, kind, api, api.props)
        elif ref is None:
            section = t.globals.get("Api" if kind == "rest" else "HttpApi")
            yield Route(e, kind, None, section if isinstance(section, dict) else {})


@dataclass
class ApiView:
    """An API's stage settings: an explicit SAM API, a raw stage, or the implicit API of a function's events."""

    resource: str
    path: Loc
    kind: str  # rest | http
    props: dict[str, Any]


def api_views(t: Template, raw_stages: bool = True) -> Iterator[ApiView]:
    if raw_stages:
        for r in t.of_type("AWS::ApiGateway::Stage"):
            yield ApiView(r.id, r.path, "rest", r.props)
        for r in t.of_type("AWS::ApiGatewayV2::Stage"):
            yield ApiView(r.id, r.path, "http", r.props)
    for r in t.of_type("AWS::Serverless::Api"):
        yield ApiView(r.id, r.path, "rest", r.props)
    for r in t.of_type("AWS::Serverless::HttpApi"):
        yield ApiView(r.id, r.path, "http", r.props)
    seen: set[tuple[str, str]] = set()
    for route in routes(t):
        if route.api is None and (route.event.function.id, route.kind) not in seen:
            seen.add((route.event.function.id, route.kind))
            yield ApiView(route.event.function.id, route.event.path, route.kind, route.api_props)


def api_hit(view: ApiView, **fields: Any) -> Hit:
    implicit = "ServerlessRestApi" if view.kind == "rest" else "ServerlessHttpApi"
    label = (
        view.resource if view.path == ("Resources", view.resource) else f"{implicit} (implicit, from {view.resource})"
    )
    return Hit(view.resource, view.path, {"resource": label, **fields})


def queue_of(t: Template, value: Any) -> Resource | None:
    r = t.target(value)
    return r if r is not None and r.type == "AWS::SQS::Queue" else None


def is_sqs_source(t: Template, value: Any) -> bool:
    if queue_of(t, value) is not None:
        return True
    return isinstance(value, str) and ":sqs:" in value


def dead_letter_targets(t: Template) -> set[str]:
    """Resources something uses as a dead-letter queue or failure destination."""
    from wa_assist.review.template import refs_in

    keys = {"RedrivePolicy", "DeadLetterQueue", "DeadLetterConfig", "OnFailure", "deadLetterTargetArn"}
    found: set[str] = set()
    stack: list[Any] = [r.props for r in t.resources.values()]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in keys:
                    found |= refs_in(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


__all__ = ["Hit", "ref_id"]


def deployment_hooks(t: Template) -> set[str]:
    """Functions that only run as part of a deployment: CodeDeploy's PreTraffic or PostTraffic hooks of
    another function's deployment, and the functions behind CloudFormation custom resources.

    A hook tests the new version before or after traffic moves: it invokes that version by design, it is
    invoked by CodeDeploy only during a deployment (a failure fails and rolls back the deployment, which
    CodeDeploy and CloudFormation report), and it cannot itself be deployed gradually (CodeDeploy calls it
    by name, and SAM does not allow hooks on a hook). A custom resource's function (its ``ServiceToken``,
    such as a schema migration) is called by CloudFormation once per stack operation, and its failure
    fails that operation, which CloudFormation reports and rolls back."""
    hooks: set[str] = set()
    for fn in t.of_type("AWS::Serverless::Function"):
        found = get(fn.props, "DeploymentPreference", "Hooks")
        if isinstance(found, dict):
            for key in ("PreTraffic", "PostTraffic"):
                target = ref_id(found.get(key))
                if target:
                    hooks.add(target)
    for resource in t.resources.values():
        if resource.type == "AWS::CloudFormation::CustomResource" or resource.type.startswith("Custom::"):
            token = ref_id(resource.props.get("ServiceToken"))
            if token:  # `!GetAtt Fn.Arn`, or `!Ref Fn.Alias` for the alias SAM publishes
                hooks.add(token.split(".", 1)[0])
    return hooks


def secret_rotation_functions(t: Template) -> set[str]:
    """Functions Secrets Manager calls to rotate a secret (a RotationSchedule's ``RotationLambdaARN``).

    Secrets Manager invokes one a few times per rotation, on a schedule, never on a request's path: it
    cannot open a burst of connections, has no traffic to shift gradually, and changes a database user's
    password as the master user by design. Its failures still need alarms: nothing else reports them."""
    found: set[str] = set()
    for schedule in t.of_type("AWS::SecretsManager::RotationSchedule"):
        target = ref_id(schedule.props.get("RotationLambdaARN"))
        if target:
            found.add(target.split(".", 1)[0])
    return found


def off_request_path(t: Template) -> set[str]:
    """Functions that never serve a request: deployment hooks and secret rotation functions. They run a
    few times per deployment or rotation, so they open no burst of connections and have no traffic to
    shift gradually; the migrations and the rotation work as the master user by design."""
    return deployment_hooks(t) | secret_rotation_functions(t)
