"""What a project records at generation, in ``.wa-assist/``, and how it is read back.

``record.json`` holds

- ``tool`` and ``template``: the wa-assist and Copier versions and the template's name and digest;
- ``knowledge``: the digest of the shipped knowledge base, and for each extra guidance file its path and
  digest. Not its content: an update always uses the guidance installed *now* (that is its purpose) and the
  merge base is the stored render, so the old guidance is never needed again; the digest is enough to say
  that a file changed, and an organisation's rules are not copied into every project;
- ``inputs``: what the user chose (the profile's own answers, the ``--set`` overrides, the accepted and
  rejected recommendation ids), kept apart from
- ``derived``: what the engine made of them (decisions and where each came from, recommendation ids),
  which an update recomputes and only reads to say what changed;
- ``files``: a sha256 and mode per generated file, and the digest of ``base.tar.gz``.

``base.tar.gz`` is the pristine render: a deterministic archive (sorted names, zero times and owners,
modes 644/755, gzip without a time stamp), so the same render always gives the same bytes. It is the base
of the three-way merge, and what ``wa-assist diff`` compares with.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import stat
import tarfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_assist.update import UpdateError

RECORD_DIR = ".wa-assist"
RECORD_FILE = "record.json"
BASE_FILE = "base.tar.gz"
SCHEMA = 1
ABOUT = (
    "What wa-assist generated here: read by `wa-assist update`, `diff` and `check`. "
    "Commit this folder with the project and do not edit it; `wa-assist update` rewrites it."
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_digest(root: Path, skip: Iterable[str] = ("__pycache__",)) -> str:
    """sha256 over every file's relative path and content (sorted), skipping byte-code folders."""
    skipped = set(skip)
    files: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skipped]
        rel = os.path.relpath(folder, root)
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                files.append((name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"), path))
    digest = hashlib.sha256()
    for rel, path in sorted(files):
        with open(path, "rb") as handle:
            data = handle.read()
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def knowledge_digest() -> str:
    from wa_assist.paths import knowledge_dir

    return tree_digest(knowledge_dir())


# ---------------------------------------------------------------------------- the pristine render


@dataclass(frozen=True)
class FileState:
    data: bytes
    mode: int  # 0o644 or 0o755

    @property
    def digest(self) -> str:
        return sha256(self.data)


def file_mode(st_mode: int) -> int:
    return 0o755 if st_mode & stat.S_IXUSR else 0o644


def read_tree(root: Path, skip_dirs: Iterable[str] = (RECORD_DIR,)) -> dict[str, FileState]:
    """Every regular file under root (posix relative path -> content and mode), minus skip_dirs at the top."""
    skipped = set(skip_dirs)
    out: dict[str, FileState] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in skipped or not path.is_file() or path.is_symlink():
            continue
        out[rel.as_posix()] = FileState(path.read_bytes(), file_mode(path.stat().st_mode))
    return out


def pack_base(files: Mapping[str, FileState]) -> bytes:
    """A deterministic tar.gz of the render."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            state = files[name]
            info = tarfile.TarInfo(name)
            info.size = len(state.data)
            info.mode = state.mode
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(state.data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="", compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def unpack_base(data: bytes) -> dict[str, FileState]:
    out: dict[str, FileState] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            out[member.name] = FileState(handle.read(), file_mode(member.mode))
    return out


# ---------------------------------------------------------------------------- the record


@dataclass
class Inputs:
    """What the user chose; everything else is derived from these and the guidance."""

    profile: dict[str, Any] = field(default_factory=dict)  # the profile's own answers (not the defaults)
    profile_source: str = "<defaults>"
    sets: list[str] = field(default_factory=list)  # --set key=value, later ones win
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    knowledge: list[dict[str, str]] = field(default_factory=list)  # [{"path", "sha256"}]

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "profile_source": self.profile_source,
            "sets": self.sets,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "knowledge": self.knowledge,
        }


@dataclass
class Record:
    inputs: Inputs
    derived: dict[str, Any]
    files: dict[str, dict[str, Any]]  # path -> {"sha256", "mode"}
    base_digest: str
    tool: dict[str, str] = field(default_factory=dict)
    template: dict[str, str] = field(default_factory=dict)
    knowledge_digest: str = ""

    def to_json(self) -> bytes:
        doc = {
            "schema": SCHEMA,
            "about": ABOUT,
            "tool": self.tool,
            "template": self.template,
            "knowledge": {"digest": self.knowledge_digest, "extra": self.inputs.knowledge},
            "inputs": {k: v for k, v in self.inputs.to_dict().items() if k != "knowledge"},
            "derived": self.derived,
            "files": {k: self.files[k] for k in sorted(self.files)},
            "base": {"file": BASE_FILE, "sha256": self.base_digest},
        }
        return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def explicit_answers(profile: Any) -> dict[str, Any]:
    """The answers a profile gave itself (not its defaults), including those to questions that do not apply."""
    defaulted = set(getattr(profile, "defaulted", ()))
    answers = {k: v for k, v in profile.values.items() if k not in defaulted}
    answers.update(getattr(profile, "ignored", {}) or {})
    return {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in answers.items()}


def derived_of(result: Any) -> dict[str, Any]:
    from wa_assist.scaffold import _plain

    return {
        "decisions": {k: _plain(v) for k, v in result.decisions.items()},
        "decision_sources": dict(result.decision_sources),
        "recommendations": sorted(r.id for r in result.recommendations),
        "rejected": sorted(r.id for r in result.rejected),
    }


def knowledge_inputs(extra: Sequence[Path | str]) -> list[dict[str, str]]:
    """Each extra guidance file (given, or from WA_ASSIST_KNOWLEDGE) with its digest."""
    from wa_assist.sources import discover

    files = discover(tuple(extra))[1]
    return [{"path": str(p.absolute()), "sha256": sha256(p.read_bytes())} for p in files]


def tool_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from wa_assist import __version__

    try:
        copier = version("copier")
    except PackageNotFoundError:  # pragma: no cover - copier is a dependency
        copier = "unknown"
    return {"name": "wa-assist", "version": __version__, "copier": copier}


def template_info(template: Path) -> dict[str, str]:
    return {"name": template.name, "digest": tree_digest(template)}


def build_record(
    rendered: Mapping[str, FileState], inputs: Inputs, result: Any, template: Path, kb_digest: str | None = None
) -> tuple[Record, bytes]:
    """The record and the base archive for a render (posix path -> content)."""
    base = pack_base(rendered)
    record = Record(
        inputs=inputs,
        derived=derived_of(result),
        files={k: {"sha256": v.digest, "mode": v.mode} for k, v in rendered.items()},
        base_digest=sha256(base),
        tool=tool_versions(),
        template=template_info(template),
        knowledge_digest=kb_digest or knowledge_digest(),
    )
    return record, base


IGNORED = b"# what an update in progress, or one outside git, leaves here; not part of the record\nbackup/\npending/\njournal.json\n"


def record_files(record: Record, base: bytes) -> dict[str, bytes]:
    """The files of .wa-assist/, the record last (an update rewrites them in this order)."""
    return {
        f"{RECORD_DIR}/.gitignore": IGNORED,
        f"{RECORD_DIR}/{BASE_FILE}": base,
        f"{RECORD_DIR}/{RECORD_FILE}": record.to_json(),
    }


def generation_hook(inputs: Inputs, result: Any, template: Path) -> Callable[[Path], dict[str, bytes]]:
    """For ``scaffold.render(extra_files=...)``: given the finished render, the files of ``.wa-assist/``."""

    def hook(staging: Path) -> dict[str, bytes]:
        record, base = build_record(read_tree(staging), inputs, result, template)
        return record_files(record, base)

    return hook


# ---------------------------------------------------------------------------- reading it back


@dataclass
class Loaded:
    record: Record
    base: dict[str, FileState | None]  # path -> pristine content, None where the archive does not match
    raw: dict[str, Any]
    problems: list[str]  # what is wrong with the base archive (then those files merge two-way)


def _bad(path: Path, message: str) -> UpdateError:
    return UpdateError(f"{path}: {message}")


def load_record(project: Path) -> Loaded:
    path = project / RECORD_DIR / RECORD_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UpdateError(
            f"{project}: no {RECORD_DIR}/{RECORD_FILE}; this folder was not generated by `wa-assist new` "
            "(or by a version that records what it generated)"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, f"not valid JSON ({exc}); restore it from version control") from None
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        found = raw.get("schema") if isinstance(raw, dict) else None
        raise _bad(path, f"unknown record schema {found!r}; this wa-assist reads schema {SCHEMA}")
    try:
        inp = raw["inputs"]
        inputs = Inputs(
            profile=dict(inp["profile"]),
            profile_source=str(inp.get("profile_source", "")),
            sets=[str(s) for s in inp["sets"]],
            accepted=[str(s) for s in inp["accepted"]],
            rejected=[str(s) for s in inp["rejected"]],
            knowledge=[{"path": str(k["path"]), "sha256": str(k["sha256"])} for k in raw["knowledge"]["extra"]],
        )
        files = {str(k): {"sha256": str(v["sha256"]), "mode": int(v["mode"])} for k, v in raw["files"].items()}
        record = Record(
            inputs=inputs,
            derived=dict(raw["derived"]),
            files=files,
            base_digest=str(raw["base"]["sha256"]),
            tool=dict(raw.get("tool", {})),
            template=dict(raw.get("template", {})),
            knowledge_digest=str(raw["knowledge"]["digest"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _bad(
            path, f"missing or malformed field ({type(exc).__name__}: {exc}); restore it from version control"
        ) from None
    problems: list[str] = []
    archive: dict[str, FileState] = {}
    base_path = project / RECORD_DIR / BASE_FILE
    try:
        data = base_path.read_bytes()
        if sha256(data) != record.base_digest:
            problems.append(f"{RECORD_DIR}/{BASE_FILE} does not match the record")
        archive = unpack_base(data)
    except FileNotFoundError:
        problems.append(f"{RECORD_DIR}/{BASE_FILE} is missing")
    except (tarfile.TarError, OSError, EOFError) as exc:
        problems.append(f"{RECORD_DIR}/{BASE_FILE} cannot be read ({exc})")
    base: dict[str, FileState | None] = {}
    for name, meta in files.items():
        state = archive.get(name)
        base[name] = state if state is not None and state.digest == meta["sha256"] else None
    if any(v is None for v in base.values()) and not problems:
        problems.append(f"{RECORD_DIR}/{BASE_FILE} lacks some generated files")
    return Loaded(record=record, base=base, raw=raw, problems=problems)


def record_hook(
    profile: Any,
    result: Any,
    *,
    profile_source: str = "<interview>",
    sets: Sequence[str] = (),
    accepted: Iterable[str] = (),
    rejected: Iterable[str] = (),
    knowledge: Sequence[Path | str] = (),
    template: Path | None = None,
) -> Callable[[Path], dict[str, bytes]]:
    """The ``extra_files`` hook for any generator (``new``, the interview): profile is the Profile before
    any ``sets`` were applied, rejected the ids given to the engine, result what the engine returned."""
    from wa_assist.scaffold import template_dir

    inputs = Inputs(
        profile=explicit_answers(profile),
        profile_source=profile_source,
        sets=list(sets),
        accepted=sorted(set(accepted)),
        rejected=sorted(set(rejected)),
        knowledge=knowledge_inputs(knowledge),
    )
    return generation_hook(inputs, result, template or template_dir())
