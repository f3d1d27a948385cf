"""Checks of API Gateway and AppSync APIs: logs, tracing, throttling, authorization, validation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from wa_assist.review.checks.common import ApiView, Route, api_hit, api_views, at, at_event, routes
from wa_assist.review.registry import Hit, detection
from wa_assist.review.template import Template, as_list, get, mapping, ref_id, refs_in


def _log_settings(view: ApiView) -> Any:
    return view.props.get("AccessLogSetting" if view.kind == "rest" else "AccessLogSettings")


@detection("WA2000")
def access_logs(t: Template) -> Iterator[Hit]:
    for view in api_views(t):
        settings = _log_settings(view)
        if not isinstance(settings, dict) or settings.get("DestinationArn") is None:
            yield api_hit(view)


_CONTEXT = re.compile(r"\$context\.[a-zA-Z.]+")


@detection("WA2001")
def structured_access_logs(t: Template) -> Iterator[Hit]:
    for view in api_views(t):
        fmt = get(_log_settings(view), "Format")
        if not isinstance(fmt, str):
            continue
        text = fmt.strip()
        if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
            text = text[1:-1]
        try:
            json.loads(_CONTEXT.sub("0", text))
        except ValueError:
            yield api_hit(view)


@detection("WA2002")
def rest_tracing(t: Template) -> Iterator[Hit]:
    for view in api_views(t):
        if view.kind == "rest" and not view.props.get("TracingEnabled", False):
            yield api_hit(view)


@detection("WA2003")
def default_throttling(t: Template) -> Iterator[Hit]:
    for view in api_views(t):
        if view.kind == "rest":
            defaults = [
                ms
                for ms in as_list(view.props.get("MethodSettings"))
                if isinstance(ms, dict) and ms.get("HttpMethod") == "*" and ms.get("ResourcePath") == "/*"
            ] or [{}]
            settings = defaults[0]
        else:
            settings = mapping(view.props.get("DefaultRouteSettings"))
        if "ThrottlingBurstLimit" not in settings or "ThrottlingRateLimit" not in settings:
            yield api_hit(view, where="MethodSettings" if view.kind == "rest" else "DefaultRouteSettings")


@detection("WA3000")
def appsync_tracing(t: Template) -> Iterator[Hit]:
    for api in t.of_type("AWS::AppSync::GraphQLApi", "AWS::Serverless::GraphQLApi"):
        if not api.props.get("XrayEnabled", False):
            yield at(api, "XrayEnabled") if "XrayEnabled" in api.props else at(api)


# --------------------------------------------------------------------------- authorization


def _auth(route: Route) -> tuple[bool, bool]:
    """(an API key is required, some real mechanism protects the route)."""
    api_auth = get(route.api_props, "Auth", default={})
    event_auth = get(route.event.props, "Auth", default={})
    api_auth = api_auth if isinstance(api_auth, dict) else {}
    event_auth = event_auth if isinstance(event_auth, dict) else {}
    api_key = event_auth.get("ApiKeyRequired", api_auth.get("ApiKeyRequired", False)) is True
    authorizer = event_auth.get("Authorizer", api_auth.get("DefaultAuthorizer"))
    if route.kind == "http" and authorizer is None and route.api is None:
        authorizer = None
    protected = authorizer not in (None, "NONE")
    if api_auth.get("ResourcePolicy") or event_auth.get("ResourcePolicy"):
        protected = True
    if (
        get(route.api_props, "EndpointConfiguration", "Type") == "PRIVATE"
        or route.api_props.get("EndpointConfiguration") == "PRIVATE"
    ):
        protected = True
    if get(route.api_props, "Domain", "MutualTlsAuthentication") is not None:
        protected = True
    if route.api is not None and _openapi_auth(route.api_props):
        protected = True
    if route.event.props.get("Auth", {}) and get(event_auth, "InvokeRole") is not None and authorizer == "AWS_IAM":
        protected = True
    return api_key, protected


_OPENAPI_AUTH = ('"security"', "x-amazon-apigateway-authorizer", "x-amazon-apigateway-auth", '"securitySchemes"')


def _openapi_auth(api_props: dict[str, Any]) -> bool:
    """The API's own OpenAPI definition may carry its authorization: a file we do not read, or security blocks."""
    if api_props.get("DefinitionUri") is not None:
        return True
    body = api_props.get("DefinitionBody")
    return body is not None and any(marker in json.dumps(body) for marker in _OPENAPI_AUTH)


