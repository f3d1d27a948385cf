"""Every topic of the Serverless Applications Lens guide is findable by the way users ask for it.

GUIDE_TOPICS walks serverless-lens-guide.md section by section - key topics, design principles, the best
practices of each pillar, guidelines, concepts, examples, cautions and additional resources - plus the
38 lens practices and the sustainability practices. Each row is a query typed the way a user would
(short, sometimes abbreviated) and the entry that must be among the top three hits.
"""

from __future__ import annotations

from collections import Counter

import pytest

GUIDE_TOPICS: list[tuple[str, str]] = [
    # ---------------------------------------------------------------- key topics: architecture layers
    ("compute layer lambda api gateway step functions", "concept-compute-layer"),
    ("data layer dynamodb s3 opensearch appsync", "concept-data-layer"),
    ("messaging and streaming layer sns kinesis firehose", "concept-messaging-streaming-layer"),
    ("user management and identity layer", "concept-identity-layer"),
    ("edge layer cloudfront", "concept-edge-layer"),
    ("systems monitoring and deployment cloudwatch xray sam", "concept-monitoring-deployment-layer"),
    # ---------------------------------------------------------------- key topics: deployment approaches
    ("all at once deployment", "deployment-all-at-once"),
    ("blue/green deployment", "deployment-blue-green"),
    ("canary deployment", "deployment-canary"),
    ("lambda version control", "deployment-lambda-versions"),
    # ---------------------------------------------------------------- key topics: scenarios
    ("restful microservices", "scenario-restful-microservices"),
    ("alexa skill", "scenario-alexa-skills"),
    ("mobile backend", "scenario-mobile-backend"),
    ("streaming processing", "scenario-stream-processing"),
    ("serverless web application", "scenario-web-application"),
    ("event driven architecture eventbridge", "scenario-event-driven"),
    # ---------------------------------------------------------------- key topics: pillars
    ("evaluate application health alarms", "ops-service-metrics-alarms"),
    ("how to authorize api calls", "sec-api-authentication-authorization"),
    ("reliability regulate inbound request rates", "rel-throttling"),
    ("performance pillar capacity units", "perf-capacity-units"),
    ("cost optimization lambda", "cost-function-configuration"),
    ("sustainability graviton energy", "sus-graviton-arm64"),
    # ---------------------------------------------------------------- design principles
    ("functions concise short single purpose", "principle-speedy-simple-singular"),
    ("cost aware transactions faster initiation", "principle-speedy-simple-singular"),
    ("think concurrent requests not total requests", "principle-concurrent-requests"),
    ("design tradeoffs based on concurrency", "principle-concurrent-requests"),
    ("share nothing", "principle-share-nothing"),
    ("runtime environment short lived persistent storage durable", "principle-share-nothing"),
    ("hardware agnostic dependencies", "principle-no-hardware-affinity"),
    ("underlying infrastructure may change cpu flags", "principle-no-hardware-affinity"),
    ("orchestrate with state machines not functions", "principle-orchestrate-with-state-machines"),
    ("avoid chaining lambda functions", "principle-orchestrate-with-state-machines"),
    ("use events to trigger transactions", "principle-events-trigger-transactions"),
    ("just in time processing lean services", "principle-events-trigger-transactions"),
    ("design for failures and duplicates", "principle-design-for-failures-duplicates"),
    ("retries for downstream calls idempotent operations", "principle-design-for-failures-duplicates"),
    # ---------------------------------------------------------------- operational excellence
    ("cloudwatch metrics and dimensions", "ops-service-metrics-alarms"),
    ("alarms individual and aggregated level", "ops-service-metrics-alarms"),
    ("custom metrics emf", "svc-embedded-metric-format"),
    ("powertools custom metrics", "svc-powertools"),
    ("business metrics kpis", "ops-application-business-metrics"),
    ("customer experience metrics", "ops-application-business-metrics"),
    ("system metrics errors throttles", "ops-service-metrics-alarms"),
    ("operational metrics", "ops-application-business-metrics"),
    ("structured logging json", "ops-structured-logging"),
    ("correlation id downstream", "ops-structured-logging"),
    ("log levels and sampling", "ops-structured-logging"),
    ("lambda logs api send logs outside cloudwatch", "svc-lambda-logs-api"),
    ("xray active tracing", "svc-xray-tracing"),
    ("xray annotations subsegments", "svc-xray-tracing"),
    ("distributed tracing", "ops-distributed-tracing"),
    ("circuit breaker backoff integration points", "svc-sdk-retries-backoff"),
    ("unit integration acceptance tests", "ops-cicd-automated-tests"),
    ("integration tests against real services", "ops-cicd-automated-tests"),
    ("vpc ip address space lambda", "svc-lambda-vpc-access"),
    ("infrastructure as code version control", "ops-infrastructure-as-code-stages"),
    ("separate dev and prod environments", "ops-infrastructure-as-code-stages"),
    ("aws sam or serverless framework", "svc-sam"),
    ("cicd pipeline stages", "ops-cicd-automated-tests"),
    ("safe deployments instead of all at once", "ops-rollout-deployments"),
    ("prototype in temporary environments", "ops-temporary-environments"),
    ("configuration management feature flags", "ops-configuration-management"),
    ("runtime deprecation policy", "ops-runtime-deprecation-policy"),
    # ---------------------------------------------------------------- security
    ("iam auth for api gateway", "sec-api-authentication-authorization"),
    ("cognito user pools authorizer", "svc-cognito-user-pools"),
    ("lambda authorizer", "sec-api-authentication-authorization"),
    ("resource policies for api and functions", "sec-resource-policies"),
    ("mtls client certificates", "sec-api-authentication-authorization"),
    ("api keys for authorization", "caution-api-keys-not-authorization"),
    ("credentials in query string", "caution-credentials-in-requests"),
    ("least privilege lambda role", "sec-single-purpose-functions"),
    ("smaller functions scoped activities", "sec-single-purpose-functions"),
    ("shared iam role across functions", "sec-single-purpose-functions"),
    ("encrypt sensitive data kms", "svc-kms-encryption"),
    ("unencrypted sensitive data in logs", "caution-sensitive-data-in-logs"),
    ("store secrets securely", "sec-secrets-management"),
    ("lambda code signing", "svc-code-signing"),
    ("lambda access vpc resources", "svc-lambda-vpc-access"),
    ("vpc endpoints service to service", "svc-vpc-endpoints"),
    ("api gateway private endpoint", "svc-api-gateway-endpoint-types"),
    ("scope access by jwt claims", "sec-scope-access-by-identity"),
    ("temporary credentials between components", "sec-temporary-credentials"),
    ("control network traffic at all layers", "sec-network-traffic-controls"),
    ("security awareness documents", "sec-security-awareness"),
    ("runtime protection malicious code", "sec-runtime-protection"),
    ("review dependencies for vulnerabilities", "sec-dependency-review"),
    ("validate inbound events", "sec-validate-inbound-events"),
    # ---------------------------------------------------------------- reliability
    ("api throttling", "rel-throttling"),
    ("429 throttled requests", "rel-throttling"),
    ("usage plans api quotas per client", "rel-api-quotas"),
    ("protect backend that cannot scale", "rel-protect-non-scalable-resources"),
    ("recursive invocation loop", "caution-function-starves-others"),
    ("database connection pool limit concurrency", "rel-protect-non-scalable-resources"),
    ("reserved concurrency critical path", "caution-function-starves-others"),
    ("transaction partial intermittent failures", "rel-manage-failures"),
    ("process duplicate events idempotently", "rel-duplicate-events-idempotency"),
    ("long running transactions state machine", "rel-orchestrate-long-running"),
    ("scaling patterns at burst rates", "rel-burst-scaling"),
    ("dlq to retain failed messages", "svc-dead-letter-queues"),
    ("lambda error handling controls", "svc-async-error-handling"),
    ("sdk retry backoff", "svc-sdk-retries-backoff"),
    ("step functions instead of try catch", "principle-orchestrate-with-state-machines"),
    ("partial failures non atomic operations", "caution-partial-failures-non-atomic"),
    # ---------------------------------------------------------------- performance efficiency
    ("edge vs regional endpoint", "svc-api-gateway-endpoint-types"),
    ("test lambda memory settings", "svc-lambda-memory"),
    ("optimize static initialization", "perf-startup-time"),
    ("provisioned concurrency", "svc-lambda-provisioned-concurrency"),
    ("standard vs express workflows", "svc-step-functions-workflow-types"),
    ("dynamodb on-demand vs provisioned", "svc-dynamodb-capacity-modes"),
    ("kinesis enhanced fan-out multiple consumers", "svc-kinesis-enhanced-fanout"),
    ("extended batch window low volume stream", "svc-kinesis-batching"),
    ("lambda timeout a few seconds above average", "svc-lambda-timeouts"),
    ("reuse global scope expensive operations", "svc-lambda-global-scope-reuse"),
    ("rds proxy connection pooling", "svc-rds-proxy"),
    ("break monolithic function into microservices", "principle-speedy-simple-singular"),
    ("api gateway native routing instead of web framework", "svc-api-gateway-native-routing"),
    ("limit consumer wait cycles async", "perf-async-stream-concurrency"),
    ("decouple user experience asynchronous calls", "perf-async-stream-concurrency"),
    ("websockets or polling status updates", "svc-websockets-polling"),
    ("measure capacity units", "perf-capacity-units"),
    ("cache access patterns", "perf-access-patterns-caching"),
    ("integrate services directly without lambda", "perf-direct-service-integrations"),
    # ---------------------------------------------------------------- cost optimization
    ("compute optimizer lambda memory", "svc-compute-optimizer"),
    ("arm graviton cost performance", "svc-lambda-graviton"),
    ("logging ingestion storage costs", "cost-logging-retention"),
    ("log retention period", "cost-logging-retention"),
    ("vpc endpoints instead of nat gateway", "svc-vpc-endpoints"),
    ("dynamodb capacity mode cost", "svc-dynamodb-capacity-modes"),
    ("step functions workflow type cost", "svc-step-functions-workflow-types"),
    ("direct service integrations instead of lambda", "svc-direct-service-integrations"),
    ("global variables keep connections", "svc-lambda-global-scope-reuse"),
    ("athena s3 select only needed data", "svc-athena-s3-select"),
    ("minimise external calls init code", "cost-minimise-external-calls-init"),
    ("optimise function configuration cost", "cost-function-configuration"),
    ("cost aware code patterns", "cost-aware-code-patterns"),
    # ---------------------------------------------------------------- guidelines: deployment approaches
    ("all at once low effort higher risk rollback", "deployment-all-at-once"),
    ("deployment causes downtime", "deployment-all-at-once"),
    ("deploy non-critical dev environment", "deployment-all-at-once"),
    ("near zero downtime release", "deployment-blue-green"),
    ("keep old environment warm", "deployment-blue-green"),
    ("high resolution metrics quick rollback", "deployment-blue-green"),
    ("percentage of requests to new code", "deployment-canary"),
    ("monitor errors regressions during rollout", "deployment-canary"),
    ("codedeploy lambda aliases traffic shifting", "deployment-canary"),
    ("pre traffic hook post traffic hook", "deployment-canary"),
    ("linear deployment 10 percent every minute", "deployment-linear"),
    # ---------------------------------------------------------------- guidelines: lambda version control
    ("immutable function versions", "deployment-lambda-versions"),
    ("alias per development stage", "deployment-lambda-aliases"),
    ("point api gateway to alias arn", "deployment-lambda-aliases"),
    # ---------------------------------------------------------------- guidelines: api gateway
    ("api gateway access logging consumer behavior", "svc-api-gateway-logging"),
    ("request validation json schema", "svc-api-gateway-request-validation"),
    ("compress api responses content encoding", "svc-api-gateway-compression"),
    ("private integration instead of lambda in vpc", "svc-api-gateway-private-integration"),
    # ---------------------------------------------------------------- guidelines: lambda
    ("configure memory from performance testing", "svc-lambda-memory"),
    ("lambda timeout values", "svc-lambda-timeouts"),
    ("provisioned concurrency for steady latency", "svc-lambda-provisioned-concurrency"),
    ("vpc access only when necessary", "svc-lambda-vpc-access"),
    ("lambda extensions judiciously", "svc-lambda-extensions"),
    # ---------------------------------------------------------------- guidelines: dynamodb
    ("on-demand tables unless quotas exceeded", "svc-dynamodb-capacity-modes"),
    ("well distributed hash key indexes", "svc-dynamodb-table-design"),
    ("dax read heavy", "svc-dynamodb-dax"),
    ("ttl expire items", "svc-dynamodb-ttl"),
    # ---------------------------------------------------------------- guidelines: step functions
    ("standard workflow long running auditable", "svc-step-functions-workflow-types"),
    ("express workflows high volume event processing", "svc-step-functions-workflow-types"),
    ("avoid polling loops callbacks .sync", "svc-step-functions-callbacks-sync"),
    ("express workflow idempotent", "svc-step-functions-express-idempotency"),
    ("combine standard and express workflows", "svc-step-functions-combine-workflows"),
    # ---------------------------------------------------------------- guidelines: event processing
    ("kinesis batch size and batch window", "svc-kinesis-batching"),
    ("enhanced fan-out", "svc-kinesis-enhanced-fanout"),
    ("parallelization factor", "svc-kinesis-parallelization-factor"),
    ("iteratorage latency", "svc-kinesis-iterator-age"),
    ("event filtering reduce invocations", "svc-event-filtering"),
    ("async error handling retries", "svc-async-error-handling"),
    ("tumbling windows aggregation", "svc-tumbling-windows"),
    # ---------------------------------------------------------------- important concepts
    ("pay per value pricing", "concept-serverless-computing-model"),
    ("scale based on demand no server management", "concept-serverless-computing-model"),
    ("what is serverless", "concept-serverless-computing-model"),
    ("asynchronous message driven communication", "concept-event-driven-architecture"),
    ("loose coupling between services", "concept-event-driven-architecture"),
    ("event sources event routers event destinations", "concept-event-driven-architecture"),
    ("idempotency", "concept-idempotency"),
    ("applied multiple times same result", "concept-idempotency"),
    ("cold start", "concept-cold-start"),
    ("initial startup delay new execution environment", "concept-cold-start"),
    ("lambda concurrency model", "concept-concurrency-model"),
    ("account and function concurrency limits", "concept-concurrency-model"),
    ("throttling when concurrency limits exceeded", "concept-concurrency-model"),
    ("statelessness", "concept-statelessness"),
    ("in-memory state between invocations", "concept-statelessness"),
    ("externalize state horizontal scaling", "concept-statelessness"),
    # ---------------------------------------------------------------- examples: reference architectures
    ("http api calls microservice", "scenario-restful-microservices"),
    ("rest api lambda dynamodb", "scenario-restful-microservices"),
    ("voice skill alexa devices", "scenario-alexa-skills"),
    ("speech language understanding", "scenario-alexa-skills"),
    ("ask lambda speech response", "scenario-alexa-skills"),
    ("alexa user state sessions dynamodb", "scenario-alexa-skills"),
    ("graphql mobile app", "scenario-mobile-backend"),
    ("appsync data sources opensearch lambda", "scenario-mobile-backend"),
    ("cognito mobile users", "scenario-mobile-backend"),
    ("pinpoint analytics targeted messages", "caution-pinpoint-end-of-support"),
    ("kpl kinesis producer library", "scenario-stream-processing"),
    ("kinesis stream real-time data", "scenario-stream-processing"),
    ("business users reporting insights stream", "scenario-stream-processing"),
    ("static website s3 cloudfront", "scenario-web-application"),
    ("spa hosting", "scenario-web-application"),
    ("crud lambda web app", "scenario-web-application"),
    ("eventbridge rules routing", "scenario-event-driven"),
    ("saas event sources", "scenario-event-driven"),
    ("event destinations step functions sqs", "scenario-event-driven"),
    # ---------------------------------------------------------------- cautions and limitations
    ("api keys not a security mechanism", "caution-api-keys-not-authorization"),
    ("api keys track consumer usage", "caution-api-keys-not-authorization"),
    ("lambda 15 minute limit", "caution-lambda-15-minute-limit"),
    ("max execution duration lambda", "caution-lambda-15-minute-limit"),
    ("cold starts impact performance", "caution-cold-starts"),
    ("memory affects cpu network iops", "caution-memory-affects-cpu"),
    ("lambda extensions overhead", "caution-lambda-extensions-overhead"),
    ("standard workflow 1 year express 5 minutes", "caution-step-functions-duration-limits"),
    ("state transitions throttled token bucket", "caution-state-transition-throttling"),
    ("passing credentials in headers", "caution-credentials-in-requests"),
    ("don't log sensitive data", "caution-sensitive-data-in-logs"),
    ("pii in logs", "caution-sensitive-data-in-logs"),
    ("api gateway access logs sensitive data", "caution-access-logs-sensitive-data"),
    ("concurrency quota per account and region", "caution-account-concurrency-quota"),
    ("one function throttles other functions", "caution-function-starves-others"),
    ("api gateway lambda burst limits", "caution-api-lambda-burst-limits"),
    ("putrecords batchwriteitem partial failure", "caution-partial-failures-non-atomic"),
    ("duplicate records streaming", "caution-duplicate-stream-records"),
    ("failed async calls data loss", "caution-lost-async-failures"),
    ("pinpoint end of support", "caution-pinpoint-end-of-support"),
    ("pinpoint alternative push notifications", "caution-pinpoint-end-of-support"),
    # ---------------------------------------------------------------- additional resources: docs and blogs
    ("aws sam", "svc-sam"),
    ("api gateway stage variables", "resource-stage-and-environment-variables"),
    ("lambda environment variables", "resource-stage-and-environment-variables"),
    ("powertools for aws lambda", "svc-powertools"),
    ("embedded metric format libraries", "svc-embedded-metric-format"),
    ("lambda logging and custom metrics", "svc-embedded-metric-format"),
    ("cloudwatch logs insights", "svc-cloudwatch-logs-insights"),
    ("xray latency distribution", "svc-xray-tracing"),
    ("troubleshooting lambda with x-ray", "svc-xray-tracing"),
    ("ssm parameter store", "svc-parameter-store"),
    ("appconfig lambda extension", "svc-appconfig"),
    ("secrets manager", "svc-secrets-manager"),
    ("serverless ci/cd for the enterprise", "ops-cicd-automated-tests"),
    # ---------------------------------------------------------------- additional resources: whitepapers
    ("security overview of aws lambda", "resource-security-whitepapers"),
    ("owasp top ten", "resource-security-whitepapers"),
    ("owasp secure coding practices", "resource-security-whitepapers"),
    ("implementing microservices on aws", "resource-architecture-whitepapers"),
    ("disaster recovery of workloads", "resource-architecture-whitepapers"),
    ("enterprise economics serverless", "resource-architecture-whitepapers"),
    # ---------------------------------------------------------------- additional resources: third-party tools
    ("serverless developer tools frameworks", "resource-third-party-tools"),
    ("stelligent codepipeline dashboard", "resource-third-party-tools"),
    ("owasp dependency check", "resource-third-party-tools"),
    ("snyk vulnerability database", "resource-third-party-tools"),
    ("hashicorp vault lambda", "resource-third-party-tools"),
    # ---------------------------------------------------------------- sustainability
    ("graviton arm64 energy efficiency", "sus-graviton-arm64"),
    ("right size memory", "sus-right-size-memory"),
    ("reduce logging volume", "sus-reduce-logging"),
    ("remove idle resources", "sus-remove-idle-resources"),
    ("expire unused data lifecycle", "sus-remove-idle-resources"),
    ("read only the data you need", "sus-efficient-data-access"),
]

