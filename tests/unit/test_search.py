"""Search ranking: golden queries, typos, abbreviations, filters and bad queries."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_cli
from wa_assist.search import QueryError, SearchIndex

GOLDEN = [
    # (query, expected id in the top 3)
    ("dead letter queue", "svc-dead-letter-queues"),
    ("DLQ", "svc-dead-letter-queues"),
    ("dlq", "svc-dead-letter-queues"),
    ("EMF", "svc-embedded-metric-format"),
    ("embeded metric format", "svc-embedded-metric-format"),
    ("TTL", "svc-dynamodb-ttl"),
    ("time to live", "svc-dynamodb-ttl"),
    ("DAX", "svc-dynamodb-dax"),
    ("mTLS", "sec-api-authentication-authorization"),
    ("X-Ray", "svc-xray-tracing"),
    ("xray", "svc-xray-tracing"),
    ("x ray tracing", "svc-xray-tracing"),
    ("IAM least privilege", "sec-single-purpose-functions"),
    ("ESM batch size", "svc-kinesis-batching"),
    ("idempotency", "concept-idempotency"),
    ("idempotncy", "concept-idempotency"),
    ("cold strat", "concept-cold-start"),
    ("provisoned concurrency", "svc-lambda-provisioned-concurrency"),
    ("canary deployment", "deployment-canary"),
    ("blue green", "deployment-blue-green"),
    ("api keys authorization", "caution-api-keys-not-authorization"),
    ("15 minute limit", "caution-lambda-15-minute-limit"),
    ("step functions express vs standard", "svc-step-functions-workflow-types"),
    ("enhanced fan-out", "svc-kinesis-enhanced-fanout"),
    ("iterator age", "svc-kinesis-iterator-age"),
    ("rds proxy connection pooling", "svc-rds-proxy"),
    ("graviton arm", "svc-lambda-graviton"),
    ("share nothing", "principle-share-nothing"),
]


@pytest.mark.parametrize(("query", "expected"), GOLDEN)
def test_golden_queries(index, query, expected):
    hits = index.search(query, limit=3)
    ids = [h.id for h in hits]
    assert expected in ids, f"{query!r}: expected {expected} in top 3, got {ids}"


def test_results_are_ranked_best_first(index):
    hits = index.search("dead letter queue", limit=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 100 for s in scores)


def test_pillar_and_kind_filters(index):
    hits = index.search("logging", pillar="cost-optimization", limit=None)
    assert hits and all("cost-optimization" in h.pillars for h in hits)
    hits = index.search("lambda", kind="caution", limit=None)
    assert hits and all(h.kind == "caution" for h in hits)


@pytest.mark.parametrize("query", ["", "   ", "?!,."])
def test_empty_query_is_an_error(index, query):
    with pytest.raises(QueryError, match="empty"):
        index.search(query)


@pytest.mark.parametrize("query", ["qwxzvbnmkj", "zzzzzz yyyyyy"])
def test_nonsense_finds_nothing(index, query):
    assert index.search(query) == []


def test_index_scales(kb):
    """A synthetic base of many entries still finds the right one (speed is in benchmarks)."""
    from tests.benchmarks.synthetic import synthetic_entries

    entries = [*kb.entries.values(), *synthetic_entries(2000)]
    big = SearchIndex.build(entries, kb.abbreviations)
    assert big.search("dlq", limit=3)[0].id == "svc-dead-letter-queues"


# ------------------------------------------------------------------ the command line


def test_cli_search_json():
    result = run_cli("search", "dead", "letter", "queue", "--format", "json", "--limit", "3")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) <= 3
    assert hits[0]["id"] == "svc-dead-letter-queues"
    assert set(hits[0]) >= {"id", "title", "pillar", "kind", "summary", "score"}


def test_cli_search_table_and_filters():
    result = run_cli("search", "throttling", "--pillar", "reliability", "--kind", "practice")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split()[:3] == ["ID", "KIND", "SCORE"]
    assert "rel-throttling" in result.stdout


def test_cli_search_no_query_and_nonsense():
    empty = run_cli("search")
    assert empty.returncode == 2 and "query is empty" in empty.stderr and "Traceback" not in empty.stderr
    nonsense = run_cli("search", "qwxzvbnmkj", "--format", "json")
    assert nonsense.returncode == 1
    assert json.loads(nonsense.stdout) == []
    assert "No entries match 'qwxzvbnmkj'" in nonsense.stderr


def test_cli_bad_option_value():
    result = run_cli("search", "x", "--pillar", "speed")
    assert result.returncode == 2
    assert "'speed' is not a pillar" in result.stderr and "reliability" in result.stderr


def test_cli_show_markdown_and_json():
    result = run_cli("show", "rel-throttling")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# ")
    assert "## Related" in result.stdout and "rel_q1" in result.stdout
    data = json.loads(run_cli("show", "rel-throttling", "--format", "json").stdout)
    assert data["id"] == "rel-throttling" and data["lens"]["choice"] == "rel_rel_q1_a1"
    assert data["related_entries"] and all("title" in r for r in data["related_entries"])


def test_cli_show_unknown_id_suggests():
    result = run_cli("show", "rel-throtling")
    assert result.returncode == 2
    assert "no entry with id 'rel-throtling'" in result.stderr
    assert "rel-throttling" in result.stderr and "Traceback" not in result.stderr


def test_cli_list(kb):
    result = run_cli("list", "--format", "json")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == len(kb.entries)
    cautions = json.loads(run_cli("list", "--kind", "caution", "--format", "json").stdout)
    assert cautions and all(c["kind"] == "caution" for c in cautions)


def test_search_does_not_import_textual_or_copier():
    import subprocess
    import sys

    code = (
        "import sys; from wa_assist.cli import main; main(['search', 'dlq', '--format', 'json']); "
        "print(sorted(m for m in ('textual', 'copier', 'pydantic', 'rich', 'yaml', 'pathlib', 'tempfile') "
        "if m in sys.modules), file=sys.stderr)"
    )
    # pathlib and tempfile (with what they import) cost a cached lookup about a tenth of its run
    # first call builds the cache (and may load pydantic); the second is the cached path users hit
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_misspelt_words_are_read_as_the_words_meant(index):
    assert index._corrected("step funtions express") == "step functions express"
    assert index._corrected("dead leter queue") == "dead letter queue"
    assert index._corrected("idempot") == "idempot"  # the start of a word, as typed so far
    assert index._corrected("canary deployment") == "canary deployment"  # known words stay


def _drop_a_letter(query: str) -> str | None:
    """The query with the middle letter of its longest word (five letters or more) dropped."""
    words = query.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    if len(words[i]) < 5:
        return None
    words[i] = words[i][: len(words[i]) // 2] + words[i][len(words[i]) // 2 + 1 :]
    return " ".join(words)


def test_guide_topics_with_a_typo_are_still_found(index):
    from tests.unit.test_coverage import GUIDE_TOPICS

    cases = [(typo, expected) for query, expected in GOLDEN + list(GUIDE_TOPICS) if (typo := _drop_a_letter(query))]
    ranks = []
    for query, expected in cases:
        ids = [h.id for h in index.search(query, limit=10)]
        ranks.append(ids.index(expected) + 1 if expected in ids else None)
    in_top3 = sum(1 for r in ranks if r and r <= 3)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    assert len(cases) > 200
    assert in_top3 / len(cases) >= 0.98, f"{in_top3} of {len(cases)} in the top 3"
    assert mrr >= 0.87, f"mean reciprocal rank {mrr:.3f}"
    dlq = [h.id for h in index.search("sqs dead leter queue", limit=3)]
    assert dlq[0] == "svc-dead-letter-queues", dlq
