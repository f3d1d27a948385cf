"""The knowledge base schema: entries, advice rules, interview questions and project decisions.

Everything the assistant knows or decides is data in ``knowledge/*.yaml`` and is validated by these
models. ``wa-assist schema`` exports them as JSON Schema so editors can validate the YAML too.

Cross-references (related ids, the fields and values a condition names, the decisions an entry makes)
are checked after every file is read, in :mod:`wa_assist.kb`.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

# The vocabularies are defined in wa_assist.vocabulary (free of pydantic, for the command line); re-exported.
from wa_assist.vocabulary import (  # noqa: F401
    KINDS,
    PILLAR_ORDER,
    PILLARS,
    PRIORITIES,
    PRIORITY_ORDER,
    Kind,
    Pillar,
    Priority,
    Tier,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Scalar = bool | int | float | str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- conditions
#
# A condition is a mapping. Keys ``all``, ``any`` and ``not`` combine conditions; every other key
# names a profile field (``peak_rps``) or a decision (``decision.table_billing``) and maps to a test:
#   a scalar         equal to it (for a list field: the list contains it)
#   a list           one of them (for a list field: the lists share a value)
#   {op: value, ..}  every operator holds; ops: eq ne in not_in gt gte lt lte contains contains_any
#                    contains_all empty
# Keys in one mapping must all hold. An empty mapping always holds.

OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "contains_any", "contains_all", "empty")
Condition = dict[str, Any]


class Reference(Strict):
    title: str = Field(min_length=3, max_length=200)
    url: Url


class LensRef(Strict):
    """Where a practice sits in the Well-Architected Tool's serverless lens."""

    question: Annotated[str, StringConstraints(pattern=r"^(ops|sec|rel|perf|cost)_q[0-9]+$")]
    choice: Annotated[str, StringConstraints(pattern=r"^(ops|sec|rel|perf|cost)_[a-z]+_q[0-9]+_a[0-9]+$")]
    tier: Tier

    @model_validator(mode="after")
    def _choice_in_question(self) -> LensRef:
        prefix, number = self.question.split("_q")
        if not self.choice.startswith(f"{prefix}_{prefix}_q{number}_"):
            raise ValueError(f"choice {self.choice!r} does not belong to question {self.question!r}")
        return self


class PriorityCase(Strict):
    when: Condition = Field(default_factory=dict)
    value: Priority


class ReasonCase(Strict):
    """A sentence that says why the advice applies, citing the profile: ``{peak_rps}``, ``{traffic}``."""

    when: Condition = Field(default_factory=dict)
    text: str = Field(min_length=10)


class DecisionCase(Strict):
    """Decisions this advice makes for the generated project, when ``when`` holds.

    Within one entry, the first case whose ``when`` holds sets a decision; later cases do not override it.

    A value is a literal, or ``{expr: "..."}``: arithmetic over profile fields and decisions with
    ``+ - * / // %``, ``min``, ``max``, ``ceil``, ``floor``, ``round`` (see :mod:`wa_assist.conditions`).
    """

    when: Condition = Field(default_factory=dict)
    set: dict[FieldName, Any] = Field(min_length=1)


CheckId = Annotated[str, StringConstraints(pattern=r"^WA[0-9]{4}$")]


class Implementation(Strict):
    """Where a generated project implements the advice (for the traceability document)."""

    when: Condition = Field(default_factory=dict)
    where: str = Field(min_length=3)
    what: str = Field(min_length=3)
    check: CheckId | None = Field(
        default=None,
        description="The template check that proves the claim in a generated project (a `checks:` id); "
        "a claim without one is documented only.",
    )
    contains: list[Annotated[str, StringConstraints(min_length=3)]] = Field(
        default_factory=list,
        description="Text every file `where` names must contain in a generated project, so the quality "
        "gates prove a claim on a document or on code that no template check reads.",
    )


class CostCase(Strict):
    """What a decision costs, from list prices kept as data, so the user can reject it knowingly.

    ``when`` reads profile fields and resolved decisions (those of ``function_kind`` when it is given);
    ``values`` are ``{expr: "..."}`` over profile fields, decisions and price ids, and fill the
    ``{name}`` placeholders of ``text`` (numbers are shown with thousands separators, two decimals
    below 100).
    """

    when: Condition = Field(default_factory=dict)
    function_kind: Id | None = Field(default=None, description="Read the decisions of this function kind.")
    text: str = Field(min_length=10)
    values: dict[FieldName, Any] = Field(default_factory=dict)


