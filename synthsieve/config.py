"""One typed configuration object, loaded from YAML and overridden by CLI flags."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

INPUT_FORMATS = ("auto", "jsonl", "parquet", "warc", "wet", "arc")
REBALANCE = ("auto", "always", "never")
LM_SCOPES = ("uncertain", "not_synthetic", "all")
LM_DTYPES = ("auto", "float32", "bfloat16")


class ConfigError(ValueError):
    """A configuration file or flag holds an unknown key or a value of the wrong type or range."""


@dataclass
class ReaderConfig:
    """How input files are read."""

    format: str = field(
        default="auto", metadata={"help": "auto|jsonl|parquet|warc|wet|arc; auto picks by file extension"}
    )
    batch_size: int = field(default=512, metadata={"help": "documents per batch handed to the scorers"})
    rebalance: str = field(
        default="auto",
        metadata={
            "help": "always|never|auto: shuffle the read batches across workers before scoring; auto: unless there "
            "are at least 4 input files per worker and none holds over half of a worker's share (then reading and "
            "scoring run fused, file by file)"
        },
    )
    split_bytes: int = field(
        default=64 << 20,
        metadata={
            "help": "a Parquet file is read in parts of whole row groups of about this many (compressed) bytes, "
            "each by one worker in one call"
        },
    )
    max_document_bytes: int = field(
        default=5_000_000, metadata={"help": "records larger than this (raw bytes) go to dead_letter"}
    )
    max_text_chars: int = field(default=100_000, metadata={"help": "longer texts are truncated, with a reason"})
    max_html_depth: int = field(
        default=512, metadata={"help": "HTML nested deeper than this goes to dead_letter (html_too_deep)"}
    )
    max_html_attributes: int = field(
        default=1_000, metadata={"help": "a tag with more attributes goes to dead_letter (html_too_many_attributes)"}
    )
    extract_timeout_s: float = field(
        default=60.0,
        metadata={"help": "per-record HTML extraction time limit (extract_timeout); 0: extract in-process, no limit"},
    )
    fields: dict[str, list[str]] = field(
        default_factory=dict,
        metadata={
            "help": "JSON/Parquet fields read from other keys: per field (text, id, url, crawl_date, published_date, "
            "warc_record_id), dotted paths tried in order, replacing that field's defaults (README: Corpus shapes)"
        },
    )


@dataclass
class DetectorConfig:
    """Which detectors score the text and when a text is too short to judge."""

    enabled: list[str] = field(
        default_factory=lambda: ["fasttext_distort_v2", "fasttext_words_v1", "fasttext_chars_v1", "markers_v1"],
        metadata={"help": "versioned detector names; their probabilities are combined by the packaged stacker"},
    )
    min_words: int = field(default=50, metadata={"help": "texts with fewer words are not judged by text detectors"})


@dataclass
class DecisionConfig:
    """Thresholds on p_synthetic: at or above ``synthetic_threshold`` is synthetic, at or below ``human_threshold``
    human, in between uncertain (the human-review queue).

    Defaults are the packaged stacker's (``models/first_stage.json``), chosen by ``synthsieve train`` from pooled
    leave-one-data-set-out predictions: at most 1% of out-of-fold human texts labelled synthetic, at most 10% of
    out-of-fold synthetic texts labelled human. ``lm_v2`` was fitted on the texts between them.
    """

    synthetic_threshold: float = field(default=0.76115054, metadata={"help": "p_synthetic >= this: synthetic"})
    human_threshold: float = field(default=0.42925262, metadata={"help": "p_synthetic <= this: human"})
    marker_p: float = field(default=0.99, metadata={"help": "p_synthetic floor when a disclosure marker fires"})
    source_prior: bool = field(
        default=False,
        metadata={
            "help": "decide on p_synthetic_source (the source's estimated synthetic share as prior) instead of "
            "p_synthetic; off: on mixtures it decides more documents but labels most synthetic text of low-share "
            "sources human and many humans of high-share ones synthetic (docs/SHARE.md)"
        },
    )


@dataclass
class CalibrationConfig:
    """Per-source synthetic thresholds from known-human documents (``--known-human`` and pre-LLM documents)."""

    use_pre_llm: bool = field(default=True, metadata={"help": "documents dated before 2022-11-30 are known-human"})
    min_known_human: int = field(
        default=200, metadata={"help": "fewer known-human documents: the global thresholds apply"}
    )
    target_fpr: float = field(
        default=0.01,
        metadata={"help": "at most this share of a source's known-human documents may be labelled synthetic"},
    )
    group_field: str = field(
        default="source", metadata={"help": "metadata field that groups documents without a domain"}
    )


@dataclass
class DedupConfig:
    """Near-duplicate clustering (MinHash LSH, datasketch-compatible) and what clusters do to the decision."""

    num_perm: int = field(default=128, metadata={"help": "MinHash permutations (= bands * rows)"})
    ngram: int = field(default=5, metadata={"help": "words per shingle"})
    seed: int = field(default=1, metadata={"help": "seed of the permutations (datasketch's seed)"})
    bands: int = field(default=32, metadata={"help": "LSH bands: documents sharing any band are candidates"})
    rows: int = field(default=4, metadata={"help": "signature values per band"})
    verify_threshold: float = field(
        default=0.55, metadata={"help": "candidates need this estimated Jaccard to link; 0 trusts LSH alone"}
    )
    rounds: int = field(
        default=12, metadata={"help": "most connected-component rounds (12 settle chains of 10,000); stop when done"}
    )
    partitions: int = field(
        default=0,
        metadata={
            "help": "shuffle keys of the clustering steps; 0: 8192; at most 128 per known worker (2 per local process)"
        },
    )
    farm_min_domains: int = field(
        default=5, metadata={"help": "a cluster spanning this many registered domains is a content-farm signal"}
    )
    farm_logit: float = field(default=2.0, metadata={"help": "added to logit(p_synthetic) of content-farm copies"})
    known_synthetic_p: float = field(
        default=0.99,
        metadata={"help": "p_synthetic floor of near-duplicates of --known-synthetic text (hard evidence)"},
    )
    drop_duplicates: bool = field(
        default=False, metadata={"help": "leave non-canonical copies out of the human and uncertain outputs"}
    )

    def params(self):
        """The MinHash/LSH parameters as ``dedup.minhash.MinHashParams``."""
        from synthsieve.dedup.minhash import MinHashParams

        return MinHashParams(self.num_perm, self.ngram, self.seed, self.bands, self.rows)


@dataclass
class LMConfig:
    """The second-stage language-model detector ``lm_v2`` (``pip install synthsieve[lm]``): which documents it
    scores and with what model. For those, its combiner of the LM's evidence and the first stage's log-odds gives
    ``p_synthetic``."""

    enabled: bool = field(default=False, metadata={"help": "run the LM stage (--lm)"})
    scope: str = field(
        default="uncertain",
        metadata={
            "help": "uncertain: judged documents the first stage leaves between the global thresholds; not_synthetic: "
            "also those it labels human (where base-model text hides; most documents); all"
        },
    )
    sample_rate: float = field(
        default=0.0, metadata={"help": "share of the other judged documents also scored, for auditing (by id hash)"}
    )
    model_path: str = field(default="", metadata={"help": "a .gguf file or transformers model folder; '': SmolLM2"})
    card_path: str = field(
        default="", metadata={"help": "lm_v2's card (JSON: combiner, languages, tokens per text); '': packaged"}
    )
    batch_size: int = field(default=8, metadata={"help": "documents per forward pass"})
    device: str = field(default="auto", metadata={"help": "auto (a CUDA GPU when there is one), cpu, cuda, cuda:N"})
    dtype: str = field(
        default="auto",
        metadata={"help": "auto|float32|bfloat16 matrix products; auto: bfloat16 on a GPU or a CPU with bf16 units"},
    )
    threads: int = field(default=0, metadata={"help": "torch CPU threads per worker; 0: torch's default"})
    accelerator: str = field(
        default="",
        metadata={"help": "Beam resource hint of the LM step, e.g. type:nvidia-l4;count:1;install-nvidia-driver"},
    )


@dataclass
class ShareConfig:
    """The synthetic share per source and crawl month (``_accounting/synthetic_share/``, ``docs/SHARE.md``)."""

    min_references: int = field(
        default=200,
        metadata={
            "help": "a source with fewer known-human (known-synthetic) documents is estimated against the global "
            "human (synthetic) distribution shipped with the models"
        },
    )
    min_documents: int = field(
        default=30, metadata={"help": "a source (and month) with fewer scored documents gets no row of its own"}
    )


@dataclass
class Config:
    """The whole run configuration."""

    reader: ReaderConfig = field(default_factory=ReaderConfig)
    detectors: DetectorConfig = field(default_factory=DetectorConfig)
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    lm: LMConfig = field(default_factory=LMConfig)
    share: ShareConfig = field(default_factory=ShareConfig)

    def validate(self) -> Config:
        """Checks value ranges; raises ConfigError naming the key, the value and what is allowed."""
        if self.reader.format not in INPUT_FORMATS:
            raise ConfigError(f"reader.format: {self.reader.format!r} is not one of {', '.join(INPUT_FORMATS)}")
        if self.reader.rebalance not in REBALANCE:
            raise ConfigError(f"reader.rebalance: {self.reader.rebalance!r} is not one of {', '.join(REBALANCE)}")
        positive = ("batch_size", "split_bytes", "max_document_bytes", "max_text_chars", "max_html_depth")
        for key in (*positive, "max_html_attributes"):
            _positive(f"reader.{key}", getattr(self.reader, key))
        if (timeout := self.reader.extract_timeout_s) < 0:
            raise ConfigError(f"reader.extract_timeout_s: {timeout} must be 0 (no limit) or positive")
        _validate_fields(self.reader.fields)
        d = self.decision
        for key in ("synthetic_threshold", "human_threshold", "marker_p"):
            if not 0.0 <= getattr(d, key) <= 1.0:
                raise ConfigError(f"decision.{key}: {getattr(d, key)} is outside [0, 1]")
        if not 0.0 <= self.calibration.target_fpr < 1.0:
            raise ConfigError(f"calibration.target_fpr: {self.calibration.target_fpr} is outside [0, 1)")
        _positive("calibration.min_known_human", self.calibration.min_known_human)
        _positive("share.min_references", self.share.min_references)
        _positive("share.min_documents", self.share.min_documents)
        if d.human_threshold >= d.synthetic_threshold:
            raise ConfigError(
                f"decision.human_threshold ({d.human_threshold}) must be below "
                f"decision.synthetic_threshold ({d.synthetic_threshold})"
            )
        self._validate_dedup()
        self._validate_lm()
        from synthsieve.detectors import registry

        unknown = [name for name in self.detectors.enabled if name not in registry.known()]
        if unknown:
            raise ConfigError(f"detectors.enabled: unknown {unknown}; known detectors: {', '.join(registry.known())}")
        return self

    def _validate_dedup(self) -> None:
        n = self.dedup
        for key in ("num_perm", "ngram", "bands", "rows", "rounds"):
            _positive(f"dedup.{key}", getattr(n, key))
        if n.partitions < 0:
            raise ConfigError(f"dedup.partitions: {n.partitions} must be 0 (automatic) or positive")
        if n.bands * n.rows != n.num_perm:
            raise ConfigError(f"dedup: bands * rows must equal num_perm ({n.bands} * {n.rows} != {n.num_perm})")
        for key in ("verify_threshold", "known_synthetic_p"):
            if not 0.0 <= getattr(n, key) <= 1.0:
                raise ConfigError(f"dedup.{key}: {getattr(n, key)} is outside [0, 1]")
        if n.farm_min_domains < 2:
            raise ConfigError(f"dedup.farm_min_domains: {n.farm_min_domains} must be at least 2")

    def _validate_lm(self) -> None:
        lm = self.lm
        if lm.scope not in LM_SCOPES:
            raise ConfigError(f"lm.scope: {lm.scope!r} is not one of {', '.join(LM_SCOPES)}")
        if not 0.0 <= lm.sample_rate <= 1.0:
            raise ConfigError(f"lm.sample_rate: {lm.sample_rate} is outside [0, 1]")
        _positive("lm.batch_size", lm.batch_size)
        if lm.dtype not in LM_DTYPES:
            raise ConfigError(f"lm.dtype: {lm.dtype!r} is not one of {', '.join(LM_DTYPES)}")
        if lm.threads < 0:
            raise ConfigError(f"lm.threads: {lm.threads} must be 0 (torch's default) or positive")
        if "lm_v2" in self.detectors.enabled:
            raise ConfigError("detectors.enabled: lm_v2 runs as the second stage; turn it on with lm.enabled (--lm)")

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, for the manifest."""
        return dataclasses.asdict(self)


