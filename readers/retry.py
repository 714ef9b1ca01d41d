"""Transient I/O errors told from permanent ones, and an input stream that retries the transient ones.

A transient error (a dropped connection, a timeout, an I/O error of a network filesystem, a storage service that is
busy or failing) says nothing about the file: it is retried here a bounded number of times, then raised for the
runner to retry the bundle. A permanent one (a missing file, no permission, bytes that are not the format) costs the
file: its reader dead-letters it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import time
from collections.abc import Callable
from typing import IO

TRIES = 3  # reads of the same bytes before a transient error is raised
BACKOFF_S = 0.5  # the wait before the second try; doubled before each next one
_TRANSIENT_ERRNOS = frozenset(
    {
        errno.EIO, errno.EAGAIN, errno.ETIMEDOUT, errno.ECONNRESET, errno.ECONNREFUSED, errno.ECONNABORTED,
        errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ENETDOWN, errno.EPIPE, errno.ESTALE,
    }
)  # fmt: skip

#: Transient errors of the storage clients, by module prefix and class name: matched on names so that none of these
#: optional libraries has to be installed (or imported) to tell them.
_TRANSIENT_CLASSES = (
    ("requests.", frozenset({"ConnectionError", "Timeout"})),  # OSErrors without an errno
    (
        "google.api_core.",
        frozenset(
            {"ServiceUnavailable", "TooManyRequests", "InternalServerError", "DeadlineExceeded", "GatewayTimeout"}
        ),
    ),
    ("botocore.", frozenset({"EndpointConnectionError", "ReadTimeoutError", "ConnectionClosedError"})),
)
CHAIN_LINKS = 8  # exceptions of a ``__cause__`` / ``__context__`` chain looked at


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` may go away on a retry: a connection error, a timeout, an OSError whose errno says so (not a
    missing file, a denied permission or a bad gzip header: those errno are absent or permanent), a storage client's
    connection error, timeout or busy or failing service; or an exception raised from (or while handling) one of
    those, unless an errno decides first."""
    for link in _chain(exc):
        if isinstance(link, ConnectionError | TimeoutError) or _transient_class(link):
            return True
        if isinstance(link, OSError) and link.errno is not None:  # a missing file stays missing, whatever led to it
            return link.errno in _TRANSIENT_ERRNOS
    return False


def _chain(exc: BaseException):
    """``exc`` and the exceptions it was raised from or while handling, up to ``CHAIN_LINKS`` (a chain can loop)."""
    link = exc
    for _ in range(CHAIN_LINKS):
        if link is None:
            return
        yield link
        link = link.__cause__ or link.__context__


def _transient_class(exc: BaseException) -> bool:
    """Whether ``exc`` is (a subclass of) one of the storage clients' transient errors."""
    for cls in type(exc).__mro__:
        module = f"{cls.__module__}."
        if any(module.startswith(prefix) and cls.__name__ in names for prefix, names in _TRANSIENT_CLASSES):
            return True
        if module.startswith("apache_beam.io.aws.") and cls.__name__ == "S3ClientError":  # by its HTTP status
            code = getattr(exc, "code", None)
            return isinstance(code, int) and (code >= 500 or code == 429)
    return False


class RetryingStream(io.RawIOBase):
    """A seekable byte stream that reopens (``opener``) and seeks back to where it was when a read or the open
    fails transiently, up to ``tries`` times with doubling ``backoff_s``; then the error is raised and kept in
    ``failure``, so that a reader that turns read errors into dead letters cannot hide it."""

    def __init__(self, opener: Callable[[], IO[bytes]], tries: int = TRIES, backoff_s: float = BACKOFF_S, sleep=None):
        super().__init__()
        self.opener, self.tries, self.backoff_s = opener, tries, backoff_s
        self.sleep = sleep or time.sleep
        self.failure: BaseException | None = None
        self.position = 0
        self.stream = self._retried(opener)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._retried(lambda: self.stream.read(len(buffer)), reopen=True)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = self._retried(lambda: self.stream.seek(offset, whence), reopen=True)
        return self.position

    def tell(self) -> int:
        return self.position

    def close(self) -> None:
        if not self.closed and hasattr(self, "stream"):
            self.stream.close()
        super().close()

    def _retried(self, step: Callable, reopen: bool = False):
        for attempt in range(self.tries):
            try:
                if attempt and reopen:
                    self._reopen()
                return step()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if attempt == self.tries - 1:
                    self.failure = exc
                    raise
                self.sleep(self.backoff_s * 2**attempt)

    def _reopen(self) -> None:
        """The file opened again at the position reached."""
        with contextlib.suppress(Exception):  # a broken connection may fail to close as well
            self.stream.close()
        self.stream = self.opener()
        self.stream.seek(self.position)
