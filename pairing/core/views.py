"""Base page views: every list, detail and edit page goes through `visible_to(user)` here, once.

A concrete page declares the model, the FilterSet (the same one the API uses), the columns and
the form; out-of-scope rows are 404, in-scope rows the role may not change are 403.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.views import generic

from pairing.core.filtering import IdFilter
from pairing.core.list_exports import kind_for
from pairing.core.refusals import add_errors
from pairing.core.scoping import ROLE_BINDING, can_edit
from pairing.roles import one_row_models
from pairing.services.directory import delete_object, reveal, save_object

NOT_ALLOWED = "您的角色无权修改此类数据。"


def role_sees(user, model) -> bool:
    """Whether the user's role has any row scope on `model` (no query; rows may still be none).
    A model without a `Scope` decides in its own `visible_to`."""
    if not user.is_authenticated:
        return False
    scope = getattr(model, "scope", None)
    if user.is_superuser or scope is None:
        return True
    binding = ROLE_BINDING.get(user.role)
    return binding is not None and getattr(scope, binding[0]) is not None


@dataclass(frozen=True)
class Column:
    """A list-page column: header label, attribute path (dots), optional ordering field, link flag."""

    label: str
    accessor: str
    order_by: str = ""
    link: bool = False


@dataclass
class RelatedSection:
    """A table of related rows on a detail page (already scoped by the view that builds it)."""

    title: str
    rows: object
    columns: tuple[Column, ...]
    empty_text: str = "暂无记录"
    actions: list = field(default_factory=list)  # [(label, url)]


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


class ScopedQuerysetMixin:
    model: type[models.Model]
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def url_name(self, action: str) -> str:
        return f"{self.model._meta.app_label}:{self.model._meta.model_name}_{action}"

    def list_crumb(self) -> tuple[str, str]:
        return (self.model._meta.verbose_name_plural, _url(self.url_name("list")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_verbose_name"] = self.model._meta.verbose_name
        context["can_edit"] = can_edit(self.request.user, self.model)
        return context


class ObjectListView(ScopedQuerysetMixin, generic.ListView):
    """A searchable, filterable, sortable, paginated list of in-scope rows."""

    filterset_class = None
    columns: tuple[Column, ...] = ()
    default_ordering: tuple[str, ...] = ()
    paginate_by = 25
    template_name = "generic/object_list.html"
    create_url_name: str = ""
    title: str = ""
    # Filters the page accepts (links use them) but does not render: their selects would list
    # thousands of rows (every talent of a county).
    hidden_filters: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        # A role with no scope on this model (the auditor on the directory) has no page here at all.
        if request.user.is_authenticated and not role_sees(request.user, self.model):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_ordering_param(self) -> str:
        allowed = {c.order_by for c in self.columns if c.order_by}
        requested = self.request.GET.get("ordering", "")
        return requested if requested.lstrip("-") in allowed else ""

    def get_queryset(self):
        queryset = super().get_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
            queryset = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        ordering = self.get_ordering_param()
        if ordering:
            return queryset.order_by(ordering, "pk")
        if self.default_ordering:
            return queryset.order_by(*self.default_ordering)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title = self.title or self.model._meta.verbose_name_plural
        if self.filterset is not None:
            page_filters(self.filterset, self.hidden_filters)
        context.update(
            filterset=self.filterset,
            columns=self.columns,
            ordering=self.get_ordering_param(),
            title=title,
            create_url=reverse(self.create_url_name) if self.create_url_name and context["can_edit"] else "",
            export_kind=kind_for(type(self)),
            export_params=[(k, v) for k, values in self.request.GET.lists() if k != "page" for v in values],
            breadcrumbs=[(title, "")],
        )
        return context


class ObjectDetailView(ScopedQuerysetMixin, generic.DetailView):
    """One in-scope row. A POST with `reveal=<field>` shows one masked number in full, audited."""

    template_name = "generic/object_detail.html"
    fields: tuple[str, ...] = ()
    edit_url_name: str = ""
    delete_url_name: str = ""

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        name = request.POST.get("reveal", "")
        if name not in getattr(self.model, "masked_fields", {}) or name not in self.fields:
            raise PermissionDenied("无法查看该字段。")
        reveal(actor=request.user, obj=self.object, fields=[name])
        context = self.get_context_data(object=self.object, revealed={name})
        return self.render_to_response(context)

    def get_related(self) -> list[RelatedSection]:
        """Related tables for the detail page; override and scope each with visible_to(user)."""
        return []

    def get_rows(self, revealed: set[str]) -> list[dict]:
        obj = self.object
        user = self.request.user
        masks = getattr(type(obj), "masked_fields", {})
        rows = []
        for name in self.fields:
            model_field = obj._meta.get_field(name)
            masked = False
            if model_field.many_to_many:
                value = "、".join(str(v) for v in getattr(obj, name).all())
            elif model_field.choices:
                value = getattr(obj, f"get_{name}_display")()
            else:
                value = getattr(obj, name)
                if name in masks and name not in revealed:
                    masked = bool(value)
                    value = masks[name](value)
            rows.append(
                {
                    "name": name,
                    "label": model_field.verbose_name,
                    "value": value,
                    "can_reveal": masked and obj.may_reveal(user, name),
                }
            )
        return rows

    def get_context_data(self, revealed=frozenset(), **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["rows"] = self.get_rows(set(revealed))
        context["related"] = self.get_related()
        context["breadcrumbs"] = [self.list_crumb(), (str(obj), "")]
        if context["can_edit"]:
            if self.edit_url_name:
                context["edit_url"] = reverse(self.edit_url_name, args=[obj.pk])
            if self.delete_url_name:
                context["delete_url"] = reverse(self.delete_url_name, args=[obj.pk])
        return context


class ScopedFormMixin:
    """Forms receive the user so their related-object choices are limited to the user's scope."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class RequireEditRoleMixin:
    """403 for a role that may not change this model; an out-of-scope row is 404 first, so the
    answer never tells a stranger that the row exists."""

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            get_object_or_404(self.model.objects.visible_to(request.user), pk=kwargs["pk"])
        if request.user.is_authenticated and not can_edit(request.user, self.model):
            raise PermissionDenied(NOT_ALLOWED)
        return super().dispatch(request, *args, **kwargs)