class Advice(Strict):
    """When an entry is recommended, how strongly, why, and what it changes in the project.

    Decision cases may test ``function_kind`` (one of the ``function_kinds`` of decisions.yaml) in
    their ``when``: such a case decides for the functions of that kind only, overriding the
    project-level value.
    """

    applies: Condition = Field(default_factory=dict)
    priority: Priority | list[PriorityCase]
    reasons: list[ReasonCase] = Field(min_length=1)
    decisions: list[DecisionCase] = Field(default_factory=list)
    costs: list[CostCase] = Field(default_factory=list)
    changes: str = Field(default="", description="What the generated project gains from it; shown when it is rejected.")
    implemented_in: list[Implementation] = Field(default_factory=list)

    @field_validator("priority")
    @classmethod
    def _last_case_is_default(cls, value: Any) -> Any:
        if isinstance(value, list):
            if not value:
                raise ValueError("give a priority, or a list of cases ending with one without 'when'")
            if value[-1].when:
                raise ValueError("the last priority case must have no 'when', so every profile gets a priority")
        return value


# --------------------------------------------------------------------------- template checks


ResourceKind = Annotated[str, StringConstraints(pattern=r"^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+|event:[A-Za-z0-9]+)$")]


class CheckFix(Strict):
    text: str = Field(min_length=10, description="What to change, in a sentence or two.")
    sam: str = Field(min_length=10, description="A SAM template snippet that passes the check.")


class Check(Strict):
    """A static check of a SAM/CloudFormation template that verifies the practice it sits in.

    Its detection is Python, registered under the same id (``wa_assist.review``); ``resources`` names what
    it looks at (CloudFormation/SAM types, or ``event:<Type>`` for SAM events): a template without any of them
    is outside the check's reach, so the practice is not applicable there.
    """

    id: CheckId
    title: str = Field(min_length=5, max_length=100)
    severity: Priority
    resources: list[ResourceKind] = Field(min_length=1)
    message: str = Field(min_length=10, description="The finding; {resource} and the detection's fields fill in.")
    fix: CheckFix
    also_reported_by: list[str] = Field(default_factory=list, description="The same finding in other tools' ids.")
    not_applicable_when: Condition = Field(
        default_factory=dict,
        description="Profile answers under which the workload does without what the check looks for on purpose "
        "(`auth: none` makes a public API): reviewed with such a profile, the check's findings are suppressed "
        "by the profile, and a practice whose every check is, is not applicable.",
    )


class Entry(Strict):
    id: Id
    kind: Kind
    pillars: list[Pillar] = Field(min_length=1)
    title: str = Field(min_length=3, max_length=128)
    asks: list[Annotated[str, StringConstraints(min_length=8, max_length=200)]] = Field(
        default_factory=list, description="Questions and symptoms the entry answers, in users' words."
    )
    summary: str = Field(min_length=10, max_length=400, description="One sentence.")
    body: str = Field(min_length=20, description="Markdown: what it is and why it matters.")
    steps: list[str] = Field(default_factory=list, description="Actionable steps.")
    services: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list, description="Other names: abbreviations, synonyms.")
    keywords: list[str] = Field(default_factory=list)
    related: list[Id] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    lens: LensRef | None = None
    advice: Advice | None = None
    checks: list[Check] = Field(default_factory=list, description="Template checks that verify the practice.")

    @model_validator(mode="after")
    def _practice_rules(self) -> Entry:
        if self.lens is not None and self.kind is not Kind.practice:
            raise ValueError("only a practice can carry a 'lens' reference")
        if self.checks and self.lens is None:
            raise ValueError("only a practice of the lens (with 'lens') can carry 'checks'")
        if self.id in self.related:
            raise ValueError("an entry cannot be related to itself")
        return self


# --------------------------------------------------------------------------- interview questions


class Choice(Strict):
    value: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+([-_.][a-z0-9]+)*$")]
    label: str
    help: str = ""


class QuestionType(str, Enum):
    choice = "choice"  # one of ``choices``
    multi = "multi"  # a list of ``choices``
    integer = "integer"
    boolean = "boolean"
    text = "text"


