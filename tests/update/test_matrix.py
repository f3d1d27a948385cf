"""Every combination of base x yours x new for one file, planned together, against the safety rules."""

from __future__ import annotations

import itertools

from wa_assist.update.plan import plan_files
from wa_assist.update.record import FileState, Inputs, Loaded, Record

WORDS = (b"one", b"two", b"three", b"four", b"five", b"six", b"seven", b"eight")
BINARY = b"\x00binary"
BASES = ("no-base", "base")
OURS = ("absent", "same", "edited", "clash", "binary")
THEIRS = ("absent", "same", "new")
MOVED_FROM = "base/absent-new.txt"


def contents(rel: str) -> dict[str, bytes]:
    """Base, your versions and the new one for a path; paths are unlike each other, so none passes for a rename."""
    tag = rel.encode()
    lines = [b"%s of %s, line %d\n" % (w, tag, i) for i, w in enumerate(WORDS)]
    base = b"".join(lines)
    return {
        "base": base,
        "edited": base.replace(lines[0], lines[0][:-1] + b" (yours)\n"),  # far from the template's edit
        "clash": base.replace(lines[-1], lines[-1][:-1] + b" (yours)\n"),  # on the template's line
        "new": base.replace(lines[-1], lines[-1][:-1] + b" (new)\n"),
        "binary": BINARY,
    }


def state(rel: str, name: str, has_base: bool) -> FileState | None:
    if name == "absent" or (name == "same" and not has_base):
        return None
    return FileState(contents(rel)["base" if name == "same" else name], 0o644)


def test_every_combination_follows_the_safety_rules(tmp_path):
    cases = {}
    for bn, on, tn in itertools.product(BASES, OURS, THEIRS):
        if bn == "no-base" and "same" in (on, tn):
            continue  # "same as the base" needs a base
        rel = f"{bn}/{on}-{tn}.txt"
        has_base = bn == "base"
        cases[rel] = (
            state(rel, "base", True) if has_base else None,
            state(rel, on, has_base),
            state(rel, tn, has_base),
        )
    files = {rel: {"sha256": s[0].digest, "mode": 0o644} for rel, s in cases.items() if s[0] is not None}
    record = Record(inputs=Inputs(), derived={}, files=files, base_digest="")
    loaded = Loaded(record=record, base={rel: cases[rel][0] for rel in files}, raw={}, problems=[])
    for rel, (_, ours, _) in cases.items():
        if ours is not None:
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_bytes(ours.data)
    # A file only you have, that looks like the generated file you deleted at MOVED_FROM, moved.
    (tmp_path / "only-yours.txt").write_bytes(contents(MOVED_FROM)["base"])
    theirs = {rel: s[2] for rel, s in cases.items() if s[2] is not None}

    changes, writes = plan_files(tmp_path, loaded, theirs)
    action = {c.path: c.action for c in changes}
    written = {w.path: w for w in writes}
    assert "only-yours.txt" not in written  # files only you have are never touched
    checked = 0
    for rel, (base, ours, new) in cases.items():
        b, o, t = (s.digest if s else None for s in (base, ours, new))
        write = written.get(rel)
        checked += 1
        if o == t or b == t:
            assert write is None and rel not in action, rel  # nothing to do, or only your change
        elif o == b:
            assert write is not None and write.data == (new.data if new else None), rel
            assert action[rel] == ("removed" if new is None else "added" if ours is None else "updated"), rel
        elif ours is None:  # never re-created; the change goes beside the file it seems to have moved to
            assert rel == MOVED_FROM and write is None and action[rel] == "conflict", rel
            assert b"line 7 (new)" in written["only-yours.txt.wa-new"].data
        elif new is None:
            assert write is None and action[rel] == "kept", rel  # never deleted
        elif base is None or ours.data == BINARY:
            assert write is None and action[rel] == "conflict", rel  # yours stays, the new one beside it
            assert written[rel + ".wa-new"].data == new.data
        else:  # merged three ways
            clash = ours.data == contents(rel)["clash"]
            assert write is not None and write.data is not None, rel
            assert action[rel] == ("conflict" if clash else "merged"), rel
            assert b" (yours)\n" in write.data and b" (new)\n" in write.data, rel
    assert checked == len(cases) == 5 * 3 + 4 * 2  # with a base; without one (no "same")
