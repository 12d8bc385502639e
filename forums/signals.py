"""Named hand-offs from forums to the apps that build on it."""

from django.dispatch import Signal

# Sent (on commit) when a meeting becomes published: waiting agenda requests can join it.
meeting_published = Signal()  # sender=Meeting, meeting=Meeting

# Sent (on commit) when a meeting is marked completed: items not reached carry over.
meeting_completed = Signal()  # sender=Meeting, meeting=Meeting

# Sent (on commit) for each meeting that is cancelled: its items need another meeting.
meeting_cancelled = Signal()  # sender=Meeting, meeting=Meeting

# Sent when a page lists actions (sender=ActionItem, actions=list[ActionItem]). Receivers
# return {action pk: (label, url)} for the practice issue each action serves, so forums can
# link to issues without knowing the apps that raise them; one query per receiver.
action_issue_links = Signal()

# Sent when an agenda is shown (sender=AgendaItem, items=list[AgendaItem]). Receivers
# return {item pk: {"carried_over": int, "move_url": str}} for the items that bring an
# issue of theirs: how often it was carried over, and where to move it to a later meeting.
agenda_item_issues = Signal()

# Sent inside the transaction before an item is taken off its agenda, ahead of the agenda's
# locks (sender=AgendaItem, item=AgendaItem, by=User): an app whose record the item brings
# lets it go first (feedback returns an issue to its forum's queue).
agenda_item_removing = Signal()
