"""A wheel built from the repository, installed in a fresh virtual environment, finds its data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding only the built wheel; dependencies come from this test environment."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("wa_assist-*.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    import zipfile

    with zipfile.ZipFile(wheel) as zf:  # what pip does for a pure wheel, without reaching an index
        zf.extractall(target)
        names = zf.namelist()
    env = {
        **os.environ,
        # the dependencies (rapidfuzz, pydantic, ...) from this environment; wa_assist itself only from the wheel
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "WA_ASSIST_CACHE_DIR": str(work / "cache"),
    }
    return python, env, names, work


def run(installed, *args):
    python, env, _, work = installed
    return subprocess.run([str(python), *args], capture_output=True, text=True, env=env, cwd=work, timeout=300)


def test_wheel_carries_knowledge_and_templates(installed):
    _, _, names, _ = installed
    assert any(n.startswith("wa_assist/_data/knowledge/") and n.endswith("questions.yaml") for n in names)
    assert any(n.startswith("wa_assist/_data/templates/") and n.endswith("copier.yml") for n in names)


def test_installed_package_finds_its_data(installed):
    _, _, _, work = installed
    code = (
        "import json, wa_assist, wa_assist.paths as p; "
        "print(json.dumps([wa_assist.__file__, str(p.knowledge_dir()), str(p.templates_dir())]))"
    )
    result = run(installed, "-c", code)
    assert result.returncode == 0, result.stderr
    module, knowledge, templates = json.loads(result.stdout)
    site = str(work / "venv")
    assert module.startswith(site) and knowledge.startswith(site) and templates.startswith(site)
    assert Path(knowledge, "questions.yaml").is_file()
    assert Path(templates, "sam", "copier.yml").is_file()


def test_installed_cli_searches(installed):
    result = run(installed, "-m", "wa_assist", "search", "dead letter queue", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["id"] == "svc-dead-letter-queues"


def test_installed_wheel_generates_a_project_with_no_debris_and_only_portable_names(installed):
    """pip byte-compiles the wheel's .py files, the template's included; none of that reaches a project."""
    from wa_assist.components import check_output_path

    python, _, names, work = installed
    assert [n for n in names if check_output_path(n)] == [], "a wheel path Windows cannot store"
    subprocess.run([str(python), "-m", "compileall", "-q", str(work / "venv")], check=True, capture_output=True)
    dest = work / "generated"
    result = run(installed, "-m", "wa_assist", "new", str(dest), "--set", "scenario=event-driven")
    assert result.returncode == 0, result.stderr
    made = list(dest.rglob("*"))
    assert any(p.name == "app.py" for p in made)
    assert [p for p in made if p.suffix == ".pyc" or p.name == "__pycache__"] == []
    assert [p for p in made if p.is_dir() and not any(p.iterdir())] == []
