"""Model and form fields for personal numbers: the normaliser runs in `to_python`, so a value is
normalised before it is validated, before it is stored and before it is compared in a query.

Django calls a model field's `to_python` in `full_clean()` (which writes the cleaned value back onto
the instance) and in `get_prep_value()` (every save and every exact lookup), so a full-width or
Arabic-Indic spelling can neither be stored as sent nor slip past a uniqueness constraint. The form
field does the same for pages; the API's MaskedField (pairing/api/serializers.py) calls the same
normalisers. The normalisers never raise: the validators refuse what is still malformed.
"""

from django import forms
from django.db import models

from .validators import clean_id_text, clean_phone_text, validate_id_number, validate_phone

# People type "+86 138-0013-8000"; the stored value is 11 characters, the typed one may be longer.
TYPED_MAX_LENGTH = 32


class NormalizedFormField(forms.CharField):
    def __init__(self, *, normalizer, **kwargs):
        self.normalizer = normalizer
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalizer(value) if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["maxlength"] = str(TYPED_MAX_LENGTH)
        return attrs


class _NormalizedCharField(models.CharField):
    normalizer = staticmethod(str)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalizer(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NormalizedFormField, "normalizer": self.normalizer, **kwargs})


class PhoneNumberField(_NormalizedCharField):
    """A mainland mobile number, stored as 11 ASCII digits."""

    normalizer = staticmethod(clean_phone_text)
    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 11)
        super().__init__(*args, **kwargs)


class IdNumberField(_NormalizedCharField):
    """A resident ID number (GB 11643), stored as 17 ASCII digits and a digit or X."""

    normalizer = staticmethod(clean_id_text)
    default_validators = [validate_id_number]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)


def phone_form_field(**kwargs) -> NormalizedFormField:
    """For plain forms that take a phone number (not a model form)."""
    kwargs.setdefault("max_length", 11)
    kwargs.setdefault("validators", [validate_phone])
    return NormalizedFormField(normalizer=clean_phone_text, **kwargs)
