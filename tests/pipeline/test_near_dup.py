import json
import random

import apache_beam as beam
import numpy as np
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from synthsieve.dedup.lsh import estimated_jaccard
from synthsieve.dedup.minhash import MinHashParams, signatures
from synthsieve.pipeline.near_dup import UNCONVERGED, NearDuplicates
from synthsieve.provenance.ids import content_hash

PARAMS = MinHashParams()
IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
MULTI = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
RNG = random.Random(7)
VOCAB = sorted({"".join(RNG.choice("bcdfghklmnprstvz") + RNG.choice("aeiou") for _ in range(3)) for _ in range(4000)})


def _words(n: int, rng: random.Random) -> list[str]:
    return [rng.choice(VOCAB) for _ in range(n)]


def _edit(words: list[str], share: float, rng: random.Random) -> list[str]:
    """A copy with ``share`` of its words replaced by random others."""
    copy = list(words)
    for i in rng.sample(range(len(copy)), round(share * len(copy))):
        copy[i] = rng.choice(VOCAB)
    return copy


def _docs(texts: dict[str, str], dates: dict[str, str] | None = None) -> list[dict]:
    dates = dates or {}
    sigs = signatures(list(texts.values()), PARAMS)
    return [
        {
            "id": doc,
            "signature": sig.tobytes(),
            "domain": f"{doc}.example.com",
            "crawl_date": dates.get(doc),
            "content_hash": content_hash(text),
        }
        for (doc, text), sig in zip(texts.items(), sigs)
    ]


def _chain_texts(links: int, rng: random.Random, shift: int = 30) -> list[str]:
    """Windows of 150 words sliding by ``shift``: neighbours are near-duplicates, windows two apart are not."""
    words = _words(150 + shift * links, rng)
    return [" ".join(words[shift * k : shift * k + 150]) for k in range(links + 1)]


@pytest.fixture(scope="module")
def planted():
    """40 originals with a copy each (3-5% of words replaced), an exact duplicate, a chain and 30 unrelated texts.

    Returns the documents and the expected clusters (sets of ids, singletons included).
    """
    rng = random.Random(11)
    texts, clusters = {}, []
    for i in range(40):
        words = _words(150, rng)
        texts[f"orig{i:02d}"] = " ".join(words)
        texts[f"copy{i:02d}"] = " ".join(_edit(words, (0.03, 0.04, 0.05)[i % 3], rng))
        clusters.append({f"orig{i:02d}", f"copy{i:02d}"})
    texts["exact"] = "  " + texts["orig00"].upper().replace(" ", "\n")
    clusters[0].add("exact")
    texts["chain_a"], texts["chain_b"], texts["chain_c"] = _chain_texts(2, rng)
    clusters.append({"chain_a", "chain_b", "chain_c"})
    for i in range(30):
        texts[f"other{i:02d}"] = " ".join(_words(rng.randint(120, 200), rng))
        clusters.append({f"other{i:02d}"})
    dates = {f"orig{i:02d}": "2019-05-01" for i in range(0, 40, 2)}
    return _docs(texts, dates=dates), clusters


def _run(docs, flags, tmp_path, **kwargs):
    """Runs NearDuplicates; returns its rows sorted by id and the UNCONVERGED counter (None where not reported)."""
    options = PipelineOptions(flags)
    p = beam.Pipeline(options=options)
    (
        p
        | beam.Create(docs)
        | NearDuplicates(PARAMS, **kwargs)
        | beam.Map(json.dumps, sort_keys=True)
        | beam.io.WriteToText(str(tmp_path / "rows"))
    )
    result = p.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name(UNCONVERGED))["counters"]  # one per star step
    rows = [json.loads(line) for path in tmp_path.glob("rows*") for line in path.read_text().splitlines()]
    return sorted(rows, key=lambda r: r["id"]), sum(c.committed for c in counters) if counters else None


@pytest.fixture(scope="module")
def in_memory_run(planted, tmp_path_factory):
    return _run(planted[0], IN_MEMORY, tmp_path_factory.mktemp("in_memory"))


def test_planted_copies_chain_and_exact_duplicates_cluster_and_unrelated_texts_stay_alone(planted, in_memory_run):
    docs, clusters = planted
    rows, unconverged = in_memory_run
    assert [r["id"] for r in rows] == sorted(d["id"] for d in docs)  # every document exactly once
    found = {}
    for row in rows:
        found.setdefault(row["near_dup_cluster"], set()).add(row["id"])
    assert sorted(map(sorted, found.values())) == sorted(map(sorted, clusters))
    assert unconverged == 0


def test_cluster_columns(in_memory_run):
    rows = {r["id"]: r for r in in_memory_run[0]}
    assert rows["exact"]["near_dup_cluster"] == "copy00" and rows["orig00"]["near_dup_count"] == 3
    assert [rows[i]["is_canonical"] for i in ("copy00", "exact", "orig00")] == [False, False, True]  # only dated
    assert rows["copy01"]["is_canonical"] and not rows["orig01"]["is_canonical"]  # undated: smallest id
    assert rows["orig00"]["near_dup_domains"] == ["copy00.example.com", "exact.example.com", "orig00.example.com"]
    assert rows["other00"] == {
        "id": "other00",
        "near_dup_cluster": "other00",
        "near_dup_count": 1,
        "is_canonical": True,
        "near_dup_domains": ["other00.example.com"],
    }


def test_chain_ends_are_not_near_duplicates_of_each_other(planted):
    sigs = {d["id"]: d["signature"] for d in planted[0]}
    a, b, c = (np.frombuffer(sigs[f"chain_{x}"], dtype=np.uint32) for x in "abc")
    assert estimated_jaccard(a, b) >= 0.5 and estimated_jaccard(b, c) >= 0.5 > estimated_jaccard(a, c)


def test_result_is_identical_with_two_worker_processes(planted, in_memory_run, tmp_path):
    assert _run(planted[0], MULTI, tmp_path)[0] == in_memory_run[0]


def test_too_few_rounds_for_a_long_chain_are_reported(tmp_path):
    texts = _chain_texts(24, random.Random(3))
    ids = [f"link{i:02d}" for i in range(len(texts))]
    random.Random(4).shuffle(ids)
    rows, unconverged = _run(_docs(dict(zip(ids, texts))), IN_MEMORY, tmp_path, rounds=1)
    assert sorted(r["id"] for r in rows) == sorted(ids) and unconverged > 0


def test_exact_duplicates_without_words_and_verification_off():
    docs = _docs({"e1": "", "e2": " ", "solo": "one two three"})
    with TestPipeline() as p:
        rows = (
            p
            | beam.Create(docs)
            | NearDuplicates(PARAMS, verify_threshold=None)
            | beam.Map(lambda r: (r["id"], r["near_dup_cluster"], r["near_dup_count"], r["is_canonical"]))
        )
        assert_that(rows, equal_to([("e1", "e1", 2, True), ("e2", "e1", 2, False), ("solo", "solo", 1, True)]))
