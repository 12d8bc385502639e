"""Response headers every page carries, beyond what Django's SecurityMiddleware sets."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Browser features the portal never uses are switched off for it and for anything it embeds.
# Passkeys (WebAuthn) are the one exception, and only for the portal's own pages.
PERMISSIONS_POLICY = ", ".join(
    [
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "autoplay",
                "camera",
                "display-capture",
                "encrypted-media",
                "geolocation",
                "gyroscope",
                "hid",
                "idle-detection",
                "magnetometer",
                "microphone",
                "midi",
                "payment",
                "picture-in-picture",
                "screen-wake-lock",
                "serial",
                "usb",
                "xr-spatial-tracking",
            )
        ),
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
    ]
)


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy everywhere, and keeps signed-in pages out of every cache.

    A page that sets its own Cache-Control (a calendar feed, a download) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
