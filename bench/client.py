"""A small HTTP client for the portal served on loopback behind a pretend TLS proxy.

Production settings set Secure cookies and redirect plain HTTP to HTTPS; the benchmark
speaks plain HTTP to 127.0.0.1 and says `X-Forwarded-Proto: https`, as the load balancer
would, and keeps its cookies itself (a cookie jar would not send Secure cookies over HTTP).
"""

import http.client
import re
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

HOST = "127.0.0.1"


@dataclass
class Reply:
    status: int
    body: bytes
    location: str = ""


@dataclass
class Client:
    port: int
    timeout: float = 120.0
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"https://{HOST}:{self.port}"

    def request(self, method: str, path: str, *, form: dict | None = None) -> Reply:
        headers = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Reply(response.status, data, response.headers.get("Location", ""))
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def sign_in(self, email: str, password: str) -> None:
        """Through allauth's own form: its CSRF token, then the session cookie."""
        page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or token is None:
            raise RuntimeError(f"The sign-in page answered {page.status} without a form.")
        reply = self.request(
            "POST",
            "/accounts/login/",
            form={
                "login": email,
                "password": password,
                "csrfmiddlewaretoken": token.group(1).decode(),
            },
        )
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Signing in as {email} answered {reply.status}, not a redirect.")


def links(body: bytes) -> list[tuple[str, str]]:
    """(href, text) of every link in a page, entities decoded, tags stripped from the text."""
    found = []
    for href, text in re.findall(rb'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', body, re.S):
        label = re.sub(r"<[^>]+>", "", unescape(text.decode()))
        found.append((unescape(href.decode()), " ".join(label.split())))
    return found


def resolve(base: str, href: str) -> str:
    """A link relative to the page at `base`, as a path with its query."""
    parts = urlsplit(urljoin(base, href))
    return parts.path + (f"?{parts.query}" if parts.query else "")
