class ForumActionRefused(Exception):
    """A forum change that the rules do not allow; the message is a readable sentence."""
