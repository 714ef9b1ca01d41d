"""deploy/dataflow: the Flex Template metadata, checked against the real CLI, and the image's Dockerfile."""

import json
import re
import sys
import tomllib
from functools import reduce

import pytest

from synthsieve.cli import _CONFIG_FLAGS, run
from synthsieve.config import INPUT_FORMATS, load_config
from synthsieve.flex import template_parameters

from builders import REPO

DATAFLOW = REPO / "deploy" / "dataflow"
METADATA = json.loads((DATAFLOW / "metadata.json").read_text())
PARAMS = {p["name"]: p for p in METADATA["parameters"]}


def _matches(name: str, value: str) -> bool:
    return any(re.fullmatch(rx, value) for rx in PARAMS[name]["regexes"])


def test_metadata_parameters_are_the_run_flags_and_documented():
    assert len(PARAMS) == len(METADATA["parameters"]) and set(PARAMS) == set(template_parameters())
    for p in PARAMS.values():
        assert p["label"] and len(p["helpText"]) > 20 and p["regexes"], p["name"]
        for rx in p["regexes"]:
            re.compile(rx)
    required = {name for name, param in template_parameters().items() if param.required}
    assert required == {"input", "output"} == {name for name, p in PARAMS.items() if not p.get("isOptional")}
    assert not METADATA["streaming"]


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_examples_and_defaults_in_the_help_pass_the_regexes(name):
    help_text = PARAMS[name]["helpText"]
    values = re.findall(r"Example: (\S+)", help_text) + re.findall(r"Default: (\S+?)\.?$", help_text)
    assert values, f"{name}: give an example or the default in helpText"
    for value in values:
        assert _matches(name, value), (name, value)


def test_documented_defaults_are_the_config_defaults():
    config = load_config()
    for name, dotted in _CONFIG_FLAGS.items():
        found = re.findall(r"Default: (\S+?)\.?$", PARAMS[name]["helpText"])
        value = reduce(getattr, dotted.split("."), config)
        expected = ",".join(value) if isinstance(value, list) else str(value).lower()
        assert found == [expected], name


@pytest.mark.parametrize(
    "name, value",
    [("input", "crawl/*.warc.gz"), ("input", "gs://b/a,,gs://b/c"), ("output", "gs://b/a,gs://b/c"),
     ("config", "gs://b/c.json"), ("dedup", "yes"), ("format", "csv"), ("batch_size", "0"), ("min_words", "-1"),
     ("detectors", "fasttext_words_v1, style_v2"), ("synthetic_threshold", "1.5"), ("human_threshold", ".3")],
)  # fmt: skip
def test_regexes_reject_what_the_cli_or_workers_would(name, value):
    assert not _matches(name, value)


def test_format_choices_are_the_clis():
    [choice] = [p for p in run.params if p.name == "format"]
    assert tuple(choice.type.choices) == INPUT_FORMATS
    assert all(_matches("format", f) for f in INPUT_FORMATS)


def test_dockerfile_builds_on_the_pinned_beam_sdk_image_and_launches_synthsieve():
    dockerfile = (DATAFLOW / "Dockerfile").read_text()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    beam = [d for d in pyproject["project"]["dependencies"] if d.startswith("apache-beam==")]
    assert f"ARG BEAM_VERSION={beam[0].split('==')[1]}" in dockerfile
    python = f"{sys.version_info.major}.{sys.version_info.minor}"  # the interpreter the suite (and make) use
    assert f"ARG PYTHON_VERSION={python}" in dockerfile
    assert f"python{python.replace('.', '')}-template-launcher-base" in dockerfile
    assert "FROM apache/beam_python${PYTHON_VERSION}_sdk:${BEAM_VERSION}" in dockerfile
    assert "python -m build --wheel" in dockerfile and "synthsieve-*.whl" in dockerfile
    [source] = re.findall(r"COPY (\S+) /template/main.py", dockerfile)
    assert "ENV FLEX_TEMPLATE_PYTHON_PY_FILE=/template/main.py" in dockerfile
    assert "from synthsieve.flex import main" in (REPO / source).read_text()
    assert dockerfile.rstrip().endswith('ENTRYPOINT ["/opt/apache/beam/boot"]')
