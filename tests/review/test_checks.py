"""Every check has a failing and a passing fixture; the failing one marks each line a finding must point at.

A line ending in ``# expect`` is where the check must report, and nowhere else; the passing fixture must not
raise the check at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wa_assist.review.catalogue import load_catalogue
from wa_assist.review.registry import load_detections
from wa_assist.review.run import check_template
from wa_assist.review.template import load

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
CHECK_IDS = sorted(load_detections())


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(use_cache=False)


def _lines(cid: str, path: Path, catalogue) -> list[int]:
    t = load(path)
    findings, _, errors = check_template(t, catalogue, {cid: load_detections()[cid]})
    assert not errors
    return sorted(f.line for f in findings)


def test_every_check_has_both_fixtures():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == set(CHECK_IDS)
    for cid in CHECK_IDS:
        assert (FIXTURES / cid / "fail.yaml").is_file() and (FIXTURES / cid / "pass.yaml").is_file()


@pytest.mark.parametrize("cid", CHECK_IDS)
def test_failing_fixture_reports_the_marked_lines(cid, catalogue):
    path = FIXTURES / cid / "fail.yaml"
    expected = [i for i, line in enumerate(path.read_text().splitlines(), 1) if line.rstrip().endswith("# expect")]
    assert expected, f"{path} marks no line with '# expect'"
    assert _lines(cid, path, catalogue) == expected


@pytest.mark.parametrize("cid", CHECK_IDS)
def test_passing_fixture_is_clean(cid, catalogue):
    assert _lines(cid, FIXTURES / cid / "pass.yaml", catalogue) == []


@pytest.mark.parametrize("cid", CHECK_IDS)
def test_messages_fill_every_placeholder(cid, catalogue):
    t = load(FIXTURES / cid / "fail.yaml")
    findings, _, _ = check_template(t, catalogue, {cid: load_detections()[cid]})
    for f in findings:
        assert "{" not in f.message, f.message
