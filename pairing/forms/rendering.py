"""How every form field looks, decided once (settings.FORM_RENDERER).

A template writes `{{ form }}` or `{{ field.as_field_group }}`; the label, the required mark, help
text, errors and the Bootstrap classes come from here and from templates/forms/, never from a
form's `attrs` or a per-template loop:

- `PortalBoundField.build_widget_attrs` gives each widget its Bootstrap class (form-control,
  form-select, …, `-sm` in compact forms), `is-invalid` and `aria-invalid` when it has errors, and
  `data-tom-select` to every select of rows (the one convention portal.js initialises tom-select by);
- an empty choice reads "请选择…" in a form and "全部" in a filter, never Django's `---------`;
- `FilterForm` is the base of every filter form (FilterSets and the few plain filter forms).
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

DASHES = "---------"
EMPTY_CHOICE = "请选择…"
EMPTY_FILTER = "全部"
CHOICE_LIST_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)
NO_CLASS_WIDGETS = (forms.HiddenInput, forms.MultipleHiddenInput, *CHOICE_LIST_WIDGETS)


class FilterForm(forms.Form):
    """A filter form: "全部" for no choice (see PortalFilterSet.get_form_class).

    `hidden_names` are filters the page accepts (links set them) but does not show, such as a
    select that would list every talent of a county: they travel as hidden inputs when set.
    """

    is_filter = True
    hidden_names: frozenset[str] = frozenset()
    search_name = "q"

    def shown_fields(self):
        return [f for f in self.visible_fields() if f.name not in self.hidden_names and f.name != self.search_name]

    def kept_fields(self):
        """Filters not shown but set: kept as hidden inputs, so the form does not drop them."""
        return [f for f in self if f.name in self.hidden_names and f.value() not in (None, "", [])]

    def search_field(self):
        return self[self.search_name] if self.search_name in self.fields else None


def widget_class(widget, compact: bool) -> str:
    if isinstance(widget, NO_CLASS_WIDGETS):
        return ""  # choice lists style their own options (templates/django/forms/widgets/)
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select form-select-sm" if compact else "form-select"
    return "form-control form-control-sm" if compact else "form-control"


class PortalBoundField(BoundField):
    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        self._name_the_empty_choice()

    @property
    def in_filter(self) -> bool:
        return getattr(self.form, "is_filter", False)

    @property
    def compact(self) -> bool:
        """Small controls, for forms that declare `compact = True` (inline rows of a list). Filter
        forms keep full-size controls: they are tapped on phones, and tom-select has one size."""
        return getattr(self.form, "compact", False)

    @property
    def wide(self) -> bool:
        """Fields that take a whole row in a grid of fields (long text, lists of choices, files)."""
        return isinstance(self.field.widget, (forms.Textarea, forms.FileInput, *CHOICE_LIST_WIDGETS))

    def _name_the_empty_choice(self):
        # Each form holds its own deep copy of its fields, so relabelling here changes nothing else.
        field, empty = self.field, (EMPTY_FILTER if self.in_filter else EMPTY_CHOICE)
        if getattr(field, "empty_label", None) == DASHES:  # model choices, django-filter's choices
            field.empty_label = empty
            if not isinstance(field, forms.ModelChoiceField):
                # django-filter's choice iterator is shared with the class's field until re-bound.
                field.widget.choices = field.choices
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] == "" and choices[0][1] == DASHES:
                field.choices = [("", empty), *choices[1:]]
        if isinstance(field.widget, forms.NullBooleanSelect):
            field.widget.choices = [("unknown", empty), *field.widget.choices[1:]]

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = [widget.attrs.get("class", ""), attrs.get("class", ""), widget_class(widget, self.compact)]
        if self.errors and not isinstance(widget, forms.HiddenInput):
            classes.append("is-invalid")
            attrs["aria-invalid"] = "true"
        css = " ".join(c for c in classes if c)
        if css:
            attrs["class"] = css
        if isinstance(self.field, forms.ModelChoiceField) and isinstance(widget, (forms.Select, forms.SelectMultiple)):
            # Rows (villages, units, talents…) can be hundreds: type-to-search, initialised by portal.js.
            attrs.setdefault("data-tom-select", "1")
        return attrs


class PortalFormRenderer(TemplatesSetting):
    """Renders forms with the project's templates (templates/forms/ and the Bootstrap widget
    templates under templates/django/forms/widgets/), falling back to Django's own."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField
