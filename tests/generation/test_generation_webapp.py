"""Quality gate for the web-app authentication options, relational data behind the HTTP API, the files
bucket (rest-api and web-app: presigned URLs over the API; mobile-backend: presigned URLs from GraphQL
resolvers; alexa-skill: card images read through presigned URLs; event-driven and stream-processing:
processed output) and
the queue in front of asynchronous work (rest-api and web-app).

Each profile goes through the real path: profile file -> wa_assist.profile -> the engine's decisions ->
wa_assist.scaffold.new_project, and every judge runs once over all projects (cfn-lint with the
Serverless Rules on template.yaml and on the SAM-expanded template, checkov, the project's own tests).
The engine prefers RDS Proxy, so one project swaps that single decision to the RDS Data API after the
engine ran, to keep that path judged too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.generation import judges
from wa_assist.entity import entity_of

pytestmark = pytest.mark.judges

PROFILES: dict[str, dict] = {
    "web-authorizer-async-files-sensitive": {
        "entity": "ticket",
        "scenario": "web-app",
        "auth": "lambda-authorizer",
        "invocation": "async",
        "traffic": "spiky",
        "deployment": "canary",
        "sensitive_data": True,
        "access_patterns": ["key-value", "files"],
        "data_retention_days": 30,
    },
    "web-mtls-relational-proxy": {
        "entity": "invoice",
        "scenario": "web-app",
        "auth": "mtls",
        "traffic": "steady",
        "deployment": "linear",
        "access_patterns": ["relational"],
    },
    "web-cognito-relational-data-api-async": {
        "scenario": "web-app",
        "auth": "cognito",
        "invocation": "async",
        "traffic": "unpredictable",
        "deployment": "all-at-once",
        "access_patterns": ["relational", "key-value"],
        "cost_priority": "lowest-cost",
    },
    "web-iam-async": {
        "scenario": "web-app",
        "auth": "iam",
        "invocation": "async",
        "deployment": "blue-green",
        "architecture": "x86_64",
        "runtime": "python3.12",
    },
    "web-cognito-shared-async": {
        "entity": "booking",
        "scenario": "web-app",
        "auth": "cognito",
        "ownership": "shared",
        "invocation": "async",
    },
    "web-public-files": {
        "scenario": "web-app",
        "auth": "none",
        "access_patterns": ["key-value", "files"],
        "global_users": True,
    },
    "rest-cognito-async-files": {
        "scenario": "rest-api",
        "auth": "cognito",
        "invocation": "async",
        "traffic": "spiky",
        "access_patterns": ["key-value", "files"],
    },
    "rest-authorizer-shared-async-files": {
        "scenario": "rest-api",
        "auth": "lambda-authorizer",
        "ownership": "shared",
        "invocation": "async",
        "access_patterns": ["key-value", "files"],
    },
    "rest-mtls-async-relational-proxy": {
        "scenario": "rest-api",
        "auth": "mtls",
        "invocation": "async",
        "sensitive_data": True,
        "access_patterns": ["relational"],
    },
    "rest-iam-files-sensitive": {
        "scenario": "rest-api",
        "auth": "iam",
        "sensitive_data": True,
        "access_patterns": ["files", "query"],
        "data_retention_days": 90,
    },
    "events-files": {
        "scenario": "event-driven",
        "invocation": "async",
        "access_patterns": ["key-value", "files"],
        "data_retention_days": 7,
    },
    "mobile-files": {"scenario": "mobile-backend", "auth": "cognito", "access_patterns": ["key-value", "files"]},
    "mobile-files-relational-sensitive": {
        "scenario": "mobile-backend",
        "auth": "iam",
        "sensitive_data": True,
        "access_patterns": ["relational", "files"],
    },
    "alexa-files": {"scenario": "alexa-skill", "access_patterns": ["files"], "data_retention_days": 30},
    "alexa-files-sensitive": {"scenario": "alexa-skill", "sensitive_data": True, "access_patterns": ["files"]},
    "stream-files-sensitive": {
        "scenario": "stream-processing",
        "sensitive_data": True,
        "access_patterns": ["time-series", "files"],
    },
}
SWAPPED_DECISIONS = {"web-cognito-relational-data-api-async": {"relational": "data-api"}}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("generated-webapp")
    return judges.generate_projects(root, PROFILES, SWAPPED_DECISIONS)


def _answers(project: Path) -> dict:
    return judges.answers_of(project)


def _expanded_template(expanded, project: Path) -> dict:
    files, _ = expanded
    return json.loads(files[project / "template.yaml"].read_text(encoding="utf-8"))


def _resources(template: dict, kind: str) -> dict:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_profiles_cover_every_new_option(projects):
    web_auth = {p["auth"] for p in PROFILES.values() if p["scenario"] == "web-app"}
    assert web_auth == {"cognito", "iam", "lambda-authorizer", "mtls", "none"}
    seen = {(a["scenario"], a["relational"]) for a in map(_answers, projects.values())}
    assert {("web-app", "rds-proxy"), ("web-app", "data-api"), ("rest-api", "rds-proxy")} <= seen
    for decision, scenarios in [
        ("files_bucket", {"rest-api", "web-app", "mobile-backend", "alexa-skill", "event-driven", "stream-processing"}),
        ("async_queue", {"rest-api", "web-app", "event-driven"}),
    ]:
        chosen = {(a["scenario"], a["kms"]) for a in map(_answers, projects.values()) if a[decision]}
        assert {s for s, _ in chosen} == scenarios, decision
        assert {k for _, k in chosen} == {"aws-managed", "customer-managed"}, decision


def test_web_app_lambda_authorizer_is_a_request_authorizer_with_simple_responses(projects, expanded):
    project = projects["web-authorizer-async-files-sensitive"]
    body = _expanded_template(expanded, project)["Resources"]["HttpApi"]["Properties"]["Body"]
    authorizer = body["components"]["securitySchemes"]["LambdaAuthorizer"]["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "request"
    assert authorizer["authorizerPayloadFormatVersion"] == "2.0" and authorizer["enableSimpleResponses"] is True
    assert authorizer["identitySource"] == ["$request.header.Authorization"]
    for path, methods in body["paths"].items():
        for method, operation in methods.items():
            assert operation.get("security") == [{"LambdaAuthorizer": []}], (path, method)
    assert "isAuthorized" in (project / "src" / "authorizer" / "app.py").read_text(encoding="utf-8")


def test_web_app_mtls_uses_a_custom_domain_and_disables_execute_api(projects, expanded):
    project = projects["web-mtls-relational-proxy"]
    template = _expanded_template(expanded, project)
    (domain,) = _resources(template, "AWS::ApiGatewayV2::DomainName").values()
    assert domain["Properties"]["MutualTlsAuthentication"] == {"TruststoreUri": {"Ref": "TruststoreUri"}}
    assert domain["Properties"]["DomainNameConfigurations"][0]["SecurityPolicy"] == "TLS_1_2"
    assert _resources(template, "AWS::ApiGatewayV2::ApiMapping")
    servers = template["Resources"]["HttpApi"]["Properties"]["Body"]["servers"]
    assert servers == [{"x-amazon-apigateway-endpoint-configuration": {"disableExecuteApiEndpoint": True}}]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "CloudFront does not present client certificates" in readme


def test_web_app_relational_reuses_aurora_behind_the_http_api(projects):
    for name, proxy in [("web-mtls-relational-proxy", True), ("web-cognito-relational-data-api-async", False)]:
        template = (projects[name] / "template.yaml").read_text(encoding="utf-8")
        assert "AWS::Serverless::HttpApi" in template and "AWS::RDS::DBCluster" in template
        assert ("AWS::RDS::DBProxy" in template) == proxy
        assert ("EnableHttpEndpoint: true" in template) == (not proxy)


def test_files_bucket_is_private_encrypted_and_presigned(projects, expanded):
    for name, project in projects.items():
        answers = _answers(project)
        if not answers["files_bucket"]:
            assert not (project / "src" / "files").exists()
            continue
        template = _expanded_template(expanded, project)
        bucket = template["Resources"]["FilesBucket"]["Properties"]
        assert all(bucket["PublicAccessBlockConfiguration"].values())
        assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
        sse = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
        assert sse["SSEAlgorithm"] == ("aws:kms" if answers["kms"] == "customer-managed" else "AES256")
        expiry = [
            r.get("ExpirationInDays") for r in bucket["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r
        ]
        assert expiry == ([answers["data_retention_days"]] if answers["data_retention_days"] > 0 else [])
        policy = template["Resources"]["FilesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy
        )
        writer = {
            "event-driven": f"{entity_of(answers.get('entity')).forms['Entity']}ProcessorFunction",
            "stream-processing": "ConsumerFunction",
            "alexa-skill": "SkillFunction",
        }.get(answers["scenario"], "FilesFunction")
        role = template["Resources"][f"{writer}Role"]["Properties"]
        actions = {
            a
            for p in role["Policies"]
            for s in p["PolicyDocument"]["Statement"]
            for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
            if "s3:" in str(a)
        }
        if writer == "SkillFunction":
            assert actions == {"s3:GetObject", "s3:ListBucket"}, name  # reads the card images only
            assert '"assets/card-small.png"' in (project / "src" / "skill" / "app.py").read_text(encoding="utf-8")
            assert not (project / "src" / "files").exists()
            continue
        if writer != "FilesFunction":
            assert actions == {"s3:PutObject"}, name  # processed output only
            assert not (project / "src" / "files").exists()
            continue
        assert actions == {"s3:GetObject", "s3:PutObject", "s3:ListBucket"}
        app = (project / "src" / "files" / "app.py").read_text(encoding="utf-8")
        if answers["scenario"] == "mobile-backend":
            assert 'field_name="createUpload"' in app and 'field_name="getDownloadUrl"' in app
            schema = (project / "graphql" / "schema.graphql").read_text(encoding="utf-8")
            assert "createUpload(filename: String!" in schema and "getDownloadUrl(key: ID!)" in schema
            assert {"CreateUploadResolver", "GetDownloadUrlResolver"} <= set(template["Resources"])
        else:
            assert '@app.post("/files")' in app and '@app.get("/files/<key>")' in app
        assert "generate_presigned_url" in app
        # keys under the caller's prefix (per-user) or the shared one; the file name checked
        per_user = answers["ownership"] == "per-user" and answers["api_auth"] != "none"
        assert ('return f"users/{_segment(identity)}/"' in app) == per_user, name
        assert "def valid_filename" in app and "FILENAME.fullmatch(filename)" in app


def test_async_queue_sends_the_verified_caller_to_sqs_and_a_worker_stores(projects, expanded):
    for name, project in projects.items():
        answers = _answers(project)
        if not answers["async_queue"] or answers["scenario"] not in ("rest-api", "web-app"):
            assert "JobsQueue" not in (project / "template.yaml").read_text(encoding="utf-8")
            continue
        template = _expanded_template(expanded, project)
        resources = template["Resources"]
        queue = resources["JobsQueue"]["Properties"]
        assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["JobsDLQ", "Arn"]}
        assert ("KmsMasterKeyId" in queue) == (answers["kms"] == "customer-managed")
        assert queue.get("SqsManagedSseEnabled", False) == (answers["kms"] != "customer-managed")
        assert resources["JobsDLQ"]["Metadata"]["cfn-lint"]["config"]["ignore_checks"] == ["ES6000"]
        assert resources["JobsDLQDepthAlarm"]["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
        mapping = resources["QueueWorkerEventSourceMapping"]["Properties"]
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        if answers["scenario"] == "web-app":
            # an HTTP API's SQS integration cannot pass optional values (groups, Idempotency-Key): a function sends
            assert "ApiQueueRole" not in resources, name
            enqueue = resources["EnqueueFunction"]["Properties"]
            assert enqueue["Environment"]["Variables"]["JOBS_QUEUE_URL"] == {"Ref": "JobsQueue"}
            statements = resources["EnqueueFunctionRole"]["Properties"]["Policies"]
            sends = [s for p in statements for s in p["PolicyDocument"]["Statement"] if "sqs:" in str(s["Action"])]
            assert sends == [
                {
                    "Sid": "SendJobs",
                    "Effect": "Allow",
                    "Action": "sqs:SendMessage",
                    "Resource": {"Fn::GetAtt": ["JobsQueue", "Arn"]},
                }
            ], name
            operation = resources["HttpApi"]["Properties"]["Body"]["paths"]["/jobs"]["post"]
            integration = operation["x-amazon-apigateway-integration"]
            assert integration["type"] == "aws_proxy" and "EnqueueFunction" in json.dumps(integration["uri"]), name
            enqueue_app = (project / "src" / "enqueue" / "app.py").read_text(encoding="utf-8")
            assert "def caller_identity" in enqueue_app and "_sqs.send_message(" in enqueue_app
            assert ('values["idempotencyKey"]' in enqueue_app) == answers["idempotency"], name
        else:
            statements = resources["ApiQueueRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            assert statements[0]["Action"] == "sqs:SendMessage"
            assert statements[0]["Resource"] == {"Fn::GetAtt": ["JobsQueue", "Arn"]}
            assert "EnqueueFunction" not in resources, name
            operation = resources["Api"]["Properties"]["Body"]["paths"]["/jobs"]["post"]
            integration = operation["x-amazon-apigateway-integration"]
            assert integration["type"] == "aws" and ":sqs:path/" in integration["uri"]["Fn::Sub"]
            request = integration["requestTemplates"]["application/json"]
            assert "Action=SendMessage" in request and "MessageBody=$util.urlEncode($input.body)" in request
            # the caller comes from what API Gateway verified, never from the body
            caller = {
                "cognito": "$!context.authorizer.claims.sub",
                "lambda-authorizer": "$!context.authorizer.sub",
                "iam": "$!context.identity.userArn",
                "mtls": "$!context.identity.clientCert.subjectDN",
            }.get(answers["api_auth"])
            assert (
                (f'#set($v = "{caller}")' in request and "Name=callerId" in request)
                if caller
                else ("callerId" not in request)
            ), name
            assert "$input.path" not in request and "$input.json" not in request
            assert ("Name=idempotencyKey" in request) == answers["idempotency"]
            assert integration["responses"]["2\\d{2}"]["statusCode"] == "202"
            assert operation["x-amazon-apigateway-request-validator"] == "body-only"
        if answers["api_auth"] in ("cognito", "iam", "lambda-authorizer"):
            assert operation.get("security"), f"{name}: /jobs has no authorizer"
        worker = (project / "src" / "queue_worker" / "app.py").read_text(encoding="utf-8")
        assert "BatchProcessor" in worker and "process_partial_response" in worker
        assert ("idempotent_function" in worker) == answers["idempotency"]


# cfn-lint with the Serverless Rules (template.yaml and SAM-expanded), checkov, written skip reasons,
# the projects' own unit tests: every judge runs once over all the projects of this module.
class TestJudges(judges.JudgeSuite):
    """cfn-lint with the Serverless Rules (template and SAM-expanded), checkov, written skip reasons and
    the projects' own tests, each run once over every project of this module."""


def test_component_unit_tests_are_generated_where_the_component_is(projects):
    for name, project in projects.items():
        answers = _answers(project)
        api = answers["scenario"] in ("rest-api", "web-app")
        files_api = api or answers["scenario"] == "mobile-backend"
        assert (project / "tests" / "unit" / "test_files.py").is_file() == (files_api and answers["files_bucket"]), name
        assert (project / "tests" / "unit" / "test_queue_worker.py").is_file() == (api and answers["async_queue"]), name


def test_web_front_end_uploads_files_when_the_project_has_them(projects):
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "node is needed to check the generated front end's JavaScript"
    checked = 0
    for name, project in projects.items():
        answers = _answers(project)
        if answers["scenario"] != "web-app":
            continue
        page = (project / "frontend" / "index.html").read_text()
        script = project / "frontend" / "app.js"
        code = script.read_text()
        files = bool(answers["files_bucket"])
        assert ('id="upload"' in page) == files, name
        assert ('api("POST", "/files"' in code and "ticket.uploadUrl" in code) == files, name
        proc = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{name}: {proc.stderr}"
        checked += 1
    assert checked >= 4
