"""The record hook of the renderer, and reading a record back."""

from __future__ import annotations

import json

import pytest

from tests.generation.answers import default_answers
from wa_assist.scaffold import render
from wa_assist.update import UpdateError
from wa_assist.update.record import load_record


def test_extra_files_see_the_finished_render_and_move_with_it(tmp_path):
    seen = []

    def hook(staging):
        seen.append(sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()))
        return {".wa-assist/note.txt": b"recorded"}

    made = render(tmp_path / "svc", default_answers(), extra_files=hook)
    assert "template.yaml" in seen[0] and ".wa-assist/note.txt" not in seen[0]
    assert (tmp_path / "svc" / ".wa-assist" / "note.txt").read_bytes() == b"recorded"
    assert [p.name for p in tmp_path.iterdir()] == ["svc"]  # nothing left beside it
    assert any(p.as_posix() == ".wa-assist/note.txt" for p in made.files)


def test_a_damaged_record_is_a_clear_error(project):
    path = project / ".wa-assist" / "record.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(UpdateError, match=r"record\.json: not valid JSON"):
        load_record(project)
    path.write_text(json.dumps({"schema": 99}), encoding="utf-8")
    with pytest.raises(UpdateError, match="unknown record schema 99"):
        load_record(project)
    path.write_text(json.dumps({"schema": 1, "inputs": {}}), encoding="utf-8")
    with pytest.raises(UpdateError, match="missing or malformed field"):
        load_record(project)


def test_an_edited_base_archive_is_noticed_and_those_files_merge_two_way(project):
    from wa_assist.update.record import FileState, pack_base, unpack_base

    base = project / ".wa-assist" / "base.tar.gz"
    files = unpack_base(base.read_bytes())
    files["pytest.ini"] = FileState(b"tampered\n", 0o644)
    base.write_bytes(pack_base(files))
    loaded = load_record(project)
    assert loaded.base["pytest.ini"] is None and loaded.base["template.yaml"] is not None
    assert loaded.problems == [".wa-assist/base.tar.gz does not match the record"]
