"""What `sam deploy` and `sam sync` are told for each environment: every parameter a stack needs, every time.

`sam deploy` reuses a stack's previous value for a parameter it is not given, so an environment that leaves
one out inherits whatever the last deployment set (a bootstrap's CodeSigningPolicy=Warn would stay for good),
and a first deployment without a value for a parameter that has no default fails.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tests.generation.answers import default_answers
from wa_assist.review.template import load
from wa_assist.scaffold import render

# (profile, decisions): the template's answers without the engine, so code signing is decided here.
PROFILES = {
    "alexa-signed": ({"scenario": "alexa-skill", "sensitive_data": True}, {"code_signing": True}),
    "rest-mtls-signed": ({"scenario": "rest-api", "auth": "mtls", "sensitive_data": True}, {"code_signing": True}),
    "web-mtls": ({"scenario": "web-app", "auth": "mtls"}, {}),
    "events-plain": ({"scenario": "event-driven"}, {}),
}


@pytest.fixture(scope="module", params=sorted(PROFILES))
def project(request, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp(request.param) / "svc"
    profile, decisions = PROFILES[request.param]
    render(dest, default_answers(profile, decisions))
    return dest


def _parameters(project: Path) -> dict[str, dict]:
    return dict(load(project / "template.yaml").data.get("Parameters", {}))


def _overrides(text: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in text.split())


def _environments(project: Path) -> dict[str, dict[str, str]]:
    config = tomllib.loads((project / "samconfig.toml").read_text(encoding="utf-8"))
    return {
        env: _overrides(sections["deploy"]["parameters"]["parameter_overrides"])
        for env, sections in config.items()
        if isinstance(sections, dict) and "deploy" in sections
    }


def _check(parameters: dict[str, dict], given: dict[str, str], *, signed: bool) -> list[str]:
    problems = [f"unknown parameter {name}" for name in given if name not in parameters]
    problems += [
        f"{name} has no default and no value"
        for name, p in parameters.items()
        if "Default" not in p and name not in given
    ]
    if "CodeSigningPolicy" in parameters:
        want = "Enforce" if signed else "Warn"
        if given.get("CodeSigningPolicy") != want:
            problems.append(f"CodeSigningPolicy is {given.get('CodeSigningPolicy')!r}, not {want!r}")
    for name, value in given.items():
        allowed = parameters.get(name, {}).get("AllowedValues")
        if allowed and value not in allowed:
            problems.append(f"{name}={value} is not one of {allowed}")
    return problems


def test_every_environment_passes_every_parameter_it_needs(project):
    parameters = _parameters(project)
    environments = _environments(project)
    assert {"default", "dev", "prod"} <= set(environments)
    assert ("CodeSigningPolicy" in parameters) == project.parent.name.startswith(("alexa-signed", "rest-mtls-signed"))
    problems = {
        env: _check(parameters, given, signed=not env.endswith("-bootstrap")) for env, given in environments.items()
    }
    assert {env: p for env, p in problems.items() if p} == {}


def test_placeholders_cannot_be_deployed_by_mistake(project):
    # A value the user must replace fails the parameter's own pattern, so CloudFormation refuses it.
    parameters = _parameters(project)
    for env, given in _environments(project).items():
        for name, value in given.items():
            pattern = parameters[name].get("AllowedPattern")
            if pattern and re.search(r"\b[A-Z]+(-[A-Z]+)*-ID\b", value):
                assert not re.fullmatch(pattern, value), f"{env}: {name}={value} passes {pattern}"


def test_a_temporary_stack_is_given_every_parameter_and_runs_unsigned_code(project):
    readme = (project / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith("sam sync "))
    given = _overrides(line.split("--parameter-overrides", 1)[1])
    # `sam sync` cannot sign packages: a code-signed stack takes them only with CodeSigningPolicy=Warn.
    assert _check(_parameters(project), given, signed=False) == []


def test_a_skill_deployment_rolls_back_on_the_failures_it_apologises_for(tmp_path):
    # The skill answers errors with speech, so Lambda's Errors metric never sees them: the canary must
    # watch the skill's own failure metric as well, or a release that fails every request is promoted.
    render(tmp_path / "skill", default_answers({"scenario": "alexa-skill"}))
    template = load(tmp_path / "skill" / "template.yaml")
    skill = template.resources["SkillFunction"].props
    rollback = {alarm["Ref"] for alarm in skill["DeploymentPreference"]["Alarms"]}
    watching = {
        r.id
        for r in template.of_type("AWS::CloudWatch::Alarm")
        if "SkillErrors" in str(r.props.get("Metrics", r.props.get("MetricName")))
    }
    assert watching and watching <= rollback
