"""Raw documents and dead letters as the readers emit them."""

from __future__ import annotations

import json
from typing import Any

from synthsieve import __version__
from synthsieve.readers.fields import FLATTENED, FieldMap, Path

DEFAULT_FIELDS = FieldMap.of()
FILE_ERROR = "unreadable_file"  # the reason of a file's one dead letter when it cannot be opened or read
RAW_PREVIEW_CHARS = 1_000


class NoText(ValueError):
    """A record without string text; ``reason`` is the dead-letter code (``missing_text``, ``text_not_string``)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def raw_document(source_uri: str, offset: int, source_format: str, **fields: Any) -> dict[str, Any]:
    """A document as read, before extraction and scoring. Missing fields are None."""
    doc = {
        "id": None,
        "text": None,
        "html": None,
        "url": None,
        "published_date": None,
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


def skipped(source_uri: str, offset: int, source_format: str, reason: str, url: str | None = None) -> dict[str, Any]:
    """A record that is routinely not a document (another record type, a non-2xx status, a media type that is not
    text), with its stable ``reason`` code (``record_type:request``, ``http_status:404``, ``not_text:image/png``)."""
    return {
        "source_uri": _valid(source_uri),
        "source_offset": offset,
        "source_format": source_format,
        "reason": _valid(reason[:200]),
        "url": _valid(url) if url else None,
    }


def _valid(text: str) -> str:
    """``text`` with anything UTF-8 cannot encode (lone surrogates) replaced."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace").decode("utf-8")


def from_mapping(
    obj: dict[str, Any], source_uri: str, offset: int, source_format: str, fields: FieldMap = DEFAULT_FIELDS
) -> dict[str, Any]:
    """Maps a JSON object or Parquet row (Dolma, FineWeb, C4, RedPajama, OSCAR, ...) to a raw document.

    ``fields`` says where each field is read from; dates stay as written (parsed when annotated). What no field
    used stays in the ``metadata`` map.

    Raises:
        NoText: the text is missing or not a string (the caller dead-letters the record).
    """
    obj, values, used = fields.resolve(obj)
    text, doc_id = values["text"], values["id"]
    if text is None:
        raise NoText("missing_text", f"no text at {fields.tried('text')}")
    if not isinstance(text, str):
        raise NoText("text_not_string", f"the text is {type(text).__name__}, not a string ({fields.tried('text')})")
    return raw_document(
        source_uri,
        offset,
        source_format,
        id=None if doc_id in (None, "") else str(doc_id),
        text=text,
        url=_str_or_none(values["url"]),
        published_date=values["published_date"] or None,
        crawl_date=values["crawl_date"] or None,
        warc_record_id=_str_or_none(values["warc_record_id"]),
        metadata=_metadata(obj, used, fields.known),
    )


def _metadata(obj: dict[str, Any], used: set[Path], known: frozenset[Path]) -> dict[str, str] | None:
    """The values no field used: the keys of nested ``metadata``/``meta`` maps, then the top-level keys (which win
    on a clash); non-strings JSON-encoded. An empty value at a field's path (a null ``url`` column) is left out."""

    def kept(path: Path, value: Any) -> bool:
        return path not in used and not (value in (None, "") and path in known)

    extra = {}
    for name in FLATTENED:
        if isinstance(nested := obj.get(name), dict):
            extra.update((k, v) for k, v in nested.items() if kept((name, k), v))
    extra.update((k, v) for k, v in obj.items() if kept((k,), v) and not (k in FLATTENED and isinstance(v, dict)))
    out = {
        str(k): v if isinstance(v, str) else json.dumps(v, default=str, ensure_ascii=False) for k, v in extra.items()
    }
    return out or None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
