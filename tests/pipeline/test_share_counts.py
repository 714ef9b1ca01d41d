"""Share counts per source and month, merged in any order, and the reference each row is estimated against."""

import numpy as np

from synthsieve.detectors import share
from synthsieve.pipeline.share_counts import HEAD, KNOWN, SHIPPED, batch_counts, references, share_row

RNG = np.random.default_rng(7)


def _batch(n: int):
    sources = RNG.choice(["a.org", "b.org"], n).tolist()
    months = RNG.choice(["2024-01", "2024-02", None], n).tolist()
    p = RNG.uniform(0, 1, n)
    p[RNG.uniform(size=n) < 0.1] = np.nan
    hard = RNG.uniform(size=n) < 0.05
    return sources, months, p, ~hard & (RNG.uniform(size=n) < 0.9), hard


def test_counts_per_key_add_up_and_merge_in_any_order():
    first, second = _batch(50), _batch(70)
    sources, months = first[0] + second[0], first[1] + second[1]
    p, counted, hard = (np.concatenate([first[i], second[i]]) for i in (2, 3, 4))
    whole = batch_counts(sources, months, p, counted, hard)
    parts = [batch_counts(*first), batch_counts(*second)]
    assert all(np.array_equal(sum(part.get(k, 0) for part in parts), whole[k]) for k in whole)
    assert whole[None, None][0] == 120
    assert whole[None, None][HEAD:].sum() == np.count_nonzero(counted & ~np.isnan(p))
    assert whole[None, None][1] == np.count_nonzero(hard)
    assert whole["a.org", None][0] + whole["b.org", None][0] == 120
    dated = sum(whole[None, m][0] for m in ("2024-01", "2024-02") if (None, m) in whole)
    assert dated == sum(m is not None for m in months)
    assert ("a.org", None) in whole and whole["a.org", None][0] >= whole.get(("a.org", "2024-01"), [0])[0]


def test_rows_use_the_runs_references_where_there_are_enough_else_the_shipped_ones():
    h_known, s_known = share.load_reference()
    human = references([("a.org", float(p)) for p in RNG.beta(2, 8, 300)])
    synthetic = references([("a.org", float(p)) for p in RNG.beta(8, 2, 300)])
    mix = np.concatenate([RNG.beta(2, 8, 700), RNG.beta(8, 2, 300)])
    counts = np.concatenate([[1000, 0], share.histogram(mix)])
    own = share_row(("a.org", None), counts, human, synthetic, (h_known, s_known), 200)
    assert own["method"].endswith(f"H={KNOWN}; S={KNOWN}") and own["human_references"] == 300
    assert own["share_lo"] <= 0.3 <= own["share_hi"] and own["share_floor"] is not None
    assert own["share_floor"] <= own["share_hi"] and own["documents"] == own["scored"] == 1000
    other = share_row(("b.org", "2024-01"), counts, human, synthetic, (h_known, s_known), 200)
    assert other["method"].endswith(f"H={SHIPPED}; S={SHIPPED}") and other["share_floor"] is None
    assert other["human_references"] == other["synthetic_references"] == 0
    corpus = share_row((None, None), counts, human, synthetic, (h_known, s_known), 200)
    assert corpus["method"].endswith(f"H={KNOWN}; S={KNOWN}")  # all sources' references pooled
    few = share_row(("a.org", None), counts, human, synthetic, (h_known, s_known), 301)
    assert few["method"].endswith(f"H={SHIPPED}; S={SHIPPED}")


def test_a_key_without_scored_documents_has_no_share():
    h, s = share.load_reference()
    counts = np.zeros(HEAD + share.BINS, np.int64)
    counts[0] = 4  # four documents, none scored
    row = share_row(("a.org", "2024-01"), counts, {}, {}, (h, s), 200)
    assert (row["documents"], row["scored"], row["share"], row["share_lo"]) == (4, 0, None, None)
    counts[1] = 2  # two of them decided by hard evidence: synthetic
    row = share_row(("a.org", "2024-01"), counts, {}, {}, (h, s), 200)
    assert (row["scored"], row["share"], row["share_lo"], row["share_hi"]) == (2, 1.0, 1.0, 1.0)


def test_hard_evidence_documents_count_as_synthetic():
    h, s = share.load_reference()
    counts = np.concatenate([[100, 20], share.histogram(RNG.beta(2, 8, 80))])
    row = share_row((None, None), counts, {}, {}, (h, s), 200)
    assert row["scored"] == 100 and row["share_lo"] >= 0.2 and row["share"] >= 0.2


def test_the_source_posterior_uses_the_sources_share_and_keeps_hard_evidence():
    from synthsieve.detectors.decide import Evidence
    from synthsieve.pipeline.annotate import source_posterior

    p = np.array([0.6, 0.6, 0.6, 0.99, np.nan], np.float32)
    evidence = Evidence(p, ~np.isnan(p), np.array([False, False, False, True, False]), [])
    sources, known = ["farm.com", "blog.org", "new.net", "farm.com", "blog.org"], np.zeros(5, bool)
    priors = {None: (0.3, 1000), "farm.com": (0.9, 5000), "blog.org": (0.02, 5000)}
    post = source_posterior(evidence, sources, known, priors)
    assert post[0] > 0.9 and post[1] < 0.1 and np.isclose(post[2], share.with_prior(np.array([0.6]), 0.3)[0])
    assert post[3] == np.float32(0.99) and np.isnan(post[4])
    assert np.isnan(source_posterior(evidence, sources, known, {})).all()  # no share estimated: no posterior
