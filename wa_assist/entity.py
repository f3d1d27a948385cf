"""The workload's own noun: what a generated project stores (``entity`` in ``knowledge/questions.yaml``).

The answer is a singular English noun in lowercase letters (``order``), or ``singular/plural`` when the
plural is irregular (``person/people``). Every form the template needs is derived here, once: the plural
by plain English rules unless it is given, PascalCase for logical ids and GraphQL types, upper case for
environment variables, the noun with its article for prose. The template reads these forms (``entity``,
``entities``, ``Entity``, ``Entities``, ``ENTITY``, ``ENTITIES``, ``a_entity``, ``A_entity``) and component manifests use them as path placeholders (``src/{entities}/app.py``).

A noun the generated code could not carry is refused with the reason: Python keywords and builtins (the
singular names variables, the plural names modules), SQL reserved words (the plural names the relational
table), the GraphQL types the schema defines or reserves, and the modules and folders the template already
generates.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from wa_assist.errors import UserError

FIELD = "entity"
DEFAULT = "item"
_WORD = re.compile(r"[a-z]{2,24}")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Soft keywords of every Python a generated project may run on (3.10 added match and case, 3.12 type).
SOFT_KEYWORDS = frozenset({"match", "case", "type", "_", *keyword.softkwlist})
# PostgreSQL's reserved key words (Appendix C, "reserved" in PostgreSQL or SQL:2016) that a plural noun
# could be: the plural is the relational table's name, unquoted in the migrations and queries.
SQL_RESERVED = _words(
    """all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate
    collation column concurrently constraint create cross current_catalog current_date current_role
    current_schema current_time current_timestamp current_user default deferrable desc distinct do else end
    except false fetch for foreign freeze from full grant group having ilike in initially inner intersect into
    is isnull join lateral leading left like limit localtime localtimestamp natural not notnull null offset on
    only or order outer overlaps placing primary references returning right select session_user similar some
    symmetric system_user table tablesample then to trailing true union unique user using variadic verbose when
    where window with values rows groups users"""
)
# Type names GraphQL reserves or the generated schema defines besides the entity's own.
GRAPHQL_TYPES = frozenset(
    {"Query", "Mutation", "Subscription", "String", "Int", "Float", "Boolean", "ID", "Upload", "Download"}
)
# Names the generated Python code already uses for other things (handler arguments, clients, helpers, test
# fixtures; the names of its functions, variables and imports that are plain words, read from every gate
# profile's render): an entity named like one would shadow it. The entity's own names of the scenarios'
# samples (item, order, reading) are not among them.
CODE_NAMES = _words(
    """
    again aggregator alice annotations answers app application archive archived args arguments arn at
    attempt attributes authorize authorizer autocommit aws bad batch beat bob body broken call caller
    calls capsys card category cause cert change changed changes check chunk chunks claims cleanup client
    clock closed code codedeploy condition config connection connects consumer context copy count counter
    create created credential credentials ctx cursor cwd data database dataclass datetime dbname default
    definition delete deleted description detail device digest document done download downloads dynamodb
    effect emitted encode encoding end endpoint entries entry environment err error evaluate event events
    exc execute executions expected extension extra failed failures fake fallback fetchall fetched field
    fields file filename files first flow fold folder found function ge get got greeting group groups
    handle handler hashlib head header headers healthy heartbeat hit hmac hook host identity idp image
    images importlib index indexer indexes intent invoke io iterator json key keys kind kinesis kw kwargs
    last limit line lines listing logger machine make math message messages method metrics migrate mine
    model module monkeypatch msg name names now offset ok os out output outputs owner owners page
    parameters params parent parents parse part password path paths pattern payload pending persistence
    phase plan pool port principal processor producer psycopg put pytest pytestmark query raising random
    re read reason recall receipt record records region reject remember remembered remove reply repository
    reprompt request requests require resolve resolver resource resources respond response result results
    retry root row rowcount rows run safe sandbox save schema scope search second secret secrets seen self
    send sent separators service session sfn shard shutil sig signature signed size skill sleep slot slots
    source spec speech sql sqs sslmode sslrootcert stack stage started state statement statements status
    step steps still stop store stored stream struct subject subprocess sys table target task tasks
    tempfile text ticks time timeout times timestamp timezone token total totals totp tracer transform
    transport types uid undo unit update updated upload uploads url urllib urlparse user username users
    utils uuid value values variables verified verify where window work worker
    """
)


FORM_NAMES = ("entity", "entities", "Entity", "Entities", "ENTITY", "ENTITIES", "a_entity", "A_entity")


class EntityError(UserError):
    """An entity answer the generated code cannot carry."""


@dataclass(frozen=True)
class Entity:
    """Every form of the noun the template reads."""

    singular: str
    plural: str

    @property
    def forms(self) -> dict[str, str]:
        """The template's variables: ``entity``, ``entities``, ``Entity``, ``Entities``, ``ENTITY``, ``ENTITIES``,
        and ``a_entity`` / ``A_entity`` with its article (an order, a booking) for prose."""
        one, many = self.singular, self.plural
        article = "an" if one[0] in "aeiou" else "a"
        return {
            "a_entity": f"{article} {one}",
            "A_entity": f"{article.capitalize()} {one}",
            "entity": one,
            "entities": many,
            "Entity": one.capitalize(),
            "Entities": many.capitalize(),
            "ENTITY": one.upper(),
            "ENTITIES": many.upper(),
        }


def plural_of(singular: str) -> str:
    """The plural by plain English rules: y -> ies after a consonant, s/x/z/ch/sh -> +es, else +s."""
    if singular.endswith("y") and len(singular) > 1 and singular[-2] not in "aeiou":
        return singular[:-1] + "ies"
    if singular.endswith(("s", "x", "z", "ch", "sh")):
        return singular + "es"
    return singular + "s"


def split(answer: str) -> tuple[str, str]:
    """``(singular, plural)`` of an answer, the plural derived unless it is given after a slash."""
    singular, _, plural = answer.partition("/")
    return singular, plural or plural_of(singular)


@lru_cache(maxsize=4)
def generated_names(template: str | None = None) -> frozenset[str]:
    """The module and folder names the template's components generate whatever the entity."""
    from wa_assist.components import load_components

    names: set[str] = set()
    for component in load_components(Path(template) if template else None):
        paths = [f.dest for f in component.files] + [f.code for f in component.functions]
        for path in paths:
            if "{" in path:
                continue
            for part in PurePosixPath(path).parts:
                names.add(part.split(".")[0])
    return frozenset(names)


