"""A project generated for its own entity speaks its language: no generic "item" left, and its tests pass.

The REST API with per-user data, query access (a secondary index), idempotency and files, the web
application over Aurora with search, and the GraphQL backend render with entity ``order``; the
mobile backend (a public catalogue) with the irregular ``person/people``. Their code, tests, sample events, template and
docs are searched for the word item on word boundaries and for identifiers built on it, except the
AWS API's own names (DynamoDB's ``Item=``, ``GetItem``, Lambda's ``batchItemFailures``, ...). In
RECOMMENDATIONS.md the places (``- `file`: what``) name the project; the guidance's own steps speak of
DynamoDB items in general, as the service does. The other way round, the API names the default project
calls (``put_item``, ``sessionStorage.getItem``) are all still called in the entity's project.

The event-driven, stream-processing and Alexa skill projects render with entity ``booking`` (the events
one also with ``person/people``): besides the generic word item, they must not keep the nouns those
scenarios were written for (``order`` in the events, ``reading`` in the streams), and their own unit
tests must pass.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.generation import judges
from wa_assist.entity import Entity, entity_of, renamed_path

PROFILES = {
    "rest-order": {
        "scenario": "rest-api",
        "entity": "order",
        "auth": "cognito",
        "access_patterns": ["key-value", "query", "files"],
        "deployment": "canary",
    },
    "web-order-relational-search": {
        "scenario": "web-app",
        "entity": "order",
        "auth": "cognito",
        "access_patterns": ["relational", "full-text-search"],
    },
    "mobile-people": {
        "scenario": "mobile-backend",
        "entity": "person/people",
        "auth": "cognito",
        "ownership": "public-catalogue",
        "access_patterns": ["key-value", "full-text-search"],
    },
}
# The other scenarios, each with as many of its components as one profile selects.
SCENARIO_PROFILES = {
    "events-booking": {
        "scenario": "event-driven",
        "entity": "booking",
        "invocation": "async",
        "multi_step": True,
        "max_duration_s": 3600,
        "sensitive_data": True,
        "access_patterns": ["key-value", "files"],
    },
    "events-people": {
        "scenario": "event-driven",
        "entity": "person/people",
        "invocation": "sync",
        "consumers": 3,
        "multi_step": True,
    },
    "stream-booking": {
        "scenario": "stream-processing",
        "entity": "booking",
        "multi_step": True,
        "consumers": 3,
        "access_patterns": ["analytics", "time-series", "files"],
    },
    "alexa-booking": {
        "scenario": "alexa-skill",
        "entity": "booking",
        "multi_step": True,
        "access_patterns": ["files"],
    },
}
# Names of the AWS APIs and libraries the generated code calls, which hold the word on their own.
API_NAMES = re.compile(
    r"(Item=|Items=|\"Items?\"|'Items?'|(Put|Get|Update|Delete|BatchGet|BatchWrite|ConditionCheck)Item|"
    r"(put|get|update|delete)_item\(|batchItemFailures|itemIdentifier|ReportBatchItemFailures|"
    r"ItemProcessor|ItemsPath|setitem|setItem|getItem\(|removeItem|dynamodb:(put|update|get)Item|"
    r"result\.items|header_items|\.items\(\))"
)
WORD = re.compile(r"item", re.I)
# The noun each scenario was written for, as a word or part of an identifier (orderId, ReadingsTable,
# kinesis_readings), not inside other words (border, spreading) nor in English (in request order).
FORMER = {
    "event-driven": re.compile(r"(?<![a-z])(?:[oO]rder|ORDER)S?s?(?![a-z])"),
    "stream-processing": re.compile(r"(?<![a-z])(?:[rR]eading|READING)S?s?(?![a-z])"),
}
ENGLISH = re.compile(r"\bin (?:request |either )?order\b")


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    return judges.generate_projects(tmp_path_factory.mktemp("entity"), PROFILES)


@pytest.fixture(scope="module")
def scenario_projects(tmp_path_factory) -> dict[str, Path]:
    return judges.generate_projects(tmp_path_factory.mktemp("entity-scenarios"), SCENARIO_PROFILES)


def leftovers(project: Path, words: re.Pattern[str] = WORD) -> list[str]:
    found = []
    for path in sorted(project.rglob("*")):
        rel = path.relative_to(project)
        if not path.is_file() or rel.parts[0] == ".wa-assist":
            continue
        if words.search(str(rel)):
            found.append(f"{rel} (path)")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if rel.name == "RECOMMENDATIONS.md" and not line.startswith("- `"):
                continue
            if words.search(ENGLISH.sub("", API_NAMES.sub("", line))):
                found.append(f"{rel}:{number}: {line.strip()[:160]}")
    return found


def test_no_generic_item_is_left_in_code_tests_template_or_docs(projects):
    assert {name: leftovers(project) for name, project in projects.items()} == {name: [] for name in projects}


def test_the_entity_names_resources_routes_types_and_files(projects):
    rest = projects["rest-order"]
    template = (rest / "template.yaml").read_text(encoding="utf-8")
    assert "\n  OrdersTable:" in template and "\n  OrdersFunction:" in template
    assert "/orders/{id}" in template and (rest / "src/orders/app.py").is_file()
    assert (rest / "tests/unit/test_orders.py").is_file() and (rest / "events/create_order.json").is_file()
    assert 'name="OrdersCreated"' in (rest / "src/orders/app.py").read_text(encoding="utf-8")
    schema = (projects["mobile-people"] / "graphql/schema.graphql").read_text(encoding="utf-8")
    assert (
        "type Person @aws_cognito_user_pools @aws_iam {" in schema
        and "listPeople(" in schema
        and "people: [Person!]!" in schema
    )
    assert (projects["mobile-people"] / "graphql/resolvers/getPerson.js").is_file()
    readme = (projects["web-order-relational-search"] / "README.md").read_text(encoding="utf-8")
    assert "/orders" in readme


# Calls of the AWS, browser and Python APIs whose own names hold the word item: the entity never renames them.
API_CALLS = re.compile(
    r"(?:sessionStorage|localStorage)\.(?:get|set|remove)Item\(|"
    r"\.(?:put|get|update|delete|batch_get|batch_write|transact_get|transact_write)_items?\(|"
    r"\b(?:Unprocessed)?Items?=|\[[\"'](?:Unprocessed)?Items?[\"']\]|\b(?:dynamodb|dax):\w*Item\b|"
    r"\b(?:Put|Get|Update|Delete|BatchGet|BatchWrite|ConditionCheck)Item\b(?!:)|batchItemFailures|"
    r"itemIdentifier|ReportBatchItemFailures|ItemProcessor|ItemsPath|\.items\(\)|\.setitem\("
)


@pytest.fixture(scope="module")
def item_twins(tmp_path_factory) -> dict[str, Path]:
    """The same profiles with the default entity, item."""
    twins = {name: {**profile, "entity": "item"} for name, profile in PROFILES.items()}
    return judges.generate_projects(tmp_path_factory.mktemp("entity-item"), twins)


def api_calls(project: Path, old: Entity, new: Entity) -> dict[str, list[str]]:
    """The API names each file of ``project`` calls, under the path the file has with the entity ``new``."""
    found = {}
    for path in sorted(project.rglob("*")):
        rel = path.relative_to(project)
        if path.is_file() and rel.parts[0] != ".wa-assist":
            calls = sorted(API_CALLS.findall(path.read_text(encoding="utf-8")))
            if calls:
                found[renamed_path(str(rel), old, new)] = calls
    return found


def test_the_entity_leaves_the_apis_own_names_alone(projects, item_twins):
    """Every AWS, browser and Python API name the default project calls, its entity's twin calls too, in
    the same files and as often: the rename reaches the project's own names, not DynamoDB's put_item or
    the Web Storage API's getItem."""
    item = entity_of("item")
    for name, project in projects.items():
        entity = entity_of(PROFILES[name]["entity"])
        assert api_calls(project, entity, entity) == api_calls(item_twins[name], item, entity), name
    site = (projects["web-order-relational-search"] / "frontend/app.js").read_text(encoding="utf-8")
    assert "sessionStorage.getItem(" in site and not re.search(r"Storage\.\w*Order", site)
    for name, project in projects.items():
        entity = entity_of(PROFILES[name]["entity"])
        own = "|".join(re.escape(form) for form in entity.forms.values() if " " not in form)
        renamed_api = re.compile(rf"(?:Storage\.(?:get|set|remove)|\.(?:put|get|update|delete)_)(?:{own})\b")
        hits = [
            str(p.relative_to(project))
            for p in project.rglob("*.*")
            if p.is_file() and ".wa-assist" not in p.parts and renamed_api.search(p.read_text(encoding="utf-8"))
        ]
        assert hits == [], name


