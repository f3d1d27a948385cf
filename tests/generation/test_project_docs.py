"""What a generated project's comments and documents say is what it has: the authorization, the search
route and the tags of its own API, and the reason payload logging is off only where it is the reason."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tests.generation import judges

PROFILES = {
    "web-booking": {
        "scenario": "web-app",
        "entity": "booking",
        "auth": "cognito",
        "ownership": "per-user",
        "access_patterns": ["key-value", "files"],
        "traffic": "spiky",
        "deployment": "canary",
    },
    "mobile-product-catalogue": {
        "scenario": "mobile-backend",
        "entity": "product",
        "auth": "cognito",
        "ownership": "public-catalogue",
        "access_patterns": ["key-value", "full-text-search"],
    },
    "rest-sensitive": {"scenario": "rest-api", "auth": "cognito", "sensitive_data": True},
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    return judges.generate_projects(tmp_path_factory.mktemp("docs"), PROFILES)


def text_of(project: Path) -> dict[str, str]:
    return {
        str(p.relative_to(project)): p.read_text(encoding="utf-8")
        for p in sorted(project.rglob("*"))
        if p.is_file() and ".wa-assist" not in p.parts
    }


def places(project: Path) -> list[str]:
    """The places RECOMMENDATIONS.md says implement the guidance (``- `file`: what``)."""
    lines = (project / "RECOMMENDATIONS.md").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("- `")]


def test_a_graphql_project_documents_appsync_authorization_and_its_search_query(projects):
    mobile = projects["mobile-product-catalogue"]
    readme = (mobile / "README.md").read_text(encoding="utf-8")
    assert "CognitoAuthorizer" not in readme and "`GraphQLApi` (AMAZON_COGNITO_USER_POOLS) checks it" in readme
    claims = places(mobile)
    assert [c for c in claims if "DefaultAuthorizer" in c or "GET /search" in c] == []
    assert any("Query.searchProducts" in c for c in claims)
    assert any("AMAZON_COGNITO_USER_POOLS" in c for c in claims)
    web = projects["web-booking"]
    assert "the `CognitoAuthorizer` checks it on every route" in (web / "README.md").read_text(encoding="utf-8")
    assert any("DefaultAuthorizer" in c for c in places(web))


def test_the_tags_the_recommendations_claim_are_on_every_stage(projects):
    for name, project in projects.items():
        assert any("tags" in c for c in places(project)), name
        config = tomllib.loads((project / "samconfig.toml").read_text(encoding="utf-8"))
        tags = {env: config[env]["deploy"]["parameters"].get("tags") for env in ("dev", "prod")}
        stack = name[:40]
        assert tags == {env: f'project="{stack}" stage="{env}"' for env in ("dev", "prod")}, name


SENSITIVE = re.compile(r"(off because|:) data is sensitive", re.I)


def test_only_a_project_with_sensitive_data_gives_it_as_the_reason(projects):
    for name in ("web-booking", "mobile-product-catalogue"):
        found = [
            f"{path}: {m.group(0)}" for path, text in text_of(projects[name]).items() for m in SENSITIVE.finditer(text)
        ]
        assert found == [], name
    sensitive = text_of(projects["rest-sensitive"])
    assert any(SENSITIVE.search(text) for path, text in sensitive.items() if path.startswith("src/"))
