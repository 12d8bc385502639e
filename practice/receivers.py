"""practice answers model changes that other parts of the portal keep something of."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cop_portal.filters import forget_choices
from members.menu import forget_menu_reach

from .models import PracticeLead


@receiver((post_save, post_delete), sender=PracticeLead, dispatch_uid="practice.lead_menu")
def on_lead_changed(sender, instance: PracticeLead, **kwargs) -> None:
    # Leading an area opens the menu's "My practice area" section.
    forget_menu_reach(instance.user_id)
    # Issue pages name their areas' leads (kept under this table's stamp).
    forget_choices(PracticeLead)
