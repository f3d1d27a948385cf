"""The three-way text merge: edits apart never conflict, and no merge drops a line you wrote."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wa_assist.update.merge import has_markers, is_binary, merge_text

BASE = [f"line {i}: value = {i * 7}" for i in range(40)]


def _edit(lines: list[str], at: set[int], tag: str) -> list[str]:
    return [f"{line} # {tag}" if i in at else line for i, line in enumerate(lines)]


@st.composite
def apart(draw):
    """Two sets of edited line numbers with at least three untouched lines between any two of different sides."""
    ours = draw(st.sets(st.integers(0, 39), max_size=6))
    theirs = draw(st.sets(st.integers(0, 39), max_size=6))
    theirs = {t for t in theirs if all(abs(t - o) > 3 for o in ours)}
    return ours, theirs


@settings(max_examples=30, deadline=None)
@given(apart())
def test_edits_on_lines_apart_merge_cleanly_into_both(edits):
    ours_at, theirs_at = edits
    base = "\n".join(BASE).encode() + b"\n"
    ours = "\n".join(_edit(BASE, ours_at, "yours")).encode() + b"\n"
    theirs = "\n".join(_edit(BASE, theirs_at, "new")).encode() + b"\n"
    merged = merge_text(ours, base, theirs)
    assert merged.conflicts == 0
    expected = "\n".join(_edit(_edit(BASE, ours_at, "yours"), theirs_at, "new")).encode() + b"\n"
    assert merged.data == expected


@settings(max_examples=30, deadline=None)
@given(st.sets(st.integers(0, 39), min_size=1, max_size=8), st.sets(st.integers(0, 39), min_size=1, max_size=8))
def test_a_merge_keeps_every_line_you_wrote(ours_at, theirs_at):
    base = "\n".join(BASE).encode() + b"\n"
    ours = "\n".join(_edit(BASE, ours_at, "yours")).encode() + b"\n"
    theirs = "\n".join(_edit(BASE, theirs_at, "new")).encode() + b"\n"
    merged = merge_text(ours, base, theirs)
    kept = set(merged.data.splitlines())
    assert set(ours.splitlines()) - set(base.splitlines()) <= kept  # every line you wrote
    assert has_markers(merged.data) == (merged.conflicts > 0)


def test_binary_and_markers_detection():
    assert is_binary(b"a\0b") and not is_binary(b"plain", None)
    assert has_markers(b"x\n<<<<<<< yours\na\n=======\nb\n>>>>>>> new\n")
    assert not has_markers(b"<<<<<<< only the start\n")
