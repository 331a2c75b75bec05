from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    """Every page needs a login unless its view is marked `login_not_required` (SECURITY.md 6).

    The API is left to DRF, whose default permission is IsAuthenticated: token-authenticated
    requests are only recognised inside DRF, so redirecting them here would be wrong.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
