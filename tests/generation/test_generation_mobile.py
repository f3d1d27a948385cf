"""Quality gate for AppSync authorization and data options, full-text search, DAX and the REST stage cache.

Projects are rendered the way users get them (profile file -> engine decisions -> scaffold.new_project)
and must be clean on every external judge (cfn-lint with the Serverless Rules on template.yaml and on the
SAM-expanded template, checkov, the generated unit tests). Each judge runs once over all projects.

Together the profiles cover: mobile-backend with every auth value (lambda-authorizer, none, mtls mapped
to IAM, cognito, iam) and every relational decision (none, rds-proxy, data-api); search_engine opensearch
for rest-api, web-app and mobile-backend, over the DynamoDB table (indexed from its stream) and over Aurora
(indexed from a queue the item writers fill after each commit); dax for rest-api and web-app (alone and together with search, the
files bucket, the async queue, Step Functions, secrets and code signing; and a mobile profile whose reads
qualify for DAX, which AppSync cannot use); a public catalogue on AppSync, whose guests read through a
Cognito identity pool; api_cache on and off for rest-api. The engine never chooses
the RDS Data API (it prefers RDS Proxy), so two projects swap that single decision after the engine ran.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.generation import judges

pytestmark = pytest.mark.judges

PROFILES: dict[str, dict[str, Any]] = {
    "mobile-authorizer-search-spiky-canary": {
        "entity": "person/people",
        "scenario": "mobile-backend",
        "auth": "lambda-authorizer",
        "traffic": "spiky",
        "deployment": "canary",
        "access_patterns": ["key-value", "full-text-search"],
    },
    "mobile-public-steady-linear-readheavy": {
        "scenario": "mobile-backend",
        "auth": "none",
        "traffic": "steady",
        "deployment": "linear",
        "read_heavy": True,
        "p99_latency_ms": 50,
        "cost_priority": "performance",
    },
    "mobile-mtls-sensitive-bluegreen": {
        "scenario": "mobile-backend",
        "auth": "mtls",
        "sensitive_data": True,
        "deployment": "blue-green",
        "traffic": "unpredictable",
    },
    "mobile-relational-authorizer-sensitive": {
        "scenario": "mobile-backend",
        "auth": "lambda-authorizer",
        "access_patterns": ["relational"],
        "sensitive_data": True,
        "deployment": "all-at-once",
    },
    "mobile-relational-data-api-cognito": {
        "entity": "booking",
        "scenario": "mobile-backend",
        "auth": "cognito",
        "access_patterns": ["relational", "key-value"],
        "cost_priority": "lowest-cost",
        "deployment": "canary",
    },
    "mobile-cognito-public-catalogue-files": {
        "scenario": "mobile-backend",
        "auth": "cognito",
        "ownership": "public-catalogue",
        "access_patterns": ["key-value", "files"],
        "deployment": "linear",
    },
    "rest-cognito-search-cache-sensitive": {
        "scenario": "rest-api",
        "auth": "cognito",
        "read_heavy": True,
        "sensitive_data": True,
        "access_patterns": ["key-value", "full-text-search", "query"],
        "cost_priority": "lowest-cost",
    },
    "rest-mtls-dax-sensitive": {
        "scenario": "rest-api",
        "auth": "mtls",
        "read_heavy": True,
        "p99_latency_ms": 50,
        "sensitive_data": True,
        "access_patterns": ["key-value", "query"],
        "cost_priority": "performance",
        "deployment": "linear",
    },
    "rest-authorizer-search-nocache": {
        "scenario": "rest-api",
        "auth": "lambda-authorizer",
        "access_patterns": ["key-value", "full-text-search"],
        "deployment": "blue-green",
    },
    "rest-iam-dax-search-files-async-sensitive": {
        "entity": "order",
        "scenario": "rest-api",
        "auth": "iam",
        "read_heavy": True,
        "p99_latency_ms": 60,
        "sensitive_data": True,
        "access_patterns": ["key-value", "files", "full-text-search"],
        "invocation": "async",
        "multi_step": True,
        "cost_priority": "balanced",
        "traffic": "unpredictable",
    },
    "web-iam-dax-search": {
        "scenario": "web-app",
        "auth": "iam",
        "read_heavy": True,
        "p99_latency_ms": 80,
        "access_patterns": ["key-value", "full-text-search"],
        "cost_priority": "balanced",
    },
    "rest-relational-search-proxy": {
        "scenario": "rest-api",
        "auth": "cognito",
        "access_patterns": ["relational", "full-text-search"],
        "invocation": "async",
        "sensitive_data": True,
    },
    "web-relational-search-data-api": {
        "scenario": "web-app",
        "auth": "none",
        "access_patterns": ["relational", "full-text-search"],
    },
    "mobile-relational-search": {
        "scenario": "mobile-backend",
        "auth": "cognito",
        "access_patterns": ["relational", "full-text-search"],
    },
    "web-public-search": {
        "scenario": "web-app",
        "auth": "none",
        "access_patterns": ["key-value", "full-text-search"],
        "traffic": "spiky",
    },
}
# Decisions changed after the engine ran (see the module docstring), per profile.
SWAPPED_DECISIONS = {
    "mobile-relational-data-api-cognito": {"relational": "data-api"},
    "web-relational-search-data-api": {"relational": "data-api"},
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("generated-mobile")
    return judges.generate_projects(root, PROFILES, SWAPPED_DECISIONS)


@pytest.fixture(scope="module")
def answers(projects) -> dict[str, dict[str, Any]]:
    return {name: judges.answers_of(p) for name, p in projects.items()}


def read(project: Path, rel: str) -> str:
    return (project / rel).read_text(encoding="utf-8")


def test_profiles_cover_every_value_of_the_options(answers):
    mobile = [a for a in answers.values() if a["scenario"] == "mobile-backend"]
    assert {a["auth"] for a in mobile} == {"cognito", "lambda-authorizer", "none", "mtls"}
    assert {a["api_auth"] for a in mobile} == {"cognito", "lambda-authorizer", "none", "iam"}
    assert {a["relational"] for a in mobile} == {"none", "rds-proxy", "data-api"}
    searched = {a["scenario"] for a in answers.values() if a["search_engine"] == "opensearch"}
    assert searched == {"rest-api", "web-app", "mobile-backend"}
    searched_stores = {(a["scenario"], a["relational"]) for a in answers.values() if a["search_engine"] == "opensearch"}
    assert {s for s, r in searched_stores if r != "none"} == {"rest-api", "web-app", "mobile-backend"}
    assert {r for _, r in searched_stores} == {"none", "rds-proxy", "data-api"}
    assert {a["scenario"] for a in answers.values() if a["dax"]} >= {"rest-api", "web-app"}
    assert {a["api_cache"] for a in answers.values() if a["scenario"] == "rest-api"} == {True, False}


def test_appsync_authorization_follows_the_profile(projects, answers):
    for name, project in projects.items():
        a = answers[name]
        if a["scenario"] != "mobile-backend":
            continue
        template, readme = read(project, "template.yaml"), read(project, "README.md")
        recommendations = read(project, "RECOMMENDATIONS.md")
        expected = {
            "cognito": "AMAZON_COGNITO_USER_POOLS",
            "lambda-authorizer": "AWS_LAMBDA",
            "none": "API_KEY",
            "iam": "AWS_IAM",
        }[a["api_auth"]]
        assert f"AuthenticationType: {expected}" in template, name
        if a["api_auth"] == "lambda-authorizer":
            assert "AuthorizerInvokePermission" in template and "Principal: appsync.amazonaws.com" in template
            assert (project / "src" / "authorizer" / "app.py").is_file()
            assert '"isAuthorized"' in read(project, "src/authorizer/app.py")
        if a["api_auth"] == "none":
            assert "AWS::AppSync::ApiKey" in template and "RateBasedStatement" in template
            assert "\n      Expires:" not in template  # AppSync's default: 7 days after creation
            assert "API keys are not authorization" in readme
            assert "API keys are not authorization" in recommendations
        if a["auth"] == "mtls":
            assert a["api_auth"] == "iam"
            assert "mutual TLS is not available" in readme
            assert "AppSync has no mutual TLS" in recommendations
            assert "maps it to IAM" in recommendations  # the engine's reason, shown to the user


def test_a_public_catalogue_lets_identity_pool_guests_run_only_its_read_queries(projects, answers, expanded):
    files, _ = expanded
    checked = 0
    for name, project in projects.items():
        a = answers[name]
        if a["scenario"] != "mobile-backend":
            continue
        resources = json.loads(files[project / "template.yaml"].read_text(encoding="utf-8"))["Resources"]
        schema = read(project, "graphql/schema.graphql")
        if a["ownership"] != "public-catalogue" or a["api_auth"] == "none":
            assert "CatalogueIdentityPool" not in resources and "@aws_iam" not in schema, name
            continue
        checked += 1
        pool = resources["CatalogueIdentityPool"]["Properties"]
        assert pool["AllowUnauthenticatedIdentities"] is True and pool["AllowClassicFlow"] is False
        roles = resources["CatalogueIdentityPoolRoles"]["Properties"]["Roles"]
        assert roles == {"unauthenticated": {"Fn::GetAtt": ["CatalogueGuestRole", "Arn"]}}
        [statement] = resources["CatalogueGuestRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        assert statement["Action"] == "appsync:GraphQL"
        fields = [r["Fn::Sub"].removeprefix("${GraphQLApi.Arn}/types/") for r in statement["Resource"]]
        catalogue = [f"get{a['Entity']}", f"list{a['Entities']}"] + (["getDownloadUrl"] if a["files_bucket"] else [])
        assert sorted(fields) == sorted(
            f"Query/fields/{f}"
            for f in catalogue + ([f"search{a['Entities']}"] if a["search_engine"] == "opensearch" else [])
        )
        api = resources["GraphQLApi"]["Properties"]
        assert api["AuthenticationType"] != "API_KEY" and "AWS::AppSync::ApiKey" not in json.dumps(resources)
        if a["api_auth"] != "iam":
            assert api["AdditionalAuthenticationProviders"] == [{"AuthenticationType": "AWS_IAM"}]
            for field in catalogue:
                assert re.search(rf"\n  {field}\(.*@aws_iam", schema), field
            mutation = schema[schema.index("type Mutation {") :]
            assert "@aws_iam" not in mutation
        assert "Why an identity pool and not an API key" in read(project, "README.md")
        assert "CatalogueIdentityPool" in read(project, "RECOMMENDATIONS.md")
    assert checked == 1


def test_relational_mobile_backends_resolve_items_over_aurora(projects, answers):
    for name, project in projects.items():
        a = answers[name]
        if a["scenario"] != "mobile-backend":
            continue
        template, schema = read(project, "template.yaml"), read(project, "graphql/schema.graphql")
        relational = a["relational"] != "none"
        assert ("AWS::RDS::DBCluster" in template) == relational, name
        assert ("ArchiveFunction:" in template) == (not relational)
        assert (f"archive{a['Entity']}" in schema) == (not relational)
        resolvers = project / "graphql" / "resolvers"
        # Aurora's resolvers invoke the Lambda resolver (and raise its clientError); DynamoDB's write the table
        put = read(project, f"graphql/resolvers/put{a['Entity']}.js")
        assert ('operation: "Invoke"' in put) == relational, name
        # Lambda resolvers have code too when they answer a caller's mistakes as GraphQL errors
        assert (resolvers / f"search{a['Entities']}.js").is_file() == ("opensearch" in a["components"])
        if relational:
            assert (
                "Type: AWS_LAMBDA" in template and f"LambdaFunctionArn: !Ref {a['Entities']}Function.Alias" in template
            )
            assert ("AWS::RDS::DBProxy" in template) == (a["relational"] == "rds-proxy")
            assert ("EnableHttpEndpoint: true" in template) == (a["relational"] == "data-api")
            assert ("psycopg" in read(project, f"src/{a['entities']}/requirements.txt")) == (
                a["relational"] == "rds-proxy"
            )


def test_full_text_search_indexes_and_serves_every_api(projects, answers):
    for name, project in projects.items():
        a = answers[name]
        template = read(project, "template.yaml")
        search = a["search_engine"] == "opensearch"
        assert ("AWS::OpenSearchServerless::Collection" in template) == search, name
        assert (project / "src" / "search" / "app.py").is_file() == search
        if not search:
            continue
        assert "ReportBatchItemFailures" in template
        if a["relational"] == "none":
            assert "StreamViewType: NEW_IMAGE" in template
            assert "Destination: !GetAtt IndexFailureQueue.Arn" in template
        else:
            # The relational write path queues each committed change; the indexer consumes the queue.
            assert "StreamViewType" not in template
            assert "deadLetterTargetArn: !GetAtt IndexFailureQueue.Arn" in template
            assert (
                "INDEX_QUEUE_URL: !Ref IndexQueue" in template and "EventSourceArn: !GetAtt IndexQueue.Arn" in template
            )
            assert ("com.amazonaws.${AWS::Region}.sqs" in template) == (a["relational"] == "rds-proxy")
            app = read(project, f"src/{a['entities']}/app.py")
            assert "self.index.changed(" in app and "INDEX_QUEUE_URL" in app
        assert "${IndexerFunctionRole.Arn}" in template and "${SearchFunctionRole.Arn}" in template
        assert "AWSOwnedKey" in template and '"AllowFromPublic":true' in template
        if a["scenario"] == "mobile-backend":
            assert f"search{a['Entities']}(q: String!" in read(project, "graphql/schema.graphql")
            assert f"FieldName: search{a['Entities']}" in template
        else:
            assert "Path: /search" in template
            assert "GET /search?q=" in read(project, "README.md")


def test_dax_fronts_the_table_for_rest_and_web(projects, answers):
    for name, project in projects.items():
        a = answers[name]
        template = read(project, "template.yaml")
        dax = a["dax"] and a["scenario"] in ("rest-api", "web-app")
        assert ("AWS::DAX::Cluster" in template) == dax, name
        if a["dax"] and a["scenario"] == "mobile-backend":
            assert "No DAX cluster" in read(project, "README.md")
        if not dax:
            continue
        assert "SSEEnabled: true" in template and "ClusterEndpointEncryptionType: TLS" in template
        assert "AWS::DAX::SubnetGroup" in template and "NatGateway" not in template
        assert "VpcEndpointType: Gateway" in template
        assert "DAX_ENDPOINT: !GetAtt DaxCluster.ClusterDiscoveryEndpointURL" in template
        assert "Resource: !GetAtt DaxCluster.Arn" in template and "dax:*" not in template
        assert "amazon-dax-client" in read(project, f"src/{a['entities']}/requirements.txt")
        assert (project / "tests" / "unit" / "test_dax.py").is_file()


def test_rest_stage_cache_follows_the_decision(projects, answers):
    for name, project in projects.items():
        a = answers[name]
        if a["scenario"] != "rest-api":
            continue
        template = read(project, "template.yaml")
        assert ("CacheClusterEnabled: true" in template) == a["api_cache"], name
        assert ("id: CKV_AWS_120" in template) == (not a["api_cache"])
        if a["api_cache"]:
            assert "CacheDataEncrypted: true" in template
            assert f'ResourcePath: "/~1{a["entities"]}~1{{id}}"' in template
            assert "method.request.path.id" in template
            if a["sensitive_data"] and a["api_auth"] in ("cognito", "lambda-authorizer"):
                assert "method.request.header.Authorization" in template


# cfn-lint with the Serverless Rules (template.yaml and SAM-expanded), checkov, written skip reasons,
# the projects' own unit tests: every judge runs once over all the projects of this module.
class TestJudges(judges.JudgeSuite):
    """cfn-lint with the Serverless Rules (template and SAM-expanded), checkov, written skip reasons and
    the projects' own tests, each run once over every project of this module."""
