"""Directory pages: list, detail, create, edit and delete for each directory model.

Scoping, role checks, masking and audit live in pairing.core.views and the services; this module
only declares columns, fields, forms and the related tables each detail page shows.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.views.generic import FormView

from pairing.core.scoping import can_edit
from pairing.core.views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RelatedSection,
    RequireEditRoleMixin,
    ScopedFormMixin,
)

from .. import filtersets as fs
from ..core.refusals import add_errors
from ..forms import directory as forms
from ..models import (
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    TalentAssignment,
    Township,
    UrbanTalent,
    Village,
)
from ..services.directory import appoint_honorary_head

PAIRING_COLUMNS = (
    Column("县直单位", "unit.name", link=True),
    Column("结对村（社区）", "village.name"),
    Column("起始年度", "start_year"),
    Column("终止年度", "end_year"),
)
ASSIGNMENT_COLUMNS = (
    Column("年度", "year", link=True),
    Column("城市人才", "talent.name"),
    Column("服务村（社区）", "village.name"),
)
HEAD_COLUMNS = (
    Column("姓名", "name", link=True),
    Column("单位职务", "position"),
    Column("手机号码", "phone"),
    Column("任职日期", "start_date"),
    Column("卸任日期", "end_date"),
)


def visible(model, user):
    return model.objects.visible_to(user)


# Townships ---------------------------------------------------------------------------------------


class TownshipList(ObjectListView):
    model = Township
    filterset_class = fs.TownshipFilterSet
    select_related = ("county",)
    columns = (
        Column("名称", "name", "name", link=True),
        Column("行政区划代码", "code", "code"),
        Column("乡镇党委", "party_committee"),
        Column("所属县（区）", "county.name"),
    )
    default_ordering = ("code",)
    create_url_name = "pairing:township_create"


class TownshipDetail(ObjectDetailView):
    model = Township
    select_related = ("county",)
    fields = ("name", "code", "party_committee", "county")
    edit_url_name = "pairing:township_edit"
    delete_url_name = "pairing:township_delete"

    def get_related(self):
        villages = visible(Village, self.request.user).filter(township=self.object).order_by("code")
        return [
            RelatedSection(
                "村（社区）",
                villages,
                (Column("名称", "name", link=True), Column("行政区划代码", "code"), Column("类型", "kind")),
            )
        ]


class TownshipEdit(ObjectEditView):
    model = Township
    form_class = forms.TownshipForm


class TownshipDelete(ObjectDeleteView):
    model = Township
    success_url_name = "pairing:township_list"


# Villages ----------------------------------------------------------------------------------------


class VillageList(ObjectListView):
    model = Village
    filterset_class = fs.VillageFilterSet
    select_related = ("township",)
    columns = (
        Column("名称", "name", "name", link=True),
        Column("行政区划代码", "code", "code"),
        Column("所属乡镇", "township.name", "township__code"),
        Column("类型", "kind", "kind"),
        Column("党组织书记", "secretary_name"),
        Column("书记电话", "secretary_phone"),
    )
    default_ordering = ("code",)
    create_url_name = "pairing:village_create"


class VillageDetail(ObjectDetailView):
    model = Village
    select_related = ("township",)
    fields = (
        "name",
        "code",
        "township",
        "kind",
        "party_org_kind",
        "secretary_name",
        "secretary_phone",
        "households",
        "population",
    )
    edit_url_name = "pairing:village_edit"
    delete_url_name = "pairing:village_delete"

    def get_related(self):
        user = self.request.user
        village = self.object
        year = timezone.localdate().year
        pairings = visible(Pairing, user).filter(village=village).select_related("unit", "village")
        heads = (
            visible(HonoraryVillageHead, user)
            .filter(pairing__village=village, end_date__isnull=True)
            .select_related("pairing__unit")
        )
        assignments = (
            visible(TalentAssignment, user)
            .filter(village=village, year=year)
            .select_related("talent", "village")
            .order_by("talent__name")
        )
        return [
            RelatedSection("结对关系", pairings, PAIRING_COLUMNS),
            RelatedSection("在任名誉村长", heads, (*HEAD_COLUMNS[:3], Column("所在单位", "pairing.unit.name"))),
            RelatedSection(f"{year}年分配的城市人才", assignments, ASSIGNMENT_COLUMNS),
        ]


class VillageEdit(ObjectEditView):
    model = Village
    form_class = forms.VillageForm


class VillageDelete(ObjectDeleteView):
    model = Village
    success_url_name = "pairing:village_list"


# County units ------------------------------------------------------------------------------------


class CountyUnitList(ObjectListView):
    model = CountyUnit
    filterset_class = fs.CountyUnitFilterSet
    columns = (
        Column("单位名称", "name", "name", link=True),
        Column("单位性质", "kind", "kind"),
        Column("党组织类型", "party_org_kind"),
        Column("党组织名称", "party_org_name"),
    )
    default_ordering = ("name",)
    create_url_name = "pairing:countyunit_create"


class CountyUnitDetail(ObjectDetailView):
    model = CountyUnit
    select_related = ("county",)
    fields = ("name", "county", "kind", "party_org_kind", "party_org_name")
    edit_url_name = "pairing:countyunit_edit"
    delete_url_name = "pairing:countyunit_delete"

    def get_related(self):
        user = self.request.user
        pairings = visible(Pairing, user).filter(unit=self.object).select_related("unit", "village")
        talents = visible(UrbanTalent, user).filter(unit=self.object).order_by("name")
        talent_columns = (
            Column("姓名", "name", link=True),
            Column("职务/职称", "position"),
            Column("手机号码", "phone"),
            Column("状态", "status"),
        )
        return [
            RelatedSection("结对关系", pairings, PAIRING_COLUMNS),
            RelatedSection("城市人才", talents, talent_columns),
        ]


class CountyUnitEdit(ObjectEditView):
    model = CountyUnit
    form_class = forms.CountyUnitForm


class CountyUnitDelete(ObjectDeleteView):
    model = CountyUnit
    success_url_name = "pairing:countyunit_list"


# Urban talents -----------------------------------------------------------------------------------


class UrbanTalentList(ObjectListView):
    model = UrbanTalent
    filterset_class = fs.UrbanTalentFilterSet
    select_related = ("unit",)
    columns = (
        Column("姓名", "name", "name", link=True),
        Column("性别", "gender"),
        Column("所在单位", "unit.name", "unit__name"),
        Column("职务/职称", "position"),
        Column("手机号码", "phone"),
        Column("政治面貌", "political_status"),
        Column("状态", "status", "status"),
    )
    default_ordering = ("name", "pk")
    create_url_name = "pairing:urbantalent_create"


class UrbanTalentDetail(ObjectDetailView):
    model = UrbanTalent
    select_related = ("unit", "county")
    prefetch_related = ("specialties",)
    fields = (
        "name",
        "gender",
        "political_status",
        "unit",
        "position",
        "phone",
        "id_number",
        "specialties",
        "status",
        "status_reason",
    )
    edit_url_name = "pairing:urbantalent_edit"

    def get_related(self):
        assignments = (
            visible(TalentAssignment, self.request.user)
            .filter(talent=self.object)
            .select_related("talent", "village")
            .order_by("-year")
        )
        return [RelatedSection("服务村分配", assignments, ASSIGNMENT_COLUMNS)]


class UrbanTalentEdit(ObjectEditView):
    model = UrbanTalent
    form_class = forms.UrbanTalentForm


# Talent assignments ------------------------------------------------------------------------------


class TalentAssignmentList(ObjectListView):
    model = TalentAssignment
    filterset_class = fs.TalentAssignmentFilterSet
    select_related = ("talent", "village__township")
    columns = (
        Column("年度", "year", "year", link=True),
        Column("城市人才", "talent.name", "talent__name"),
        Column("服务村（社区）", "village.name", "village__code"),
        Column("所属乡镇", "village.township.name"),
        Column("备注", "note"),
    )
    default_ordering = ("-year", "village__code", "talent__name", "pk")
    hidden_filters = ("talent",)
    create_url_name = "pairing:talentassignment_create"


class TalentAssignmentDetail(ObjectDetailView):
    model = TalentAssignment
    select_related = ("talent", "village")
    fields = ("year", "talent", "village", "note", "created_at")
    edit_url_name = "pairing:talentassignment_edit"
    delete_url_name = "pairing:talentassignment_delete"


class TalentAssignmentEdit(ObjectEditView):
    model = TalentAssignment
    form_class = forms.TalentAssignmentForm


class TalentAssignmentDelete(ObjectDeleteView):
    model = TalentAssignment
    success_url_name = "pairing:talentassignment_list"


# Pairings ----------------------------------------------------------------------------------------


class PairingList(ObjectListView):
    model = Pairing
    filterset_class = fs.PairingFilterSet
    select_related = ("unit", "village__township")
    columns = (
        Column("县直单位", "unit.name", "unit__name", link=True),
        Column("结对村（社区）", "village.name", "village__code"),
        Column("所属乡镇", "village.township.name"),
        Column("起始年度", "start_year", "start_year"),
        Column("终止年度", "end_year"),
    )
    default_ordering = ("village__code", "unit__name", "pk")
    create_url_name = "pairing:pairing_create"


class PairingDetail(ObjectDetailView):
    model = Pairing
    select_related = ("unit", "village")
    fields = ("unit", "village", "start_year", "end_year", "note")
    edit_url_name = "pairing:pairing_edit"
    delete_url_name = "pairing:pairing_delete"

    def get_related(self):
        heads = visible(HonoraryVillageHead, self.request.user).filter(pairing=self.object)
        actions = []
        if can_edit(self.request.user, HonoraryVillageHead):
            url = reverse("pairing:honoraryvillagehead_create")
            actions.append(("任命名誉村长", f"{url}?pairing={self.object.pk}"))
        return [RelatedSection("名誉村长（含历任）", heads, HEAD_COLUMNS, actions=actions)]


class PairingEdit(ObjectEditView):
    model = Pairing
    form_class = forms.PairingForm


class PairingDelete(ObjectDeleteView):
    model = Pairing
    success_url_name = "pairing:pairing_list"


# Honorary village heads --------------------------------------------------------------------------


class HonoraryVillageHeadList(ObjectListView):
    model = HonoraryVillageHead
    filterset_class = fs.HonoraryVillageHeadFilterSet
    select_related = ("pairing__unit", "pairing__village")
    columns = (
        Column("姓名", "name", "name", link=True),
        Column("县直单位", "pairing.unit.name", "pairing__unit__name"),
        Column("村（社区）", "pairing.village.name", "pairing__village__code"),
        Column("单位职务", "position"),
        Column("手机号码", "phone"),
        Column("任职日期", "start_date", "start_date"),
        Column("卸任日期", "end_date"),
    )
    default_ordering = ("-start_date", "pk")
    hidden_filters = ("pairing",)
    create_url_name = "pairing:honoraryvillagehead_create"


class HonoraryVillageHeadDetail(ObjectDetailView):
    model = HonoraryVillageHead
    select_related = ("pairing__unit", "pairing__village", "talent")
    fields = ("name", "pairing", "position", "phone", "talent", "start_date", "end_date")
    edit_url_name = "pairing:honoraryvillagehead_edit"


class HonoraryVillageHeadEdit(ObjectEditView):
    model = HonoraryVillageHead
    form_class = forms.HonoraryVillageHeadForm


class HonoraryVillageHeadAppoint(RequireEditRoleMixin, ScopedFormMixin, FormView):
    """A new head goes through services.appoint_honorary_head, which ends the current one's term."""

    model = HonoraryVillageHead
    form_class = forms.AppointHonoraryHeadForm
    template_name = "generic/object_edit.html"

    def get_initial(self):
        return {"pairing": self.request.GET.get("pairing") or None}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            head = appoint_honorary_head(actor=self.request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已任命{head.name}为名誉村长。")
        return HttpResponseRedirect(head.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "任命名誉村长"
        list_url = reverse_lazy("pairing:honoraryvillagehead_list")
        context["breadcrumbs"] = [("名誉村长", list_url), ("任命", "")]
        context["cancel_url"] = list_url
        context["help_text"] = "任命后，该结对关系的现任名誉村长将于新任任职日期的前一天卸任。"
        return context


def crud(prefix: str, name: str, list_view, detail_view, edit_view, create_view=None, delete_view=None) -> list:
    patterns = [
        path(f"directory/{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"directory/{prefix}/new/", (create_view or edit_view).as_view(), name=f"{name}_create"),
        path(f"directory/{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"directory/{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
    ]
    if delete_view is not None:
        patterns.append(path(f"directory/{prefix}/<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete"))
    return patterns


urlpatterns = [
    *crud("townships", "township", TownshipList, TownshipDetail, TownshipEdit, delete_view=TownshipDelete),
    *crud("villages", "village", VillageList, VillageDetail, VillageEdit, delete_view=VillageDelete),
    *crud("units", "countyunit", CountyUnitList, CountyUnitDetail, CountyUnitEdit, delete_view=CountyUnitDelete),
    *crud("talents", "urbantalent", UrbanTalentList, UrbanTalentDetail, UrbanTalentEdit),
    *crud(
        "assignments",
        "talentassignment",
        TalentAssignmentList,
        TalentAssignmentDetail,
        TalentAssignmentEdit,
        delete_view=TalentAssignmentDelete,
    ),
    *crud("pairings", "pairing", PairingList, PairingDetail, PairingEdit, delete_view=PairingDelete),
    *crud(
        "honorary-heads",
        "honoraryvillagehead",
        HonoraryVillageHeadList,
        HonoraryVillageHeadDetail,
        HonoraryVillageHeadEdit,
        create_view=HonoraryVillageHeadAppoint,
    ),
]
