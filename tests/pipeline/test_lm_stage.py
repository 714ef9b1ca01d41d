"""The second stage's pure parts: which documents the LM scores, and how its scores join the batch."""

import numpy as np
import pytest

from synthsieve.config import load_config
from synthsieve.detectors.lm_stats import FEATURES
from synthsieve.pipeline.annotate import Annotator
from synthsieve.pipeline.lm_stage import LMScores, joined, sample_fraction, selected, selection, with_scores

from builders import HUMAN_TEXT, SYNTHETIC_TEXT, raw_document


def _scored(config, p):
    """A scored batch of one judged text per given first-stage p, plus one too short and one with a marker."""
    raws = [raw_document(f"{HUMAN_TEXT} {i}", i, date=None, id=f"doc-{i}") for i in range(len(p))]
    raws += [
        raw_document(t, o, date=None, id=f"doc-{o}") for t, o in (("too short to judge", 10), (SYNTHETIC_TEXT, 11))
    ]
    scored = Annotator(config).score(raws)
    scored.evidence.p_synthetic[: len(p)] = p
    return scored


def _config(**lm):
    return load_config(overrides={"lm.enabled": True, **{f"lm.{k}": v for k, v in lm.items()}})


def test_uncertain_scope_takes_judged_documents_strictly_between_the_global_thresholds():
    config = _config()
    d = config.decision
    inside = np.linspace(d.human_threshold, d.synthetic_threshold, 4)[1:3]
    scored = _scored(config, np.array([d.human_threshold, *inside, d.synthetic_threshold], np.float32))
    assert not scored.evidence.judged[4] and scored.evidence.hard[5]  # gated and hard evidence: never scored
    assert selected(scored, config, None).tolist() == [1, 2]


def test_not_synthetic_scope_adds_what_the_first_stage_labels_human():
    config = _config(scope="not_synthetic")
    d = config.decision
    p = np.array([0.0, d.human_threshold, (d.human_threshold + d.synthetic_threshold) / 2, d.synthetic_threshold])
    assert selected(_scored(config, p.astype(np.float32)), config, None).tolist() == [0, 1, 2]


def test_all_scope_takes_every_judged_document_without_hard_evidence():
    config = _config(scope="all")
    assert selected(_scored(config, np.array([0.1, 0.5, 0.99], np.float32)), config, None).tolist() == [0, 1, 2]


def test_audit_sample_adds_the_documents_whose_id_hash_falls_under_the_rate():
    ids = [f"doc-{i}" for i in range(3)]
    fractions = sample_fraction(ids)
    assert ((fractions >= 0) & (fractions < 1)).all()
    assert sample_fraction(ids).tolist() == fractions.tolist()  # the same documents on every run
    rate = float(np.sort(fractions)[1]) + 1e-12  # exactly the two lowest hashes pass
    config = _config(sample_rate=rate)
    scored = _scored(config, np.array([0.01, 0.02, 0.03], np.float32))  # all decided by the first stage
    assert selected(scored, config, None).tolist() == np.flatnonzero(fractions < rate).tolist()


def test_only_documents_in_the_lm_languages_are_candidates():
    config = _config(scope="all")
    scored = _scored(config, np.array([0.1, 0.5, 0.99], np.float32))
    assert selected(scored, config, frozenset({"en"})).tolist() == [0, 1, 2]
    assert selected(scored, config, frozenset({"de"})).tolist() == []


def test_joined_scores_replace_p_synthetic_and_leave_others_null():
    config = _config()
    scored = _scored(config, np.array([0.2, 0.5, 0.8], np.float32))
    columns = {"p": np.array([0.9], np.float32), "evidence": np.array([1.5], np.float32)}
    columns |= {name: np.array([3.0], np.float32) for name in FEATURES}
    out = joined(scored, np.array([1]), columns, "lm_v2")
    p = out.table.column("p_synthetic").to_numpy()
    assert p[1] == pytest.approx(0.9) and out.evidence.p_synthetic[1] == pytest.approx(0.9)
    assert p[0] == pytest.approx(0.2) and p[2] == pytest.approx(0.8)
    assert out.table.column("p_synthetic").to_pylist()[3] is None  # too short: not scored, still null
    assert np.isnan(out.evidence.p_synthetic[3]) and out.evidence.p_synthetic[4] >= 0.99
    assert out.table.column("lm_v2__p").to_pylist()[:3] == [None, pytest.approx(0.9), None]
    assert out.table.column("lm_v2__curvature").to_pylist()[1] == 3.0
    assert out.table.column("reasons").to_pylist()[1][-1] == "lm_v2:p=0.90"
    assert out.table.schema.equals(scored.table.schema)


def test_a_selection_holds_only_the_selected_documents_and_their_batch_key():
    config = _config()
    d = config.decision
    middle = (d.human_threshold + d.synthetic_threshold) / 2
    scored = _scored(config, np.array([0.0, middle, 1.0], np.float32))
    chosen = selection(scored, config, None)
    assert chosen.index.tolist() == [1] and chosen.texts == [f"{HUMAN_TEXT} 1"]
    assert chosen.first_p.tolist() == [pytest.approx(middle)] and chosen.batch == scored.fingerprints.batch
    assert selection(_scored(config, np.array([0.0, 1.0], np.float32)), config, None) is None


def test_scores_joined_by_batch_key_are_the_joined_columns():
    config = _config()
    scored = _scored(config, np.array([0.2, 0.5], np.float32))
    columns = {"p": np.array([0.9], np.float32), "evidence": np.array([1.5], np.float32)}
    columns |= {name: np.array([3.0], np.float32) for name in FEATURES}
    out = with_scores(scored, LMScores(scored.fingerprints.batch, np.array([1]), columns))
    assert out.table.equals(joined(scored, np.array([1]), columns, "lm_v2").table)
