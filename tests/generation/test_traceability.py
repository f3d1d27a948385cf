"""RECOMMENDATIONS.md must be true: every place it says a recommendation is implemented exists in the
generated project.

Convention for `implemented_in` in the knowledge base: `where` is a project-relative POSIX path or a
glob over the project (``*``, ``?`` and ``[...]`` as in ``pathlib.Path.glob``; ``src/*/app.py`` means
"every function's code") and must name at least one file the project contains. A claim that holds only
for some projects carries a `when` condition (a scenario, a profile field, or ``decision.<id>``).

Projects are rendered the way users get them (profile -> engine decisions -> answers -> render): one per
scenario, plus variants for sensitive data, multi-step work, the access patterns, global users and each
deployment strategy. No external judge runs here; the SAM transform runs in-process.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from wa_assist.engine import recommend, render_text
from wa_assist.entity import FORM_NAMES, resolve
from wa_assist.kb import load_knowledge
from wa_assist.profile import profile_from_mapping
from wa_assist.scaffold import build_answers, render

PROFILES: dict[str, dict[str, Any]] = {
    "rest": {"scenario": "rest-api"},
    "web": {"scenario": "web-app"},
    "mobile": {"scenario": "mobile-backend", "auth": "cognito"},
    "stream": {"scenario": "stream-processing", "access_patterns": ["time-series"], "consumers": 3},
    "events": {"scenario": "event-driven", "invocation": "async"},
    "alexa": {"scenario": "alexa-skill"},
    "rest-snapstart": {"scenario": "rest-api", "p99_latency_ms": 800},
    # variants
    "rest-sensitive-canary": {
        "scenario": "rest-api",
        "sensitive_data": True,
        "auth": "lambda-authorizer",
        "deployment": "canary",
    },
    "rest-query-steady-linear": {
        "scenario": "rest-api",
        "access_patterns": ["key-value", "query"],
        "traffic": "steady",
        "peak_rps": 800,
        "read_heavy": True,
        "deployment": "linear",
        "data_retention_days": 30,
    },
    "rest-relational": {
        "scenario": "rest-api",
        "access_patterns": ["relational"],
        "auth": "iam",
        "deployment": "blue-green",
    },
    "rest-multistep-global": {
        "scenario": "rest-api",
        "multi_step": True,
        "max_duration_s": 3600,
        "global_users": True,
        "deployment": "all-at-once",
    },
    "web-global-sensitive": {"scenario": "web-app", "global_users": True, "sensitive_data": True, "auth": "cognito"},
    "mobile-search-sensitive": {
        "scenario": "mobile-backend",
        "auth": "cognito",
        "access_patterns": ["key-value", "full-text-search"],
        "sensitive_data": True,
        "data_retention_days": 90,
    },
    "stream-analytics-sensitive": {
        "scenario": "stream-processing",
        "access_patterns": ["analytics"],
        "sensitive_data": True,
        "traffic": "steady",
        "peak_rps": 3000,
        "multi_step": True,
    },
    "stream-lowest-cost": {
        "scenario": "stream-processing",
        "access_patterns": ["time-series"],
        "cost_priority": "lowest-cost",
        "traffic": "steady",
        "peak_rps": 500,
    },
    "events-multistep-sensitive": {
        "scenario": "event-driven",
        "multi_step": True,
        "sensitive_data": True,
        "traffic": "steady",
        "peak_rps": 2000,
        "access_patterns": ["analytics"],
    },
    "rest-relational-search": {"scenario": "rest-api", "access_patterns": ["relational", "full-text-search"]},
    "mobile-files": {"scenario": "mobile-backend", "auth": "iam", "access_patterns": ["key-value", "files"]},
    "rest-async": {"scenario": "rest-api", "auth": "cognito", "invocation": "async"},
    "web-async-shared": {
        "scenario": "web-app",
        "auth": "lambda-authorizer",
        "ownership": "shared",
        "invocation": "async",
    },
    "alexa-files-async": {"scenario": "alexa-skill", "access_patterns": ["files"], "invocation": "async"},
    "alexa-sensitive-steady": {
        "scenario": "alexa-skill",
        "sensitive_data": True,
        "traffic": "steady",
        "peak_rps": 2000,
        "multi_step": True,
    },
}

_RESOURCE_TYPE = re.compile(r"\bAWS::[A-Za-z0-9]+::[A-Za-z0-9]+\b")


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.fixture(scope="module")
def rendered(kb, tmp_path_factory) -> dict[str, tuple[Path, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("traceability")
    made = {}
    for name, fields in PROFILES.items():
        profile = profile_from_mapping({"name": name, **fields}, kb)
        answers = build_answers(profile.to_dict(), recommend(kb, profile))
        made[name] = (render(root / name, answers).dest, answers)
    return made


def matches(project: Path, where: str) -> list[Path]:
    """Files of the project that a `where` names (a path or a glob)."""
    if where.startswith("/") or ".." in Path(where).parts:
        return []
    return [p for p in project.glob(where) if p.is_file()]


def resource_types(project: Path) -> set[str]:
    """Resource types of template.yaml, before and after the SAM transform."""
    from cfnlint.decode import decode

    from tests.generation.judges import sam_transform

    template = decode(str(project / "template.yaml"))[0]
    expanded = sam_transform(project / "template.yaml")
    return {str(r.get("Type")) for t in (template, expanded) for r in t.get("Resources", {}).values()}


def test_profiles_cover_every_scenario_and_deployment():
    assert {p["scenario"] for p in PROFILES.values()} == {
        "rest-api",
        "web-app",
        "mobile-backend",
        "stream-processing",
        "event-driven",
        "alexa-skill",
    }
    assert {p.get("deployment") for p in PROFILES.values()} >= {"all-at-once", "blue-green", "canary", "linear"}
    patterns = {a for p in PROFILES.values() for a in p.get("access_patterns", [])}
    assert {"query", "analytics", "relational", "full-text-search"} <= patterns


def test_matches_follows_the_convention(tmp_path):
    (tmp_path / "src" / "a").mkdir(parents=True)
    (tmp_path / "src" / "a" / "app.py").write_text("")
    (tmp_path / "template.yaml").write_text("")
    assert matches(tmp_path, "template.yaml") == [tmp_path / "template.yaml"]
    assert matches(tmp_path, "src/*/app.py") == [tmp_path / "src" / "a" / "app.py"]
    assert matches(tmp_path, "src/app/handler.py") == []
    assert matches(tmp_path, "src") == []  # a folder is not a file
    assert matches(tmp_path, "../template.yaml") == []


def test_every_accepted_recommendation_is_in_the_document(rendered):
    for name, (dest, answers) in rendered.items():
        text = (dest / "RECOMMENDATIONS.md").read_text(encoding="utf-8")
        assert answers["recommendations"], name
        for rec in answers["recommendations"]:
            assert f"### {rec['title']}\n" in text, (name, rec["id"])


def test_every_where_names_a_file_of_the_project(rendered):
    wrong = []
    for name, (dest, answers) in rendered.items():
        for rec in answers["recommendations"]:
            for impl in rec["implemented_in"]:
                if not matches(dest, impl["where"]):
                    wrong.append(f"{name}: {rec['id']}: {impl['where']}")
    assert wrong == []


DOCUMENTS = (
    "README.md",
    "samconfig.toml",
    "RECOMMENDATIONS.md",
    ".github/workflows/pipeline.yaml",
    ".github/dependabot.yml",
)


def test_every_claim_on_a_document_says_what_the_document_contains(kb):
    """A document can claim anything; what it must contain is data next to the claim, checked below."""
    bare = [
        f"{e.id}: {impl.where}: {impl.what}"
        for e in kb.entries.values()
        if e.advice
        for impl in e.advice.implemented_in
        if impl.where in DOCUMENTS and not impl.contains
    ]
    assert bare == []


def _without_claims(text: str) -> str:
    """RECOMMENDATIONS.md without its "Where this project implements it" lines, which repeat each claim."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("- `"))


def test_every_file_a_claim_names_contains_what_the_claim_says(kb, rendered):
    missing, checked = [], set()
    for name, (dest, answers) in rendered.items():
        for rec in answers["recommendations"]:
            entry = kb.get(rec["id"])
            forms = resolve(answers).forms  # the places name the project's entity: {entities}, {Entity}, ...
            for claim in rec["implemented_in"]:
                impl = next(
                    i
                    for i in entry.advice.implemented_in
                    if (render_text(i.where, forms), render_text(i.what, forms)) == (claim["where"], claim["what"])
                )
                if impl.contains:
                    checked.add((entry.id, impl.where, impl.what))
                for path in matches(dest, claim["where"]) if impl.contains else []:
                    text = path.read_text(encoding="utf-8")
                    text = _without_claims(text) if path.name == "RECOMMENDATIONS.md" else text
                    missing += [
                        f"{name}: {rec['id']}: {impl.where} lacks {c!r}" for c in impl.contains if c not in text
                    ]
    assert missing == []


def test_resource_types_named_in_template_claims_exist(rendered):
    wrong = []
    for name, (dest, answers) in rendered.items():
        types = resource_types(dest)
        for rec in answers["recommendations"]:
            for impl in rec["implemented_in"]:
                if impl["where"] != "template.yaml":
                    continue
                for claimed in _RESOURCE_TYPE.findall(impl["what"]):
                    if claimed not in types:
                        wrong.append(f"{name}: {rec['id']}: {claimed}")
    assert wrong == []


def test_decisions_with_a_component_are_built(rendered):
    """Spot checks of what the sensitive-data decisions promise."""
    for name, (dest, answers) in rendered.items():
        types = resource_types(dest)
        template = (dest / "template.yaml").read_text(encoding="utf-8")
        functions = template.count("Type: AWS::Serverless::Function")
        assert ("AWS::Signer::SigningProfile" in types) == answers["code_signing"], name
        assert template.count("CodeSigningConfigArn: !GetAtt CodeSigningConfig") == (
            functions if answers["code_signing"] else 0
        ), name
        if answers["code_signing"]:
            deploy = tomllib.loads((dest / "samconfig.toml").read_text(encoding="utf-8"))
            for stage in ("dev", "prod"):
                signed = deploy[stage]["deploy"]["parameters"]["signing_profiles"].split()
                assert sorted(s.split("=")[0] for s in signed) == sorted(
                    re.findall(r"^  (\w+):\n    Type: AWS::Serverless::Function", template, re.MULTILINE)
                ), name
            pipeline = (dest / ".github/workflows/pipeline.yaml").read_text(encoding="utf-8")
            assert pipeline.count("--signing-profiles") == 2, name
        else:
            assert template.count("id: CKV_AWS_272") == functions, name
        has_secret = "ThirdPartySecret" in template
        assert has_secret == (answers["secrets_manager"] and answers["relational"] == "none"), name
        if has_secret:
            assert list(dest.glob("src/*/credentials.py")) and (dest / "tests/unit/test_credentials.py").is_file()
            assert "AWSSecretsManagerGetSecretValuePolicy:\n            SecretArn: !Ref ThirdPartySecret" in template
            assert ("KmsKeyId: !Ref ProjectKey" in template) == (answers["kms"] == "customer-managed"), name


def test_provisioned_tables_scale(rendered):
    from cfnlint.decode import decode

    for name, (dest, answers) in rendered.items():
        resources = decode(str(dest / "template.yaml"))[0]["Resources"]
        provisioned = [
            k
            for k, r in resources.items()
            if r["Type"] == "AWS::DynamoDB::Table" and r["Properties"].get("BillingMode") == "PROVISIONED"
        ]
        scaled = {
            (str(r["Properties"]["ResourceId"]), r["Properties"]["ScalableDimension"])
            for r in resources.values()
            if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"
            and r["Properties"]["ServiceNamespace"] == "dynamodb"
        }
        if answers["table_billing"] != "provisioned":
            assert provisioned == [], name
        for table in provisioned:
            for dim in ("Read", "Write"):
                assert (str({"Fn::Sub": f"table/${{{table}}}"}), f"dynamodb:table:{dim}CapacityUnits") in scaled, (
                    name,
                    table,
                    dim,
                )


def test_every_where_in_the_knowledge_base_follows_the_convention(kb, rendered):
    """Also claims no rendered profile triggers: a relative path or glob that names a file of some project."""
    wrong = []
    for entry in kb.entries.values():
        for impl in entry.advice.implemented_in if entry.advice else []:
            # the entity's forms ({entities}, {Entity}, ...) are the one kind of placeholder a place may hold
            plain = re.sub("\\{(" + "|".join(FORM_NAMES) + ")\\}", "", impl.where)
            if re.search(r"[<>{}\\]", plain) or not any(
                matches(dest, render_text(impl.where, resolve(answers).forms)) for dest, answers in rendered.values()
            ):
                wrong.append(f"{entry.id}: {impl.where}")
    assert wrong == []


_LOGICAL = re.compile(
    r"(?<![\w:])([A-Z][a-z0-9]+[A-Za-z0-9]*(?:Table|Queue|DLQ|Function|Bus|Stream|Topic|Bucket|Alarm|Machine|Key))\b"
)

# Not resources: the per-function alarm suffixes ("each function's ErrorsAlarm") and a SAM property.
_GENERIC = {"ErrorsAlarm", "ThrottlesAlarm", "DurationAlarm", "DeadLetterQueue"}


def test_every_resource_a_document_names_is_in_the_template(rendered):
    """A README or RECOMMENDATIONS line that names a resource (`IdempotencyTable`) names one the template has."""
    from cfnlint.decode import decode

    missing, named = [], 0
    for name, (dest, _) in rendered.items():
        template, _ = decode(str(dest / "template.yaml"))
        resources = set(template["Resources"])
        for doc in ("README.md", "RECOMMENDATIONS.md"):
            lines = (dest / doc).read_text(encoding="utf-8").splitlines()
            # the README's resource list and RECOMMENDATIONS' "where this project implements it" lines
            for logical in {n for line in lines if line.startswith("- `") for n in _LOGICAL.findall(line)} - _GENERIC:
                named += 1
                if logical not in resources:
                    missing.append(f"{name}: {doc} names {logical}, which template.yaml lacks")
    assert named > 20
    assert missing == []


def test_powertools_utilities_are_claimed_only_where_the_code_uses_them(rendered):
    claims = {"Powertools idempotency": "utilities.idempotency", "Parser model": "utilities.parser"}
    wrong = []
    for name, (dest, _) in rendered.items():
        code = "\n".join(p.read_text(encoding="utf-8") for p in (dest / "src").rglob("*.py"))
        for doc in ("README.md", "RECOMMENDATIONS.md"):
            lines = (dest / doc).read_text(encoding="utf-8").splitlines()
            # the README's resource list and RECOMMENDATIONS' "where this project implements it" lines
            for line in (x for x in lines if x.startswith("- `")):
                for phrase, used in claims.items():
                    if phrase in line and used not in code:
                        wrong.append(f"{name}: {doc}: {line[:120]}")
    assert wrong == []
