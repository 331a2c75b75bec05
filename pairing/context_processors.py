from django.conf import settings


def portal(request):
    return {"DEMO_MODE": settings.DEMO_MODE, "PORTAL_TITLE": "党建结对共建平台"}
