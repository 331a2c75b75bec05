"""The shared service wrapper: refusals roll back the change but keep their audit record."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pairing.choices import AuditResult
from pairing.models import AuditEvent, Village
from pairing.services.directory import appoint_honorary_head, save_object


@pytest.mark.django_db
class TestRefusalsAreAudited:
    def test_a_role_refusal_writes_nothing_but_one_denied_record(self, cast):
        village = Village(township=cast.township_a, name="新村", code="341122100299")
        with pytest.raises(PermissionDenied):
            save_object(actor=cast.dave, obj=village)
        assert not Village.objects.filter(name="新村").exists()
        events = AuditEvent.objects.filter(action="denied", user_id=cast.dave.pk)
        assert events.count() == 1
        assert events.get().result == AuditResult.DENIED
        assert events.get().object_type == "pairing.village"

    def test_a_create_outside_scope_is_rolled_back_and_audited(self, cast):
        # bob (township A) tries to create a village in township B: saved, then refused, rolled back.
        village = Village(township=cast.township_b, name="越界村", code="341122200299")
        with pytest.raises(PermissionDenied):
            save_object(actor=cast.bob, obj=village)
        assert not Village.objects.filter(name="越界村").exists()
        assert not AuditEvent.objects.filter(action="create", object_repr="越界村").exists()
        assert AuditEvent.objects.filter(action="denied", user_id=cast.bob.pk).count() == 1

    def test_a_nested_service_refusal_is_recorded_once(self, cast):
        import datetime

        other_pairing = cast.pairing_v_b1  # unit V's pairing: out of erin's scope
        with pytest.raises(Http404):
            appoint_honorary_head(
                actor=cast.erin, pairing=other_pairing, name="某人", start_date=datetime.date(2026, 1, 1)
            )
        assert AuditEvent.objects.filter(action="denied", user_id=cast.erin.pk).count() == 1