def _raw_method_auth(t: Template, method: Any) -> tuple[bool, bool]:
    props = method.props
    api = t.target(props.get("RestApiId"))
    api_props = api.props if api is not None else {}
    protected = props.get("AuthorizationType", "NONE") not in ("NONE", None)
    if api_props.get("Policy") or "PRIVATE" in json.dumps(api_props.get("EndpointConfiguration", {})):
        protected = True
    return props.get("ApiKeyRequired") is True, protected


def _appsync_api_key_only(api: Any) -> bool:
    if api.type == "AWS::AppSync::GraphQLApi":
        return api.props.get("AuthenticationType") == "API_KEY" and not api.props.get(
            "AdditionalAuthenticationProviders"
        )
    auth = api.props.get("Auth")
    return isinstance(auth, dict) and auth.get("Type") == "API_KEY" and not auth.get("Additional")


@detection("WA9001")
def api_key_only(t: Template) -> Iterator[Hit]:
    for route in routes(t):
        api_key, protected = _auth(route)
        if api_key and not protected and route.method != "OPTIONS":
            yield at_event(route.event)
    for method in t.of_type("AWS::ApiGateway::Method"):
        api_key, protected = _raw_method_auth(t, method)
        if api_key and not protected:
            yield at(method, "ApiKeyRequired", event=method.id)
    for api in t.of_type("AWS::AppSync::GraphQLApi", "AWS::Serverless::GraphQLApi"):
        if _appsync_api_key_only(api):
            yield at(api, "AuthenticationType" if "AuthenticationType" in api.props else "Auth", event="GraphQL")


@detection("WA9002")
def no_authorization(t: Template) -> Iterator[Hit]:
    for route in routes(t):
        api_key, protected = _auth(route)
        if not api_key and not protected and route.method != "OPTIONS":
            yield at_event(route.event, route=f"{route.method or 'ANY'} {route.event.props.get('Path', '/')}")
    for method in t.of_type("AWS::ApiGateway::Method"):
        api_key, protected = _raw_method_auth(t, method)
        if not api_key and not protected and method.props.get("HttpMethod") != "OPTIONS":
            yield at(method, "AuthorizationType", route=f"{method.props.get('HttpMethod', 'ANY')} (method {method.id})")
    for r in t.of_type("AWS::ApiGatewayV2::Route"):
        key = r.props.get("RouteKey")
        if r.props.get("AuthorizationType", "NONE") == "NONE" and not (
            isinstance(key, str) and key.startswith("OPTIONS")
        ):
            yield at(r, route=f"{key} (route {r.id})")


_CREDENTIAL = re.compile(r"(token|key|password|passwd|secret|auth|credential|signature|session)", re.I)


def _query_names(value: Any) -> list[str]:
    names = []
    for item in as_list(value):
        text = item if isinstance(item, str) else json.dumps(item)
        for m in re.finditer(r"(?:method\.request|\$request|route\.request)\.querystring\.([A-Za-z0-9_\-]+)", text):
            names.append(m.group(1))
    return names


