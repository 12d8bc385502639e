class ForumActionRefused(Exception):
    """A forum change that the rules do not allow; the message is a readable sentence."""


class MinutesChangedMeanwhile(ForumActionRefused):
    """Minutes that someone else changed since the form was drawn, where this person changed
    them too: `changed` holds, for each such field's name (`notes_<item>`, `decision_<item>`),
    what it reads now."""

    def __init__(self, message: str, *, changed: dict[str, str]):
        super().__init__(message)
        self.changed = changed


class TimeDoesNotExist(ForumActionRefused):
    """A meeting time the clocks skip that day; `field` names the form's field for it."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field
