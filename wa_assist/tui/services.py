"""The plain-Python services the interface talks to, passed to the app through its constructor.

The app never reads YAML or renders templates itself: it asks these. Tests build them with fakes or
with the real knowledge base, engine and generator.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from wa_assist.kb import KnowledgeBase
    from wa_assist.profile import Profile
    from wa_assist.search import SearchIndex


@dataclass(frozen=True)
class Generated:
    """What the generator made: the project folder, its files (relative paths) and what to do next."""

    dest: Path
    files: Sequence[str]
    next_steps: Sequence[str] = ()


class RecommendFn(Protocol):
    def __call__(
        self, kb: Any, profile: Profile, rejected: frozenset[str] = ..., accepted: frozenset[str] = ...
    ) -> Any: ...


@dataclass(frozen=True)
class Updated:
    """What an update of the project did, or with ``dry_run`` would do: the text ``wa-assist update`` prints
    (guidance changes, then each file), the files left in conflict, and its exit status (1: conflicts remain)."""

    project: Path
    text: str
    dry_run: bool
    written: bool
    empty: bool  # nothing to write: the project is what these answers generate
    conflicts: Sequence[str] = ()
    exit_code: int = 0


class UpdateFn(Protocol):
    def __call__(
        self,
        project: Path,
        answers: dict[str, Any],
        choices: tuple[frozenset[str], frozenset[str]],
        *,
        dry_run: bool,
        force: bool,
    ) -> Updated: ...


class GenerateFn(Protocol):
    def __call__(self, dest: Path, profile: Profile, rejected: frozenset[str], force: bool) -> Generated: ...


STATE_ENV = "WA_ASSIST_STATE_DIR"
"""Overrides the folder of the interview's own draft and its resume points."""


