"""Retrieval quality on natural-language questions: recall@1, recall@3 and MRR.

    python tests/benchmarks/eval_ask.py [--misses]

Reads the tuning and held-out question sets in ``tests/data/`` and prints, for each, recall@1 (the first
answer is one of the expected entries), recall@3 and the mean reciprocal rank (over the top 10), plus
the scores of the best match for on-topic and off-topic questions, which the ``ask`` threshold is set from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def load_set(name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The questions (``q``, ``ids``) and off-topic questions of ``ask_<name>.yaml``."""
    import yaml

    data = yaml.safe_load((DATA / f"ask_{name}.yaml").read_text(encoding="utf-8"))
    return data[name], data.get("offtopic", [])


def rank_of(index: Any, question: str, expected: list[str]) -> int | None:
    ids = [h.id for h in index.search(question, limit=10)]
    ranks = [ids.index(e) + 1 for e in expected if e in ids]
    return min(ranks) if ranks else None


def measure(index: Any, questions: list[dict[str, Any]]) -> dict[str, float]:
    ranks = [rank_of(index, q["q"], q["ids"]) for q in questions]
    n = len(ranks)
    return {
        "n": n,
        "recall@1": sum(1 for r in ranks if r == 1) / n,
        "recall@3": sum(1 for r in ranks if r and r <= 3) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def confidences(index: Any, questions: list[dict[str, Any]], offtopic: list[str]) -> dict[str, Any]:
    """The ``ask`` confidence of every on-topic and off-topic question, and the shares it gets right."""
    from wa_assist.ask import CONFIDENCE, answer

    on = sorted(answer(index, q["q"]).confidence for q in questions)
    off = sorted(answer(index, q).confidence for q in offtopic)
    return {
        "on": on,
        "off": off,
        "answered": sum(1 for v in on if v >= CONFIDENCE) / len(on),
        "refused": sum(1 for v in off if v < CONFIDENCE) / max(len(off), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the questions whose answer is not first")
    parser.add_argument("--set", choices=("tuning", "heldout", "both"), default="both")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from wa_assist.ask import CONFIDENCE
    from wa_assist.kb import load_knowledge
    from wa_assist.search import SearchIndex

    kb = load_knowledge(use_cache=False)
    index = SearchIndex.build(kb.entries.values(), kb.abbreviations)
    names = ("tuning", "heldout") if args.set == "both" else (args.set,)
    for name in names:
        questions, offtopic = load_set(name)
        m = measure(index, questions)
        print(f"{name:8} n={m['n']:3}  recall@1 {m['recall@1']:.3f}  recall@3 {m['recall@3']:.3f}  MRR {m['mrr']:.3f}")
        c = confidences(index, questions, offtopic)
        print(
            f"         confidence on-topic: min {c['on'][0]:.1f}, 5th pct {c['on'][len(c['on']) // 20]:.1f}; "
            f"off-topic: {', '.join(f'{v:.1f}' for v in c['off'])}"
        )
        print(
            f"         at the ask threshold {CONFIDENCE:g}: {c['answered']:.0%} of on-topic questions answered, "
            f"{c['refused']:.0%} of off-topic ones refused"
        )
        if args.misses:
            for q in questions:
                hits = index.search(q["q"], limit=3)
                if not hits or hits[0].id not in q["ids"]:
                    print(f"   - {q['q']!r}: want {q['ids'][0]}, got {[h.id for h in hits]}")


if __name__ == "__main__":
    main()
