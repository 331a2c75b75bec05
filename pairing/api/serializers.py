from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import serializers

from pairing.core.api.base import ScopedModelSerializer

from ..models import (
    County,
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    Specialty,
    TalentAssignment,
    Township,
    UrbanTalent,
    User,
    Village,
)
from ..validators import mask_id_number, mask_phone, normalize_id_number, normalize_phone


class MaskedField(serializers.CharField):
    """Accepts the full value on input; shows it masked on output (SECURITY.md 15).

    A client that reads a row and writes it back sends the masked value it was shown; that is
    taken as "unchanged" rather than refused as malformed.
    """

    def __init__(self, *, mask, normalize, **kwargs):
        self.mask = mask
        self.normalize = normalize
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value:
            return value
        instance = getattr(self.parent, "instance", None)
        if instance is not None and not isinstance(instance, (list, QuerySet)):
            current = getattr(instance, self.source, "")
            if current and value == self.mask(current):
                return current
        try:
            return self.normalize(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, value):
        return self.mask(value)


def phone_field(**kwargs):
    return MaskedField(mask=mask_phone, normalize=normalize_phone, max_length=20, **kwargs)


class CountySerializer(ScopedModelSerializer):
    class Meta:
        model = County
        fields = ["id", "name", "code"]


class TownshipSerializer(ScopedModelSerializer):
    class Meta:
        model = Township
        fields = ["id", "county", "name", "code", "party_committee"]


class VillageSerializer(ScopedModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    secretary_phone = phone_field(required=False, allow_blank=True)

    class Meta:
        model = Village
        fields = [
            "id",
            "township",
            "township_name",
            "name",
            "code",
            "kind",
            "party_org_kind",
            "secretary_name",
            "secretary_phone",
            "households",
            "population",
        ]


class CountyUnitSerializer(ScopedModelSerializer):
    class Meta:
        model = CountyUnit
        fields = ["id", "county", "name", "kind", "party_org_kind", "party_org_name"]


class SpecialtySerializer(serializers.ModelSerializer):
    class Meta:
        model = Specialty
        fields = ["id", "name"]


class UrbanTalentSerializer(ScopedModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    phone = phone_field()
    id_number = MaskedField(
        mask=mask_id_number, normalize=normalize_id_number, max_length=18, required=False, allow_blank=True
    )
    specialties = serializers.PrimaryKeyRelatedField(queryset=Specialty.objects.all(), many=True, required=False)

    class Meta:
        model = UrbanTalent
        fields = [
            "id",
            "county",
            "unit",
            "unit_name",
            "name",
            "gender",
            "political_status",
            "phone",
            "id_number",
            "position",
            "specialties",
            "status",
            "status_reason",
        ]


class TalentAssignmentSerializer(ScopedModelSerializer):
    talent_name = serializers.CharField(source="talent.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = TalentAssignment
        fields = ["id", "talent", "talent_name", "village", "village_name", "year", "note"]


class PairingSerializer(ScopedModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    township = serializers.IntegerField(source="village.township_id", read_only=True)

    class Meta:
        model = Pairing
        fields = [
            "id",
            "unit",
            "unit_name",
            "village",
            "village_name",
            "township",
            "start_year",
            "end_year",
            "note",
        ]


class HonoraryVillageHeadSerializer(ScopedModelSerializer):
    phone = phone_field(required=False, allow_blank=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = HonoraryVillageHead
        fields = [
            "id",
            "pairing",
            "name",
            "position",
            "phone",
            "talent",
            "start_date",
            "end_date",
            "is_current",
        ]


class MeSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    scope = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "role_display", "scope", "must_change_password"]

    def get_scope(self, user) -> dict | None:
        anchor = user.anchor
        if anchor is None:
            return None
        return {"type": anchor._meta.model_name, "id": anchor.pk, "name": str(anchor)}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="须使用动态验证码的账号：身份验证器上的当前 6 位数字"
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TalentRevealSerializer(serializers.Serializer):
    """The full personal numbers a role may see; `id_number` only when the role may see it."""

    phone = serializers.CharField()
    id_number = serializers.CharField(required=False)


class LogoutResponseSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    # 64-character passphrases fit (SECURITY.md 1).
    new_password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})

    def validate_old_password(self, value):
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError("当前密码不正确。")
        return value

    def validate(self, attrs):
        user = self.context["request"].user
        if attrs["new_password"] == attrs["old_password"]:
            raise serializers.ValidationError({"new_password": ["新密码不能与当前密码相同。"]})
        try:
            validate_password(attrs["new_password"], user=user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": exc.messages}) from None
        return attrs
