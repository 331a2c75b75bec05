"""Who may do what next, declared once per workflow (ARCHITECTURE.md "Who may do what").

A workflow is a list of `Step`s: an action, the states it may start from, a predicate saying who
may take it on a given row, and the words a person reads (the button, the refusal, the question
asked before an irreversible step). The service module of each workflow declares one `Workflow`
and enforces it with `WORKFLOW.check(...)`; pages render buttons from `WORKFLOW.buttons(...)`;
API serializers return `WORKFLOW.allowed(...)` as `actions`. Nothing else decides it.

Checks run in one order, so a refusal names the most basic thing that is wrong: who (403,
`Denied`, audited by the service wrapper) → state → any further condition (both a Chinese
`ValidationError`). Row scope (404) comes before all of this, in the service, so predicates may
assume the row is visible to the user. Content rules (a list is empty, a date is wrong) stay in
the service: they are not about who may act, and buttons do not depend on them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from pairing.core.services import Denied

Text = str | Callable[..., str]  # fixed words, or words computed from the row (and user)


def _say(text: Text, *args) -> str:
    return text(*args) if callable(text) else text


@dataclass(frozen=True)
class Step:
    """One transition: `action` from `states` (None: any state) by whoever `who(user, obj)` admits."""

    action: str
    label: str  # the verb on the button and in messages: "报送乡镇"
    who: Callable[[Any, Any], bool]  # (user, obj) -> may this user take the step on this row
    who_label: Text  # (obj) -> named in the refusal "只有{who_label}可以{label}。"
    states: frozenset[str] | None = None
    when: Callable[[Any, Any], bool] | None = None  # (obj, user) -> a further condition
    when_message: Text = ""  # (obj, user) -> the refusal when `when` fails
    why_not: Callable[[Any, Any], str] | None = None  # (user, obj) -> a more precise refusal than who_label's
    confirm: Text = ""  # (obj) -> asked before an irreversible step (a second tap); empty for reversible ones
    hint: Text = ""  # (obj) -> appended to the wrong-state message
    reason: bool = False  # the step needs a reason, which is recorded
    creates: bool = False  # taken on the parent (the village, the pairing), not on a row: no button on a row

    def asks(self, obj=None) -> str:
        """The question a page asks before this step ("报送后本月台账不能再修改…"), or ""."""
        return _say(self.confirm, obj) if self.confirm else ""

    def admits(self, user, obj) -> bool:
        return bool(user is not None and user.is_authenticated and user.is_active and self.who(user, obj))


@dataclass
class Workflow:
    """The steps of one workflow; `state` reads a row's state (default: its `status`)."""

    name: str
    steps: Iterable[Step]
    state: Callable[[Any], str | None] = field(default=lambda obj: getattr(obj, "status", None))
    noun: str = "该记录"  # how wrong-state messages name the row: "该月台账"
    model: type | None = None  # the workflow's rows; a refused creation is audited against this type

    def __post_init__(self):
        self.steps = {step.action: step for step in self.steps}

    def __getitem__(self, action: str) -> Step:
        return self.steps[action]

    def may(self, action: str, obj, user) -> bool:
        step = self.steps[action]
        return (
            step.admits(user, obj)
            and (step.states is None or self.state(obj) in step.states)
            and (step.when is None or step.when(obj, user))
        )

    def allowed(self, obj, user) -> list[str]:
        """Actions `user` may take on `obj` now, in declaration order (buttons and API `actions`)."""
        return [action for action, step in self.steps.items() if not step.creates and self.may(action, obj, user)]

    def buttons(self, obj, user) -> list[Step]:
        """The allowed steps themselves, for templates that show labels and confirmations."""
        return [self.steps[action] for action in self.allowed(obj, user)]

    def check(self, action: str, obj, user) -> Step:
        """Refuse unless `user` may take `action` on `obj` now."""
        self.require_role(action, obj, user)
        return self.require_state(action, obj, user)

    def refusal(self, action: str, obj=None) -> str:
        """The words of a refusal by role, e.g. 只有本村党组织书记（村务专干）可以报送乡镇。"""
        step = self.steps[action]
        return f"只有{_say(step.who_label, obj)}可以{step.label}。"

    def require_role(self, action: str, obj, user) -> Step:
        step = self.steps[action]
        if not step.admits(user, obj):
            precise = step.why_not(user, obj) if step.why_not is not None and user.is_authenticated else ""
            own_row = self.model is None or isinstance(obj, self.model)
            raise Denied(
                precise or self.refusal(action, obj),
                obj=obj if own_row and getattr(obj, "pk", None) else None,
                object_type="" if own_row else self.model._meta.label_lower,
            )
        return step

    def require_state(self, action: str, obj, user=None) -> Step:
        step = self.steps[action]
        if step.states is not None and self.state(obj) not in step.states:
            shown = _state_label(obj)
            message = f"{self.noun}当前状态为“{shown}”，" if shown else f"{self.noun}现在"
            raise ValidationError(f"{message}不能{step.label}。{_say(step.hint, obj)}", code="wrong_state")
        if step.when is not None and not step.when(obj, user):
            message = _say(step.when_message, obj, user) or f"{self.noun}现在不能{step.label}。"
            raise ValidationError(message, code="wrong_state")
        return step


def _state_label(obj) -> str:
    display = getattr(obj, "get_status_display", None)
    return display() if callable(display) else ""
