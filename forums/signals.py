"""Named hand-offs from forums to the apps that build on it."""

from django.dispatch import Signal

# Sent (on commit) when a meeting becomes published: waiting agenda requests can join it.
meeting_published = Signal()  # sender=Meeting, meeting=Meeting

# Sent (on commit) when a meeting is marked completed: items not reached carry over.
meeting_completed = Signal()  # sender=Meeting, meeting=Meeting

# Sent (on commit) for each meeting that is cancelled: its items need another meeting.
meeting_cancelled = Signal()  # sender=Meeting, meeting=Meeting
