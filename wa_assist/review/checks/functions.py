"""Checks of Lambda functions: tracing, logs, configuration, permissions, secrets, deployment."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from wa_assist.review.checks.common import (
    FUNCTIONS,
    RAW_FN,
    SAM_FN,
    actions,
    at,
    at_event,
    connected,
    deployment_hooks,
    env_vars,
    expanded_statements,
    is_zip,
    off_request_path,
    prop_path,
    routes,
    sam_policies,
    sam_statements,
    statements,
    timeout,
)
from wa_assist.review.registry import Hit, detection
from wa_assist.review.template import Resource, Template, as_list, get, ref_id, refs_in


def _fns(t: Template) -> Iterator[Resource]:
    return t.of_type(*FUNCTIONS)


@detection("WA1000")
def lambda_tracing(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        if fn.type == SAM_FN:
            if fn.props.get("Tracing") != "Active":
                yield at(fn, "Tracing") if "Tracing" in fn.props else at(fn)
        elif get(fn.props, "TracingConfig", "Mode") != "Active":
            yield at(fn, "TracingConfig") if "TracingConfig" in fn.props else at(fn)


_EVENT_PRINCIPALS = {
    "Api": "apigateway.amazonaws.com",
    "HttpApi": "apigateway.amazonaws.com",
    "CloudWatchEvent": "events.amazonaws.com",
    "EventBridgeRule": "events.amazonaws.com",
    "Schedule": "events.amazonaws.com",
    "IoTRule": "iot.amazonaws.com",
    "S3": "s3.amazonaws.com",
    "SNS": "sns.amazonaws.com",
    "CloudWatchLogs": "logs.amazonaws.com",
    "AlexaSkill": "alexa-appkit.amazon.com",
    "Cognito": "cognito-idp.amazonaws.com",
}


@detection("WA1002")
def permission_principals(t: Template) -> Iterator[Hit]:
    principals: dict[str, set[str]] = {}
    for perm in t.of_type("AWS::Lambda::Permission"):
        principal = perm.props.get("Principal")
        target = ref_id(perm.props.get("FunctionName"))
        if target and isinstance(principal, str):
            principals.setdefault(target, set()).add(principal)
    for e in t.events(*_EVENT_PRINCIPALS):
        principals.setdefault(e.function.id, set()).add(_EVENT_PRINCIPALS[e.type])
    for rid, found in principals.items():
        fn = t.resources.get(rid)
        if fn is not None and fn.type in FUNCTIONS and len(found) > 1:
            yield at(fn, principals=", ".join(sorted(found)))


def _has_star(names: list[str]) -> bool:
    return any(a == "*" or a.endswith(":*") for a in names)


@detection("WA1003")
def star_actions(t: Template) -> Iterator[Hit]:
    for role in t.of_type("AWS::IAM::Role"):
        services: list[Any] = []
        for st in statements(role.props.get("AssumeRolePolicyDocument")):
            services += as_list(get(st, "Principal", "Service"))
        if "lambda.amazonaws.com" not in services:
            continue
        for i, policy in enumerate(as_list(role.props.get("Policies"))):
            if any(_has_star(actions(st)) for st in statements(get(policy, "PolicyDocument"))):
                yield at(role, "Policies", i)
                break
    for fn in t.of_type(SAM_FN):
        if any(_has_star(actions(st)) for st in sam_statements(fn)):
            yield at(fn, "Policies")


def _log_groups(t: Template) -> tuple[set[str], set[str], set[str]]:
    """Log groups with retention: (their logical ids, function ids their names reference, literal names)."""
    ids: set[str] = set()
    refs: set[str] = set()
    names: set[str] = set()
    for lg in t.of_type("AWS::Logs::LogGroup"):
        if lg.props.get("RetentionInDays") is None:
            continue
        ids.add(lg.id)
        name = lg.props.get("LogGroupName")
        refs |= refs_in(name)
        if isinstance(name, str):
            names.add(name)
    return ids, refs, names


def _sub_pattern(value: Any) -> str | None:
    """The pattern of ``!Sub "..."`` (without variables), so two Subs can be compared."""
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        return str(value["Fn::Sub"])
    return None


@detection("WA1004")
def log_retention(t: Template) -> Iterator[Hit]:
    ids, refs, names = _log_groups(t)
    patterns = {
        _sub_pattern(lg.props.get("LogGroupName"))
        for lg in t.of_type("AWS::Logs::LogGroup")
        if lg.props.get("RetentionInDays") is not None
    }
    for fn in _fns(t):
        if fn.id in refs:
            continue
        name = fn.props.get("FunctionName")
        if isinstance(name, str) and f"/aws/lambda/{name}" in names:
            continue
        if _sub_pattern(name) is not None and f"/aws/lambda/{_sub_pattern(name)}" in patterns:
            continue
        group = get(fn.props, "LoggingConfig", "LogGroup")
        if group is not None and (refs_in(group) & ids or (isinstance(group, str) and group in names)):
            continue
        yield at(fn, subject="Function", where=" on a log group in the template")
    for lg in t.of_type("AWS::Logs::LogGroup"):  # API access logs, state machine logs, any other group
        if lg.props.get("RetentionInDays") is None:
            yield at(lg, subject="Log group", where="")


@detection("WA1005")
def memory_size(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        if fn.props.get("MemorySize") is None:
            yield at(fn)


@detection("WA1006")
def explicit_timeout(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        if fn.props.get("Timeout") is None:
            yield at(fn)


_ASYNC_EVENTS = ("CloudWatchEvent", "EventBridgeRule", "IoTRule", "S3", "Schedule", "SNS", "CloudWatchLogs")
_ASYNC_PRINCIPALS = ("events.amazonaws.com", "iot.amazonaws.com", "s3.amazonaws.com", "sns.amazonaws.com")


def _has_failure_destination(config: Any) -> bool:
    on_failure = get(config, "DestinationConfig", "OnFailure")
    return isinstance(on_failure, dict) and (
        on_failure.get("Destination") is not None or on_failure.get("Type") in ("SQS", "SNS")
    )


@detection("WA1007")
def async_destination(t: Template) -> Iterator[Hit]:
    configured: set[str] = set()
    for eic in t.of_type("AWS::Lambda::EventInvokeConfig"):
        if _has_failure_destination(eic.props):
            target = ref_id(eic.props.get("FunctionName"))
            configured.add(target or json.dumps(eic.props.get("FunctionName"), sort_keys=True))
    for perm in t.of_type("AWS::Lambda::Permission"):
        principal = perm.props.get("Principal")
        if not isinstance(principal, str) or principal.removesuffix(".cn") not in _ASYNC_PRINCIPALS:
            continue
        fname = perm.props.get("FunctionName")
        if not fname:
            continue
        key = ref_id(fname) or json.dumps(fname, sort_keys=True)
        fn = t.resources.get(key)
        if key in configured or (fn is not None and _has_failure_destination(fn.props.get("EventInvokeConfig"))):
            continue
        yield at(perm)
    for e in t.events(*_ASYNC_EVENTS):
        if not _has_failure_destination(e.function.props.get("EventInvokeConfig")) and e.function.id not in configured:
            yield at_event(e)


# --------------------------------------------------------------------------- secrets and permissions

_SECRET_NAME = re.compile(r"(pass(word|wd)?|secret|token|api_?key|private_?key|credential)", re.I)
_NOT_A_SECRET = re.compile(r"(_arn|_name|_id|_url|_uri|_path|_ttl|_header|_table|_param(eter)?)$", re.I)


def _secret_value(t: Template, name: str, value: Any) -> str | None:
    text = json.dumps(value)
    if "{{resolve:secretsmanager:" in text or "{{resolve:ssm-secure:" in text:
        return "a dynamic reference that resolves the secret at deploy time"
    target = ref_id(value)
    params = t.data.get("Parameters") if isinstance(t.data.get("Parameters"), dict) else {}
    for pid in refs_in(value):
        if get(params, pid, "NoEcho") in (True, "true", "True"):
            return f"the NoEcho parameter {pid}"
    literal = (
        target is None and isinstance(value, str) and len(value) >= 6 and not value.startswith(("arn:", "/", "{{"))
    )
    if literal and _SECRET_NAME.search(name) and not _NOT_A_SECRET.search(name):
        return "a literal value"
    return None


@detection("WA9004")
def secret_in_environment(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        for name, value in env_vars(fn).items():
            how = _secret_value(t, str(name), value)
            if how:
                yield at(fn, "Environment", "Variables", name, variable=name, how=how)


_STAR_OK = re.compile(
    r"^(xray:Put\w+|xray:Get\w+|cloudwatch:PutMetricData|logs:\w+|ec2:(Create|Describe|Delete)NetworkInterfaces?|"
    r"ec2:Describe\w+|\w+:(Get|List|Describe)\w*|ssm:GetParameters?)$"
)
_MANAGED_TOO_BROAD = re.compile(r"(FullAccess|AdministratorAccess|PowerUserAccess)$")


@detection("WA9005")
def wildcard_resources(t: Template) -> Iterator[Hit]:
    for fn in t.of_type(SAM_FN):
        if fn.props.get("Role") is not None:
            continue
        for i, policy in enumerate(sam_policies(fn)):
            keys = ("Policies", i) if isinstance(fn.props.get("Policies"), list) else ("Policies",)
            if isinstance(policy, str) and _MANAGED_TOO_BROAD.search(policy):
                yield at(fn, *keys, what=f"the managed policy {policy}")
            elif isinstance(policy, dict) and "Statement" in policy:
                for st in statements(policy):
                    if st.get("Effect", "Allow") != "Allow" or "*" not in as_list(st.get("Resource")):
                        continue
                    broad = [a for a in actions(st) if not _STAR_OK.match(a)]
                    if broad:
                        yield at(fn, *keys, what=f"{', '.join(broad[:3])} on every resource (Resource: '*')")
            elif isinstance(policy, dict) and len(policy) == 1:
                ((name, params),) = policy.items()
                if isinstance(params, dict) and "*" in params.values():
                    yield at(fn, *keys, what=f"the policy template {name} with '*'")


@detection("WA9006")
def shared_role(t: Template) -> Iterator[Hit]:
    users: dict[str, list[Resource]] = {}
    for fn in _fns(t):
        role = fn.props.get("Role")
        if role is not None:
            users.setdefault(json.dumps(role, sort_keys=True), []).append(fn)
    for fns in users.values():
        if len(fns) > 1:
            for fn in fns:
                others = ", ".join(o.id for o in fns if o is not fn)
                yield at(fn, "Role", others=others)


@detection("WA9007")
def code_signing(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        if is_zip(fn) and fn.props.get("CodeSigningConfigArn") is None:
            yield at(fn)


@detection("WA9010")
def function_url_auth(t: Template) -> Iterator[Hit]:
    for fn in t.of_type(SAM_FN):
        if get(fn.props, "FunctionUrlConfig", "AuthType") == "NONE":
            yield at(fn, "FunctionUrlConfig", "AuthType")
    for url in t.of_type("AWS::Lambda::Url"):
        if url.props.get("AuthType") == "NONE":
            yield at(url, "AuthType")


@detection("WA9011")
def api_timeout(t: Template) -> Iterator[Hit]:
    seen: set[str] = set()
    for route in routes(t):
        fn = route.event.function
        if fn.type != SAM_FN or fn.id in seen:
            continue
        limit_ms = route.event.props.get("TimeoutInMillis")
        limit = limit_ms / 1000 if isinstance(limit_ms, int) else (29 if route.kind == "rest" else 30)
        value = timeout(fn)
        if value is not None and value > limit:
            seen.add(fn.id)
            keys = ("Timeout",) if "Timeout" in fn.props else ()
            yield at(fn, *keys, timeout=value, limit=f"{limit:g}", api=route.kind.upper())


_FRAGILE = (
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBProxy",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::DocDB::DBCluster",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::Redshift::Cluster",
)


@detection("WA9015")
def concurrency_cap(t: Template) -> Iterator[Hit]:
    # runs once per deployment or rotation: it cannot open a burst of connections
    hooks = off_request_path(t)
    for fn in _fns(t):
        if fn.props.get("ReservedConcurrentExecutions") is not None or fn.id in hooks:
            continue
        capped = any(
            get(e.props, "ScalingConfig", "MaximumConcurrency") is not None for e in t.events("SQS") if e.function is fn
        ) or any(  # an event source mapping written out, on the function or its alias (`!Ref Fn.Alias`)
            get(m.props, "ScalingConfig", "MaximumConcurrency") is not None
            and fn.id in {ref.split(".")[0] for ref in refs_in(m.props.get("FunctionName"))}
            for m in t.of_type("AWS::Lambda::EventSourceMapping")
        )
        if capped:
            continue
        backends = sorted(rid for rid in refs_in(fn.props) if rid in t.resources and t.resources[rid].type in _FRAGILE)
        if backends:
            yield at(fn, backend=f"the {t.resources[backends[0]].type.split('::')[1]} resource {backends[0]}")
        elif fn.props.get("VpcConfig") is not None:
            yield at(fn, "VpcConfig", backend="resources in its VPC")


_WRITES = {"S3": ("s3:PutObject",), "SQS": ("sqs:SendMessage",), "SNS": ("sns:Publish",)}


def _grants(action: str, wanted: str) -> bool:
    """Whether the IAM action pattern ``action`` (``s3:*``, ``sqs:SendMessage*``) covers ``wanted``."""
    return re.fullmatch(re.escape(action).replace(r"\*", ".*"), wanted, re.I) is not None


_SOURCE_PROP = {"S3": "Bucket", "SQS": "Queue", "SNS": "Topic"}


def _writes_to(t: Template, fn: Resource, kind: str, target: str) -> bool:
    if target in connected(t, fn, "Write"):
        return True
    for st in expanded_statements(fn)[0]:
        writes = any(_grants(a, w) for a in actions(st) for w in _WRITES[kind])
        if st.get("Effect", "Allow") == "Allow" and writes and target in refs_in(st.get("Resource")):
            return True
    return False


@detection("WA9016")
def recursion(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        if fn.props.get("RecursiveLoop") == "Allow":
            yield at(fn, "RecursiveLoop", source="its RecursiveLoop setting, which turns off loop detection")
    for e in t.events("S3", "SQS", "SNS"):
        target = ref_id(e.props.get(_SOURCE_PROP[e.type]))
        if not target or not _writes_to(t, e.function, e.type, target):
            continue
        if e.type == "S3" and get(e.props, "Filter", "S3Key", "Rules"):
            continue  # a prefix or suffix filter is how writes are kept out of the trigger
        yield at_event(e, source=f"the {e.type} resource {target}, which it also writes to")


@detection("WA9022")
def lambda_chaining(t: Template) -> Iterator[Hit]:
    hooks = deployment_hooks(t)  # a deployment hook invokes the version it tests; that is its job
    for fn in t.of_type(SAM_FN):
        if fn.props.get("DurableConfig") is not None or fn.id in hooks:
            continue
        others = {r.id for r in _fns(t) if r is not fn}
        called: set[str] = set()
        called |= connected(t, fn, "Write") & others
        for st in expanded_statements(fn)[0]:
            if any(_grants(a, "lambda:InvokeFunction") for a in actions(st)):
                called |= refs_in(st.get("Resource")) & others
        if called:
            yield at(fn, "Policies", callee=", ".join(sorted(called)))


@detection("WA9023")
def long_synchronous(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        value = timeout(fn)
        if value is not None and value >= 600:
            keys = ("Timeout",) if "Timeout" in fn.props else ()
            yield at(fn, *keys, timeout=value)


_ALARMED_METRICS = ("Errors", "Throttles")
_STREAMS = ("AWS::Kinesis::Stream", "AWS::Kinesis::StreamConsumer", "AWS::DynamoDB::Table")


def _alarm_metrics(alarm: Resource) -> Iterator[tuple[str, set[str]]]:
    """(metric name, resources its dimensions name) of an alarm on one metric or on metric math."""
    props = alarm.props
    if isinstance(props.get("MetricName"), str):
        yield props["MetricName"], refs_in(props.get("Dimensions"))
    for query in as_list(props.get("Metrics")):
        metric = get(query, "MetricStat", "Metric") if isinstance(query, dict) else None
        if isinstance(metric, dict) and isinstance(metric.get("MetricName"), str):
            yield metric["MetricName"], refs_in(metric.get("Dimensions"))


@detection("WA9024")
def function_alarms(t: Template) -> Iterator[Hit]:
    covered: dict[str, set[str]] = {}
    aggregated: set[str] = set()
    for alarm in t.of_type("AWS::CloudWatch::Alarm"):
        for metric, refs in _alarm_metrics(alarm):
            if alarm.props.get("Namespace", "AWS/Lambda") == "AWS/Lambda" and not refs and metric in _ALARMED_METRICS:
                aggregated.add(metric)  # an account-wide alarm covers every function
            for rid in refs:
                covered.setdefault(rid, set()).add(metric)
    hooks = deployment_hooks(t)  # a failing hook fails the deployment it belongs to, which is reported
    stream_mappings = {
        str(ref_id(esm.props.get("FunctionName"))).split(".", 1)[0]
        for esm in t.of_type("AWS::Lambda::EventSourceMapping")
        if getattr(t.target(esm.props.get("EventSourceArn")), "type", None) in _STREAMS
    }
    for fn in _fns(t):
        if fn.id in hooks:
            continue
        # a stream consumer that falls behind fails silently: its IteratorAge grows while Errors stays at zero
        stream = any(e.function is fn for e in t.events("Kinesis", "DynamoDB")) or fn.id in stream_mappings
        wanted = (*_ALARMED_METRICS, "IteratorAge") if stream else _ALARMED_METRICS
        missing = [m for m in wanted if m not in covered.get(fn.id, set()) | aggregated]
        if missing:
            yield at(fn, missing=" and ".join(missing))


_POWERTOOLS = ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_LOGGER_LOG_EVENT")


@detection("WA9025")
def structured_logs(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        env = env_vars(fn)
        level = (
            get(fn.props, "LoggingConfig", "ApplicationLogLevel")
            or env.get("LOG_LEVEL")
            or env.get("POWERTOOLS_LOG_LEVEL")
        )
        if isinstance(level, str) and level.upper() in ("DEBUG", "TRACE"):
            yield at(fn, problem=f"logs at level {level.upper()}, which writes (and bills) every detail in production")
        elif get(fn.props, "LoggingConfig", "LogFormat") != "JSON" and not any(k in env for k in _POWERTOOLS):
            yield at(fn, problem="writes plain-text logs (no LoggingConfig.LogFormat: JSON, no Powertools logger)")


@detection("WA9040")
def logged_events(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        value = env_vars(fn).get("POWERTOOLS_LOGGER_LOG_EVENT")
        if str(value).lower() == "true" or value is True:
            yield at(fn)


@detection("WA9026")
def safe_deployment(t: Template) -> Iterator[Hit]:
    # CodeDeploy invokes a hook by name during another function's deployment; Secrets Manager a rotation function
    hooks = off_request_path(t)
    for fn in t.of_type(SAM_FN):
        preference = fn.props.get("DeploymentPreference")
        if fn.id in hooks or fn.props.get("AutoPublishAlias") is None or not isinstance(preference, dict):
            continue  # without an alias or a preference there is nothing to roll back: WA9039
        if str(preference.get("Type", "")).startswith("AllAtOnce"):
            yield at(fn, "DeploymentPreference", "Type", problem="deploys AllAtOnce")


@detection("WA9039")
def rollback(t: Template) -> Iterator[Hit]:
    hooks = off_request_path(t)  # no traffic to shift back
    for fn in t.of_type(SAM_FN):
        if fn.id in hooks:
            continue
        preference = fn.props.get("DeploymentPreference")
        if fn.props.get("AutoPublishAlias") is None:
            yield at(fn, problem="has no AutoPublishAlias: no version is published, so there is none to go back to")
        elif not isinstance(preference, dict) or get(preference, "Enabled") is False:
            yield at(
                fn,
                "AutoPublishAlias",
                problem="publishes an alias but has no DeploymentPreference, so no alarm rolls a release back",
            )
        elif not preference.get("Alarms"):
            yield at(fn, "DeploymentPreference", problem="has a DeploymentPreference with no Alarms to roll back on")


_NAMED = {
    "AWS::Serverless::Function": "FunctionName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Serverless::SimpleTable": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Serverless::StateMachine": "Name",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Events::EventBus": "Name",
    "AWS::Events::Rule": "Name",
    "AWS::Scheduler::Schedule": "Name",
    "AWS::Kinesis::Stream": "Name",
    "AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
    "AWS::SecretsManager::Secret": "Name",
}
# SAM event sources that create a named resource: (event type, the name property). A ScheduleV2 event
# without a Name is named after the owner and the event, the same in every stack.
_EVENT_NAMES = {"ScheduleV2": "Name", "Schedule": "Name", "EventBridgeRule": "RuleName"}
_SCOPED = re.compile(r"\$\{(AWS::StackName|AWS::StackId)\}")


def _fixed_name(value: Any, t: Template) -> str | None:
    """The name if it is the same in every stack: a plain string, or a ``!Sub`` of parameters (a stage) only."""
    if isinstance(value, str):
        return value or None
    sub = value.get("Fn::Sub") if isinstance(value, dict) and len(value) == 1 else None
    if not isinstance(sub, str) or _SCOPED.search(sub):
        return None
    variables = re.findall(r"\$\{([^}!]+)\}", sub)
    if any(v.split(".")[0] in t.resources for v in variables):
        return None  # built from another resource's generated name or id
    return re.sub(r"\$\{([^}!]+)\}", r"<\1>", sub)


@detection("WA9028")
def hard_coded_names(t: Template) -> Iterator[Hit]:
    for r in t.of_type(*_NAMED):
        name = _fixed_name(r.props.get(_NAMED[r.type]), t)
        if name:
            yield at(r, _NAMED[r.type], prop=_NAMED[r.type], name=name)
    for e in t.events(*_EVENT_NAMES, owners=("AWS::Serverless::Function", "AWS::Serverless::StateMachine")):
        prop = _EVENT_NAMES[e.type]
        if prop not in e.props:
            if e.type == "ScheduleV2":
                yield at_event(e, prop=f"schedule {prop} (SAM's default)", name=f"{e.function.id}{e.name}")
            continue
        name = _fixed_name(e.props[prop], t)
        if name:
            yield at_event(e, prop=f"event {prop}", name=name)


_INTERPRETED = ("python", "nodejs", "ruby")


@detection("WA9029")
def arm64(t: Template) -> Iterator[Hit]:
    for fn in _fns(t):
        runtime = fn.props.get("Runtime")
        if not is_zip(fn) or not isinstance(runtime, str) or not runtime.startswith(_INTERPRETED):
            continue
        if "arm64" not in as_list(fn.props.get("Architectures")):
            keys = ("Architectures",) if "Architectures" in fn.props else ()
            yield at(fn, *keys, runtime=runtime)


_PASS_THROUGH = re.compile(
    r"^(sqs:SendMessage\*?|sqs:SendMessageBatch|sqs:GetQueue(Url|Attributes)|sns:Publish|events:PutEvents|"
    r"dynamodb:(PutItem|UpdateItem|BatchWriteItem|DescribeTable)|states:Start(Sync)?Execution|"
    r"kinesis:PutRecords?|firehose:PutRecord(Batch)?)$"
)


_SERVICE_NAMES = {
    "sqs": "SQS",
    "sns": "SNS",
    "events": "EventBridge",
    "dynamodb": "DynamoDB",
    "states": "Step Functions",
    "kinesis": "Kinesis",
    "firehose": "Firehose",
}


@detection("WA9032")
def pass_through(t: Template) -> Iterator[Hit]:
    fronted = {route.event.function.id for route in routes(t)}
    for fn in t.of_type(SAM_FN):
        if fn.id not in fronted or fn.props.get("Role") is not None:
            continue
        policies = sam_policies(fn)
        found, complete = expanded_statements(fn)
        granted = [a for st in found for a in actions(st)]
        if not policies or not complete or any(isinstance(p, str) for p in policies) or not granted:
            continue
        if all(_PASS_THROUGH.match(a) for a in granted):
            services = sorted({_SERVICE_NAMES.get(a.split(":")[0], a.split(":")[0]) for a in granted})
            yield at(fn, "Policies", policies="call " + " and ".join(services))


@detection("WA9033")
def vpc_endpoints(t: Template) -> Iterator[Hit]:
    if not any(True for _ in t.of_type("AWS::EC2::NatGateway")) or any(
        True for _ in t.of_type("AWS::EC2::VPCEndpoint")
    ):
        return
    for fn in t.of_type(SAM_FN):
        if fn.props.get("VpcConfig") is None:
            continue
        granted = [a for st in expanded_statements(fn)[0] for a in actions(st)]
        if any(a.lower().startswith(("s3:", "dynamodb:", "sqs:")) for a in granted):
            yield at(fn, "VpcConfig")


@detection("WA9036")
def cold_start(t: Template) -> Iterator[Hit]:
    fronted = {route.event.function.id for route in routes(t)}
    for fn in _fns(t):
        runtime = fn.props.get("Runtime")
        if fn.id not in fronted or not isinstance(runtime, str) or not runtime.startswith(("java", "dotnet")):
            continue
        if get(fn.props, "SnapStart", "ApplyOn") == "PublishedVersions" or fn.props.get("ProvisionedConcurrencyConfig"):
            continue
        yield at(fn, runtime=runtime)


__all__ = ["RAW_FN", "prop_path"]