@detection("WA9003")
def credentials_in_query(t: Template) -> Iterator[Hit]:
    for r in t.of_type("AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Authorizer"):
        names = _query_names(r.props.get("IdentitySource"))
        if names:
            yield at(r, "IdentitySource", where=f"the authorizer's identity source (query string '{names[0]}')")
    for api in t.of_type("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
        authorizers = get(api.props, "Auth", "Authorizers", default={})
        for name, conf in authorizers.items() if isinstance(authorizers, dict) else []:
            qs = get(conf, "Identity", "QueryStrings")
            if qs:
                yield at(api, "Auth", "Authorizers", name, where=f"authorizer {name} (query string '{as_list(qs)[0]}')")
    for route in routes(t):
        for param in as_list(route.event.props.get("RequestParameters")):
            key = param if isinstance(param, str) else (next(iter(param)) if isinstance(param, dict) and param else "")
            names = [n for n in _query_names(key) if _CREDENTIAL.search(n)]
            if names:
                yield at_event(route.event, where=f"request parameter '{names[0]}'")
    for api in t.of_type("AWS::Serverless::Api", "AWS::ApiGateway::RestApi"):
        body = api.props.get("DefinitionBody") or api.props.get("Body")
        schemes = get(body, "components", "securitySchemes") or get(body, "securityDefinitions") or {}
        for name, scheme in schemes.items() if isinstance(schemes, dict) else []:
            if isinstance(scheme, dict) and scheme.get("type") == "apiKey" and scheme.get("in") == "query":
                yield at(api, where=f"the OpenAPI security scheme {name} (in: query)")


_BODY_METHODS = ("POST", "PUT", "PATCH")


@detection("WA9008")
def request_validation(t: Template) -> Iterator[Hit]:
    for route in routes(t):
        if route.kind != "rest" or route.method not in (*_BODY_METHODS, "ANY"):
            continue
        if route.api is not None and (
            "x-amazon-apigateway-request-validator" in json.dumps(route.api.props.get("DefinitionBody", {}))
            or route.api.props.get("DefinitionUri") is not None
        ):
            continue
        model = route.event.props.get("RequestModel")
        if not isinstance(model, dict) or model.get("ValidateBody") is False or model.get("Model") is None:
            yield at_event(route.event, route=f"{route.method} {route.event.props.get('Path', '/')}")
    for method in t.of_type("AWS::ApiGateway::Method"):
        if method.props.get("HttpMethod") in _BODY_METHODS and method.props.get("RequestValidatorId") is None:
            yield at(method, route=f"{method.props.get('HttpMethod')} (method {method.id})", event=method.id)


@detection("WA9009")
def data_trace(t: Template) -> Iterator[Hit]:
    for view in api_views(t):
        for i, ms in enumerate(as_list(view.props.get("MethodSettings"))):
            if isinstance(ms, dict) and ms.get("DataTraceEnabled") is True:
                path = (*view.path, "Properties", "MethodSettings", i, "DataTraceEnabled")
                if view.path != ("Resources", view.resource):
                    path = view.path
                yield Hit(view.resource, path, {"resource": view.resource})
                break


@detection("WA9017")
def usage_plans(t: Template) -> Iterator[Hit]:
    for plan in t.of_type("AWS::ApiGateway::UsagePlan"):
        if plan.props.get("Throttle") is None and plan.props.get("Quota") is None:
            yield at(plan, what="usage plan has neither Throttle nor Quota")
    for api in t.of_type("AWS::Serverless::Api"):
        plan = get(api.props, "Auth", "UsagePlan")
        creates = isinstance(plan, dict) and plan.get("CreateUsagePlan") not in (None, "NONE")
        if creates and plan.get("Throttle") is None and plan.get("Quota") is None:
            yield at(api, "Auth", "UsagePlan", what="usage plan has neither Throttle nor Quota")
    keyed = set()
    for upk in t.of_type("AWS::ApiGateway::UsagePlanKey"):
        keyed |= refs_in(upk.props.get("KeyId"))
    for key in t.of_type("AWS::ApiGateway::ApiKey"):
        if key.id not in keyed:
            yield at(key, what="API key is in no usage plan, so nothing limits its calls")


@detection("WA9034")
def compression(t: Template) -> Iterator[Hit]:
    for api in t.of_type("AWS::Serverless::Api", "AWS::ApiGateway::RestApi"):
        if api.props.get("MinimumCompressionSize") is None:
            yield at(api)
    implicit = [r for r in routes(t) if r.kind == "rest" and r.api is None]
    if implicit and implicit[0].api_props.get("MinimumCompressionSize") is None:
        yield at_event(implicit[0].event, resource=f"{implicit[0].event.function.id} (implicit API)")


@detection("WA9035")
def edge_behind_cloudfront(t: Template) -> Iterator[Hit]:
    origins: set[str] = set()
    for dist in t.of_type("AWS::CloudFront::Distribution"):
        for origin in as_list(get(dist.props, "DistributionConfig", "Origins")):
            origins |= refs_in(get(origin, "DomainName"))
    for api in t.of_type("AWS::Serverless::Api", "AWS::ApiGateway::RestApi"):
        endpoint = api.props.get("EndpointConfiguration")
        kind = (
            endpoint
            if isinstance(endpoint, str)
            else get(endpoint, "Type", default=get(endpoint, "Types", 0, default="EDGE"))
        )
        if api.id in origins and kind == "EDGE":
            yield at(api)
    if "ServerlessRestApi" in origins and ref_id({"Ref": "ServerlessRestApi"}):
        implicit = [r for r in routes(t) if r.kind == "rest" and r.api is None]
        endpoint = implicit[0].api_props.get("EndpointConfiguration") if implicit else None
        if implicit and (endpoint is None or endpoint == "EDGE" or get(endpoint, "Type") == "EDGE"):
            yield at_event(implicit[0].event, resource=f"{implicit[0].event.function.id} (implicit API)")