# The 38 practices of the Well-Architected Tool's serverless lens, by choice id.
LENS_CHOICES = [
    "ops_ops_q1_a1",
    "ops_ops_q1_a2",
    "ops_ops_q1_a3",
    "ops_ops_q1_a4",
    "ops_ops_q2_a1",
    "ops_ops_q2_a2",
    "ops_ops_q2_a3",
    "ops_ops_q2_a4",
    "ops_ops_q2_a5",
    "ops_ops_q2_a6",
    "sec_sec_q1_a1",
    "sec_sec_q1_a2",
    "sec_sec_q1_a3",
    "sec_sec_q2_a1",
    "sec_sec_q2_a2",
    "sec_sec_q2_a3",
    "sec_sec_q2_a4",
    "sec_sec_q3_a1",
    "sec_sec_q3_a2",
    "sec_sec_q3_a3",
    "sec_sec_q3_a4",
    "sec_sec_q3_a5",
    "rel_rel_q1_a1",
    "rel_rel_q1_a2",
    "rel_rel_q1_a3",
    "rel_rel_q2_a1",
    "rel_rel_q2_a2",
    "rel_rel_q2_a3",
    "rel_rel_q2_a4",
    "perf_perf_q1_a1",
    "perf_perf_q1_a2",
    "perf_perf_q1_a3",
    "perf_perf_q1_a4",
    "perf_perf_q1_a5",
    "cost_cost_q1_a1",
    "cost_cost_q1_a2",
    "cost_cost_q1_a3",
    "cost_cost_q1_a4",
]


