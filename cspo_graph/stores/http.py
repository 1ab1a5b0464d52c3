"""HTTP to SPARQL endpoints and graph stores: authentication, retries, one-line errors.

Only the URL the user names is contacted. Timeouts and 5xx answers are retried
with exponential backoff; everything else that goes wrong becomes a
:class:`EndpointError` with one line that says what happened.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from cspo_graph.errors import CspoError, UsageError

if TYPE_CHECKING:
    import httpx

RETRIES = 3
"""How many times a timed-out request or a 5xx answer is tried again."""
BACKOFF = 0.5
"""Seconds before the first retry; doubled before each further one."""
DEFAULT_TIMEOUT = 60.0

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"^https?://[^\s/?#]+", re.I)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")


class EndpointError(CspoError):
    """The endpoint could not be reached, refused the credentials or rejected the request."""


@dataclass(frozen=True)
class Credentials:
    """A user name and password, sent with HTTP digest or basic authentication."""

    user: str
    password: str
    scheme: Literal["digest", "basic"] = "digest"


def check_url(url: str, option: str = "--endpoint") -> str:
    """``url`` if it is an http(s) URL, else a usage error."""
    import httpx

    if not _URL.match(url):
        raise UsageError(f"{option} {url!r}: expected an http:// or https:// URL")
    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise UsageError(f"{option} {url!r}: not a URL ({exc})") from None
    return url


def check_iri(iri: str, option: str = "--graph") -> str:
    """``iri`` if it is an absolute IRI that can stand between ``<`` and ``>``, else a usage error."""
    if not _IRI.match(iri):
        raise UsageError(f"{option} {iri!r}: expected an absolute IRI such as https://example.org/graph/cspo")
    return iri


def client(credentials: Credentials | None = None, timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """An HTTP client with the given authentication; no proxies or netrc from the environment."""
    import httpx

    auth: httpx.Auth | None = None
    if credentials is not None:
        scheme = httpx.DigestAuth if credentials.scheme == "digest" else httpx.BasicAuth
        auth = scheme(credentials.user, credentials.password)
    return httpx.Client(auth=auth, timeout=timeout, trust_env=False, follow_redirects=False)


def body_summary(response: httpx.Response, limit: int = 300) -> str:
    """The gist of an error body in one short line: an HTML page's text, or a text's first line."""
    if "html" in response.headers.get("content-type", ""):
        text = _SPACE.sub(" ", _TAG.sub(" ", response.text)).strip()
    else:
        text = next((line.strip() for line in response.text.splitlines() if line.strip()), "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_error(response: httpx.Response, what: str) -> EndpointError:
    url = str(response.request.url.copy_with(query=None))
    code = response.status_code
    if code == 401:
        return EndpointError(f"{url}: authentication failed (HTTP 401): check --user and the password")
    if code == 403:
        return EndpointError(f"{url}: access denied (HTTP 403): log in with --user as a user who may do this")
    if code == 404:
        return EndpointError(f"{url}: not found (HTTP 404): is this the endpoint's URL?")
    detail = body_summary(response)
    return EndpointError(f"{url}: the store rejected {what} (HTTP {code})" + (f": {detail}" if detail else ""))


def send(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    what: str,
    accept_statuses: tuple[int, ...] = (),
    **request: Any,
) -> httpx.Response:
    """Send one request, retrying timeouts and 5xx answers; raise :class:`EndpointError` on failure.

    ``what`` names the request in errors ("the data", "the query"); statuses in
    ``accept_statuses`` (such as 404 for a graph that does not exist) are returned.
    """
    import httpx

    for attempt in range(RETRIES + 1):
        last = attempt == RETRIES
        try:
            response = http.request(method, url, **request)
        except httpx.TimeoutException:
            if last:
                raise EndpointError(f"{url}: no answer in time ({RETRIES + 1} tries)") from None
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise EndpointError(f"cannot reach {url}: {reason}") from None
        else:
            if response.status_code < 500 or last:
                break
        time.sleep(BACKOFF * 2**attempt)
    if response.status_code >= 400 and response.status_code not in accept_statuses:
        raise _status_error(response, what)
    return response
