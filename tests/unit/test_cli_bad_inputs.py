"""Every command with a table of bad inputs: a one-line error (detail indented beneath), exit 2, no traceback.

The table runs in process through :func:`wa_assist.cli.main`, which is what the console script calls; a
few cases also run as a subprocess, to show the real entry point behaves the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli
from wa_assist.cli import main

GOOD_PROFILE = "name: orders\nscenario: rest-api\n"
BAD_PROFILE = "scenario: rest-api\ntraffic: bursty\ncost_priority: cheap\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Paths the bad inputs name: files that exist, a non-empty folder, broken knowledge, profiles."""
    (tmp_path / "existing.json").write_text('{"mine": true}\n', encoding="utf-8")
    (tmp_path / "existing.yaml").write_text("name: mine\n", encoding="utf-8")
    (tmp_path / "good.yaml").write_text(GOOD_PROFILE, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(BAD_PROFILE, encoding="utf-8")
    (tmp_path / "broken-guidance.yaml").write_text("entries:\n  - id: X\n", encoding="utf-8")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    return {"tmp": str(tmp_path), "missing": str(tmp_path / "missing.yaml")}


# (arguments with {tmp} and {missing} filled in, a fragment the message must contain)
BAD_INPUTS: list[tuple[list[str], str]] = [
    # the command line itself
    (["serach", "dlq"], "unknown command 'serach'; did you mean 'search'?"),
    (["lst"], "did you mean 'list'?"),
    (["--nope"], "unknown option --nope"),
    (["--knowledge", "{missing}", "list"], "{missing}: no such knowledge file or folder"),
    (["list", "--knowledge", "{missing}"], "{missing}: no such knowledge file or folder"),
    (["--knowledge", "{tmp}/broken-guidance.yaml", "search", "x"], "problems in the knowledge base"),
    (["interview"], "needs an interactive terminal"),
    ([], "needs an interactive terminal"),
    (["interview", "--profile"], "argument --profile: expected one argument"),
    (["interview", "--profile", "/no/such/dir/draft.yaml"], "the folder /no/such/dir does not exist"),
    (["interview", "--profile", "{tmp}/draft.toml"], "must end with '.yaml', '.yml' or '.json'"),
    (["interview", "--profile", "{tmp}/full"], "is a folder"),
    # review
    (["review"], "the following arguments are required: PATH"),
    (["review", "{missing}"], "{missing}"),
    (["review", "{tmp}/a-file"], "a-file"),
    (["review", "{tmp}/full", "--format", "xml"], "'xml' is not a format"),
    (["review", "{tmp}/full", "--fail-on", "hihg"], "did you mean 'high'?"),
    # ask
    (["ask"], "the question is empty"),
    (["ask", "??"], "the question is empty"),
    (["ask", "dlq", "--format", "yaml"], "'yaml' is not a format"),
    (["ask", "dlq", "--profile", "{missing}"], "no such profile file"),
    (["ask", "dlq", "--profile", "{tmp}/bad.yaml"], "problems in the profile"),
    # search and list
    (["search"], "the query is empty"),
    (["search", "!!!"], "the query is empty"),
    (["search", "x", "--pillar", "relability"], "'relability' is not a pillar; did you mean 'reliability'?"),
    (["search", "x", "--kind", "practise"], "did you mean 'practice'?"),
    (["search", "x", "--pilar", "security"], "unknown option --pilar; did you mean --pillar?"),
    (["search", "x", "--limit", "0"], "must be at least 1"),
    (["search", "x", "--limit", "ten"], "expected a whole number, got 'ten'"),
    (["search", "x", "--format", "csv"], "allowed: table, json, ids"),
    (["search", "x", "--knowledge"], "argument --knowledge: expected one argument"),
    (["list", "--kind", "nope"], "'nope' is not a kind"),
    (["list", "extra"], "unexpected argument 'extra'"),
    # show
    (["show"], "the following arguments are required: id"),
    (["show", "qqqzzzxxx"], "no entry with id 'qqqzzzxxx'"),
    (["show", "svc-dead-letter-queue"], "did you mean svc-dead-letter-queues"),
    (["show", "svc-sqs", "--format", "html"], "'html' is not a format"),
    # schema and export-lens
    (["schema", "--output", "/no/such/dir/x.json"], "the folder /no/such/dir does not exist"),
    (
        ["schema", "--output", "{tmp}/existing.json"],
        "existing.json already exists; choose another file name, or pass --force",
    ),
    (["schema", "--output", "{tmp}/schema.toml"], "the file name must end with '.json'"),
    (["schema", "--output", "{tmp}"], "is a folder; give the name of a file"),
    (["export-lens", "--output", "/no/such/dir/x.json"], "the folder /no/such/dir does not exist"),
    (["export-lens", "--output", "{tmp}/existing.json"], "already exists"),
    (["export-lens", "--output", "{tmp}/lens.txt"], "must end with '.json'"),
    (["export-lens", "--output", "{tmp}/a-file/x.json"], "is not a folder"),
    # profile
    (["profile"], "the following arguments are required: file"),
    (["profile", "{tmp}/svc.toml"], "must end with '.yaml', '.yml' or '.json'"),
    (["profile", "{tmp}/existing.yaml"], "existing.yaml already exists"),
    (["profile", "/no/such/dir/p.yaml"], "the folder /no/such/dir does not exist"),
    (["profile", "{tmp}/p.yaml", "--set", "scenario=event-drivn"], "did you mean 'event-driven'?"),
    (["profile", "{tmp}/p.yaml", "--set", "scenaro=rest-api"], "unknown key (did you mean 'scenario'?)"),
    (["profile", "{tmp}/p.yaml", "--set", "scenario"], "is not key=value"),
    (["profile", "{tmp}/p.yaml", "--set", "peak_rps=lots"], "key 'peak_rps': bad value 'lots'"),
    # recommend
    (["recommend"], "the following arguments are required: --profile"),
    (["recommend", "--profile", "{missing}"], "no such profile file"),
    (["recommend", "--profile", "{tmp}"], "{tmp}"),
    (["recommend", "--profile", "{tmp}/bad.yaml"], "2 problems in the profile:"),
    (["recommend", "--profile", "{tmp}/good.yaml", "--reject", "svc-kms-encrypt"], "did you mean svc-kms-encryption"),
    (["recommend", "--profile", "{tmp}/good.yaml", "--format", "yaml"], "'yaml' is not a format"),
    # new
    (["new"], "the following arguments are required: dest"),
    (["new", "/no/such/deep/proj"], "the folder /no/such/deep does not exist; create it first"),
    (["new", "{tmp}/full"], "is not empty"),
    (["new", "{tmp}/a-file"], "exists and is not a folder"),
    (["new", "{tmp}/p", "--profile", "{missing}"], "no such profile file"),
    (["new", "{tmp}/p", "--profile", "{tmp}/bad.yaml"], "2 problems in the profile:"),
    (["new", "{tmp}/p", "--set", "scenario=event-drivn"], "did you mean 'event-driven'?"),
    (["new", "{tmp}/p", "--set", "auth"], "expected key=value"),
    (["new", "{tmp}/p", "--reject", "svc-kms-encrypt"], "did you mean svc-kms-encryption"),
]


def _fill(text: str, files: dict[str, str]) -> str:
    return text.format(**files)


def _assert_one_error(err: str, fragment: str) -> None:
    assert "Traceback" not in err, err
    lines = err.rstrip("\n").splitlines()
    assert lines, "no message at all"
    assert lines[0].startswith("wa-assist: error: "), err
    assert all(line.startswith("  ") for line in lines[1:]), f"detail lines are indented beneath the error:\n{err}"
    assert fragment in err, err


def _snapshot(folder: str) -> dict[str, bytes]:
    root = Path(folder)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("argv", "fragment"), BAD_INPUTS, ids=[" ".join(a) or "(none)" for a, _ in BAD_INPUTS])
