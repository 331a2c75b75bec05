"""OpenAPI extensions for the portal's own API classes (drf-spectacular finds them by registration;
PairingConfig.ready imports this module)."""

from drf_spectacular.authentication import SessionScheme


class PortalSessionScheme(SessionScheme):
    """The browser session, as in DRF's SessionAuthentication (which drf-spectacular matches exactly)."""

    target_class = "pairing.api.authentication.PortalSessionAuthentication"
