"""Base page views: every list, detail and edit page goes through `visible_to(user)` here, once.

A concrete page declares the model, the FilterSet (the same one the API uses), the columns and
the form; out-of-scope rows are 404, in-scope rows the role may not change are 403.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import generic

from .scoping import can_edit
from .services.directory import delete_object, save_object


@dataclass(frozen=True)
class Column:
    """A list-page column: header label, attribute path (dots), optional ordering field, link flag."""

    label: str
    accessor: str
    order_by: str = ""
    link: bool = False


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
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            columns=self.columns,
            ordering=self.get_ordering_param(),
            querystring=query.urlencode(),
            title=self.title or self.model._meta.verbose_name_plural,
            create_url=reverse(self.create_url_name) if self.create_url_name and context["can_edit"] else "",
        )
        return context


class ObjectDetailView(ScopedQuerysetMixin, generic.DetailView):
    template_name = "generic/object_detail.html"
    fields: tuple[str, ...] = ()
    edit_url_name: str = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        masks = getattr(type(obj), "masked_fields", {})
        rows = []
        for name in self.fields:
            field = obj._meta.get_field(name)
            if field.many_to_many:
                value = "、".join(str(v) for v in getattr(obj, name).all())
            elif field.choices:
                value = getattr(obj, f"get_{name}_display")()
            else:
                value = getattr(obj, name)
                if name in masks:
                    value = masks[name](value)
            rows.append((field.verbose_name, value))
        context["rows"] = rows
        if self.edit_url_name and context["can_edit"]:
            context["edit_url"] = reverse(self.edit_url_name, args=[obj.pk])
        return context


class ScopedFormMixin:
    """Forms receive the user so their related-object choices are limited to the user's scope."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class ObjectEditView(ScopedQuerysetMixin, ScopedFormMixin, generic.UpdateView):
    """Create (no pk in the URL) or update an in-scope row through `services.save_object`."""

    template_name = "generic/object_edit.html"
    success_message = "已保存。"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_edit(request.user, self.model):
            raise PermissionDenied("您的角色无权修改此类数据。")
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def form_valid(self, form):
        m2m = {f.name: form.cleaned_data[f.name] for f in self.model._meta.many_to_many if f.name in form.cleaned_data}
        try:
            self.object = save_object(actor=self.request.user, obj=form.instance, m2m=m2m)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectDeleteView(ScopedQuerysetMixin, generic.DeleteView):
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


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