class Question(Strict):
    id: FieldName
    group: str = Field(description="Interview step the question belongs to, in file order.")
    prompt: str
    help: str = Field(min_length=10, description="Why it matters.")
    type: QuestionType
    choices: list[Choice] = Field(default_factory=list)
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = Field(default=None, description="Regular expression a text answer must match.")
    pattern_help: str | None = Field(default=None, description="The pattern in words, for error messages.")
    max_length: int | None = None
    check: Literal["entity"] | None = Field(
        default=None, description="A named check of a text answer beyond its pattern (entity: wa_assist/entity.py)."
    )
    applies: Condition = Field(default_factory=dict, description="When the question is asked.")
    entry: Id | None = Field(default=None, description="Knowledge entry that explains the topic.")

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        has_choices = self.type in (QuestionType.choice, QuestionType.multi)
        if has_choices and not self.choices:
            raise ValueError(f"a {self.type.value} question needs 'choices'")
        if not has_choices and self.choices:
            raise ValueError(f"a {self.type.value} question takes no 'choices'")
        values = [c.value for c in self.choices]
        if len(set(values)) != len(values):
            raise ValueError("choice values must be unique")
        if self.default is None:
            raise ValueError("every question needs a 'default' (profiles may leave it out)")
        return self

    @property
    def values(self) -> list[str]:
        return [c.value for c in self.choices]


# --------------------------------------------------------------------------- project decisions


class DecisionType(str, Enum):
    choice = "choice"
    integer = "integer"
    boolean = "boolean"


class Decision(Strict):
    """A setting of the generated project that recommendations decide.

    When two accepted recommendations set it differently, the higher priority wins; at equal
    priority the value listed first in ``values`` wins (for integers: ``prefer`` says which end).
    """

    id: FieldName
    title: str
    help: str = Field(min_length=10)
    type: DecisionType
    values: list[str] = Field(default_factory=list)
    default: Any = Field(description="Value, or {expr: ...} over profile fields, when no accepted advice sets it.")
    minimum: int | None = None
    maximum: int | None = None
    prefer: Literal["higher", "lower"] = "higher"

    @model_validator(mode="after")
    def _consistent(self) -> Decision:
        if self.type is DecisionType.choice and not self.values:
            raise ValueError("a choice decision needs 'values'")
        if self.type is not DecisionType.choice and self.values:
            raise ValueError(f"a {self.type.value} decision takes no 'values'")
        return self


class FunctionKind(Strict):
    """What a function does for the application; per-kind decisions differ by it (a closed list)."""

    id: Id
    title: str = Field(min_length=3)
    description: str = Field(min_length=10)
    synchronous: bool = Field(description="A caller waits for the answer (cold starts and latency targets matter).")


class Price(Strict):
    """A list price the cost estimates read, with where it was read and when."""

    id: FieldName
    title: str = Field(min_length=3)
    usd: float = Field(ge=0)
    unit: str = Field(min_length=2)
    region: str = "us-east-1"
    reference: Url
    checked: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class HelpfulResource(Strict):
    display_text: str = Field(min_length=3, max_length=200)
    url: Url


class LensQuestion(Strict):
    """A question of the lens as the Well-Architected Tool keys it; its choices are the practice entries
    whose ``lens.question`` names it."""

    id: Annotated[str, StringConstraints(pattern=r"^(ops|sec|rel|perf|cost)_q[0-9]+$")]
    pillar: Pillar
    title: str = Field(min_length=5, max_length=128)
    description: str = Field(min_length=10, max_length=2048)
    helpful_resource: HelpfulResource | None = None


class Abbreviation(Strict):
    """A short form search expands: ``dlq`` also searches ``dead letter queue``."""

    term: str
    expansions: list[str] = Field(min_length=1)


class KnowledgeFile(Strict):
    """One YAML file of the knowledge base. Any of the sections may be present."""

    entries: list[Entry] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    function_kinds: list[FunctionKind] = Field(default_factory=list)
    prices: list[Price] = Field(default_factory=list)
    abbreviations: list[Abbreviation] = Field(default_factory=list)
    lens_questions: list[LensQuestion] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    """JSON Schema for a knowledge file, for editors (yaml-language-server)."""
    schema = KnowledgeFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "wa-assist knowledge file"
    return schema
