"""Checks of end-user identity: how a Cognito user pool signs users in and who may join it."""

from __future__ import annotations

from collections.abc import Iterator

from wa_assist.review.checks.common import at
from wa_assist.review.registry import Hit, detection
from wa_assist.review.template import Template


@detection("WA9050")
def mfa_not_required(t: Template) -> Iterator[Hit]:
    for pool in t.of_type("AWS::Cognito::UserPool"):
        mfa = pool.props.get("MfaConfiguration", "OFF")
        if not isinstance(mfa, str):
            continue  # a condition or a parameter: decided at deploy time
        if mfa.upper() != "ON":
            where = ("MfaConfiguration",) if "MfaConfiguration" in pool.props else ()
            yield at(pool, *where, mfa=mfa.upper() if "MfaConfiguration" in pool.props else "OFF (the default)")


@detection("WA9051")
def open_sign_up(t: Template) -> Iterator[Hit]:
    for pool in t.of_type("AWS::Cognito::UserPool"):
        config = pool.props.get("AdminCreateUserConfig")
        value = config.get("AllowAdminCreateUserOnly", False) if isinstance(config, dict) else False
        if value is True or (isinstance(value, str) and value.lower() == "true"):
            continue
        if isinstance(value, (bool, str)):
            keys = ("AdminCreateUserConfig", "AllowAdminCreateUserOnly") if isinstance(config, dict) else ()
            yield at(pool, *keys)
