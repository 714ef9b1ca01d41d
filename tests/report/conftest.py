"""The sample corpus's real output, made once for the report tests."""

import pytest

from synthsieve.config import load_config
from synthsieve.pipeline.run import run_job

from builders import SAMPLE


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "out"
    run_job(
        [str(SAMPLE / "*")], str(out), load_config(), ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
    )
    return out
