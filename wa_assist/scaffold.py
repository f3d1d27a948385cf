"""Render a SAM project from the shipped Copier template, atomically and without prompts.

`new_project` ties profile, engine and template together; `render` only needs the answers, so the
TUI and tests can call it directly. Copier is imported lazily: most commands never need it.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from wa_assist.components import Selection, select_from_answers
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
        # how to apply it, from the knowledge base (what RECOMMENDATIONS.md's "documented" places point at)
        "steps": [str(s) for s in (_get(rec, "steps") or _get(_get(rec, "entry"), "steps") or [])],
        "implemented_in": [
            {
                "where": str(_get(i, "where", "")),
                "what": str(_get(i, "what", "")),
                # the template check that proves the claim; absent when the claim is documented only
                **({"check": str(_get(i, "check"))} if _get(i, "check") else {}),
            }
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


def build_answers(profile: Mapping[str, Any], result: Any) -> dict[str, Any]:
    """Template answers: every profile field, every decision (decisions win on shared ids such as
    `architecture`), the per-kind overrides of the decisions, and the accepted and rejected
    recommendations."""
    answers: dict[str, Any] = {k: _plain(v) for k, v in profile.items()}
    answers.update({k: _plain(v) for k, v in dict(_get(result, "decisions") or {}).items()})
    answers["function_settings"] = _plain(dict(_get(result, "function_decisions") or {}))
    answers["recommendations"] = [recommendation_answer(r) for r in (_get(result, "recommendations") or [])]
    answers["rejected"] = [rejected_answer(r) for r in (_get(result, "rejected") or [])]
    return answers


# ---------------------------------------------------------------------------- rendering

# Build debris that must never reach a project, wherever the template is installed.
_DEBRIS = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".DS_Store", "Thumbs.db", "*~")


def _jinja_literal(value: Any) -> str:
    """``value`` as a Jinja literal (strings JSON-quoted, so user text is never read as Jinja)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_jinja_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_jinja_literal(v) for v in value) + "]"
    raise ScaffoldError(f"a component file variable cannot hold {type(value).__name__} {value!r}")


def _copy_tree(source: Path, target: Path) -> None:
    """Copy the template files a render reads (contents only: Copier takes no metadata from them)."""
    shutil.copytree(source, target, ignore=_DEBRIS, copy_function=shutil.copyfile)


def stage_template(template: Path, selection: Selection, stage: Path) -> Path:
    """A Copier template for one project: ``copier.yml``, the components' fragments, the shared files
    under ``project/`` and, at its output path, every file the selected components contribute (a
    one-line include of the component's file, so errors name the component's own file). Only what
    the project needs is staged, so absent components leave no empty folders; build debris is never
    copied. The stage lies inside Copier's template root, which Copier requires of every file it reads."""
    stage.mkdir(parents=True)
    shutil.copyfile(template / "copier.yml", stage / "copier.yml")
    # Only the selected components' folders: a component's files include its own files, the macros and
    # the files of components selected with it, never those of an absent one.
    (stage / "components").mkdir()
    for macro in (template / "components").glob("_*.jinja"):
        shutil.copyfile(macro, stage / "components" / macro.name)
    for name in selection.components:
        _copy_tree(template / "components" / name, stage / "components" / name)
    _copy_tree(template / "project", stage / "project")
    project = stage / "project"
    for out in selection.files:
        source = f"components/{out.component}/{out.source}"
        target = project.joinpath(*PurePosixPath(out.dest).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not out.source.endswith(".jinja"):
            shutil.copyfile(stage / source, target)
            continue
        lines = [f"{{% set {name} = {_jinja_literal(value)} %}}" for name, value in out.vars.items()]
        lines.append(f'{{% include "{source}" %}}')
        target.with_name(target.name + ".jinja").write_text("\n".join(lines), encoding="utf-8")
    return stage


def _copier_render(template: Path, dst: Path, answers: Mapping[str, Any]) -> None:
    import copier

    # Settings are given explicitly, so the user's Copier settings file (defaults, trusted
    # repositories) has no say in a render that wa-assist answers in full.
    # The staged template is trusted by path: its one unsafe feature is the compile cache extension
    # of wa-assist (copier.yml, `_jinja_extensions`); it has no tasks or migrations (a test says so).
    copier.run_copy(
        str(template),
        str(dst),
        data=dict(answers),
        settings=copier.Settings(trust=[str(template)]),
        defaults=True,
        quiet=True,
        unsafe=False,
        vcs_ref=None,
        overwrite=False,
        skip_tasks=True,
    )


# Answers the template reads that a caller may leave out: no recommendation, no per-kind override.
TEMPLATE_DEFAULTS: dict[str, Any] = {"recommendations": [], "rejected": [], "function_settings": {}}


def template_answers(answers: Mapping[str, Any], template: Path | None = None) -> dict[str, Any]:
    """The answers with what the components contribute (components, functions, items_store,
    secret_reader), computed from the answers themselves."""
    selection = select_from_answers(answers, template=template)
    return {**TEMPLATE_DEFAULTS, **answers, **selection.answers()}


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
    dest: Path | str,
    answers: Mapping[str, Any],
    *,
    force: bool = False,
    template: Path | None = None,
    extra_files: Callable[[Path], Mapping[str, bytes]] | None = None,
) -> Rendered:
    """Render the template into dest.

    dest must not exist or be an empty folder; with force it may hold files, but no existing file
    is ever overwritten or deleted (a differing file aborts the whole render before anything moves).
    The render happens in a temporary folder beside dest and is moved into place only when complete.
    extra_files, given the finished render's folder, returns more files (relative posix path -> bytes)
    to add to it before the move: how the project's record in .wa-assist/ lands with the project.
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
        selection = select_from_answers(answers, template=src)
        stage = stage_template(src, selection, workdir / "template")
        try:
            _copier_render(stage, staging, {**TEMPLATE_DEFAULTS, **answers, **selection.answers()})
        except (ScaffoldError, KeyboardInterrupt):
            raise
        except Exception as exc:  # Copier and Jinja errors: report, do not leak a traceback
            raise ScaffoldError(f"the template could not be rendered: {type(exc).__name__}: {exc}") from exc
        if extra_files is not None:
            for name, data in extra_files(staging).items():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(data)
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
    from wa_assist.update.record import record_hook

    sets = parse_sets(sets)
    target = Path(dest).expanduser().absolute()
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not force)):
        render(target, {}, force=force)  # raises the same clear error before any work
    kb = load_knowledge(extra=tuple(Path(k) for k in knowledge))
    prof = load_profile(Path(profile), kb) if profile else default_profile(kb.questions)
    answered, reject = prof, list(reject)
    if sets:
        prof = apply_overrides(prof, sets)
    refused = prof.rejected | set(reject)  # the profile's choices, and the command line's
    chosen = prof.accepted - refused
    result = recommend(kb, prof, rejected=refused, accepted_ids=chosen)
    answers = build_answers(prof.to_dict(), result)
    record = record_hook(  # .wa-assist/: what `wa-assist update` needs
        answered,
        result,
        profile_source=str(profile) if profile else "<defaults>",
        sets=sets,
        accepted=chosen,
        rejected=refused,
        knowledge=knowledge,
    )
    rendered = render(target, answers, force=force, extra_files=record)
    return NewProject(
        rendered=rendered, answers=answers, accepted=len(answers["recommendations"]), rejected=len(answers["rejected"])
    )
