"""`wa-assist new` as a user meets it: the project's name, and next steps that match the project."""

from __future__ import annotations

from pathlib import Path

from wa_assist.cli import main
from wa_assist.next_steps import next_steps


def _signed(project: Path) -> bool:
    """Whether the project enforces code signing (its template has a code signing config)."""
    return "AWS::Lambda::CodeSigningConfig" in (project / "template.yaml").read_text(encoding="utf-8")


def _name(project: Path) -> str:
    """The project's name, as its README's title and its stacks' prefix use it."""
    return (project / "README.md").read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")


def _printed_commands(out: str) -> list[str]:
    steps = out.split("Next steps", 1)[1].splitlines()[1:]
    return [line.strip().split("  # ", 1)[0] for line in steps if line.startswith("  ")]


def test_steps_without_code_signing_deploy_guided():
    commands = [s.command for s in next_steps({"name": "shop", "code_signing": False}, "shop")]
    assert commands[0] == "cd shop"
    assert "python -m pytest tests/unit" in commands
    assert commands.index("sam build") < commands.index("sam deploy --guided --config-env dev")
    assert not any("bootstrap" in c for c in commands)
    assert commands[-1] == "STACK_NAME=shop-dev python -m pytest tests/integration"


def test_steps_with_code_signing_bootstrap_first_and_never_guided():
    commands = [s.command for s in next_steps({"name": "shop", "code_signing": True})]
    assert not any("--guided" in c for c in commands)
    boot = commands.index("sam deploy --config-env dev-bootstrap")
    assert commands.index("sam build") < boot < commands.index("sam deploy --config-env dev")
    assert any("SigningProfileName" in c for c in commands[boot:])


def test_mtls_steps_ask_for_the_domain_and_trust_store_before_deploying():
    steps = next_steps({"name": "shop", "api_auth": "mtls"})
    edit = next(s for s in steps if "TruststoreUri" in s.command)
    assert not edit.is_command and steps.index(edit) < [s.command for s in steps].index("sam build")
    assert not any("TruststoreUri" in s.command for s in next_steps({"name": "shop", "api_auth": "iam"}))


def test_new_prints_the_steps_its_readme_describes(tmp_path, capsys):
    """Sensitive data: the project enforces code signing, and new says to deploy the bootstrap config first."""
    signed = tmp_path / "signed-api"
    assert main(["new", str(signed), "--set", "sensitive_data=true"]) == 0
    out = capsys.readouterr().out
    readme = (signed / "README.md").read_text(encoding="utf-8")
    assert _signed(signed)
    printed = _printed_commands(out)
    assert "sam deploy --config-env dev-bootstrap" in printed and not any("--guided" in c for c in printed)
    for command in printed:
        if command.startswith(("sam ", "python -m pytest", "STACK_NAME=")):
            assert command in readme, command

    plain = tmp_path / "plain-api"
    assert main(["new", str(plain), "--set", "sensitive_data=false"]) == 0
    printed = _printed_commands(capsys.readouterr().out)
    assert not _signed(plain)
    assert "sam deploy --guided --config-env dev" in printed
    assert all("bootstrap" not in c for c in printed)
    assert "sam deploy --guided --config-env dev" in (plain / "README.md").read_text(encoding="utf-8")


def test_new_without_a_profile_names_the_project_after_its_folder(tmp_path, capsys):
    assert main(["new", str(tmp_path / "shop-api")]) == 0
    assert _name(tmp_path / "shop-api") == "shop-api"
    assert "note" not in capsys.readouterr().err

    assert main(["new", str(tmp_path / "Shop API 2")]) == 0
    assert _name(tmp_path / "Shop API 2") == "shop-api-2"
    assert "named 'shop-api-2' after its folder 'Shop API 2'" in capsys.readouterr().err


def test_an_explicit_name_wins_over_the_folder(tmp_path, capsys):
    assert main(["new", str(tmp_path / "folder"), "--set", "name=billing"]) == 0
    assert _name(tmp_path / "folder") == "billing"


def test_new_refuses_a_destination_whose_parent_is_missing(tmp_path, capsys):
    dest = tmp_path / "missing" / "deeper" / "proj"
    assert main(["new", str(dest)]) == 2
    assert f"the folder {dest.parent} does not exist" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()
