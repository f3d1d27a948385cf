"""What the commands share: one vocabulary, one value formatter, one error format, one way to write files."""

from __future__ import annotations

import os

import pytest

from wa_assist import schema, vocabulary
from wa_assist.errors import UserError, close_matches, did_you_mean, format_error
from wa_assist.formatting import show_value
from wa_assist.userfiles import check_output, write_text


def test_the_schema_validates_with_the_one_vocabulary():
    assert schema.Pillar is vocabulary.Pillar and schema.Priority is vocabulary.Priority
    assert schema.Kind is vocabulary.Kind and schema.Tier is vocabulary.Tier
    assert tuple(p.value for p in schema.Pillar) == vocabulary.PILLARS
    assert [p.rank for p in vocabulary.PRIORITY_ORDER] == [0, 1, 2]
    assert sorted(["low", "high", "medium"], key=lambda p: vocabulary.Priority(p).rank) == ["high", "medium", "low"]
    assert vocabulary.Pillar("cost-optimization").label == "Cost optimization"


@pytest.mark.parametrize(
    ("value", "prose", "literal"),
    [
        (True, "yes", "true"),
        (False, "no", "false"),
        (["key-value", "query"], "key-value, query", "[key-value, query]"),
        ([], "none", "[]"),
        (None, "none", "null"),
        (400, "400", "400"),
        ("rest-api", "rest-api", "rest-api"),
    ],
)
def test_one_value_formatter_in_two_registers(value, prose, literal):
    assert show_value(value) == prose
    assert show_value(value, literal=True) == literal


def test_errors_are_one_line_with_the_detail_indented():
    assert format_error("bad thing") == "wa-assist: error: bad thing"
    text = format_error("2 problems:\nfirst\n  second\n")
    assert text.splitlines() == ["wa-assist: error: 2 problems:", "  first", "  second"]
    assert format_error("look", label="note") == "wa-assist: note: look"


def test_suggestions_name_the_nearest_choices():
    assert close_matches("serach", ["search", "show", "list"]) == ["search"]
    assert close_matches("exp", ["export-lens", "show"]) == ["export-lens"]  # a prefix
    assert did_you_mean("zzz", ["search", "show"]) == ""
    assert did_you_mean("relability", vocabulary.PILLARS) == "; did you mean 'reliability'?"


def test_check_output_refuses_what_would_surprise(tmp_path):
    (tmp_path / "old.json").write_text("mine", encoding="utf-8")
    with pytest.raises(UserError, match="already exists"):
        check_output(tmp_path / "old.json", suffixes=(".json",))
    assert check_output(tmp_path / "old.json", suffixes=(".json",), force=True) == tmp_path / "old.json"
    with pytest.raises(UserError, match=r"must end with '\.json'"):
        check_output(tmp_path / "new.yaml", suffixes=(".json",))
    with pytest.raises(UserError, match="does not exist"):
        check_output(tmp_path / "no" / "new.json")
    assert not (tmp_path / "no").exists()


def test_write_text_is_atomic_and_never_replaces_without_force(tmp_path):
    target = tmp_path / "out.json"
    write_text(target, "one\n")
    with pytest.raises(UserError, match="already exists"):
        write_text(target, "two\n")
    assert target.read_text() == "one\n"
    write_text(target, "three\n", force=True)
    assert target.read_text() == "three\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # the mode any new file gets
