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
    ],
)
def test_bad_config_names_key_and_value(tmp_path, yaml_text, message):
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ConfigError, match=None) as info:
        load_config(path)
    assert message in str(info.value)


def test_comma_separated_detectors_flag():
    config = load_config(None, {"detectors.enabled": "markers_v1"})
    assert config.detectors.enabled == ["markers_v1"]


def test_shipped_default_yaml_matches_the_code_defaults():
    from builders import REPO

    assert load_config(REPO / "configs" / "default.yaml").to_dict() == load_config().to_dict()
