"""Generic tests for a scoped API resource (NetBox's utilities/testing/api.py, cut down).

A test class declares one resource in a few lines and inherits the checks every directory endpoint
owes (SECURITY.md 7-8, 12):

    class TestVillagesAPI(ScopedAPITests):
        url = "/api/v1/villages/"
        model = Village
        editor = "bob"            # a cast user whose role edits this model
        reader = "dave"           # a cast user who sees rows but whose role does not edit them
        parent_field = "township"
        list_queries = 2

        def create_payload(self, cast, n=0): ...
        def out_of_scope_parent(self, cast): ...

Generated for every cast user: the list holds exactly `Model.objects.visible_to(user)`; a row out
of scope is 404 to read, and 404 (or 403 for a role that edits nothing here) to change or delete,
with the row unchanged. For the editor: naming an out-of-scope parent is 400 with a Chinese message
and writes nothing; create, update and delete succeed and leave audit records with before/after.
For the reader: every write is 403 and writes nothing. The list's query count is pinned and stays
the same when rows are added.
"""

import re

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from pairing.core.scoping import can_edit
from pairing.models import AuditEvent

CAST_USERS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "zoe")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def row_state(obj: Model) -> dict:
    """The stored values of a row, read afresh (to show that a refused request changed nothing)."""
    return type(obj)._base_manager.filter(pk=obj.pk).values().first()


