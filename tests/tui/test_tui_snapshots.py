"""Layout snapshots of the main screens at fixed terminal sizes (pytest-textual-snapshot).

The app runs with the real interview questions and decisions but a small fixed set of entries, so the
pictures change when the screens change, not when the knowledge base grows. Update them after a
deliberate change with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wa_assist.kb import KnowledgeBase
from wa_assist.schema import KnowledgeFile
from wa_assist.tui import WaAssistApp, make_app
from wa_assist.tui.services import Generated

WIDE = (120, 40)
SMALL = (80, 24)

ENTRIES: list[dict[str, Any]] = [
    {
        "id": "alarm-on-service-metrics",
        "kind": "practice",
        "pillars": ["operational-excellence"],
        "title": "Alarm on the metrics managed services publish",
        "summary": "Every managed service publishes metrics; alarm on errors, throttles and latency.",
        "body": "Managed services publish errors, throttles and durations at no cost. Alarms on them find trouble first.",
        "aliases": ["CloudWatch alarms"],
        "lens": {"question": "ops_q1", "choice": "ops_ops_q1_a1", "tier": "required"},
        "advice": {
            "priority": "high",
            "reasons": [{"text": "'{name}' needs to know when it fails before its users do."}],
            "decisions": [{"set": {"log_level": "INFO"}}],
            "changes": "CloudWatch alarms on errors, throttles and duration.",
        },
    },
    {
        "id": "canary-deployments",
        "kind": "deployment-approach",
        "pillars": ["operational-excellence", "reliability"],
        "title": "Canary deployments",
        "summary": "Shift a small share of traffic to the new version first and roll back on alarms.",
        "body": "A canary sends 10% of the traffic to the new version, waits, then shifts the rest.",
        "advice": {
            "applies": {"deployment": "canary"},
            "priority": "high",
            "reasons": [{"text": "You chose {deployment} roll-outs."}],
            "decisions": [{"set": {"deployment_type": "Canary10Percent5Minutes", "pre_traffic_hook": True}}],
            "changes": "A CodeDeploy canary with a pre-traffic hook and automatic rollback.",
        },
    },
    {
        "id": "on-demand-tables",
        "kind": "service-guidance",
        "pillars": ["cost-optimization", "performance-efficiency"],
        "title": "On-demand capacity for spiky tables",
        "summary": "On-demand tables follow the traffic and cost nothing when idle.",
        "body": "With on-demand capacity DynamoDB scales with each request and bills per request.",
        "advice": {
            "applies": {"traffic": ["spiky", "unpredictable"]},
            "priority": [{"when": {"peak_rps": {"gte": 1000}}, "value": "high"}, {"value": "medium"}],
            "reasons": [{"text": "{traffic} traffic up to {peak_rps} requests per second."}],
            "decisions": [{"set": {"table_billing": "on-demand"}}],
            "changes": "A DynamoDB table in PAY_PER_REQUEST mode.",
        },
    },
    {
        "id": "customer-managed-keys",
        "kind": "service-guidance",
        "pillars": ["security"],
        "title": "Encrypt sensitive data with customer-managed keys",
        "summary": "A customer-managed KMS key controls who can decrypt the data.",
        "body": "Customer-managed keys let you audit, rotate and revoke access to sensitive data.",
        "advice": {
            "applies": {"sensitive_data": True},
            "priority": "high",
            "reasons": [{"text": "The workload handles sensitive data."}],
            "decisions": [{"set": {"kms": "customer-managed"}}],
            "changes": "A KMS key for the table, queues and logs.",
        },
    },
    {
        "id": "graviton-functions",
        "kind": "practice",
        "pillars": ["sustainability"],
        "title": "Run functions on Graviton",
        "summary": "Arm64 functions use less energy and cost less per GB-second.",
        "body": "Graviton processors give better performance per watt; pure Python runs unchanged.",
        "advice": {
            "priority": "low",
            "reasons": [{"text": "'{name}' is pure Python, so arm64 needs no change."}],
            "decisions": [{"set": {"architecture": "arm64"}}],
            "changes": "Functions with Architectures arm64.",
        },
    },
    {
        "id": "concept-concurrency-model",
        "kind": "concept",
        "pillars": ["performance-efficiency"],
        "title": "Concurrency model",
        "summary": "Concurrency is requests per second times the duration of each request.",
        "body": "Each concurrent request runs in its own execution environment.",
    },
]


@pytest.fixture(scope="module")
def small_kb(kb) -> KnowledgeBase:
    entries = KnowledgeFile.model_validate({"entries": ENTRIES}).entries
    return KnowledgeBase(
        {e.id: e for e in entries}, list(kb.questions), dict(kb.decisions), [], lens_questions=dict(kb.lens_questions)
    )


def fake_generate(dest: Path, profile: Any, rejected: frozenset[str], force: bool) -> Generated:
    return Generated(
        dest=Path("orders"),
        files=[
            "README.md",
            "RECOMMENDATIONS.md",
            "samconfig.toml",
            "src/app.py",
            "template.yaml",
            "tests/unit/test_app.py",
        ],
        next_steps=["`cd orders`", "`sam build && sam deploy --guided`"],
    )


def build(small_kb: KnowledgeBase) -> WaAssistApp:
    from wa_assist.search import SearchIndex

    return make_app(
        small_kb,
        generate=fake_generate,
        index_loader=lambda: SearchIndex.build(small_kb.entries.values(), small_kb.abbreviations),
    )


async def ready(pilot: Any) -> None:
    """Wait until the first question is on screen."""
    for _ in range(200):
        if pilot.app.ready_at is not None:
            break
        await pilot.pause(0.02)
    await pilot.pause()


async def settle(pilot: Any) -> None:
    """Wait for the screen, and stop cursors blinking so the picture is stable."""
    from textual.widgets import Input

    await ready(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def to_step(pilot: Any, group: str) -> None:
    await ready(pilot)
    screen = pilot.app.screen
    await screen.show_step(group)
    await settle(pilot)


async def to_results(pilot: Any, reject: str | None = None) -> None:
    from textual.widgets import OptionList

    await ready(pilot)
    pilot.app.show_results()
    await pilot.pause()
    if reject:
        recs = pilot.app.screen.query_one("#recs", OptionList)
        recs.highlighted = next(i for i in range(recs.option_count) if recs.get_option_at_index(i).id == reject)
        await pilot.press("r")
    await settle(pilot)


SIZES = pytest.mark.parametrize("size", [SMALL, WIDE], ids=["80x24", "120x40"])


@pytest.fixture(autouse=True)
def fixed_state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The draft's folder, relative so that the path on screen is the same on every run."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WA_ASSIST_STATE_DIR", "state")
    return tmp_path / "state"


@SIZES
def test_interview_first_step(snap_compare, small_kb, size):
    assert snap_compare(build(small_kb), terminal_size=size, run_before=settle)


@SIZES
def test_interview_choice_step(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await to_step(pilot, small_kb.question("scenario").group)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_interview_data_step(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await to_step(pilot, small_kb.question("access_patterns").group)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_interview_inline_error(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await to_step(pilot, small_kb.question("peak_rps").group)
        box = pilot.app.screen.query_one("#q-peak_rps")
        box.value = "lots"
        await settle(pilot)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


def test_interview_light_theme(snap_compare, small_kb):
    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        await pilot.press("ctrl+t")
        await to_step(pilot, small_kb.question("traffic").group)

    assert snap_compare(build(small_kb), terminal_size=WIDE, run_before=run_before)


@SIZES
def test_results_with_a_rejection(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await to_results(pilot, reject="canary-deployments")

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_results_filtered(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        from textual.widgets import Select

        await to_results(pilot)
        pilot.app.screen.query_one("#priority-filter", Select).value = "high"
        await pilot.press("slash", *"canary")
        await settle(pilot)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_search(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press(*"canary")
        await settle(pilot)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_generate_form(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await to_results(pilot, reject="canary-deployments")
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_generate_summary(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await to_results(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("enter")
        screen = pilot.app.screen
        for _ in range(100):
            if screen.generated is not None:
                break
            await pilot.pause(0.05)
        await settle(pilot)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_help(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_quit_with_unsaved_changes(snap_compare, small_kb, size):
    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        pilot.app.screen.query_one("#q-name").value = "orders"
        await pilot.press("ctrl+q")
        await settle(pilot)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=run_before)


@SIZES
def test_resume_a_draft(snap_compare, small_kb, size, fixed_state_dir):
    from wa_assist.profile import profile_from_mapping, save_profile
    from wa_assist.tui.services import ProfileStore

    fixed_state_dir.mkdir()
    store = ProfileStore(Path("state") / "draft.yaml", autosaved=True)
    save_profile(profile_from_mapping({"name": "orders"}, small_kb), store.path)
    store.remember_step(small_kb.question("traffic").group)

    assert snap_compare(build(small_kb), terminal_size=size, run_before=settle)


def test_terminal_too_small(snap_compare, small_kb):
    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        for _ in range(5):
            await pilot.pause()

    assert snap_compare(build(small_kb), terminal_size=(60, 20), run_before=run_before)
