"""Render a SAM project from the shipped Copier template, atomically and without prompts.

`new_project` ties profile, engine and template together; `render` only needs the answers, so the
TUI and tests can call it directly. Copier is imported lazily: most commands never need it.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_assist.errors import UserError

TEMPLATE_NAME = "sam"


class ScaffoldError(UserError):
    """A problem the user can act on (destination not empty, conflicting file, bad option)."""


@dataclass
class Rendered:
    """What `render` produced."""

    dest: Path
    files: list[Path] = field(default_factory=list)  # relative to dest, sorted
    kept: list[Path] = field(default_factory=list)  # already there with the same content


def template_dir() -> Path:
    from wa_assist.paths import templates_dir

    return templates_dir() / TEMPLATE_NAME


# ---------------------------------------------------------------------------- answers


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _plain(value: Any) -> Any:
    """Enums, pydantic models and tuples as plain YAML-friendly values."""
    if hasattr(value, "value") and type(value).__module__ != "builtins" and not isinstance(value, (str, int)):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump())
    return value


def recommendation_answer(rec: Any) -> dict[str, Any]:
    """One accepted recommendation as the template reads it."""
    return {
        "id": str(_get(rec, "id", "")),
        "title": str(_get(rec, "title", "")),
        "pillars": [str(_plain(p)) for p in (_get(rec, "pillars") or [])],
        "priority": str(_plain(_get(rec, "priority", "")) or ""),
        "reasons": [str(r) for r in (_get(rec, "reasons") or [])],
        "implemented_in": [
            {"where": str(_get(i, "where", "")), "what": str(_get(i, "what", ""))}
            for i in (_get(rec, "implemented_in") or [])
        ],
    }


def rejected_answer(rec: Any) -> dict[str, Any]:
    if isinstance(rec, str):
        return {"id": rec, "title": rec, "changes": ""}
    return {
        "id": str(_get(rec, "id", "")),
        "title": str(_get(rec, "title", "") or _get(rec, "id", "")),
        "changes": str(_get(rec, "changes", "") or ""),
    }


# TEMPORARY, until the component manifests compute the `functions` answer (logical id -> {"kind": ...}):
# the kind (knowledge/decisions.yaml function_kinds) of every function the components define. The
# template reads it only while `functions` is still a plain list. IndexerFunction consumes the table's
# stream, or a queue in relational projects; both kinds get the same settings except reserved
# concurrency, which only the functions holding database connections need, hence "stream".
FUNCTION_KINDS_PENDING_MANIFESTS = {
    "ItemsFunction": "api",
    "SearchFunction": "api",
    "FilesFunction": "api",
    "ArchiveFunction": "api",
    "SkillFunction": "api",
    "AuthorizerFunction": "authorizer",
    "ConsumerFunction": "stream",
    "AggregatorFunction": "stream",
    "IndexerFunction": "stream",
    "WorkerFunction": "queue",
    "QueueWorkerFunction": "queue",
    "OrderProcessorFunction": "event",
    "WorkflowStepFunction": "workflow-step",
    "PreTrafficHookFunction": "hook",
}


def build_answers(profile: Mapping[str, Any], result: Any) -> dict[str, Any]:
    """Template answers: every profile field, every decision (decisions win on shared ids such as
    `architecture`), the per-kind overrides of the decisions, and the accepted and rejected
    recommendations."""
    answers: dict[str, Any] = {k: _plain(v) for k, v in profile.items()}
    answers.update({k: _plain(v) for k, v in dict(_get(result, "decisions") or {}).items()})
    answers["function_settings"] = _plain(dict(_get(result, "function_decisions") or {}))
    answers["function_kinds_pending"] = dict(FUNCTION_KINDS_PENDING_MANIFESTS)
    answers["recommendations"] = [recommendation_answer(r) for r in (_get(result, "recommendations") or [])]
    answers["rejected"] = [rejected_answer(r) for r in (_get(result, "rejected") or [])]
    return answers


# ---------------------------------------------------------------------------- rendering


@contextlib.contextmanager
def _isolated_environment(workdir: Path) -> Iterator[None]:
    """Keep the user's Copier settings and git configuration out of the render."""
    settings = workdir / "copier-settings.yml"
    settings.write_text("{}\n", encoding="utf-8")
    overrides = {
        "COPIER_SETTINGS_PATH": str(settings),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
    }
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _copier_render(src: Path, dst: Path, answers: Mapping[str, Any]) -> None:
    from wa_assist.copier_loader import import_copier
    from wa_assist.jinja_cache import compiled_template_cache

    copier = import_copier()
    from plumbum import local

    # Copier looks git up through plumbum. The template is a plain folder and the render goes to a
    # fresh temporary folder, so git has nothing to do here; without it Copier cannot touch the index
    # of a repository the destination sits in, and skips a git call for every file it writes.
    with compiled_template_cache(), local.env(PATH=""):
        copier.run_copy(
            str(src),
            str(dst),
            data=dict(answers),
            defaults=True,
            quiet=True,
            unsafe=False,
            vcs_ref=None,
            overwrite=False,
            skip_tasks=True,
        )


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() or p.is_symlink())


