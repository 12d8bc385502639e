"""What the access logs keep of a request: its path, never its query string or referrer, and
of an address that carries a secret (a calendar feed's token, a password reset key, an email
address's confirmation key, an unsubscribe token), the address with the secret left out. The
logs then give no one who reads them a way in.

gunicorn logs through `AccessLogger` (`--logger-class cop_portal.access_log.AccessLogger`);
deploy/nginx.conf leaves the same secrets out with a map of the same patterns, and a test
holds the two to the portal's own addresses."""

import re

from gunicorn.glogging import Logger

# Each address with a secret in it, and what is logged in its place.
SECRET_PATHS = (
    (re.compile(r"(/forums/feed/)[^/]+(\.ics)$"), r"\1[token]\2"),
    (re.compile(r"(/accounts/password/reset/key/)[^/]+(/)$"), r"\1[key]\2"),
    (re.compile(r"(/accounts/confirm-email/)[^/]+(/)$"), r"\1[key]\2"),
    (re.compile(r"(/notifications/unsubscribe/)[^/]+(/)$"), r"\1[token]\2"),
)


def without_secrets(path: str) -> str:
    """The path as the access log keeps it."""
    for pattern, replacement in SECRET_PATHS:
        kept, found = pattern.subn(replacement, path)
        if found:
            return kept
    return path


class AccessLogger(Logger):
    """gunicorn's logger, with the request's path (`%(U)s`) and request line (`%(r)s`) kept
    as `without_secrets` says, whatever access log format is chosen."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = without_secrets(atoms["U"])
        atoms["U"] = path
        atoms["r"] = f"{atoms['m']} {path} {atoms['H']}"
        # The query string and where the person came from may hold what they searched for.
        atoms["q"] = atoms["f"] = "-"
        for name in ("{referer}i", "{http_referer}e", "{query_string}e"):
            if name in atoms:
                atoms[name] = "-"
        for name in ("{raw_uri}e", "{path_info}e", "{request_uri}e"):
            if name in atoms:
                atoms[name] = path
        return atoms
