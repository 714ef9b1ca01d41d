"""Airflow DAG: clean one date partition a day with the synthsieve Flex Template, then check its manifest.

At 03:00 UTC each run reads the partition of its data interval, the day before, and writes to that day's own
prefix, ``gs://BUCKET/synthsieve/dt=YYYY-MM-DD/``, so a backfill or a rerun touches only its day. The Dataflow job
writes ``_manifest.json`` last, only when it has succeeded; the run succeeds when the manifest is there, its
accounting balances and no input file was unreadable.

Needs apache-airflow-providers-google; not synthsieve itself. Airflow Variables: ``synthsieve_project``,
``synthsieve_region``, ``synthsieve_bucket``, ``synthsieve_service_account`` and ``synthsieve_template`` (the
template spec written by ``deploy/dataflow/flex.sh build``). Edit ``INPUT`` for another layout.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from airflow.providers.google.cloud.hooks.gcs import GCSHook
from airflow.providers.google.cloud.operators.dataflow import DataflowStartFlexTemplateOperator
from airflow.timetables.trigger import CronTriggerTimetable

try:
    from airflow.sdk import DAG, task
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.decorators import task

BUCKET = "{{ var.value.synthsieve_bucket }}"
PARTITION = "{{ data_interval_start | ds }}"
INPUT = f"gs://{BUCKET}/crawl/dt={PARTITION}/*.warc.gz"
OUTPUT_PREFIX = f"synthsieve/dt={PARTITION}"
PARAMETERS = {"input": INPUT, "output": f"gs://{BUCKET}/{OUTPUT_PREFIX}", "dedup": "true"}

with DAG(
    dag_id="synthsieve_daily",
    schedule=CronTriggerTimetable("0 3 * * *", timezone="UTC", interval=timedelta(days=1)),
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=2,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["synthsieve", "dataflow"],
) as dag:
    launch = DataflowStartFlexTemplateOperator(
        task_id="launch_synthsieve",
        project_id="{{ var.value.synthsieve_project }}",
        location="{{ var.value.synthsieve_region }}",
        body={
            "launchParameter": {
                "jobName": "synthsieve-{{ ds_nodash }}",
                "containerSpecGcsPath": "{{ var.value.synthsieve_template }}",
                "parameters": PARAMETERS,
                "environment": {
                    "serviceAccountEmail": "{{ var.value.synthsieve_service_account }}",
                    "tempLocation": f"gs://{BUCKET}/tmp",
                },
            }
        },
        deferrable=True,  # waits for the job's end in the triggerer, not in a worker slot
    )

    @task(task_id="check_manifest")
    def check_manifest(bucket: str, prefix: str) -> dict:
        """The run's manifest: it must exist, balance and list no unreadable input file."""
        manifest = json.loads(GCSHook().download(bucket_name=bucket, object_name=f"{prefix}/_manifest.json"))
        if not manifest["balanced"] or manifest["file_errors"]:
            raise ValueError(f"gs://{bucket}/{prefix}: accounting failed; unreadable files: {manifest['file_errors']}")
        return {"documents_read": manifest["documents_read"], **manifest["labels"]}

    launch >> check_manifest(BUCKET, OUTPUT_PREFIX)
