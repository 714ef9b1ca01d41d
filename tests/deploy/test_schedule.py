"""deploy/schedule: the Cloud Scheduler launch body and the Airflow DAG fill the Flex Template's parameters."""

import datetime as dt
import importlib.util
import json
import re

import pytest

from synthsieve.cli import run
from synthsieve.flex import to_cli

from builders import REPO

SCHEDULE = REPO / "deploy" / "schedule"
METADATA = json.loads((REPO / "deploy" / "dataflow" / "metadata.json").read_text())
METADATA = {p["name"]: p for p in METADATA["parameters"]}
REQUIRED = {name for name, p in METADATA.items() if not p.get("isOptional")}


def _valid(parameters: dict[str, str]) -> None:
    """What Dataflow checks at launch: known names, every required one, values passing the regexes."""
    assert set(parameters) <= set(METADATA) and REQUIRED <= set(parameters)
    for name, value in parameters.items():
        assert any(re.fullmatch(rx, value) for rx in METADATA[name]["regexes"]), (name, value)


def test_scheduled_launch_cleans_yesterdays_partition_into_its_own_prefix():
    text = (SCHEDULE / "launch.json").read_text()
    env = {"BUCKET": "my-bucket", "TAG": "0.1.0", "SERVICE_ACCOUNT": "sa@p.iam.gserviceaccount.com"}
    for key, value in env.items():
        text = text.replace(f"${{{key}}}", value)  # as cloud_scheduler.sh does
    launch = json.loads(text)["launchParameter"]
    assert launch["containerSpecGcsPath"] == "gs://my-bucket/templates/synthsieve-0.1.0.json"
    _valid(launch["parameters"])
    argv = to_cli([f"--{k}={v}" for k, v in launch["parameters"].items()], dt.date(2025, 3, 2))
    ctx = run.make_context("run", argv[1:])
    assert ctx.params["inputs"] == ("gs://my-bucket/crawl/dt=2025-03-01/*.warc.gz",)
    assert ctx.params["output"] == "gs://my-bucket/synthsieve/dt=2025-03-01" and ctx.params["dedup"]


def test_airflow_dag_imports_with_its_tasks():
    pytest.importorskip(
        "airflow.providers.google.cloud.operators.dataflow",
        reason="apache-airflow with apache-airflow-providers-google is not installed (too large for the test extra)",
    )
    spec = importlib.util.spec_from_file_location("synthsieve_dag", SCHEDULE / "synthsieve_dag.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.dag
    assert dag.dag_id == "synthsieve_daily"
    assert {t.task_id: sorted(t.downstream_task_ids) for t in dag.tasks} == {
        "launch_synthsieve": ["check_manifest"],
        "check_manifest": [],
    }
    env = dag.get_template_env()
    context = {"var": {"value": {"synthsieve_bucket": "my-bucket"}}, "data_interval_start": dt.datetime(2025, 3, 1, 3)}
    launch = dag.get_task("launch_synthsieve").body["launchParameter"]
    rendered = {k: env.from_string(v).render(**context) for k, v in launch["parameters"].items()}
    _valid(rendered)
    assert rendered["input"] == "gs://my-bucket/crawl/dt=2025-03-01/*.warc.gz"
    assert rendered["output"] == "gs://my-bucket/synthsieve/dt=2025-03-01"
