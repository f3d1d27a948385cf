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


# --------------------------------------------------------------------------- help


def _help(*argv: str) -> str:
    import contextlib
    import io

    from wa_assist.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--help"]) == 0
    return out.getvalue()


def test_every_command_has_a_description_examples_and_help_for_every_option():
    import re

    from wa_assist.cli import COMMANDS, build_parser

    _, parsers = build_parser()
    for name, cmd in COMMANDS.items():
        text = _help(name)
        assert cmd.description.splitlines()[0] in text, name
        examples = text.split("\nexamples:\n", 1)[1]
        assert examples.strip().startswith("wa-assist"), name
        lines = text.splitlines()
        for option in parsers[name].long_options:
            start = rf"^\s+(-\w, )?{re.escape(option)}( [A-Z_=]+)?"
            at = next(i for i, line in enumerate(lines) if re.match(start + r"(\s|$)", line))
            own = re.sub(start, "", lines[at]).strip()
            follows = lines[at + 1] if at + 1 < len(lines) else ""
            assert own or follows.startswith(" " * 10), f"{name} {option} has no help"


def test_every_example_in_the_help_parses():
    import shlex

    from wa_assist.cli import COMMANDS, parse_args

    for cmd in COMMANDS.values():
        for example in cmd.examples:
            words = shlex.split(example, comments=True)
            for stop in ("|", ">"):
                words = words[: words.index(stop)] if stop in words else words
            args = parse_args(words[1:])
            assert args.command == cmd.name, example


def test_choices_are_listed_in_the_help():
    from wa_assist.vocabulary import KINDS, PILLARS

    text = " ".join(_help("search").split()).replace("- ", "-")  # the help wraps at hyphens
    for value in (*PILLARS, *KINDS, "ids"):
        assert value in text, value


# --------------------------------------------------------------------------- global options


def test_knowledge_is_honoured_before_and_after_the_command(tmp_path):
    from wa_assist.cli import parse_args

    a, b = str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")
    assert parse_args(["--knowledge", a, "list"]).knowledge == [a]
    assert parse_args(["list", "--knowledge", a]).knowledge == [a]
    assert parse_args(["--knowledge", a, "search", "x", "--knowledge", b]).knowledge == [a, b]
    assert parse_args(["--knowledge", a]).knowledge == [a] and parse_args([]).command == "interview"


def test_extra_guidance_given_before_the_command_is_searched(tmp_path):
    guidance = tmp_path / "ours.yaml"
    guidance.write_text(
        "entries:\n"
        "  - id: org-tagging-standard\n"
        "    kind: practice\n"
        "    pillars: [operational-excellence]\n"
        "    title: Zebracorn tagging standard\n"
        "    summary: Every resource carries the zebracorn cost-centre tag.\n"
        "    body: Tag every resource with the zebracorn cost centre so spend can be traced.\n",
        encoding="utf-8",
    )
    before = run_cli("--knowledge", str(guidance), "search", "zebracorn", "--format", "ids")
    after = run_cli("search", "zebracorn", "--format", "ids", "--knowledge", str(guidance))
    assert before.returncode == 0, before.stderr
    assert before.stdout.splitlines()[0] == "org-tagging-standard" == after.stdout.splitlines()[0]


# --------------------------------------------------------------------------- ids


def test_format_ids_lists_bare_ids_for_search_list_and_recommend():
    from tests.helpers import ROOT

    search = run_cli("search", "dlq", "--format", "ids", "--limit", "3")
    assert search.returncode == 0 and search.stdout.splitlines()[0] == "svc-dead-letter-queues"
    assert len(search.stdout.splitlines()) == 3
    listing = run_cli("list", "--kind", "caution", "--format", "ids")
    assert listing.returncode == 0 and all(line.startswith("caution-") for line in listing.stdout.splitlines())
    rec = run_cli("recommend", "--profile", str(ROOT / "examples" / "orders-api.yaml"), "--format", "ids")
    assert rec.returncode == 0, rec.stderr
    ids = rec.stdout.splitlines()
    assert "svc-dynamodb-capacity-modes" in ids and all(" " not in i for i in ids)


def test_piped_recommend_table_prints_every_id_whole():
    import json

    from tests.helpers import ROOT

    profile = str(ROOT / "examples" / "orders-api.yaml")
    data = json.loads(run_cli("recommend", "--profile", profile, "--format", "json").stdout)
    for columns in ("80", "200"):
        table = run_cli("recommend", "--profile", profile, env={"COLUMNS": columns}).stdout
        cells = {cell.strip() for line in table.splitlines() for cell in line.split("│")}
        missing = [r["id"] for r in data["recommendations"] if r["id"] not in cells]
        assert not missing, (columns, missing)
        assert "…" not in "".join(c for c in cells if c.startswith(("svc-", "rel-", "ops-", "sec-")))


def test_show_expands_an_abbreviation_search_knows():
    result = run_cli("show", "dlq", "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    assert json.loads(result.stdout)["id"] == "svc-dead-letter-queues"
    assert "showing svc-dead-letter-queues" in result.stderr


# --------------------------------------------------------------------------- files


def test_export_lens_refuses_an_existing_file_unless_forced(tmp_path):
    import json

    target = tmp_path / "lens.json"
    target.write_text("mine\n", encoding="utf-8")
    refused = run_cli("export-lens", "--output", str(target))
    assert refused.returncode == 2 and target.read_text() == "mine\n"
    forced = run_cli("export-lens", "--output", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert json.loads(target.read_text())["name"]
    assert [p.name for p in tmp_path.iterdir()] == ["lens.json"]  # no temporary file left behind


def test_profile_writes_json_for_a_json_name(tmp_path):
    import json

    path = tmp_path / "svc.json"
    result = run_cli("profile", str(path), "--set", "scenario=event-driven")
    assert result.returncode == 0, result.stderr
    assert json.loads(path.read_text())["scenario"] == "event-driven"
