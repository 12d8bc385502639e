from . import logs
from .security import security_event


class RequestContextMiddleware:
    """Sets the request id for everything logged while the request is served.

    The member is known only after authentication; process_view runs after every
    middleware's request phase, so the id is added there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = logs.incoming_request_id(request.headers.get(logs.REQUEST_ID_HEADER))
        request_token = logs.request_id.set(request.request_id)
        user_token = logs.user_id.set(logs.NO_VALUE)
        try:
            response = self.get_response(request)
            response.headers[logs.REQUEST_ID_HEADER] = request.request_id
            return response
        finally:
            logs.user_id.reset(user_token)
            logs.request_id.reset(request_token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            logs.user_id.set(str(user.pk))


class PermissionRefusedMiddleware:
    """Every refused request (403) is a security event, whichever check refused it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            match = getattr(request, "resolver_match", None)
            security_event(
                "permission_refused",
                request=request,
                method=request.method,
                view=match.view_name if match is not None else None,
            )
        return response
