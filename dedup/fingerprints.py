"""What near-duplicate clustering needs of a batch of documents: node keys, member facts and MinHash signatures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import xxhash

from synthsieve.dedup.minhash import MinHashParams, signatures
from synthsieve.schemas.records import MEMBER_SCHEMA


@dataclass
class Fingerprints:
    """A batch's clustering input, aligned row by row.

    Attributes:
        members: ``MEMBER_SCHEMA`` rows (node key, batch key, id, domain, crawl date, whether it is a
            known-synthetic document).
        signatures: uint32 MinHash signatures, shape ``(n, num_perm)``.
        exact: uint64 prefix of each content hash (the exact-duplicate key).
    """

    members: pa.Table
    signatures: np.ndarray
    exact: np.ndarray

    @property
    def nodes(self) -> np.ndarray:
        return self.members.column("node").to_numpy()

    @property
    def batch(self) -> int:
        """The batch's key: its first document's node key (node keys are unique, so batch keys are too)."""
        return int(self.nodes[0])


def node_keys(source_uris: Sequence[str], offsets: Sequence[int], known_synthetic: bool) -> np.ndarray:
    """64-bit keys of documents: a hash of where each was read, so documents that share an ``id`` stay apart and a
    file given both as input and as ``--known-synthetic`` gives two sets of nodes."""
    role = b"known_synthetic" if known_synthetic else b"corpus"
    keys = (xxhash.xxh3_64_intdigest(b"%s\x00%s\x00%d" % (role, u.encode(), o)) for u, o in zip(source_uris, offsets))
    return np.fromiter(keys, dtype=np.uint64, count=len(source_uris))


def fingerprints(docs: Sequence[dict], params: MinHashParams, known_synthetic: bool = False) -> Fingerprints:
    """Fingerprints of a non-empty batch of documents given as dicts with ``id``, ``text``, ``content_hash``,
    ``domain``, ``crawl_date``, ``source_uri`` and ``source_offset``."""
    nodes = node_keys([d["source_uri"] for d in docs], [d["source_offset"] for d in docs], known_synthetic)
    members = pa.table(
        {
            "node": nodes,
            "batch": np.full(len(docs), nodes[0], dtype=np.uint64),
            "id": [d["id"] for d in docs],
            "domain": [d["domain"] for d in docs],
            "crawl_date": [d["crawl_date"] for d in docs],
            "known_synthetic": np.full(len(docs), known_synthetic),
        },
        schema=MEMBER_SCHEMA,
    )
    exact = np.fromiter((int(d["content_hash"][:16], 16) for d in docs), dtype=np.uint64, count=len(docs))
    return Fingerprints(members, signatures([d["text"] for d in docs], params), exact)