def test_bad_input_is_one_clear_error(argv, fragment, files, capsys):
    before = _snapshot(files["tmp"])
    status = main([_fill(a, files) for a in argv])
    out, err = capsys.readouterr()
    assert status == 2, (status, out, err)
    assert out == ""
    _assert_one_error(err, _fill(fragment, files))
    assert _snapshot(files["tmp"]) == before, "a refused command changed no file"
    assert not Path("/no/such").exists()


def test_every_command_has_bad_inputs_in_the_table():
    from wa_assist.cli import COMMANDS

    tried = {argv[0] for argv, _ in BAD_INPUTS if argv and not argv[0].startswith("-")}
    assert set(COMMANDS) <= tried, set(COMMANDS) - tried


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["serach", "dlq"], "did you mean 'search'?"),
        (["export-lens", "--output", "/no/such/dir/x.json"], "does not exist"),
        (["search", "x", "--pillar", "relability"], "did you mean 'reliability'?"),
    ],
)
def test_the_console_entry_point_reports_the_same_way(argv, fragment):
    proc = run_cli(*argv)
    assert proc.returncode == 2 and proc.stdout == ""
    _assert_one_error(proc.stderr, fragment)


def test_ctrl_c_is_reported_in_the_same_format(monkeypatch, capsys):
    import wa_assist.commands.lookup as lookup

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(lookup, "listing", interrupted)
    assert main(["list"]) == 130
    _assert_one_error(capsys.readouterr().err, "interrupted")


def test_a_write_the_system_refuses_names_the_file_without_a_traceback(capsys):
    """/sys refuses new files even to root: the error names the user's file, not a temporary one."""
    if not Path("/sys").is_dir():
        pytest.skip("no /sys on this system")
    assert main(["schema", "--output", "/sys/wa-assist-schema.json"]) == 2
    err = capsys.readouterr().err
    _assert_one_error(err, "/sys/wa-assist-schema.json: ")
    assert ".tmp" not in err


def test_profile_and_recommend_report_a_bad_profile_alike(files, capsys):
    """The same bad profile reads the same from every command that takes one."""
    bad = f"{files['tmp']}/bad.yaml"
    main(["recommend", "--profile", bad])
    from_recommend = capsys.readouterr().err
    main(["new", f"{files['tmp']}/p", "--profile", bad])
    from_new = capsys.readouterr().err
    assert from_recommend == from_new
    assert from_new.splitlines()[1:] == [
        f"  {bad}:2: key 'traffic': bad value 'bursty'; allowed: steady, spiky, unpredictable",
        f"  {bad}:3: key 'cost_priority': bad value 'cheap'; allowed: lowest-cost, balanced, performance",
    ]