def _validate_fields(fields: dict[str, list[str]]) -> None:
    from synthsieve.readers.fields import FieldMap

    try:
        FieldMap.of(fields)
    except ValueError as exc:
        raise ConfigError(f"reader.fields: {exc}") from None


def _positive(key: str, value: int) -> None:
    if value <= 0:
        raise ConfigError(f"{key}: {value} must be a positive integer")


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Loads defaults, then the YAML file, then ``overrides`` (dotted keys such as ``decision.human_threshold``)."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"config file {path}: the top level must be a mapping of sections")
    config = _build(Config, data, prefix="")
    for dotted, value in (overrides or {}).items():
        if value is not None:
            _set(config, dotted, value)
    return config.validate()


def _build(cls: type, data: dict[str, Any], prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"unknown key(s) {sorted(prefix + k for k in unknown)}; allowed: {sorted(known)}")
    kwargs = {}
    for name, value in data.items():
        kind = hints[name]
        if dataclasses.is_dataclass(kind):
            if not isinstance(value, dict):
                raise ConfigError(f"{prefix}{name}: expected a mapping, got {value!r}")
            kwargs[name] = _build(kind, value, prefix=f"{prefix}{name}.")
        else:
            kwargs[name] = _coerce(f"{prefix}{name}", kind, value)
    return cls(**kwargs)


def _coerce(key: str, kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        return value
    if origin is list:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key}: expected a list of strings, got {value!r}")
        return value
    if kind is bool and isinstance(value, bool):
        return value
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    raise ConfigError(f"{key}: expected {getattr(kind, '__name__', kind)}, got {value!r}")


def _set(config: Config, dotted: str, value: Any) -> None:
    section_name, _, key = dotted.partition(".")
    section = getattr(config, section_name)
    kind = typing.get_type_hints(type(section))[key]
    setattr(section, key, _coerce(dotted, kind, value))
