"""Offline fuzzy search over the knowledge base.

Two stages, both on text normalised once at index time (``rapidfuzz.utils.default_process``):

1. *Term retrieval.* Each query word is matched against the index vocabulary, exactly, by prefix
   (``idempot`` finds ``idempotency``) or fuzzily (``idempotncy``), and scored BM25-style by how rare
   the word is and where it occurs (title and aliases weigh more than body text). Abbreviations from
   ``knowledge/abbreviations.yaml`` add their expansions as alternative readings of the query
   (``dlq`` is also read as ``dead letter queue``).
2. *Question match.* Each entry lists, as data (``asks:``), the questions and symptoms it answers in
   users' words. The query's word stems are compared with each of them (IDF-weighted overlap), so a
   question phrased unlike the entry's text still finds it: "the first call after a deploy is slow"
   matches an ask of the cold-start entry, not the deployment ones.
3. *Name match.* The best candidates are re-scored against their titles and aliases with ``WRatio``,
   which suits short strings, so a query that names an entry ranks it first.

The index holds plain Python data only and is cached beside the knowledge cache, so a cached search
imports neither pydantic nor YAML.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from wa_assist.errors import UserError

if TYPE_CHECKING:
    from pathlib import Path

INDEX_VERSION = 5
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "should",
        "the",
        "to",
        "use",
        "using",
        "what",
        "when",
        "which",
        "why",
        "with",
        "you",
        "your",
        "me",
        "we",
        "our",
        "about",
        "into",
        # the filler of questions asked in full sentences
        "am",
        "any",
        "been",
        "but",
        "could",
        "did",
        "get",
        "got",
        "has",
        "have",
        "if",
        "its",
        "just",
        "make",
        "need",
        "so",
        "that",
        "them",
        "then",
        "there",
        "they",
        "this",
        "want",
        "was",
        "way",
        "were",
        "will",
        "would",
    ]
)
ASK_FIELD = 1.5
ASK_WORDS = 4.0
# Where a word occurs, and how much that counts.
FIELD_WEIGHTS = {
    "title": 3.0,
    "alias": 2.6,
    "ask": ASK_FIELD,
    "keyword": 2.0,
    "summary": 1.5,
    "service": 1.2,
    "step": 1.0,
    "body": 1.0,
}
CANDIDATES = 300
MIN_SCORE = 30.0
# How much the question match counts against the word and name match (see ``SearchIndex.search``).
ASK_WEIGHT = 0.5
ASK_BOOST = 40.0
ALIAS_FACTOR = 0.97  # an alias names an entry slightly less than its title
# A hit's score: the word match and the name match share 100 points; a query that names an entry
# (name match NAMED or more) scores at least NAMED_FLOOR, more as its words match too.
TERM_SHARE = 0.6
NAME_SHARE = 0.4
NAMED = 95
NAMED_FLOOR = 85
NAMED_TERM = 15
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ating",
    "ated",
    "ates",
    "ate",
    "ings",
    "ing",
    "ies",
    "ied",
    "ers",
    "ed",
    "es",
    "er",
    "ly",
    "s",
    "e",
    "y",
)


class QueryError(UserError):
    """A query that cannot be searched (empty, or nothing but punctuation)."""


class Hit:
    """One search result (a plain class: ``dataclasses`` would add to every lookup's start-up)."""

    __slots__ = ("asked", "id", "kind", "matched", "pillars", "score", "summary", "title")

    def __init__(
        self,
        id: str,
        title: str,
        kind: str,
        pillars: tuple[str, ...],
        summary: str,
        score: float,
        matched: float = 0.0,
        asked: float = 0.0,
    ):
        self.id, self.title, self.kind, self.pillars, self.summary, self.score = (
            id,
            title,
            kind,
            pillars,
            summary,
            score,
        )
        self.matched = matched  # share of the query's words (weighted by rarity) found in the entry, 0..1
        self.asked = asked  # closeness to the nearest question the entry answers, 0..1

    def __repr__(self) -> str:
        return f"Hit({self.id!r}, score={self.score:.1f})"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "pillar": self.pillars[0] if self.pillars else None,
            "pillars": list(self.pillars),
            "kind": self.kind,
            "summary": self.summary,
            "score": round(self.score, 1),
        }


def normalise(text: str) -> str:
    return default_process(text)


def _words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w]