@pytest.mark.django_db
class ScopedAPITests:
    url: str
    model: type[Model]
    editor: str
    reader: str
    parent_field: str | None = None
    # Queries for one list page (count + rows + any prefetch), pinned so an N+1 shows up as a failure.
    list_queries: int

    # -- the declaration ---------------------------------------------------------------------
    def create_payload(self, cast, n: int = 0) -> dict:
        """A valid create payload for the editor; `n` makes names and codes unique."""
        raise NotImplementedError

    def update_payload(self, cast) -> dict:
        """A PATCH payload the editor may apply to a row it created."""
        return {"name": "改名后的名称"}

    def out_of_scope_parent(self, cast) -> Model:
        """A parent row (village, township, unit, …) the editor cannot see."""
        raise NotImplementedError

    def get_editor(self, cast):
        return getattr(cast, self.editor)

    # -- helpers -----------------------------------------------------------------------------
    def detail_url(self, pk) -> str:
        return f"{self.url}{pk}/"

    def list_all(self, api, user) -> list[dict]:
        api.force_authenticate(user)
        response = api.get(self.url, {"page_size": 200})
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["next"] is None, "the cast fits one page of 200"
        return body

    def label(self) -> str:
        return self.model._meta.label_lower

    # -- reading -----------------------------------------------------------------------------
    @pytest.mark.parametrize("username", CAST_USERS)
    def test_list_holds_exactly_the_rows_in_scope(self, cast, api, username):
        user = getattr(cast, username)
        body = self.list_all(api, user)
        expected = set(self.model.objects.visible_to(user).values_list("pk", flat=True))
        assert body["count"] == len(expected)
        assert {row["id"] for row in body["results"]} == expected

    @pytest.mark.parametrize("username", CAST_USERS)
    def test_rows_in_scope_are_readable_and_rows_out_of_scope_are_404(self, cast, api, username):
        user = getattr(cast, username)
        visible = set(self.model.objects.visible_to(user).values_list("pk", flat=True))
        hidden = set(self.model._base_manager.exclude(pk__in=visible).values_list("pk", flat=True))
        assert visible or hidden
        api.force_authenticate(user)
        for pk in visible:
            assert api.get(self.detail_url(pk)).status_code == 200
        for pk in hidden:
            response = api.get(self.detail_url(pk))
            assert response.status_code == 404
            assert CHINESE.search(response.json()["detail"])

    @pytest.mark.parametrize("username", CAST_USERS)
    def test_out_of_scope_update_and_delete_change_nothing(self, cast, api, username):
        user = getattr(cast, username)
        visible = self.model.objects.visible_to(user).values_list("pk", flat=True)
        hidden = list(self.model._base_manager.exclude(pk__in=visible))
        # A role that edits nothing here is refused before any row is looked up (403, which says
        # nothing about whether the row exists); an editor gets 404 for a row it cannot see.
        expected = 404 if can_edit(user, self.model) else 403
        api.force_authenticate(user)
        for obj in hidden:
            before = row_state(obj)
            assert api.patch(self.detail_url(obj.pk), self.update_payload(cast)).status_code == expected
            assert api.put(self.detail_url(obj.pk), self.create_payload(cast, n=7)).status_code == expected
            assert api.delete(self.detail_url(obj.pk)).status_code == expected
            assert row_state(obj) == before

    # -- writing -----------------------------------------------------------------------------
    def test_create_naming_an_out_of_scope_parent_is_refused(self, cast, api):
        if self.parent_field is None:
            pytest.skip(f"{self.url} has no parent row to name")
        editor = self.get_editor(cast)
        payload = self.create_payload(cast) | {self.parent_field: self.out_of_scope_parent(cast).pk}
        count = self.model._base_manager.count()
        audits = AuditEvent.objects.count()
        api.force_authenticate(editor)
        response = api.post(self.url, payload)
        assert response.status_code == 400, response.content
        body = response.json()
        assert CHINESE.search(body["detail"])
        assert self.parent_field in body["errors"]
        assert CHINESE.search(body["errors"][self.parent_field][0])
        assert self.model._base_manager.count() == count
        assert AuditEvent.objects.count() == audits

    def test_role_without_edit_rights_gets_403_and_writes_nothing(self, cast, api):
        reader = getattr(cast, self.reader)
        assert not can_edit(reader, self.model)
        obj = self.model.objects.visible_to(reader).first()
        assert obj is not None, "the reader sees at least one row"
        before = row_state(obj)
        count = self.model._base_manager.count()
        api.force_authenticate(reader)
        responses = [
            api.post(self.url, self.create_payload(cast)),
            api.patch(self.detail_url(obj.pk), self.update_payload(cast)),
            api.delete(self.detail_url(obj.pk)),
        ]
        for response in responses:
            assert response.status_code == 403
            assert response.json()["detail"] == "您的角色无权修改此类数据。"
        assert self.model._base_manager.count() == count
        assert row_state(obj) == before
        denied = AuditEvent.objects.filter(action="denied", user_id=reader.pk, object_type=self.label())
        assert denied.count() == 3

    def test_editor_creates_updates_and_deletes_with_audit_records(self, cast, api):
        editor = self.get_editor(cast)
        api.force_authenticate(editor)

        response = api.post(self.url, self.create_payload(cast))
        assert response.status_code == 201, response.content
        pk = response.json()["id"]
        assert self.model.objects.visible_to(editor).filter(pk=pk).exists()
        created = AuditEvent.objects.get(action="create", object_type=self.label(), object_id=str(pk))
        assert created.user_id == editor.pk
        assert created.changes, "a create records the new values"
        # Plain fields go from None; many-to-many fields from the empty list.
        assert all(before in (None, []) for before, _after in created.changes.values())

        update = self.update_payload(cast)
        response = api.patch(self.detail_url(pk), update)
        assert response.status_code == 200, response.content
        updated = AuditEvent.objects.get(action="update", object_type=self.label(), object_id=str(pk))
        for name, value in update.items():
            before, after = updated.changes[name]
            assert before != after
            assert after == value

        response = api.delete(self.detail_url(pk))
        assert response.status_code == 204, response.content
        assert not self.model._base_manager.filter(pk=pk).exists()
        deleted = AuditEvent.objects.get(action="delete", object_type=self.label(), object_id=str(pk))
        assert all(after is None for _before, after in deleted.changes.values())

    # -- query counts ------------------------------------------------------------------------
    def test_list_query_count_is_pinned_and_does_not_grow_with_rows(self, cast, api, django_assert_num_queries):
        editor = self.get_editor(cast)
        api.force_authenticate(editor)
        with django_assert_num_queries(self.list_queries):
            first = api.get(self.url)
        assert first.status_code == 200
        for n in range(1, 4):
            assert api.post(self.url, self.create_payload(cast, n=n)).status_code == 201
        with CaptureQueriesContext(connection) as queries:
            second = api.get(self.url)
        assert second.json()["count"] == first.json()["count"] + 3
        assert len(queries) == self.list_queries