def problem(answer: str, template: Path | None = None) -> str | None:
    """Why ``answer`` cannot name the generated project's entity, or None when it can."""
    singular, plural = split(answer)
    for word in (singular, plural):
        if not _WORD.fullmatch(word):
            return f"'{word}' is not 2 to 24 lowercase letters"
    if singular == plural:
        return "the singular and the plural must differ (they name a record and its collection)"
    for word in (singular, plural):
        if keyword.iskeyword(word) or word in SOFT_KEYWORDS:
            return f"'{word}' is a Python keyword"
        if word in dir(builtins):
            return f"'{word}' is a Python builtin the generated code would shadow"
        if word in CODE_NAMES:
            return f"'{word}' already names something else in the generated code"
    if plural in SQL_RESERVED:
        return f"'{plural}' is an SQL reserved word (it names the relational table)"
    for word in (singular, plural):
        if word.capitalize() in GRAPHQL_TYPES:
            return f"'{word.capitalize()}' is a GraphQL type the schema reserves or already defines"
    taken = generated_names(str(template) if template else None)
    for word in (singular, plural, f"test_{plural}"):
        if word in taken:
            return f"'{word}' is already a module or folder of the generated project"
    return None


def resolve(answers: Mapping[str, Any], *, template: Path | None = None) -> Entity:
    """The entity of a set of answers (the default when it is absent); :class:`EntityError` if refused."""
    answer = answers.get(FIELD, DEFAULT)
    if not isinstance(answer, str):
        raise EntityError(f"answer '{FIELD}': expected text such as 'order' or 'person/people', not {answer!r}")
    why = problem(answer, template)
    if why:
        raise EntityError(f"answer '{FIELD}': bad value '{answer}' ({why})")
    return Entity(*split(answer))


def renamed_path(path: str, old: Entity, new: Entity) -> str:
    """Where ``path`` goes when the entity changes from ``old`` to ``new``: every form of the old noun that
    stands alone in the path (``src/items/``, ``list_items.json``, ``getItem.js``) becomes the new one."""
    if old == new:
        return path
    was, now = old.forms, new.forms
    for name in ("entities", "entity"):  # the plural first: it may hold the singular
        path = re.sub(rf"(?<![a-z]){was[name]}(?![a-z])", now[name], path)
        cap = name.capitalize()
        path = re.sub(rf"(?<![A-Z]){was[cap]}(?![a-z])", now[cap], path)
    return path


def entity_of(answer: Any) -> Entity:
    """The entity an answer names (the default for anything but text)."""
    return Entity(*split(answer if isinstance(answer, str) and answer else DEFAULT))