def _conflicts(rendered: Path, dest: Path, files: Iterable[Path]) -> tuple[list[str], list[Path]]:
    problems, same = [], []
    for rel in files:
        target = dest / rel
        for parent in list(rel.parents)[:-1]:
            if (dest / parent).exists() and not (dest / parent).is_dir():
                problems.append(f"{parent} exists and is not a folder")
        if target.is_symlink() or (target.exists() and not target.is_file()):
            problems.append(f"{rel} exists and is not a regular file")
        elif target.exists():
            if filecmp.cmp(target, rendered / rel, shallow=False):
                same.append(rel)
            else:
                problems.append(f"{rel} exists with different content")
    return sorted(set(problems)), same


def render(
    dest: Path | str, answers: Mapping[str, Any], *, force: bool = False, template: Path | None = None
) -> Rendered:
    """Render the template into dest.

    dest must not exist or be an empty folder; with force it may hold files, but no existing file
    is ever overwritten or deleted (a differing file aborts the whole render before anything moves).
    The render happens in a temporary folder beside dest and is moved into place only when complete.
    """
    dest = Path(dest).expanduser().absolute()
    src = template or template_dir()
    if dest.exists() and not dest.is_dir():
        raise ScaffoldError(f"{dest} exists and is not a folder")
    existing = dest.is_dir() and any(dest.iterdir())
    if existing and not force:
        raise ScaffoldError(
            f"{dest} is not empty; choose a new folder, or pass --force to add the project's "
            "files next to what is there (no existing file is overwritten)"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".wa-assist-tmp", dir=dest.parent))
    try:
        staging = workdir / "project"
        with _isolated_environment(workdir):
            try:
                _copier_render(src, staging, answers)
            except (ScaffoldError, KeyboardInterrupt):
                raise
            except Exception as exc:  # Copier and Jinja errors: report, do not leak a traceback
                raise ScaffoldError(f"the template could not be rendered: {type(exc).__name__}: {exc}") from exc
        files = _files(staging)
        if not dest.exists():
            os.replace(staging, dest)
            return Rendered(dest=dest, files=files)
        problems, same = _conflicts(staging, dest, files)
        if problems:
            listed = "\n  ".join(problems)
            raise ScaffoldError(f"refusing to write into {dest}; nothing was changed:\n  {listed}")
        for rel in files:
            if rel in same:
                continue
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, dest / rel)
        return Rendered(dest=dest, files=[f for f in files if f not in same], kept=same)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------------------- the whole command


@dataclass
class NewProject:
    rendered: Rendered
    answers: dict[str, Any]
    accepted: int
    rejected: int


def parse_sets(sets: Sequence[str]) -> list[str]:
    """Check the shape of --set arguments (key=value); the profile module checks keys and values."""
    for item in sets:
        key, sep, _ = item.partition("=")
        if not sep or not key.strip():
            raise ScaffoldError(f"--set {item!r}: expected key=value, for example --set auth=iam")
    return list(sets)


def new_project(
    dest: Path | str,
    *,
    profile: Path | str | None = None,
    sets: Sequence[str] = (),
    force: bool = False,
    reject: Iterable[str] = (),
    knowledge: Sequence[Path | str] = (),
) -> NewProject:
    """Profile (file and --set) -> engine -> answers -> atomic render."""
    from wa_assist.engine import recommend
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import apply_overrides, default_profile, load_profile

    sets = parse_sets(sets)
    target = Path(dest).expanduser().absolute()
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not force)):
        render(target, {}, force=force)  # raises the same clear error before any work
    kb = load_knowledge(extra=tuple(Path(k) for k in knowledge))
    prof = load_profile(Path(profile), kb.questions) if profile else default_profile(kb.questions)
    if sets:
        prof = apply_overrides(prof, sets)
    result = recommend(kb, prof, rejected=frozenset(reject))
    answers = build_answers(prof.to_dict(), result)
    rendered = render(target, answers, force=force)
    return NewProject(
        rendered=rendered, answers=answers, accepted=len(answers["recommendations"]), rejected=len(answers["rejected"])
    )
