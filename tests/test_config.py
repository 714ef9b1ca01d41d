import pytest

from synthsieve.config import ConfigError, load_config


def test_defaults_validate():
    config = load_config()
    assert config.reader.format == "auto"
    assert config.decision.human_threshold < config.decision.synthetic_threshold


def test_yaml_then_flags_override(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("decision:\n  synthetic_threshold: 0.95\nreader:\n  batch_size: 64\n")
    config = load_config(path, {"reader.batch_size": 32, "decision.human_threshold": None})
    assert config.decision.synthetic_threshold == 0.95
    assert config.reader.batch_size == 32


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("decison:\n  x: 1\n", "unknown key(s) ['decison']"),
        ("reader:\n  batch_size: many\n", "reader.batch_size: expected int"),
        ("reader:\n  format: csv\n", "reader.format: 'csv' is not one of"),
        ("decision:\n  human_threshold: 0.95\n", "must be below"),
        ("detectors:\n  enabled: [nope_v9]\n", "unknown ['nope_v9']; known detectors:"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("dedup:\n  bands: 16\n", "bands * rows must equal num_perm (16 * 4 != 128)"),
        ("dedup:\n  partitions: -1\n", "dedup.partitions: -1 must be 0 (automatic) or positive"),
        ("dedup:\n  verify_threshold: 1.5\n", "dedup.verify_threshold: 1.5 is outside [0, 1]"),
        ("dedup:\n  farm_min_domains: 1\n", "must be at least 2"),
        ("lm:\n  scope: some\n", "lm.scope: 'some' is not one of uncertain, not_synthetic, all"),
        ("lm:\n  sample_rate: 2\n", "lm.sample_rate: 2.0 is outside [0, 1]"),
        ("detectors:\n  enabled: [lm_v2]\n", "lm_v2 runs as the second stage"),
        ("reader:\n  max_html_depth: 0\n", "reader.max_html_depth: 0 must be a positive integer"),
        ("reader:\n  extract_timeout_s: -1\n", "reader.extract_timeout_s: -1.0 must be 0 (no limit) or positive"),
        ("reader:\n  max_document_bytes: 5MB\n", "reader.max_document_bytes: expected int, got '5MB'"),
        ("reader:\n  max_doc_bytes: 5\n", "unknown key(s) ['reader.max_doc_bytes']; allowed: ["),
        ("reader: [1, 2]\n", "reader: expected a mapping, got [1, 2]"),
        ("reader:\n  format: [warc\n", "cannot read config file"),
        ("reader:\n  fields: {body: [text]}\n", "reader.fields: unknown field(s) ['body']; known: text, id, url"),
        ("reader:\n  fields: {text: body}\n", "reader.fields: 'text' expects a list of dotted paths, got 'body'"),
        ("reader:\n  fields: {url: [1]}\n", "reader.fields: 'url' expects a list of dotted paths, got [1]"),
        ("reader:\n  fields: [text]\n", "reader.fields: expected a mapping, got ['text']"),
    ],
)
def test_bad_config_names_key_and_value(tmp_path, yaml_text, message):
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ConfigError, match=None) as info:
        load_config(path)
    assert message in str(info.value)


def test_reader_fields_load_from_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("reader: {fields: {text: [body, content], url: [meta.link]}}\n")
    assert load_config(path).reader.fields == {"text": ["body", "content"], "url": ["meta.link"]}


def test_comma_separated_detectors_flag():
    config = load_config(None, {"detectors.enabled": "markers_v1"})
    assert config.detectors.enabled == ["markers_v1"]


def test_shipped_default_yaml_matches_the_code_defaults():
    from builders import REPO

    assert load_config(REPO / "configs" / "default.yaml").to_dict() == load_config().to_dict()


def test_default_thresholds_are_the_packaged_stackers_and_the_lm_band():
    import json

    from synthsieve.detectors.base import MODELS

    decision = load_config().decision
    chosen = json.loads((MODELS / "first_stage.json").read_text(encoding="utf-8"))["thresholds"]
    assert (decision.synthetic_threshold, decision.human_threshold) == (
        chosen["synthetic_threshold"],
        chosen["human_threshold"],
    )
    band = json.loads((MODELS / "lm_v2.json").read_text(encoding="utf-8"))["band"]
    assert band == [decision.human_threshold, decision.synthetic_threshold]


def test_automatic_rebalance_fuses_reading_and_scoring_only_with_enough_files_per_worker():
    from synthsieve.pipeline.run import pipeline_options, with_rebalance, workers

    config = load_config()
    assert with_rebalance(config, [100] * 8, 2).reader.rebalance == "never" and config.reader.rebalance == "auto"
    assert with_rebalance(config, [0] * 8, 2).reader.rebalance == "never"  # sizes unknown
    assert with_rebalance(config, [100] * 7, 2).reader.rebalance == "always"
    assert with_rebalance(config, [100] * 7 + [200], 2).reader.rebalance == "never"  # 200 <= half of 900 / 2
    assert with_rebalance(config, [100] * 7 + [400], 2).reader.rebalance == "always"  # one file outweighs the rest
    assert with_rebalance(config, [100] * 10**3, 0).reader.rebalance == "always"  # unknown worker count
    assert with_rebalance(load_config(None, {"reader.rebalance": "never"}), [1], 2).reader.rebalance == "never"
    assert workers(pipeline_options(["--direct_num_workers=3"])) == 3
    assert workers(pipeline_options(["--direct_running_mode=in_memory", "--direct_num_workers=3"])) == 1
    assert workers(pipeline_options(["--runner=DataflowRunner", "--max_num_workers=50"])) == 50
    assert workers(pipeline_options(["--runner=DataflowRunner"])) == 0


def test_partitions_are_a_fixed_default_capped_by_the_known_workers():
    from synthsieve.pipeline.run import DEFAULT_PARTITIONS, PARTITIONS_PER_WORKER, with_partitions

    config = load_config()
    assert with_partitions(config, 0).dedup.partitions == DEFAULT_PARTITIONS and config.dedup.partitions == 0
    assert with_partitions(config, 2).dedup.partitions == 2 * PARTITIONS_PER_WORKER
    assert with_partitions(config, 10**6).dedup.partitions == DEFAULT_PARTITIONS
    assert with_partitions(load_config(None, {"dedup.partitions": 20_000}), 2).dedup.partitions == 256
    assert with_partitions(load_config(None, {"dedup.partitions": 2}), 1000).dedup.partitions == 2
    assert with_partitions(config, 2, per_worker=2).dedup.partitions == 4  # one machine's processes
    assert with_partitions(config, 1, per_worker=2).dedup.partitions == 4  # never under MIN_PARTITIONS
