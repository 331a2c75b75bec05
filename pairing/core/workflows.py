"""Who may do what next, declared once per workflow (ARCHITECTURE.md "Who may do what").

A workflow is a list of `Step`s: an action, the states it may start from, a predicate saying who
may take it on a given row, and the words a person reads (the button, the refusal, the question
asked before an irreversible step). The service module of each workflow declares one `Workflow`
and enforces it with `workflow.check(...)`; pages render buttons from `workflow.allowed(...)`;
API serializers return the same list as `actions`. Nothing else decides it.

Predicates take `(user, obj)` and come from `pairing.roles`; row scope (404) is checked before
any of this, by the service, so a predicate may assume the row is visible to the user.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from ..services.base import Denied

Predicate = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Step:
    """One transition: `action` from `states` (None: any state) by whoever `who(user, obj)` admits."""

    action: str
    label: str  # the verb on the button and in messages: "报送乡镇"
    who: Predicate
    who_label: str | Callable[[Any], str]  # named in the refusal: "只有{who_label}可以{label}。"
    states: frozenset[str] | None = None
    when: Callable[[Any], bool] | None = None  # a further condition on the row, beyond its state
    confirm: str = ""  # asked before an irreversible step; empty for reversible ones
    hint: str | Callable[[Any], str] = ""  # appended to the wrong-state message (may depend on the row)
    reason: bool = False  # the step needs a reason, which is recorded

    def admits(self, user, obj) -> bool:
        return bool(user is not None and user.is_authenticated and user.is_active and self.who(user, obj))

    def open_for(self, obj, state: str | None) -> bool:
        return (self.states is None or state in self.states) and (self.when is None or self.when(obj))


@dataclass
class Workflow:
    """The steps of one workflow; `state` reads a row's state (default: its `status`)."""

    name: str
    steps: Iterable[Step]
    state: Callable[[Any], str | None] = field(default=lambda obj: getattr(obj, "status", None))
    noun: str = "该记录"  # how wrong-state messages name the row: "该月台账"

    def __post_init__(self):
        self.steps = {step.action: step for step in self.steps}

    def __getitem__(self, action: str) -> Step:
        return self.steps[action]

    def may(self, action: str, obj, user) -> bool:
        step = self.steps[action]
        return step.admits(user, obj) and step.open_for(obj, self.state(obj))

    def allowed(self, obj, user) -> list[str]:
        """Actions `user` may take on `obj` now, in declaration order (buttons and API `actions`)."""
        return [action for action in self.steps if self.may(action, obj, user)]

    def check(self, action: str, obj, user, *, state_label: str | None = None) -> Step:
        """Refuse unless `user` may take `action` on `obj` now: the role first (403, audited by the
        service wrapper), then the state (a Chinese message saying what the row is)."""
        self.require_role(action, obj, user)
        return self.require_state(action, obj, state_label=state_label)

    def require_role(self, action: str, obj, user) -> Step:
        step = self.steps[action]
        if not step.admits(user, obj):
            who = step.who_label(obj) if callable(step.who_label) else step.who_label
            raise Denied(f"只有{who}可以{step.label}。", obj=obj if getattr(obj, "pk", None) else None)
        return step

    def require_state(self, action: str, obj, *, state_label: str | None = None) -> Step:
        step = self.steps[action]
        if not step.open_for(obj, self.state(obj)):
            shown = state_label if state_label is not None else _state_label(obj)
            message = f"{self.noun}当前状态为“{shown}”，" if shown else f"{self.noun}现在"
            hint = step.hint(obj) if callable(step.hint) else step.hint
            raise ValidationError(f"{message}不能{step.label}。{hint}", code="wrong_state")
        return step

    def buttons(self, obj, user) -> list[Step]:
        """The allowed steps themselves, for templates that need labels and confirmations."""
        return [self.steps[action] for action in self.allowed(obj, user)]


def _state_label(obj) -> str:
    display = getattr(obj, "get_status_display", None)
    return display() if callable(display) else ""
