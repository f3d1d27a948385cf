"""Plan an update: recompute the guidance from the recorded inputs plus the changes, render, and decide what
happens to every file. Nothing here writes to the project; :mod:`wa_assist.update.apply` does.

Per generated path, with B the pristine render of the last generation (the base), O the project now (ours)
and T the new render (theirs):

- O = T, or B = T (the template side did not change): nothing to do; the user's state stays as it is;
- O = B (the user did not touch it): T replaces it (updated), is added, or it is removed when T has none;
- the user deleted it and T changed it: left deleted; when a file only the user has looks like it was moved
  there, T's change merged into a copy of that file is written beside it (``Y.wa-new``), for the user to take;
- the user changed it and T has none: kept;
- both added it: the user's stays, T's is written beside it (``X.wa-new``);
- both changed text: ``git merge-file``; conflicts inline (``--conflict inline``) or the user's file kept
  and the template's change written as a patch beside it (``X.rej``);
- both changed and any side is binary, or the base is not available: the user's stays, T's goes beside it.

A file the template renamed that the user had changed follows the rename with the user's changes merged in.
Files only the user has are never touched.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_assist.update import UpdateError
from wa_assist.update.merge import has_markers, is_binary, merge_text, similarity, unified
from wa_assist.update.record import (
    RECORD_DIR,
    RECORD_FILE,
    FileState,
    Inputs,
    Loaded,
    build_record,
    explicit_answers,
    file_mode,
    knowledge_digest,
    knowledge_inputs,
    load_record,
    read_tree,
    record_files,
    sha256,
)

SIDE_SUFFIX = ".wa-new"
REJ_SUFFIX = ".rej"
RENAME_SIMILARITY = 0.5
# Folders never searched for a file the user moved a generated file to.
_SKIP_DIRS = {".git", RECORD_DIR, ".venv", "venv", "node_modules", ".aws-sam", "__pycache__", ".pytest_cache"}
_MAX_MOVED_SIZE = 1_000_000

# What happens to a file, in the order they are listed.
ACTIONS = {
    "conflict": "conflict",
    "merged": "merged: your changes and the template's",
    "updated": "updated",
    "added": "added",
    "removed": "removed: no longer generated, nothing of yours in it",
    "renamed": "renamed by the template, your changes carried over",
    "kept": "kept: no longer generated, but you changed it",
    "left-deleted": "left deleted: you deleted it (not re-created)",
}


@dataclass
class Change:
    path: str
    action: str  # a key of ACTIONS
    detail: str = ""
    conflicts: int = 0
    side: str | None = None  # the side file written beside it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "action": self.action}
        if self.detail:
            out["detail"] = self.detail
        if self.conflicts:
            out["conflicts"] = self.conflicts
        if self.side:
            out["side_file"] = self.side
        return out


@dataclass
class Write:
    """One write of the plan: data to path (relative, posix), or its removal when data is None."""

    path: str
    data: bytes | None
    mode: int = 0o644
    before: str | None = None  # sha256 of what is there now, None when absent


@dataclass
class Guidance:
    inputs: list[tuple[str, Any, Any]] = field(default_factory=list)  # answer: old -> new
    decisions: list[tuple[str, Any, Any, str]] = field(default_factory=list)  # decision: old -> new, why
    added: list[tuple[str, str]] = field(default_factory=list)  # recommendation id, title
    removed: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # rejections in force
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.inputs or self.decisions or self.added or self.removed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": [{"key": k, "old": o, "new": n} for k, o, n in self.inputs],
            "decisions": [{"decision": k, "old": o, "new": n, "why": w} for k, o, n, w in self.decisions],
            "recommendations_added": [{"id": i, "title": t} for i, t in self.added],
            "recommendations_removed": [{"id": i, "title": t} for i, t in self.removed],
            "rejected": self.rejected,
            "notes": self.notes,
        }


@dataclass
class Plan:
    project: Path
    guidance: Guidance
    changes: list[Change]
    writes: list[Write]  # the project's files, in order; the record comes after them
    record_writes: list[Write]  # .wa-assist/base.tar.gz then .wa-assist/record.json (empty: unchanged)
    result: Any = None  # the engine's Result for the new inputs

    @property
    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.action == "conflict"]

    @property
    def empty(self) -> bool:
        return not self.writes and not self.record_writes


# ---------------------------------------------------------------------------- inputs and guidance


def _dedupe_sets(sets: Iterable[str]) -> list[str]:
    """key=value overrides, the last one per key winning, in the order keys first appeared."""
    by_key: dict[str, str] = {}
    for item in sets:
        key = item.partition("=")[0].strip()
        by_key.pop(key, None)
        by_key[key] = item
    return list(by_key.values())


def _knowledge_paths(recorded: Sequence[Mapping[str, str]], given: Sequence[Path | str]) -> list[Path | str]:
    """Extra guidance for the update: what was given now, else what was recorded (minus WA_ASSIST_KNOWLEDGE's)."""
    if given:
        return list(given)
    from wa_assist.sources import discover

    from_env = {p.absolute() for p in discover(())[1]}
    paths: list[Path | str] = []
    for item in recorded:
        path = Path(item["path"])
        if path.absolute() in from_env:
            continue
        if not path.is_file():
            raise UpdateError(
                f"{path}: this extra guidance file was used to generate the project and is missing; "
                "pass its new location with --knowledge PATH"
            )
        paths.append(path)
    return paths


def _profile_lists(profile: Any, name: str) -> list[str]:
    """accepted/rejected ids a profile file may list (read if the profile carries them)."""
    value = getattr(profile, name, None) or ()
    return [str(v) for v in value]


@dataclass
class Computed:
    kb: Any
    inputs: Inputs
    profile: Any
    result: Any
    answers: dict[str, Any]
    old_profile: Any  # None when the recorded answers are no longer valid
    notes: list[str] = field(default_factory=list)


def compute(
    loaded: Loaded,
    *,
    profile: Path | str | None = None,
    sets: Sequence[str] = (),
    accept: Sequence[str] = (),
    reject: Sequence[str] = (),
    knowledge: Sequence[Path | str] = (),
    answers: Mapping[str, Any] | None = None,
    choices: tuple[Iterable[str], Iterable[str]] | None = None,
) -> Computed:
    """The new inputs (recorded plus changes) and what the installed guidance makes of them.

    ``answers`` (question id -> value, as data) replace the recorded answers to those questions and any
    recorded ``--set`` for them; ``choices`` (accepted ids, rejected ids) replace the recorded choices.
    """
    from wa_assist.engine import recommend
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import ProfileError, apply_overrides, load_profile, profile_from_mapping
    from wa_assist.scaffold import build_answers, parse_sets

    old = loaded.record.inputs
    sets = parse_sets(sets)
    extra = _knowledge_paths(old.knowledge, knowledge)
    kb = load_knowledge(extra=tuple(Path(p) for p in extra))
    where = f"{RECORD_DIR}/{RECORD_FILE} (recorded answers)"
    asked = {q.id for q in kb.questions}

    def key(item: str) -> str:
        return item.partition("=")[0].strip()

    # A question a newer knowledge base no longer asks is dropped (and said so), not an error.
    notes = [
        f"the recorded answer '{k}' is no longer asked by the knowledge base; dropped"
        for k in sorted({*old.profile, *map(key, old.sets)} - asked)
    ]
    kept = {k: v for k, v in old.profile.items() if k in asked}
    old_sets = [s for s in old.sets if key(s) in asked]
    try:
        old_profile: Any = profile_from_mapping(kept, kb.questions, source=where)
        if old_sets:
            old_profile = apply_overrides(old_profile, old_sets, source=f"{where}, --set")
    except ProfileError:  # not valid any more; the new answers below say what to change
        old_profile = None
    if answers:
        kept = {**kept, **{k: copy.deepcopy(v) for k, v in answers.items()}}
        old_sets = [s for s in old_sets if key(s) not in answers]
    if profile is not None:
        base_profile = load_profile(Path(profile), kb.questions)
        answers, source = explicit_answers(base_profile), str(profile)
    else:
        # Every --set (recorded or new) wins over the recorded answer, which the guidance may no longer allow.
        changed = set(map(key, [*old_sets, *sets]))
        base_profile = profile_from_mapping(
            {k: v for k, v in kept.items() if k not in changed}, kb.questions, source=where
        )
        answers, source = kept, old.profile_source
    all_sets = _dedupe_sets([*old_sets, *sets])
    prof = apply_overrides(base_profile, all_sets) if all_sets else base_profile
    if choices is not None:
        rejected = set(choices[1])
        accepted = set(choices[0]) - rejected
    else:
        rejected = (set(old.rejected) | set(reject) | set(_profile_lists(base_profile, "rejected"))) - set(accept)
        accepted = (set(old.accepted) | set(accept) | set(_profile_lists(base_profile, "accepted"))) - set(reject)
    result = recommend(kb, prof, rejected=frozenset(rejected))
    inputs = Inputs(
        profile=answers,
        profile_source=source,
        sets=all_sets,
        accepted=sorted(accepted),
        rejected=sorted(rejected),
        knowledge=knowledge_inputs(extra),
    )
    return Computed(
        kb=kb,
        inputs=inputs,
        profile=prof,
        result=result,
        answers=build_answers(prof.to_dict(), result),
        old_profile=old_profile,
        notes=notes,
    )


def _title(kb: Any, entry_id: str) -> str:
    entry = kb.entries.get(entry_id)
    return entry.title if entry is not None else "(no longer in the knowledge base)"


def guidance_changes(loaded: Loaded, computed: Computed, kb_digest: str) -> Guidance:
    from wa_assist.scaffold import _plain

    out = Guidance(notes=list(computed.notes))
    old_values = computed.old_profile.values if computed.old_profile is not None else {}
    new_values = computed.profile.values
    for key, new in new_values.items():
        if key in old_values and _plain(old_values[key]) != _plain(new):
            out.inputs.append((key, _plain(old_values[key]), _plain(new)))
    derived = loaded.record.derived
    old_decisions = derived.get("decisions", {})
    old_sources = derived.get("decision_sources", {})
    result = computed.result
    for key, new in result.decisions.items():
        new = _plain(new)
        if key in old_decisions and old_decisions[key] != new:
            source = result.decision_sources.get(key, "default")
            if source == "default":
                why = "no accepted recommendation sets it now: the default of knowledge/decisions.yaml"
            else:
                rec = result.get(source)
                reason = f": {rec.reasons[0].rstrip('.')}" if rec is not None and rec.reasons else ""
                why = f"set by {source} ({_title(computed.kb, source)}){reason}"
            was = old_sources.get(key)
            if was and was != source:
                why += f"; before, {'the default' if was == 'default' else 'set by ' + was}"
            out.decisions.append((key, old_decisions[key], new, why))
    old_recs = set(derived.get("recommendations", []))
    new_recs = {r.id for r in result.recommendations}
    out.added = [(i, _title(computed.kb, i)) for i in sorted(new_recs - old_recs)]
    out.removed = [(i, _title(computed.kb, i)) for i in sorted(old_recs - new_recs)]
    out.rejected = sorted(r.id for r in result.rejected)
    if result.unknown_rejections:
        out.notes.append(
            "rejected but not recommended for this profile (kept, in case it applies later): "
            + ", ".join(result.unknown_rejections)
        )
    if loaded.record.knowledge_digest != kb_digest:
        version = loaded.record.tool.get("version", "?")
        out.notes.append(f"the knowledge base changed since the project was generated (with wa-assist {version})")
    old_extra = {k["path"]: k["sha256"] for k in loaded.record.inputs.knowledge}
    for item in computed.inputs.knowledge:
        if old_extra.get(item["path"]) not in (None, item["sha256"]):
            out.notes.append(f"your guidance file {item['path']} changed since the last generation")
    out.notes += [
        f"{p}: files you changed and the template changed are kept, the template's beside them" for p in loaded.problems
    ]
    return out


# ---------------------------------------------------------------------------- files


class _Blocked:
    """A generated path that is a folder, a symlink or another non-regular file in the project."""


BLOCKED = _Blocked()


def _read(project: Path, rel: str) -> FileState | _Blocked | None:
    path = project / rel
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return BLOCKED
    if not path.exists():
        return None
    return FileState(path.read_bytes(), file_mode(path.stat().st_mode))


def _blocked_parent(project: Path, rel: str) -> str | None:
    """The first parent of rel that exists in the project and is not a folder (or is a symlink)."""
    parts = rel.split("/")[:-1]
    for n in range(1, len(parts) + 1):
        path = project.joinpath(*parts[:n])
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            return "/".join(parts[:n])
    return None


def _free_side_name(project: Path, rel: str, suffix: str, taken: set[str]) -> str:
    """X.wa-new, or X.wa-new.2 ... when the user has a file of that name."""
    name, n = rel + suffix, 1
    while name in taken or (project / name).exists() or (project / name).is_symlink():
        n += 1
        name = f"{rel}{suffix}.{n}"
    taken.add(name)
    return name


def _user_files(project: Path, generated: set[str]) -> dict[str, FileState]:
    out: dict[str, FileState] = {}
    stack = [project]
    while stack:
        folder = stack.pop()
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            if path.is_symlink():
                continue
            if path.is_dir():
                if path.name not in _SKIP_DIRS:
                    stack.append(path)
                continue
            rel = path.relative_to(project).as_posix()
            if rel in generated or not path.is_file() or path.stat().st_size > _MAX_MOVED_SIZE:
                continue
            state = _read(project, rel)
            if isinstance(state, FileState) and not is_binary(state.data):
                out[rel] = state
    return out


def plan_files(
    project: Path,
    loaded: Loaded,
    theirs: Mapping[str, FileState],
    conflict: str = "inline",
    known_moves: Mapping[str, str] | None = None,
) -> tuple[list[Change], list[Write]]:
    """What happens to every file; ``known_moves`` maps paths the template is known to have moved (a changed
    entity renames ``src/items/`` to ``src/orders/``) to their new place, followed whatever the content."""
    base_hash = {p: meta["sha256"] for p, meta in loaded.record.files.items()}
    base = loaded.base
    paths = sorted(set(base_hash) | set(theirs))
    ours = {p: _read(project, p) for p in paths}
    changes: list[Change] = []
    writes: list[Write] = []
    taken: set[str] = set()
    user_only: dict[str, FileState] | None = None

    def digest(state: FileState | _Blocked | None) -> str | None:
        return state.digest if isinstance(state, FileState) else None

    def write(rel: str, data: bytes | None, mode: int) -> None:
        writes.append(Write(rel, data, mode, before=digest(ours.get(rel)) if rel in ours else None))

    def side(rel: str, data: bytes, mode: int, suffix: str = SIDE_SUFFIX) -> str:
        name = _free_side_name(project, rel, suffix, taken)
        writes.append(Write(name, data, mode, before=None))
        return name

    # Files the template renamed that the user had changed: follow the rename.
    renames: dict[str, str] = {}
    added = [p for p in theirs if p not in base_hash and ours[p] is None and not _blocked_parent(project, p)]
    for old in (p for p in base_hash if p not in theirs):
        o, b = ours[old], base.get(old)
        if not isinstance(o, FileState) or b is None or o.digest == base_hash[old] or is_binary(o.data, b.data):
            continue
        known = (known_moves or {}).get(old)
        if known in added and known not in renames.values():
            renames[old] = known
            continue
        scored = [(similarity(b.data, theirs[n].data), n) for n in added if n not in renames.values()]
        scored = [s for s in scored if s[0] >= RENAME_SIMILARITY]
        if scored:
            renames[old] = max(scored)[1]

    for rel in paths:
        if rel in renames.values():
            continue
        b_hash = base_hash.get(rel)
        o = ours[rel]
        t = theirs.get(rel)
        o_hash, t_hash = digest(o), digest(t)
        if rel in renames:
            new = renames[rel]
            assert isinstance(o, FileState)
            b_state, t_new = base[rel], theirs[new]
            assert b_state is not None
            merged = merge_text(o.data, b_state.data, t_new.data)
            if merged.conflicts and conflict == "rej":
                write(new, t_new.data, t_new.mode)
                changes.append(
                    Change(rel, "conflict", f"the template moved it to {new}; yours is kept here, merge by hand", 1)
                )
                continue
            write(new, merged.data, o.mode)
            write(rel, None, o.mode)
            if merged.conflicts:
                changes.append(
                    Change(new, "conflict", f"moved from {rel} by the template; conflicts marked", merged.conflicts)
                )
            else:
                changes.append(Change(new, "renamed", f"from {rel}"))
            continue
        if isinstance(o, _Blocked):
            if b_hash != t_hash:
                changes.append(Change(rel, "conflict", "not a regular file in the project; left alone", 1))
            continue
        if o_hash == t_hash or b_hash == t_hash:
            continue  # already as generated now, or the template side did not change
        if o is None and t is not None and _blocked_parent(project, rel):
            changes.append(
                Change(rel, "conflict", f"cannot be written: {_blocked_parent(project, rel)} is not a folder", 1)
            )
            continue
        if o_hash == b_hash:  # nothing of the user's in it
            if t is None:
                write(rel, None, 0o644)
                changes.append(Change(rel, "removed"))
            else:
                write(rel, t.data, o.mode if o is not None else t.mode)
                changes.append(Change(rel, "added" if o is None else "updated"))
            continue
        if o is None:  # the user deleted (or moved) it, and the template changed it
            assert t is not None
            b_state = base.get(rel)
            if b_state is not None and not is_binary(b_state.data, t.data):
                if user_only is None:
                    user_only = _user_files(project, set(paths))
                scored = [(similarity(b_state.data, s.data), p) for p, s in user_only.items()]
                scored = [s for s in scored if s[0] >= RENAME_SIMILARITY]
                if scored:
                    moved = max(scored)[1]
                    mine = user_only.pop(moved)
                    merged = merge_text(mine.data, b_state.data, t.data)
                    if merged.data != mine.data:
                        # Files only you have are never touched: the merge goes beside the one it was moved to.
                        name = side(moved, merged.data, mine.mode)
                        changes.append(
                            Change(
                                rel,
                                "conflict",
                                f"you deleted it, and {moved} looks like it moved there: the template's change, "
                                f"merged into a copy of {moved}, is in {name}"
                                + (" (with conflicts marked)" if merged.conflicts else ""),
                                merged.conflicts,
                                name,
                            )
                        )
                        continue
                    continue
            changes.append(Change(rel, "left-deleted"))
            continue
        if t is None:
            changes.append(Change(rel, "kept"))
            continue
        if b_hash is None:
            name = side(rel, t.data, t.mode)
            changes.append(
                Change(
                    rel,
                    "conflict",
                    f"you have a file where the template now adds one; its version is in {name}",
                    1,
                    name,
                )
            )
            continue
        b_state = base.get(rel)
        if b_state is None or is_binary(o.data, b_state.data, t.data):
            why = "binary" if b_state is not None else "no pristine copy to merge with"
            name = side(rel, t.data, t.mode)
            changes.append(
                Change(rel, "conflict", f"{why}: yours is kept, the template's version is in {name}", 1, name)
            )
            continue
        merged = merge_text(o.data, b_state.data, t.data)
        if not merged.conflicts:
            if merged.data != o.data:
                write(rel, merged.data, o.mode)
                changes.append(Change(rel, "merged"))
            continue
        if conflict == "rej":
            patch = unified(b_state.data, t.data, f"a/{rel}", f"b/{rel}").encode()
            name = side(rel, patch, 0o644, REJ_SUFFIX)
            changes.append(
                Change(rel, "conflict", f"yours is kept; the template's change is in {name}", merged.conflicts, name)
            )
        else:
            write(rel, merged.data, o.mode)
            changes.append(Change(rel, "conflict", "conflicts marked in the file", merged.conflicts))
    order = list(ACTIONS)
    changes.sort(key=lambda c: (order.index(c.action), c.path))
    return changes, writes


# ---------------------------------------------------------------------------- leftovers


def leftovers(project: Path, generated: Iterable[str]) -> list[str]:
    """Conflict markers and side files an earlier update left, for the generated paths."""
    found: list[str] = []
    for rel in sorted(generated):
        path = project / rel
        if path.is_file() and not path.is_symlink():
            try:
                if has_markers(path.read_bytes()):
                    found.append(f"{rel}: conflict markers")
            except OSError:
                pass
        parent = path.parent
        if parent.is_dir():
            for other in sorted(parent.glob(path.name + ".*")):
                name = other.name[len(path.name) :]
                if name in (REJ_SUFFIX, SIDE_SUFFIX) or name.startswith((SIDE_SUFFIX + ".", REJ_SUFFIX + ".")):
                    found.append(f"{other.relative_to(project).as_posix()}: side file of an update")
    return found


# ---------------------------------------------------------------------------- the whole plan


def render_theirs(answers: Mapping[str, Any], template: Path | None) -> dict[str, FileState]:
    from wa_assist.scaffold import render

    tmp = Path(tempfile.mkdtemp(prefix="wa-assist-update-"))
    try:
        render(tmp / "project", answers, template=template)
        return read_tree(tmp / "project")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _entity_moves(loaded: Loaded, computed: Computed) -> dict[str, str]:
    """Old path -> new path of the generated files whose path names the entity, when the entity changed."""
    from wa_assist.entity import FIELD, entity_of, renamed_path

    before = computed.old_profile.values.get(FIELD) if computed.old_profile is not None else None
    if before is None:
        before = loaded.record.inputs.profile.get(FIELD)
    old, new = entity_of(before), entity_of(computed.profile.values.get(FIELD))
    if old == new:
        return {}
    return {p: renamed_path(p, old, new) for p in loaded.record.files if renamed_path(p, old, new) != p}


def plan_update(
    project: Path | str,
    *,
    profile: Path | str | None = None,
    sets: Sequence[str] = (),
    accept: Sequence[str] = (),
    reject: Sequence[str] = (),
    knowledge: Sequence[Path | str] = (),
    conflict: str = "inline",
    template: Path | None = None,
    loaded: Loaded | None = None,
    answers: Mapping[str, Any] | None = None,
    choices: tuple[Iterable[str], Iterable[str]] | None = None,
) -> Plan:
    from wa_assist.scaffold import template_dir

    if conflict not in ("inline", "rej"):
        raise UpdateError(f"--conflict {conflict!r}: allowed: inline, rej")
    project = Path(project).expanduser().absolute()
    if loaded is None:
        loaded = load_record(project)
    computed = compute(
        loaded,
        profile=profile,
        sets=sets,
        accept=accept,
        reject=reject,
        knowledge=knowledge,
        answers=answers,
        choices=choices,
    )
    src = template or template_dir()
    theirs = render_theirs(computed.answers, src)
    kb_digest = knowledge_digest()
    record, base = build_record(theirs, computed.inputs, computed.result, src, kb_digest)
    changes, writes = plan_files(project, loaded, theirs, conflict, _entity_moves(loaded, computed))
    record_writes = []
    for rel, data in record_files(record, base).items():  # base first, record last
        current = project / rel
        if not current.is_file() or current.read_bytes() != data:
            before = sha256(current.read_bytes()) if current.is_file() else None
            record_writes.append(Write(rel, data, 0o644, before=before))
    return Plan(
        project=project,
        guidance=guidance_changes(loaded, computed, kb_digest),
        changes=changes,
        writes=writes,
        record_writes=record_writes,
        result=computed.result,
    )