def stem(word: str) -> str:
    """A crude English stem, enough to read ``logs``, ``logging`` and ``logged`` as one word."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # running -> run, logging -> log
            elif len(base) > 3 and base[-1] in "ey":
                base = base[:-1]  # retrying -> retr, like retries and retry
            return base.replace("iz", "is")  # optimize and optimise
    return word


class SearchIndex:
    """Everything a query needs, as plain data (picklable, fast to load)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.meta: list[tuple[str, str, tuple[str, ...], str]] = []  # title, kind, pillars, summary
        self.names: list[tuple[str, ...]] = []  # normalised title and aliases per entry
        self.postings: dict[str, dict[int, float]] = {}
        self.vocab: list[str] = []  # sorted
        self.idf: dict[str, float] = {}
        self.abbreviations: dict[str, list[str]] = {}
        self.stems: dict[str, tuple[str, ...]] = {}  # stem -> vocabulary words with that stem
        self.ask_stems: list[tuple[int, frozenset[str], float]] = []  # entry, stems of one ask, their weight
        self.ask_postings: dict[str, list[int]] = {}  # stem -> asks that contain it
        self.stem_idf: dict[str, float] = {}
        self.details: list[tuple[tuple[str, ...], tuple[str, ...]]] = []  # steps, related ids per entry
        self._positions: dict[str, int] | None = None  # entry id -> position, made on first use

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, entries: Iterable[Any], abbreviations: Iterable[Any] = ()) -> SearchIndex:
        """Index entries (objects with the :class:`wa_assist.schema.Entry` attributes)."""
        index = cls()
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        asks: list[tuple[int, list[str]]] = []
        for n, entry in enumerate(entries):
            index.ids.append(entry.id)
            pillars = tuple(p.value if hasattr(p, "value") else str(p) for p in entry.pillars)
            kind = entry.kind.value if hasattr(entry.kind, "value") else str(entry.kind)
            index.meta.append((entry.title, kind, pillars, entry.summary))
            names = [normalise(entry.title), *(normalise(a) for a in entry.aliases)]
            index.names.append(tuple(dict.fromkeys(n for n in names if n)))
            index.details.append((tuple(entry.steps), tuple(entry.related)))
            entry_asks = list(getattr(entry, "asks", ()))
            asks.extend((n, _words(a)) for a in entry_asks)
            fields = {
                "title": [entry.title, entry.id.replace("-", " ")],
                "alias": list(entry.aliases),
                "ask": entry_asks,
                "keyword": list(entry.keywords),
                "summary": [entry.summary],
                "service": list(entry.services),
                "step": list(entry.steps),
                "body": [entry.body],
            }
            weights: dict[str, float] = {}
            for field_name, texts in fields.items():
                w = FIELD_WEIGHTS[field_name]
                for text in texts:
                    for word in _words(text):
                        if word not in weights or weights[word] < w:
                            weights[word] = w
                        elif field_name == "body":
                            weights[word] = min(weights[word] + 0.1, w + 0.5)
            for word, w in weights.items():
                postings[word][n] = w
        total = max(len(index.ids), 1)
        index.postings = dict(postings)
        index.vocab = sorted(postings)
        index.idf = {w: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for w, p in postings.items()}
        by_stem: dict[str, list[str]] = defaultdict(list)
        stem_docs: dict[str, set[int]] = defaultdict(set)
        for word in index.vocab:
            by_stem[stem(word)].append(word)
            stem_docs[stem(word)].update(postings[word])
        index.stems = {s: tuple(words) for s, words in by_stem.items()}
        index.stem_idf = {s: math.log(1 + (total - len(d) + 0.5) / (len(d) + 0.5)) for s, d in stem_docs.items()}
        ask_postings: dict[str, list[int]] = defaultdict(list)
        for n, words in asks:
            stems = frozenset(stem(w) for w in words if w not in STOPWORDS)
            if not stems:
                continue
            k = len(index.ask_stems)
            index.ask_stems.append((n, stems, sum(index.stem_idf[s] for s in stems)))
            for s in stems:
                ask_postings[s].append(k)
        index.ask_postings = dict(ask_postings)
        for abbreviation in abbreviations:
            term = normalise(abbreviation.term)
            if term:
                index.abbreviations.setdefault(term, []).extend(normalise(e) for e in abbreviation.expansions)
        return index

    # ------------------------------------------------------------------ querying

    def _corrected(self, query: str) -> str:
        """The query with each word the index does not know replaced by its closest known word."""
        words = query.split()
        changed = False
        for i, word in enumerate(words):
            if len(word) < 4 or word in self.postings or word in self.abbreviations or word in STOPWORDS:
                continue
            at = bisect.bisect_left(self.vocab, word)
            if at < len(self.vocab) and self.vocab[at].startswith(word):
                continue  # the start of a known word, as typed so far
            best = process.extractOne(word, self.vocab, scorer=fuzz.ratio, score_cutoff=80 if len(word) >= 6 else 85)
            if best is not None:
                words[i] = best[0]
                changed = True
        return " ".join(words) if changed else query

    def _readings(self, query: str) -> list[str]:
        """The query itself plus each abbreviation it contains replaced by an expansion."""
        readings = [query]
        padded = f" {query} "
        for term, expansions in self.abbreviations.items():
            if f" {term} " in padded:
                for expansion in expansions:
                    reading = padded.replace(f" {term} ", f" {expansion} ").strip()
                    if reading not in readings:
                        readings.append(reading)
        return readings[:8]

    def _matches(self, word: str) -> list[tuple[str, float]]:
        """Vocabulary words that match ``word``, with a similarity in 0..1."""
        found: dict[str, float] = {}
        if word in self.postings:
            found[word] = 1.0
        if len(word) >= 4:
            start = bisect.bisect_left(self.vocab, word)
            for candidate in self.vocab[start : start + 40]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, 0.85)
        for candidate in self.stems.get(stem(word), ()):
            found.setdefault(candidate, 0.9)
        if len(word) >= 4 and word not in self.postings:
            cutoff = 80 if len(word) >= 6 else 85
            for candidate, score, _ in process.extract(
                word, self.vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=4
            ):
                found.setdefault(candidate, 0.9 * score / 100)
        return list(found.items())

    def _term_scores(self, reading: str) -> dict[int, float]:
        words = reading.split()
        content = [w for w in words if w not in STOPWORDS] or words
        scores: dict[int, float] = defaultdict(float)
        possible = 0.0
        for word in dict.fromkeys(content):
            matches = self._matches(word)
            if not matches:
                possible += max(self.idf.values(), default=1.0) * 0.5
                continue
            best_idf = max(self.idf[m] for m, _ in matches)
            possible += best_idf
            per_entry: dict[int, float] = {}
            for match, similarity in matches:
                idf = self.idf[match]
                for n, weight in self.postings[match].items():
                    value = similarity * idf * weight / FIELD_WEIGHTS["title"]
                    if value > per_entry.get(n, 0.0):
                        per_entry[n] = value
            for n, value in per_entry.items():
                scores[n] += value
        if possible <= 0:
            return {}
        return {n: s / possible for n, s in scores.items()}

    def _ask_scores(self, text: str) -> dict[int, float]:
        """Entry -> how closely the query matches the best of its ``asks`` (0..1)."""
        words = [w for w in text.split() if w not in STOPWORDS]
        stems = set()
        unknown = 0.0
        rare = max(self.stem_idf.values(), default=1.0)
        for word in words:
            s = stem(word)
            if s in self.stem_idf:
                stems.add(s)
            else:
                unknown += rare * 0.5
        if not stems:
            return {}
        norm = sum(self.stem_idf[s] for s in stems) + unknown
        shared: dict[int, float] = defaultdict(float)
        for s in stems:
            for k in self.ask_postings.get(s, ()):
                shared[k] += self.stem_idf[s]
        scores: dict[int, float] = {}
        for k, common in shared.items():
            n, _, weight = self.ask_stems[k]
            value = common / math.sqrt(norm * weight)
            if value > scores.get(n, 0.0):
                scores[n] = value
        return scores

    def search(
        self,
        query: str,
        *,
        limit: int | None = 10,
        pillar: str | None = None,
        kind: str | None = None,
        min_score: float = MIN_SCORE,
    ) -> list[Hit]:
        """Entries that match ``query``, best first; raises :class:`QueryError` for an empty query."""
        text = normalise(query or "")
        if not text:
            raise QueryError("the query is empty: give some words to look for, for example 'dead letter queue'")
        term: dict[int, float] = defaultdict(float)
        readings = self._readings(text)
        for reading in readings:
            for n, s in self._term_scores(reading).items():
                if s > term[n]:
                    term[n] = s
        allowed = self._filter(pillar, kind)
        # Titles are compared with the query as typed and with its misspelt words corrected: a typo
        # costs a title comparison far more than a word lookup, which matches words fuzzily already.
        corrected = self._corrected(text)
        asked = self._ask_scores(corrected)
        # A few words are a lookup by name; a sentence is a question, where the asks count fully.
        content = [w for w in corrected.split() if w not in STOPWORDS]
        boost = ASK_BOOST * min(1.0, max(0.0, (len(content) - 1) / ASK_WORDS))
        ranked = sorted(
            (n for n in term if allowed is None or n in allowed),
            key=lambda n: -(term[n] + ASK_WEIGHT * asked.get(n, 0.0)),
        )[:CANDIDATES]
        hits = []
        named = readings if corrected == text else [*readings, corrected]
        for n, name in zip(ranked, self._name_scores(named, ranked)):
            score = 100 * TERM_SHARE * min(term[n], 1.0) + NAME_SHARE * name
            score += boost * min(asked.get(n, 0.0), 1.0)  # a question phrased like one the entry answers
            if name >= NAMED:  # the query names the entry
                score = max(score, NAMED_FLOOR + NAMED_TERM * min(term[n], 1.0) - (100 - name))
            if score >= min_score:
                title, k, pillars, summary = self.meta[n]
                hits.append(
                    Hit(
                        self.ids[n],
                        title,
                        k,
                        pillars,
                        summary,
                        min(score, 100.0),
                        min(term[n], 1.0),
                        min(asked.get(n, 0.0), 1.0),
                    )
                )
        hits.sort(key=lambda h: (-h.score, h.title))
        return hits if limit is None else hits[:limit]

    def known_share(self, query: str) -> float:
        """The share of the query's content words (weighted by rarity) that the knowledge base knows, 0..1.

        A question about something else ("how do I bake bread") is mostly words no entry uses.
        """
        words = normalise(query or "").split()
        content = [w for w in words if w not in STOPWORDS] or words
        if not content:
            return 0.0
        rare = max(self.stem_idf.values(), default=1.0)
        known = total = 0.0
        for word in content:
            s = stem(word)
            weight = self.stem_idf.get(s, rare)
            total += weight
            if word in self.postings or s in self.stems or word in self.abbreviations:
                known += weight
        return known / total if total else 0.0

    def entry_meta(self, entry_id: str) -> tuple[str, str, tuple[str, ...], str] | None:
        """Title, kind, pillars and summary of an entry, or None."""
        n = self._position().get(entry_id)
        return None if n is None else self.meta[n]

    def detail(self, entry_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The steps and related ids of an entry (empty for an unknown id)."""
        n = self._position().get(entry_id)
        return ((), ()) if n is None else self.details[n]

    def _position(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {eid: n for n, eid in enumerate(self.ids)}
        return self._positions

    def _name_scores(self, readings: list[str], entries: list[int]) -> list[float]:
        """How well the query names each entry: its title counts fully, an alias slightly less.

        One ``process.extract`` per reading over every candidate's names, rapidfuzz's loop in C: 1.3 to
        1.5 times faster than one ``WRatio`` call per name from Python (measured on the shipped base).
        """
        choices: list[str] = []
        owners: list[tuple[int, float]] = []  # (position in entries, factor) per choice
        for at, n in enumerate(entries):
            for j, name in enumerate(self.names[n]):
                choices.append(name)
                owners.append((at, 1.0 if j == 0 else ALIAS_FACTOR))
        best = [0.0] * len(entries)
        for reading in readings:
            for _, score, k in process.extract(reading, choices, scorer=fuzz.WRatio, limit=None):
                at, factor = owners[k]
                if score * factor > best[at]:
                    best[at] = score * factor
        return best

    def _filter(self, pillar: str | None, kind: str | None) -> set[int] | None:
        if pillar is None and kind is None:
            return None
        return {
            n
            for n, (_, k, pillars, _) in enumerate(self.meta)
            if (pillar is None or pillar in pillars) and (kind is None or k == kind)
        }

    def listing(self, pillar: str | None = None, kind: str | None = None) -> list[Hit]:
        allowed = self._filter(pillar, kind)
        return [
            Hit(self.ids[n], title, k, pillars, summary, 0.0)
            for n, (title, k, pillars, summary) in enumerate(self.meta)
            if allowed is None or n in allowed
        ]


def load_index(extra: Iterable[str | Path] = (), *, use_cache: bool = True) -> SearchIndex:
    """The search index of the knowledge base (shipped plus extra); built and cached on first use."""
    from wa_assist import sources
    from wa_assist.cache import read_cache, write_cache

    shipped, extras = sources.knowledge_files(tuple(extra))
    key = f"{sources.fingerprint([*shipped, *extras])}-v{INDEX_VERSION}"
    if use_cache:
        cached = read_cache("index", key)
        if isinstance(cached, SearchIndex):
            return cached
    from wa_assist.kb import load_knowledge

    kb = load_knowledge(extra, use_cache=use_cache)
    index = SearchIndex.build(kb.entries.values(), kb.abbreviations)
    if use_cache:
        write_cache("index", key, index)
    return index
