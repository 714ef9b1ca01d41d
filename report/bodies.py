"""Bodies of text the report measures: a label partition of a run, or the trusted known-human text.

Known-human text is an output folder (its ``label=human`` partition) or files in any input format synthsieve reads.
Text measures run on a deterministic sample (the first documents by content hash); document counts, mean length
and, for output folders, the near-duplicate rate cover every document.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from synthsieve.config import DedupConfig, ReaderConfig
from synthsieve.dedup.clusters import near_duplicates
from synthsieve.dedup.fingerprints import fingerprints
from synthsieve.pipeline.outputs import MANIFEST, join
from synthsieve.provenance.ids import content_hash
from synthsieve.readers.files import detect_format, read_file
from synthsieve.readers.html import html_to_text
from synthsieve.report.output_folder import OutputFolder, ReportError


@dataclass
class Body:
    """A body of text: what it is, how many documents it has, and the sampled texts the text measures use."""

    name: str
    documents: int
    mean_words: float | None
    near_dup_rate: float | None
    texts: list[str]
    skipped: int = 0

    @property
    def sampled(self) -> bool:
        return len(self.texts) < self.documents


def partition(folder: OutputFolder, label: str, max_docs: int) -> Body:
    """One label of a run: exact counts, the first ``max_docs`` texts by content hash."""
    stats = folder.partition(label)
    return Body(label, stats["documents"], stats["mean_words"], stats["near_dup_rate"], folder.sample(label, max_docs))


def known_human(path: str, max_docs: int, dedup: DedupConfig) -> Body:
    """The trusted known-human text: an output folder's ``label=human`` partition, or input files (paths or globs).

    Raises:
        ReportError: the path is a folder without output, or matches no file.
    """
    if Path(path).is_dir() or ("://" in path and FileSystems.exists(join(path, MANIFEST))):
        with OutputFolder(path) as folder:
            body = partition(folder, "human", max_docs)
        body.name = f"label=human of {path}"
        return body
    found = sorted(m.path for m in FileSystems.match([path])[0].metadata_list)
    if not found:
        raise ReportError(f"no known-human file matches {path}")
    return _from_files(path, found, max_docs, dedup)


def _from_files(name: str, paths: list[str], max_docs: int, dedup: DedupConfig) -> Body:
    """Reads every document, keeps the ``max_docs`` smallest by content hash (ties: the first read); near-duplicates
    are counted within that sample."""
    documents = words = skipped = 0
    heap: list[tuple[int, int, str, int, str]] = []  # (-hash, -seq, uri, offset, text): the largest key on top
    for seq, (uri, offset, text) in enumerate(_texts(paths)):
        if text is None:
            skipped += 1
            continue
        documents, words = documents + 1, words + len(text.split())
        item = (-int(content_hash(text), 16), -seq, uri, offset, text)
        if len(heap) < max_docs:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    docs = [
        {
            "id": f"{uri}:{offset}",
            "text": text,
            "content_hash": f"{-neg:032x}",
            "domain": None,
            "crawl_date": None,
            "source_uri": uri,
            "source_offset": offset,
        }
        for neg, _, uri, offset, text in sorted(heap, reverse=True)
    ]
    mean = words / documents if documents else None
    return Body(name, documents, mean, _near_dup_rate(docs, dedup), [d["text"] for d in docs], skipped)


def _texts(paths: list[str]) -> Iterator[tuple[str, int, str | None]]:
    """(file, offset, text) of every record; text None for a record that is no document or has no text."""
    max_bytes = ReaderConfig().max_document_bytes
    for path in paths:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
            for kind, raw in read_file(stream, path, detect_format(path), max_bytes):
                if kind != "skip":  # another record type, an HTTP error, media: no document, and no bad record
                    yield path, raw["source_offset"], _text(raw) if kind == "doc" else None


def _text(raw: dict) -> str | None:
    text = raw["text"]
    if raw["html"] is not None:
        try:
            text = html_to_text(raw["html"])[0]
        except Exception:  # resiliparse raises assorted errors on hostile HTML: the record is skipped
            return None
    return text if text and text.strip() else None


def _near_dup_rate(docs: list[dict], dedup: DedupConfig) -> float | None:
    """1 - clusters / documents with the run's MinHash settings (clusters of one document included)."""
    if not docs:
        return None
    clustered, _ = near_duplicates(fingerprints(docs, dedup.params()), dedup.params(), dedup.verify_threshold)
    clusters = len(set(clustered.column("near_dup_cluster").to_pylist()))
    return (clustered.num_rows - clusters) / len(docs)
