"""Synthetic knowledge entries for scale tests and benchmarks."""

from __future__ import annotations

import random

from wa_assist.schema import Entry

WORDS = [
    "lambda",
    "queue",
    "stream",
    "table",
    "index",
    "cache",
    "api",
    "gateway",
    "function",
    "event",
    "bus",
    "rule",
    "retry",
    "timeout",
    "memory",
    "alarm",
    "metric",
    "trace",
    "log",
    "bucket",
    "object",
    "key",
    "policy",
    "role",
    "token",
    "certificate",
    "workflow",
    "state",
    "batch",
    "shard",
    "consumer",
    "producer",
    "throughput",
    "latency",
    "capacity",
    "scaling",
    "burst",
    "quota",
    "limit",
    "region",
    "edge",
    "origin",
    "schema",
    "model",
    "route",
]


def synthetic_entries(count: int, seed: int = 7) -> list[Entry]:
    rng = random.Random(seed)
    entries = []
    for n in range(count):
        words = rng.sample(WORDS, 6)
        entries.append(
            Entry.model_validate(
                {
                    "id": f"synthetic-{n}",
                    "kind": rng.choice(["practice", "concept", "caution", "service-guidance"]),
                    "pillars": [rng.choice(["security", "reliability", "cost-optimization"])],
                    "title": f"Synthetic {words[0]} {words[1]} guidance {n}",
                    "summary": f"How to handle {words[2]} and {words[3]} in case {n}.",
                    "body": " ".join(rng.choice(WORDS) for _ in range(120)),
                    "steps": [f"Configure the {w} carefully" for w in words[:3]],
                    "aliases": [f"{words[4]}-{n}"],
                    "keywords": words[3:],
                }
            )
        )
    return entries
