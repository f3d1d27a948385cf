"""Running the checks over templates: findings, suppressions, practice statuses and the lens risk."""

from __future__ import annotations

import errno
import os
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wa_assist.errors import UserError
from wa_assist.review.catalogue import Catalogue, CheckInfo, load_catalogue
from wa_assist.review.registry import Detection, Hit
from wa_assist.review.template import Template, TemplateError, load

SEVERITIES = ("high", "medium", "low")
RISKS = ("none", "medium", "high")
SKIP_DIRS = {".aws-sam", "node_modules", ".git", ".venv", "venv", "__pycache__", "cdk.out", ".terraform"}
TEMPLATE_NAMES = {"template.yaml", "template.yml", "template.json"}
_SUFFIXES = (".yaml", ".yml", ".json", ".template")


@dataclass
class Finding:
    check: str
    practice: str
    question: str
    pillars: list[str]
    severity: str
    file: str
    line: int
    resource: str
    message: str
    fix: str
    title: str = ""
    path: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["title"], data["path"]
        return data


@dataclass
class Suppressed:
    finding: Finding
    reason: str
    by: str  # "metadata" (the resource opts out) or "profile" (the practice does not apply)

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), "reason": self.reason, "suppressed_by": self.by}


@dataclass
class Report:
    files: list[str]
    findings: list[Finding]
    suppressed: list[Suppressed]
    practices: list[dict[str, Any]]
    risk: dict[str, Any]
    errors: list[TemplateError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    catalogue: Catalogue | None = None

    def at_or_above(self, severity: str) -> list[Finding]:
        if severity == "never":
            return []
        limit = SEVERITIES.index(severity)
        return [f for f in self.findings if SEVERITIES.index(f.severity) <= limit]

    def status(self, practice_id: str) -> str | None:
        for p in self.practices:
            if p["id"] == practice_id:
                return str(p["status"])
        return None


class _Fields(string.Formatter):
    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        return kwargs.get(key, "{" + str(key) + "}")


def message(info: CheckInfo, hit: Hit) -> str:
    try:
        return _Fields().format(info.message, **hit.fields)
    except (ValueError, IndexError, AttributeError):
        return info.message


# --------------------------------------------------------------------------- finding the templates


def _looks_like_cloudformation(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return True  # let the reader report why it cannot be read
    if b"\x00" in head[:8192]:
        return False
    return b"AWSTemplateFormatVersion" in head or (b"Resources" in head and b"AWS::" in head)


def discover(paths: Sequence[str | Path]) -> tuple[list[Path], list[TemplateError]]:
    """Template files under ``paths``: files as given, folders searched (skipping build and VCS folders)."""
    files: list[Path] = []
    errors: list[TemplateError] = []
    for given in paths:
        path = Path(given)
        try:
            is_dir = path.is_dir()
        except OSError as exc:
            errors.append(TemplateError(path, f"cannot read: {exc.strerror or exc}"))
            continue
        if not is_dir:
            if not os.path.lexists(path):
                errors.append(TemplateError(path, "no such file or folder"))
            else:
                files.append(path)
            continue
        _walk(path, files, errors, (os.path.realpath(path),))
    seen: set[str] = set()
    unique = []
    for f in files:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, errors


def _walk(folder: Path, files: list[Path], errors: list[TemplateError], ancestors: tuple[str, ...]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        errors.append(TemplateError(folder, f"cannot read the folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                errors.append(TemplateError(path, "symbolic link loop (the link resolves to itself)"))
            else:
                errors.append(TemplateError(path, f"cannot read: {exc.strerror or exc}"))
            continue
        if is_dir:
            if entry.name in SKIP_DIRS:
                continue
            real = os.path.realpath(path)
            if real in ancestors:
                errors.append(TemplateError(path, f"symbolic link loop: it points back to {real}"))
                continue
            _walk(path, files, errors, (*ancestors, real))
        elif is_file:
            name = entry.name.lower()
            if name in TEMPLATE_NAMES or (name.endswith(_SUFFIXES) and _looks_like_cloudformation(path)):
                files.append(path)


# --------------------------------------------------------------------------- running


_CKV = re.compile(r"CKV2?_AWS_[0-9]+")


def _other_linters(r: Any, catalogue: Catalogue, out: dict[tuple[str, str], str]) -> None:
    """Suppressions written for cfn-lint (``ignore_checks``) or checkov (``skip``) of the same finding."""
    ignore_checks = (
        r.metadata.get("cfn-lint", {}).get("config", {}) if isinstance(r.metadata.get("cfn-lint"), dict) else {}
    )
    ignore_checks = ignore_checks.get("ignore_checks") if isinstance(ignore_checks, dict) else None
    for rule in ignore_checks if isinstance(ignore_checks, list) else []:
        if not isinstance(rule, str):
            continue
        for cid, info in catalogue.checks.items():
            if rule == f"{_LEVEL[info.severity]}{cid}" or f"serverless-rules {rule}" in info.also_reported_by:
                out.setdefault((r.id, cid), f"cfn-lint ignore_checks {rule} in the resource's Metadata")
    skips = r.metadata.get("checkov", {}).get("skip") if isinstance(r.metadata.get("checkov"), dict) else None
    for skip in skips if isinstance(skips, list) else []:
        ckv = skip.get("id") if isinstance(skip, dict) else None
        if not isinstance(ckv, str):
            continue
        for cid, info in catalogue.checks.items():
            if any(ckv in _CKV.findall(other) for other in info.also_reported_by if other.startswith("checkov ")):
                out.setdefault((r.id, cid), f"checkov skip {ckv}: {skip.get('comment') or 'no comment'}")


_LEVEL = {"high": "E", "medium": "W", "low": "I"}


def _suppressions(t: Template, catalogue: Catalogue, errors: list[TemplateError]) -> dict[tuple[str, str], str]:
    """(resource, check) -> reason, from ``Metadata: wa-assist: ignore: [{id, reason}]``, then from the same
    finding suppressed for cfn-lint (Serverless Rules ids) or checkov."""
    out: dict[tuple[str, str], str] = {}
    for r in t.resources.values():
        _other_linters(r, catalogue, out)
        block = r.metadata.get("wa-assist")
        if block is None:
            continue
        loc = ("Resources", r.id, "Metadata", "wa-assist")
        items = block.get("ignore") if isinstance(block, dict) else None
        if not isinstance(items, list):
            errors.append(
                TemplateError(
                    t.path, f"resource '{r.id}': Metadata wa-assist takes 'ignore: [{{id, reason}}]'", t.line_of(loc)
                )
            )
            continue
        for i, item in enumerate(items):
            where = t.line_of((*loc, "ignore", i))
            cid = item.get("id") if isinstance(item, dict) else None
            reason = item.get("reason") if isinstance(item, dict) else None
            if not isinstance(cid, str) or cid not in catalogue.checks:
                span = f"{min(catalogue.checks)}..{max(catalogue.checks)}" if catalogue.checks else "none"
                errors.append(
                    TemplateError(
                        t.path,
                        f"resource '{r.id}': ignore entry needs the 'id' of a check ({span}); got {cid!r}",
                        where,
                    )
                )
                continue
            if not isinstance(reason, str) or not reason.strip():
                errors.append(TemplateError(t.path, f"resource '{r.id}': ignoring {cid} needs a 'reason'", where))
                continue
            out[(r.id, cid)] = reason.strip()
    return out


def check_template(
    t: Template, catalogue: Catalogue, detections: dict[str, Detection], ignore: Iterable[str] = ()
) -> tuple[list[Finding], list[Suppressed], list[TemplateError]]:
    errors: list[TemplateError] = []
    skip = set(ignore)
    suppress = _suppressions(t, catalogue, errors)
    findings: list[Finding] = []
    suppressed: list[Suppressed] = []
    for cid, detect in detections.items():
        if cid in skip:
            continue
        info = catalogue.checks[cid]
        seen: set[tuple[str, tuple[Any, ...]]] = set()
        try:
            hits = list(detect(t))
        except Exception as exc:  # a bug in one check must not stop the review of the rest
            errors.append(
                TemplateError(t.path, f"check {cid} could not evaluate this template ({exc!r}); please report it")
            )
            continue
        for hit in hits:
            if (hit.resource, hit.path) in seen:
                continue
            seen.add((hit.resource, hit.path))
            finding = Finding(
                check=cid,
                practice=info.practice,
                question=info.question,
                pillars=list(info.pillars),
                severity=info.severity,
                file=t.path,
                line=t.line_of(hit.path),
                resource=hit.resource,
                message=message(info, hit),
                fix=info.fix_text,
                title=info.title,
                path=hit.path,
            )
            reason = suppress.get((hit.resource, cid))
            if reason is not None:
                suppressed.append(Suppressed(finding, reason, "metadata"))
            else:
                findings.append(finding)
    return findings, suppressed, errors


def _not_applicable_by_profile(
    catalogue: Catalogue, profile: str | Path, knowledge: tuple[str | Path, ...]
) -> tuple[set[str], dict[str, str]]:
    """Practices whose advice does not apply to the profile's workload, and the checks its answers waive
    (check id -> the reason: the answers under which the workload does without what the check looks for)."""
    from wa_assist import conditions
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import load_profile

    kb = load_knowledge(knowledge)
    values = load_profile(profile, kb).values
    practices = {pid for pid, cond in catalogue.applies.items() if not conditions.evaluate(cond, values)}
    waived = {
        cid: "the profile does without it on purpose (" + _answers(info.not_applicable_when, values) + ")"
        for cid, info in catalogue.checks.items()
        if info.not_applicable_when and conditions.evaluate(info.not_applicable_when, values)
    }
    for pid, practice in catalogue.practices.items():
        if practice.checks and all(c in waived for c in practice.checks):
            practices.add(pid)
    return practices, waived


def _answers(cond: dict[str, Any], values: dict[str, Any]) -> str:
    """The profile answers a condition reads, as ``field: value``."""
    from wa_assist import conditions

    names = sorted(conditions.condition_fields(cond))
    return ", ".join(f"{n}: {values.get(n)}" for n in names if n in values) or "its answers"


def review_paths(
    paths: Sequence[str | Path],
    profile: str | Path | None = None,
    ignore: Iterable[str] = (),
    knowledge: Iterable[str | Path] = (),
    catalogue: Catalogue | None = None,
) -> Report:
    """Review every template under ``paths``. Unreadable files are in ``Report.errors``; the rest are reviewed.

    With ``profile``, practices whose advice does not apply to that workload are not applicable, and their
    findings are listed as suppressed by the profile; so are the findings of checks whose
    ``not_applicable_when`` the profile's answers meet (a practice whose every check is waived is not applicable).
    """
    from wa_assist.review.registry import load_detections

    knowledge = tuple(knowledge)
    catalogue = catalogue or load_catalogue(knowledge)
    detections = load_detections()
    ignored = sorted(set(ignore))
    unknown = [c for c in ignored if c not in catalogue.checks]
    if unknown:
        raise UnknownCheck(unknown, catalogue)
    excluded, waived = _not_applicable_by_profile(catalogue, profile, knowledge) if profile else (set(), {})

    files, errors = discover(paths)
    findings: list[Finding] = []
    suppressed: list[Suppressed] = []
    templates: list[Template] = []
    reviewed: list[str] = []
    for path in files:
        try:
            t = load(path)
        except TemplateError as exc:
            errors.append(exc)
            continue
        templates.append(t)
        reviewed.append(str(path))
        found, quiet, problems = check_template(t, catalogue, detections, ignored)
        errors.extend(problems)
        for f in found:
            if f.practice in excluded and f.check not in waived:
                suppressed.append(
                    Suppressed(f, "the practice does not apply to the workload of the profile", "profile")
                )
            elif f.check in waived:
                suppressed.append(Suppressed(f, waived[f.check], "profile"))
            else:
                findings.append(f)
        suppressed.extend(quiet)

    practices = practice_statuses(catalogue, templates, findings, suppressed, excluded, set(ignored))
    return Report(
        files=reviewed,
        findings=findings,
        suppressed=suppressed,
        practices=practices,
        risk=rate(catalogue, practices),
        errors=errors,
        ignored=ignored,
        catalogue=catalogue,
    )


class UnknownCheck(UserError):
    """An --ignore (or ignore=) id that names no check."""

    def __init__(self, ids: list[str], catalogue: Catalogue):
        self.ids = ids
        super().__init__(
            f"unknown check id {', '.join(ids)}; checks are {min(catalogue.checks)}..{max(catalogue.checks)}"
        )


def practice_statuses(
    catalogue: Catalogue,
    templates: list[Template],
    findings: list[Finding],
    suppressed: list[Suppressed],
    excluded: set[str],
    ignored: set[str],
) -> list[dict[str, Any]]:
    failing = {f.practice for f in findings}
    out = []
    for pid, practice in catalogue.practices.items():
        active = [c for c in practice.checks if c not in ignored]
        if not active:
            continue
        if pid in excluded:
            status = "not applicable"
        elif pid in failing:
            status = "missing"
        elif any(t.has_kind(kind) for t in templates for c in active for kind in catalogue.checks[c].resources):
            status = "in place"
        else:
            status = "not applicable"
        out.append(
            {
                "id": pid,
                "status": status,
                "title": practice.title,
                "question": practice.question,
                "choice": practice.choice,
                "tier": practice.tier,
                "checks": active,
            }
        )
    return out


def rate(catalogue: Catalogue, practices: list[dict[str, Any]]) -> dict[str, Any]:
    """Per lens question: high when a Required practice is missing, medium when another one is, none otherwise."""
    questions: dict[str, dict[str, Any]] = {}
    for qid, info in catalogue.questions.items():
        questions[qid] = {"title": info["title"], "pillar": info["pillar"], "risk": "none", "practices": []}
    for p in practices:
        q = questions[p["question"]]
        q["practices"].append({"id": p["id"], "tier": p["tier"], "status": p["status"]})
        if p["status"] == "missing":
            level = "high" if p["tier"] == "required" else "medium"
            q["risk"] = max(q["risk"], level, key=RISKS.index)
    pillars: dict[str, str] = {}
    for q in questions.values():
        q["assessed"] = bool(q["practices"])
        pillars[q["pillar"]] = max(pillars.get(q["pillar"], "none"), q["risk"], key=RISKS.index)
    return {"pillars": pillars, "questions": questions}


def checks_for(practice_id: str, knowledge: Iterable[str | Path] = ()) -> list[str]:
    """The ids of the checks that prove ``practice_id`` in a template (empty when none does)."""
    return load_catalogue(tuple(knowledge)).checks_for(practice_id)
