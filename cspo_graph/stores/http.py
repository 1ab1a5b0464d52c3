"""HTTP to SPARQL endpoints and graph stores: authentication, retries, one-line errors.

Only the URL the user names is contacted. Timeouts, 5xx answers and answers cut
short are retried with exponential backoff, unless the request must not be sent
twice or the answer names a limit of the store that sending it again cannot lift
(``final``: Virtuoso's refusal of a too large transaction). Everything else that
goes wrong becomes a :class:`EndpointError` with one line that says what happened.
A URL with a user name or password in it is refused (it would sit in the shell
history, the process list and error messages): log in with ``--user`` and the
password from the environment or a prompt.
"""

from __future__ import annotations

import functools
import re
import ssl
import time
from collections.abc import Collection
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
PASSWORD_VARIABLE = "CSPO_GRAPH_PASSWORD"
"""The environment variable a password for ``--user`` is read from (else it is prompted for)."""

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"^https?://[^\s/?#]+", re.I)
_USERINFO = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?/*[^/?#@]*@")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")


class EndpointError(CspoError):
    """The endpoint could not be reached, refused the credentials or rejected the request."""


class NoAnswer(EndpointError):
    """The request was sent but no whole answer came back (a timeout, or an answer cut short):
    the store may have carried it out, or may still be carrying it out."""


@dataclass(frozen=True)
class Credentials:
    """A user name and password, sent with HTTP digest or basic authentication."""

    user: str
    password: str
    scheme: Literal["digest", "basic"] = "digest"


def check_url(url: str, option: str = "--endpoint") -> str:
    """``url`` if it is an http(s) URL without a user name or password in it, else a usage error."""
    import httpx

    if _USERINFO.match(url):
        # Never repeat the URL: its user part may hold a password.
        raise UsageError(
            f"{option}: a user name or password in the URL is refused (it would be seen in the process list "
            f"and the shell history): give --user NAME, and the password in ${PASSWORD_VARIABLE} or at the prompt"
        )
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
    return httpx.Client(auth=auth, timeout=timeout, trust_env=False, follow_redirects=False, verify=_tls())


@functools.cache
def _tls() -> ssl.SSLContext:
    """The system's certificate store, loaded once per process (it takes about 0.1 s)."""
    return ssl.create_default_context()


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
    retry: bool = True,
    final: Collection[str] = (),
    **request: Any,
) -> httpx.Response:
    """Send one request, retrying timeouts, cut answers and 5xx answers; raise :class:`EndpointError` on failure.

    ``what`` names the request in errors ("the data", "the query"); statuses in
    ``accept_statuses`` (such as 404 for a graph that does not exist) are returned.
    ``retry=False`` sends it once: for a request the store may have carried out
    although its answer was lost, and that must not run twice. A 5xx answer whose body
    names one of the error codes in ``final`` is not retried either: it is the store's
    refusal of this very request.
    """
    import httpx

    tries = RETRIES + 1 if retry else 1
    for attempt in range(tries):
        last = attempt == tries - 1
        try:
            response = http.request(method, url, **request)
        except httpx.TimeoutException:
            if last:
                raise NoAnswer(f"{url}: no answer in time ({tries} tries)") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            if last:
                reason = str(exc) or type(exc).__name__
                raise NoAnswer(f"{url}: the answer to {what} was cut short ({tries} tries): {reason}") from None
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise EndpointError(f"cannot reach {url}: {reason}") from None
        else:
            if response.status_code < 500 or last or any(code in response.text for code in final):
                break
        time.sleep(BACKOFF * 2**attempt)
    if response.status_code >= 400 and response.status_code not in accept_statuses:
        raise _status_error(response, what)
    return response
