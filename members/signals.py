"""Named hand-offs from members to the apps that build on it."""

from django.dispatch import Signal

# Sent inside deactivate_account's transaction when a member leaves (sender=User, user=User):
# an app holding something for them to come gives it up (forums: places at learning sessions).
member_left = Signal()
