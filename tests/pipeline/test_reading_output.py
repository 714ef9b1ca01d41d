"""The README's recipes for reading an output folder, each run on a real run's output."""

import re
import shutil

import pytest

from synthsieve.config import load_config
from synthsieve.pipeline.run import run_job

from builders import REPO, SAMPLE

RECIPES = dict(re.findall(r"<!-- recipe: (\w+) -->\n```python\n(.*?)```", (REPO / "README.md").read_text(), re.S))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The sample corpus's output: documents of every label, dead letters and skipped records beside them."""
    out = tmp_path_factory.mktemp("readers") / "out"
    manifest = run_job(
        [str(SAMPLE / "*")], str(out), load_config(), ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
    )
    assert manifest["dead_letter"]["total"] and manifest["skipped"]["total"]
    return out, manifest


def _rows_and_labels(docs) -> tuple[int, set[str]]:
    kind = type(docs).__module__.split(".")[0]
    if kind == "pandas":
        return len(docs), set(docs["label"].astype(str))
    if kind == "pyarrow":
        return docs.num_rows, set(docs.column("label").to_pylist())
    if kind == "polars":
        return docs.height, set(docs["label"].to_list())
    if kind == "duckdb":
        return len(docs), {row[0] for row in docs.select("label").fetchall()}
    rows = docs.select("label").collect()  # Spark
    return len(rows), {row[0] for row in rows}


def test_the_readme_has_a_recipe_per_reader():
    assert sorted(RECIPES) == ["duckdb", "pandas", "polars", "pyarrow", "spark"]


@pytest.mark.parametrize("reader", ["pandas", "pyarrow", "polars", "duckdb", "spark"])
def test_readme_recipe_reads_exactly_the_documents(reader, run):
    out, manifest = run
    if reader == "spark":
        pytest.importorskip("pyspark", reason="pyspark is not installed (make test installs it)")
        if shutil.which("java") is None:
            pytest.skip("Spark needs a Java runtime, and this machine has none")
    scope = {"DIR": str(out)}
    exec(RECIPES[reader], scope)  # noqa: S102 - the README's own code, on a test output
    labels = {label for label, n in manifest["labels"].items() if n}
    assert _rows_and_labels(scope["docs"]) == (sum(manifest["labels"].values()), labels)
    if reader == "spark":
        scope["spark"].stop()
