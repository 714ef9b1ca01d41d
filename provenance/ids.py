"""Stable document ids and content hashes (xxhash)."""

from __future__ import annotations

import unicodedata

import xxhash


def normalize_text(text: str) -> str:
    """NFKC, lowercased, whitespace collapsed: the form content hashes and near-duplicate shingles are taken on."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())  # split() and re's \s: same spaces


def content_hash(text: str) -> str:
    """xxh3-128 hex digest of the normalised text: equal for texts that differ only in case, spacing or width."""
    return xxhash.xxh3_128_hexdigest(normalize_text(text).encode("utf-8"))


def stable_id(source_uri: str, offset: int, digest: str) -> str:
    """Id for a document that has none: its file's name, its offset there and its content hash.

    Only the file's base name counts, so the same crawl file read from another bucket or folder keeps its ids.
    """
    name = source_uri.rstrip("/").rsplit("/", 1)[-1]
    return "ss-" + xxhash.xxh3_64_hexdigest(f"{name}\x00{offset}\x00{digest}".encode())
