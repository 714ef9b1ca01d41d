"""Per-record failure isolation for batch steps: one record that makes a step raise costs itself, not its batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def in_isolation(items: Sequence[T], step: Callable[[Sequence[T]], Any], on_error: Callable[[T, Exception], Any]):
    """``[step(items)]`` if it succeeds; otherwise the same for each half in turn, down to single items, where a
    failure gives ``on_error(item, exc)`` instead.

    Deterministic for deterministic steps: the same input always splits the same way. A batch with ``k`` bad
    records costs about ``2k log2(n)`` extra calls.
    """
    try:
        return [step(items)]
    except Exception as exc:  # noqa: BLE001 - any failure is isolated; the single bad record reports it
        if len(items) <= 1:
            return [on_error(items[0], exc)] if items else []
    mid = len(items) // 2
    return in_isolation(items[:mid], step, on_error) + in_isolation(items[mid:], step, on_error)
