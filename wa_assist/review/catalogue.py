"""The checks as the review needs them: each knowledge record with its practice and lens question, in plain data.

Built from the knowledge base once and cached (``wa_assist.cache``) under the same fingerprint as the knowledge
base, so a review with a warm cache reads one pickle of plain objects and never imports pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_assist.errors import UserError

_CACHE = "review-catalogue-2"
DEFAULT_HELP = "https://docs.aws.amazon.com/wellarchitected/latest/serverless-applications-lens/welcome.html"


class CatalogueError(UserError):
    """Check records and detections that do not match one to one."""


@dataclass(frozen=True)
class CheckInfo:
    id: str
    title: str
    severity: str
    resources: tuple[str, ...]
    message: str
    fix_text: str
    fix_sam: str
    also_reported_by: tuple[str, ...]
    practice: str
    practice_title: str
    question: str
    choice: str
    tier: str
    pillars: tuple[str, ...]
    help: str
    help_uri: str
    file: str
    not_applicable_when: dict[str, Any] = field(default_factory=dict)  # profile answers that waive the check


@dataclass(frozen=True)
class PracticeInfo:
    id: str
    title: str
    question: str
    choice: str
    tier: str
    pillars: tuple[str, ...]
    checks: tuple[str, ...]


@dataclass
class Catalogue:
    checks: dict[str, CheckInfo]
    practices: dict[str, PracticeInfo]
    questions: dict[str, dict[str, str]]  # id -> {title, pillar}
    applies: dict[str, Any] = field(default_factory=dict)  # practice id -> its advice 'applies' condition

    def checks_for(self, practice_id: str) -> list[str]:
        practice = self.practices.get(practice_id)
        return list(practice.checks) if practice else []


def build(kb: Any) -> Catalogue:
    checks: dict[str, CheckInfo] = {}
    practices: dict[str, PracticeInfo] = {}
    applies: dict[str, Any] = {}
    for entry in kb.entries.values():
        if not entry.checks or entry.lens is None:
            continue
        uri = entry.references[0].url if entry.references else DEFAULT_HELP
        help_text = f"{entry.title}\n\n{entry.summary}\n\n{entry.body.strip()}"
        if entry.steps:
            help_text += "\n\n" + "\n".join(f"- {step}" for step in entry.steps)
        pillars = tuple(p.value for p in entry.pillars)
        for check in entry.checks:
            checks[check.id] = CheckInfo(
                id=check.id,
                title=check.title,
                severity=check.severity.value,
                resources=tuple(check.resources),
                message=check.message,
                fix_text=check.fix.text,
                fix_sam=check.fix.sam,
                also_reported_by=tuple(check.also_reported_by),
                practice=entry.id,
                practice_title=entry.title,
                question=entry.lens.question,
                choice=entry.lens.choice,
                tier=entry.lens.tier.value,
                pillars=pillars,
                help=help_text,
                help_uri=uri,
                file=kb.origins.get(entry.id, ""),
                not_applicable_when=dict(check.not_applicable_when),
            )
        practices[entry.id] = PracticeInfo(
            entry.id,
            entry.title,
            entry.lens.question,
            entry.lens.choice,
            entry.lens.tier.value,
            pillars,
            tuple(c.id for c in entry.checks),
        )
        if entry.advice is not None:
            applies[entry.id] = entry.advice.applies
    questions = {q.id: {"title": q.title, "pillar": q.pillar.value} for q in kb.lens_questions.values()}
    return Catalogue(checks, practices, questions, applies)


def verify(catalogue: Catalogue, detections: dict[str, Any]) -> None:
    """Every record has a detection and every detection a record; else :class:`CatalogueError`."""
    problems = [
        f"{info.file}: check {cid} (entry '{info.practice}') has no detection registered in wa_assist.review"
        for cid, info in sorted(catalogue.checks.items())
        if cid not in detections
    ]
    problems += [
        f"detection {cid} ({detections[cid].__module__}) has no check record in the knowledge base"
        for cid in sorted(detections)
        if cid not in catalogue.checks
    ]
    if problems:
        raise CatalogueError("checks and detections do not match:\n" + "\n".join(f"  {p}" for p in problems))


def load_catalogue(extra: tuple[str | Path, ...] = (), *, use_cache: bool = True) -> Catalogue:
    """The checks of the shipped knowledge base (with extra guidance), verified against the detections."""
    from wa_assist import sources
    from wa_assist.cache import read_cache, write_cache
    from wa_assist.review.registry import load_detections

    shipped, extras = sources.discover(tuple(extra))
    key = sources.fingerprint([*shipped, *extras, *_code_files()])
    catalogue = read_cache(_CACHE, key) if use_cache else None
    if not isinstance(catalogue, Catalogue):
        from wa_assist.kb import load_knowledge

        catalogue = build(load_knowledge(extra))
        if use_cache:
            write_cache(_CACHE, key, catalogue)
    verify(catalogue, load_detections())
    return catalogue


def _code_files() -> list[Path]:
    return [Path(__file__)]
