"""What the access logs keep of a request: its path, never its query string or referrer, and
of an address that carries a secret (a calendar feed's token, a password reset key, an email
address's confirmation key, an unsubscribe token), the address with the secret left out. The
logs then give no one who reads them a way in. gunicorn's error log leaves out the same
secrets, and query strings, from the addresses it names.

gunicorn logs through `AccessLogger` (`--logger-class cop_portal.access_log.AccessLogger`);
deploy/nginx.conf leaves the same secrets out with a map of the same patterns, and a test
holds the two to the portal's own addresses."""

from gunicorn.glogging import Logger

from operations.logs import SecretsFilter, without_secrets


class AccessLogger(Logger):
    """gunicorn's logger, with the request's path (`%(U)s`) and request line (`%(r)s`) kept
    as `without_secrets` says, whatever access log format is chosen, and its error log's
    addresses ("Error handling request /forums/feed/…") as `kept_in_logs` says."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(each, SecretsFilter) for each in self.error_log.filters):
            self.error_log.addFilter(SecretsFilter())

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
