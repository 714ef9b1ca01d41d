import numpy as np

from synthsieve.config import load_config
from synthsieve.pipeline.annotate import Annotator
from synthsieve.pipeline.staged import read_scored, staged_path, write_scored

from builders import HUMAN_TEXT, SYNTHETIC_TEXT, raw_document

ANNOTATOR = Annotator(load_config())


def test_a_staged_batch_reads_back_as_the_same_decision_inputs(tmp_path):
    scored = ANNOTATOR.score(
        [raw_document(HUMAN_TEXT, 10, date="2019-03-04"), raw_document(SYNTHETIC_TEXT, 20, date="2019-03-04")]
    )
    batch, path = write_scored(scored, str(tmp_path))
    assert batch == scored.nodes[0] and path == staged_path(str(tmp_path), batch)
    back = read_scored(path)
    assert back.table.equals(scored.table)  # the documents' own columns, nothing more
    for name in ("p_synthetic", "judged", "hard"):
        got, want = getattr(back.evidence, name), getattr(scored.evidence, name)
        assert got.dtype == want.dtype and np.array_equal(got, want)
    assert back.sources == scored.sources and back.pre_llm.tolist() == [True, True]
    assert back.nodes.tolist() == scored.nodes.tolist()
    decided, expected = ANNOTATOR.decider.decide(back, {}), ANNOTATOR.decider.decide(scored, {})
    assert decided.keys() == expected.keys() and all(decided[k].equals(expected[k]) for k in expected)
    assert write_scored(scored, str(tmp_path)) == (batch, path)  # a retry rewrites the same file
