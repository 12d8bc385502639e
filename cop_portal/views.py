"""View helpers shared by the apps."""

from .db import plans_for_these_values, plans_kept_for_every_value


class KeptPlansMixin:
    """Every query of the request, its permission checks and the drawing of its page
    included, runs on the plans its connection keeps (`plans_kept_for_every_value`), or,
    when the request's values decide how best to read (`planned_for_values`), is planned
    for them (`plans_for_these_values`).

    For pages whose queries read by keys and indexed orders; first among the bases, so that
    it holds around the others' dispatch."""

    def planned_for_values(self) -> bool:
        """Whether this request's best plans depend on its values: a search, a page read
        past an OFFSET."""
        return False

    def dispatch(self, request, *args, **kwargs):
        planning = (
            plans_for_these_values if self.planned_for_values() else plans_kept_for_every_value
        )
        with planning():
            response = super().dispatch(request, *args, **kwargs)
            # A template response draws itself after the view returns: draw it here, so
            # that the queries its template runs are inside too.
            if callable(getattr(response, "render", None)) and not getattr(
                response, "is_rendered", True
            ):
                response.render()
            return response
