"""The audit trail (SECURITY.md 12, 13, 16): what is recorded, what is never in it, and that it only grows."""

import json

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairing.models import AuditEvent, UrbanTalent, User
from pairing.models.audit import AppendOnlyError
from tests.factories import PASSWORD
from tests.otp import verify_session

FULL_PHONE = "15812345678"
FULL_ID = "440524198001010013"


def all_audit_text() -> str:
    return json.dumps(
        [[e.changes, e.message, e.object_repr] for e in AuditEvent.objects.all()],
        ensure_ascii=False,
    )


@pytest.mark.django_db
class TestChangesAreAudited:
    def create_talent(self, cast, api):
        api.force_authenticate(cast.alice)
        response = api.post(
            "/api/v1/talents/",
            {
                "county": cast.county.pk,
                "unit": cast.unit_u.pk,
                "name": "赵六",
                "gender": "male",
                "phone": FULL_PHONE,
                "id_number": FULL_ID,
            },
            REMOTE_ADDR="192.0.2.7",
        )
        assert response.status_code == 201, response.content
        return response.json()["id"]

    def test_create_records_who_when_where_and_the_masked_values(self, cast, api):
        pk = self.create_talent(cast, api)
        event = AuditEvent.objects.get(action="create", object_id=str(pk))
        assert (event.user_id, event.username, event.county_id) == (cast.alice.pk, "alice", cast.county.pk)
        assert event.ip == "192.0.2.7"
        assert event.object_type == "pairing.urbantalent"
        assert event.object_repr == "赵六"
        assert event.changes["name"] == [None, "赵六"]
        assert event.changes["phone"] == [None, "158****5678"]
        assert event.changes["id_number"] == [None, "**************0013"]

    def test_update_records_before_and_after(self, cast, api):
        pk = self.create_talent(cast, api)
        response = api.patch(f"/api/v1/talents/{pk}/", {"phone": "15987654321", "position": "律师"})
        assert response.status_code == 200
        event = AuditEvent.objects.get(action="update", object_id=str(pk))
        assert event.changes["phone"] == ["158****5678", "159****4321"]
        assert event.changes["position"] == ["", "律师"]
        assert "name" not in event.changes, "only changed fields are recorded"

    def test_delete_records_the_last_values(self, cast, api):
        pk = self.create_talent(cast, api)
        assert api.delete(f"/api/v1/talents/{pk}/").status_code == 204
        event = AuditEvent.objects.get(action="delete", object_id=str(pk))
        assert event.changes["name"] == ["赵六", None]
        assert event.changes["phone"] == ["158****5678", None]

    def test_no_full_phone_or_id_number_anywhere_in_the_trail(self, cast, api):
        pk = self.create_talent(cast, api)
        api.patch(f"/api/v1/talents/{pk}/", {"phone": "15987654321"})
        api.post(f"/api/v1/talents/{pk}/reveal/")
        api.delete(f"/api/v1/talents/{pk}/")
        text = all_audit_text()
        assert AuditEvent.objects.count() >= 4
        for secret in (FULL_PHONE, "15987654321", FULL_ID):
            assert secret not in text

    def test_no_table_but_the_talents_own_keeps_the_personal_numbers(self, cast, api):
        # The audit trail is the one change history (no second history table holds full values).
        self.create_talent(cast, api)
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                if table == UrbanTalent._meta.db_table:
                    continue
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                text = str(cursor.fetchall())
                assert FULL_PHONE not in text and FULL_ID not in text, table

    def test_a_change_in_the_admin_is_audited_with_masked_values(self, cast, client):

        admin = User.objects.create_superuser(
            "root", password="Str0ng!pass-word", must_change_password=False, password_changed_at=timezone.now()
        )
        verify_session(client, admin)
        talent = cast.talent_t
        url = reverse("admin:pairing_urbantalent_change", args=[talent.pk])
        form = client.get(url).context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update({"name": "改名人才", "phone": "15987654321", "specialties": [], "county": talent.county_id})
        data["unit"] = talent.unit_id or ""
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        event = AuditEvent.objects.get(action="update", object_id=str(talent.pk), user_id=admin.pk)
        assert event.changes["name"][1] == "改名人才"
        assert event.changes["phone"] == ["139****9000", "159****4321"]
        assert event.message == "系统管理后台"

    def test_a_refused_write_leaves_no_change_record(self, cast, api):
        # A talent with no unit would fall outside the liaison's scope: the after-guard rolls it back.
        api.force_authenticate(cast.erin)
        response = api.post(
            "/api/v1/talents/",
            {"county": cast.county.pk, "name": "孤儿", "gender": "male", "phone": FULL_PHONE},
        )
        assert response.status_code == 403
        assert not UrbanTalent.objects.filter(name="孤儿").exists()
        assert not AuditEvent.objects.filter(action="create").exists()


@pytest.mark.django_db
class TestLoginsAreAudited:
    def test_web_login_success_and_failure(self, cast):
        client = Client(REMOTE_ADDR="198.51.100.4")
        client.post(reverse(settings.LOGIN_URL), {"username": "bob", "password": "Not-the-Passw0rd"})
        client.post(reverse(settings.LOGIN_URL), {"username": "bob", "password": PASSWORD})
        failed = AuditEvent.objects.get(action="login_failed")
        assert (failed.username, failed.result, failed.ip) == ("bob", "failure", "198.51.100.4")
        login = AuditEvent.objects.get(action="login")
        assert (login.user_id, login.result, login.ip) == (cast.bob.pk, "success", "198.51.100.4")

    def test_logout_is_recorded(self, cast):
        client = Client()
        client.force_login(cast.bob)
        client.logout()
        assert AuditEvent.objects.filter(action="logout", user_id=cast.bob.pk).exists()


@pytest.mark.django_db
class TestAppendOnly:
    @pytest.fixture
    def event(self, db):
        return AuditEvent.objects.create(action="test", message="原始记录")

    def test_saving_an_existing_record_raises(self, event):
        event.message = "篡改"
        with pytest.raises(AppendOnlyError):
            event.save()
        event.refresh_from_db()
        assert event.message == "原始记录"

    def test_deleting_a_record_raises(self, event):
        with pytest.raises(AppendOnlyError):
            event.delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_queryset_update_and_delete_raise(self, event):
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).update(message="篡改")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()
        event.refresh_from_db()
        assert event.message == "原始记录"

    @pytest.mark.postgres
    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE pairing_auditevent SET message = 'tampered' WHERE id = %s",
            "DELETE FROM pairing_auditevent WHERE id = %s",
        ],
    )
    def test_the_database_refuses_raw_update_and_delete(self, event, sql):
        if connection.vendor != "postgresql":
            pytest.skip("the append-only trigger exists on PostgreSQL only")
        with (
            pytest.raises(DatabaseError, match="审计记录只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
        event.refresh_from_db()
        assert event.message == "原始记录"
