"""Where the fields of a JSON or Parquet record are read from: per field, dotted paths tried in order."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Default paths per raw-document field, most specific first. They cover Dolma, datatrove, FineWeb, C4,
#: RedPajama v1/v2 and OSCAR; crawl times go to ``crawl_date``, only publication dates to ``published_date``.
DEFAULT_PATHS: dict[str, tuple[str, ...]] = {
    "text": ("text", "raw_content", "content"),
    "id": ("id", "doc_id", "warc_headers.warc-record-id"),
    "url": ("url", "metadata.url", "meta.url", "warc_headers.warc-target-uri"),
    "crawl_date": (
        "crawl_date", "metadata.date_download", "meta.date_download", "warc_headers.warc-date",
        "timestamp", "meta.timestamp", "date", "metadata.date", "created",
    ),
    "published_date": (
        "published_date", "date_published", "published",
        "metadata.published_date", "metadata.date_published", "metadata.published", "meta.published_date",
    ),
    "warc_record_id": ("warc_headers.warc-record-id",),
}  # fmt: skip
#: Nested maps whose keys join the ``metadata`` map (other nested values stay JSON-encoded under their key).
FLATTENED = ("metadata", "meta")

Path = tuple[str, ...]


@dataclass(frozen=True)
class FieldMap:
    """Compiled field paths: build once with ``FieldMap.of`` and share between records and files.

    Attributes:
        paths: Per field, the key paths tried in order.
        url_from_id: Take the URL from an ``http(s)://`` id when no URL path holds one (Dolma's Common-Crawl
            documents); only while ``url`` keeps its default paths.
        containers: Top-level keys that paths go into; a string there holding a JSON object is parsed
            (RedPajama v2's ``meta``).
        known: Every path of every field.
    """

    paths: tuple[tuple[str, tuple[Path, ...]], ...]
    url_from_id: bool
    containers: frozenset[str]
    known: frozenset[Path]

    @classmethod
    def of(cls, configured: Mapping[str, Sequence[str]] | None = None) -> FieldMap:
        """The default paths with ``configured`` ones replacing a field's defaults.

        Raises:
            ValueError: an unknown field name, a value that is not a list of dotted paths, or an empty path.
        """
        configured = configured or {}
        unknown = [name for name in configured if name not in DEFAULT_PATHS]
        if unknown:
            raise ValueError(f"unknown field(s) {unknown}; known: {', '.join(DEFAULT_PATHS)}")
        paths = tuple(
            (name, tuple(_split(name, p) for p in _checked(name, configured.get(name, default))))
            for name, default in DEFAULT_PATHS.items()
        )
        known = frozenset(path for _, field_paths in paths for path in field_paths)
        containers = frozenset(path[0] for path in known if len(path) > 1) | set(FLATTENED)
        return cls(paths, "url" not in configured, containers, known)

    def tried(self, name: str) -> str:
        """The paths of field ``name`` as written in config, for messages."""
        return ", ".join(".".join(path) for path in dict(self.paths)[name])

    def resolve(self, obj: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], set[Path]]:
        """Reads a record.

        Returns:
            The record with its JSON-string containers parsed, each field's value (the first present, non-empty
            one; else ``""`` if a path held ``""``, else None) and the paths the values came from.
        """
        obj = _parsed(obj, self.containers)
        values, used = {}, set()
        for name, field_paths in self.paths:
            path, values[name] = _first(obj, field_paths)
            if path is not None:
                used.add(path)
        if self.url_from_id and values["url"] in (None, "") and _is_web_url(values["id"]):
            values["url"] = values["id"]
        return obj, values, used


def _checked(name: str, paths: Any) -> Sequence[str]:
    if not isinstance(paths, list | tuple) or not all(isinstance(p, str) for p in paths):
        raise ValueError(f"{name!r} expects a list of dotted paths, got {paths!r}")
    if not paths:
        raise ValueError(f"{name!r} needs at least one path")
    return paths


def _split(name: str, dotted: str) -> Path:
    keys = tuple(dotted.split("."))
    if not all(keys):
        raise ValueError(f"{name!r}: {dotted!r} is not a dotted path (it has an empty key)")
    return keys


def _parsed(obj: Mapping[str, Any], containers: frozenset[str]) -> Mapping[str, Any]:
    """``obj`` with each container that is a string holding a JSON object replaced by that object."""
    parsed = {k: v for k in containers if isinstance(obj.get(k), str) and isinstance(v := _json_object(obj[k]), dict)}
    return {**obj, **parsed} if parsed else obj


def _json_object(text: str) -> Any:
    if not text.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(text)
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # a decoded lone surrogate escape: keep the string
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return None
    return value


def _lookup(obj: Any, path: Path) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _first(obj: Mapping[str, Any], paths: tuple[Path, ...]) -> tuple[Path | None, Any]:
    """The first present, non-empty value and its path; else ``""`` when a path held ``""`` (an empty text is
    dead-lettered as such later), else None."""
    empty = None
    for path in paths:
        value = _lookup(obj, path)
        if value is not None and value != "":
            return path, value
        if value == "":
            empty = ""
    return None, empty


def _is_web_url(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))
