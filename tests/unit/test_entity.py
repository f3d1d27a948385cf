"""The entity question: plural rules, the forms the template reads, and every class of refused noun."""

from __future__ import annotations

from pathlib import Path

import pytest

from wa_assist.components import select_from_answers
from wa_assist.entity import Entity, EntityError, plural_of, problem, resolve, split
from wa_assist.profile import ProfileError, apply_overrides, default_profile, load_profile


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("order", "orders"),
        ("category", "categories"),  # y after a consonant
        ("day", "days"),  # y after a vowel
        ("box", "boxes"),
        ("bus", "buses"),
        ("quiz", "quizes"),  # plain rules only: an irregular plural is given after a slash
        ("match", "matches"),
        ("wish", "wishes"),
        ("booking", "bookings"),
    ],
)
def test_plural_by_plain_english_rules(singular, plural):
    assert plural_of(singular) == plural


def test_an_irregular_plural_is_given_after_a_slash():
    assert split("person/people") == ("person", "people")
    assert split("order") == ("order", "orders")


def test_forms_are_derived_once():
    assert Entity("person", "people").forms == {
        "entity": "person",
        "entities": "people",
        "Entity": "Person",
        "Entities": "People",
        "ENTITY": "PERSON",
        "ENTITIES": "PEOPLE",
        "a_entity": "a person",
        "A_entity": "A person",
    }
    assert Entity("order", "orders").forms["a_entity"] == "an order"
    assert resolve({}).forms["Entities"] == "Items"  # absent: the default


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("class", "Python keyword"),
        ("match", "Python keyword"),  # soft keyword
        ("type", "Python keyword"),  # soft keyword since 3.12
        ("list", "builtin"),
        ("id", "builtin"),
        ("object", "builtin"),
        ("event", "already names something else"),
        ("table/table", "must differ"),
        ("fish/fish", "must differ"),
        ("thing/analyse", "SQL reserved word"),  # the plural names the table
        ("wish/constraint", "SQL reserved word"),
        ("query", "already names something else"),
        ("mutation", "GraphQL type"),
        ("subscription", "GraphQL type"),
        ("statemachine", "module or folder"),
        ("integration", "module or folder"),
        ("device", "already names something else"),
        ("o", "2 to 24 lowercase letters"),
    ],
)
def test_refused_nouns_say_why(answer, reason):
    why = problem(answer)
    assert why is not None and reason in why, why


@pytest.mark.parametrize("answer", ["order", "booking", "reading", "product", "person/people", "item"])
def test_ordinary_nouns_are_accepted(answer):
    assert problem(answer) is None


def test_a_refused_noun_in_a_profile_names_the_file_line_and_allowed_values(tmp_path, kb):
    path = tmp_path / "p.yaml"
    path.write_text("scenario: rest-api\nentity: list\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path, kb)
    message = str(caught.value)
    assert f"{path}:2: key 'entity'" in message
    assert "'list' is a Python builtin" in message and "allowed: text, a singular noun" in message


@pytest.mark.parametrize("value", ["Order", "orders!", "two words", "a/b/c", "x" * 30])
def test_the_pattern_refuses_what_is_not_lowercase_letters(kb, value):
    with pytest.raises(ProfileError, match="key 'entity': bad value"):
        apply_overrides(default_profile(kb.questions), [f"entity={value}"])


def test_set_accepts_an_irregular_plural(kb):
    profile = apply_overrides(default_profile(kb.questions), ["entity=person/people"])
    assert profile["entity"] == "person/people"


def test_answers_given_directly_are_checked_too():
    with pytest.raises(EntityError, match="answer 'entity': bad value 'print'"):
        resolve({"entity": "print"})


def _answers(kb, *sets: str) -> dict:
    from wa_assist.engine import recommend
    from wa_assist.scaffold import build_answers

    profile = apply_overrides(default_profile(kb.questions), list(sets))
    return build_answers(profile.to_dict(), recommend(kb, profile))


def test_the_selection_names_functions_files_and_answers_after_the_entity(kb):
    selection = select_from_answers(_answers(kb, "scenario=rest-api", "entity=person/people"))
    assert selection.answers()["Entities"] == "People"
    assert selection.answers()["entity"] == "person"
    default = select_from_answers(_answers(kb, "scenario=rest-api"))
    renamed = {f.dest for f in selection.files}
    for out in default.files:
        expected = out.dest.replace("items", "people").replace("item", "person")
        assert expected in renamed, expected
    assert sorted(selection.functions) == sorted(k.replace("Items", "People") for k in default.functions)
    assert "PeopleFunction" in selection.functions


def test_manifests_refuse_an_unknown_placeholder(tmp_path):
    from wa_assist.components import ComponentError, load_components

    folder = tmp_path / "components" / "toy"
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "a.py").write_text("", encoding="utf-8")
    (folder / "component.yaml").write_text("files:\n  src/{thing}/a.py: files/a.py\n", encoding="utf-8")
    with pytest.raises(ComponentError, match=r"unknown placeholder \{thing\}; allowed: \{main\}, \{entity\}"):
        load_components(Path(tmp_path))


@pytest.mark.parametrize(
    ("path", "moved"),
    [
        ("src/items/app.py", "src/people/app.py"),
        ("events/list_items.json", "events/list_people.json"),
        ("events/get_item.json", "events/get_person.json"),
        ("graphql/resolvers/getItem.js", "graphql/resolvers/getPerson.js"),
        ("graphql/resolvers/listItems.js", "graphql/resolvers/listPeople.js"),
        ("tests/unit/test_items.py", "tests/unit/test_people.py"),
        ("src/itemset/app.py", "src/itemset/app.py"),  # another word that starts like it
        ("README.md", "README.md"),
    ],
)
def test_a_changed_entity_says_where_each_generated_file_moves(path, moved):
    from wa_assist.entity import renamed_path

    assert renamed_path(path, Entity("item", "items"), Entity("person", "people")) == moved


def test_every_form_is_a_placeholder_the_knowledge_base_may_use():
    from wa_assist.entity import FORM_NAMES

    assert set(Entity("order", "orders").forms) == set(FORM_NAMES)


def test_new_refuses_a_noun_the_code_cannot_carry_in_one_line_and_writes_nothing(tmp_path):
    from tests.helpers import run_cli

    dest = tmp_path / "svc"
    proc = run_cli("new", str(dest), "--set", "entity=query")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "key 'entity': bad value 'query'" in proc.stderr and "allowed:" in proc.stderr
    assert not dest.exists()
