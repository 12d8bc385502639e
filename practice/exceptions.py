class GuidanceRefused(Exception):
    """A change to the library that its rules do not allow; the message is a readable sentence."""
