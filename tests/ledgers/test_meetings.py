"""Joint meetings: half-year boundaries in Asia/Shanghai, overdue from the half year's last day,
draft → final (final is read-only except follow-ups), co-chair defaults, scope and refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ledgers import compliance
from ledgers.choices import MeetingStatus, ResolutionStatus
from ledgers.models import JointMeeting, MeetingResolution
from ledgers.periods import SHANGHAI
from ledgers.services import meetings as meeting_service
from pairing.models import AuditEvent

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # a whole past year: every half is over, the cast's pairings are active


def meeting_input(held_at, **extra):
    return meeting_service.MeetingInput(
        held_at=held_at,
        place=extra.pop("place", "村部会议室"),
        unit_chair=extra.pop("unit_chair", "王局长"),
        village_chair=extra.pop("village_chair", "李书记"),
        attendee_count=extra.pop("attendee_count", 8),
        agenda=extra.pop("agenda", "研究上半年结对共建项目"),
        minutes=extra.pop("minutes", "会议议定三件事。"),
        **extra,
    )


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def meeting(cast, held_at, *, final=True, actor=None):
    row = meeting_service.create_meeting(
        actor=actor or cast.erin, pairing=cast.pairing_u_a1, data=meeting_input(held_at)
    )
    return meeting_service.finalize_meeting(actor=actor or cast.erin, meeting=row) if final else row


def behind_pairings(user, year, half, today=None):
    period = compliance.Period("half", year, half)
    rule = compliance.RULES["meetings"]
    return {row.pk for row in compliance.behind_rows(user, rule, period, today or timezone.localdate())}


def test_a_meeting_at_23_30_on_30_june_shanghai_counts_for_the_first_half(cast):
    meeting(cast, at(YEAR, 6, 30, 23, 30))  # 15:30 UTC: the same instant in any server zone
    assert cast.pairing_u_a1.pk not in behind_pairings(cast.alice, YEAR, 1)
    assert cast.pairing_u_a1.pk in behind_pairings(cast.alice, YEAR, 2)


def test_a_meeting_at_midnight_on_1_july_shanghai_counts_for_the_second_half(cast):
    meeting(cast, at(YEAR, 7, 1, 0, 0))  # still 30 June in UTC
    assert cast.pairing_u_a1.pk in behind_pairings(cast.alice, YEAR, 1)
    assert cast.pairing_u_a1.pk not in behind_pairings(cast.alice, YEAR, 2)


def test_a_draft_meeting_does_not_count(cast):
    meeting(cast, at(YEAR, 3, 1, 9, 0), final=False)
    assert cast.pairing_u_a1.pk in behind_pairings(cast.alice, YEAR, 1)


def test_overdue_starts_after_the_half_years_last_day(cast):
    first_half = compliance.Period("half", YEAR, 1)
    assert compliance.meeting_deadline(first_half) == datetime.date(YEAR, 6, 30)
    assert not compliance.meeting_overdue(first_half, datetime.date(YEAR, 6, 30))
    assert compliance.meeting_overdue(first_half, datetime.date(YEAR, 7, 1))
    # A month or quarter of the half has the same deadline.
    assert compliance.meeting_deadline(compliance.Period("quarter", YEAR, 4)) == datetime.date(YEAR, 12, 31)


def test_co_chairs_default_to_the_current_honorary_head_and_the_village_secretary(cast):
    assert meeting_service.default_chairs(cast.pairing_u_a1) == ("王局长", "李书记")


def test_finalize_needs_minutes_and_then_the_minutes_are_read_only(cast):
    draft = meeting_service.create_meeting(
        actor=cast.dave, pairing=cast.pairing_u_a1, data=meeting_input(at(YEAR, 5, 1, 9, 0), minutes="")
    )
    with pytest.raises(ValidationError):
        meeting_service.finalize_meeting(actor=cast.dave, meeting=draft)
    meeting_service.update_meeting(actor=cast.dave, meeting=draft, data=meeting_input(at(YEAR, 5, 1, 9, 0)))
    resolution = meeting_service.add_resolution(
        actor=cast.dave,
        meeting=draft,
        data=meeting_service.ResolutionInput(
            content="修缮村道", responsible="王局长", due_date=datetime.date(YEAR, 9, 30)
        ),
    )
    final = meeting_service.finalize_meeting(actor=cast.erin, meeting=draft)
    assert final.status == MeetingStatus.FINAL and final.finalized_by == cast.erin

    with pytest.raises(ValidationError):
        meeting_service.update_meeting(actor=cast.dave, meeting=final, data=meeting_input(at(YEAR, 5, 2, 9, 0)))
    with pytest.raises(ValidationError):
        meeting_service.finalize_meeting(actor=cast.dave, meeting=final)
    with pytest.raises(ValidationError):
        meeting_service.add_resolution(
            actor=cast.dave, meeting=final, data=meeting_service.ResolutionInput("再议", "李书记")
        )
    with pytest.raises(ValidationError):
        meeting_service.update_resolution(
            actor=cast.dave, resolution=resolution, data=meeting_service.ResolutionInput("改写的事项", "王局长")
        )
    with pytest.raises(ValidationError):
        meeting_service.delete_resolution(actor=cast.dave, resolution=resolution)
    with pytest.raises(ValidationError):
        meeting_service.delete_meeting(actor=cast.dave, meeting=final)

    followed = meeting_service.follow_up_resolution(
        actor=cast.erin, resolution=resolution, status=ResolutionStatus.DONE, note="已完成硬化 1.2 公里"
    )
    assert followed.follow_up_status == ResolutionStatus.DONE and followed.content == "修缮村道"
    assert JointMeeting.objects.get(pk=final.pk).held_at == at(YEAR, 5, 1, 9, 0)
    actions = set(
        AuditEvent.objects.filter(object_id__in=[str(final.pk), str(resolution.pk)]).values_list("action", flat=True)
    )
    assert {"create", "update", "finalize", "follow_up"} <= actions


def test_only_the_two_parties_record_meetings(cast):
    with pytest.raises(PermissionDenied):  # bob sees the pairing but is not a party
        meeting_service.create_meeting(actor=cast.bob, pairing=cast.pairing_u_a1, data=meeting_input(at(YEAR, 3, 1, 9)))
    with pytest.raises(PermissionDenied):  # erin's unit is not paired with B1
        meeting_service.create_meeting(
            actor=cast.erin, pairing=cast.pairing_v_b1, data=meeting_input(at(YEAR, 3, 1, 9))
        )
    assert not JointMeeting.objects.exists()
    assert AuditEvent.objects.filter(action="denied", object_type="ledgers.jointmeeting").count() == 2


def test_a_meeting_cannot_be_recorded_in_the_future(cast):
    with pytest.raises(ValidationError):
        meeting(cast, timezone.now() + datetime.timedelta(days=1), final=False)


def test_attending_talents_belong_to_the_unit_or_serve_the_village(cast):
    with pytest.raises(ValidationError):
        meeting_service.create_meeting(
            actor=cast.erin,
            pairing=cast.pairing_u_a1,
            data=meeting_input(timezone.now(), attendee_talents=(cast.talent_t2,)),
        )
    ok = meeting_service.create_meeting(
        actor=cast.erin,
        pairing=cast.pairing_u_a1,
        data=meeting_input(timezone.now(), attendee_talents=(cast.talent_t,)),
    )
    assert list(ok.attendee_talents.all()) == [cast.talent_t]


# -- pages and API ---------------------------------------------------------------------------


def test_meeting_pages_are_scoped(client, cast):
    row = meeting(cast, at(YEAR, 4, 1, 9, 0))
    for name, status in (("alice", 200), ("bob", 200), ("dave", 200), ("erin", 200), ("carol", 404), ("zoe", 404)):
        client.force_login(getattr(cast, name))
        assert client.get(reverse("ledgers:meeting_detail", args=[row.pk])).status_code == status, name
    client.force_login(cast.dave)
    response = client.get(reverse("ledgers:meeting_list"))
    assert response.status_code == 200 and "甲一村" in response.content.decode()


def test_the_page_records_a_meeting_with_directory_defaults_and_finalizes_it(client, cast):
    client.force_login(cast.erin)
    page = client.get(reverse("ledgers:meeting_create"))  # one pairing: no chooser
    assert page.status_code == 200 and "王局长" in page.content.decode() and "李书记" in page.content.decode()
    response = client.post(
        reverse("ledgers:meeting_create"),
        {
            "pairing": cast.pairing_u_a1.pk,
            "held_at": f"{YEAR}-06-30T23:30",
            "place": "村部",
            "unit_chair": "王局长",
            "village_chair": "李书记",
            "attendee_count": 9,
            "agenda": "议题",
            "minutes": "纪要",
            "attendee_talents": [cast.talent_t.pk],
        },
    )
    row = JointMeeting.objects.get()
    assert response.status_code == 302 and row.held_at == at(YEAR, 6, 30, 23, 30)
    client.post(
        reverse("ledgers:resolution_add", args=[row.pk]),
        {"content": "建设产业路", "responsible": "张三", "follow_up_status": "not_started"},
    )
    client.post(reverse("ledgers:meeting_finalize", args=[row.pk]))
    row.refresh_from_db()
    assert row.is_final and row.resolutions.count() == 1
    assert client.get(reverse("ledgers:meeting_edit", args=[row.pk])).status_code == 302


def test_api_lists_equal_visible_rows_for_every_cast_member(api, cast):
    meeting(cast, at(YEAR, 4, 1, 9, 0))
    JointMeeting.objects.create(
        pairing=cast.pairing_v_b1,
        held_at=at(YEAR, 4, 2, 9),
        place="乙一村",
        unit_chair="甲",
        village_chair="乙",
        attendee_count=3,
        agenda="议题",
    )
    for name, user in cast.users.items():
        api.force_authenticate(user)
        body = api.get("/api/v1/meetings/").json()
        expected = set(JointMeeting.objects.visible_to(user).values_list("pk", flat=True))
        assert {r["id"] for r in body.get("results", [])} == expected, name
    api.force_authenticate(cast.bob)
    assert {r["village_name"] for r in api.get("/api/v1/meetings/").json()["results"]} == {"甲一村"}


def test_api_create_out_of_scope_is_refused_and_writes_nothing(api, cast):
    api.force_authenticate(cast.erin)
    payload = {
        "pairing": cast.pairing_v_b1.pk,
        "held_at": f"{YEAR}-03-01T09:00:00+08:00",
        "place": "x",
        "attendee_count": 3,
        "agenda": "议题",
    }
    response = api.post("/api/v1/meetings/", payload, format="json")
    assert response.status_code == 400 and "pairing" in response.json()["errors"]
    api.force_authenticate(cast.carol)  # a township officer edits no meetings
    assert api.post("/api/v1/meetings/", payload, format="json").status_code == 403
    assert not JointMeeting.objects.exists()


def test_api_creates_with_default_chairs_finalizes_and_follows_up(api, cast):
    api.force_authenticate(cast.erin)
    payload = {
        "pairing": cast.pairing_u_a1.pk,
        "held_at": f"{YEAR}-06-30T23:30:00+08:00",
        "place": "村部",
        "attendee_count": 6,
        "agenda": "议题",
        "minutes": "纪要",
    }
    created = api.post("/api/v1/meetings/", payload, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["unit_chair"], body["village_chair"], body["status"]) == ("王局长", "李书记", "draft")
    resolution = api.post(
        "/api/v1/meeting-resolutions/",
        {"meeting": body["id"], "content": "修路", "responsible": "王局长"},
        format="json",
    )
    assert resolution.status_code == 201, resolution.content
    final = api.post(f"/api/v1/meetings/{body['id']}/finalize/")
    assert final.status_code == 200 and final.json()["status"] == "final"
    assert api.patch(f"/api/v1/meetings/{body['id']}/", {"place": "改"}, format="json").status_code == 400
    rid = resolution.json()["id"]
    follow = api.post(
        f"/api/v1/meeting-resolutions/{rid}/follow-up/",
        {"follow_up_status": "in_progress", "follow_up_note": "施工中"},
        format="json",
    )
    assert follow.status_code == 200 and follow.json()["follow_up_status"] == "in_progress"
    assert MeetingResolution.objects.get(pk=rid).follow_up_note == "施工中"
    api.force_authenticate(cast.carol)
    assert api.get(f"/api/v1/meetings/{body['id']}/").status_code == 404
