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


@pytest.mark.django_db
class TestFieldLevelControl:
    """SECURITY.md 9 holds in the service, so pages, the API and imports all obey it."""

    def test_a_liaison_cannot_withdraw_a_talent(self, cast):
        from django.core.exceptions import ValidationError

        talent = cast.talent_t
        talent.status, talent.status_reason = "withdrawn", "调离"
        with pytest.raises(ValidationError) as raised:
            save_object(actor=cast.erin, obj=talent)
        assert "status" in raised.value.message_dict
        talent.refresh_from_db()
        assert talent.status == "active"

    def test_a_liaison_may_edit_other_fields_of_its_talent(self, cast):
        talent = cast.talent_t
        talent.position = "高级农艺师"
        save_object(actor=cast.erin, obj=talent)
        talent.refresh_from_db()
        assert talent.position == "高级农艺师"

    def test_the_county_admin_withdraws_with_a_reason_only(self, cast):
        from django.core.exceptions import ValidationError

        talent = cast.talent_t
        talent.status, talent.status_reason = "withdrawn", ""
        with pytest.raises(ValidationError) as raised:
            save_object(actor=cast.alice, obj=talent)
        assert "status_reason" in raised.value.message_dict
        talent.status_reason = "不能正常履职，予以更换"
        save_object(actor=cast.alice, obj=talent)
        talent.refresh_from_db()
        assert talent.status == "withdrawn"


@pytest.mark.django_db
def test_the_talent_edit_page_does_not_let_a_liaison_change_the_status(client, cast):
    from django.urls import reverse

    client.force_login(cast.erin)
    url = reverse("pairing:urbantalent_edit", args=[cast.talent_t.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.fields["status"].disabled
    data = {
        "county": cast.county.pk,
        "unit": cast.unit_u.pk,
        "name": "张三",
        "gender": "male",
        "political_status": "member",
        "phone": "",
        "position": "农艺师",
        "status": "withdrawn",
        "status_reason": "想退出",
    }
    client.post(url, data)
    cast.talent_t.refresh_from_db()
    assert cast.talent_t.status == "active"


@pytest.mark.django_db
class TestOnRollback:
    """Effects outside the database (files) are undone when the outermost service call fails."""

    def test_a_failed_call_runs_its_clean_up_and_a_successful_one_does_not(self):
        from pairing.core.services import on_rollback, service

        undone = []

        @service
        def change(*, fail: bool):
            on_rollback(lambda: undone.append("file"))
            if fail:
                raise RuntimeError("refused")

        change(fail=False)
        assert undone == []
        with pytest.raises(RuntimeError):
            change(fail=True)
        assert undone == ["file"]

    def test_a_nested_call_is_undone_when_the_outer_call_fails_later(self):
        from pairing.core.services import on_rollback, service

        undone = []

        @service
        def inner():
            on_rollback(lambda: undone.append("inner file"))

        @service
        def outer():
            inner()
            assert undone == []  # the inner call succeeded: nothing undone yet
            raise PermissionDenied("later refusal")

        with pytest.raises(PermissionDenied):
            outer()
        assert undone == ["inner file"]

    def test_on_rollback_outside_a_service_is_a_programming_error(self):
        from pairing.core.services import on_rollback

        with pytest.raises(RuntimeError):
            on_rollback(lambda: None)
