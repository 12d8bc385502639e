"""The home page's "to do" list: each app hands it the tasks it knows of, as finished values."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    """One thing waiting for a person: how many, what it is, and the button that starts it."""

    title: str
    count: int
    url: str
    action: str
    hint: str = ""