def test_the_entity_takes_its_own_article(projects):
    """'an order' and 'a person', in prose and in test names: never the article of the default item."""
    wrong = []
    for name, project in projects.items():
        entity = entity_of(PROFILES[name]["entity"])
        article = "a" if entity.forms["a_entity"].startswith("an ") else "an"
        pattern = re.compile(rf"(?<![a-z]){article}[ _]{entity.singular}(?![a-z])", re.I)
        for path in sorted(project.rglob("*")):
            if path.is_file() and ".wa-assist" not in path.parts:
                text = path.read_text(encoding="utf-8")
                wrong += [f"{name}/{path.relative_to(project)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert wrong == []
    graphql = (projects["mobile-people"] / "tests/integration/test_graphql.py").read_text(encoding="utf-8")
    assert "def test_a_person_put_can_be_read_back(" in graphql


def test_the_default_item_leaves_the_word_where_it_was(tmp_path):
    """The check above would find the generic word: a project with the default entity is full of it."""
    project = judges.generate_projects(tmp_path, {"rest-item": {**PROFILES["rest-order"], "entity": "item"}})
    assert len(leftovers(project["rest-item"])) > 50


def test_events_streams_and_skills_keep_no_generic_or_former_noun(scenario_projects):
    found = {}
    for name, project in scenario_projects.items():
        former = FORMER.get(SCENARIO_PROFILES[name]["scenario"])  # an Alexa skill's noun was item
        found[name] = leftovers(project) + (leftovers(project, former) if former else [])
    assert found == {name: [] for name in scenario_projects}


def test_the_former_nouns_are_found_where_the_default_keeps_them(tmp_path):
    """The check above would see the nouns: a default entity's rendering holds none of them, so the same
    search over a project of the entity order finds its events, and one of the entity reading its records."""
    made = judges.generate_projects(
        tmp_path,
        {
            "events-order": {**SCENARIO_PROFILES["events-booking"], "entity": "order"},
            "stream-reading": {**SCENARIO_PROFILES["stream-booking"], "entity": "reading"},
        },
    )
    assert len(leftovers(made["events-order"], FORMER["event-driven"])) > 20
    assert len(leftovers(made["stream-reading"], FORMER["stream-processing"])) > 20


def test_the_entity_names_events_rules_tables_folders_and_intents(scenario_projects):
    events = scenario_projects["events-booking"]
    template = (events / "template.yaml").read_text(encoding="utf-8")
    assert "\n  BookingProcessorFunction:" in template and "\n  BookingsTable:" in template
    assert "\n  BookingCreatedRule:" in template and "CodeUri: src/booking_processor/" in template
    assert '- "events-booking.bookings"\n        detail-type:\n          - BookingCreated' in template
    assert "\n          bookingId:\n            - exists: true" in template
    sample = json.loads((events / "events/booking_created.json").read_text(encoding="utf-8"))
    assert sample["detail-type"] == "BookingCreated" and sample["detail"]["bookingId"] == "booking-1001"
    assert (events / "tests/unit/test_booking_processor.py").is_file()
    assert "class Booking(BaseModel):" in (events / "src/booking_processor/app.py").read_text(encoding="utf-8")
    people = (scenario_projects["events-people"] / "template.yaml").read_text(encoding="utf-8")
    assert "\n  PersonProcessorFunction:" in people and "\n  PeopleTable:" in people
    stream = scenario_projects["stream-booking"]
    template = (stream / "template.yaml").read_text(encoding="utf-8")
    assert "\n  BookingsTable:" in template and "\n  AnalyticsBookingsTable:" in template
    assert "Name: bookings\n" in template and (stream / "events/kinesis_bookings.json").is_file()
    assert "class InvalidBooking(ValueError):" in (stream / "src/consumer/app.py").read_text(encoding="utf-8")
    skill = scenario_projects["alexa-booking"]
    app = (skill / "src/skill/app.py").read_text(encoding="utf-8")
    assert '"RememberBookingIntent": remember' in app and '"RecallBookingIntent": recall' in app
    request = json.loads((skill / "events/intent_request.json").read_text(encoding="utf-8"))
    assert request["request"]["intent"]["name"] == "RememberBookingIntent"
    assert list(request["request"]["intent"]["slots"]) == ["booking"]


def test_the_scenarios_own_tests_pass(scenario_projects):
    assert judges.unit_test_failures(scenario_projects) == {}


@pytest.mark.judges
def test_the_projects_own_tests_pass(projects):
    assert judges.unit_test_failures(projects) == {}
