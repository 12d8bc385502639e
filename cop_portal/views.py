"""View helpers shared by the apps."""

from .db import plans_kept_for_every_value


class KeptPlansMixin:
    """Every query of the request, its permission checks and the drawing of its page
    included, runs on the plans its connection keeps (`plans_kept_for_every_value`).

    For pages whose queries all read by keys and indexed orders; first among the bases, so
    that it holds around the others' dispatch. A page that searches says so in
    `keeps_plans`."""

    def keeps_plans(self) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        if not self.keeps_plans():
            return super().dispatch(request, *args, **kwargs)
        with plans_kept_for_every_value():
            response = super().dispatch(request, *args, **kwargs)
            # A template response draws itself after the view returns: draw it here, so
            # that the queries its template runs are inside too.
            if callable(getattr(response, "render", None)) and not getattr(
                response, "is_rendered", True
            ):
                response.render()
            return response
