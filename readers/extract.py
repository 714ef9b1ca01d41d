"""HTML extraction with a per-record time limit.

The parser is native code that a Python timer cannot interrupt, so with a limit the extraction runs in a child
process (``python -m synthsieve.readers.extract``, one per worker, started on the first HTML record): a record that
takes longer than the limit is abandoned with the child, which is restarted for the next record. A child that dies
on a record (a crash in native code) costs that record, not the worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import weakref
from multiprocessing.connection import Connection

from synthsieve.provenance.html_meta import HtmlMeta
from synthsieve.readers.html import html_to_text
from synthsieve.readers.html_guard import HtmlRejected


class Extractor:
    """Main text and metadata of HTML bodies within the markup limits and, if ``timeout_s`` > 0, a time limit.

    Args:
        max_depth: deeper nesting is rejected (``html_too_deep``).
        max_attributes: a tag with more attributes is rejected (``html_too_many_attributes``).
        timeout_s: seconds one record may take (``extract_timeout``); 0 extracts in this process, without limit.
    """

    def __init__(self, max_depth: int, max_attributes: int, timeout_s: float = 0.0):
        self.limits = (max_depth, max_attributes)
        self.timeout_s = timeout_s
        self._child: _Child | None = None

    def extract_all(self, bodies: list[bytes]) -> list[tuple[str, HtmlMeta] | HtmlRejected]:
        """Each body's main text and metadata, or why it has none: over a limit, or ``extract_failed``,
        ``extract_timeout``, ``extract_crashed``."""
        if not self.timeout_s:
            return [_outcome(body, *self.limits) for body in bodies]
        results: list = []
        while len(results) < len(bodies):
            results += self._through_child(bodies[len(results) :])
        return results

    def close(self) -> None:
        """Stops the child process, if one runs (the next body starts a new one)."""
        if self._child is not None:
            self._child.stop()
            self._child = None

    def _through_child(self, bodies: list[bytes]) -> list:
        """Results for the first bodies (up to ``GROUP_BYTES``), sent as one message; stops after the first body the
        child does not answer in time or dies on."""
        group = _group(bodies)
        try:
            self._started().send.send(group)
        except OSError:  # the child died between batches: a fresh one gets them
            self.close()
            self._started().send.send(group)
        results = []
        for _ in group:
            try:
                reply = self._child.reply(self.timeout_s)
            except (TimeoutError, EOFError, OSError) as exc:
                self.close()
                results.append(_failure(exc, self.timeout_s))
                break
            results.append((reply[1], reply[2]) if reply[0] == "ok" else HtmlRejected(reply[1], reply[2]))
        return results

    def _started(self) -> _Child:
        if self._child is None:
            self._child = _Child(self.limits)
        return self._child


GROUP_BYTES = 16 << 20  # bodies per message to the child: the round trip is paid per group, not per record


def _group(bodies: list[bytes]) -> list[bytes]:
    """The leading bodies up to ``GROUP_BYTES`` in all (at least one)."""
    total = 0
    for i, body in enumerate(bodies):
        total += len(body)
        if total > GROUP_BYTES and i:
            return bodies[:i]
    return bodies


def _failure(exc: BaseException, timeout_s: float) -> HtmlRejected:
    if isinstance(exc, TimeoutError):
        return HtmlRejected("extract_timeout", f"extraction took over {timeout_s:g} s")
    return HtmlRejected("extract_crashed", f"the extraction process died: {type(exc).__name__}")


def _outcome(body: bytes, max_depth: int, max_attributes: int) -> tuple[str, HtmlMeta] | HtmlRejected:
    try:
        return _extract(body, max_depth, max_attributes)
    except HtmlRejected as exc:
        return exc


def _extract(body: bytes, max_depth: int, max_attributes: int) -> tuple[str, HtmlMeta]:
    try:
        return html_to_text(body, max_depth, max_attributes)
    except HtmlRejected:
        raise
    except Exception as exc:  # resiliparse raises assorted errors on hostile HTML; the record is dead-lettered
        raise HtmlRejected("extract_failed", f"{type(exc).__name__}: {exc}") from exc


class _Child:
    """The extraction process and the two pipes to it."""

    def __init__(self, limits: tuple[int, int]):
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        args = [sys.executable, "-m", __name__, str(to_child), str(from_child), *map(str, limits)]
        self.process = subprocess.Popen(args, pass_fds=(to_child, from_child), stdin=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self.send, self.receive = Connection(from_parent, readable=False), Connection(to_parent, writable=False)
        self._finalizer = weakref.finalize(self, _stop, self.process, self.send, self.receive)

    def reply(self, timeout_s: float) -> tuple:
        """The child's next reply: ``("ok", text, meta)`` or ``("rejected", reason, message)``.

        Raises:
            TimeoutError: no reply within ``timeout_s``. EOFError, OSError: the child died.
        """
        if not self.receive.poll(timeout_s):
            raise TimeoutError
        return self.receive.recv()

    def stop(self) -> None:
        self._finalizer()


def _stop(process: subprocess.Popen, *connections: Connection) -> None:
    for connection in connections:
        connection.close()
    process.kill()
    process.wait()


def _serve(requests: Connection, replies: Connection, max_depth: int, max_attributes: int) -> None:
    """The child's loop: one reply per body, in order, until the parent closes its end."""
    while True:
        try:
            bodies = requests.recv()
        except EOFError:
            return
        for body in bodies:
            result = _outcome(body, max_depth, max_attributes)
            replies.send(("ok", *result) if isinstance(result, tuple) else ("rejected", result.reason, str(result)))


if __name__ == "__main__":
    read_fd, write_fd, depth, attributes = map(int, sys.argv[1:5])
    _serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False), depth, attributes)
