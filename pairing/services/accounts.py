"""Account changes shared by the pages and the API."""

from django.utils import timezone
from rest_framework.authtoken.models import Token

from pairing.core import audit
from pairing.core.services import service


@service
def change_password(*, actor, new_password: str, issue_token: bool = False) -> Token | None:
    """Set the actor's own (already validated) password and end every other session and token.

    Saving a new password hash ends the other browser sessions (Django checks the hash); the
    user's API tokens are deleted. An API caller asks for a fresh token (`issue_token=True`).
    """
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.password_changed_at = timezone.now()
    actor.save()
    Token.objects.filter(user=actor).delete()  # also when the receiver is not connected (e.g. raw saves)
    audit.record(action="password_change", actor=actor, obj=actor)
    return Token.objects.create(user=actor) if issue_token else None
