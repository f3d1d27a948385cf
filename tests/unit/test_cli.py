"""The command line as a user meets it: help, the profile command, the interview without a terminal."""

from __future__ import annotations

from tests.helpers import run_cli


def test_interview_without_a_terminal_says_what_to_do_instead():
    result = run_cli(input="")
    assert result.returncode == 2
    assert "needs an interactive terminal" in result.stderr and "wa-assist new DEST --profile FILE" in result.stderr
    assert "Traceback" not in result.stderr and "\x1b[" not in result.stdout


def test_profile_command_writes_defaults_and_never_overwrites(tmp_path):
    import yaml

    path = tmp_path / "svc.yaml"
    result = run_cli("profile", str(path), "--set", "scenario=event-driven", "--set", "name=billing")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(path.read_text())
    assert data["scenario"] == "event-driven" and data["name"] == "billing" and data["traffic"] == "spiky"
    assert "wa-assist new billing --profile" in result.stderr
    again = run_cli("profile", str(path))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert yaml.safe_load(path.read_text())["name"] == "billing"
    bad = run_cli("profile", str(tmp_path / "x.yaml"), "--set", "traffic=bursty")
    assert bad.returncode == 2 and "steady" in bad.stderr and not (tmp_path / "x.yaml").exists()


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("interview", "search", "show", "list", "schema", "export-lens", "profile", "recommend", "new"):
        assert command in result.stdout