class ObjectEditView(RequireEditRoleMixin, ScopedQuerysetMixin, ScopedFormMixin, generic.UpdateView):
    """Create (no pk in the URL) or update an in-scope row through `services.save_object`."""

    template_name = "generic/object_edit.html"
    success_message = "已保存。"

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def form_valid(self, form):
        m2m = {f.name: form.cleaned_data[f.name] for f in self.model._meta.many_to_many if f.name in form.cleaned_data}
        try:
            self.object = save_object(actor=self.request.user, obj=form.instance, m2m=m2m)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        if obj is None:
            context["title"] = f"新增{self.model._meta.verbose_name}"
            context["breadcrumbs"] = [self.list_crumb(), ("新增", "")]
            context["cancel_url"] = self.list_crumb()[1]
        else:
            context["title"] = f"修改{self.model._meta.verbose_name}：{obj}"
            context["breadcrumbs"] = [self.list_crumb(), (str(obj), obj.get_absolute_url()), ("修改", "")]
            context["cancel_url"] = obj.get_absolute_url()
        return context


class ObjectDeleteView(RequireEditRoleMixin, ScopedQuerysetMixin, generic.DeleteView):
    template_name = "generic/object_confirm_delete.html"
    success_url_name: str = ""

    def form_valid(self, form):
        try:
            delete_object(actor=self.request.user, obj=self.object)
        except ValidationError as exc:
            messages.error(self.request, "；".join(exc.messages))
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(self.request, "已删除。")
        return HttpResponseRedirect(reverse(self.success_url_name))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["breadcrumbs"] = [self.list_crumb(), (str(obj), obj.get_absolute_url()), ("删除", "")]
        return context


def _single_choice_filters(filterset) -> set[str]:
    """The filters over rows the user sees exactly one of (pairing.roles.one_row_models)."""
    models = one_row_models(getattr(getattr(filterset, "request", None), "user", None))
    if not models:
        return set()
    return {
        name
        for name, field in filterset.form.fields.items()
        if getattr(getattr(field, "queryset", None), "model", None) is not None
        and field.queryset.model._meta.model_name in models
    }


def page_filters(filterset, hidden: tuple[str, ...] = ()):
    """The FilterSet's form as a list page shows it (templates/partials/filter_form.html): filters
    by row id (IdFilter, set by links), those in `hidden` and those over the one row of the user's
    own county, township, village, unit or talent are kept when set, not shown."""
    ids = {name for name, filter_ in filterset.filters.items() if isinstance(filter_, IdFilter)}
    filterset.form.hidden_names = frozenset({*hidden, *ids, *_single_choice_filters(filterset)})
    return filterset


def filtered_page(
    request, filterset_class, queryset, *, ordering: tuple[str, ...], per_page: int = 20, hidden_filters=()
) -> dict:
    """Filter an in-scope queryset with its FilterSet, order it and cut one page: the context every
    function-based list page needs (filterset and page_obj; links keep the query string through
    `{% querystring %}`). An invalid filter shows no rows rather than every row.
    """
    filterset = page_filters(filterset_class(request.GET, queryset=queryset, request=request), hidden_filters)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    page = Paginator(rows.order_by(*ordering), per_page).get_page(request.GET.get("page"))
    return {"filterset": filterset, "page_obj": page}
