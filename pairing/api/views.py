from axes.utils import reset as reset_attempts
from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from pairing.core import audit
from pairing.core.api.base import ScopedModelViewSet
from pairing.core.audit import client_ip

from ..auth import lockout_policy
from ..choices import AuditResult
from ..filtersets import (
    CountyFilterSet,
    CountyUnitFilterSet,
    HonoraryVillageHeadFilterSet,
    PairingFilterSet,
    TalentAssignmentFilterSet,
    TownshipFilterSet,
    UrbanTalentFilterSet,
    VillageFilterSet,
)
from ..models import (
    County,
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    Specialty,
    TalentAssignment,
    Township,
    UrbanTalent,
    Village,
)
from ..services import otp
from ..services.accounts import change_password
from ..services.directory import reveal
from . import serializers as s


class ClientIpAnonThrottle(AnonRateThrottle):
    """The anonymous rate limit keyed on the client address the trusted-proxy setting decides."""

    def get_ident(self, request):
        return client_ip(request) or super().get_ident(request)


LOGIN_FAILED = "用户名或密码错误，或动态验证码不正确。"
OTP_NOT_ENROLLED = "该账号须使用动态验证码登录，请先在网页端登录并绑定身份验证器。"


def locked_out_message() -> str:
    return f"登录失败次数过多，账号已被暂时锁定（{lockout_policy()}），请稍后再试。"


class TokenView(APIView):
    """Exchange a username and password for an API token (the mini-program's login)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ClientIpAnonThrottle]

    @extend_schema(request=s.TokenRequestSerializer, responses=s.TokenResponseSerializer, tags=["auth"])
    def post(self, request):
        form = s.TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # authenticate() with the request lets django-axes count failures and lock out (SECURITY.md 2).
        user = authenticate(
            request=request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if user is None:
            locked = getattr(request, "axes_locked_out", False)
            return Response(
                {"detail": locked_out_message() if locked else LOGIN_FAILED},
                status=status.HTTP_403_FORBIDDEN if locked else status.HTTP_400_BAD_REQUEST,
            )
        if otp.requires_otp(user):
            if otp.confirmed_device(user) is None:
                return Response({"detail": OTP_NOT_ENROLLED}, status=status.HTTP_400_BAD_REQUEST)
            if otp.verify(user, form.validated_data.get("otp", "")) is None:
                # Counted and audited like a wrong password; five lock the account out (SECURITY.md 2).
                user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
                locked = getattr(request, "axes_locked_out", False)
                return Response(
                    {"detail": locked_out_message() if locked else LOGIN_FAILED},
                    status=status.HTTP_403_FORBIDDEN if locked else status.HTTP_400_BAD_REQUEST,
                )
        # A successful API login clears the failures, as a web login does (AXES_RESET_ON_SUCCESS).
        reset_attempts(ip=client_ip(request), username=user.get_username())
        # One live token per user: a new login replaces the previous token.
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit.record(action="token_login", actor=user, obj=user, result=AuditResult.SUCCESS)
        return Response({"token": token.key})


# me/, auth/password/ and auth/logout/ answer while a password change is due (the only ones).
SIGNED_IN_ONLY = [permissions.IsAuthenticated]


class LogoutView(APIView):
    """End the API session: the token is deleted (by the user_logged_out receiver) and the logout audited."""

    permission_classes = SIGNED_IN_ONLY

    @extend_schema(request=None, responses=s.LogoutResponseSerializer, tags=["auth"])
    def post(self, request):
        # django's logout() sends user_logged_out, which deletes the token and writes the audit record.
        logout(request._request)
        return Response({"detail": "已退出登录。"})


class PasswordChangeView(APIView):
    """Change one's own password; every other token of the user ends and a fresh one is returned."""

    permission_classes = SIGNED_IN_ONLY

    @extend_schema(request=s.PasswordChangeSerializer, responses=s.TokenResponseSerializer, tags=["auth"])
    def post(self, request):
        form = s.PasswordChangeSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        user = request.user
        token = change_password(actor=user, new_password=form.validated_data["new_password"], issue_token=True)
        # Keep a browser session that made this call signed in (its session hash just changed).
        if request.auth is None:
            update_session_auth_hash(request._request, user)
        return Response({"token": token.key})


class MeView(APIView):
    permission_classes = SIGNED_IN_ONLY

    @extend_schema(responses=s.MeSerializer, tags=["auth"])
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class CountyViewSet(ScopedModelViewSet):
    queryset = County.objects.all()
    serializer_class = s.CountySerializer
    filterset_class = CountyFilterSet
    ordering_fields = ["code", "name"]


class TownshipViewSet(ScopedModelViewSet):
    queryset = Township.objects.all()
    serializer_class = s.TownshipSerializer
    filterset_class = TownshipFilterSet
    ordering_fields = ["code", "name"]


class VillageViewSet(ScopedModelViewSet):
    queryset = Village.objects.select_related("township")
    serializer_class = s.VillageSerializer
    filterset_class = VillageFilterSet
    ordering_fields = ["code", "name", "township__code"]


class CountyUnitViewSet(ScopedModelViewSet):
    queryset = CountyUnit.objects.all()
    serializer_class = s.CountyUnitSerializer
    filterset_class = CountyUnitFilterSet
    ordering_fields = ["name", "kind"]


class UrbanTalentViewSet(ScopedModelViewSet):
    queryset = UrbanTalent.objects.select_related("unit").prefetch_related("specialties")
    serializer_class = s.UrbanTalentSerializer
    filterset_class = UrbanTalentFilterSet
    ordering_fields = ["name", "unit__name", "status"]
    read_actions = ("reveal",)

    @extend_schema(request=None, responses=s.TalentRevealSerializer, tags=["talents"])
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full numbers this user may see (the phone; the ID number to county admins and the
        talent themselves); each reveal is audited."""
        talent = self.get_object()
        return Response(reveal(actor=request.user, obj=talent, fields=talent.revealable_fields(request.user)))


class TalentAssignmentViewSet(ScopedModelViewSet):
    queryset = TalentAssignment.objects.select_related("talent", "village")
    serializer_class = s.TalentAssignmentSerializer
    filterset_class = TalentAssignmentFilterSet
    ordering_fields = ["year", "village__code", "talent__name"]


class PairingViewSet(ScopedModelViewSet):
    queryset = Pairing.objects.select_related("unit", "village")
    serializer_class = s.PairingSerializer
    filterset_class = PairingFilterSet
    ordering_fields = ["village__code", "unit__name", "start_year"]


class HonoraryVillageHeadViewSet(ScopedModelViewSet):
    queryset = HonoraryVillageHead.objects.all()
    serializer_class = s.HonoraryVillageHeadSerializer
    filterset_class = HonoraryVillageHeadFilterSet
    ordering_fields = ["start_date", "name"]


class SpecialtyViewSet(viewsets.ReadOnlyModelViewSet):
    """Specialties are a shared vocabulary that every signed-in user reads (maintained in the admin)."""

    queryset = Specialty.objects.all()
    serializer_class = s.SpecialtySerializer
    pagination_class = None