def state_dir() -> Path:
    """Where the interview keeps its draft: ``$WA_ASSIST_STATE_DIR``, else ``$XDG_STATE_HOME/wa-assist``."""
    explicit = os.environ.get(STATE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "wa-assist"


def default_draft_path() -> Path:
    """The draft of an interview started without ``--profile``."""
    return state_dir() / "draft.yaml"


def shown_path(path: Path) -> str:
    """A path as a user reads it: under the home folder as ``~/...``."""
    try:
        return "~/" + str(path.expanduser().absolute().relative_to(Path.home()))
    except ValueError:
        return str(path)


class ProfileStore:
    """Where the answers of a draft are kept: a profile file (the format ``new --profile`` reads).

    ``autosaved`` marks the interview's own draft (started without ``--profile``) rather than a file the
    user named. The step the interview was left at is kept beside, in the state folder, so a later start
    can offer to resume there.
    """

    def __init__(self, path: str | Path, *, autosaved: bool = False):
        self.path = Path(path)
        self.autosaved = autosaved

    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def _steps_file(self) -> Path:
        return state_dir() / "resume.json"

    def _steps(self) -> dict[str, str]:
        try:
            data = json.loads(self._steps_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def remembered_step(self) -> str | None:
        """The step (group name, or ``results``) the interview was left at with this file, if known."""
        if not self.exists():
            return None
        return self._steps().get(str(self.path.expanduser().absolute()))

    def remember_step(self, step: str) -> None:
        """Note the step; failures are ignored (resuming at step 1 loses nothing)."""
        steps = self._steps()
        steps[str(self.path.expanduser().absolute())] = step
        target = self._steps_file
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(steps, indent=1) + "\n", encoding="utf-8")
            os.replace(tmp, target)
        except OSError:
            pass

    def load(self, kb: KnowledgeBase) -> Profile:
        from wa_assist.profile import load_profile

        return load_profile(self.path, kb)

    def save(self, profile: Profile) -> Path:
        from wa_assist.profile import save_profile

        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        return save_profile(profile, self.path)


def _default_recommend(
    kb: Any, profile: Profile, rejected: frozenset[str] = frozenset(), accepted: frozenset[str] = frozenset()
) -> Any:
    from wa_assist.engine import recommend

    return recommend(kb, profile, rejected, accepted)


def default_generate(kb: Any, knowledge: Sequence[str | Path] = ()) -> GenerateFn:
    """The real generator: the engine's decisions for the profile, rendered by the project template
    (``knowledge``: the extra guidance files the knowledge base was loaded with, for the project's record)."""

    def generate(dest: Path, profile: Profile, rejected: frozenset[str], force: bool) -> Generated:
        from wa_assist import scaffold
        from wa_assist.engine import recommend
        from wa_assist.errors import UserError
        from wa_assist.update.record import record_hook

        result = recommend(kb, profile, rejected, profile.accepted)
        answers = scaffold.build_answers(profile.to_dict(), result)
        # What `wa-assist update` needs, recorded in the project as `new` records it.
        record = record_hook(
            profile,
            result,
            profile_source=str(profile.source),
            accepted=profile.accepted - rejected,
            rejected=rejected,
            knowledge=knowledge,
        )
        try:
            rendered = scaffold.render(dest, answers, force=force, extra_files=record)
        except scaffold.ScaffoldError as exc:
            if isinstance(exc, UserError):
                raise
            raise UserError(str(exc)) from exc
        generated = scaffold_generated(rendered, dest)
        from wa_assist.next_steps import next_steps

        steps = [step.markdown() for step in next_steps(scaffold.template_answers(answers), generated.dest)]
        return Generated(generated.dest, generated.files, steps)

    return generate


def default_update(knowledge: Sequence[str | Path] = ()) -> UpdateFn:
    """The real update (:func:`wa_assist.update.run.update_project`) with the interview's answers and choices."""

    def update(
        project: Path,
        answers: dict[str, Any],
        choices: tuple[frozenset[str], frozenset[str]],
        *,
        dry_run: bool,
        force: bool,
    ) -> Updated:
        from wa_assist.commands.update import outcome_lines
        from wa_assist.engine import EngineError
        from wa_assist.errors import UserError
        from wa_assist.update.run import update_project

        try:
            outcome = update_project(
                project, answers=answers, choices=choices, knowledge=knowledge, dry_run=dry_run, force=force
            )
        except EngineError as exc:
            raise UserError(str(exc)) from None
        plan = outcome.plan
        return Updated(
            project=plan.project,
            text="\n".join(outcome_lines(outcome)),
            dry_run=dry_run,
            written=outcome.written,
            empty=plan.empty,
            conflicts=[c.path for c in plan.conflicts] + list(outcome.leftovers),
            exit_code=outcome.exit_code,
        )

    return update


def scaffold_generated(result: Any, dest: Path) -> Generated:
    """A :class:`Generated` from whatever the project generator returned (its files and next steps)."""
    root = Path(getattr(result, "dest", None) or getattr(result, "path", None) or dest)
    files = getattr(result, "files", None)
    if files is None:
        files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    rel = []
    for f in files:
        p = Path(f)
        rel.append(str(p.relative_to(root)) if p.is_absolute() and p.is_relative_to(root) else str(p))
    steps = list(getattr(result, "next_steps", None) or [])
    return Generated(dest=root, files=rel, next_steps=steps)


@dataclass
class Services:
    """Everything the interface needs from the rest of wa-assist."""

    kb: KnowledgeBase
    recommend: RecommendFn = _default_recommend
    generate: GenerateFn | None = None
    index_loader: Callable[[], SearchIndex] | None = None
    store: ProfileStore | None = None
    project: Path | None = None  # the generated project the interview changes and updates, if any
    recorded: Profile | None = None  # the answers and choices that project was last generated with
    update: UpdateFn | None = None
    _index: SearchIndex | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.generate is None:
            self.generate = default_generate(self.kb)

    def search_index(self) -> SearchIndex:
        """The fuzzy search index, built (or read from its cache) on first use."""
        if self._index is None:
            if self.index_loader is not None:
                self._index = self.index_loader()
            else:
                from wa_assist.search import SearchIndex

                self._index = SearchIndex.build(self.kb.entries.values(), self.kb.abbreviations)
        return self._index
