"""Profiles: loading YAML and JSON, defaults, errors with file/line/key/allowed values, overrides, saving."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wa_assist.errors import UserError
from wa_assist.profile import (
    ProfileError,
    apply_overrides,
    default_profile,
    dump_profile,
    load_profile,
    profile_from_mapping,
    save_profile,
)


def write(tmp_path: Path, text: str, name: str = "profile.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_keys_take_defaults(kb):
    profile = profile_from_mapping({"scenario": "event-driven"}, kb)
    for q in kb.questions:
        if q.id != "scenario" and q.id not in profile.not_applicable:
            assert profile[q.id] == q.default, q.id
    assert profile["scenario"] == "event-driven"
    assert "scenario" not in profile.defaulted and "traffic" in profile.defaulted
    assert list(profile.to_dict()) == [q.id for q in kb.questions]


def test_valid_yaml_profile(tmp_path, kb):
    path = write(
        tmp_path,
        "name: orders\nscenario: stream-processing\ntraffic: steady\npeak_rps: 4000\n"
        "access_patterns: [time-series, key-value, time-series]\nconsumers: 3\nsensitive_data: yes\n",
    )
    profile = load_profile(path, kb.questions)
    assert profile["name"] == "orders"
    assert profile["peak_rps"] == 4000
    assert profile["access_patterns"] == ["key-value", "time-series"]  # choice order, no duplicates
    assert profile["consumers"] == 3
    assert profile["sensitive_data"] is True
    assert profile.source == str(path)


def test_questions_that_do_not_apply_keep_their_default_and_are_flagged(kb):
    profile = profile_from_mapping(
        {"scenario": "rest-api", "consumers": 5, "access_patterns": ["files"], "read_heavy": True}, kb
    )
    assert "consumers" in profile.not_applicable and profile["consumers"] == 1
    assert "read_heavy" in profile.not_applicable and profile["read_heavy"] is False
    assert profile.ignored == {"consumers": 5, "read_heavy": True}
    stream = profile_from_mapping({"scenario": "stream-processing", "consumers": 5}, kb)
    assert "consumers" not in stream.not_applicable and stream["consumers"] == 5
    assert "auth" in stream.not_applicable


@pytest.mark.parametrize(
    ("text", "line", "fragments"),
    [
        (
            "scenario: rest-api\ntraffic: bursty\n",
            2,
            ["key 'traffic'", "bad value 'bursty'", "allowed: steady, spiky, unpredictable"],
        ),
        (
            "scenario: rest-api\n\npeak_rps: -4\n",
            3,
            ["key 'peak_rps'", "bad value '-4'", "below 0", "a whole number from 0 to 1000000"],
        ),
        ("peak_rps: lots\n", 1, ["bad value 'lots'"]),
        ("peak_rps: true\n", 1, ["bad value 'true'"]),
        ("read_heavy: maybe\n", 1, ["key 'read_heavy'", "allowed: true, false"]),
        ("access_patterns: [key-value, graph]\n", 1, ["unknown: graph", "allowed: a list of key-value, query"]),
        ("name: My Service\n", 1, ["key 'name'", "lowercase letters, digits and hyphens"]),
        ("name: " + "a" * 41 + "\n", 1, ["41 characters"]),
        (
            "scenaro: rest-api\n",
            1,
            [
                "key 'scenaro'",
                "unknown key (did you mean 'scenario'?)",
                "allowed keys: name, description, entity, scenario",
            ],
        ),
        ("runtime: python3.9\n", 1, ["allowed: python3.13, python3.12"]),
        ("max_duration_s: 0\n", 1, ["below 1"]),
    ],
)
def test_errors_name_file_line_key_value_and_allowed(tmp_path, kb, text, line, fragments):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as info:
        load_profile(path, kb.questions)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    for fragment in fragments:
        assert fragment in message, message


def test_every_problem_is_listed(tmp_path, kb):
    path = write(tmp_path, "traffic: bursty\nauth: password\nbogus: 1\n")
    with pytest.raises(ProfileError) as info:
        load_profile(path, kb.questions)
    assert len(info.value.problems) == 3
    assert [p.line for p in info.value.problems] == [3, 1, 2]  # unknown keys first, then by question
    assert isinstance(info.value, UserError)


def test_error_format_is_file_line_key_value_allowed(tmp_path, kb):
    path = write(tmp_path, "deployment: yolo\n")
    with pytest.raises(ProfileError) as info:
        load_profile(path, kb.questions)
    assert (
        str(info.value)
        == f"{path}:1: key 'deployment': bad value 'yolo'; allowed: all-at-once, blue-green, canary, linear"
    )


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        (lambda d: d / "absent.yaml", "no such profile file"),
        (lambda d: d / "absent.json", "no such profile file"),
        (lambda d: d, "is a folder"),
    ],
)
def test_missing_or_unreadable_file_names_the_path(tmp_path, kb, setup, fragment):
    path = setup(tmp_path)
    with pytest.raises(ProfileError) as info:
        load_profile(path, kb.questions)
    assert str(path) in str(info.value) and fragment in str(info.value)


def test_invalid_yaml_names_the_line(tmp_path, kb):
    path = write(tmp_path, "scenario: rest-api\ntraffic: [steady\n")
    with pytest.raises(ProfileError) as info:
        load_profile(path, kb.questions)
    assert str(info.value).startswith(f"{path}:") and "invalid YAML" in str(info.value)


def test_not_a_mapping(tmp_path, kb):
    path = write(tmp_path, "- rest-api\n- steady\n")
    with pytest.raises(ProfileError, match="a profile is a mapping"):
        load_profile(path, kb.questions)


def test_empty_file_is_all_defaults(tmp_path, kb):
    assert load_profile(write(tmp_path, ""), kb.questions).to_dict() == default_profile(kb).to_dict()


def test_json_profile_with_line_numbers(tmp_path, kb):
    good = write(tmp_path, json.dumps({"scenario": "web-app", "global_users": True}), "p.json")
    assert load_profile(good, kb.questions)["global_users"] is True
    bad = write(tmp_path, '{\n  "scenario": "web-app",\n  "auth": "password"\n}\n', "bad.json")
    with pytest.raises(ProfileError) as info:
        load_profile(bad, kb.questions)
    assert str(info.value).startswith(f"{bad}:3: key 'auth': bad value 'password'")
    broken = write(tmp_path, '{\n  "scenario": \n}\n', "broken.json")
    with pytest.raises(ProfileError, match="invalid JSON"):
        load_profile(broken, kb.questions)


def test_apply_overrides_parses_by_question_type(kb):
    base = default_profile(kb)
    updated = apply_overrides(
        base,
        [
            "scenario=stream-processing",
            "peak_rps=2500",
            "global_users=yes",
            "access_patterns=time-series, analytics",
            "consumers=2",
            "name=ingest",
        ],
    )
    assert updated["scenario"] == "stream-processing"
    assert updated["peak_rps"] == 2500
    assert updated["global_users"] is True
    assert updated["access_patterns"] == ["analytics", "time-series"]
    assert updated["consumers"] == 2
    assert updated["name"] == "ingest"
    assert base["scenario"] == "rest-api"  # the original is unchanged
    assert apply_overrides(base, ["access_patterns="])["access_patterns"] == []
    assert apply_overrides(base, ["access_patterns=[query, 'files']"])["access_patterns"] == ["query", "files"]


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("peak_rps=many", "--set: key 'peak_rps': bad value 'many'"),
        ("sensitive_data=perhaps", "key 'sensitive_data': bad value 'perhaps'; allowed: true, false"),
        ("traffic=bursty", "allowed: steady, spiky, unpredictable"),
        ("trafic=steady", "unknown key (did you mean 'traffic'?)"),
        ("traffic", "is not key=value"),
    ],
)
def test_apply_overrides_errors(kb, override, fragment):
    with pytest.raises(ProfileError) as info:
        apply_overrides(default_profile(kb), [override])
    assert fragment in str(info.value)


def test_an_override_can_make_an_ignored_answer_apply(tmp_path, kb):
    profile = load_profile(write(tmp_path, "scenario: rest-api\nconsumers: 4\n"), kb.questions)
    assert profile["consumers"] == 1
    assert apply_overrides(profile, ["scenario=stream-processing"])["consumers"] == 4


@pytest.mark.parametrize("name", ["saved.yaml", "saved.json"])
def test_save_and_load_round_trip(tmp_path, kb, name):
    profile = profile_from_mapping(
        {
            "name": "x-1",
            "description": "Orders: the 'best' #1 service",
            "scenario": "web-app",
            "access_patterns": ["files", "query"],
            "peak_rps": 7,
        },
        kb,
    )
    path = save_profile(profile, tmp_path / name)
    again = load_profile(path, kb.questions)
    assert again.to_dict() == profile.to_dict()


def test_saved_yaml_is_commented(kb):
    text = dump_profile(profile_from_mapping({"scenario": "rest-api"}, kb))
    assert text.startswith("# wa-assist workload profile")
    assert "# allowed: steady, spiky, unpredictable\ntraffic: spiky\n" in text
    assert "# How many applications read the stream? (does not apply to this profile; default kept)" in text


# --------------------------------------------------------------------------- accepted and rejected


@pytest.mark.parametrize("name", ["choices.yaml", "choices.json"])
def test_accepted_and_rejected_round_trip(tmp_path, kb, name):
    profile = profile_from_mapping(
        {"scenario": "rest-api", "accepted": ["rel-throttling"], "rejected": ["svc-kms-encryption"]}, kb
    )
    assert profile.accepted == {"rel-throttling"} and profile.rejected == {"svc-kms-encryption"}
    again = load_profile(save_profile(profile, tmp_path / name), kb)
    assert again.accepted == {"rel-throttling"} and again.rejected == {"svc-kms-encryption"}
    assert "accepted" not in again.to_dict()  # the answers stay the answers


def test_saved_yaml_lists_the_choices_next_to_the_answers(kb):
    text = dump_profile(profile_from_mapping({"rejected": ["svc-kms-encryption"]}, kb))
    assert "\naccepted: []\nrejected:\n- svc-kms-encryption\n" in text


def test_unknown_choice_ids_are_reported_with_their_line_and_a_suggestion(tmp_path, kb):
    path = write(tmp_path, "scenario: rest-api\nrejected:\n  - svc-kms-encryption\n  - rel-throtling\n")
    with pytest.raises(ProfileError) as err:
        load_profile(path, kb)
    message = str(err.value)
    assert f"{path}:4: key 'rejected'" in message and "did you mean rel-throttling" in message


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"accepted": "concept-cold-start"}, "not a recommendation"),
        ({"accepted": [1, 2]}, "allowed: a list of recommendation ids"),
        ({"accepted": ["rel-throttling"], "rejected": ["rel-throttling"]}, "both accepted and rejected"),
        ({"acepted": ["rel-throttling"]}, "did you mean 'accepted'"),
    ],
)
def test_bad_choices_are_errors(kb, data, fragment):
    with pytest.raises(ProfileError) as err:
        profile_from_mapping(data, kb)
    assert fragment in str(err.value)


def test_overrides_keep_the_choices(kb):
    profile = profile_from_mapping({"rejected": ["svc-kms-encryption"]}, kb)
    assert apply_overrides(profile, ["traffic=steady"]).rejected == {"svc-kms-encryption"}


def test_saving_is_atomic(tmp_path, kb, monkeypatch):
    path = write(tmp_path, "name: kept\n")
    profile = profile_from_mapping({"name": "replaced"}, kb)

    def broken_dump(text: Any, *args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    import wa_assist.userfiles as module  # the one atomic writer every command uses

    monkeypatch.setattr(module.os, "replace", broken_dump)
    with pytest.raises(OSError):
        save_profile(profile, path)
    assert path.read_text(encoding="utf-8") == "name: kept\n"
    assert [p.name for p in tmp_path.iterdir()] == ["profile.yaml"]  # no temporary file left behind


def test_recommend_and_new_reproduce_the_profiles_choices(tmp_path, kb):
    from tests.helpers import run_cli

    path = write(
        tmp_path, "name: orders\nsensitive_data: true\nrejected: [svc-kms-encryption]\naccepted: [rel-throttling]\n"
    )
    proc = run_cli("recommend", "--profile", str(path), "--format", "json", "--reject", "rel-throttling")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {r["id"] for r in data["rejected"]} == {"svc-kms-encryption", "rel-throttling"}  # merged with --reject
    assert data["decisions"]["kms"] == "aws-managed"
    assert data["risk"]["pillars"]["reliability"] == "high"

    proc = run_cli("new", str(tmp_path / "orders"), "--profile", str(path))
    assert proc.returncode == 0, proc.stderr
    recommendations = (tmp_path / "orders" / "RECOMMENDATIONS.md").read_text(encoding="utf-8")
    assert "## Rejected (1)" in recommendations
    assert "svc-kms-encryption" in recommendations.split("## Rejected (1)", 1)[1]
