"""Transient read errors retried where they happen, permanent ones raised at once."""

import errno
import gzip
import io

import botocore.exceptions
import pytest
import requests
from apache_beam.io.aws.clients.s3.messages import S3ClientError

from synthsieve.readers.retry import BACKOFF_S, CHAIN_LINKS, TRIES, RetryingStream, is_transient

DATA = bytes(range(256)) * 64


class Dropping(io.BytesIO):
    """``DATA`` as a connection that drops (``error``) when a read passes byte ``at``, while ``drops`` remain."""

    def __init__(self, drops: list[int], at: int = 5000, error: Exception | None = None):
        super().__init__(DATA)
        self.drops, self.at, self.error = drops, at, error or ConnectionResetError("connection reset by peer")

    def read(self, n: int = -1) -> bytes:
        end = len(DATA) if n < 0 else self.tell() + n
        if self.drops[0] and self.tell() <= self.at < end:
            self.drops[0] -= 1
            raise self.error
        return super().read(n)


def _stream(drops: int, **kwargs):
    left, waits = [drops], []
    return RetryingStream(lambda: Dropping(left, **kwargs), sleep=waits.append), waits


@pytest.mark.parametrize(
    "exc, transient",
    [
        (ConnectionResetError(), True),
        (TimeoutError(), True),
        (OSError(errno.EIO, "input/output error"), True),
        (OSError(errno.ETIMEDOUT, "timed out"), True),
        (FileNotFoundError(errno.ENOENT, "no such file"), False),
        (PermissionError(errno.EACCES, "denied"), False),
        (gzip.BadGzipFile("not a gzipped file"), False),
        (ValueError("bad record"), False),
    ],
)
def test_only_connection_timeout_and_io_errno_errors_are_transient(exc, transient):
    assert is_transient(exc) is transient


def _stand_in(module: str, name: str, base: type = Exception) -> type:
    """An exception class named as an optional library's, without the library."""
    return type(name, (base,), {"__module__": module})


def _s3_error(code):
    """Beam's ``S3ClientError``, with the HTTP status its S3 client gives it."""
    return S3ClientError("failed", code)


def _raised(exc: BaseException, *, by: BaseException, implicitly: bool = False) -> BaseException:
    """``by``, raised from ``exc`` (or while handling it)."""
    try:
        try:
            raise exc
        except BaseException as inner:
            if implicitly:
                raise by  # noqa: B904 - the implicit __context__ is the point
            raise by from inner
    except BaseException as outer:
        return outer


GOOGLE = "google.api_core.exceptions"
TRANSIENT_NAMES = [
    "ServiceUnavailable",
    "TooManyRequests",
    "InternalServerError",
    "DeadlineExceeded",
    "GatewayTimeout",
]


@pytest.mark.parametrize(
    "exc, transient",
    [
        (requests.ConnectionError("connection aborted"), True),
        (requests.ReadTimeout("read timed out"), True),  # a subclass of requests' Timeout
        (requests.HTTPError("404 Client Error"), False),
        *[(_stand_in(GOOGLE, name)("busy"), True) for name in TRANSIENT_NAMES],
        (_stand_in(GOOGLE, "NotFound")("no such object"), False),
        (_stand_in(GOOGLE, "ServiceUnavailable", _stand_in(GOOGLE, "ServerError"))(), True),
        (_stand_in("mylib.errors", "ServiceUnavailable")(), False),  # the name alone is not enough
        (botocore.exceptions.EndpointConnectionError(endpoint_url="https://s3.example"), True),
        (botocore.exceptions.ReadTimeoutError(endpoint_url="https://s3.example"), True),
        (botocore.exceptions.ConnectionClosedError(endpoint_url="https://s3.example"), True),
        (botocore.exceptions.NoCredentialsError(), False),
        (_s3_error(503), True),
        (_s3_error(500), True),
        (_s3_error(429), True),
        (_s3_error(404), False),
        (_s3_error(403), False),
        (_s3_error(None), False),
    ],
)
def test_storage_clients_transient_errors_are_told_by_module_and_name(exc, transient):
    assert is_transient(exc) is transient


def test_an_error_raised_from_or_while_handling_a_transient_one_is_transient():
    assert is_transient(_raised(_s3_error(503), by=ValueError("read failed")))
    assert is_transient(_raised(ConnectionResetError(), by=ValueError("read failed"), implicitly=True))
    assert not is_transient(_raised(_s3_error(404), by=ValueError("read failed")))
    # an errno decides: a file that is missing stays missing, whatever was being handled
    assert not is_transient(_raised(ConnectionResetError(), by=FileNotFoundError(errno.ENOENT, "gone")))


def test_a_chain_is_followed_a_bounded_number_of_links_even_if_it_loops():
    deep = ConnectionResetError()
    for _ in range(CHAIN_LINKS - 1):
        deep = _raised(deep, by=ValueError("wrapped"))
    assert is_transient(deep)
    assert not is_transient(_raised(deep, by=ValueError("wrapped")))
    first, second = ValueError("a"), ValueError("b")
    first.__cause__, second.__cause__ = second, first
    assert not is_transient(first)


def test_a_read_that_drops_fewer_times_than_the_tries_gives_every_byte_once():
    stream, waits = _stream(TRIES - 1)
    assert io.BufferedReader(stream, 1024).read() == DATA
    assert waits == [BACKOFF_S * 2**i for i in range(TRIES - 1)] and stream.failure is None


def test_a_read_that_keeps_dropping_is_raised_after_the_tries_and_kept():
    stream, waits = _stream(TRIES)
    with pytest.raises(ConnectionResetError):
        io.BufferedReader(stream, 1024).read()
    assert len(waits) == TRIES - 1 and isinstance(stream.failure, ConnectionResetError)


def test_a_permanent_error_is_raised_at_once_and_not_kept():
    stream, waits = _stream(1, error=OSError(errno.EBADF, "bad file descriptor"))
    with pytest.raises(OSError, match="bad file descriptor"):
        stream.read(len(DATA))
    assert waits == [] and stream.failure is None


def test_a_seek_back_after_a_retried_read_reads_the_same_bytes():
    stream, _ = _stream(1)
    reader = io.BufferedReader(stream, 1024)
    first = reader.read(6000)
    reader.seek(100)
    assert first == DATA[:6000] and reader.read(50) == DATA[100:150] and reader.tell() == 150
