"""Fields and pyarrow types of every record synthsieve writes.

Writers always pass these schemas explicitly: inferring a schema from a batch makes shards disagree (a column
that is all-null in one batch becomes ``null``-typed there) and breaks readers such as DuckDB and Spark.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

LABELS = ("human", "synthetic", "uncertain")
#: What else a run writes of the records it reads: records that could not become documents, records that are not
#: documents (a WARC request...), and the copies ``--dedup`` leaves out; each is also a Beam output tag.
DEAD_LETTER, SKIPPED, DEDUPLICATED = "dead_letter", "skipped", "deduplicated"

#: What an input file is to the run: documents to label, ``--known-human`` or ``--known-synthetic`` documents.
INPUT, KNOWN_HUMAN, KNOWN_SYNTHETIC = ROLES = ("input", "known_human", "known_synthetic")

_TS = pa.timestamp("us", tz="UTC")

#: Provenance and decision fields of a scored document, in output order. ``label`` is not a column: it is the
#: Hive partition (``label=human/``) the shard is written under, so DuckDB/Polars/Spark see it as a column.
DOCUMENT_FIELDS: tuple[pa.Field, ...] = (
    pa.field("id", pa.string(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("content_hash", pa.string(), nullable=False),
    pa.field("url", pa.string()),
    pa.field("domain", pa.string()),
    pa.field("source_uri", pa.string(), nullable=False),
    pa.field("source_offset", pa.int64(), nullable=False),
    pa.field("source_format", pa.string(), nullable=False),
    pa.field("warc_record_id", pa.string()),
    pa.field("content_type", pa.string()),
    pa.field("crawl_date", _TS),
    pa.field("published_date", _TS),
    pa.field("era", pa.string(), nullable=False),
    pa.field("lang", pa.string(), nullable=False),
    pa.field("lang_confidence", pa.float32(), nullable=False),
    pa.field("ai_disclosure", pa.list_(pa.string()), nullable=False),
    pa.field("n_words", pa.int32(), nullable=False),
    pa.field("metadata", pa.map_(pa.string(), pa.string())),
    pa.field("p_synthetic", pa.float32()),  # null: no detector scored the document (its reasons say why)
    pa.field("reasons", pa.list_(pa.string()), nullable=False),
    pa.field("pipeline_version", pa.string(), nullable=False),
    pa.field("detector_versions", pa.map_(pa.string(), pa.string()), nullable=False),
)

#: Near-duplicate columns of every document (``dedup``): appended to DOCUMENT_FIELDS once clustering is done.
NEAR_DUP_FIELDS: tuple[pa.Field, ...] = (
    pa.field("near_dup_cluster", pa.string(), nullable=False),
    pa.field("near_dup_count", pa.int32(), nullable=False),
    pa.field("is_canonical", pa.bool_(), nullable=False),
    pa.field("near_dup_domain_count", pa.int32(), nullable=False),  # distinct non-empty domains in the cluster
    pa.field("near_dup_known_synthetic", pa.bool_(), nullable=False),
)

#: The posterior ``P(synthetic | scores, source)`` of a document: its ``p_synthetic`` with the source's estimated
#: synthetic share as prior (``_accounting/synthetic_share/``, ``docs/SHARE.md``); decides only with
#: ``decision.source_prior``; null where ``p_synthetic`` is, or no share could be estimated.
SOURCE_PRIOR_FIELD = pa.field("p_synthetic_source", pa.float32())

#: What near-duplicate clustering needs to know of a document besides its signature; ``node`` is its 64-bit key,
#: ``batch`` the key of the scored batch it was staged in (where its cluster row is sent for the decision).
MEMBER_SCHEMA = pa.schema(
    [
        pa.field("node", pa.uint64(), nullable=False),
        pa.field("batch", pa.uint64(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("domain", pa.string()),
        pa.field("crawl_date", _TS),
        pa.field("known_synthetic", pa.bool_(), nullable=False),
    ]
)

#: Near-duplicate columns of the documents in a cluster (singletons have none), keyed by ``node``.
CLUSTER_SCHEMA = pa.schema([MEMBER_SCHEMA.field("node"), MEMBER_SCHEMA.field("batch"), *NEAR_DUP_FIELDS])

#: One near-duplicate cluster of two or more corpus documents, written once (not per member) and joined with the
#: documents by ``near_dup_cluster`` (unique where document ids are): its member count, canonical document,
#: sorted distinct non-empty domains and whether it holds a known-synthetic document.
NEAR_DUP_CLUSTER_SCHEMA = pa.schema(
    [
        pa.field("near_dup_cluster", pa.string(), nullable=False),
        pa.field("members", pa.int32(), nullable=False),
        pa.field("canonical_id", pa.string(), nullable=False),
        pa.field("domains", pa.list_(pa.string()), nullable=False),
        pa.field("known_synthetic", pa.bool_(), nullable=False),
    ]
)

#: How the connected-component rounds of near-duplicate clustering ended (one row): the round limit
#: (``dedup.rounds``), the rounds run up to and including the first that changed nothing (the limit if none did)
#: and whether one did; unconverged, a component may be split into several clusters.
CONVERGENCE_SCHEMA = pa.schema(
    [
        pa.field("round_limit", pa.int32(), nullable=False),
        pa.field("rounds_used", pa.int32(), nullable=False),
        pa.field("converged", pa.bool_(), nullable=False),
    ]
)

#: A document left out of the human/uncertain output by ``--dedup``: counted in the manifest's accounting.
DEDUPLICATED_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("near_dup_cluster", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
    ]
)

#: A record that could not become a document (``source_offset`` -1: the whole file), with its stable reason code;
#: ``role`` is one of ROLES.
DEAD_LETTER_SCHEMA = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_offset", pa.int64(), nullable=False),
        pa.field("source_format", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("message", pa.string(), nullable=False),
        pa.field("raw", pa.string()),
        pa.field("pipeline_version", pa.string(), nullable=False),
        pa.field("role", pa.string(), nullable=False),
    ]
)

#: A record that is routinely not a document, with its stable reason code (``record_type:request``,
#: ``http_status:404``, ``not_text:image/png``); ``role`` is one of ROLES.
SKIPPED_SCHEMA = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_offset", pa.int64(), nullable=False),
        pa.field("source_format", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("role", pa.string(), nullable=False),
    ]
)

#: Records read per input file (documents, skipped records and dead letters): the left-hand side of the accounting
#: equation in the manifest.
FILE_STATS_SCHEMA = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_format", pa.string(), nullable=False),
        pa.field("documents_read", pa.int64(), nullable=False),
        pa.field("role", pa.string(), nullable=False),
    ]
)

#: Documents of a ``known_human`` or ``known_synthetic`` file the run used: with its dead letters, they balance the
#: file's documents read.
KNOWN_DOCUMENTS_SCHEMA = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("role", pa.string(), nullable=False),
        pa.field("documents", pa.int64(), nullable=False),
    ]
)


#: One calibrated source: how many known-human documents it had and the thresholds its documents were judged by.
CALIBRATION_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("known_human", pa.int64(), nullable=False),
        pa.field("synthetic", pa.float32(), nullable=False),
        pa.field("human", pa.float32(), nullable=False),
    ]
)


#: The synthetic share of one source and crawl month (``source`` null: the whole corpus; ``month`` null: all
#: months): documents, those scored (in the estimate), the share with its 95% interval, the floor (null unless the
#: source has its own known-human references), the references used and how (``docs/SHARE.md``).
SHARE_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("month", pa.string()),
        pa.field("documents", pa.int64(), nullable=False),
        pa.field("scored", pa.int64(), nullable=False),
        pa.field("share", pa.float64()),
        pa.field("share_lo", pa.float64()),
        pa.field("share_hi", pa.float64()),
        pa.field("share_floor", pa.float64()),
        pa.field("human_references", pa.int64(), nullable=False),
        pa.field("synthetic_references", pa.int64(), nullable=False),
        pa.field("method", pa.string(), nullable=False),
    ]
)


def score_column(detector: str, score: str) -> str:
    """Column name of one detector score, namespaced by the detector's versioned name."""
    return f"{detector}__{score}"


def scored_schema(score_columns: Iterable[str] = ()) -> pa.Schema:
    """Schema of scored documents before clustering: provenance/decision fields plus one float32 column per
    detector score."""
    extra = [pa.field(name, pa.float32()) for name in sorted(score_columns)]
    return pa.schema([*DOCUMENT_FIELDS, *extra])


def document_schema(score_columns: Iterable[str] = ()) -> pa.Schema:
    """Schema of written documents: ``scored_schema`` plus the near-duplicate columns and the source posterior."""
    return pa.schema([*scored_schema(score_columns), *NEAR_DUP_FIELDS, SOURCE_PRIOR_FIELD])
