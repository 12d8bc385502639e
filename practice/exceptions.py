class GuidanceRefused(Exception):
    """A change to the library that its rules do not allow; the message is a readable sentence.

    `field` names the detail the refusal is about (as the forms name it), when it is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field
