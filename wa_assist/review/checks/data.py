"""Checks of data stores: DynamoDB capacity and expiry, who holds a relational database's master credentials."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from wa_assist.review.checks.common import (
    FUNCTIONS,
    actions,
    at,
    env_vars,
    expanded_statements,
    off_request_path,
)
from wa_assist.review.registry import Hit, detection
from wa_assist.review.template import Resource, Template, as_list, get, ref_id, refs_in


@detection("WA9030")
def provisioned_without_scaling(t: Template) -> Iterator[Hit]:
    scaled: set[str] = set()
    for target in t.of_type("AWS::ApplicationAutoScaling::ScalableTarget"):
        scaled |= refs_in(target.props.get("ResourceId"))
    for table in t.of_type("AWS::DynamoDB::Table"):
        if table.props.get("BillingMode", "PROVISIONED") == "PROVISIONED" and table.id not in scaled:
            keys = ("BillingMode",) if "BillingMode" in table.props else ("ProvisionedThroughput",)
            yield at(table, *keys)
    for table in t.of_type("AWS::Serverless::SimpleTable"):
        if table.props.get("ProvisionedThroughput") is not None and table.id not in scaled:
            yield at(table, "ProvisionedThroughput")


_EPHEMERAL = re.compile(r"(connection|session|idempot|cache|lock|token|otp|nonce)", re.I)


@detection("WA9037")
def ephemeral_ttl(t: Template) -> Iterator[Hit]:
    for table in t.of_type("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"):
        name = table.props.get("TableName")
        label = table.id + (name if isinstance(name, str) else "")
        if not _EPHEMERAL.search(label):
            continue
        if get(table.props, "TimeToLiveSpecification", "Enabled") is not True:
            yield at(table, kind=_EPHEMERAL.search(label).group(1).lower())  # type: ignore[union-attr]


_DATABASES = ("AWS::RDS::DBCluster", "AWS::RDS::DBInstance")
_RESOLVED_SECRET = re.compile(r"\{\{resolve:secretsmanager:\$\{([A-Za-z0-9]+)")


def _master_secret_refs(value: Any, databases: set[str], secrets: dict[str, str]) -> str | None:
    """The database whose master secret ``value`` names: RDS's managed one (``!GetAtt Db.MasterUserSecret``)
    or the secret resource its ``MasterUserPassword`` resolves."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            getatt = item.get("Fn::GetAtt")
            getatt = getatt.split(".", 1) if isinstance(getatt, str) else getatt
            if (
                isinstance(getatt, list)
                and len(getatt) == 2
                and getatt[0] in databases
                and str(getatt[1]).startswith("MasterUserSecret")
            ):
                return str(getatt[0])
            pattern = item.get("Fn::Sub")
            pattern = pattern[0] if isinstance(pattern, list) and pattern else pattern
            for db in re.findall(r"\$\{([A-Za-z0-9]+)\.MasterUserSecret", pattern if isinstance(pattern, str) else ""):
                if db in databases:
                    return str(db)
            named = refs_in(item) & secrets.keys() if item.keys() & {"Ref", "Fn::GetAtt", "Fn::Sub"} else set()
            if named:
                return secrets[min(named)]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _master_secrets(t: Template) -> dict[str, str]:
    """Secret resources that hold a database's master password (secret id -> database id)."""
    found = {}
    for db in t.of_type(*_DATABASES):
        password = db.props.get("MasterUserPassword")
        pattern = get(password, "Fn::Sub")
        pattern = pattern[0] if isinstance(pattern, list) and pattern else pattern
        for secret in _RESOLVED_SECRET.findall(pattern if isinstance(pattern, str) else ""):
            found[secret.split(".", 1)[0]] = db.id
    return found


def _master_use(t: Template, fn: Resource) -> tuple[tuple[Any, ...], str, str] | None:
    """Where ``fn`` gets a database's master credentials: (property path, database, how)."""
    databases = {db.id for db in t.of_type(*_DATABASES)}
    secrets = _master_secrets(t)
    for name, value in env_vars(fn).items():
        db = _master_secret_refs(value, databases, secrets)
        if db:
            return ("Environment", "Variables", name), db, f"its secret in environment variable {name}"
    masters = {
        str(db.props["MasterUsername"]): db.id
        for db in t.of_type(*_DATABASES)
        if isinstance(db.props.get("MasterUsername"), str)
    }
    statements, _ = expanded_statements(fn)
    for statement in statements:
        if statement.get("Effect", "Allow") != "Allow":
            continue
        granted = [a.lower() for a in actions(statement)]
        resources = as_list(statement.get("Resource"))
        if any(a in ("secretsmanager:getsecretvalue", "secretsmanager:*", "*") for a in granted):
            db = _master_secret_refs(resources, databases, secrets)
            if db:
                return ("Policies",), db, "read access to its secret"
        if any(a in ("rds-db:connect", "rds-db:*", "*") for a in granted):
            text = json.dumps(resources, default=str)
            for user, db in masters.items():
                if re.search(rf"dbuser:[^\"]*/{re.escape(user)}\"", text):
                    return ("Policies",), db, f"rds-db:connect as the master user {user}"
    return None


@detection("WA9041")
def master_credentials(t: Template) -> Iterator[Hit]:
    # a custom resource (schema migrations) and a password rotation are where the master user belongs
    hooks = off_request_path(t)
    for fn in t.of_type(*FUNCTIONS):
        if fn.id in hooks:
            continue
        use = _master_use(t, fn)
        if use:
            keys, db, how = use
            yield at(fn, *keys, database=db, how=how)


def _database_secrets(t: Template) -> dict[str, str]:
    """Secrets that hold a database user's password (secret id -> how it is one): an RDS Proxy logs in with
    it, a target attachment binds it to a database, or its generated value is an RDS-style credential."""
    secrets = {s.id for s in t.of_type("AWS::SecretsManager::Secret")}
    found: dict[str, str] = {}
    for proxy in t.of_type("AWS::RDS::DBProxy"):
        for auth in as_list(proxy.props.get("Auth")):
            secret = ref_id(get(auth, "SecretArn"))
            if secret is not None and secret in secrets:
                found.setdefault(secret, f"RDS Proxy {proxy.id} logs in with it")
    for attachment in t.of_type("AWS::SecretsManager::SecretTargetAttachment"):
        secret = ref_id(attachment.props.get("SecretId"))
        if secret is not None and secret in secrets:
            found.setdefault(secret, "it is attached to a database")
    for resource in t.of_type("AWS::SecretsManager::Secret"):
        template = get(resource.props, "GenerateSecretString", "SecretStringTemplate")
        if isinstance(template, str) and '"username"' in template:
            found.setdefault(resource.id, "a generated username and password")
    return found


@detection("WA9052")
def database_secret_not_rotated(t: Template) -> Iterator[Hit]:
    rotated = {ref_id(r.props.get("SecretId")) for r in t.of_type("AWS::SecretsManager::RotationSchedule")}
    for secret, why in sorted(_database_secrets(t).items()):
        if secret not in rotated:
            yield at(t.resources[secret], why=why)