@pytest.fixture(scope="module")
def kb_index():
    from wa_assist.search import load_index

    return load_index(use_cache=False)


def test_table_is_well_formed():
    queries = [query for query, _ in GUIDE_TOPICS]
    duplicates = [query for query, count in Counter(queries).items() if count > 1]
    assert not duplicates, f"queries listed twice: {duplicates}"
    assert len(GUIDE_TOPICS) >= 150


def test_every_expected_entry_exists():
    from wa_assist.kb import load_knowledge

    entries = load_knowledge(use_cache=False).entries
    missing = sorted({expected for _, expected in GUIDE_TOPICS if expected not in entries})
    assert not missing, f"the coverage table expects entries that do not exist: {missing}"


@pytest.mark.parametrize(("query", "expected"), GUIDE_TOPICS, ids=[q for q, _ in GUIDE_TOPICS])
def test_guide_topic_is_found(kb_index, query: str, expected: str):
    hits = kb_index.search(query, limit=3)
    ids = [hit.id for hit in hits]
    listing = "\n".join(f"  {n}. {hit.id} ({hit.score:.1f}) {hit.title}" for n, hit in enumerate(hits, 1)) or "  (none)"
    assert expected in ids, f"query {query!r}: expected {expected!r} in the top 3, got:\n{listing}"


def test_every_lens_choice_has_exactly_one_entry():
    from wa_assist.kb import load_knowledge

    assert len(LENS_CHOICES) == 38 and len(set(LENS_CHOICES)) == 38
    counts = Counter(entry.lens.choice for entry in load_knowledge(use_cache=False).entries.values() if entry.lens)
    missing = [choice for choice in LENS_CHOICES if counts[choice] == 0]
    repeated = {choice: n for choice, n in counts.items() if n > 1}
    unknown = sorted(set(counts) - set(LENS_CHOICES))
    assert not missing, f"lens choices without an entry: {missing}"
    assert not repeated, f"lens choices claimed by more than one entry: {repeated}"
    assert not unknown, f"entries name choices the lens does not have: {unknown}"
