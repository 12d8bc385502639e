"""Demo data: search holds none of its own, but leaves every stored vector filled once the
other apps' demo data (some of it written straight to the tables) is in place."""

from .services import rebuild_search_vectors


def seed() -> None:
    """Nothing to seed: search reads the other apps' records."""


def finish() -> None:
    rebuild_search_vectors()
