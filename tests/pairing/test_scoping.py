"""visible_to(user) against the fixed cast, one model at a time."""

import pytest

from ledgers.models import Demand, ServiceActivity, TalentEvaluation
from pairing.models import AuditEvent, CountyUnit, Pairing, Township, UrbanTalent, Village


def names(queryset):
    return sorted(str(obj) for obj in queryset)


@pytest.mark.django_db
class TestVillageScope:
    def test_county_admin_sees_every_village_of_the_county_only(self, cast):
        assert names(Village.objects.visible_to(cast.alice)) == sorted(["甲一村", "甲二村", "乙一村"])

    def test_township_officer_sees_own_township(self, cast):
        assert names(Village.objects.visible_to(cast.bob)) == sorted(["甲一村", "甲二村"])
        assert names(Village.objects.visible_to(cast.carol)) == ["乙一村"]

    def test_secretary_sees_own_village(self, cast):
        assert names(Village.objects.visible_to(cast.dave)) == ["甲一村"]

    def test_liaison_sees_paired_villages(self, cast):
        assert names(Village.objects.visible_to(cast.erin)) == ["甲一村"]

    def test_talent_sees_assigned_village(self, cast):
        assert names(Village.objects.visible_to(cast.frank)) == ["甲一村"]

    def test_auditor_sees_no_directory_rows(self, cast):
        assert not Village.objects.visible_to(cast.grace).exists()


@pytest.mark.django_db
class TestOtherModels:
    def test_liaison_sees_own_unit_and_its_talents(self, cast):
        assert names(CountyUnit.objects.visible_to(cast.erin)) == ["县农业农村局"]
        assert names(UrbanTalent.objects.visible_to(cast.erin)) == ["张三"]

    def test_township_officer_sees_talents_serving_there_and_paired_units(self, cast):
        assert names(UrbanTalent.objects.visible_to(cast.bob)) == ["张三"]
        assert names(CountyUnit.objects.visible_to(cast.bob)) == ["县农业农村局"]

    def test_talent_sees_only_themselves(self, cast):
        assert names(UrbanTalent.objects.visible_to(cast.frank)) == ["张三"]

    def test_to_many_paths_do_not_duplicate_rows(self, cast):
        # Two pairings into township A would join Township twice without the subquery.
        Pairing.objects.create(unit=cast.unit_u, village=cast.village_a2, start_year=2025)
        assert Township.objects.visible_to(cast.erin).count() == 1

    def test_other_county_admin_sees_nothing_here(self, cast):
        assert names(Village.objects.visible_to(cast.zoe)) == ["丙一村"]

    def test_inactive_user_sees_nothing(self, cast):
        cast.alice.is_active = False
        assert not Village.objects.visible_to(cast.alice).exists()

    def test_only_the_auditor_reads_the_audit_trail(self, cast):
        AuditEvent.objects.create(action="test", county_id=cast.county.pk)
        assert AuditEvent.objects.visible_to(cast.grace).count() == 1
        assert AuditEvent.objects.visible_to(cast.alice).count() == 0


@pytest.mark.django_db
class TestTheShapeOfTheScopeQuery:
    """How a scope reaches the database matters at city scale (1.4 M activities): PostgreSQL scans
    a whole table for an OR of two `IN (subquery)` conditions, and for a `pk IN (subquery)` over
    conditions that need no subquery at all."""

    def test_a_scope_with_two_alternatives_is_a_union_of_two_id_sets(self, cast):
        sql = str(ServiceActivity.objects.visible_to(cast.frank).query)

        assert "UNION" in sql
        assert " OR " not in sql

    def test_a_tuple_of_to_many_lookups_is_a_union_too(self, cast):
        sql = str(Demand.objects.visible_to(cast.frank).query)

        assert "UNION" in sql
        assert " OR " not in sql

    def test_a_callable_scope_on_to_one_relations_filters_the_joined_rows(self, cast):
        sql = str(TalentEvaluation.objects.visible_to(cast.erin).query)

        assert sql.count("SELECT") == 1  # no `pk IN (SELECT ...)` around the condition

    def test_a_lookup_across_a_to_many_relation_stays_a_subquery_without_duplicates(self, cast):
        Pairing.objects.create(unit=cast.unit_u, village=cast.village_a2, start_year=2020)

        visible = Township.objects.visible_to(cast.erin)  # through villages__pairings__unit

        assert "SELECT" in str(visible.query).split("WHERE", 1)[1]
        assert visible.count() == 1 == len(list(visible))
