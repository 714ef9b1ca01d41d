"""Raw documents and dead letters as the readers emit them."""

from __future__ import annotations

import json
from typing import Any

from synthsieve import __version__

#: Input keys that map onto provenance fields; every other key is kept in the ``metadata`` map.
DATE_KEYS = ("date", "timestamp", "published", "created", "published_date")
KNOWN_KEYS = {"id", "text", "url", "source", *DATE_KEYS}
RAW_PREVIEW_CHARS = 1_000


def raw_document(source_uri: str, offset: int, source_format: str, **fields: Any) -> dict[str, Any]:
    """A document as read, before extraction and scoring. Missing fields are None."""
    doc = {
        "id": None,
        "text": None,
        "html": None,
        "url": None,
        "date": None,
        "crawl_date": None,
        "warc_record_id": None,
        "content_type": None,
        "metadata": None,
    }
    doc.update(fields)
    doc.update(source_uri=source_uri, source_offset=offset, source_format=source_format)
    return doc


def dead_letter(
    source_uri: str, offset: int, source_format: str, stage: str, reason: str, message: str, raw: Any = None
) -> dict[str, Any]:
    """A record that could not become a document, with a stable ``reason`` code and a short message.

    ``raw`` keeps a preview of the record; every string is made valid UTF-8 (lone surrogates replaced), so a dead
    letter can always be written whatever the record held.
    """
    if isinstance(raw, bytes):
        raw = raw[:RAW_PREVIEW_CHARS].decode("utf-8", errors="replace")
    elif raw is not None and not isinstance(raw, str):
        raw = json.dumps(raw, default=str, ensure_ascii=False)
    return {
        "source_uri": _valid(source_uri),
        "source_offset": offset,
        "source_format": source_format,
        "stage": stage,
        "reason": reason,
        "message": _valid(message[:500]),
        "raw": _valid(raw[:RAW_PREVIEW_CHARS]) if raw is not None else None,
        "pipeline_version": __version__,
    }


def _valid(text: str) -> str:
    """``text`` with anything UTF-8 cannot encode (lone surrogates) replaced."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace").decode("utf-8")


def from_mapping(obj: dict[str, Any], source_uri: str, offset: int, source_format: str) -> dict[str, Any]:
    """Maps a Dolma/FineWeb-style record (``id``, ``text``, ``url``, ``date``/``timestamp``, ...) to a raw document.

    Raises:
        ValueError: ``text`` is missing or not a string (the caller dead-letters the record).
    """
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError("missing_text" if text is None else "text_not_string")
    date = next((obj[k] for k in DATE_KEYS if obj.get(k) not in (None, "")), None)
    doc_id = obj.get("id")
    return raw_document(
        source_uri,
        offset,
        source_format,
        id=None if doc_id in (None, "") else str(doc_id),
        text=text,
        url=_str_or_none(obj.get("url")),
        date=date,
        metadata=_metadata(obj),
    )


def _metadata(obj: dict[str, Any]) -> dict[str, str] | None:
    extra = {k: v for k, v in obj.items() if k not in KNOWN_KEYS or k == "source"}
    nested = extra.pop("metadata", None)
    if isinstance(nested, dict):
        extra = {**nested, **extra}
    out = {
        str(k): v if isinstance(v, str) else json.dumps(v, default=str, ensure_ascii=False) for k, v in extra.items()
    }
    return out or None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
